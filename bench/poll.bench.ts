/**
 * Benchmark (not a test): async completion lag — from a task's end on the simulator to its result
 * saved in a temp folder — and the queries it took, for the client's schedule against two
 * baselines run on the same tasks: the official SDKs' 1, 1, 2, 2, 2, 4, 4, 4, 5, 5 … s schedule
 * (§6, `sdkPollDelay`) and a fixed 10 s poll (the docs' advice).
 *
 * Task durations are drawn (fixed seed) from a log-normal around each model's typical duration,
 * σ = 0.4, and given to the simulator per task. Time runs at LAG_SCALE: the client gets a scaled
 * clock, so its schedule works in unscaled ms; lags are reported unscaled: the wait from the
 * task's end to the send of the query that saw it, divided by the scale, plus the real time from
 * there to the file saved (the query's round trip, download, write are not scaled).
 *
 * Then the limits: ≤ 2 queries/s per task, and 10 tasks at once on one account (one client)
 * within the account's query budget (20/s; qwen-mt-image 1/s), counted on the simulator side.
 *
 *   npm run bench -- poll          (or: node --import tsx bench/poll.bench.ts)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DashScopeClient, getModel, sdkPollDelay } from '../src/dashscope/index';
import { DURATION_SIGMA } from '../src/dashscope/tasks';
import type { Clock } from '../src/dashscope/transport';
import { SEED, figure, fmt, header, maxInWindow, mean, normal, pool, quantile, seededRandom, table } from './lib/figures';
import { lagOf, recordingAgent, submitter, type LagRow, type LagSample } from './lib/poll-lag';
import { scaledClock } from './lib/scaled-clock';
import { startSimProcess, type TaskReport } from './lib/sim-process';

const MODELS = ['wan2.2-t2i-flash', 'wan2.5-t2i-preview', 'qwen-mt-image'] as const;
type Model = (typeof MODELS)[number];
const SCHEDULES = ['ours', 'sdk', 'fixed10'] as const;
type Schedule = (typeof SCHEDULES)[number];
const LABEL: Record<Schedule, string> = { ours: 'ours', sdk: 'SDK 1,1,2,2,2,4,4,4,5 s', fixed10: 'fixed 10 s' };
const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELED', 'UNKNOWN']);

/** Tasks per model and schedule (the same drawn durations for each schedule). */
const TASKS = Number(process.env.BENCH_POLL_TASKS ?? 50);
/** Real time per unscaled ms in the lag run; small enough to keep it short, large enough that ms jitter stays small. */
const LAG_SCALE = 0.25;
/** The budget run: 10 tasks at once per account, at this scale. */
const BUDGET_SCALE = 0.5;
const BUDGET_TASKS = 10;
const IN_FLIGHT = 10;

const TARGETS: Record<Model, { median: number; p90?: number }> = {
  'wan2.2-t2i-flash': { median: 0.25, p90: 0.5 },
  'wan2.5-t2i-preview': { median: 0.25, p90: 0.5 },
  'qwen-mt-image': { median: 0.6 },
};

/** Durations per model, unscaled ms: typical × e^(σ·z). */
function drawDurations(count: number): Record<Model, number[]> {
  const out = {} as Record<Model, number[]>;
  MODELS.forEach((model, i) => {
    const rand = seededRandom(SEED + 1000 * (i + 1));
    const T = getModel(model).typicalDurationMs;
    out[model] = Array.from({ length: count }, () => Math.round(T * Math.exp(DURATION_SIGMA * normal(rand))));
  });
  return out;
}

/** Waits like an SDK: query at once, then sleep `delay(i)` between queries, until terminal. */
async function baselineWait(client: DashScopeClient, clock: Clock, taskId: string, model: Model, delay: (i: number) => number): Promise<string | undefined> {
  for (let i = 0; ; i++) {
    const { snapshot, result } = await client.getTaskResult(taskId, model);
    if (TERMINAL.has(snapshot.status)) return result?.images[0]?.url;
    await clock.sleep(delay(i));
  }
}

const DELAYS: Record<Exclude<Schedule, 'ours'>, (i: number) => number> = { sdk: sdkPollDelay, fixed10: () => 10_000 };

interface ScheduleSample extends LagSample {
  model: Model;
  schedule: Schedule;
  durationMs: number;
}

async function lagRun(dir: string): Promise<{ samples: ScheduleSample[]; reports: Record<string, TaskReport> }> {
  const sim = await startSimProcess({ scale: LAG_SCALE });
  try {
    const submit = submitter(sim);
    const durations = drawDurations(TASKS);
    const jobs: (() => Promise<ScheduleSample>)[] = [];
    for (const model of MODELS) {
      durations[model].forEach((durationMs) => {
        for (const schedule of SCHEDULES) {
          jobs.push(async () => {
            // One client per task: each task is alone on its account, so only the schedule decides.
            const clock = scaledClock(LAG_SCALE);
            const sentAt: number[] = [];
            const dispatcher = recordingAgent(sentAt);
            const client = new DashScopeClient({ apiKey: sim.key, baseUrl: sim.url, region: 'beijing', clock, dispatcher });
            try {
              const task = await submit(client, model, durationMs);
              let url: string | undefined;
              if (schedule === 'ours') url = (await client.waitForTask(task.taskId, model, { submittedAt: task.submittedAt })).images[0]?.url;
              else url = await baselineWait(client, clock, task.taskId, model, DELAYS[schedule]);
              if (!url) throw new Error(`task ${task.taskId} has no result URL`);
              await client.download(url, { dir });
              return { model, schedule, durationMs, taskId: task.taskId, savedAt: Date.now(), sentAt };
            } finally {
              await client.close();
              await dispatcher.close();
            }
          });
        }
      });
    }
    // Interleave models and schedules so that load affects them alike.
    const rand = seededRandom(SEED);
    for (let i = jobs.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [jobs[i], jobs[j]] = [jobs[j]!, jobs[i]!];
    }
    const samples = await pool(jobs, IN_FLIGHT);
    return { samples, reports: await sim.report(samples.map((s) => s.taskId)) };
  } finally {
    await sim.stop();
  }
}

async function budgetRun(): Promise<Record<Model, Record<'ours' | 'sdk', { accountMax: number; taskMax: number; queries: number }>>> {
  // One account per model and schedule, so each count is one account's traffic.
  const keys = MODELS.flatMap((m) => [`sk-sim-bench-ours-${m}`, `sk-sim-bench-sdk-${m}`]);
  const sim = await startSimProcess({ scale: BUDGET_SCALE, keys });
  try {
    const submit = submitter(sim);
    const durations = drawDurations(BUDGET_TASKS);
    const out = {} as Record<Model, Record<'ours' | 'sdk', { accountMax: number; taskMax: number; queries: number }>>;
    await Promise.all(
      MODELS.flatMap((model) =>
        (['ours', 'sdk'] as const).map(async (schedule) => {
          const clock = scaledClock(BUDGET_SCALE);
          // One client for the 10 tasks: its limiter is what keeps the account within budget.
          const client = new DashScopeClient({ apiKey: `sk-sim-bench-${schedule}-${model}`, baseUrl: sim.url, region: 'beijing', clock });
          try {
            const tasks = [];
            for (const d of durations[model]) tasks.push(await submit(client, model, d));
            await Promise.all(
              tasks.map((t) =>
                schedule === 'ours' ? client.waitForTask(t.taskId, model, { submittedAt: t.submittedAt }) : baselineWait(client, clock, t.taskId, model, sdkPollDelay),
              ),
            );
            const reports = Object.values(await sim.report(tasks.map((t) => t.taskId)));
            const all = reports.flatMap((r) => r.queries).map((t) => t / BUDGET_SCALE);
            const taskMax = Math.max(...reports.map((r) => maxInWindow(r.queries.map((t) => t / BUDGET_SCALE), 1000)));
            (out[model] ??= {} as (typeof out)[Model])[schedule] = { accountMax: maxInWindow(all, 1000), taskMax, queries: all.length / tasks.length };
          } finally {
            await client.close();
          }
        }),
      ),
    );
    return out;
  } finally {
    await sim.stop();
  }
}

async function main(): Promise<void> {
  header('poll', 'async completion lag (task end → result saved) and query limits');
  console.log(`  ${TASKS} tasks per model and schedule, durations log-normal σ ${DURATION_SIGMA} around the typical one; time scale ${LAG_SCALE} (lags unscaled)`);
  const started = Date.now();
  const dir = await mkdtemp(join(tmpdir(), 'bailian-bench-'));
  let lag: Awaited<ReturnType<typeof lagRun>>;
  try {
    lag = await lagRun(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const rows = new Map<string, LagRow[]>();
  for (const s of lag.samples) {
    const key = `${s.model}|${s.schedule}`;
    rows.set(key, [...(rows.get(key) ?? []), lagOf(s, lag.reports[s.taskId]!, LAG_SCALE)]);
  }
  const stat = (model: Model, schedule: Schedule) => {
    const r = rows.get(`${model}|${schedule}`) ?? [];
    return {
      median: quantile(r.map((x) => x.lagS), 0.5),
      p90: quantile(r.map((x) => x.lagS), 0.9),
      real: quantile(r.map((x) => x.realS), 0.5),
      queries: mean(r.map((x) => x.queries)),
      maxPerSecond: Math.max(...r.map((x) => x.maxPerSecond)),
    };
  };
  const t: string[][] = [['model', 'typical', 'schedule', 'median lag', 'p90 lag', 'queries/task', 'max queries/s/task', 'of the lag: real time (median)']];
  for (const model of MODELS) {
    for (const schedule of SCHEDULES) {
      const s = stat(model, schedule);
      t.push([model, `${getModel(model).typicalDurationMs / 1000} s`, LABEL[schedule], `${fmt(s.median)} s`, `${fmt(s.p90)} s`, fmt(s.queries, 1), String(s.maxPerSecond), `${fmt(s.real)} s`]);
    }
  }
  table(t);
  console.log(`  (lag run: ${((Date.now() - started) / 1000).toFixed(0)} s real)`);

  for (const model of MODELS) {
    const ours = stat(model, 'ours');
    const sdk = stat(model, 'sdk');
    const fixed = stat(model, 'fixed10');
    const base = (k: 'median' | 'p90' | 'queries') => [
      { label: LABEL.sdk, value: sdk[k] },
      { label: LABEL.fixed10, value: fixed[k] },
    ];
    const target = TARGETS[model];
    figure({ bench: 'poll', name: `${model} median lag`, unit: 's', measured: ours.median, baselines: base('median'), target: `≤ ${target.median} s`, met: ours.median <= target.median });
    figure({
      bench: 'poll',
      name: `${model} p90 lag`,
      unit: 's',
      measured: ours.p90,
      baselines: base('p90'),
      ...(target.p90 !== undefined ? { target: `≤ ${target.p90} s`, met: ours.p90 <= target.p90 } : {}),
    });
    figure({ bench: 'poll', name: `${model} queries per task`, unit: 'queries', measured: ours.queries, baselines: base('queries') });
    figure({
      bench: 'poll',
      name: `${model} max queries/s of one task`,
      unit: '/s',
      measured: ours.maxPerSecond,
      baselines: [{ label: LABEL.sdk, value: sdk.maxPerSecond }],
      target: '≤ 2/s',
      met: ours.maxPerSecond <= 2,
    });
  }

  const budgetStarted = Date.now();
  const budget = await budgetRun();
  console.log(`  budget run: ${BUDGET_TASKS} tasks at once on one account, time scale ${BUDGET_SCALE} (${((Date.now() - budgetStarted) / 1000).toFixed(0)} s real)`);
  for (const model of MODELS) {
    const limit = getModel(model).rateLimits.queryPerSecond;
    const b = budget[model];
    figure({
      bench: 'poll',
      name: `${model} ${BUDGET_TASKS} tasks: max account queries/s`,
      unit: '/s',
      measured: b.ours.accountMax,
      baselines: [{ label: LABEL.sdk, value: b.sdk.accountMax }],
      target: `≤ ${limit}/s (account budget)`,
      met: b.ours.accountMax <= limit,
      note: `max per task ${b.ours.taskMax}/s (SDK ${b.sdk.taskMax}/s); queries per task ${fmt(b.ours.queries, 1)} (SDK ${fmt(b.sdk.queries, 1)})`,
    });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
