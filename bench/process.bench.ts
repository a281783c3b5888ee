/**
 * Benchmark (not a test): Upscale Images in Folder — 30 images upscaled ×2 with
 * wanx2.1-imageedit `super_resolution` under its documented limits (image-processing.md §1:
 * 2 submits/s, 2 tasks at once), through the JobManager as a folder command runs them
 * (bench/lib/folder-batch.ts, shared with the translation batch). Each local image goes inline
 * as a data: URI (no upload). The simulator enforces the limits (rate limits on), so a too-early
 * submit is a 429.
 *
 * Measured: wall time from the batch's start to the last upscale saved. Baseline, from the same
 * run: the earliest schedule those limits allow for the task durations the simulator ran (drawn,
 * fixed seed, log-normal around the model's typical 10 s). Target ≤ 1.05×, no throttling error.
 *
 *   npm run bench -- process          (or: node --import tsx bench/process.bench.ts)
 */
import { PNG } from 'pngjs';
import { runFolderBatch } from './lib/folder-batch';

/** A 512×512 photo-like input (the model's smallest side), different per image. */
function photo(i: number): Uint8Array {
  const p = new PNG({ width: 512, height: 512, colorType: 2 });
  for (let j = 0; j < p.data.length; j++) p.data[j] = j % 4 === 3 ? 255 : (j * (17 + i)) % 256;
  return PNG.sync.write(p, { colorType: 2 });
}

runFolderBatch({
  bench: 'process',
  model: 'wanx2.1-imageedit',
  images: Number(process.env.BENCH_PROCESS_IMAGES ?? 30),
  what: 'upscales ×2',
  fixture: photo,
  request: (bytes, name) => ({ model: 'wanx2.1-imageedit', images: [{ kind: 'bytes', bytes, name }], process: { function: 'super_resolution', upscaleFactor: 2 } }),
  outName: (path) => `out/${path.slice(path.lastIndexOf('/') + 1).replace(/\.png$/, '')}.x2`,
  seedOffset: 6000,
}).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
