// The studio's Retouch mode without a browser: the operations offered from the catalog, the
// protocol's run fields (accepted and refused), a run mapped to the request the client validates
// (process options, the mask drawn from strokes at the image's resolution), and the form's pure
// rules (frame → side scales or offsets, ratio frames, clamping, the upscaled size, problems).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { inspectImage, validateRequest, type GenerationRequest } from '../../src/dashscope/index';
import { EmptyMaskError } from '../../src/pipeline/mask';
import { MissingMaskError, RetouchMismatchError, retouchRequestOf } from '../../src/pipeline/retouch';
import { RunParams, WebviewMessage } from '../../src/protocol/messages';
import { MAX_MASK_POINTS, type RetouchOperationData, type RetouchRun } from '../../src/protocol/retouch';
import { retouchOperationOf, retouchOperationOptions, retouchServedIn, retouchTarget } from '../../src/protocol/retouchOptions';
import { studioModelOptions } from '../../src/protocol/modelOptions';
import {
  clampFrame,
  frameForRatio,
  frameLimit,
  frameOfOffsets,
  initialRetouch,
  retouchFormOf,
  retouchProblems,
  retouchRunOf,
  sideScalesOf,
  upscaledSize,
  variantOf,
  type RetouchForm,
} from '../../webview/retouch/model';

const ops = retouchOperationOptions('en', (id) => `op:${id}`, (name) => `label:${name}`);
const op = (id: string): RetouchOperationData => ops.find((o) => o.id === id)!;
const form = (patch: Partial<RetouchForm> = {}): RetouchForm => ({ ...initialRetouch(), ...patch });
const image = { location: { folderIndex: 0, path: 'street.png' } };

describe('retouch operations from the catalog', () => {
  it('offers every operation, each with its model and function, and only that function\'s options', () => {
    assert.deepEqual(ops.map((o) => o.id), ['upscale', 'extend', 'inpaint', 'removeText', 'colorize', 'restyle', 'editByDescription', 'sketch', 'background']);
    const upscale = op('upscale').variants[0]!;
    assert.equal(upscale.model, 'wanx2.1-imageedit');
    assert.equal(upscale.function, 'super_resolution');
    assert.deepEqual(upscale.options, [{ name: 'upscaleFactor', label: 'label:upscaleFactor', kind: 'number', min: 1, max: 4, default: 1, integer: true }]);
    assert.deepEqual(op('extend').variants.map((v) => [v.key, v.model, v.function]), [['ratio', 'image-out-painting', undefined], ['sides', 'wanx2.1-imageedit', 'expand']]);
    assert.equal(op('inpaint').variants[0]!.mask, true);
    assert.equal(op('inpaint').variants[0]!.prompt, 'required');
    assert.equal(op('colorize').variants[0]!.mask, false);
    assert.deepEqual(op('colorize').variants[0]!.options, []);
    assert.equal(op('background').variants[0]!.alphaRequired, true);
    // Restyle: the whole image (2 styles) or one object (8), labelled in the UI language.
    const whole = op('restyle').variants[0]!.options.find((o) => o.name === 'style');
    assert.equal(whole?.kind === 'enum' && whole.values.length, 2);
    const local = op('restyle').variants[1]!.options.find((o) => o.name === 'style');
    assert.equal(local?.kind === 'enum' && local.values.length, 8);
    const zh = retouchOperationOptions('zh-cn', (id) => id).find((o) => o.id === 'restyle')!.variants[0]!.options.find((o) => o.name === 'style');
    assert.ok(zh?.kind === 'enum' && zh.values.some((v) => v.label === '金箔艺术'));
  });

  it('lists the processing models in the Retouch mode with one input image and their limits', () => {
    const retouch = studioModelOptions('en').filter((m) => m.mode === 'retouch');
    assert.deepEqual(retouch.map((m) => m.id).sort(), ['image-out-painting', 'wanx-background-generation-v2', 'wanx2.1-imageedit']);
    for (const m of retouch) assert.equal(m.inputs?.max, 1);
    assert.equal(retouchTarget('extend', undefined)?.model, 'image-out-painting');
    assert.equal(retouchTarget('extend', 'expand')?.model, 'wanx2.1-imageedit');
    assert.equal(retouchTarget('upscale', 'colorization'), undefined);
  });
});

describe('retouch run fields in the protocol', () => {
  const run = (retouch: unknown) => ({ type: 'run', jobId: 'j1', params: { mode: 'retouch', model: 'wanx2.1-imageedit', inputs: [image.location], retouch } });

  it('accepts an operation with options and a mask of strokes', () => {
    const ok: RetouchRun = {
      operation: 'inpaint',
      function: 'description_edit_with_mask',
      options: {},
      mask: { strokes: [{ points: [[0.1, 0.2], [0.3, 0.4]], size: 0.05, erase: false }, { points: [[0.2, 0.3]], size: 0.02, erase: true }], invert: true },
    };
    assert.ok(WebviewMessage.safeParse(run(ok)).success);
    assert.ok(RunParams.safeParse({ mode: 'retouch', model: 'image-out-painting', retouch: { operation: 'extend', options: { outputRatio: '16:9', bestQuality: false } } }).success);
  });

  it('refuses points outside the image, bad brush sizes, unknown operations, odd option names and too many points', () => {
    const stroke = (s: object) => run({ operation: 'inpaint', options: {}, mask: { strokes: [{ points: [[0.5, 0.5]], size: 0.05, erase: false, ...s }], invert: false } });
    for (const bad of [
      stroke({ points: [[1.2, 0.5]] }),
      stroke({ points: [[-0.1, 0.5]] }),
      stroke({ points: [] }),
      stroke({ size: 0 }),
      stroke({ size: 0.9 }),
      run({ operation: 'teleport', options: {} }),
      run({ operation: 'upscale', function: 'Super Resolution!', options: {} }),
      run({ operation: 'upscale', options: { 'up-scale': 2 } }),
      run({ operation: 'upscale', options: { style: 'x'.repeat(101) } }),
    ]) {
      assert.equal(WebviewMessage.safeParse(bad).success, false, JSON.stringify(bad).slice(0, 200));
    }
    // Points are capped across strokes, not only per stroke.
    const many = Array.from({ length: 11 }, () => ({ points: Array.from({ length: MAX_MASK_POINTS / 10 }, () => [0.5, 0.5]), size: 0.05, erase: false }));
    assert.equal(WebviewMessage.safeParse(run({ operation: 'inpaint', options: {}, mask: { strokes: many, invert: false } })).success, false);
  });
});

describe('a retouch run as a request', () => {
  const base: GenerationRequest = { model: 'wanx2.1-imageedit', prompt: 'remove the street sign', n: 1 };
  const png = new PNG({ width: 1024, height: 768 });
  const baseImage = { kind: 'bytes' as const, bytes: new Uint8Array(PNG.sync.write(png)), name: 'street.png' };

  it('paints the mask at the image\'s own resolution, pure black and white, and the client accepts the request', () => {
    const run: RetouchRun = { operation: 'inpaint', function: 'description_edit_with_mask', options: {}, mask: { strokes: [{ points: [[0.4, 0.4], [0.6, 0.5]], size: 0.08, erase: false }], invert: false } };
    const request = retouchRequestOf(base, run, { width: 1024, height: 768 }, true);
    assert.deepEqual(request.process, { function: 'description_edit_with_mask' });
    assert.equal(request.prompt, 'remove the street sign');
    const mask = request.mask as { kind: 'bytes'; bytes: Uint8Array; name: string };
    assert.equal(mask.kind, 'bytes');
    const info = inspectImage(mask.bytes);
    assert.deepEqual([info?.width, info?.height], [1024, 768]);
    const decoded = PNG.sync.read(Buffer.from(mask.bytes));
    const values = new Set<number>();
    for (let i = 0; i < decoded.data.length; i += 4) values.add(decoded.data[i]!);
    assert.deepEqual([...values].sort((a, b) => a - b), [0, 255]);
    const validated = validateRequest({ ...request, images: [baseImage] }, { region: 'beijing' });
    assert.equal(validated.spec.id, 'wanx2.1-imageedit');
  });

  it('sends an operation\'s options as process options, checked by the catalog', () => {
    const upscale = retouchRequestOf(base, { operation: 'upscale', function: 'super_resolution', options: { upscaleFactor: 2 } }, undefined, false);
    assert.deepEqual(upscale.process, { upscaleFactor: 2, function: 'super_resolution' });
    assert.equal(upscale.mask, undefined);
    validateRequest({ ...upscale, images: [baseImage] }, { region: 'beijing' });
    const tooMuch = retouchRequestOf(base, { operation: 'upscale', function: 'super_resolution', options: { upscaleFactor: 8 } }, undefined, false);
    assert.throws(() => validateRequest({ ...tooMuch, images: [baseImage] }, { region: 'beijing' }), /upscale|1.*4/i);
    const ratio = retouchRequestOf({ model: 'image-out-painting' }, { operation: 'extend', options: { outputRatio: '16:9' } }, undefined, false);
    assert.deepEqual(ratio.process, { outputRatio: '16:9' });
  });

  it('refuses an empty mask, a missing one, and an operation on the wrong model', () => {
    const erased: RetouchRun = {
      operation: 'inpaint',
      function: 'description_edit_with_mask',
      options: {},
      mask: { strokes: [{ points: [[0.5, 0.5]], size: 0.05, erase: false }, { points: [[0.5, 0.5]], size: 0.2, erase: true }], invert: false },
    };
    assert.throws(() => retouchRequestOf(base, erased, { width: 1024, height: 768 }, true), EmptyMaskError);
    assert.throws(() => retouchRequestOf(base, { ...erased, mask: undefined }, { width: 1024, height: 768 }, true), MissingMaskError);
    assert.throws(() => retouchRequestOf({ model: 'image-out-painting' }, { operation: 'upscale', function: 'super_resolution', options: {} }, undefined, false), RetouchMismatchError);
  });
});

describe('the Retouch form\'s rules', () => {
  const sides = op('extend').variants[1]!;
  const ratio = op('extend').variants[0]!;

  it('turns a drawn frame into expand side scales within 1.0–2.0', () => {
    assert.equal(frameLimit(sides), 0.5);
    assert.deepEqual(sideScalesOf({ left: 0.25, right: 0.25, top: 0, bottom: 0.5 }), { leftScale: 1.5, rightScale: 1.5, topScale: 1, bottomScale: 2 });
    const { frame, clamped } = clampFrame({ left: 0.9, right: 0.1, top: -0.2, bottom: 0 }, frameLimit(sides));
    assert.equal(clamped, true);
    assert.deepEqual(frame, { left: 0.5, right: 0.1, top: 0, bottom: 0 });
    const run = retouchRunOf(op('extend'), form({ operation: 'extend', variants: { extend: 'sides' }, frame: { left: 0.8, right: 0.25, top: 0, bottom: 0 } }), { width: 1024, height: 768 });
    assert.deepEqual(run.options, { leftScale: 2, rightScale: 1.5, topScale: 1, bottomScale: 1 });
    assert.equal(run.function, 'expand');
  });

  it('sends a picked ratio to image-out-painting, and a hand-drawn frame as pixel offsets below 3× the side', () => {
    const picked = retouchRunOf(op('extend'), form({ operation: 'extend', ratio: '16:9', frame: frameForRatio('16:9', 1024, 768) }), { width: 1024, height: 768 });
    assert.equal(picked.options.outputRatio, '16:9');
    assert.equal(picked.options.leftOffset, undefined);
    const drawn = retouchRunOf(op('extend'), form({ operation: 'extend', ratio: '', frame: { left: 0.5, right: 2, top: 0.1, bottom: 0 } }), { width: 1000, height: 500 });
    assert.equal(drawn.options.leftOffset, 500);
    assert.equal(drawn.options.rightOffset, 1499, 'a side stops below 1.5× (left + right < 3 × width)');
    assert.equal(drawn.options.topOffset, 50);
    assert.equal(frameLimit(ratio), 1.5);
    // The frame of a ratio holds the image and has that ratio.
    const f = frameForRatio('16:9', 1024, 768);
    assert.ok(Math.abs((1024 * (1 + f.left + f.right)) / (768 * (1 + f.top + f.bottom)) - 16 / 9) < 1e-9);
    assert.deepEqual([f.top, f.bottom], [0, 0]);
    const tall = frameForRatio('9:16', 1024, 768);
    assert.deepEqual([tall.left, tall.right], [0, 0]);
  });

  it('shows the upscaled size and flags a side over 4096 px', () => {
    assert.deepEqual(upscaledSize(2, 1024, 768), { width: 2048, height: 1536, tooLarge: false });
    assert.deepEqual(upscaledSize(4, 1024, 768), { width: 4096, height: 3072, tooLarge: false });
    assert.equal(upscaledSize(3, 1600, 900).tooLarge, true);
    const run = retouchRunOf(op('upscale'), form({ options: { 'upscale:upscale': { upscaleFactor: 3 } } }), undefined);
    assert.deepEqual(run, { operation: 'upscale', function: 'super_resolution', options: { upscaleFactor: 3 } });
    assert.deepEqual(retouchRunOf(op('upscale'), form(), undefined).options, { upscaleFactor: 1 }, 'the catalog default');
  });

  it('refuses an empty mask inline, an RGB image for a new background, and no image at all', () => {
    const inpaint = form({ operation: 'inpaint' });
    assert.deepEqual(retouchProblems(op('inpaint'), inpaint, { path: 'street.png' }).map((p) => p.key), ['errMaskEmpty']);
    const painted = form({ operation: 'inpaint', mask: { ...inpaint.mask, strokes: [{ points: [[0.5, 0.5]], size: 0.1, erase: false }], empty: false } });
    assert.deepEqual(retouchProblems(op('inpaint'), painted, { path: 'street.png' }), []);
    // Painted and then all rubbed out: the painter found no pixel to edit.
    assert.deepEqual(retouchProblems(op('inpaint'), { ...painted, mask: { ...painted.mask, empty: true } }, { path: 'street.png' }).map((p) => p.key), ['errMaskEmpty']);
    assert.deepEqual(retouchProblems(op('background'), form({ operation: 'background' }), { path: 'photo.jpg' }).map((p) => p.key), ['errAlphaRequired']);
    assert.deepEqual(retouchProblems(op('background'), form({ operation: 'background' }), { path: 'cutout.png', hasAlpha: true }), []);
    assert.equal(retouchProblems(op('upscale'), form(), undefined)[0]?.key, 'errRetouchImage');
    assert.equal(variantOf(op('restyle'), form({ variants: { restyle: 'gone' } })).key, 'whole', 'a variant no longer offered falls back to the first');
  });
});

describe('retouch and the region', () => {
  it('is offered in Beijing (and on a custom endpoint) and held back with the reason in Singapore and the US', () => {
    assert.equal(retouchServedIn('beijing'), true);
    assert.equal(retouchServedIn('custom'), true);
    assert.equal(retouchServedIn('singapore'), false);
    assert.equal(retouchServedIn('us'), false);
  });
});

describe('a process preset back into the Retouch form', () => {
  it('every variant: the form a run fills gives that run again, and the catalog target names the operation', () => {
    const image = { width: 1024, height: 768 };
    for (const operation of ops) {
      for (const variant of operation.variants) {
        // Non-default option values where the variant has them, so they visibly travel.
        const options = Object.fromEntries(variant.options.flatMap((o): [string, number | boolean][] => (o.kind === 'number' && !/Offset|Scale/.test(o.name) ? [[o.name, o.max]] : o.kind === 'boolean' ? [[o.name, !o.default]] : [])));
        const start = form({ operation: operation.id, variants: { [operation.id]: variant.key }, options: { [`${operation.id}:${variant.key}`]: options }, ...(variant.options.some((o) => o.name === 'leftScale') ? { frame: { left: 0.25, right: 0, top: 0.1, bottom: 0 } } : {}) });
        const run = retouchRunOf(operation, start, image);
        const patch = retouchFormOf(ops, run, initialRetouch());
        assert.ok(patch, `${operation.id}/${variant.key} fills the form`);
        const filled = form(patch);
        assert.equal(variantOf(operation, filled).key, variant.key, `${operation.id}: the variant`);
        assert.deepEqual(retouchRunOf(operation, filled, image).options, run.options, `${operation.id}/${variant.key}: the options`);
        assert.equal(retouchOperationOf(variant.model, variant.function), operation.id, `${variant.model} ${variant.function ?? ''} is ${operation.id}`);
      }
    }
  });

  it('a ratio waits for the image; pixel offsets become the frame once its size is known', () => {
    const extend = op('extend');
    const ratio = retouchFormOf(ops, { operation: 'extend', options: { outputRatio: '16:9' } }, initialRetouch())!;
    assert.equal(ratio.ratio, '16:9');
    assert.equal(retouchRunOf(extend, form(ratio), undefined).options.outputRatio, '16:9');
    const offsets = retouchFormOf(ops, { operation: 'extend', options: { leftOffset: 256, rightOffset: 256, topOffset: 0, bottomOffset: 192 } }, initialRetouch())!;
    const frame = frameOfOffsets(offsets.options!['extend:ratio']!, 1024, 768)!;
    assert.deepEqual(frame, { left: 0.25, right: 0.25, top: 0, bottom: 0.25 });
    assert.equal(frameOfOffsets({ strength: 1 }, 1024, 768), undefined);
    assert.equal(retouchFormOf(ops, { operation: 'extend', function: 'nope', options: {} }, initialRetouch()), undefined);
  });
});
