/**
 * The job manager and models with a per-minute window (qwen-image-max: 2 a minute, N§4), on a
 * fake clock: the catalog's window paces submits before they are sent, and a 429 that says the
 * window is full (another process used it) holds that model's queued jobs until it reopens,
 * while other models wait only for the account's short pause.
 *
 *   node --import tsx --test test/unit/jobs-rate-window.test.ts
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DashScopeError } from '../../src/dashscope/errors';
import { RATE_WINDOW_SLACK_MS, type RetryEvent } from '../../src/dashscope/transport';
import { JobManager } from '../../src/jobs/manager';
import { TimerClock } from './timer-clock';

const WINDOW_WAIT_MS = 60_000 + RATE_WINDOW_SLACK_MS;

/** The RetryEvent the transport reports when a 429 meets qwen-image-max's full window. */
function fullWindow(): RetryEvent {
  const error = new DashScopeError({ httpStatus: 429, code: 'Throttling.RateQuota', message: 'Requests rate limit exceeded, please try again later.' });
  return { attempt: 1, maxRetries: 3, delayMs: WINDOW_WAIT_MS, error, method: 'POST', target: '/x', rateWindow: { model: 'qwen-image-max', requests: 2, windowMs: 60_000 } };
}

describe('per-minute windows in the job manager', () => {
  test("the catalog's 2-a-minute window paces qwen-image-max before sending: never 3 submits within a minute", async () => {
    const clock = new TimerClock();
    const manager = new JobManager({ clock });
    const sentAt: number[] = [];
    const jobs = Array.from({ length: 5 }, (_, i) => manager.enqueue({ label: `max ${i}`, model: 'qwen-image-max', source: 'studio', run: async () => void sentAt.push(clock.now()) }));
    await clock.runUntil(() => jobs.every((j) => j.state === 'succeeded'), 'five jobs');
    assert.equal(sentAt.length, 5);
    for (let i = 2; i < sentAt.length; i++) assert.ok(sentAt[i]! - sentAt[i - 2]! >= 60_000, `submits ${i - 2} and ${i} only ${sentAt[i]! - sentAt[i - 2]!} ms apart`);
    assert.ok(sentAt[4]! - sentAt[0]! < 3 * 60_000, 'paced, not stalled');
  });

  test("a full window holds the model's queued jobs until it reopens; another model waits only for the account pause", async () => {
    const clock = new TimerClock();
    const manager = new JobManager({ clock });
    const startedAt = new Map<string, number>();
    const run = (name: string, model: string) =>
      manager.enqueue({
        label: name,
        model,
        source: 'studio',
        run: async (ctx) => {
          startedAt.set(name, clock.now());
          if (name === 'refused') {
            // The transport's report of the 429, then its wait for the window.
            ctx.onRetry(fullWindow());
            await clock.sleep(WINDOW_WAIT_MS, ctx.signal);
          }
        },
      });
    const refused = run('refused', 'qwen-image-max');
    await clock.settle();
    const t0 = startedAt.get('refused')!;
    const queued = run('queued', 'qwen-image-max');
    const other = run('other', 'z-image-turbo');
    await clock.runUntil(() => [refused, queued, other].every((j) => j.state === 'succeeded'), 'all three');
    assert.ok(startedAt.get('queued')! >= t0 + WINDOW_WAIT_MS, `queued job sent ${startedAt.get('queued')! - t0} ms after the 429`);
    const otherAfter = startedAt.get('other')! - t0;
    assert.ok(otherAfter >= 1000 && otherAfter < 5000, `the other model waited ${otherAfter} ms`);
  });
});
