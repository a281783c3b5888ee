/**
 * The studio's team features without a page: the new protocol messages (accepted and refused),
 * Compare's size mapping (every generate model, every form size, a size the catalog accepts) and
 * shared controls, and the mapping between a preset and the form (a saved form is a valid
 * preset; the picker's entry gives the form back its fields and blanks).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { validateRequest } from '../../src/dashscope/index';
import { checkPresetForSave, fillTemplate as pipelineFill, presetFromRun, presetOption, validatePreset } from '../../src/pipeline/presets';
import { COMPARE_MODELS, compareParams, compareSize } from '../../src/protocol/compare';
import { HostMessage, JobSnapshot, WebviewMessage, type RunParams } from '../../src/protocol/messages';
import { studioModelOptions } from '../../src/protocol/modelOptions';
import { fillTemplate, templateBlanks } from '../../src/protocol/template';

const generate = studioModelOptions('en').filter((m) => m.mode === 'generate');
const params: RunParams = { mode: 'generate', model: generate[0]!.id, prompt: 'a red kite', size: '1280*720', n: 2, seed: 7, negativePrompt: 'blurry' };

describe('studio team messages', () => {
  test('presets, save, copy and compare messages are accepted', () => {
    for (const message of [
      { type: 'loadPresets' },
      { type: 'savePreset', params: { ...params, preset: { name: 'Kite', blanks: { subject: 'kite' }, template: 'a red {subject}' } } },
      { type: 'copyCommand', location: { folderIndex: 0, path: 'generated-images/a.png' } },
      { type: 'copyCommand', entryId: 'mj3k2x-8f0a1b' },
      { type: 'compare', jobId: 'job-1', params, models: [generate[0]!.id, generate[1]!.id] },
    ]) {
      assert.ok(WebviewMessage.safeParse(message).success, JSON.stringify(message));
    }
  });

  test('a comparison of fewer than 2 or more than 4 models, or a bad job id, is refused', () => {
    const ids = generate.map((m) => m.id);
    assert.equal(WebviewMessage.safeParse({ type: 'compare', jobId: 'job-1', params, models: ids.slice(0, 1) }).success, false);
    assert.equal(WebviewMessage.safeParse({ type: 'compare', jobId: 'job-1', params, models: [...ids, ...ids].slice(0, 5) }).success, false);
    assert.equal(WebviewMessage.safeParse({ type: 'compare', jobId: '../x', params, models: ids.slice(0, 2) }).success, false);
    assert.equal(WebviewMessage.safeParse({ type: 'copyCommand', location: { folderIndex: -1, path: 'a.png' } }).success, false);
    assert.equal(WebviewMessage.safeParse({ type: 'savePreset', params: { ...params, preset: { name: '', blanks: {} } } }).success, false);
  });

  test('the presets message and a snapshot with columns parse', () => {
    const presets = { type: 'presets', presets: [{ name: 'Kite', origin: 'workspace', mode: 'generate', model: 'wan2.6-t2i', params: { prompt: 'a {subject}' }, blanks: ['subject'], problems: [] }], problems: ['.bailian/presets.json: preset "X", model: unknown'] };
    assert.ok(HostMessage.safeParse(presets).success);
    const column = { jobId: 'c-1', modelLabel: 'Wan', params, cost: '2 images', startedAt: 1, endedAt: 5, status: 'succeeded', text: 'Saved', images: [{ src: 'x', displayPath: 'a.png' }] };
    assert.ok(JobSnapshot.safeParse({ jobId: 'c', status: 'succeeded', text: '', images: [], columns: [column] }).success);
    assert.equal(JobSnapshot.safeParse({ jobId: 'c', status: 'succeeded', text: '', images: [], columns: [{ ...column, status: 'odd' }] }).success, false);
  });
});

describe('compare size mapping', () => {
  const sizes = ['1024*1024', '1280*720', '720*1280', '2048*2048', '512*512', '1664*928', '4096*1024', '', undefined];
  for (const model of generate) {
    test(`${model.id}: every form size becomes one the catalog accepts`, () => {
      for (const size of sizes) {
        const mapped = compareSize(model, size);
        if (model.sizeRule.kind === 'none') {
          assert.equal(mapped, undefined);
          continue;
        }
        if (mapped === undefined) continue;
        assert.doesNotThrow(() => validateRequest({ model: model.id, prompt: 'a kite', size: mapped }), `${model.id} ${size} → ${mapped}`);
        if (size && model.sizes.includes(size)) assert.equal(mapped, size, 'a size the model offers is kept');
      }
    });
  }

  test('a list rule keeps the shape: a wide size maps to a wide one', () => {
    const list = generate.find((m) => m.sizeRule.kind === 'list');
    if (!list) return;
    const [w, h] = compareSize(list, '1920*1080')!.split('*').map(Number);
    assert.ok(w! >= h!, `1920×1080 on ${list.id} stays landscape`);
  });

  test('shared controls only: seed, negative prompt and count follow each model', () => {
    for (const model of generate) {
      const own = compareParams({ ...params, n: 16 }, model);
      assert.equal(own.model, model.id);
      assert.equal(own.prompt, 'a red kite');
      assert.equal(own.seed !== undefined, model.seed);
      assert.equal(own.negativePrompt !== undefined, model.negativePromptMaxLength !== undefined);
      assert.ok((own.n ?? 1) <= model.n.max);
      assert.doesNotThrow(() => validateRequest({ model: model.id, prompt: own.prompt, ...(own.size ? { size: own.size } : {}), ...(own.n ? { n: own.n } : {}), ...(own.seed !== undefined ? { seed: own.seed } : {}) }));
    }
    assert.deepEqual(COMPARE_MODELS, { min: 2, max: 4 });
  });
});

describe('presets and the form', () => {
  test('the form saved under a name and a template is a valid preset, and the picker gives its fields back', () => {
    const model = generate.find((m) => m.seed && m.negativePromptMaxLength !== undefined)!;
    const form: RunParams = { mode: 'generate', model: model.id, prompt: 'Product shot of a teapot', size: model.defaultSize ?? model.sizes[0]!, n: 1, seed: 42, negativePrompt: 'text' };
    const preset = presetFromRun(form, '  Product shot ', 'Product shot of {subject}, soft light');
    assert.equal(preset.name, 'Product shot');
    assert.deepEqual(validatePreset(checkPresetForSave(preset)), []);
    const option = presetOption({ preset, origin: 'workspace' })!;
    assert.equal(option.mode, 'generate');
    assert.deepEqual(option.blanks, ['subject']);
    assert.deepEqual(
      { prompt: option.params.prompt, size: option.params.size, seed: option.params.seed, n: option.params.n, negativePrompt: option.params.negativePrompt },
      { prompt: 'Product shot of {subject}, soft light', size: form.size, seed: 42, n: 1, negativePrompt: 'text' },
    );
  });

  test('a translate form keeps its languages and terms, not a prompt', () => {
    const preset = presetFromRun({ mode: 'translate', model: 'qwen-mt-image', translation: { sourceLang: 'auto', targetLang: 'en', terms: [{ src: '茶', tgt: 'tea' }, { src: ' ', tgt: '' }] } }, 'Menus', undefined);
    assert.deepEqual(preset.translation, { targetLang: 'en' });
    assert.deepEqual(preset.glossary, [{ src: '茶', tgt: 'tea' }]);
    assert.equal(preset.prompt, undefined);
    assert.deepEqual(presetOption({ preset, origin: 'user' })!.params.translation, { sourceLang: 'auto', targetLang: 'en', terms: [{ src: '茶', tgt: 'tea' }] });
  });

  test('a process preset is offered to Retouch only, as its operation and options', () => {
    const option = presetOption({ preset: { name: 'Up', mode: 'process', model: 'wanx2.1-imageedit', prompt: 'sharper', process: { function: 'super_resolution', upscaleFactor: 2 } }, origin: 'user' })!;
    assert.equal(option.mode, 'retouch');
    assert.deepEqual(option.params.retouch, { operation: 'upscale', function: 'super_resolution', options: { upscaleFactor: 2 } });
    const ratio = presetOption({ preset: { name: 'Wide', mode: 'process', model: 'image-out-painting', process: { outputRatio: '16:9' } }, origin: 'workspace' })!;
    assert.deepEqual(ratio.params.retouch, { operation: 'extend', options: { outputRatio: '16:9' } });
    const inpaint = presetOption({ preset: { name: 'Erase', mode: 'process', model: 'wanx2.1-imageedit', prompt: 'replace it with {what}', process: { function: 'description_edit_with_mask' } }, origin: 'workspace' })!;
    assert.deepEqual([inpaint.params.retouch?.operation, inpaint.blanks], ['inpaint', ['what']]);
    // Retouch has no control for the cartoon function: the palette and the CLI run that preset.
    assert.equal(presetOption({ preset: { name: 'Toon', mode: 'process', model: 'wanx2.1-imageedit', prompt: 'a cartoon', process: { function: 'control_cartoon_feature' } }, origin: 'user' }), undefined);
    // No form of another mode takes one.
    assert.ok(![option, ratio, inpaint].some((o) => o.mode !== 'retouch'));
  });

  test('a Retouch form (or card) saved as a preset keeps the operation and its options, not the painted mask', () => {
    const params: RunParams = {
      mode: 'retouch',
      model: 'wanx2.1-imageedit',
      prompt: 'a red {thing}',
      n: 1,
      seed: 7,
      inputs: [{ folderIndex: 0, path: 'street-wide.png' }],
      retouch: { operation: 'inpaint', function: 'description_edit_with_mask', options: {}, mask: { strokes: [{ points: [[0.5, 0.5]], size: 0.1, erase: false }], invert: false } },
    };
    const preset = presetFromRun(params, 'Erase', 'a red {thing}');
    assert.equal(preset.mode, 'process');
    assert.deepEqual(preset.process, { function: 'description_edit_with_mask' });
    assert.equal(JSON.stringify(preset).includes('strokes'), false, 'the mask is given at use');
    assert.deepEqual(validatePreset(checkPresetForSave(preset)), []);
    const back = presetOption({ preset, origin: 'workspace' })!;
    assert.deepEqual(back.params.retouch, { operation: 'inpaint', function: 'description_edit_with_mask', options: {} });
    assert.deepEqual(back.blanks, ['thing']);

    const extend = presetFromRun({ mode: 'retouch', model: 'wanx2.1-imageedit', retouch: { operation: 'extend', function: 'expand', options: { leftScale: 1.5, rightScale: 1.5, topScale: 1, bottomScale: 1 } } }, 'Wider', undefined);
    assert.deepEqual(extend.process, { function: 'expand', leftScale: 1.5, rightScale: 1.5, topScale: 1, bottomScale: 1 });
    assert.deepEqual(validatePreset(checkPresetForSave(extend)), []);
  });

  test('the page and the presets module read a template the same way', () => {
    const template = 'A {subject} on {{white}} with {light} and {subject}';
    assert.deepEqual(templateBlanks(template), { blanks: ['subject', 'light'], invalid: [] });
    assert.equal(fillTemplate(template, { subject: 'teapot', light: 'soft light' }), pipelineFill(template, { subject: 'teapot', light: 'soft light' }));
    assert.equal(fillTemplate(template, { subject: 'teapot', light: 'soft light' }), 'A teapot on {white} with soft light and teapot');
  });
});
