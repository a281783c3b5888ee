/**
 * The image-processing models through the client against the simulator: every wanx2.1-imageedit
 * function, image-out-painting's `output_image_url`, background generation's RGBA rule, masks,
 * Base64 versus the temporary upload, and the errors raised before anything is sent.
 *
 *   node --import tsx --test test/unit/process-client.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PNG } from 'pngjs';
import { DashScopeClient, RequestValidationError, type GenerationRequest, type ProgressEvent } from '../../src/dashscope/index';
import { startSimulator, type Simulator } from '../sim/index';
import jpeg from 'jpeg-js';
import { INLINE_MAX_BYTES } from '../../src/dashscope/upload';
import { makePng } from './client-fixtures';

const SCALE = 0.001;
let sim: Simulator;
let dir: string;
const clients: DashScopeClient[] = [];

function client(region: 'beijing' | 'singapore' = 'beijing'): DashScopeClient {
  const c = new DashScopeClient({ apiKey: sim.keys[region], baseUrl: sim.urls[region], region, poll: { durationScale: SCALE } });
  clients.push(c);
  return c;
}

function file(name: string, bytes: Buffer): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

/** A black mask with a white rectangle (or all black when `empty`). */
function mask(w: number, h: number, empty = false): Buffer {
  const png = new PNG({ width: w, height: h });
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      const white = !empty && x > w / 4 && x < w / 2 && y > h / 4 && y < h / 2;
      png.data.fill(white ? 255 : 0, i, i + 3);
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png, { colorType: 0 });
}

/** A grey JPEG of the given size. */
function makeJpeg(width: number, height: number): Buffer {
  return Buffer.from(jpeg.encode({ data: Buffer.alloc(width * height * 4, 128), width, height }, 80).data);
}

/** A cut-out: opaque subject in the middle, transparent around it. */
function cutout(w: number, h: number): Buffer {
  const png = new PNG({ width: w, height: h });
  for (let i = 0; i < w * h; i++) {
    const x = i % w;
    png.data.set([200, 40, 40, x > w / 3 && x < (2 * w) / 3 ? 255 : 0], i * 4);
  }
  return PNG.sync.write(png, { colorType: 6 });
}

before(async () => {
  sim = await startSimulator({ timing: { scale: SCALE }, rateLimits: false });
  dir = mkdtempSync(join(tmpdir(), 'process-client-'));
});
after(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function run(req: GenerationRequest): Promise<{ sizes: [number, number][]; progress: ProgressEvent[] }> {
  const c = client();
  const progress: ProgressEvent[] = [];
  const r = await c.generate(req, { onProgress: (e) => progress.push(e) });
  assert.equal(r.failures.length, 0);
  const sizes: [number, number][] = [];
  for (const img of r.images) {
    const d = await c.download(img.url, { dir });
    sizes.push([d.width, d.height]);
  }
  return { sizes, progress };
}

describe('wanx2.1-imageedit against the simulator', () => {
  test('super_resolution ×2: a local file goes as a data: URI (no upload) and the result is read at its real size', async () => {
    const { sizes, progress } = await run({ model: 'wanx2.1-imageedit', images: [file('photo.png', makePng(600, 520))], process: { function: 'super_resolution', upscaleFactor: 2 } });
    assert.deepEqual(sizes, [[1200, 1040]]);
    assert.equal(progress.filter((e) => e.type === 'upload').length, 0);
    assert.ok(progress.some((e) => e.type === 'request' && e.endpoint === '/services/aigc/image2image/image-synthesis'));
  });
  test('super_resolution ×2: a file above INLINE_MAX_BYTES goes through the temporary upload instead of a data: URI', async () => {
    // Uncompressed noise: 3 bytes a pixel, so 700×700 is about 1.4 MB.
    const big = new PNG({ width: 700, height: 700, colorType: 2, inputHasAlpha: false });
    big.data = Buffer.from(Array.from({ length: 700 * 700 * 3 }, (_, i) => (i * 7919) % 251));
    const bytes = PNG.sync.write(big, { colorType: 2, inputColorType: 2, inputHasAlpha: false, deflateLevel: 0 });
    assert.ok(bytes.length > INLINE_MAX_BYTES);
    const { sizes, progress } = await run({ model: 'wanx2.1-imageedit', images: [file('big.png', bytes)], process: { function: 'super_resolution', upscaleFactor: 2 } });
    assert.deepEqual(sizes, [[1400, 1400]]);
    assert.deepEqual(progress.filter((e) => e.type === 'upload').map((e) => e.type === 'upload' && e.phase), ['policy', 'upload', 'done']);
  });
  test('every function runs with its options', async () => {
    const base = file('base.png', makePng(640, 512));
    const cases: GenerationRequest['process'][] = [
      { function: 'expand', topScale: 1.5, bottomScale: 1.5, leftScale: 1.5, rightScale: 1.5 },
      { function: 'remove_watermark' },
      { function: 'colorization' },
      { function: 'stylization_all', style: 'gold-foil', strength: 0.7 },
      { function: 'stylization_local', style: 'wooden' },
    ];
    for (const process of cases) assert.equal((await run({ model: 'wanx2.1-imageedit', images: [base], process, n: 1, seed: 7 })).sizes.length, 1, process?.function);
    for (const process of [{ function: 'description_edit' as const, strength: 0.3 }, { function: 'doodle' as const, isSketch: true }, { function: 'control_cartoon_feature' as const }]) {
      assert.equal((await run({ model: 'wanx2.1-imageedit', images: [base], prompt: 'a cat on a sofa', process })).sizes.length, 1, process.function);
    }
  });
  test('inpaint with a mask at the image resolution; n=2 gives two images', async () => {
    const { sizes } = await run({ model: 'wanx2.1-imageedit', prompt: 'remove the street sign', images: [file('street.png', makePng(640, 512))], mask: file('mask.png', mask(640, 512)), n: 2, process: { function: 'description_edit_with_mask' } });
    assert.deepEqual(sizes, [[640, 512], [640, 512]]);
  });
  test('a mask of another size and an empty mask are refused before anything is sent', async () => {
    const base = file('street2.png', makePng(640, 512));
    await assert.rejects(
      client().generate({ model: 'wanx2.1-imageedit', prompt: 'x', images: [base], mask: file('m2.png', mask(600, 512)), process: { function: 'description_edit_with_mask' } }),
      (e: unknown) => e instanceof RequestValidationError && /mask is 600×512 px but the image is 640×512 px/.test(e.message),
    );
    await assert.rejects(
      client().generate({ model: 'wanx2.1-imageedit', prompt: 'x', images: [base], mask: file('m3.png', mask(640, 512, true)), process: { function: 'description_edit_with_mask' } }),
      (e: unknown) => e instanceof RequestValidationError && /mask is all black/.test(e.message),
    );
  });
  test('a JPEG mask is refused: only a PNG mask can be checked for emptiness here', async () => {
    const base = file('street3.png', makePng(640, 512));
    await assert.rejects(
      client().generate({ model: 'wanx2.1-imageedit', prompt: 'x', images: [base], mask: file('m4.jpg', makeJpeg(640, 512)), process: { function: 'description_edit_with_mask' } }),
      (e: unknown) => e instanceof RequestValidationError && /The mask must be a PNG \(this one is JPG\)/.test(e.message),
    );
  });
  test('an image side outside 512–4096 px is refused naming the limit', async () => {
    await assert.rejects(
      client().generate({ model: 'wanx2.1-imageedit', images: [file('small.png', makePng(400, 600))], process: { function: 'colorization' } }),
      (e: unknown) => e instanceof RequestValidationError && /400×600 px; wanx2\.1-imageedit needs width and height each between 512 and 4096 px/.test(e.message),
    );
  });
  test('a Singapore key is told these models are served only in Beijing', async () => {
    await assert.rejects(
      client('singapore').generate({ model: 'wanx2.1-imageedit', images: ['https://example.com/a.png'], process: { function: 'colorization' } }),
      (e: unknown) => e instanceof RequestValidationError && /served only in Beijing/.test(e.message),
    );
  });
});

describe('image-out-painting against the simulator', () => {
  test('16:9: the local file goes through the temporary upload, the result comes from output_image_url', async () => {
    const { sizes, progress } = await run({ model: 'image-out-painting', images: [file('banner.png', makePng(800, 600))], process: { outputRatio: '16:9' } });
    assert.deepEqual(sizes, [[1067, 600]]);
    assert.ok(progress.some((e) => e.type === 'upload'));
    assert.ok(progress.some((e) => e.type === 'request' && e.endpoint === '/services/aigc/image2image/out-painting'));
  });
  test('offsets that reach 3× the image are refused with the numbers', async () => {
    await assert.rejects(
      client().generate({ model: 'image-out-painting', images: [file('b2.png', makePng(800, 600))], process: { topOffset: 1000, bottomOffset: 800 } }),
      (e: unknown) => e instanceof RequestValidationError && /topOffset \+ bottomOffset is 1800 px; it must stay under 3 × the image height \(1800 px/.test(e.message),
    );
  });
});

describe('wanx-background-generation-v2 against the simulator', () => {
  test('a cut-out gets a new background at its own size', async () => {
    const { sizes } = await run({ model: 'wanx-background-generation-v2', prompt: 'a sunny beach', images: [file('product.png', cutout(640, 640))], n: 2, process: { modelVersion: 'v3' } });
    assert.deepEqual(sizes, [[640, 640], [640, 640]]);
  });
  test('the reference image follows the model rule without the transparency requirement (client and simulator alike)', async () => {
    const subject = file('subject.png', cutout(640, 640));
    // An opaque PNG reference within 2048 px is accepted by both.
    const { sizes } = await run({ model: 'wanx-background-generation-v2', images: [subject], process: { refImage: file('ref.png', makePng(800, 600)) } });
    assert.deepEqual(sizes, [[640, 640]]);
    await assert.rejects(
      client().generate({ model: 'wanx-background-generation-v2', images: [subject], process: { refImage: file('ref-big.png', makePng(2100, 600)) } }),
      (e: unknown) => e instanceof RequestValidationError && /2100×600 px/.test(e.message) && /2048/.test(e.message),
    );
    await assert.rejects(
      client().generate({ model: 'wanx-background-generation-v2', images: [subject], process: { refImage: file('ref.jpg', makeJpeg(800, 600)) } }),
      (e: unknown) => e instanceof RequestValidationError && /png/i.test(e.message),
    );
  });
  test('an RGB image, or an RGBA one without a transparent pixel, is refused before sending', async () => {
    await assert.rejects(
      client().generate({ model: 'wanx-background-generation-v2', prompt: 'a beach', images: [file('rgb.png', makePng(640, 640))] }),
      (e: unknown) => e instanceof RequestValidationError && /has no transparency/.test(e.message),
    );
    const opaqueRgba = new PNG({ width: 600, height: 600 });
    opaqueRgba.data.fill(255);
    await assert.rejects(
      client().generate({ model: 'wanx-background-generation-v2', prompt: 'a beach', images: [file('opaque.png', PNG.sync.write(opaqueRgba, { colorType: 6 }))] }),
      (e: unknown) => e instanceof RequestValidationError && /no transparent pixel/.test(e.message),
    );
  });
});
