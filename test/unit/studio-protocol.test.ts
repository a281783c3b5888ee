// The studio protocol: what each side accepts from the other (zod/mini schemas shared by the
// host and the webview bundle).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HostMessage, JobSnapshot, RunParams, STRING_KEYS, WebviewMessage } from '../../src/protocol/messages';
import { studioModelOptions } from '../../src/protocol/modelOptions';

const location = { folderIndex: 0, path: 'images/cat.png' };

describe('studio protocol', () => {
  test('accepts every webview message the studio sends', () => {
    const messages: unknown[] = [
      { type: 'ready' },
      { type: 'run', jobId: 'jabc123', params: { mode: 'generate', model: 'wan2.6-t2i', prompt: 'a lantern', size: '1280*1280', n: 2, seed: 42 } },
      { type: 'run', jobId: 'j2', params: { mode: 'edit', model: 'wan2.6-image', prompt: 'merge', inputs: [location, { folderIndex: 0, path: 'b.png' }] } },
      { type: 'run', jobId: 'j3', params: { mode: 'translate', model: 'qwen-mt-image', inputs: [location], translation: { sourceLang: 'zh', targetLang: 'en', terms: [{ src: '千问', tgt: 'Qwen' }] } } },
      { type: 'cancel', jobId: 'j2' },
      { type: 'file', action: 'insertLink', location },
      { type: 'errorAction', action: 'switchRegion', switchTo: 'singapore' },
      { type: 'listImages' },
      { type: 'saveGlossary', terms: [{ src: 'a', tgt: 'b' }] },
      { type: 'loadHistory' },
      { type: 'forgetJobs', jobIds: ['j1'] },
      { type: 'copyText', text: 'prompt' },
    ];
    for (const message of messages) assert.ok(WebviewMessage.safeParse(message).success, JSON.stringify(message));
  });

  test('refuses malformed or hostile webview messages', () => {
    const bad: unknown[] = [
      { type: 'run', jobId: '../x', params: { mode: 'generate', model: 'm' } },
      { type: 'run', jobId: 'j', params: { mode: 'paint', model: 'm' } },
      { type: 'run', jobId: 'j', params: { mode: 'generate', model: 'm', seed: -1 } },
      { type: 'run', jobId: 'j', params: { mode: 'generate', model: 'm', seed: 2147483648 } },
      { type: 'run', jobId: 'j', params: { mode: 'generate', model: 'm', n: 1.5 } },
      { type: 'file', action: 'delete', location },
      { type: 'file', action: 'open', location: { folderIndex: -1, path: 'a.png' } },
      { type: 'file', action: 'open', location: { folderIndex: 0, path: '' } },
      { type: 'errorAction', action: 'runShell' },
      { type: 'generate', params: {} },
      'ready',
      null,
    ];
    for (const message of bad) assert.equal(WebviewMessage.safeParse(message).success, false, JSON.stringify(message));
  });

  test('run params keep what was given and nothing else is required', () => {
    const parsed = RunParams.parse({ mode: 'guide', model: 'wan2.6-image:interleave', prompt: 'coffee', maxImages: 3 });
    assert.deepEqual(parsed, { mode: 'guide', model: 'wan2.6-image:interleave', prompt: 'coffee', maxImages: 3 });
  });

  test('host messages: init with every mode, job snapshots with guide segments and errors', () => {
    const strings = Object.fromEntries(STRING_KEYS.map((k) => [k, k]));
    const init = {
      type: 'init',
      strings,
      models: studioModelOptions('en'),
      hasApiKey: true,
      languages: { sources: [{ code: 'auto', label: 'Auto' }], targets: [{ code: 'en', label: 'English' }], pairs: { auto: ['en'] } },
      jobs: [],
      glossary: { terms: [{ src: '千问', tgt: 'Qwen' }], path: '.bailian/glossary.txt' },
    };
    assert.ok(HostMessage.safeParse(init).success);
    assert.equal(HostMessage.safeParse({ ...init, models: [] }).success, false, 'the studio needs at least one model');
    const job = {
      jobId: 'j1',
      status: 'stopped',
      text: 'Stopped.',
      images: [],
      segments: [{ kind: 'text', text: '# Coffee' }, { kind: 'image', image: { src: 'https://x/a.png', displayPath: 'a.png', location, seed: 7 } }],
      error: { name: 'DashScopeError', code: 'InvalidApiKey', message: 'bad key', actions: ['setApiKey', 'openSettings', 'showLog'], requestId: 'r1' },
    };
    assert.ok(JobSnapshot.safeParse(job).success);
    assert.ok(HostMessage.safeParse({ type: 'job', job }).success);
    assert.equal(JobSnapshot.safeParse({ ...job, status: 'paused' }).success, false);
    assert.equal(HostMessage.safeParse({ type: 'job', job: { ...job, segments: [{ kind: 'video' }] } }).success, false);
  });

  test('every mode has models, each with a description and the inputs rule where it takes images', () => {
    const models = studioModelOptions('en', (id) => `about ${id}`);
    for (const mode of ['generate', 'edit', 'translate', 'guide'] as const) assert.ok(models.some((m) => m.mode === mode), mode);
    const wan = models.find((m) => m.id === 'wan2.6-image')!;
    assert.equal(wan.inputs?.alphaAllowed, false, 'wan2.6-image refuses PNG transparency');
    assert.deepEqual([wan.inputs?.min, wan.inputs?.max], [1, 4]);
    assert.equal(models.find((m) => m.id === 'qwen-image-edit-plus')?.inputs?.alphaAllowed, true);
    assert.equal(wan.description, 'about wan2.6-image');
    const guide = models.find((m) => m.mode === 'guide')!;
    assert.deepEqual(guide.maxImages, { min: 1, max: 5, default: 5 });
    const mt = models.find((m) => m.mode === 'translate')!;
    assert.equal(mt.sizeRule.kind, 'none');
    assert.equal(mt.promptRequired, false);
  });
});
