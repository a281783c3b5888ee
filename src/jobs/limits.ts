/**
 * Rate machinery shared by every job of one account, on an injected clock: submit pacing and
 * concurrency per model, one task-query budget for the whole account, and a pause for everybody
 * when the service answers 429.
 *
 * DashScope limits are per account and per model, whatever key, window or process sends (§8), so
 * one instance must serve every caller of one key: palette, studio, agent tools and the client's
 * task polling. Waiting here is always cheaper than a 429: a refused submit costs a retry, and a
 * burst of them trips `Throttling.BurstRate`.
 *
 * Section numbers refer to ../shared/reference/dashscope-api.md and newer-models.md.
 */
import { abortReason, type Clock, type RetryEvent } from '../dashscope/transport.js';
import { Emitter, type Event } from './events.js';
import { RateScheduler, type RateRule } from './scheduler.js';

export type { RateRule } from './scheduler.js';

/**
 * A submit rate as the catalog states it: per second, or per minute for models that allow only a
 * few a minute (qwen-image-max: 2/minute, newer-models.md). Either or both; neither = unpaced.
 */
export interface SubmitRate {
  perSecond?: number;
  perMinute?: number;
}

/** The per-model figures this module needs; `RateLimits` from the catalog satisfies it. */
export interface ModelRateLimits {
  requestsPerSecond?: number;
  /** Submit limit per minute, where the model has one (e.g. 2). */
  requestsPerMinute?: number;
  /** Async tasks PENDING or RUNNING at once; sync/stream calls in flight. Not finite = unlimited. */
  concurrent?: number;
  queryPerSecond: number;
}

/** The shape of the client's `QueryRateLimiter` (src/dashscope/tasks.ts), so either can be its `limiter`. */
export interface QueryLimiter {
  acquire(key: string, perSecond: number, signal?: AbortSignal): Promise<void>;
}

/** Gives a concurrency slot back; calling it twice is harmless. */
export type ReleaseSlot = () => void;

/** The documented task query budget of an account (§5.1, §8: "default RPS 20"). */
export const ACCOUNT_QUERIES_PER_SECOND = 20;

/** Reported when a 429 pauses the account, so the UI can say "rate limited, every job waits 4 s". */
export interface PauseEvent {
  /** Clock time until which nothing is sent. */
  until: number;
  /** How long from now. */
  ms: number;
  /** Whether the length came from the service's Retry-After (else it is our backoff). */
  fromRetryAfter: boolean;
}

/** Options of {@link AccountLimits}. */
export interface AccountLimitsOptions {
  clock: Clock;
  /** Task queries per second across every task of the account; default {@link ACCOUNT_QUERIES_PER_SECOND}. */
  accountQueriesPerSecond?: number;
  /**
   * Every window is stretched by this fraction (default 0.02): requests leave here exactly one
   * interval apart but reach the service with network jitter, and a window the service counts
   * on its own clock must not see them closer than allowed.
   */
  safetyMargin?: number;
  /**
   * Slack added to each window the service counts (1 s, 60 s), in ms; default
   * {@link DEFAULT_JITTER_MS}. Requests leave here one interval apart but reach the service with
   * jitter (a busy extension host, the network): 2% of a half-second interval is 10 ms, and under
   * load (test/unit/load.test.ts) the third submit of a 2/s model then arrives within one second
   * of the first, and is answered 429.
   */
  jitterMs?: number;
  /** Pause after a 429 without Retry-After: `baseMs · 2^n` up to `maxMs`; n resets after `resetAfterMs` without a 429. */
  backoff?: { baseMs?: number; maxMs?: number; resetAfterMs?: number };
}

/**
 * The rules for a submit rate. Per second: evenly spaced, as the client's query limiter does (a
 * burst of even two at once can trip `Throttling.BurstRate`, §1.6). Per minute: the service
 * counts a window (`count_limit: 2, count_limit_period: 60`, §8), so up to that many may go at
 * once, but never two within the same second, and evenly spaced from 60 a minute on, where the
 * docs say RPS = RPM/60 applies (§8).
 */
export function submitRules(rate: SubmitRate): RateRule[] {
  const rules: RateRule[] = [];
  if (rate.perSecond !== undefined && Number.isFinite(rate.perSecond) && rate.perSecond > 0) {
    rules.push({ count: 1, windowMs: 1000 / rate.perSecond });
  }
  if (rate.perMinute !== undefined && Number.isFinite(rate.perMinute) && rate.perMinute > 0) {
    const count = Math.max(1, Math.floor(rate.perMinute));
    rules.push({ count, windowMs: 60_000 });
    rules.push({ count: 1, windowMs: rate.perMinute >= 60 ? 60_000 / rate.perMinute : 1000 });
  }
  return rules;
}

/** Default {@link AccountLimitsOptions.jitterMs}. */
export const DEFAULT_JITTER_MS = 100;

/**
 * The windows the service itself counts for a rate (N per second, N per minute), each stretched
 * by `jitterMs`: kept next to the even spacing of {@link submitRules}, they bound every window of
 * the service's clock even when requests arrive bunched up.
 */
export function serviceWindows(rate: SubmitRate, jitterMs: number): RateRule[] {
  const rules: RateRule[] = [];
  if (jitterMs <= 0) return rules;
  if (rate.perSecond !== undefined && Number.isFinite(rate.perSecond) && rate.perSecond >= 1) {
    rules.push({ count: Math.floor(rate.perSecond), windowMs: 1000 + jitterMs });
  }
  if (rate.perMinute !== undefined && Number.isFinite(rate.perMinute) && rate.perMinute > 0) {
    rules.push({ count: Math.max(1, Math.floor(rate.perMinute)), windowMs: 60_000 + jitterMs });
  }
  return rules;
}

/** The submit rate of a model's limits. */
export function submitRateOf(limits: ModelRateLimits): SubmitRate {
  const rate: SubmitRate = {};
  if (limits.requestsPerSecond !== undefined) rate.perSecond = limits.requestsPerSecond;
  if (limits.requestsPerMinute !== undefined) rate.perMinute = limits.requestsPerMinute;
  return rate;
}

interface SlotWaiter {
  grant(): void;
}

interface SlotPool {
  inUse: number;
  /** The latest limit a caller gave for this key. */
  limit: number;
  queue: SlotWaiter[];
}

/**
 * The limits of one account: submit pacing and concurrency per model key, the account-wide task
 * query budget, and the 429 pause. Keys are opaque; use the wire model name, since the service
 * counts per model, not per catalog mode.
 *
 * `acquire` has the shape of the client's `QueryRateLimiter.acquire`, so an instance can be the
 * client's `limiter`: each query then waits for its model's `queryPerSecond` (qwen-mt-image: 1/s)
 * AND the account's 20/s, so ten tasks polling at once never cause a 429.
 */
export class AccountLimits implements QueryLimiter {
  private readonly clock: Clock;
  private readonly scheduler: RateScheduler;
  private readonly accountQueryRules: RateRule[];
  private readonly jitterMs: number;
  private readonly pools = new Map<string, SlotPool>();
  private readonly backoff: { baseMs: number; maxMs: number; resetAfterMs: number };
  private pausedUntilMs = 0;
  private backoffLevel = 0;
  private lastPenaltyAt = -Infinity;
  private readonly pauseEmitter = new Emitter<PauseEvent>();

  /** Fires when a 429 pauses (or lengthens the pause of) every submit and query. */
  readonly onDidPause: Event<PauseEvent> = this.pauseEmitter.event;

  constructor(options: AccountLimitsOptions) {
    this.clock = options.clock;
    const qps = options.accountQueriesPerSecond ?? ACCOUNT_QUERIES_PER_SECOND;
    this.jitterMs = options.jitterMs ?? DEFAULT_JITTER_MS;
    this.accountQueryRules = [{ count: 1, windowMs: 1000 / qps }, ...serviceWindows({ perSecond: qps }, this.jitterMs)];
    this.scheduler = new RateScheduler(options.clock, options.safetyMargin ?? 0.02, () => this.pausedUntilMs);
    this.backoff = { baseMs: 1000, maxMs: 30_000, resetAfterMs: 60_000, ...options.backoff };
  }

  /** Waits until one task query of model `key` at `perSecond` is allowed within the account budget, and books it. */
  acquire(key: string, perSecond: number, signal?: AbortSignal): Promise<void> {
    const own: RateRule[] = Number.isFinite(perSecond) && perSecond > 0 ? [{ count: 1, windowMs: 1000 / perSecond }, ...serviceWindows({ perSecond }, this.jitterMs)] : [];
    return this.scheduler.acquire(
      [
        { key: `query:${key}`, rules: own },
        { key: 'query:*', rules: this.accountQueryRules },
      ],
      signal,
    );
  }

  /** Waits until one submit (or sync/stream call) of model `key` is allowed at `rate`, and books it. */
  acquireSubmit(key: string, rate: SubmitRate, signal?: AbortSignal): Promise<void> {
    return this.scheduler.acquire([{ key: `submit:${key}`, rules: [...submitRules(rate), ...serviceWindows(rate, this.jitterMs)] }], signal);
  }

  /**
   * Waits (FIFO per key) for one of `concurrent` slots of model `key`. Hold it while the call is
   * in flight or the task is PENDING or RUNNING; release it when that ended. A non-finite limit
   * means unlimited (the catalog's "sync unlimited"); anything else is at least 1.
   */
  acquireSlot(key: string, concurrent: number | undefined, signal?: AbortSignal): Promise<ReleaseSlot> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const pool = this.pool(key);
    pool.limit = concurrent === undefined || !Number.isFinite(concurrent) ? Infinity : Math.max(1, Math.floor(concurrent));
    const take = (): ReleaseSlot => {
      pool.inUse++;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        pool.inUse--;
        this.grantNext(pool);
      };
    };
    if (pool.queue.length === 0 && pool.inUse < pool.limit) return Promise.resolve(take());
    return new Promise<ReleaseSlot>((resolve, reject) => {
      const onAbort = (): void => {
        pool.queue = pool.queue.filter((w) => w !== waiter);
        reject(abortReason(signal!));
      };
      const waiter: SlotWaiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve(take());
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      pool.queue.push(waiter);
    });
  }

  /** Slots of `key` held now (running calls and live tasks). */
  slotsInUse(key: string): number {
    return this.pools.get(key)?.inUse ?? 0;
  }

  /**
   * Slows the whole account down after a 429: no submit and no query leaves before `retryAfterMs`
   * has passed (the service's Retry-After), or a doubling backoff when the answer had none. A 429
   * that arrives during a pause belongs to the same episode and does not escalate the backoff
   * (ten jobs hitting the limit together are one event). Returns the pause from now, in ms.
   */
  penalize(retryAfterMs?: number): number {
    const now = this.clock.now();
    const fromRetryAfter = retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs >= 0;
    let ms: number;
    if (fromRetryAfter) {
      ms = retryAfterMs;
    } else {
      if (now - this.lastPenaltyAt > this.backoff.resetAfterMs) this.backoffLevel = 0;
      else if (now >= this.pausedUntilMs) this.backoffLevel++;
      ms = Math.min(this.backoff.maxMs, this.backoff.baseMs * 2 ** this.backoffLevel);
    }
    this.lastPenaltyAt = now;
    const until = now + ms;
    if (until > this.pausedUntilMs) {
      this.pausedUntilMs = until;
      this.pauseEmitter.fire({ until, ms, fromRetryAfter });
    }
    return Math.max(0, this.pausedUntilMs - now);
  }

  /**
   * Feed for the client's `onRetry`: a 429 pauses the account (see {@link penalize}) and, when it
   * was a model's full window, holds that model's submits until the window reopens; other
   * retries (503, resets) are one request's trouble and change nothing here.
   */
  observeRetry(event: RetryEvent): void {
    if (event.error.httpStatus !== 429) return;
    this.penalize(event.error.retryAfterMs);
    // A model's window is full (its own 429, e.g. 2 a minute used by another process): its
    // submits wait for the window with the retry, the rest of the account only for the pause.
    if (event.rateWindow) this.scheduler.hold(`submit:${event.rateWindow.model}`, this.clock.now() + event.delayMs);
  }

  /** How long the account is still paused, in ms (0 when it is not). */
  pausedForMs(): number {
    return Math.max(0, this.pausedUntilMs - this.clock.now());
  }

  private pool(key: string): SlotPool {
    let p = this.pools.get(key);
    if (!p) {
      p = { inUse: 0, limit: Infinity, queue: [] };
      this.pools.set(key, p);
    }
    return p;
  }

  private grantNext(pool: SlotPool): void {
    while (pool.queue.length > 0 && pool.inUse < pool.limit) pool.queue.shift()!.grant();
  }
}
