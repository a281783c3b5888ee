/**
 * Rate limits (API §8, NEW §4; numbers from the model table's `rateLimits`, ./models.ts):
 * - submit / sync requests per account and model in a sliding window (1 s, or 60 s for the
 *   "2 / minute" models);
 * - concurrent work per account and model: async tasks PENDING or RUNNING, or sync calls in
 *   flight (`null`: unlimited, NEW §4 "sync unlimited");
 * - task queries (`GET /tasks/{id}`) per account: 20/s (API §5.1), and per model where the
 *   reference documents less (qwen-mt-image: 1/s, API §8);
 * - getPolicy: 100 per second per account and model (API §7).
 * Exceeding any of them → 429 `Throttling.RateQuota` "Requests rate limit exceeded, please try again later."
 * Each key is its own account (see auth.ts).
 */
import { MSG, SimError } from './errors.js';

/** What the limiter reads the time from; tests pass a fake one so a window passes without waiting. */
export interface LimiterClock {
  now(): number;
}

const wallClock: LimiterClock = { now: () => Date.now() };

export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private readonly inFlight = new Map<string, number>();

  constructor(
    public enabled: boolean,
    private readonly clock: LimiterClock = wallClock,
  ) {}

  /**
   * Records one request under `bucket` or throws 429 when `limit` were already seen in the last
   * `windowMs`. The 429 carries no Retry-After: the reference documents none for rate limits
   * (API §1.6, §8), so a client has to know the window itself.
   */
  take(bucket: string, limit: number, windowMs = 1000): void {
    if (!this.enabled) return;
    const now = this.clock.now();
    const list = (this.hits.get(bucket) ?? []).filter((t) => now - t < windowMs);
    if (list.length >= limit) {
      this.hits.set(bucket, list);
      throw rateQuotaError();
    }
    list.push(now);
    this.hits.set(bucket, list);
  }

  /** Throws 429 when `active` (work already in progress) has reached `limit` (`null`: unlimited). */
  checkConcurrent(active: number, limit: number | null): void {
    if (!this.enabled || limit === null) return;
    if (active >= limit) throw rateQuotaError();
  }

  /** Sync calls in flight per bucket. */
  acquire(bucket: string, limit: number | null): () => void {
    const cur = this.inFlight.get(bucket) ?? 0;
    this.checkConcurrent(cur, limit);
    this.inFlight.set(bucket, cur + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlight.set(bucket, (this.inFlight.get(bucket) ?? 1) - 1);
    };
  }
}

export function rateQuotaError(retryAfterSeconds?: number): SimError {
  return new SimError(429, 'Throttling.RateQuota', MSG.rateQuota, retryAfterSeconds !== undefined ? { 'Retry-After': String(retryAfterSeconds) } : {});
}
