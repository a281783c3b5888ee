/**
 * The job manager and the account limits on a fake clock: limits never exceeded with 20 jobs over
 * 5 models, the account-wide query budget with 10 tasks polling at once, FIFO per model, cancel
 * in every state, and the 429 pause that delays every job. Time only moves when the test fires
 * the next timer, so nothing sleeps for real.
 *
 *   node --import tsx --test test/unit/jobs-scheduling.test.ts
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { getModel } from '../../src/dashscope/catalog';
import { DashScopeError, isAbortError } from '../../src/dashscope/errors';
import type { RetryEvent } from '../../src/dashscope/transport';
import type { TaskQueryLimiter } from '../../src/dashscope/tasks';
import { AccountLimits, submitRules } from '../../src/jobs/limits';
import { JobManager, catalogLimits, type JobChange, type JobContext, type LimitsLookup } from '../../src/jobs/manager';
import { TimerClock } from './timer-clock';

/** The most events in any window [t, t + windowMs) of a sorted list of times. */
function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while (sorted[hi]! - sorted[lo]! >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

/** A RetryEvent as the client's transport reports it. */
function retryEvent(httpStatus: number, retryAfterMs?: number): RetryEvent {
  const error = new DashScopeError({ httpStatus, code: httpStatus === 429 ? 'Throttling.RateQuota' : 'ServiceUnavailable', message: 'slow down', ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
  return { attempt: 1, maxRetries: 3, delayMs: retryAfterMs ?? 500, error, method: 'POST', target: '/x' };
}

/** The catalog, plus the 2/minute submit limit qwen-image-max has (newer-models.md) that the catalog is about to state. */
const lookup: LimitsLookup = (id) => {
  const found = catalogLimits(id);
  return id === 'qwen-image-max' ? { key: found.key, limits: { ...found.limits, requestsPerSecond: undefined, requestsPerMinute: 2 } } : found;
};

function settled(p: Promise<unknown>): { done: boolean } {
  const s = { done: false };
  p.then(
    () => (s.done = true),
    () => (s.done = true),
  );
  return s;
}

describe('submit rules', () => {
  test('per second is evenly spaced; per minute allows the window count but never two in one second', () => {
    assert.deepEqual(submitRules({ perSecond: 2 }), [{ count: 1, windowMs: 500 }]);
    assert.deepEqual(submitRules({ perMinute: 2 }), [
      { count: 2, windowMs: 60_000 },
      { count: 1, windowMs: 1000 },
    ]);
    assert.deepEqual(submitRules({ perMinute: 120 }), [
      { count: 120, windowMs: 60_000 },
      { count: 1, windowMs: 500 },
    ]);
    assert.deepEqual(submitRules({}), []);
  });
});

describe('job manager within the limits', () => {
  test('20 jobs over 5 models: concurrency, submit rate and query rate never exceeded, and jobs run side by side', async () => {
    const clock = new TimerClock();
    const manager = new JobManager({ clock, lookupLimits: lookup });
    const models = ['qwen-mt-image', 'wan2.2-t2i-flash', 'wan2.5-t2i-preview', 'z-image-turbo', 'qwen-image-max'];
    const live = new Map<string, number>();
    const maxLive = new Map<string, number>();
    let liveTotal = 0;
    let maxLiveTotal = 0;
    const submits = new Map<string, number[]>();
    const queries = new Map<string, number[]>();
    const allQueries: number[] = [];

    const handles = Array.from({ length: 20 }, (_, i) => {
      const model = models[i % models.length]!;
      const spec = getModel(model);
      return manager.enqueue({
        label: `${model} #${i}`,
        model,
        source: 'batch',
        // Half send at once, half after an "upload" and their own gate.
        submitPacing: i % 2 === 0 ? 'before-run' : 'in-run',
        run: async (ctx: JobContext) => {
          live.set(model, (live.get(model) ?? 0) + 1);
          maxLive.set(model, Math.max(maxLive.get(model) ?? 0, live.get(model)!));
          maxLiveTotal = Math.max(maxLiveTotal, ++liveTotal);
          try {
            if (i % 2 === 1) await clock.sleep(300 + 70 * i, ctx.signal);
            await ctx.beforeSubmit();
            submits.set(model, [...(submits.get(model) ?? []), clock.now()]);
            if (spec.mode === 'async') {
              for (let q = 0; q < 4; q++) {
                await clock.sleep(200, ctx.signal);
                await ctx.queryLimiter.acquire(model, spec.rateLimits.queryPerSecond, ctx.signal);
                queries.set(model, [...(queries.get(model) ?? []), clock.now()]);
                allQueries.push(clock.now());
              }
            } else {
              await clock.sleep(2000 + 100 * i, ctx.signal);
            }
            return i;
          } finally {
            live.set(model, live.get(model)! - 1);
            liveTotal--;
          }
        },
      });
    });
    await clock.runUntil(() => manager.counts().running + manager.counts().queued === 0, 'all jobs');
    assert.deepEqual(await Promise.all(handles.map((h) => h.result)), Array.from({ length: 20 }, (_, i) => i));
    assert.ok(handles.every((h) => h.state === 'succeeded'));

    for (const model of models) {
      const limits = lookup(model).limits;
      assert.ok(maxLive.get(model)! <= limits.concurrent!, `${model}: ${maxLive.get(model)} at once, limit ${limits.concurrent}`);
      const times = submits.get(model)!;
      assert.equal(times.length, 4);
      if (limits.requestsPerSecond) assert.equal(maxInWindow(times, 1000 / limits.requestsPerSecond), 1, `${model} submits closer than 1/${limits.requestsPerSecond} s`);
      if (limits.requestsPerMinute) {
        assert.ok(maxInWindow(times, 60_000) <= limits.requestsPerMinute, `${model}: more than ${limits.requestsPerMinute} submits in a minute`);
        assert.equal(maxInWindow(times, 1000), 1, `${model}: two submits within one second`);
      }
      const q = queries.get(model) ?? [];
      if (q.length) assert.ok(maxInWindow(q, 1000) <= getModel(model).rateLimits.queryPerSecond, `${model}: query rate exceeded`);
    }
    assert.ok(maxInWindow(allQueries, 1000) <= 20, 'account query budget exceeded');
    // Not serialized: several models (and two jobs of one model) ran at the same time.
    assert.ok(maxLiveTotal >= 5, `only ${maxLiveTotal} jobs ever ran at once`);
    assert.ok(models.some((m) => maxLive.get(m) === 2));
  });

  test('the account-wide query budget holds with 10 tasks polling at once, qwen-mt-image at 1/s', async () => {
    const clock = new TimerClock();
    const limits = new AccountLimits({ clock });
    // Same method shape as the client's limiter, so the client can take it (tsc checks this line).
    const asClientLimiter: TaskQueryLimiter = limits;
    const mt: number[] = [];
    const all: number[] = [];
    const poll = async (model: string, perSecond: number, count: number, into: number[]): Promise<void> => {
      for (let i = 0; i < count; i++) {
        await asClientLimiter.acquire(model, perSecond, undefined);
        into.push(clock.now());
        all.push(clock.now());
      }
    };
    const tasks = [
      ...Array.from({ length: 2 }, () => poll('qwen-mt-image', 1, 5, mt)),
      ...Array.from({ length: 8 }, () => poll('wan2.2-t2i-flash', 20, 25, [])),
    ];
    const done = settled(Promise.all(tasks));
    await clock.runUntil(() => done.done, 'ten polling tasks');
    assert.equal(all.length, 10 + 200);
    assert.ok(maxInWindow(all, 1000) <= 20, `${maxInWindow(all, 1000)} queries in one second`);
    // The budget is used, not wasted: the busiest second is (nearly) full.
    assert.ok(maxInWindow(all, 1000) >= 18);
    assert.equal(maxInWindow(mt, 1000), 1, 'qwen-mt-image queried more than once a second');
    // qwen-mt-image's slow lane does not hold the others back: 200 wan queries at ~20/s take ~10 s, not 10 mt seconds each.
    assert.ok(all.at(-1)! - all[0]! < 12_000, `took ${all.at(-1)! - all[0]!} ms`);
  });

  test('FIFO per model; a queued model does not hold back another', async () => {
    const clock = new TimerClock();
    const manager = new JobManager({ clock });
    const started: string[] = [];
    const job = (model: string, name: string, ms: number) =>
      manager.enqueue({
        label: name,
        model,
        source: 'studio',
        run: async (ctx) => {
          started.push(name);
          await clock.sleep(ms, ctx.signal);
          return name;
        },
      });
    // qwen-mt-image: 2 at once, 1 submit/s. Durations differ so finishing order differs from start order.
    const mt = ['a', 'b', 'c', 'd', 'e', 'f'].map((n, i) => job('qwen-mt-image', n, [5000, 1000, 3000, 500, 2000, 100][i]!));
    await clock.settle();
    const other = job('z-image-turbo', 'z', 100);
    await clock.settle();
    // a runs, b has a slot and waits for its submit second, c–f wait for a slot; z went ahead.
    assert.deepEqual(started, ['a', 'z']);
    assert.equal(manager.counts().queued, 5);
    await clock.runUntil(() => manager.counts().running + manager.counts().queued === 0, 'all');
    await Promise.all([...mt.map((h) => h.result), other.result]);
    assert.deepEqual(
      started.filter((n) => n !== 'z'),
      ['a', 'b', 'c', 'd', 'e', 'f'],
    );
  });
  test('releaseSlot lets the next job of the model go while this one is still saving', async () => {
    const clock = new TimerClock();
    const manager = new JobManager({ clock });
    const job = (name: string, early: boolean) =>
      manager.enqueue({
        label: name,
        model: 'qwen-mt-image',
        source: 'batch',
        run: async (ctx) => {
          await clock.sleep(1000, ctx.signal);
          if (early) ctx.releaseSlot();
          // Downloading and saving: no longer the service's business.
          await clock.sleep(10_000, ctx.signal);
        },
      });
    const a = job('a', true);
    job('b', false);
    const c = job('c', false);
    await clock.advance(2500);
    assert.equal(a.state, 'running');
    assert.equal(c.state, 'running', 'c still waits for a slot a gave back');
    assert.equal(manager.limits.slotsInUse('qwen-mt-image'), 2);
    await clock.runUntil(() => manager.counts().running === 0, 'all');
    assert.equal(manager.limits.slotsInUse('qwen-mt-image'), 0);
  });
});

describe('cancel', () => {
  test('a queued job never runs and rejects with an AbortError; its place goes to the next', async () => {
    const clock = new TimerClock();
    const manager = new JobManager({ clock });
    const ran: string[] = [];
    const job = (name: string) =>
      manager.enqueue({
        label: name,
        model: 'qwen-mt-image',
        source: 'palette',
        run: async (ctx) => {
          ran.push(name);
          await clock.sleep(3000, ctx.signal);
        },
      });
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(job);
    await clock.settle();
    // a runs; b holds a slot but waits for its submit second; c and d wait for a slot.
    assert.equal(a!.state, 'running');
    assert.equal(b!.state, 'queued');
    assert.equal(c!.state, 'queued');
    assert.equal(b!.cancel(), true);
    assert.equal(c!.cancel(), true);
    assert.equal(c!.cancel(), false, 'second cancel is a no-op');
    await assert.rejects(b!.result, (err: unknown) => isAbortError(err));
    await assert.rejects(c!.result, (err: unknown) => isAbortError(err));
    assert.equal(b!.state, 'cancelled');
    assert.equal(c!.state, 'cancelled');
    await clock.runUntil(() => d!.state === 'succeeded', 'd');
    assert.deepEqual(ran, ['a', 'd']);
    // d got b's released slot at once (1 s after a's submit), not after a finished.
    assert.ok(manager.get(d!.id)!.startedAt! - manager.get(a!.id)!.startedAt! < 3000);
  });

  test('a running job gets its signal aborted; its slot is held until run settles', async () => {
    const clock = new TimerClock();
    const manager = new JobManager({ clock });
    let sawAbort = false;
    const running = manager.enqueue({
      label: 'slow to stop',
      model: 'qwen-mt-image',
      source: 'agent',
      run: async (ctx) => {
        ctx.signal.addEventListener('abort', () => (sawAbort = true));
        // Like a task that cannot be stopped at once: the run takes 4 s to notice.
        await clock.sleep(4000);
        ctx.signal.throwIfAborted();
      },
    });
    const other = manager.enqueue({ label: 'second', model: 'qwen-mt-image', source: 'agent', run: (ctx) => clock.sleep(10_000, ctx.signal) });
    const third = manager.enqueue({ label: 'third', model: 'qwen-mt-image', source: 'agent', run: (ctx) => clock.sleep(10_000, ctx.signal) });
    await clock.advance(1500);
    assert.equal(running.state, 'running');
    assert.equal(other.state, 'running');
    assert.equal(third.state, 'queued');
    assert.equal(manager.cancel(running.id), true);
    assert.equal(sawAbort, true);
    await clock.advance(1000);
    assert.equal(running.state, 'running', 'still settling');
    assert.equal(third.state, 'queued', 'the slot is still held');
    assert.equal(manager.limits.slotsInUse('qwen-mt-image'), 2);
    await clock.runUntil(() => running.state === 'cancelled', 'cancelled');
    await assert.rejects(running.result, (err: unknown) => isAbortError(err));
    await clock.runUntil(() => third.state === 'running', 'third starts');
    manager.dispose();
    await clock.settle();
    assert.equal(other.state, 'cancelled');
    assert.equal(third.state, 'cancelled');
  });

  test('a finished job cannot be cancelled; an outer signal cancels; a run that finishes despite the cancel keeps its result', async () => {
    const clock = new TimerClock();
    const manager = new JobManager({ clock });
    const done = manager.enqueue({ label: 'done', model: 'z-image-turbo', source: 'cli', run: async () => 'ok' });
    assert.equal(await done.result, 'ok');
    assert.equal(done.cancel(), false);
    assert.equal(manager.cancel(done.id), false);
    assert.equal(done.state, 'succeeded');

    const outer = new AbortController();
    const viaOuter = manager.enqueue({ label: 'outer', model: 'z-image-turbo', source: 'cli', signal: outer.signal, run: (ctx) => clock.sleep(5000, ctx.signal) });
    await clock.advance(600);
    assert.equal(viaOuter.state, 'running');
    outer.abort();
    await assert.rejects(viaOuter.result, (err: unknown) => isAbortError(err));
    assert.equal(viaOuter.state, 'cancelled');

    const aborted = new AbortController();
    aborted.abort();
    let called = false;
    const never = manager.enqueue({ label: 'pre-aborted', model: 'z-image-turbo', source: 'cli', signal: aborted.signal, run: async () => void (called = true) });
    await assert.rejects(never.result, (err: unknown) => isAbortError(err));
    assert.equal(called, false);

    const stubborn = manager.enqueue({
      label: 'stubborn',
      model: 'z-image-turbo',
      source: 'cli',
      run: async () => {
        await clock.sleep(1000);
        return 'saved anyway';
      },
    });
    await clock.advance(600);
    stubborn.cancel();
    await clock.runUntil(() => stubborn.state !== 'running', 'stubborn');
    assert.equal(await stubborn.result, 'saved anyway');
    assert.equal(stubborn.state, 'succeeded');
  });
});

describe('429 as slow-down', () => {
  test('a 429 on one job delays every submit and query of every model by its Retry-After', async () => {
    const clock = new TimerClock();
    const manager = new JobManager({ clock });
    const submitsAt: number[] = [];
    const queriesAt: number[] = [];
    let throttledAt = 0;
    const job = (model: string) => manager.enqueue({ label: model, model, source: 'studio', run: async () => void submitsAt.push(clock.now()) });
    manager.enqueue({
      label: 'throttled',
      model: 'wan2.2-t2i-flash',
      source: 'studio',
      run: async (ctx) => {
        throttledAt = clock.now();
        ctx.onRetry(retryEvent(429, 5000));
        await clock.sleep(100, ctx.signal);
      },
    });
    // Already waiting: the next submit of the same model (due 0.5 s later without the 429).
    const later = [job('wan2.2-t2i-flash')];
    await clock.settle();
    assert.equal(manager.limits.pausedForMs(), 5000);
    // Arriving during the pause: other models, and a task query.
    await clock.advance(1000);
    later.push(job('qwen-mt-image'), job('z-image-turbo'));
    const poll = manager.limits.acquire('wan2.5-t2i-preview', 20).then(() => queriesAt.push(clock.now()));
    await clock.runUntil(() => later.every((h) => h.state === 'succeeded') && queriesAt.length === 1, 'all');
    await poll;
    assert.equal(submitsAt.length, 3);
    for (const t of [...submitsAt, ...queriesAt]) assert.ok(t >= throttledAt + 5000, `sent ${t - throttledAt} ms after the 429`);
    // Other retries (503) are one request's business.
    assert.equal(manager.limits.pausedForMs(), 0);
    manager.limits.observeRetry(retryEvent(503));
    assert.equal(manager.limits.pausedForMs(), 0);
  });

  test('without Retry-After: a doubling backoff; 429s during one pause are one episode; it resets after a quiet minute', async () => {
    const clock = new TimerClock();
    const limits = new AccountLimits({ clock });
    const pauses: number[] = [];
    limits.onDidPause((e) => pauses.push(e.ms));
    assert.equal(limits.penalize(), 1000);
    // Ten jobs hit the limit together: still one second.
    for (let i = 0; i < 9; i++) limits.observeRetry(retryEvent(429));
    assert.equal(limits.pausedForMs(), 1000);
    await clock.advance(1000);
    assert.equal(limits.penalize(), 2000);
    await clock.advance(2000);
    assert.equal(limits.penalize(), 4000);
    await clock.advance(4000 + 61_000);
    assert.equal(limits.penalize(), 1000);
    assert.deepEqual(pauses.slice(0, 1), [1000]);
    assert.ok(pauses.includes(4000));
  });
});

describe('job events and bookkeeping', () => {
  test('onDidChange reports every transition and progress; a throwing listener breaks nothing; counts and list follow', async () => {
    const clock = new TimerClock();
    const errors: unknown[] = [];
    const manager = new JobManager({ clock, keepFinished: 1, onListenerError: (e) => errors.push(e) });
    const seen: string[] = [];
    manager.onDidChange(() => {
      throw new Error('broken status bar');
    });
    const sub = manager.onDidChange((c: JobChange) => seen.push(`${c.kind}:${c.job.label}:${c.job.state}${c.job.progress ? `:${c.job.progress}` : ''}`));
    const first = manager.enqueue({
      label: 'one',
      model: 'z-image-turbo',
      source: 'explorer',
      run: async (ctx) => {
        ctx.setProgress('saving 1/1');
        ctx.setProgress('saving 1/1');
        return 1;
      },
    });
    assert.deepEqual(manager.counts(), { running: 0, queued: 1 });
    await first.result;
    const second = manager.enqueue({ label: 'two', model: 'nope-model', source: 'explorer', run: async () => 2 });
    await assert.rejects(second.result, /Unknown model/);
    assert.equal(second.state, 'failed');
    sub.dispose();
    assert.deepEqual(seen, [
      'added:one:queued',
      'updated:one:running',
      'updated:one:running:saving 1/1',
      'updated:one:succeeded',
      'added:two:queued',
      'updated:two:failed',
      // keepFinished: 1 forgets the oldest finished job.
      'removed:one:succeeded',
    ]);
    assert.ok(errors.length >= 7);
    assert.deepEqual(
      manager.list().map((j) => j.label),
      ['two'],
    );
    assert.equal(manager.get(first.id), undefined);
    manager.clearFinished();
    assert.deepEqual(manager.list(), []);
  });
});
