/**
 * A folder batch through the JobManager against the simulator with its rate limits on, measured
 * against the bound the model's documented limits set (bench/batch.bench.ts for qwen-mt-image
 * translations, bench/process.bench.ts for wanx2.1-imageedit upscales). See docs/benchmarks.md.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DashScopeClient, LearnedDurations, getModel, type GenerationRequest } from '../../src/dashscope/index';
import { DURATION_SIGMA } from '../../src/dashscope/tasks';
import { systemClock, type RetryEvent } from '../../src/dashscope/transport';
import { JobManager } from '../../src/jobs/manager';
import { saveAtomically } from '../../src/pipeline/files';
import { runImageJob, type ImageSaver } from '../../src/pipeline/images';
import { nodeFileSystem } from '../../src/pipeline/nodeFs';
import { SEED, figure, fmt, header, normal, seededRandom } from './figures';
import { startSimProcess } from './sim-process';

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

/** One folder batch to measure: the model, its input images and the request each becomes. */
export interface FolderBatch {
  /** The bench's name (figures.ts `header`, `figure`). */
  bench: string;
  model: string;
  images: number;
  /** What the jobs do, for the figure's name (`translations`, `upscales`). */
  what: string;
  /** The bytes of input image `i` (0-based). */
  fixture: (i: number) => Uint8Array;
  /** The request a job sends for an image read from disk. */
  request: (bytes: Uint8Array, name: string) => GenerationRequest;
  /** The saved result's stem for an input path. */
  outName: (path: string) => string;
  /** Seed offset of the drawn task durations. */
  seedOffset: number;
}

/**
 * Runs `batch.images` jobs through the JobManager as a folder command does (every image a job at
 * once, submits paced in-run, the slot given back when the download starts), against the
 * simulator with rate limits on, and prints the wall time against the bound the model's limits
 * set on the task durations the simulator actually ran.
 */
export async function runFolderBatch(batch: FolderBatch): Promise<void> {
  const MODEL = batch.model;
  const IMAGES = batch.images;
  const spec = getModel(MODEL);
  const limits = spec.rateLimits;
  header(batch.bench, `${IMAGES} images through the JobManager with ${MODEL} (${limits.requestsPerSecond} submit/s, ${limits.concurrent} at once, ${limits.queryPerSecond} query/s), vs the bound those limits impose`);
  const sim = await startSimProcess({ scale: 1, rateLimits: true });
  const dir = await mkdtemp(join(tmpdir(), `bailian-bench-${batch.bench}-`));
  try {
    const rand = seededRandom(SEED + batch.seedOffset);
    const drawn = Array.from({ length: IMAGES }, () => Math.round(spec.typicalDurationMs * Math.exp(DURATION_SIGMA * normal(rand))));
    for (const ms of drawn) await sim.setNextDuration(MODEL, ms);
    // The batch's folder: the images on disk, read by each job as it runs (as the command reads them).
    const inputs: string[] = [];
    const fs = nodeFileSystem(dir);
    for (let i = 0; i < IMAGES; i++) inputs.push(join(dir, await saveAtomically(fs, { stem: `in/image-${String(i + 1).padStart(2, '0')}`, ext: 'png', bytes: batch.fixture(i) })));

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
            const request = batch.request(new Uint8Array(await readFile(path)), path.slice(path.lastIndexOf('/') + 1));
            return runImageJob(request, {
              client,
              saver,
              beforeSubmit: () => ctx.beforeSubmit(),
              signal: ctx.signal,
              name: () => batch.outName(path),
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
      bench: batch.bench,
      name: `batch of ${IMAGES} ${batch.what}: wall time (${failed.length} failed, ${throttled.length} 429s retried)`,
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

