/**
 * Benchmark (not a test): the inpainting mask on a 4096×4096 image (src/pipeline/mask.ts).
 *
 * - Stroke segments: 2,000 random segments (seeded) with brush diameters of 1–25 % of the width,
 *   each drawn with `drawSegment`; the figure is the 99th percentile per segment, against one
 *   `Uint8Array.fill` of the segment's bounding box (the least any span-per-row brush could
 *   write), measured segment by segment in the same loop. Target: within one frame, ≤ 16 ms.
 * - Encoding: a mask of 40 such strokes encoded as a greyscale PNG (`encodeMaskPng`), median of 7,
 *   against `deflateSync` of the same raw bytes alone at the same level (the PNG's own floor) and
 *   pngjs's RGBA encoder on the same pixels (what a general PNG library costs). Target ≤ 300 ms.
 *
 *   npm run bench -- mask
 */
import { deflateSync } from 'node:zlib';
import { PNG } from 'pngjs';
import { blankMask, drawSegment, encodeMaskPng, rasterizeMask, type MaskStroke } from '../src/pipeline/mask';
import { SEED, figure, fmt, header, quantile, seededRandom } from './lib/figures';

const SIDE = 4096;
const SEGMENTS = 2000;
const ENCODES = 7;

function main(): void {
  header('mask', `inpainting mask on a ${SIDE}×${SIDE} image: stroke segments and PNG encoding`);
  const random = seededRandom(SEED);
  const mask = blankMask(SIDE, SIDE);
  const box = new Uint8Array(SIDE * SIDE);
  const drawn: number[] = [];
  const filled: number[] = [];
  // Warm up both paths.
  for (let i = 0; i < 50; i++) {
    drawSegment(mask, [random(), random()], [random(), random()], 0.05, false);
    box.fill(255, 0, SIDE * 64);
  }
  for (let i = 0; i < SEGMENTS; i++) {
    const from: [number, number] = [random(), random()];
    // A pointer move between two frames: up to a fifth of the image.
    const to: [number, number] = [Math.min(1, Math.max(0, from[0] + (random() - 0.5) * 0.4)), Math.min(1, Math.max(0, from[1] + (random() - 0.5) * 0.4))];
    const size = 0.01 + random() * 0.24;
    const erase = random() < 0.2;
    let t = process.hrtime.bigint();
    drawSegment(mask, from, to, size, erase);
    drawn.push(Number(process.hrtime.bigint() - t) / 1e6);
    // The baseline: one fill over the rows the segment spans, as wide as its bounding box.
    const r = (size * SIDE) / 2;
    const rows = Math.min(SIDE, Math.ceil(Math.abs(to[1] - from[1]) * SIDE + 2 * r));
    const cols = Math.min(SIDE, Math.ceil(Math.abs(to[0] - from[0]) * SIDE + 2 * r));
    t = process.hrtime.bigint();
    for (let y = 0; y < rows; y++) box.fill(erase ? 0 : 255, y * SIDE, y * SIDE + cols);
    filled.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const p99 = quantile(drawn, 0.99);
  console.log(`  segments: median ${fmt(quantile(drawn, 0.5))} ms, p99 ${fmt(p99)} ms, max ${fmt(Math.max(...drawn))} ms`);
  figure({
    bench: 'mask',
    name: `stroke segment on ${SIDE}×${SIDE}, p99 of ${SEGMENTS}`,
    unit: 'ms',
    measured: p99,
    baselines: [{ label: 'bounding-box fill, p99', value: quantile(filled, 0.99) }],
    target: '≤ 16 ms',
    met: p99 <= 16,
  });

  const strokes: MaskStroke[] = Array.from({ length: 40 }, () => ({
    points: Array.from({ length: 12 }, () => [random(), random()] as [number, number]),
    size: 0.01 + random() * 0.1,
    erase: random() < 0.2,
  }));
  const raster = rasterizeMask({ strokes, invert: false }, SIDE, SIDE);
  const raw = new Uint8Array((SIDE + 1) * SIDE);
  for (let y = 0; y < SIDE; y++) raw.set(raster.pixels.subarray(y * SIDE, (y + 1) * SIDE), y * (SIDE + 1) + 1);
  const rgba = new PNG({ width: SIDE, height: SIDE });
  for (let i = 0; i < raster.pixels.length; i++) {
    const v = raster.pixels[i]!;
    rgba.data[i * 4] = v;
    rgba.data[i * 4 + 1] = v;
    rgba.data[i * 4 + 2] = v;
    rgba.data[i * 4 + 3] = 255;
  }
  const encodes: number[] = [];
  const deflates: number[] = [];
  const pngjs: number[] = [];
  let bytes = 0;
  for (let i = 0; i < ENCODES; i++) {
    let t = process.hrtime.bigint();
    bytes = encodeMaskPng(raster).length;
    encodes.push(Number(process.hrtime.bigint() - t) / 1e6);
    t = process.hrtime.bigint();
    deflateSync(raw, { level: 1 });
    deflates.push(Number(process.hrtime.bigint() - t) / 1e6);
    t = process.hrtime.bigint();
    PNG.sync.write(rgba, { deflateLevel: 1 });
    pngjs.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const encode = quantile(encodes, 0.5);
  console.log(`  mask PNG: ${fmt(bytes / 1024)} KB`);
  figure({
    bench: 'mask',
    name: `mask PNG encode ${SIDE}×${SIDE}, median of ${ENCODES}`,
    unit: 'ms',
    measured: encode,
    baselines: [
      { label: 'deflate of the raw rows alone', value: quantile(deflates, 0.5) },
      { label: 'pngjs RGBA encode', value: quantile(pngjs, 0.5) },
    ],
    target: '≤ 300 ms',
    met: encode <= 300,
  });
}

main();
