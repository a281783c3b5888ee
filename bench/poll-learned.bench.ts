/**
 * Benchmark (not a test): the poll schedule before and after it learned a model's durations.
 * The real service's durations move with load and time of day, far beyond the catalog's spread
 * (σ 0.4 around the typical duration). Here tasks end at 0.3×, 0.5×, 1×, 2× and 3× the typical
 * duration, each point ± a quarter second (a uniform draw, so the grid of 2/s polls meets each
 * end at a random phase, as it would meet real tasks).
 *
 * Before: clients with no history (the catalog's typical duration only). Learning: a few rounds of
 * tasks at those points run through one store, as an account's history builds up. After: each
 * task gets a copy of that store (so measured tasks do not learn from each other). Lags as in
 * poll.bench.ts: from the task's end on the simulator to its result saved, unscaled.
 *
 *   npm run bench -- poll-learned          (or: node --import tsx bench/poll-learned.bench.ts)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DashScopeClient, LearnedDurations, getModel, type DurationStore } from '../src/dashscope/index';
import { SEED, figure, fmt, header, mean, pool, quantile, seededRandom, table } from './lib/figures';
import { lagOf, recordingAgent, submitter, type LagSample } from './lib/poll-lag';
import { scaledClock } from './lib/scaled-clock';
import { startSimProcess, type SimProcess } from './lib/sim-process';

const MODELS = ['wan2.2-t2i-flash', 'wan2.5-t2i-preview'] as const;
type Model = (typeof MODELS)[number];
const POINTS = [0.3, 0.5, 1, 2, 3] as const;
const PHASES = ['before', 'after'] as const;
type Phase = (typeof PHASES)[number];
/** Measured tasks per model, point and phase. */
const PER_POINT = Number(process.env.BENCH_POLL_POINT_TASKS ?? 20);
/** Rounds of the five points the account runs before the "after" phase. */
const LEARN_ROUNDS = 4;
const JITTER_MS = 250;
const SCALE = 0.25;
const IN_FLIGHT = 10;

interface Sample extends LagSample {
  model: Model;
  point: number;
  phase: Phase;
}

/** One task, alone on its client (so only the schedule decides), with `durations` as the client's store. */
async function runTask(sim: SimProcess, submit: ReturnType<typeof submitter>, dir: string, model: Model, durationMs: number, durations: DurationStore): Promise<LagSample> {
  const sentAt: number[] = [];
  const dispatcher = recordingAgent(sentAt);
  const client = new DashScopeClient({ apiKey: sim.key, baseUrl: sim.url, region: 'beijing', clock: scaledClock(SCALE), dispatcher, poll: { durations } });
  try {
    const task = await submit(client, model, durationMs);
    const url = (await client.waitForTask(task.taskId, model, { submittedAt: task.submittedAt })).images[0]?.url;
    if (!url) throw new Error(`task ${task.taskId} has no result URL`);
    await client.download(url, { dir });
    return { taskId: task.taskId, savedAt: Date.now(), sentAt };
  } finally {
    await client.close();
    await dispatcher.close();
  }
}

async function main(): Promise<void> {
  header('poll-learned', 'completion lag for tasks far from the typical duration, before and after the schedule learned the model');
  console.log(`  ${PER_POINT} tasks per model, point and phase (±${JITTER_MS} ms); learning: ${LEARN_ROUNDS} rounds of the ${POINTS.length} points; time scale ${SCALE} (lags unscaled)`);
  const started = Date.now();
  const rand = seededRandom(SEED + 7000);
  const durationAt = (model: Model, point: number) => Math.round(point * getModel(model).typicalDurationMs + (2 * rand() - 1) * JITTER_MS);
  const sim = await startSimProcess({ scale: SCALE });
  const dir = await mkdtemp(join(tmpdir(), 'bailian-bench-learned-'));
  try {
    const submit = submitter(sim);
    // The account's history: one store per model, fed by every task of the learning rounds.
    const learned = new Map<Model, LearnedDurations>(MODELS.map((m) => [m, new LearnedDurations()]));
    const learning = MODELS.flatMap((model) => Array.from({ length: LEARN_ROUNDS }, () => POINTS.map((p) => () => runTask(sim, submit, dir, model, durationAt(model, p), learned.get(model)!))).flat());
    await pool(learning, IN_FLIGHT);
    for (const model of MODELS) console.log(`  learned for ${model}: ${learned.get(model)!.samples(model).length} durations, ${fmt(Math.min(...learned.get(model)!.samples(model)) / 1000)}–${fmt(Math.max(...learned.get(model)!.samples(model)) / 1000)} s`);

    const jobs: (() => Promise<Sample>)[] = [];
    for (const model of MODELS) {
      for (const point of POINTS) {
        for (let i = 0; i < PER_POINT; i++) {
          for (const phase of PHASES) {
            const d = durationAt(model, point);
            // A fresh store per task either way: empty before, a copy of the history after.
            const store = () => new LearnedDurations(phase === 'after' ? learned.get(model)!.snapshot() : undefined);
            jobs.push(async () => ({ model, point, phase, ...(await runTask(sim, submit, dir, model, d, store())) }));
          }
        }
      }
    }
    const shuffle = seededRandom(SEED);
    for (let i = jobs.length - 1; i > 0; i--) {
      const j = Math.floor(shuffle() * (i + 1));
      [jobs[i], jobs[j]] = [jobs[j]!, jobs[i]!];
    }
    const samples = await pool(jobs, IN_FLIGHT);
    const reports = await sim.report(samples.map((s) => s.taskId));
    console.log(`  (run: ${((Date.now() - started) / 1000).toFixed(0)} s real)`);

    const stat = (model: Model, point: number, phase: Phase) => {
      const rows = samples.filter((s) => s.model === model && s.point === point && s.phase === phase).map((s) => lagOf(s, reports[s.taskId]!, SCALE));
      return {
        median: quantile(rows.map((r) => r.lagS), 0.5),
        p90: quantile(rows.map((r) => r.lagS), 0.9),
        queries: mean(rows.map((r) => r.queries)),
        maxPerSecond: Math.max(...rows.map((r) => r.maxPerSecond)),
      };
    };
    const t: string[][] = [['model', 'ends at', 'median lag before → after', 'p90 lag before → after', 'queries/task before → after', 'max queries/s/task after']];
    for (const model of MODELS) {
      for (const point of POINTS) {
        const b = stat(model, point, 'before');
        const a = stat(model, point, 'after');
        t.push([model, `${point}× (${fmt((point * getModel(model).typicalDurationMs) / 1000)} s)`, `${fmt(b.median)} → ${fmt(a.median)} s`, `${fmt(b.p90)} → ${fmt(a.p90)} s`, `${fmt(b.queries, 1)} → ${fmt(a.queries, 1)}`, String(a.maxPerSecond)]);
      }
    }
    table(t);
    for (const model of MODELS) {
      for (const point of POINTS) {
        const b = stat(model, point, 'before');
        const a = stat(model, point, 'after');
        const target = point === 1 ? 0.25 : 0.35;
        figure({
          bench: 'poll-learned',
          name: `${model} ends at ${point}× typical: median lag after learning`,
          unit: 's',
          measured: a.median,
          baselines: [{ label: 'before learning', value: b.median }],
          target: `≤ ${target} s`,
          met: a.median <= target,
          note: `p90 ${fmt(a.p90)} s (before ${fmt(b.p90)} s); queries/task ${fmt(a.queries, 1)} (before ${fmt(b.queries, 1)})`,
        });
      }
      const worst = Math.max(...POINTS.flatMap((p) => PHASES.map((ph) => stat(model, p, ph).maxPerSecond)));
      figure({ bench: 'poll-learned', name: `${model} max queries/s of one task (before and after learning)`, unit: '/s', measured: worst, baselines: [{ label: 'per-task limit', value: 2 }], target: '≤ 2/s', met: worst <= 2 });
    }
  } finally {
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
