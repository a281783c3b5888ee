/**
 * Benchmark (not a test): the client's model-aware poll schedule vs the official SDKs' fixed
 * 1, 1, 2, 2, 2, 4, 4, 4, 5, 5 … s schedule, measured in the same run against the simulator with
 * realistic timing (scale 1 = the catalog's typical durations; runs at 0.7× and 1.4× too, because
 * real tasks are rarely exactly typical).
 *
 *   npx tsx bench/poll.ts
 *
 * Prints, per model and timing: queries per task and latency from task end (the simulator's
 * end time) to detection, then the overall ratios (ours / SDK).
 */
import { PNG } from 'pngjs';
import { DashScopeClient, sdkPollDelay } from '../src/dashscope/index';
import { startSimulator, type Simulator } from '../test/sim/index';

const SCALES = [0.7, 1, 1.4];
const MODELS = ['wan2.2-t2i-flash', 'qwen-mt-image', 'wan2.5-t2i-preview'] as const;
const TASKS_PER_CASE = 2;

interface Sample {
  model: string;
  scale: number;
  schedule: 'ours' | 'sdk';
  queries: number;
  latencyMs: number;
}

function png(): Buffer {
  const p = new PNG({ width: 64, height: 48 });
  for (let i = 0; i < p.data.length; i++) p.data[i] = (i * 31) % 256;
  return PNG.sync.write(p);
}

function endOf(sim: Simulator, taskId: string): number {
  const t = sim.tasks.get(taskId) as { endMs?: number } | undefined;
  if (t?.endMs === undefined) throw new Error(`task ${taskId} has no end time`);
  return t.endMs;
}

async function runCase(sim: Simulator, client: DashScopeClient, model: (typeof MODELS)[number], scale: number, schedule: 'ours' | 'sdk'): Promise<Sample> {
  const request =
    model === 'qwen-mt-image'
      ? { model, images: [{ kind: 'bytes' as const, bytes: png(), name: 'sign.png' }], translation: { sourceLang: 'zh', targetLang: 'en' } }
      : { model, prompt: 'a quiet harbour at dawn', n: 1 };
  const task = await client.submitTask(request);
  let queries = 0;
  if (schedule === 'ours') {
    await client.waitForTask(task.taskId, model, { submittedAt: task.submittedAt, onStatus: (e) => (queries = e.queries) });
  } else {
    // [PY] BaseAsyncApi.wait: sleep, query, stop at a terminal status (§6).
    for (let i = 0; ; i++) {
      await new Promise((r) => setTimeout(r, sdkPollDelay(i)));
      queries++;
      const snap = await client.getTask(task.taskId);
      if (['SUCCEEDED', 'FAILED', 'CANCELED', 'UNKNOWN'].includes(snap.status)) break;
    }
  }
  const detected = Date.now();
  return { model, scale, schedule, queries, latencyMs: detected - endOf(sim, task.taskId) };
}

async function main(): Promise<void> {
  const samples: Sample[] = [];
  const sims: Simulator[] = [];
  try {
    await Promise.all(
      SCALES.map(async (scale) => {
        const sim = await startSimulator({ timing: { scale }, rateLimits: false });
        sims.push(sim);
        // The client assumes the catalog's typical durations whatever the simulator's scale.
        const client = new DashScopeClient({ apiKey: sim.keys.beijing, baseUrl: sim.urls.beijing, region: 'beijing' });
        try {
          const jobs: Promise<Sample>[] = [];
          for (const model of MODELS) {
            for (let i = 0; i < TASKS_PER_CASE; i++) {
              jobs.push(runCase(sim, client, model, scale, 'ours'));
              jobs.push(runCase(sim, client, model, scale, 'sdk'));
            }
          }
          samples.push(...(await Promise.all(jobs)));
        } finally {
          await client.close();
        }
      }),
    );
  } finally {
    await Promise.all(sims.map((s) => s.stop()));
  }

  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  const pick = (f: (s: Sample) => boolean) => samples.filter(f);
  const rows: string[][] = [['model', 'timing', 'queries ours', 'queries SDK', 'latency ours (ms)', 'latency SDK (ms)']];
  for (const model of MODELS) {
    for (const scale of SCALES) {
      const ours = pick((s) => s.model === model && s.scale === scale && s.schedule === 'ours');
      const sdk = pick((s) => s.model === model && s.scale === scale && s.schedule === 'sdk');
      rows.push([model, `${scale}×`, avg(ours.map((s) => s.queries)).toFixed(1), avg(sdk.map((s) => s.queries)).toFixed(1), avg(ours.map((s) => s.latencyMs)).toFixed(0), avg(sdk.map((s) => s.latencyMs)).toFixed(0)]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join('  '));
  const oursAll = pick((s) => s.schedule === 'ours');
  const sdkAll = pick((s) => s.schedule === 'sdk');
  const qRatio = avg(oursAll.map((s) => s.queries)) / avg(sdkAll.map((s) => s.queries));
  const lRatio = avg(oursAll.map((s) => s.latencyMs)) / avg(sdkAll.map((s) => s.latencyMs));
  console.log('');
  console.log(`tasks: ${oursAll.length} per schedule`);
  console.log(`queries per task   ours ${avg(oursAll.map((s) => s.queries)).toFixed(2)}  SDK ${avg(sdkAll.map((s) => s.queries)).toFixed(2)}  ratio ${qRatio.toFixed(2)}`);
  console.log(`detection latency  ours ${avg(oursAll.map((s) => s.latencyMs)).toFixed(0)} ms  SDK ${avg(sdkAll.map((s) => s.latencyMs)).toFixed(0)} ms  ratio ${lRatio.toFixed(2)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
