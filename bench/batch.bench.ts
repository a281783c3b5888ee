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
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { DashScopeClient, LearnedDurations, getModel, type GenerationRequest } from '../src/dashscope/index';
import { DURATION_SIGMA } from '../src/dashscope/tasks';
import { systemClock, type RetryEvent } from '../src/dashscope/transport';
import { JobManager } from '../src/jobs/manager';
import { saveAtomically } from '../src/pipeline/files';
import { runImageJob, type ImageSaver } from '../src/pipeline/images';
import { nodeFileSystem } from '../src/pipeline/nodeFs';
import { SEED, figure, fmt, header, normal, seededRandom } from './lib/figures';
import { startSimProcess } from './lib/sim-process';

const MODEL = 'qwen-mt-image';
const IMAGES = Number(process.env.BENCH_BATCH_IMAGES ?? 30);

/** The earliest end of tasks of these durations (in order) with submits `gapMs` apart and at most `concurrent` at once. */
export function boundMs(durations: readonly number[], gapMs: number, concurrent: number): number {
  const ends: number[] = [];
  let lastSubmit = -Infinity;
  for (const [i, d] of durations.entries()) {
    // A slot is free once fewer than `concurrent` tasks are still running: at the concurrent-th latest end so far.
    const running = ends.slice(0, i).sort((a, b) => b - a).slice(0, concurrent);
    const slotFree = running.length < concurrent ? 0 : Math.min(...running);
    const submit = Math.max(lastSubmit + gapMs, slotFree, 0);
    lastSubmit = submit;
    ends.push(submit + d);
  }
  return Math.max(...ends);
}

/** A non-flat "sign" per image (a flat image means "no text" to qwen-mt-image). */
function sign(i: number): Uint8Array {
  const p = new PNG({ width: 320, height: 240, colorType: 2 });
  for (let j = 0; j < p.data.length; j++) p.data[j] = j % 4 === 3 ? 255 : (j * (31 + i)) % 256;
  return PNG.sync.write(p, { colorType: 2 });
}

async function main(): Promise<void> {
  const spec = getModel(MODEL);
  const limits = spec.rateLimits;
  header('batch', `${IMAGES} images through the JobManager with ${MODEL} (${limits.requestsPerSecond} submit/s, ${limits.concurrent} at once, ${limits.queryPerSecond} query/s), vs the bound those limits impose`);
  const sim = await startSimProcess({ scale: 1, rateLimits: true });
  const dir = await mkdtemp(join(tmpdir(), 'bailian-bench-batch-'));
  try {
    const rand = seededRandom(SEED + 5000);
    const drawn = Array.from({ length: IMAGES }, () => Math.round(spec.typicalDurationMs * Math.exp(DURATION_SIGMA * normal(rand))));
    for (const ms of drawn) await sim.setNextDuration(MODEL, ms);
    // The batch's folder: the images on disk, read by each job as it runs (as the command reads them).
    const inputs: string[] = [];
    const fs = nodeFileSystem(dir);
    for (let i = 0; i < IMAGES; i++) inputs.push(join(dir, await saveAtomically(fs, { stem: `in/sign-${String(i + 1).padStart(2, '0')}`, ext: 'png', bytes: sign(i) })));

    const jobs = new JobManager({ clock: systemClock });
    const retries: RetryEvent[] = [];
    // As DashScopeClientProvider builds it: the manager's limits pace the queries and hear every
    // retry, and the schedule learns durations (from none: a fresh install) as the batch runs.
    const client = new DashScopeClient({
      apiKey: sim.key,
      baseUrl: sim.url,
      limiter: jobs.limits,
      poll: { durations: new LearnedDurations() },
      onRetry: (event) => {
        retries.push(event);
        jobs.limits.observeRetry(event);
      },
      retryFloorMs: () => jobs.limits.pausedForMs(),
    });
    const saver: ImageSaver<{ name: string }> = { save: async (file) => ({ name: await saveAtomically(fs, file) }) };
    const taskIds: string[] = [];
    const started = Date.now();
    const outcomes = await Promise.allSettled(
      inputs.map((path) =>
        jobs.enqueue({
          label: `${MODEL}: ${path}`,
          model: MODEL,
          source: 'batch',
          // As runWorkspaceImageJob: paced right before the submit, after the temporary upload.
          submitPacing: 'in-run',
          run: async (ctx) => {
            const request: GenerationRequest = { model: MODEL, images: [{ kind: 'bytes', bytes: new Uint8Array(await readFile(path)), name: path.slice(path.lastIndexOf('/') + 1) }], translation: { sourceLang: 'zh', targetLang: 'en' } };
            return runImageJob(request, {
              client,
              saver,
              beforeSubmit: () => ctx.beforeSubmit(),
              signal: ctx.signal,
              name: () => `out/${path.slice(path.lastIndexOf('/') + 1).replace(/\.png$/, '')}.en`,
              onSubmitted: (task) => taskIds.push(task.taskId),
              onProgress: (event) => {
                if (event.kind === 'download' && event.done === 0) ctx.releaseSlot();
              },
            });
          },
        }).result,
      ),
    );
    const wall = Date.now() - started;
    await client.close();
    jobs.dispose();

    const failed = outcomes.filter((o) => o.status === 'rejected');
    const report = await sim.report(taskIds);
    const tasks = Object.values(report).sort((a, b) => a.submitMs - b.submitMs);
    const durations = tasks.map((t) => (t.endMs ?? t.submitMs) - t.submitMs);
    const gap = 1000 / (limits.requestsPerSecond ?? 1);
    const bound = boundMs(durations, gap, limits.concurrent ?? 1);
    const throttled = retries.filter((r) => r.error.httpStatus === 429);
    const submitGaps = tasks.slice(1).map((t, i) => t.submitMs - tasks[i]!.submitMs);
    const firstSubmit = tasks[0] ? tasks[0].submitMs - started : NaN;
    const lastEnd = Math.max(...tasks.map((t) => t.endMs ?? 0)) - started;
    console.log(`  ${tasks.length} tasks, durations ${fmt(Math.min(...durations) / 1000)}–${fmt(Math.max(...durations) / 1000)} s (sum ${fmt(durations.reduce((a, b) => a + b, 0) / 1000)} s); first submit after ${fmt(firstSubmit)} ms, last task end at ${fmt(lastEnd / 1000)} s, last file saved at ${fmt(wall / 1000)} s`);
    console.log(`  submit gaps: min ${fmt(Math.min(...submitGaps))} ms; 429s absorbed by retries: ${throttled.length} (${[...new Set(throttled.map((r) => r.target))].join(', ') || 'none'}); jobs failed: ${failed.length}${failed.length ? ` (${failed.map((f) => String((f as PromiseRejectedResult).reason)).slice(0, 3).join('; ')})` : ''}`);
    // Where the time above the bound goes: each submit after the earliest moment the limits allowed it
    // (the slot freed by the task `concurrent` places earlier, or 1 s after the previous submit).
    const c = limits.concurrent ?? 1;
    const late = tasks.map((t, i) => {
      const ends = tasks.slice(0, i).map((p) => p.endMs ?? p.submitMs).sort((a, b) => b - a);
      const slotFree = ends.length < c ? started : ends[c - 1]!;
      const allowed = Math.max(slotFree, i > 0 ? tasks[i - 1]!.submitMs + gap : started);
      return t.submitMs - allowed;
    });
    const saveLag = wall - lastEnd;
    console.log(`  each submit after the limits allowed it: mean ${fmt(late.reduce((a, b) => a + b, 0) / late.length)} ms, max ${fmt(Math.max(...late))} ms (the task end seen by a poll, the slot handed over, the next image read and uploaded); last end → last file saved ${fmt(saveLag)} ms`);
    figure({
      bench: 'batch',
      name: `batch of ${IMAGES} translations: wall time (${failed.length} failed, ${throttled.length} 429s retried)`,
      unit: 's',
      measured: wall / 1000,
      baselines: [{ label: `bound of ${limits.requestsPerSecond}/s, ${limits.concurrent} at once on these durations`, value: bound / 1000 }],
      target: '≤ 1.05×, no throttling error',
      met: wall <= 1.05 * bound && failed.length === 0,
    });
  } finally {
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
