/**
 * Benchmark (not a test): a folder batch of 30 images translated with qwen-mt-image under its
 * documented limits (§8: 1 submit/s, 2 tasks at once, 1 query/s), through the JobManager as
 * src/commands/translate.ts's folder batch uses it (through runWorkspaceImageJob): every image is
 * a job at once, each job reads its image, uploads it (temporary OSS upload), waits for its
 * submit slot (`submitPacing: 'in-run'`), submits, polls through the account's AccountLimits
 * (retries wait out the account's pause), gives its concurrency slot back when the download
 * starts and saves the translation. The simulator enforces those limits
 * (rate limits on), so a too-early submit or query is a 429.
 *
 * Measured: wall time from the batch's start to the last translation saved. Baseline, from the
 * same run: the bound the limits impose on these tasks — the earliest schedule that keeps
 * submits 1 s apart and never more than 2 tasks PENDING/RUNNING, with each task lasting what it
 * lasted on the simulator (its end minus its submit, in submission order). Task durations are
 * drawn (fixed seed) log-normal around qwen-mt-image's typical 7 s, σ as in the client's
 * schedule, and given to the simulator per submit (`timing.taskDurationMs`). Target ≤ 1.05×,
 * and no job failed with a throttling error (429s the client absorbed are counted and printed).
 *
 *   npm run bench -- batch          (or: node --import tsx bench/batch.bench.ts)
 */
import { PNG } from 'pngjs';
import { runFolderBatch } from './lib/folder-batch';

/** A non-flat "sign" per image (a flat image means "no text" to qwen-mt-image). */
function sign(i: number): Uint8Array {
  const p = new PNG({ width: 320, height: 240, colorType: 2 });
  for (let j = 0; j < p.data.length; j++) p.data[j] = j % 4 === 3 ? 255 : (j * (31 + i)) % 256;
  return PNG.sync.write(p, { colorType: 2 });
}

runFolderBatch({
  bench: 'batch',
  model: 'qwen-mt-image',
  images: Number(process.env.BENCH_BATCH_IMAGES ?? 30),
  what: 'translations',
  fixture: sign,
  request: (bytes, name) => ({ model: 'qwen-mt-image', images: [{ kind: 'bytes', bytes, name }], translation: { sourceLang: 'zh', targetLang: 'en' } }),
  outName: (path) => `out/${path.slice(path.lastIndexOf('/') + 1).replace(/\.png$/, '')}.en`,
  seedOffset: 5000,
}).catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
