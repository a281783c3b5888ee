/**
 * Request validation and wire bodies of qwen-image-2.0/3.0 and wan2.7 (newer-models.md §3–§5): every
 * parameter just inside and just outside its range, messages that say what to change, snapshot
 * pinning, and bodies exactly as the reference shows them.
 *
 *   node --import tsx --test test/unit/catalog-validation.test.ts
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ENDPOINT_PATHS } from '../../src/dashscope/catalog';
import { RequestValidationError } from '../../src/dashscope/errors';
import { buildWireBody, requestedImageCount, routeOf, validateRequest, type GenerationRequest, type ValidateOptions } from '../../src/dashscope/requests';

function issuesOf(req: GenerationRequest | Record<string, unknown>, opts: ValidateOptions = {}): { path: string; message: string }[] {
  try {
    validateRequest(req, opts);
  } catch (e) {
    assert.ok(e instanceof RequestValidationError, String(e));
    return [...e.issues];
  }
  assert.fail(`expected a RequestValidationError for ${JSON.stringify(req)}`);
}

/** The single issue of a request, asserting there is exactly one. */
function issueOf(req: GenerationRequest | Record<string, unknown>, opts: ValidateOptions = {}): { path: string; message: string } {
  const issues = issuesOf(req, opts);
  assert.equal(issues.length, 1, JSON.stringify(issues));
  return issues[0]!;
}

function ok(req: GenerationRequest | Record<string, unknown>, opts: ValidateOptions = {}): ReturnType<typeof validateRequest> {
  return validateRequest(req, opts);
}

const img = (i: number): string => `https://example.com/in-${i}.png`;
const imgs = (count: number): string[] => Array.from({ length: count }, (_, i) => img(i + 1));

describe('qwen-image-2.0 / 2.0-pro: text-to-image and editing in one sync call', () => {
  for (const model of ['qwen-image-2.0-pro', 'qwen-image-2.0']) {
    test(`${model}: total pixels 512²..2048², n 1..6, 0..3 images`, () => {
      ok({ model, prompt: 'x', size: '512*512' });
      ok({ model, prompt: 'x', size: '2048*2048' });
      ok({ model, prompt: 'x', size: '2048*872', images: imgs(1) });
      // No aspect bound is stated for 2.0: only the pixel count is checked.
      ok({ model, prompt: 'x', size: '2048*128' });
      assert.match(issueOf({ model, prompt: 'x', size: '511*512' }).message, new RegExp(`${model.replace(/\./g, '\\.')} needs a total pixel count between 512\\*512 and 2048\\*2048; 511\\*512 has 261632`));
      assert.match(issueOf({ model, prompt: 'x', size: '2048*2049' }).message, /between 512\*512 and 2048\*2048/);
      assert.match(issueOf({ model, prompt: 'x', size: '2048*2049', images: imgs(1) }).message, /This limit applies with input images/);
      ok({ model, prompt: 'x', n: 1 });
      ok({ model, prompt: 'x', n: 6 });
      assert.equal(issueOf({ model, prompt: 'x', n: 0 }).message, `${model} accepts n from 1 to 6; you gave 0.`);
      assert.equal(issueOf({ model, prompt: 'x', n: 7 }).message, `${model} accepts n from 1 to 6; you gave 7.`);
      ok({ model, prompt: 'x', images: imgs(3) });
      assert.equal(issueOf({ model, prompt: 'x', images: imgs(4) }).message, `${model} takes at most 3 reference images; you gave 4.`);
      ok({ model, prompt: 'x', negativePrompt: 'n'.repeat(500) });
      assert.match(issueOf({ model, prompt: 'x', negativePrompt: 'n'.repeat(501) }).message, /up to 500 characters; yours has 501/);
    });
    test(`${model}: sync only`, () => {
      assert.equal(issueOf({ model, prompt: 'x' }, { useAsyncVariant: true }).message, `${model} has no async task variant; call it directly.`);
    });
  }

  test('snapshots: a snapshot id as model, or version by id or date; the wire id is kept', () => {
    const alias = ok({ model: 'qwen-image-2.0-pro', prompt: 'x' });
    assert.equal(alias.wireModel, 'qwen-image-2.0-pro');
    assert.equal(alias.version, undefined);
    const byModel = ok({ model: 'qwen-image-2.0-pro-2026-03-03', prompt: 'x' });
    assert.equal(byModel.spec.id, 'qwen-image-2.0-pro');
    assert.equal(byModel.wireModel, 'qwen-image-2.0-pro-2026-03-03');
    assert.equal(buildWireBody(byModel, []).model, 'qwen-image-2.0-pro-2026-03-03');
    assert.equal(ok({ model: 'qwen-image-2.0-pro', version: '2026-04-22', prompt: 'x' }).wireModel, 'qwen-image-2.0-pro-2026-04-22');
    assert.equal(ok({ model: 'qwen-image-2.0', version: 'qwen-image-2.0-2026-03-03', prompt: 'x' }).wireModel, 'qwen-image-2.0-2026-03-03');
    assert.equal(
      issueOf({ model: 'qwen-image-2.0-pro', version: '2025-01-01', prompt: 'x' }).message,
      'qwen-image-2.0-pro has no snapshot "2025-01-01"; use one of qwen-image-2.0-pro-2026-04-22, qwen-image-2.0-pro-2026-03-03, or leave version out for the current qwen-image-2.0-pro.',
    );
    assert.match(issueOf({ model: 'qwen-image-2.0-pro-2026-03-03', version: '2026-04-22', prompt: 'x' }).message, /names the snapshot qwen-image-2\.0-pro-2026-03-03 but version says qwen-image-2\.0-pro-2026-04-22/);
    assert.equal(issueOf({ model: 'wan2.7-image', version: '2026-01-01', prompt: 'x' }).message, 'wan2.7-image has no dated snapshots; remove version.');
  });

  test('wire bodies: text-to-image, and editing with images first', () => {
    const t2i = ok({ model: 'qwen-image-2.0-pro', prompt: '一只猫', size: '2048*2048', n: 2, negativePrompt: '模糊', promptExtend: false, watermark: false, seed: 7 });
    assert.deepEqual(buildWireBody(t2i, []), {
      model: 'qwen-image-2.0-pro',
      input: { messages: [{ role: 'user', content: [{ text: '一只猫' }] }] },
      parameters: { size: '2048*2048', n: 2, prompt_extend: false, watermark: false, seed: 7, negative_prompt: '模糊' },
    });
    const edit = ok({ model: 'qwen-image-2.0', prompt: 'put the cat on the sofa', images: imgs(2), size: '1024x1536' });
    assert.deepEqual(buildWireBody(edit, edit.images.map((i) => (i.kind === 'url' ? i.url : ''))), {
      model: 'qwen-image-2.0',
      input: { messages: [{ role: 'user', content: [{ image: img(1) }, { image: img(2) }, { text: 'put the cat on the sofa' }] }] },
      parameters: { size: '1024*1536' },
    });
    assert.deepEqual(routeOf(edit), { mode: 'sync', endpoint: 'multimodalGeneration', path: ENDPOINT_PATHS.multimodalGeneration, input: 'messages', family: 'qwen' });
  });
});

describe('qwen-image-edit-max and the edit-plus snapshots', () => {
  test('edit-max: each side 512..2048, 1..3 images, n 1..6, sync only', () => {
    const model = 'qwen-image-edit-max';
    ok({ model, prompt: 'x', images: imgs(1), size: '512*2048' });
    ok({ model, prompt: 'x', images: imgs(3), size: '2048*512', n: 6 });
    assert.equal(issueOf({ model, prompt: 'x', images: imgs(1), size: '511*1024' }).message, 'qwen-image-edit-max needs width and height each between 512 and 2048 pixels; 511*1024 is outside.');
    assert.match(issueOf({ model, prompt: 'x', images: imgs(1), size: '1024*2049' }).message, /each between 512 and 2048/);
    assert.equal(issueOf({ model, prompt: 'x' }).message, 'qwen-image-edit-max takes 1–3 reference images; you gave 0.');
    assert.equal(issueOf({ model, prompt: 'x', images: imgs(4) }).message, 'qwen-image-edit-max takes 1–3 reference images; you gave 4.');
    assert.equal(issueOf({ model, prompt: 'x', images: imgs(1), n: 7 }).message, 'qwen-image-edit-max accepts n from 1 to 6; you gave 7.');
    assert.match(issueOf({ model, prompt: 'x', images: imgs(1) }, { useAsyncVariant: true }).message, /has no async task variant/);
    const pinned = ok({ model: 'qwen-image-edit-max-2026-01-16', prompt: 'x', images: imgs(1) });
    assert.equal(pinned.spec.id, model);
    assert.equal(buildWireBody(pinned, [img(1)]).model, 'qwen-image-edit-max-2026-01-16');
  });

  test('edit-plus snapshots share the family rules', () => {
    for (const snapshot of ['qwen-image-edit-plus-2025-12-15', 'qwen-image-edit-plus-2025-10-30']) {
      const v = ok({ model: snapshot, prompt: 'x', images: imgs(2), n: 6, size: '2048*2048' });
      assert.equal(v.spec.id, 'qwen-image-edit-plus');
      assert.equal(v.wireModel, snapshot);
      assert.equal(issueOf({ model: snapshot, prompt: 'x', images: imgs(2), n: 7 }).message, 'qwen-image-edit-plus accepts n from 1 to 6; you gave 7.');
    }
  });

  test('qwen-image-plus-2026-01-09: the plus rules, but no async variant', () => {
    const v = ok({ model: 'qwen-image-plus-2026-01-09', prompt: 'x', size: '1328*1328' });
    assert.equal(v.wireModel, 'qwen-image-plus-2026-01-09');
    assert.match(issueOf({ model: 'qwen-image-plus-2026-01-09', prompt: 'x', size: '1024*1024' }).message, /accepts only these sizes: 1664\*928/);
    assert.match(issueOf({ model: 'qwen-image-plus-2026-01-09', prompt: 'x', n: 2 }).message, /makes exactly 1 image per call/);
    assert.equal(
      issueOf({ model: 'qwen-image-plus-2026-01-09', prompt: 'x' }, { useAsyncVariant: true }).message,
      'qwen-image-plus-2026-01-09 has no async task variant (only qwen-image-plus has); call it directly, or use qwen-image-plus.',
    );
    // The alias keeps its async variant.
    assert.equal(routeOf(ok({ model: 'qwen-image-plus', prompt: 'x' }, { useAsyncVariant: true })).endpoint, 'text2image');
  });
});

describe('wan2.7-image-pro / wan2.7-image', () => {
  test('0..9 input images (0 = text-to-image)', () => {
    for (const model of ['wan2.7-image-pro', 'wan2.7-image']) {
      ok({ model, prompt: 'x' });
      ok({ model, prompt: 'x', images: imgs(9) });
      assert.equal(issueOf({ model, prompt: 'x', images: imgs(10) }).message, `${model} takes at most 9 reference images; you gave 10.`);
    }
  });

  test('pro sizes: 1K/2K/4K for text-to-image, W*H in [768², 4096²], aspect 1:8..8:1', () => {
    const model = 'wan2.7-image-pro';
    for (const size of ['1K', '2K', '4K', '4k', '768*768', '4096*4096', '4096*512']) ok({ model, prompt: 'x', size });
    assert.match(issueOf({ model, prompt: 'x', size: '767*768' }).message, /needs a total pixel count between 768\*768 and 4096\*4096; 767\*768 has 589056/);
    assert.match(issueOf({ model, prompt: 'x', size: '4097*4096' }).message, /between 768\*768 and 4096\*4096/);
    assert.equal(issueOf({ model, prompt: 'x', size: '4104*512' }).message, 'wan2.7-image-pro needs an aspect ratio between 1:8 and 8:1; 4104*512 is outside.');
    assert.equal(issueOf({ model, prompt: 'x', size: '8K' }).message, 'wan2.7-image-pro accepts the presets 1K, 2K, 4K or WIDTH*HEIGHT; "8K" is not one of them.');
  });

  test('pro: with images or in image sets, 4K and sizes above 2048² are refused with what to use instead', () => {
    const model = 'wan2.7-image-pro';
    ok({ model, prompt: 'x', images: imgs(1), size: '2K' });
    ok({ model, prompt: 'x', images: imgs(1), size: '2048*2048' });
    ok({ model, prompt: 'x', enableSequential: true, size: '1K' });
    const withImage = issueOf({ model, prompt: 'x', images: imgs(1), size: '4K' });
    assert.equal(withImage.path, 'size');
    assert.match(withImage.message, /^wan2\.7-image-pro offers 4K only for text-to-image without an image set; with input images or enableSequential use 1K, 2K or a size within 768\*768…2048\*2048 pixels/);
    assert.match(issueOf({ model, prompt: 'x', enableSequential: true, size: '4K' }).message, /offers 4K only for text-to-image/);
    assert.match(issueOf({ model, prompt: 'x', images: imgs(1), size: '2048*2049' }).message, /between 768\*768 and 2048\*2048.*This limit applies with input images or enableSequential/);
    assert.match(issueOf({ model, prompt: 'x', enableSequential: true, size: '3000*3000' }).message, /This limit applies with input images or enableSequential/);
  });

  test('wan2.7-image: 1K/2K (no 4K), W*H in [768², 2048²] everywhere', () => {
    const model = 'wan2.7-image';
    for (const size of ['1K', '2K', '768*768', '2048*2048']) ok({ model, prompt: 'x', size });
    assert.equal(issueOf({ model, prompt: 'x', size: '4K' }).message, 'wan2.7-image accepts the presets 1K, 2K or WIDTH*HEIGHT; "4K" is not one of them.');
    assert.match(issueOf({ model, prompt: 'x', size: '2048*2049' }).message, /between 768\*768 and 2048\*2048/);
    assert.match(issueOf({ model, prompt: 'x', size: '767*767' }).message, /between 768\*768 and 2048\*2048/);
  });

  test('n 1..4, or 1..12 in image sets', () => {
    const model = 'wan2.7-image-pro';
    ok({ model, prompt: 'x', n: 1 });
    ok({ model, prompt: 'x', n: 4 });
    assert.equal(issueOf({ model, prompt: 'x', n: 5 }).message, 'wan2.7-image-pro accepts n from 1 to 4 (up to 12 with enableSequential); you gave 5.');
    assert.equal(issueOf({ model, prompt: 'x', n: 0 }).message, 'wan2.7-image-pro accepts n from 1 to 4 (up to 12 with enableSequential); you gave 0.');
    ok({ model, prompt: 'x', n: 12, enableSequential: true });
    ok({ model, prompt: 'x', n: 1, enableSequential: true, images: imgs(2) });
    assert.equal(issueOf({ model, prompt: 'x', n: 13, enableSequential: true }).message, 'wan2.7-image-pro accepts n from 1 to 12 in image sets (enableSequential); you gave 13.');
    // Defaults: 1 image, or up to 12 in an image set.
    assert.equal(requestedImageCount(ok({ model, prompt: 'x' })), 1);
    assert.equal(requestedImageCount(ok({ model, prompt: 'x', enableSequential: true })), 12);
  });

  test('seed 0..2147483647, watermark and thinking mode are plain switches', () => {
    for (const model of ['wan2.7-image-pro', 'qwen-image-3.0', 'qwen-image-2.0-pro', 'qwen-image-edit-max']) {
      const images = model === 'qwen-image-edit-max' ? imgs(1) : undefined;
      ok({ model, prompt: 'x', seed: 0, images });
      ok({ model, prompt: 'x', seed: 2147483647, watermark: true, images });
      assert.equal(issueOf({ model, prompt: 'x', seed: 2147483648, images }).message, 'seed must be a whole number from 0 to 2147483647; you gave 2147483648.');
      assert.match(issueOf({ model, prompt: 'x', seed: -1, images }).message, /from 0 to 2147483647; you gave -1/);
    }
    ok({ model: 'wan2.7-image', prompt: 'x', thinkingMode: false });
    assert.equal(buildWireBody(ok({ model: 'wan2.7-image', prompt: 'x', thinkingMode: false }), []).parameters!.thinking_mode, false);
    assert.equal(issueOf({ model: 'qwen-image-2.0', prompt: 'x', thinkingMode: true }).message, 'qwen-image-2.0 does not take thinkingMode; remove it.');
    assert.equal(issueOf({ model: 'qwen-image-3.0', prompt: 'x', enableSequential: true }).message, 'qwen-image-3.0 does not take image sets (enableSequential); remove it.');
  });

  test('no negative prompt, no prompt extension; prompt up to 5000 characters', () => {
    const issues = issuesOf({ model: 'wan2.7-image', prompt: 'x', negativePrompt: 'y', promptExtend: true });
    assert.deepEqual(issues.map((i) => i.message).sort(), [
      'wan2.7-image does not take a negative prompt; remove it.',
      'wan2.7-image does not take prompt extension (promptExtend); remove it.',
    ]);
    ok({ model: 'wan2.7-image', prompt: '花'.repeat(5000) });
    assert.equal(issueOf({ model: 'wan2.7-image', prompt: '花'.repeat(5001) }).message, 'wan2.7-image accepts prompts up to 5000 characters; yours has 5001. Shorten it.');
  });

  test('colour palette: 3..10 colours, #RRGGBB, ratios summing to 100.00%, not with image sets', () => {
    const model = 'wan2.7-image-pro';
    const three = [
      { hex: '#C2D1E6', ratio: '23.51%' },
      { hex: '#636574', ratio: '40.00%' },
      { hex: '#ffffff', ratio: 36.49 },
    ];
    ok({ model, prompt: 'x', colorPalette: three });
    const ten = Array.from({ length: 10 }, (_, i) => ({ hex: `#00000${i}`, ratio: '10%' }));
    ok({ model, prompt: 'x', colorPalette: ten });
    assert.equal(issueOf({ model, prompt: 'x', colorPalette: three.slice(0, 2).map((c) => ({ ...c, ratio: '50%' })) }).message, 'wan2.7-image-pro takes 3–10 palette colours (8 recommended); you gave 2.');
    const eleven = Array.from({ length: 11 }, (_, i) => ({ hex: '#123456', ratio: i === 0 ? '0.10%' : '9.99%' }));
    assert.equal(issueOf({ model, prompt: 'x', colorPalette: eleven }).message, 'wan2.7-image-pro takes 3–10 palette colours (8 recommended); you gave 11.');
    const off = [...three.slice(0, 2), { hex: '#ffffff', ratio: '36.48%' }];
    assert.equal(issueOf({ model, prompt: 'x', colorPalette: off }).message, 'The palette ratios must add up to 100.00%; yours add up to 99.99%. Adjust them.');
    const over = [...three.slice(0, 2), { hex: '#ffffff', ratio: '36.50%' }];
    assert.match(issueOf({ model, prompt: 'x', colorPalette: over }).message, /yours add up to 100\.01%/);
    const badHex = issueOf({ model, prompt: 'x', colorPalette: [{ hex: 'C2D1E6', ratio: '23.51%' }, ...three.slice(1)] });
    assert.deepEqual(badHex, { path: 'colorPalette.0.hex', message: 'Palette colours are #RRGGBB hex values such as #C2D1E6; "C2D1E6" is not.' });
    const badRatio = issuesOf({ model, prompt: 'x', colorPalette: [{ hex: '#C2D1E6', ratio: 'lots' }, ...three.slice(1)] });
    assert.deepEqual(badRatio.map((i) => i.path), ['colorPalette.0.ratio']);
    const zero = issuesOf({ model, prompt: 'x', colorPalette: [{ hex: '#C2D1E6', ratio: '0%' }, { hex: '#636574', ratio: '50%' }, { hex: '#FFFFFF', ratio: '50%' }] });
    assert.deepEqual(zero.map((i) => i.path), ['colorPalette.0.ratio']);
    assert.match(zero[0]!.message, /percentage above 0 and at most 100/);
    assert.deepEqual(issuesOf({ model, prompt: 'x', colorPalette: [{ hex: '#C2D1E6', ratio: true }, ...three.slice(1)] }).map((i) => i.message), ['A palette ratio is a percentage such as "23.51%" or 23.51.']);
    assert.match(issueOf({ model, prompt: 'x', colorPalette: three, enableSequential: true }).message, /colour palette only without image sets; remove colorPalette or enableSequential/);
  });

  test('boxes: one entry per input image, at most 2 each, [x1,y1,x2,y2] inside the image', () => {
    const model = 'wan2.7-image-pro';
    // The reference's example (N§3).
    ok({ model, prompt: 'x', images: imgs(2), bboxList: [[], [[989, 515, 1138, 681]]] });
    ok({ model, prompt: 'x', images: imgs(1), bboxList: [[[0, 0, 10, 10], [20, 20, 30, 30]]] });
    assert.equal(issueOf({ model, prompt: 'x', images: imgs(1), bboxList: [[[0, 0, 10, 10], [20, 20, 30, 30], [40, 40, 50, 50]]] }).message, 'wan2.7-image-pro takes at most 2 boxes per image; image 1 has 3.');
    assert.equal(issueOf({ model, prompt: 'x', bboxList: [[[0, 0, 1, 1]]] }).message, 'Boxes mark regions of input images, and wan2.7-image-pro got none; add the images or remove bboxList.');
    assert.equal(issueOf({ model, prompt: 'x', images: imgs(2), bboxList: [[[0, 0, 1, 1]]] }).message, 'bboxList needs one entry per input image (2; use [] for an image without boxes); you gave 1.');
    assert.deepEqual(issueOf({ model, prompt: 'x', images: imgs(1), bboxList: [[[10, 10, 5, 20]]] }), {
      path: 'bboxList.0.0',
      message: 'A box is [x1, y1, x2, y2] in whole pixels of its image (origin top-left) with x1 < x2 and y1 < y2; [10, 10, 5, 20] is not.',
    });
    assert.match(issueOf({ model, prompt: 'x', images: imgs(1), bboxList: [[[-1, 0, 5, 5]]] }).message, /whole pixels/);
    assert.match(issueOf({ model, prompt: 'x', images: imgs(1), bboxList: [[[0.5, 0, 5, 5]]] }).message, /whole pixels/);
    assert.match(issueOf({ model, prompt: 'x', images: imgs(1), bboxList: [[[0, 0, 5]]] }).message, /A box is four numbers/);
    // Inside the image when its size is known: x2 = width is the last pixel edge.
    const sizes = [{ width: 1200, height: 700 }];
    ok({ model, prompt: 'x', images: imgs(1), bboxList: [[[989, 515, 1200, 700]]] }, { imageSizes: sizes });
    assert.deepEqual(issueOf({ model, prompt: 'x', images: imgs(1), bboxList: [[[989, 515, 1201, 681]]] }, { imageSizes: sizes }), {
      path: 'bboxList.0.0',
      message: "Box [989, 515, 1201, 681] reaches outside image 1, which is 1200×700 px; boxes use that image's own pixel coordinates.",
    });
    assert.match(issueOf({ model, prompt: 'x', images: imgs(1), bboxList: [[[0, 0, 10, 701]]] }, { imageSizes: sizes }).message, /reaches outside image 1/);
    // Models without boxes refuse them.
    assert.equal(issueOf({ model: 'wan2.6-image', prompt: 'x', images: imgs(1), bboxList: [[]] }).message, 'wan2.6-image does not take boxes (bboxList); remove it.');
  });

  test('wire bodies exactly as the reference shows them (N§3)', () => {
    const t2i = ok({ model: 'wan2.7-image-pro', prompt: '一间有着精致窗户的花店', size: '2K', n: 1, watermark: false, thinkingMode: true });
    assert.deepEqual(
      buildWireBody(t2i, []),
      JSON.parse('{"model":"wan2.7-image-pro","input":{"messages":[{"role":"user","content":[{"text":"一间有着精致窗户的花店"}]}]},"parameters":{"size":"2K","n":1,"watermark":false,"thinking_mode":true}}'),
    );
    const set = ok({ model: 'wan2.7-image-pro', prompt: '电影感组图', enableSequential: true, n: 4, size: '2k' });
    assert.deepEqual(
      buildWireBody(set, []),
      JSON.parse('{"model":"wan2.7-image-pro","input":{"messages":[{"role":"user","content":[{"text":"电影感组图"}]}]},"parameters":{"enable_sequential":true,"n":4,"size":"2K"}}'),
    );
    const edit = ok({
      model: 'wan2.7-image',
      prompt: 'replace the vase in image 2 with the one in image 1',
      images: imgs(2),
      bboxList: [[], [[989, 515, 1138, 681]]],
      colorPalette: [
        { hex: '#C2D1E6', ratio: 23.5 },
        { hex: '#636574', ratio: '40%' },
        { hex: '#FFFFFF', ratio: '36.5' },
      ],
      seed: 42,
    });
    assert.deepEqual(buildWireBody(edit, [img(1), img(2)]), {
      model: 'wan2.7-image',
      input: { messages: [{ role: 'user', content: [{ image: img(1) }, { image: img(2) }, { text: 'replace the vase in image 2 with the one in image 1' }] }] },
      parameters: {
        seed: 42,
        color_palette: [
          { hex: '#C2D1E6', ratio: '23.50%' },
          { hex: '#636574', ratio: '40.00%' },
          { hex: '#FFFFFF', ratio: '36.50%' },
        ],
        bbox_list: [[], [[989, 515, 1138, 681]]],
      },
    });
  });

  test('sync by default; the async variant is the image-generation task with the same body', () => {
    const sync = ok({ model: 'wan2.7-image-pro', prompt: 'x' });
    assert.equal(routeOf(sync).path, ENDPOINT_PATHS.multimodalGeneration);
    const task = ok({ model: 'wan2.7-image-pro', prompt: 'x', enableSequential: true }, { useAsyncVariant: true });
    assert.deepEqual(routeOf(task), { mode: 'async', endpoint: 'imageGeneration', path: '/services/aigc/image-generation/generation', input: 'messages', family: 'choices' });
    assert.deepEqual(buildWireBody(task, []), buildWireBody(ok({ model: 'wan2.7-image-pro', prompt: 'x', enableSequential: true }), []));
  });
});

describe('qwen-image-3.0-pro / qwen-image-3.0', () => {
  for (const model of ['qwen-image-3.0-pro', 'qwen-image-3.0']) {
    test(`${model}: n 1..6, total pixels 512²..2048² with aspect 1:8..8:1, 0..3 images`, () => {
      ok({ model, prompt: 'x', n: 6, size: '512*512' });
      ok({ model, prompt: 'x', size: '2048*2048', images: imgs(3) });
      ok({ model, prompt: 'x', size: '1456*182' });
      assert.match(issueOf({ model, prompt: 'x', n: 7 }).message, /accepts n from 1 to 6; you gave 7/);
      assert.match(issueOf({ model, prompt: 'x', size: '512*511' }).message, /between 512\*512 and 2048\*2048/);
      assert.match(issueOf({ model, prompt: 'x', size: '2049*2048' }).message, /between 512\*512 and 2048\*2048/);
      assert.match(issueOf({ model, prompt: 'x', size: '1464*182' }).message, /aspect ratio between 1:8 and 8:1/);
      assert.equal(issueOf({ model, prompt: 'x', images: imgs(4) }).message, `${model} takes at most 3 reference images; you gave 4.`);
    });
  }

  test('prompt_extend_mode: direct anywhere, agent only without images; enable_thinking needs prompt extension', () => {
    const model = 'qwen-image-3.0-pro';
    ok({ model, prompt: 'x', promptExtendMode: 'agent' });
    ok({ model, prompt: 'x', promptExtendMode: 'direct', images: imgs(1) });
    assert.deepEqual(issueOf({ model, prompt: 'x', promptExtendMode: 'agent', images: imgs(1) }), {
      path: 'promptExtendMode',
      message: 'qwen-image-3.0-pro uses promptExtendMode "agent" only for text-to-image; with input images use "direct" or leave it out.',
    });
    assert.deepEqual(issueOf({ model, prompt: 'x', promptExtendMode: 'smart' }), { path: 'promptExtendMode', message: 'promptExtendMode is "direct" or "agent".' });
    ok({ model, prompt: 'x', enableThinking: true, promptExtend: true });
    ok({ model, prompt: 'x', enableThinking: false, promptExtend: false });
    assert.equal(issueOf({ model, prompt: 'x', enableThinking: true, promptExtend: false }).message, 'qwen-image-3.0-pro thinks only while extending the prompt; set promptExtend to true or remove enableThinking.');
    // Other models do not take them.
    assert.equal(issueOf({ model: 'qwen-image-2.0', prompt: 'x', enableThinking: true }).message, 'qwen-image-2.0 does not take enableThinking; remove it.');
  });

  test('wire body and the async variant', () => {
    const v = ok({ model: 'qwen-image-3.0', prompt: '海报', promptExtendMode: 'agent', enableThinking: true, promptExtend: true, n: 2, size: '1024*1536' });
    assert.deepEqual(buildWireBody(v, []), {
      model: 'qwen-image-3.0',
      input: { messages: [{ role: 'user', content: [{ text: '海报' }] }] },
      parameters: { size: '1024*1536', n: 2, prompt_extend: true, prompt_extend_mode: 'agent', enable_thinking: true },
    });
    assert.equal(routeOf(ok({ model: 'qwen-image-3.0', prompt: 'x' }, { useAsyncVariant: true })).endpoint, 'imageGeneration');
  });
});

describe('regions in validation', () => {
  test('US (Virginia) serves wan2.6-t2i, wan2.6-image and qwen-image-3.0; the rest say where they are served', () => {
    ok({ model: 'wan2.6-t2i', prompt: 'x' }, { region: 'us' });
    ok({ model: 'wan2.6-image', prompt: 'x', images: imgs(1) }, { region: 'us' });
    ok({ model: 'wan2.6-image:interleave', prompt: 'x' }, { region: 'us' });
    assert.match(issueOf({ model: 'qwen-image-3.0-pro', prompt: 'x' }, { region: 'us' }).message, /served only in Beijing and Singapore, not in US \(Virginia\)/);
    assert.equal(
      issueOf({ model: 'qwen-image-max', prompt: 'x' }, { region: 'us' }).message,
      'qwen-image-max is served only in Beijing and Singapore, not in US (Virginia); switch the region (your key must belong to that region too).',
    );
    assert.match(issueOf({ model: 'wan2.7-image-pro', prompt: 'x' }, { region: 'us' }).message, /served only in Beijing and Singapore, not in US \(Virginia\)/);
    assert.match(issueOf({ model: 'qwen-mt-image', images: [img(1)], translation: { sourceLang: 'zh', targetLang: 'en' } }, { region: 'us' }).message, /qwen-mt-image is served only in Beijing, not in US \(Virginia\)/);
  });
});
