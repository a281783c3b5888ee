/**
 * The image-processing models without the network: wire bodies field by field against the
 * examples and parameter tables of ../shared/reference/image-processing.md (§1 wanx2.1-imageedit,
 * every function; §2 image-out-painting; §4 wanx-background-generation-v2), the names of results
 * saved next to the original, and the cost figures (§7 prices × n).
 *
 *   node --import tsx --test test/unit/process-wire.test.ts
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { estimateCost } from '../../src/dashscope/prices';
import { buildWireBody, validateRequest, type GenerationRequest } from '../../src/dashscope/requests/index';
import { operationStem, operationSuffix } from '../../src/pipeline/operationNames';

const BASE = 'https://example.com/base.png';
const MASK = 'https://example.com/mask.png';
const REF = 'https://example.com/ref.png';

function body(request: GenerationRequest, extra: { mask?: string; refImage?: string } = {}): unknown {
  const v = validateRequest(request, { region: 'beijing' });
  return buildWireBody(v, [BASE], extra);
}

describe('wire bodies: wanx2.1-imageedit (§1)', () => {
  test('super_resolution is the reference example, field for field', () => {
    assert.deepEqual(
      body({ model: 'wanx2.1-imageedit', prompt: '图像超分', images: [BASE], n: 1, seed: 42, watermark: false, process: { function: 'super_resolution', upscaleFactor: 2 } }),
      {
        model: 'wanx2.1-imageedit',
        input: { function: 'super_resolution', prompt: '图像超分', base_image_url: BASE },
        parameters: { n: 1, seed: 42, watermark: false, upscale_factor: 2 },
      },
    );
  });

  // Each function with its own parameters from the §1 table; the prompt is the user's, or the
  // guide's stock prompt where the function has one and the user gave none.
  const cases: { name: string; request: Omit<GenerationRequest, 'model' | 'images'>; input: Record<string, unknown>; parameters: Record<string, unknown> }[] = [
    { name: 'super_resolution without a prompt sends the guide’s', request: { process: { function: 'super_resolution', upscaleFactor: 4 } }, input: { function: 'super_resolution', prompt: '图像超分' }, parameters: { upscale_factor: 4 } },
    {
      name: 'expand: the four side scales',
      request: { prompt: '一片草原', process: { function: 'expand', topScale: 1.2, bottomScale: 1.2, leftScale: 1.5, rightScale: 1.5 } },
      input: { function: 'expand', prompt: '一片草原' },
      parameters: { top_scale: 1.2, bottom_scale: 1.2, left_scale: 1.5, right_scale: 1.5 },
    },
    {
      name: 'description_edit_with_mask: the mask beside the base image',
      request: { prompt: '一只小狗', mask: MASK, process: { function: 'description_edit_with_mask' } },
      input: { function: 'description_edit_with_mask', prompt: '一只小狗', mask_image_url: MASK },
      parameters: {},
    },
    { name: 'remove_watermark', request: { process: { function: 'remove_watermark' } }, input: { function: 'remove_watermark', prompt: '去除图像中的文字' }, parameters: {} },
    { name: 'colorization', request: { process: { function: 'colorization' } }, input: { function: 'colorization', prompt: '图像上色' }, parameters: {} },
    {
      name: 'stylization_all: the style becomes the prompt, strength a parameter',
      request: { process: { function: 'stylization_all', style: 'gold-foil', strength: 0.7 } },
      input: { function: 'stylization_all', prompt: '转换成金箔艺术风格' },
      parameters: { strength: 0.7 },
    },
    { name: 'stylization_local', request: { process: { function: 'stylization_local', style: 'wooden' } }, input: { function: 'stylization_local', prompt: '把主体变成木板风格' }, parameters: {} },
    { name: 'description_edit: strength', request: { prompt: '把狗换成猫', process: { function: 'description_edit', strength: 0.3 } }, input: { function: 'description_edit', prompt: '把狗换成猫' }, parameters: { strength: 0.3 } },
    { name: 'doodle: is_sketch', request: { prompt: '一座小木屋', process: { function: 'doodle', isSketch: true } }, input: { function: 'doodle', prompt: '一座小木屋' }, parameters: { is_sketch: true } },
    { name: 'control_cartoon_feature', request: { prompt: '卡通形象在海边散步', n: 2, process: { function: 'control_cartoon_feature' } }, input: { function: 'control_cartoon_feature', prompt: '卡通形象在海边散步' }, parameters: { n: 2 } },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const mask = c.request.mask as string | undefined;
      assert.deepEqual(body({ model: 'wanx2.1-imageedit', images: [BASE], ...c.request }, mask ? { mask } : {}), {
        model: 'wanx2.1-imageedit',
        input: { function: c.input.function, prompt: c.input.prompt, base_image_url: BASE, ...(mask ? { mask_image_url: mask } : {}) },
        parameters: c.parameters,
      });
    });
  }

  test('every one of the ten functions is covered above', () => {
    const covered = new Set(cases.map((c) => c.request.process?.function));
    assert.equal(covered.size, 10);
  });

  test('watermark is sent only when asked: the service default is already false', () => {
    const b = body({ model: 'wanx2.1-imageedit', images: [BASE], watermark: true, process: { function: 'colorization' } }) as { parameters: Record<string, unknown> };
    assert.deepEqual(b.parameters, { watermark: true });
  });
});

describe('wire bodies: image-out-painting (§2)', () => {
  test('the reference example: output_ratio, best_quality, limit_image_size and an explicit add_watermark false', () => {
    assert.deepEqual(body({ model: 'image-out-painting', images: [BASE], process: { outputRatio: '16:9', bestQuality: false, limitImageSize: true } }), {
      model: 'image-out-painting',
      input: { image_url: BASE },
      parameters: { output_ratio: '16:9', best_quality: false, limit_image_size: true, add_watermark: false },
    });
  });
  test('scales and angle go in parameters; add_watermark true when the user asks for it', () => {
    assert.deepEqual(body({ model: 'image-out-painting', images: [BASE], watermark: true, process: { angle: 90, xScale: 1.5, yScale: 2 } }), {
      model: 'image-out-painting',
      input: { image_url: BASE },
      parameters: { add_watermark: true, x_scale: 1.5, y_scale: 2, angle: 90 },
    });
  });
  test('per-side offsets in pixels', () => {
    assert.deepEqual(body({ model: 'image-out-painting', images: [BASE], process: { topOffset: 10, bottomOffset: 0, leftOffset: 20, rightOffset: 30 } }), {
      model: 'image-out-painting',
      input: { image_url: BASE },
      parameters: { add_watermark: false, top_offset: 10, bottom_offset: 0, left_offset: 20, right_offset: 30 },
    });
  });
  test('two ways of extending at once are refused, naming both', () => {
    assert.throws(() => body({ model: 'image-out-painting', images: [BASE], process: { xScale: 1.5, topOffset: 10 } }), /extends by one of outputRatio, xScale\/yScale or offsets; you set xScale\/yScale and offsets/);
  });
});

describe('wire bodies: wanx-background-generation-v2 (§4)', () => {
  test('the reference example: ref_prompt, the reference image and neg_ref_prompt in input; n, model_version, weight and noise in parameters', () => {
    assert.deepEqual(
      body(
        { model: 'wanx-background-generation-v2', prompt: '山脉和晚霞', images: [BASE], n: 1, process: { refImage: REF, negativeRefPrompt: '人物', modelVersion: 'v3', refPromptWeight: 0.5, noiseLevel: 300 } },
        { refImage: REF },
      ),
      {
        model: 'wanx-background-generation-v2',
        input: { base_image_url: BASE, ref_prompt: '山脉和晚霞', ref_image_url: REF, neg_ref_prompt: '人物' },
        parameters: { n: 1, model_version: 'v3', noise_level: 300, ref_prompt_weight: 0.5 },
      },
    );
  });
  test('a prompt alone is enough; no watermark parameter exists', () => {
    assert.deepEqual(body({ model: 'wanx-background-generation-v2', prompt: 'a sunny beach', images: [BASE] }), {
      model: 'wanx-background-generation-v2',
      input: { base_image_url: BASE, ref_prompt: 'a sunny beach' },
      parameters: {},
    });
  });
});

describe('names of results next to the original', () => {
  test('operationSuffix: one short word per operation', () => {
    const suffix = (model: string, process?: GenerationRequest['process']): string | undefined => operationSuffix({ model, process });
    assert.equal(suffix('wanx2.1-imageedit', { function: 'super_resolution', upscaleFactor: 2 }), 'x2');
    assert.equal(suffix('wanx2.1-imageedit', { function: 'super_resolution', upscaleFactor: 4 }), 'x4');
    assert.equal(suffix('wanx2.1-imageedit', { function: 'super_resolution' }), 'x1');
    assert.equal(suffix('wanx2.1-imageedit', { function: 'expand' }), 'extend');
    assert.equal(suffix('wanx2.1-imageedit', { function: 'description_edit_with_mask' }), 'edit');
    assert.equal(suffix('wanx2.1-imageedit', { function: 'description_edit' }), 'edit');
    assert.equal(suffix('wanx2.1-imageedit', { function: 'remove_watermark' }), 'notext');
    assert.equal(suffix('wanx2.1-imageedit', { function: 'colorization' }), 'color');
    assert.equal(suffix('wanx2.1-imageedit', { function: 'stylization_all', style: 'gold-foil' }), 'style-gold-foil');
    assert.equal(suffix('wanx2.1-imageedit', { function: 'stylization_all' }), 'style-french-picture-book');
    assert.equal(suffix('wanx2.1-imageedit', { function: 'stylization_local' }), 'style-ice');
    assert.equal(suffix('wanx2.1-imageedit', { function: 'doodle' }), 'sketch');
    assert.equal(suffix('wanx2.1-imageedit', { function: 'control_cartoon_feature' }), 'cartoon');
    assert.equal(suffix('image-out-painting', { outputRatio: '16:9' }), '16x9');
    assert.equal(suffix('image-out-painting', { outputRatio: '3:4' }), '3x4');
    assert.equal(suffix('image-out-painting', { xScale: 2 }), 'extend');
    assert.equal(suffix('wanx-background-generation-v2'), 'bg');
    assert.equal(suffix('qwen-image'), undefined, 'not a processing model');
  });
  test('operationStem: the original’s base name, the operation, an index when there are several', () => {
    const upscale = { model: 'wanx2.1-imageedit', process: { function: 'super_resolution' as const, upscaleFactor: 2 } };
    assert.equal(operationStem('photo.png', upscale), 'photo.x2');
    assert.equal(operationStem('shots/2026/photo.final.jpg', upscale), 'photo.final.x2', 'only the last extension goes');
    assert.equal(operationStem('C:\\work\\banner.png', { model: 'image-out-painting', process: { outputRatio: '16:9' } }), 'banner.16x9', 'Windows separators');
    assert.equal(operationStem('product.png', { model: 'wanx-background-generation-v2' }, 2, 3), 'product.bg-2');
    assert.equal(operationStem('README', upscale), 'README.x2', 'no extension');
    assert.equal(operationStem('x.png', { model: 'qwen-image' }), 'x.out', 'an unknown operation still gets a distinct name');
  });
});

describe('cost figures (§7: 0.14, 0.18 and 0.08 CNY per image, Beijing)', () => {
  const figures: [string, number, number][] = [
    ['wanx2.1-imageedit', 0.14, 4],
    ['image-out-painting', 0.18, 1],
    ['wanx-background-generation-v2', 0.08, 3],
  ];
  for (const [model, perImage, n] of figures) {
    test(`${model}: ${perImage} × n`, () => {
      const one = estimateCost({ model }, 'beijing');
      assert.equal(one.perImage, perImage);
      assert.equal(one.amount, perImage);
      assert.equal(one.currency, 'CNY');
      if (n > 1) {
        const many = estimateCost({ model, n }, 'beijing');
        assert.equal(many.billableImages, n);
        assert.equal(many.amount, Math.round(perImage * n * 100) / 100);
      }
      const produced = estimateCost({ model, n: 2, producedImages: 1 }, 'beijing');
      assert.equal(produced.amount, perImage, 'a finished job is priced by the images it produced');
    });
  }
  test('outside Beijing there is no price: these models are not served there', () => {
    const e = estimateCost({ model: 'wanx2.1-imageedit' }, 'singapore');
    assert.equal(e.unknown, true);
    assert.match(e.note ?? '', /not served there/);
  });
});
