/**
 * The simulator's image-processing models (test/sim/process-models.ts, process.ts) over plain
 * HTTP, against what ../shared/reference/image-processing.md documents (PROC §x): sides, bytes,
 * formats, the mask's resolution, parameter ranges, Beijing only, the RGBA rule of background
 * generation, out-painting's `output_image_url`, and the output sizes the simulator chose where
 * the reference is unconfirmed (README "Image processing").
 *
 *   node --import tsx --test test/sim/process.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PNG } from 'pngjs';
import { I2I, api, assertError, asyncHeaders, dataUri, download, png, pngSize, pollTask, start } from './calls.js';
import type { Simulator } from './index.js';

const OUTPAINT = '/services/aigc/image2image/out-painting';
const BACKGROUND = '/services/aigc/background-generation/generation/';

let sim: Simulator;
before(async () => {
  sim = await start();
});
after(async () => {
  await sim.stop();
});

/** A black mask with a white square (edit there). */
function mask(width: number, height: number): Buffer {
  const p = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    const white = i % width < width / 2;
    p.data.set(white ? [255, 255, 255, 255] : [0, 0, 0, 255], i * 4);
  }
  return PNG.sync.write(p);
}

/** A cut-out: transparent left half. */
function cutout(width: number, height: number): Buffer {
  const p = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) p.data.set([30, 160, 60, i % width < width / 2 ? 0 : 255], i * 4);
  return PNG.sync.write(p, { colorType: 6 });
}

function imageedit(fn: string, base: string, parameters: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  return { model: 'wanx2.1-imageedit', input: { function: fn, prompt: 'x', base_image_url: base, ...extra }, parameters };
}

/** Submits, waits, and returns the final task body. */
async function finish(path: string, body: unknown): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const r = await api(sim, path, { body, headers: asyncHeaders });
  assert.equal(r.status, 200, r.text);
  const seen = await pollTask(sim, r.json.output.task_id);
  return seen.at(-1);
}

async function resultSize(url: string): Promise<{ width: number; height: number }> {
  const d = await download(url);
  assert.equal(d.status, 200);
  return pngSize(d.bytes);
}

describe('sim: wanx2.1-imageedit (PROC §1)', () => {
  test('without X-DashScope-Async the call is refused (async only)', async () => {
    const r = await api(sim, I2I, { body: imageedit('colorization', dataUri(png(600, 600))) });
    assert.equal(r.status, 403, r.text);
  });
  test('sides outside 512–4096 px are refused, naming the limit', async () => {
    const r = await api(sim, I2I, { body: imageedit('colorization', dataUri(png(500, 600))), headers: asyncHeaders });
    assertError(r, 400, 'InvalidParameter', /between 512 and 4096 pixels/);
  });
  test('a format outside the list (GIF) is refused', async () => {
    const gif = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
    const r = await api(sim, I2I, { body: imageedit('colorization', dataUri(gif, 'image/gif')), headers: asyncHeaders });
    assert.equal(r.status, 400, r.text);
  });
  test('ranges: upscale_factor 1–4 (integer), strength 0–1, side scales 1–2', async () => {
    const base = dataUri(png(600, 600));
    for (const [fn, p] of [['super_resolution', { upscale_factor: 5 }], ['super_resolution', { upscale_factor: 1.5 }], ['description_edit', { strength: 1.2 }], ['expand', { top_scale: 2.5 }]] as const) {
      const r = await api(sim, I2I, { body: imageedit(fn, base, p), headers: asyncHeaders });
      assertError(r, 400, 'InvalidParameter');
    }
  });
  test('an unknown function is refused', async () => {
    const r = await api(sim, I2I, { body: imageedit('sharpen', dataUri(png(600, 600))), headers: asyncHeaders });
    assertError(r, 400, 'InvalidParameter', /function/);
  });
  test('the mask must have the base image’s resolution', async () => {
    const r = await api(sim, I2I, { body: imageedit('description_edit_with_mask', dataUri(png(640, 512)), {}, { mask_image_url: dataUri(mask(600, 512)) }), headers: asyncHeaders });
    assertError(r, 400, 'InvalidParameter', /same resolution as the base image \(640\*512\); got 600\*512/);
    const ok = await finish(I2I, imageedit('description_edit_with_mask', dataUri(png(640, 512)), { n: 2 }, { mask_image_url: dataUri(mask(640, 512)) }));
    assert.equal(ok.output.task_status, 'SUCCEEDED');
    assert.equal(ok.output.results.length, 2);
    assert.deepEqual(await resultSize(ok.output.results[0].url), { width: 640, height: 512 });
  });
  test('output sizes (sim choice): super_resolution × factor, capped at 4096 on the long side; expand by the mean of opposite scales', async () => {
    const x2 = await finish(I2I, imageedit('super_resolution', dataUri(png(600, 512)), { upscale_factor: 2 }));
    assert.deepEqual(await resultSize(x2.output.results[0].url), { width: 1200, height: 1024 });
    const capped = await finish(I2I, imageedit('super_resolution', dataUri(png(1200, 600)), { upscale_factor: 4 }));
    assert.deepEqual(await resultSize(capped.output.results[0].url), { width: 4096, height: 2048 });
    const expand = await finish(I2I, imageedit('expand', dataUri(png(800, 600)), { left_scale: 1.5, right_scale: 1.5, top_scale: 1.2, bottom_scale: 1.2 }));
    assert.deepEqual(await resultSize(expand.output.results[0].url), { width: 1200, height: 720 });
  });
  test('Beijing only: a Singapore key is told the model is not there', async () => {
    const r = await api(sim, I2I, { body: imageedit('colorization', dataUri(png(600, 600))), headers: asyncHeaders, region: 'singapore' });
    assert.ok(r.status >= 400 && r.status < 500, r.text);
    assert.match(r.json.code, /InvalidParameter|ModelNotFound|Model/i);
  });
});

describe('sim: image-out-painting (PROC §2)', () => {
  test('16:9 from 800×600: one output.output_image_url, 1067×600', async () => {
    const base = sim.assets.putStatic('banner.png', png(800, 600));
    const done = await finish(OUTPAINT, { model: 'image-out-painting', input: { image_url: base }, parameters: { output_ratio: '16:9', add_watermark: false } });
    assert.equal(done.output.task_status, 'SUCCEEDED');
    assert.equal(done.output.results, undefined, 'not results[]');
    assert.deepEqual(await resultSize(done.output.output_image_url), { width: 1067, height: 600 });
  });
  test('x_scale/y_scale and offsets give their own sizes', async () => {
    const base = sim.assets.putStatic('b2.png', png(800, 600));
    const scaled = await finish(OUTPAINT, { model: 'image-out-painting', input: { image_url: base }, parameters: { x_scale: 1.5, y_scale: 2 } });
    assert.deepEqual(await resultSize(scaled.output.output_image_url), { width: 1200, height: 1200 });
    const offsets = await finish(OUTPAINT, { model: 'image-out-painting', input: { image_url: base }, parameters: { left_offset: 100, right_offset: 100, top_offset: 50 } });
    assert.deepEqual(await resultSize(offsets.output.output_image_url), { width: 1000, height: 650 });
  });
  test('ranges: x_scale 1–3, angle 0–359, an unknown output_ratio; offsets under 3× the side', async () => {
    const base = sim.assets.putStatic('b3.png', png(800, 600));
    for (const parameters of [{ x_scale: 3.5 }, { angle: 360 }, { output_ratio: '2:1' }, { top_offset: 1000, bottom_offset: 800 }]) {
      const r = await api(sim, OUTPAINT, { body: { model: 'image-out-painting', input: { image_url: base }, parameters }, headers: asyncHeaders });
      assertError(r, 400, 'InvalidParameter');
    }
  });
});

describe('sim: wanx-background-generation-v2 (PROC §4)', () => {
  test('a cut-out keeps its resolution; n=2 gives two results', async () => {
    const base = sim.assets.putStatic('subject.png', cutout(640, 640));
    const done = await finish(BACKGROUND, { model: 'wanx-background-generation-v2', input: { base_image_url: base, ref_prompt: '山脉和晚霞' }, parameters: { n: 2, model_version: 'v3' } });
    assert.equal(done.output.results.length, 2);
    assert.deepEqual(await resultSize(done.output.results[1].url), { width: 640, height: 640 });
  });
  test('the RGBA rule: an RGB PNG fails with BadRequest.UnsupportedFileFormat', async () => {
    const base = sim.assets.putStatic('rgb.png', png(640, 640));
    const r = await api(sim, BACKGROUND, { body: { model: 'wanx-background-generation-v2', input: { base_image_url: base, ref_prompt: 'a beach' } }, headers: asyncHeaders });
    assertError(r, 400, 'BadRequest.UnsupportedFileFormat');
  });
  test('long side over 2048, no prompt and no reference image, a model_version out of the list', async () => {
    const big = sim.assets.putStatic('big.png', cutout(2100, 600));
    assertError(await api(sim, BACKGROUND, { body: { model: 'wanx-background-generation-v2', input: { base_image_url: big, ref_prompt: 'x' } }, headers: asyncHeaders }), 400, 'InvalidParameter', /2048/);
    const base = sim.assets.putStatic('s2.png', cutout(640, 640));
    assertError(await api(sim, BACKGROUND, { body: { model: 'wanx-background-generation-v2', input: { base_image_url: base } }, headers: asyncHeaders }), 400, 'InvalidParameter', /ref_prompt or ref_image_url/);
    assertError(await api(sim, BACKGROUND, { body: { model: 'wanx-background-generation-v2', input: { base_image_url: base, ref_prompt: 'x' }, parameters: { model_version: 'v4' } }, headers: asyncHeaders }), 400, 'InvalidParameter');
  });
});
