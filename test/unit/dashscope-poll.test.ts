/**
 * The task poll schedule, measured on a fake clock against a scripted task endpoint: queries per
 * task, detection latency, density near the expected end, the per-model query rate (qwen-mt-image:
 * 1/s), and the comparison with the SDKs' fixed 1, 1, 2, 2, 2, 4, 4, 4, 5 … schedule.
 *
 *   node --import tsx --test test/unit/dashscope-poll.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getModel } from '../../src/dashscope/catalog';
import { DashScopeClient, nextPollDelay, pollBounds, sdkPollDelay } from '../../src/dashscope/index';
import { QueryRateLimiter } from '../../src/dashscope/tasks';
import { FakeClock, startScriptedServer, type ScriptedServer } from './dashscope-helpers';

/** Timeline of the scripted task, in fake ms since submit. */
let timeline = { pendingMs: 1000, runningMs: 5000 };
let clock: FakeClock;
let t0 = 0;
const queryTimes: number[] = [];
let server: ScriptedServer;

before(async () => {
  server = await startScriptedServer((_req, res) => {
    const t = clock.now() - t0;
    queryTimes.push(t);
    const status = t < timeline.pendingMs ? 'PENDING' : t < timeline.pendingMs + timeline.runningMs ? 'RUNNING' : 'SUCCEEDED';
    const output: Record<string, unknown> = { task_id: 'task-1', task_status: status };
    if (status === 'SUCCEEDED') output.results = [{ url: 'https://r/1.png' }];
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ request_id: 'r', output }));
  });
});
after(async () => {
  await server.close();
});

async function measure(model: string, pendingMs: number, runningMs: number): Promise<{ queries: number[]; latency: number; end: number }> {
  timeline = { pendingMs, runningMs };
  clock = new FakeClock();
  t0 = clock.now();
  queryTimes.length = 0;
  const c = new DashScopeClient({ apiKey: 'sk-poll-test', baseUrl: `${server.url}/api/v1`, clock });
  try {
    await c.waitForTask('task-1', model, { submittedAt: t0 });
  } finally {
    await c.close();
  }
  const end = pendingMs + runningMs;
  return { queries: [...queryTimes], latency: queryTimes.at(-1)! - end, end };
}

/** Queries the SDK schedule makes for a task that ends at `end` ms, and its detection latency. */
function sdk(end: number): { queries: number; latency: number } {
  let t = 0;
  let i = 0;
  for (;;) {
    t += sdkPollDelay(i++);
    if (t >= end) return { queries: i, latency: t - end };
  }
}

describe('poll schedule', () => {
  test('the SDK reference schedule is 1,1,2,2,2,4,4,4,5,5', () => {
    assert.deepEqual(Array.from({ length: 10 }, (_, i) => sdkPollDelay(i) / 1000), [1, 1, 2, 2, 2, 4, 4, 4, 5, 5]);
  });

  for (const [model, pending, running] of [
    ['wan2.2-t2i-flash', 800, 5200],
    ['wan2.5-t2i-preview', 1000, 14000],
    ['wan2.6-t2i', 1500, 18500],
    ['qwen-mt-image', 1000, 6000],
  ] as const) {
    test(`${model}: about the SDK's query count or fewer, found within one dense interval, dense near the end`, async () => {
      const spec = getModel(model);
      const { minIntervalMs } = pollBounds(spec);
      const m = await measure(model, pending, running);
      const ref = sdk(m.end);
      // Short tasks (≤ 7 s) trade up to two extra queries for a latency of one floor interval
      // instead of the SDK's up to 2 s; from 15 s on the schedule needs strictly fewer queries.
      const slack = spec.typicalDurationMs < 10_000 ? 2 : -1;
      assert.ok(m.queries.length <= ref.queries + slack, `${m.queries.length} queries vs SDK ${ref.queries}`);
      assert.ok(m.latency <= minIntervalMs + 1, `latency ${m.latency} ms > ${minIntervalMs}`);
      assert.ok(m.latency <= ref.latency || m.latency <= minIntervalMs, `latency ${m.latency} vs SDK ${ref.latency}`);
      const gaps = m.queries.slice(1).map((t, i) => t - m.queries[i]!);
      for (const g of gaps) assert.ok(g >= 1000 / spec.rateLimits.queryPerSecond - 1, `gap ${g} under the model's query rate`);
      // Sparse early, dense late: the first gap is the longest, the last ones are the floor.
      assert.ok(gaps[0]! >= Math.max(...gaps.slice(1)), `gaps ${gaps}`);
      assert.ok(gaps.at(-1)! <= minIntervalMs + 1, `last gap ${gaps.at(-1)}`);
    });
  }

  test('a task that runs twice as long: backs off after the expected end, latency stays bounded', async () => {
    const spec = getModel('wan2.5-t2i-preview');
    const { maxIntervalMs } = pollBounds(spec);
    const m = await measure('wan2.5-t2i-preview', 1000, 29000);
    assert.ok(m.latency <= maxIntervalMs, `latency ${m.latency}`);
    assert.ok(m.queries.length <= sdk(m.end).queries + 2, `${m.queries.length} vs ${sdk(m.end).queries}`);
  });

  test('a long queue (PENDING for 3× the typical duration) is polled sparsely', async () => {
    const m = await measure('wan2.2-t2i-flash', 18000, 5000);
    const gaps = m.queries.slice(1).map((t, i) => t - m.queries[i]!);
    const pendingGaps = gaps.filter((_, i) => m.queries[i + 1]! < 18000);
    assert.ok(pendingGaps.every((g) => g >= 2400), `pending gaps ${pendingGaps}`);
    assert.ok(m.queries.length <= sdk(m.end).queries + 2, `${m.queries.length} vs ${sdk(m.end).queries}`);
  });

  test('nextPollDelay stays within the bounds', () => {
    for (const status of ['PENDING', 'RUNNING']) {
      for (let e = 0; e < 100_000; e += 777) {
        const d = nextPollDelay({ typicalDurationMs: 15000, minIntervalMs: 600, maxIntervalMs: 7500, status, elapsedMs: e, runningSinceMs: status === 'RUNNING' ? 1000 : undefined });
        assert.ok(d >= 600 && d <= 7500, `${status} ${e}: ${d}`);
      }
    }
  });

  test('the per-model limiter spaces queries of concurrent waits (qwen-mt-image 1/s)', async () => {
    const fake = new FakeClock(false);
    const limiter = new QueryRateLimiter(fake);
    await Promise.all([limiter.acquire('qwen-mt-image', 1), limiter.acquire('qwen-mt-image', 1), limiter.acquire('qwen-mt-image', 1), limiter.acquire('other', 20)]);
    assert.deepEqual(fake.sleeps, [1000, 2000]);
  });
});
