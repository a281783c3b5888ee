/**
 * The DashScope client end to end against the simulator (test/sim): every model and endpoint
 * (sync, stream, async, upload), the error codes the simulator can produce, retries, aborts,
 * timeouts, cancel, resume, downloads and their expiry.
 *
 *   node --import tsx --test test/unit/dashscope-sim.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Agent } from 'undici';
import { FakeClock as SimClock, startSimulator, type Simulator } from '../sim/index';
import {
  DashScopeClient,
  DashScopeError,
  RequestValidationError,
  type DashScopeClientOptions,
  type GenerationRequest,
  type ProgressEvent,
  type StreamDelta,
} from '../../src/dashscope/index';
import { Transport } from '../../src/dashscope/transport';
import { JumpingClock, makePng, recordingLogger, waitUntil } from './client-fixtures';

const SCALE = 0.01;
let sim: Simulator;
let dir: string;
const open: { close(): Promise<void> }[] = [];

function client(extra: Partial<DashScopeClientOptions> = {}, s: Simulator = sim): DashScopeClient {
  const c = new DashScopeClient({ apiKey: s.keys.beijing, baseUrl: s.urls.beijing, region: 'beijing', poll: { durationScale: SCALE }, ...extra });
  open.push(c);
  return c;
}

before(async () => {
  sim = await startSimulator({ timing: { scale: SCALE }, rateLimits: false });
  dir = mkdtempSync(join(tmpdir(), 'ds-sim-test-'));
});
after(async () => {
  await Promise.all(open.map((c) => c.close()));
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

function pngFile(name: string, w: number, h: number): string {
  const p = join(dir, name);
  writeFileSync(p, makePng(w, h));
  return p;
}

describe('every model end to end', () => {
  const t2i: [string, Partial<GenerationRequest>, number, [number, number] | undefined][] = [
    ['qwen-image-max', { size: '1328*1328', seed: 1 }, 1, [1328, 1328]],
    ['qwen-image-plus', {}, 1, [1664, 928]],
    ['qwen-image', { size: '928*1664' }, 1, [928, 1664]],
    ['wan2.6-t2i', { n: 2, size: '1280*1280' }, 2, [1280, 1280]],
    ['z-image-turbo', { size: '1024*1024' }, 1, [1024, 1024]],
  ];
  for (const [model, extra, count, wh] of t2i) {
    test(`${model} (sync) → ${count} image(s), downloaded and verified`, async () => {
      const c = client();
      const progress: ProgressEvent[] = [];
      const r = await c.generate({ model, prompt: 'a lighthouse at dawn', ...extra }, { onProgress: (e) => progress.push(e) });
      assert.equal(r.images.length, count);
      assert.ok(r.requestId);
      assert.equal(r.model, model);
      assert.deepEqual(progress[0], { type: 'request', model, mode: 'sync', endpoint: '/services/aigc/multimodal-generation/generation' });
      const d = await c.download(r.images[0]!.url, { dir, expectedFormat: 'png' });
      assert.equal(d.format, 'png');
      if (wh) {
        assert.deepEqual([r.images[0]!.width, r.images[0]!.height], wh);
        assert.deepEqual([d.width, d.height], wh);
      }
      if (extra.seed !== undefined) assert.equal(r.images[0]!.seed, extra.seed);
    });
  }

  test('z-image-turbo with promptExtend returns the rewritten prompt', async () => {
    const r = await client().generate({ model: 'z-image-turbo', prompt: 'a cat', promptExtend: true });
    assert.ok(r.rewrittenPrompt && r.rewrittenPrompt !== 'a cat', `rewritten: ${r.rewrittenPrompt}`);
  });

  for (const model of ['wan2.5-t2i-preview', 'wan2.2-t2i-flash']) {
    test(`${model} (async text2image) → images with seed, seed+1 and the actual prompt`, async () => {
      const statuses: string[] = [];
      let submitted = '';
      const r = await client().generate(
        { model, prompt: 'flower shop', n: 2, seed: 40, promptExtend: true },
        { onSubmitted: (t) => (submitted = t.taskId), onProgress: (e) => e.type === 'status' && statuses.push(e.status) },
      );
      assert.equal(r.images.length, 2);
      assert.deepEqual(r.images.map((i) => i.seed), [40, 41]);
      assert.equal(r.taskId, submitted);
      assert.ok(r.rewrittenPrompt);
      assert.equal(statuses.at(-1), 'SUCCEEDED');
    });
  }

  for (const model of ['qwen-image-plus', 'wan2.6-t2i']) {
    test(`${model} through its async variant`, async () => {
      const r = await client().generate({ model, prompt: 'snowy street', n: model === 'wan2.6-t2i' ? 2 : 1 }, { async: true });
      assert.equal(r.images.length, model === 'wan2.6-t2i' ? 2 : 1);
      assert.ok(r.taskId);
    });
  }

  test('qwen-image-edit-plus: a local file (data: URI) and an uploaded one (oss://)', async () => {
    const c = client();
    const a = pngFile('edit-a.png', 512, 512);
    const b = pngFile('edit-b.png', 640, 480);
    const progress: ProgressEvent[] = [];
    const r = await c.generate({ model: 'qwen-image-edit-plus', prompt: 'make the sky purple', images: [a, { kind: 'file', path: b }], n: 2 }, { forceUpload: true, onProgress: (e) => progress.push(e) });
    assert.equal(r.images.length, 2);
    assert.deepEqual(progress.filter((e) => e.type === 'upload' && e.phase === 'done').map((e) => (e as { name: string }).name), ['edit-a.png', 'edit-b.png']);
    const inline = await c.generate({ model: 'qwen-image-edit-plus', prompt: 'add a boat', images: [a] });
    assert.equal(inline.images.length, 1);
  });

  test('wan2.6-image edit (bytes input), sync and async', async () => {
    const c = client();
    const bytes = makePng(800, 600);
    const sync = await c.generate({ model: 'wan2.6-image', prompt: 'watercolour style', images: [{ kind: 'bytes', bytes, name: 'photo.png' }], n: 1 });
    assert.equal(sync.images.length, 1);
    const task = await c.generate({ model: 'wan2.6-image', prompt: 'oil painting', images: [{ kind: 'bytes', bytes }], n: 1 }, { async: true });
    assert.equal(task.images.length, 1);
    assert.ok(task.taskId);
  });

  test('wan2.6-image:interleave streams text and images in order; generate() collects the same', async () => {
    const c = client();
    const deltas: StreamDelta[] = [];
    for await (const d of c.stream({ model: 'wan2.6-image:interleave', prompt: 'a three-step pancake recipe', maxImages: 2 })) deltas.push(d);
    const images = deltas.filter((d) => d.type === 'image');
    assert.equal(images.length, 2);
    assert.ok(deltas.some((d) => d.type === 'text'));
    assert.equal(deltas.at(-1)!.type, 'done');
    const r = await c.generate({ model: 'wan2.6-image:interleave', prompt: 'a three-step pancake recipe', maxImages: 2, seed: 3 });
    assert.equal(r.images.length, 2);
    assert.ok(r.text.length > 0);
    assert.ok(r.parts.some((p) => p.type === 'text') && r.parts.some((p) => p.type === 'image'));
    const d = await c.download(r.images[1]!.url, { filePath: join(dir, 'interleave-2.png') });
    assert.equal(d.path, join(dir, 'interleave-2.png'));
  });

  test('qwen-mt-image: a local file always goes through the temporary upload; JPG result', async () => {
    const c = client();
    const logger = recordingLogger();
    const c2 = client({ logger });
    const progress: ProgressEvent[] = [];
    const r = await c2.generate(
      { model: 'qwen-mt-image', images: [pngFile('菜单.png', 320, 200)], translation: { sourceLang: 'zh', targetLang: 'en', terminologies: [{ src: '菜单', tgt: 'menu' }] } },
      { onProgress: (e) => progress.push(e) },
    );
    assert.equal(r.images.length, 1);
    assert.ok(progress.some((e) => e.type === 'upload' && e.phase === 'done'), 'uploaded');
    const d = await c.download(r.images[0]!.url, { dir, expectedFormat: 'jpg' });
    assert.deepEqual([d.format, d.width, d.height], ['jpg', 320, 200]);
    for (const line of logger.lines) assert.ok(!line.includes(sim.keys.beijing) && !/base64,[A-Za-z0-9+/]{100}/.test(line), line);
  });
});

describe('uploads and local checks', () => {
  test('uploadLocalImage: data: where allowed, oss:// when forced or for qwen-mt-image', async () => {
    const c = client();
    const p = pngFile('u.png', 400, 400);
    assert.match((await c.uploadLocalImage('qwen-image-edit-plus', p)).ref, /^data:image\/png;base64,/);
    const forced = await c.uploadLocalImage('qwen-image-edit-plus', p, { forceUpload: true });
    assert.match(forced.ref, /^oss:\/\/.+\/u\.png$/);
    assert.equal(forced.ossResolve, true);
    assert.match((await c.uploadLocalImage('qwen-mt-image', p)).ref, /^oss:\/\/.+\.png$/);
  });

  test('format and pixel size are checked before anything is uploaded', async () => {
    const c = client();
    const text = join(dir, 'notes.png');
    writeFileSync(text, 'not an image at all');
    const tiny = pngFile('tiny.png', 100, 100);
    await assert.rejects(c.generate({ model: 'qwen-image-edit-plus', prompt: 'x', images: [text, tiny, join(dir, 'missing.png')] }, { forceUpload: true }), (e: unknown) => {
      assert.ok(e instanceof RequestValidationError);
      assert.equal(e.issues.length, 3);
      assert.match(e.issues[0]!.message, /notes\.png is not an image qwen-image-edit-plus can read/);
      assert.match(e.issues[1]!.message, /tiny\.png is 100×100 px; qwen-image-edit-plus needs width and height each between 384 and 3072 px/);
      assert.match(e.issues[2]!.message, /no such file/);
      return true;
    });
  });

  test('a PNG with transparency is refused for wan2.6-image before sending, with what to do', async () => {
    const c = client();
    const rgba = join(dir, 'logo-rgba.png');
    writeFileSync(rgba, makePng(600, 600, true, true));
    await assert.rejects(c.generate({ model: 'wan2.6-image', prompt: 'x', images: [rgba], n: 1 }), (e: unknown) => {
      assert.ok(e instanceof RequestValidationError);
      assert.match(e.issues[0]!.message, /logo-rgba\.png has transparency \(an alpha channel\); wan2\.6-image accepts only opaque images\. Flatten it/);
      return true;
    });
    const opaque = pngFile('opaque.png', 600, 600);
    const ok = await c.generate({ model: 'wan2.6-image', prompt: 'x', images: [opaque], n: 1 });
    assert.equal(ok.images.length, 1);
  });

  test('the simulator refuses oss:// without the resolve header (the client always sends it)', async () => {
    const c = client();
    const { ref } = await c.uploadLocalImage('qwen-image-edit-plus', pngFile('o.png', 400, 400), { forceUpload: true });
    const r = await c.generate({ model: 'qwen-image-edit-plus', prompt: 'x', images: [ref] });
    assert.equal(r.images.length, 1);
    const t = new Transport({ apiKey: sim.keys.beijing, baseUrl: sim.urls.beijing, dispatcher: new Agent() });
    open.push(t);
    const body = { model: 'qwen-image-edit-plus', input: { messages: [{ role: 'user', content: [{ image: ref }, { text: 'x' }] }] } };
    await assert.rejects(t.json({ method: 'POST', path: '/services/aigc/multimodal-generation/generation', json: body }), (e: unknown) => e instanceof DashScopeError && e.code === 'InvalidParameter' && /does not appear to be valid/.test(e.message));
  });
});

describe('service errors', () => {
  const raw = (key = sim.keys.beijing) => {
    const t = new Transport({ apiKey: key, baseUrl: sim.urls.beijing, dispatcher: new Agent(), retry: { maxRetries: 0 } });
    open.push(t);
    return t;
  };

  test('401 InvalidApiKey: a Singapore key on Beijing, with the region hint', async () => {
    const c = client({ apiKey: sim.keys.singapore });
    await assert.rejects(c.generate({ model: 'qwen-image', prompt: 'x' }), (e: unknown) => {
      assert.ok(e instanceof DashScopeError);
      assert.equal(e.httpStatus, 401);
      assert.equal(e.code, 'InvalidApiKey');
      assert.match(e.hint, /keys of Beijing, Singapore and US \(Virginia\) are not interchangeable/);
      assert.ok(!e.message.includes(sim.keys.singapore) && !e.hint.includes(sim.keys.singapore));
      return true;
    });
  });

  test('401 "No API-key provided." (empty key) and the client refusing an empty key', async () => {
    await assert.rejects(raw('').json({ method: 'GET', path: '/tasks/x' }), (e: unknown) => e instanceof DashScopeError && e.code === 'InvalidApiKey' && /No API-key/.test(e.message) && /Set a DashScope API key/.test(e.hint));
    assert.throws(() => new DashScopeClient({ apiKey: '  ' }), (e: unknown) => e instanceof DashScopeError && e.code === 'InvalidApiKey');
  });

  test('400 InvalidParameter from the service (bypassing local validation)', async () => {
    const body = { model: 'qwen-image-max', input: { messages: [{ role: 'user', content: [{ text: 'x' }] }] }, parameters: { n: 3 } };
    await assert.rejects(raw().json({ method: 'POST', path: '/services/aigc/multimodal-generation/generation', json: body }), (e: unknown) => e instanceof DashScopeError && e.httpStatus === 400 && e.code === 'InvalidParameter' && e.hint.includes(e.message) && !e.retriable);
  });

  test('403 AccessDenied (async endpoint without X-DashScope-Async) and 404 ModelNotFound', async () => {
    const t = raw();
    await assert.rejects(t.json({ method: 'POST', path: '/services/aigc/text2image/image-synthesis', json: { model: 'wan2.2-t2i-flash', input: { prompt: 'x' } } }), (e: unknown) => e instanceof DashScopeError && e.httpStatus === 403 && e.code === 'AccessDenied' && /async header/.test(e.hint));
    await assert.rejects(t.json({ method: 'POST', path: '/services/aigc/multimodal-generation/generation', json: { model: 'qwen-image-ultra', input: { messages: [{ role: 'user', content: [{ text: 'x' }] }] } } }), (e: unknown) => e instanceof DashScopeError && e.httpStatus === 404 && e.code === 'ModelNotFound');
  });

  test('local validation stops qwen-mt-image on a Singapore client before any request', async () => {
    const c = new DashScopeClient({ apiKey: sim.keys.singapore, baseUrl: sim.urls.singapore, region: 'singapore' });
    open.push(c);
    await assert.rejects(c.generate({ model: 'qwen-mt-image', images: ['https://e.com/a.png'], translation: { sourceLang: 'zh', targetLang: 'en' } }), (e: unknown) => e instanceof RequestValidationError && /served only in Beijing/.test(e.message));
  });
});

describe('retries against injected faults', () => {
  const fast = () => {
    const clock = new JumpingClock();
    // Fake clock: retries sleep instantly; the poll schedule is irrelevant for sync calls.
    return { clock, c: client({ clock }) };
  };

  test('429 with Retry-After, then success; the UI gets "rate limited, retrying in 2 s"', async () => {
    const { clock, c } = fast();
    sim.faults.add({ model: 'qwen-image', path: '/generation', kind: 'throttle', retryAfter: 2, times: 1 });
    const progress: ProgressEvent[] = [];
    const r = await c.generate({ model: 'qwen-image', prompt: 'x' }, { onProgress: (e) => progress.push(e) });
    assert.equal(r.images.length, 1);
    // Cut at whole seconds, so the wait counts down (2 s, 1 s).
    assert.deepEqual(clock.sleeps, [1000, 1000]);
    assert.deepEqual(progress.flatMap((e) => (e.type === 'wait' ? [e.remainingMs] : [])), [2000, 1000]);
    const retry = progress.find((e) => e.type === 'retry') as Extract<ProgressEvent, { type: 'retry' }>;
    assert.equal(retry.code, 'Throttling.RateQuota');
    assert.equal(retry.message, 'rate limited, retrying in 2 s (attempt 1 of 3)');
  });

  test('429 without Retry-After backs off with jitter', async () => {
    const { clock, c } = fast();
    sim.faults.add({ model: 'qwen-image', path: '/generation', kind: 'throttle', times: 2 });
    await c.generate({ model: 'qwen-image', prompt: 'x' });
    assert.equal(clock.sleeps.length, 2);
    assert.ok(clock.sleeps[0]! <= 500 && clock.sleeps[1]! <= 1000, String(clock.sleeps));
  });

  test('500 and 503 retried then succeeding; exhausting the retries', async () => {
    const { c } = fast();
    sim.faults.add({ model: 'z-image-turbo', kind: 'status', status: 500, times: 1 });
    sim.faults.add({ model: 'z-image-turbo', kind: 'status', status: 503, times: 1 });
    assert.equal((await c.generate({ model: 'z-image-turbo', prompt: 'x' })).images.length, 1);
    sim.faults.add({ model: 'z-image-turbo', kind: 'status', status: 503, times: 4 });
    await assert.rejects(c.generate({ model: 'z-image-turbo', prompt: 'x' }), (e: unknown) => e instanceof DashScopeError && e.httpStatus === 503 && e.code === 'ModelUnavailable' && e.retriable);
  });

  test('reset before headers is retried; reset mid-body of a sync POST is not', async () => {
    const { c } = fast();
    sim.faults.add({ model: 'qwen-image', kind: 'resetBeforeHeaders', times: 2 });
    assert.equal((await c.generate({ model: 'qwen-image', prompt: 'x' })).images.length, 1);
    sim.faults.add({ model: 'qwen-image', kind: 'resetMidBody', times: 1 });
    await assert.rejects(c.generate({ model: 'qwen-image', prompt: 'x' }), (e: unknown) => e instanceof DashScopeError && e.code === 'NetworkError' && e.retriable);
  });

  test('malformed JSON: MalformedResponse on a sync POST, retried on a task query', async () => {
    const { c } = fast();
    sim.faults.add({ model: 'qwen-image', path: '/generation', kind: 'malformedJson', times: 1 });
    await assert.rejects(c.generate({ model: 'qwen-image', prompt: 'x' }), (e: unknown) => e instanceof DashScopeError && e.code === 'MalformedResponse');
    const real = client();
    const task = await real.submitTask({ model: 'wan2.2-t2i-flash', prompt: 'x', n: 1 });
    sim.faults.add({ path: '/tasks', method: 'GET', kind: 'malformedJson', times: 1 });
    sim.faults.add({ path: '/tasks', method: 'GET', kind: 'resetMidBody', times: 1 });
    const r = await real.waitForTask(task.taskId, task.model, { submittedAt: task.submittedAt });
    assert.equal(r.images.length, 1);
  });

  test('reset mid-stream: the deltas so far, then a retriable error', async () => {
    sim.faults.add({ model: 'wan2.6-image', kind: 'resetMidStream', afterEvents: 3, times: 1 });
    const got: StreamDelta[] = [];
    await assert.rejects(
      (async () => {
        for await (const d of client().stream({ model: 'wan2.6-image:interleave', prompt: 'steps', maxImages: 2 })) got.push(d);
      })(),
      (e: unknown) => e instanceof DashScopeError && ['NetworkError', 'StreamIncomplete'].includes(e.code) && e.retriable,
    );
    assert.ok(got.length >= 2, `got ${got.length} deltas`);
  });
});

describe('tasks', () => {
  let slow: Simulator;
  before(async () => {
    // Tasks that stay PENDING for a minute: cancel, abort and timeouts.
    slow = await startSimulator({ timing: { scale: SCALE, pendingMs: 60_000 }, rateLimits: false });
  });
  after(async () => {
    await slow.stop();
  });

  test('FAILED → DashScopeError with the task code and message', async () => {
    sim.faults.add({ model: 'wan2.2-t2i-flash', kind: 'taskFail', code: 'DataInspectionFailed', message: 'Output data may contain inappropriate content.', times: 1 });
    await assert.rejects(client().generate({ model: 'wan2.2-t2i-flash', prompt: 'x', n: 1 }), (e: unknown) => e instanceof DashScopeError && e.code === 'DataInspectionFailed' && !!e.taskId && /moderation/.test(e.hint));
  });

  test('partial failure: SUCCEEDED with per-image failures', async () => {
    sim.faults.add({ model: 'wan2.5-t2i-preview', kind: 'taskFail', failedImages: 1, times: 1 });
    const r = await client().generate({ model: 'wan2.5-t2i-preview', prompt: 'x', n: 3 });
    assert.equal(r.images.length, 2);
    assert.equal(r.failures.length, 1);
    assert.equal(r.failures[0]!.index, 2);
  });

  test('UNKNOWN → "task expired or not found"', async () => {
    const c = client();
    assert.equal((await c.getTask('no-such-task')).status, 'UNKNOWN');
    await assert.rejects(c.resumeTask('no-such-task', 'wan2.2-t2i-flash'), (e: unknown) => e instanceof DashScopeError && e.code === 'TaskUnknown' && /task expired or not found/.test(e.message));
  });

  test('resume a stored task id; getTaskResult on a finished task', async () => {
    const c = client();
    const t = await c.submitTask({ model: 'qwen-mt-image', images: [pngFile('mt.png', 200, 120)], translation: { sourceLang: 'auto', targetLang: 'zh' } });
    const fresh = client();
    const r = await fresh.resumeTask(t.taskId, 'qwen-mt-image');
    assert.equal(r.images.length, 1);
    const again = await fresh.getTaskResult(t.taskId, 'qwen-mt-image');
    assert.equal(again.snapshot.status, 'SUCCEEDED');
    assert.equal(again.result?.images[0]!.url, r.images[0]!.url);
  });

  test('cancel: PENDING → CANCELED; then UnsupportedOperation with a plain message', async () => {
    const c = client({}, slow);
    const t = await c.submitTask({ model: 'wan2.2-t2i-flash', prompt: 'x', n: 1 });
    await c.cancelTask(t.taskId);
    await assert.rejects(c.waitForTask(t.taskId, t.model), (e: unknown) => e instanceof DashScopeError && e.code === 'TaskCanceled');
    await assert.rejects(c.cancelTask(t.taskId), (e: unknown) => e instanceof DashScopeError && e.code === 'UnsupportedOperation' && /can no longer be cancelled: only PENDING tasks can/.test(e.message));
  });

  test('abort mid-poll', async () => {
    const c = client({}, slow);
    const ac = new AbortController();
    const statuses: string[] = [];
    const p = c.generate({ model: 'wan2.2-t2i-flash', prompt: 'x', n: 1 }, { signal: ac.signal, onProgress: (e) => e.type === 'status' && statuses.push(e.status) });
    await waitUntil(() => statuses.length > 0, 10_000, 'first status');
    ac.abort();
    await assert.rejects(p, (e: unknown) => (e as Error).name === 'AbortError');
    assert.equal(statuses[0], 'PENDING');
  });

  test('wait timeout → WaitTaskTimeout, the task id kept for resuming', async () => {
    const c = client({}, slow);
    await assert.rejects(c.generate({ model: 'wan2.2-t2i-flash', prompt: 'x', n: 1 }, { waitTimeoutMs: 300 }), (e: unknown) => e instanceof DashScopeError && e.code === 'WaitTaskTimeout' && !!e.taskId && /resume/.test(e.hint));
  });
});

describe('downloads', () => {
  test('an expired result URL says so (short resultTtlMs)', async () => {
    // The simulator on simulated time: the call's own wait passes at once, then the URL's 300 ms.
    const simClock = new SimClock({ autoAdvance: true });
    const short = await startSimulator({ timing: { scale: SCALE }, rateLimits: false, resultTtlMs: 300, clock: simClock });
    try {
      const c = client({}, short);
      const r = await c.generate({ model: 'qwen-image', prompt: 'x' });
      await simClock.advance(300);
      await assert.rejects(c.download(r.images[0]!.url, { dir }), (e: unknown) => e instanceof DashScopeError && e.code === 'ResultExpired' && e.message === 'This result URL has expired (DashScope keeps results 24 h).');
    } finally {
      await short.stop();
    }
  });

  test('a file of the wrong type is refused', async () => {
    const c = client();
    const r = await c.generate({ model: 'qwen-image', prompt: 'x' });
    await assert.rejects(c.download(r.images[0]!.url, { dir, expectedFormat: 'jpg' }), (e: unknown) => e instanceof DashScopeError && e.code === 'InvalidResultImage' && /PNG image; expected JPG/.test(e.message));
  });

  test('a slow result host still completes', async () => {
    const c = client();
    const r = await c.generate({ model: 'qwen-image', prompt: 'slow' });
    const remove = sim.faults.add({ kind: 'slowDownload', bytesPerSecond: 4_000_000 });
    try {
      const d = await c.download(r.images[0]!.url, { dir });
      assert.equal(d.format, 'png');
    } finally {
      remove();
    }
  });
});

describe('rate limits', () => {
  test('sync bursts over the model rate are throttled by the simulator and absorbed by retries', async () => {
    sim.setRateLimits(true);
    try {
      // Under a loaded test run the 4 calls can collide more than the default retries allow;
      // the point is that 429s are retried, not how many attempts it takes.
      const c = client({ retry: { maxRetries: 10 } });
      const retries: ProgressEvent[] = [];
      const results = await Promise.all(Array.from({ length: 4 }, () => c.generate({ model: 'z-image-turbo', prompt: 'x' }, { onProgress: (e) => e.type === 'retry' && retries.push(e) })));
      assert.equal(results.length, 4);
      assert.ok(retries.length >= 1, 'at least one 429 retried');
    } finally {
      sim.setRateLimits(false);
    }
  });
});
