/**
 * The task poll schedule, measured on a fake clock against a scripted task endpoint: bounds, never
 * faster than 2 queries/s per task or the model's query rate (qwen-mt-image: 1/s), dense across
 * the window where tasks probably end and sparse before it, back-off for stragglers and long
 * queues. Latency and query figures against the SDKs' schedule are `npm run bench` (bench/poll.bench.ts).
 *
 *   node --import tsx --test test/unit/dashscope-poll.test.ts
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { getModel } from '../../src/dashscope/catalog';
import { DashScopeClient, nextPollDelay, pollBounds, sdkPollDelay } from '../../src/dashscope/index';
import { DURATION_SIGMA, QueryRateLimiter, TASK_QUERY_FLOOR_MS } from '../../src/dashscope/tasks';
import { JumpingClock, startTaskTimeline, type ScriptedServer } from './client-fixtures';

/** Timeline of the scripted task, in fake ms since submit. */
let timeline = { pendingMs: 1000, runningMs: 5000 };
let clock: JumpingClock;
let t0 = 0;
const queryTimes: number[] = [];
let server: ScriptedServer;
/** Fake time each answer takes to come back (the clock moves on while the request is out). */
let rttMs = 0;

before(async () => {
  server = await startTaskTimeline(
    () => ({ clock, t0 }),
    (t) => (t < timeline.pendingMs ? 'PENDING' : t < timeline.pendingMs + timeline.runningMs ? 'RUNNING' : 'SUCCEEDED'),
    queryTimes,
    () => {
      clock.time += rttMs;
    },
  );
});
after(async () => {
  await server.close();
});

async function measure(model: string, pendingMs: number, runningMs: number): Promise<{ queries: number[]; latency: number; end: number }> {
  timeline = { pendingMs, runningMs };
  clock = new JumpingClock();
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

const gapsOf = (times: readonly number[]): number[] => times.slice(1).map((t, i) => t - times[i]!);

/** Queries in [from, to) per second of that span. */
function density(times: readonly number[], from: number, to: number): number {
  return (times.filter((t) => t >= from && t < to).length / (to - from)) * 1000;
}

describe('poll schedule', () => {
  test('the SDK reference schedule is 1,1,2,2,2,4,4,4,5,5', () => {
    assert.deepEqual(Array.from({ length: 10 }, (_, i) => sdkPollDelay(i) / 1000), [1, 1, 2, 2, 2, 4, 4, 4, 5, 5]);
  });

  test('bounds: never faster than 2/s per task nor the model query rate; the floor scales only with a scaled duration', () => {
    for (const model of ['wan2.2-t2i-flash', 'wan2.5-t2i-preview', 'wan2.6-t2i', 'qwen-mt-image']) {
      const spec = getModel(model);
      const { minIntervalMs, maxIntervalMs } = pollBounds(spec);
      assert.ok(minIntervalMs >= TASK_QUERY_FLOOR_MS && minIntervalMs >= 1000 / spec.rateLimits.queryPerSecond, `${model} floor ${minIntervalMs}`);
      assert.ok(maxIntervalMs >= 5000 && maxIntervalMs <= 15_000, `${model} ceiling ${maxIntervalMs}`);
    }
    // A simulator at 1/100 time: the per-task floor shrinks with it, the account rate does not.
    assert.equal(pollBounds(getModel('wan2.2-t2i-flash'), 60).minIntervalMs, 50);
    assert.equal(pollBounds(getModel('qwen-mt-image'), 70).minIntervalMs, 1000);
  });

  // Durations around the typical one: short, typical, long (all inside the model's probable range).
  for (const model of ['wan2.2-t2i-flash', 'wan2.5-t2i-preview', 'wan2.6-t2i', 'qwen-mt-image'] as const) {
    for (const factor of [0.7, 1, 1.6]) {
      test(`${model} ending at ${factor}× typical: found within one floor interval, never faster than the limits`, async () => {
        const spec = getModel(model);
        const { minIntervalMs, maxIntervalMs } = pollBounds(spec);
        const end = Math.round(spec.typicalDurationMs * factor);
        const pending = Math.min(1000, end / 10);
        const m = await measure(model, pending, end - pending);
        assert.ok(m.latency >= 0 && m.latency <= minIntervalMs * 1.03 + 1, `latency ${m.latency} ms > floor ${minIntervalMs}`);
        for (const g of gapsOf(m.queries)) {
          assert.ok(g >= minIntervalMs - 1, `gap ${g} < floor ${minIntervalMs}`);
          assert.ok(g >= 1000 / spec.rateLimits.queryPerSecond - 1, `gap ${g} above the model's query rate`);
          assert.ok(g <= maxIntervalMs + 1, `gap ${g} > ceiling ${maxIntervalMs}`);
        }
        // Any one second holds at most 2 queries of this task.
        for (const t of m.queries) assert.ok(m.queries.filter((u) => u >= t && u < t + 1000).length <= 2, `more than 2 queries in the second after ${t}`);
      });
    }
  }

  test('sparse before the probable end, dense around the typical end', async () => {
    for (const model of ['wan2.5-t2i-preview', 'wan2.6-t2i']) {
      const spec = getModel(model);
      const T = spec.typicalDurationMs;
      const m = await measure(model, 1000, 2 * T);
      const early = density(m.queries, 0, 0.4 * T);
      const nearEnd = density(m.queries, 0.8 * T, 1.2 * T);
      assert.ok(nearEnd >= 1.9, `${model}: ${nearEnd.toFixed(2)}/s near the typical end`);
      assert.ok(early <= nearEnd / 4, `${model}: ${early.toFixed(2)}/s early vs ${nearEnd.toFixed(2)}/s near the end`);
      const gaps = gapsOf(m.queries);
      assert.ok(gaps[0]! >= Math.max(...gaps.slice(1)), `the first gap is the longest: ${gaps}`);
    }
  });

  test('a straggler past the probable range (4× typical): backs off, latency stays within the ceiling', async () => {
    const spec = getModel('wan2.5-t2i-preview');
    const T = spec.typicalDurationMs;
    const { minIntervalMs, maxIntervalMs } = pollBounds(spec);
    const m = await measure('wan2.5-t2i-preview', 1000, 4 * T - 1000);
    const windowEnd = T * Math.exp(2.33 * DURATION_SIGMA);
    const lateGaps = gapsOf(m.queries).filter((_, i) => m.queries[i]! > windowEnd + 5000);
    assert.ok(lateGaps.length > 0 && lateGaps.every((g) => g > 2 * minIntervalMs), `late gaps ${lateGaps}`);
    assert.ok(m.latency <= maxIntervalMs, `latency ${m.latency}`);
    assert.ok(density(m.queries, windowEnd + 5000, 4 * T) < density(m.queries, 0.8 * T, 1.2 * T) / 2, 'sparser late than near the typical end');
  });

  test('a long queue (PENDING for 3× the typical duration) is polled sparsely, then found on time', async () => {
    const spec = getModel('wan2.2-t2i-flash');
    const T = spec.typicalDurationMs;
    const { minIntervalMs } = pollBounds(spec);
    const queue = 3 * T;
    const m = await measure('wan2.2-t2i-flash', queue, T);
    const gaps = gapsOf(m.queries);
    const pendingGaps = gaps.filter((_, i) => m.queries[i + 1]! < queue);
    assert.ok(pendingGaps.every((g) => g >= 0.2 * T - 1), `pending gaps ${pendingGaps}`);
    assert.ok(pendingGaps.at(-1)! > pendingGaps[0]!, `sparser the longer it queues: ${pendingGaps}`);
    assert.ok(m.queries.filter((t) => t < queue).length <= 12, `${m.queries.filter((t) => t < queue).length} queries while queued`);
    // The window moved with the queue: the task that then ran its typical time is found within the floor.
    assert.ok(m.latency <= minIntervalMs * 1.03 + 1, `latency ${m.latency}`);
  });

  test('the gaps run from send to send: a slow answer (300 ms) stretches the dense window by a tenth of the floor at most', async () => {
    const spec = getModel('wan2.5-t2i-preview');
    const T = spec.typicalDurationMs;
    const { minIntervalMs } = pollBounds(spec);
    rttMs = 300;
    try {
      const m = await measure('wan2.5-t2i-preview', 1000, 2 * T);
      const dense = gapsOf(m.queries).filter((_, i) => m.queries[i]! >= 0.8 * T && m.queries[i + 1]! < 1.2 * T);
      assert.ok(dense.length >= 10, `dense gaps ${dense}`);
      // The floor plus a tenth of it for network jitter, not the floor plus the whole answer time.
      for (const g of dense) assert.equal(g, minIntervalMs * 1.1, `a gap of ${g} ms in the dense window (answers take ${rttMs} ms)`);
    } finally {
      rttMs = 0;
    }
  });

  test('nextPollDelay stays within the bounds', () => {
    for (const status of ['PENDING', 'RUNNING']) {
      for (let e = 0; e < 100_000; e += 777) {
        const d = nextPollDelay({ typicalDurationMs: 15000, minIntervalMs: 600, maxIntervalMs: 7500, status, elapsedMs: e, runningSinceMs: status === 'RUNNING' ? 1000 : undefined });
        assert.ok(d >= 600 && d <= 7500, `${status} ${e}: ${d}`);
      }
    }
  });

  test('the per-model limiter: each query of a 1/s model goes a second after the previous answer, whatever the delays', async () => {
    const clock = new JumpingClock();
    const limiter = new QueryRateLimiter(clock);
    const spans: { sent: number; answered: number }[] = [];
    await Promise.all(
      [40, 300, 10].map(async (roundTripMs) => {
        const release = await limiter.acquire('qwen-mt-image', 1);
        const sent = clock.now();
        clock.time += roundTripMs; // the query is out; its answer takes this long
        spans.push({ sent, answered: clock.now() });
        release();
      }),
    );
    spans.sort((a, b) => a.sent - b.sent);
    for (let i = 1; i < spans.length; i++) assert.ok(spans[i]!.sent - spans[i - 1]!.answered >= 1000, `query ${i} sent ${spans[i]!.sent - spans[i - 1]!.answered} ms after the previous answer`);
  });

  test('the per-model limiter lets queries of a 20/s model overlap, up to 20 in a second', async () => {
    const clock = new JumpingClock();
    const limiter = new QueryRateLimiter(clock);
    const releases = await Promise.all(Array.from({ length: 20 }, () => limiter.acquire('wan2.2-t2i-flash', 20)));
    assert.deepEqual(clock.sleeps, [], 'the first 20 go at once');
    let grantedAt: number | undefined;
    const twentyFirst = limiter.acquire('wan2.2-t2i-flash', 20).then((r) => {
      grantedAt = clock.now();
      return r;
    });
    await new Promise((r) => setImmediate(r));
    assert.equal(grantedAt, undefined, 'the 21st waits while 20 are in flight');
    const answeredAt = clock.now();
    for (const r of releases) r();
    (await twentyFirst)();
    assert.ok(grantedAt !== undefined && grantedAt - answeredAt >= 1000, `the 21st went ${grantedAt! - answeredAt} ms after the answers`);
  });

  test('a wait for the limiter ends with the abort signal', async () => {
    const limiter = new QueryRateLimiter(new JumpingClock(false));
    await limiter.acquire('qwen-mt-image', 1);
    const ctl = new AbortController();
    const waiting = limiter.acquire('qwen-mt-image', 1, ctl.signal);
    ctl.abort(new Error('stop'));
    await assert.rejects(waiting, /stop/);
  });
});
