// The studio's model options come from the catalog: labels per language, sizes per size rule,
// n range and the optional controls each model takes.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { modelsForTask } from '../../src/dashscope/catalog';
import { ModelOption } from '../../src/protocol/messages';
import { modelLabel, sizeChoices, textToImageOptions } from '../../src/protocol/modelOptions';

describe('studio model options', () => {
  test('lists exactly the text-to-image models, labelled in the UI language', () => {
    const english = textToImageOptions('en');
    assert.deepEqual(english.map((m) => m.id), modelsForTask('text-to-image').map((m) => m.id));
    assert.equal(english.find((m) => m.id === 'qwen-image')?.label, 'Qwen-Image');
    assert.equal(textToImageOptions('zh-cn').find((m) => m.id === 'qwen-image')?.label, '千问文生图');
    assert.equal(modelLabel({ label: { en: 'E', 'zh-cn': '中' } }, 'zh-tw'), '中');
    for (const option of english) ModelOption.parse(option);
  });

  test('sizes follow the size rule, with the default preselected', () => {
    const qwen = textToImageOptions('en').find((m) => m.id === 'qwen-image')!;
    assert.deepEqual(qwen.sizes, ['1664*928', '1472*1104', '1328*1328', '1104*1472', '928*1664']);
    assert.equal(qwen.defaultSize, '1664*928');
    const flash = textToImageOptions('en').find((m) => m.id === 'wan2.2-t2i-flash')!;
    assert.equal(flash.defaultSize, '1024*1024');
    assert.ok(flash.sizes.includes('1024*1024'));
    assert.deepEqual(sizeChoices({ kind: 'none' }), { sizes: [], defaultSize: undefined });
    const withPresets = sizeChoices({ kind: 'pixels', minPixels: 1, maxPixels: 9, minAspect: 1, maxAspect: 1, default: '1K', recommended: ['1280*1280'], presets: ['1K', '2K'] });
    assert.deepEqual(withPresets, { sizes: ['1K', '2K', '1280*1280'], defaultSize: '1K' });
  });

  test('n range, seed and negative prompt come from the catalog params', () => {
    const options = textToImageOptions('en');
    const zImage = options.find((m) => m.id === 'z-image-turbo')!;
    assert.deepEqual(zImage.n, { min: 1, max: 1 });
    assert.equal(zImage.seed, true);
    assert.equal(zImage.negativePromptMaxLength, undefined, 'z-image takes no negative prompt');
    const wan = options.find((m) => m.id === 'wan2.6-t2i')!;
    assert.deepEqual(wan.n, { min: 1, max: 4 });
    assert.equal(wan.negativePromptMaxLength, 500);
  });
});
