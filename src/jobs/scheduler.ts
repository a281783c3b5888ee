/**
 * The waiting room behind every rate rule of one account: waiters leave in FIFO order as soon as
 * each bucket they need allows it, on an injected clock. {@link AccountLimits} (limits.ts) owns
 * one and decides which buckets and rules each kind of request needs.
 */
import { abortReason, type Clock } from '../dashscope/transport.js';

/** At most `count` events in any window of `windowMs` (before the safety margin). */
export interface RateRule {
  count: number;
  windowMs: number;
}

interface Bucket {
  rules: RateRule[];
  /** Release times, oldest first; only as many as the largest rule count. */
  log: number[];
  /** Nobody leaves before this clock time (the service said the bucket's window is full). */
  heldUntil?: number;
}

interface RateWaiter {
  buckets: Bucket[];
  resolve(): void;
  reject(reason: unknown): void;
  detach(): void;
}

/**
 * Releases waiters in FIFO order as soon as every bucket they need allows it and the account is
 * not paused. One pump loop sleeps until the earliest time anybody may go; a waiter blocked on
 * its own model does not hold back waiters of other models (no head-of-line blocking), while
 * waiters with the same buckets keep their order.
 */
export class RateScheduler {
  private readonly buckets = new Map<string, Bucket>();
  private waiters: RateWaiter[] = [];
  private pumping = false;
  private wake: AbortController | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly margin: number,
    private readonly pausedUntil: () => number,
  ) {}

  /** Waits until one event in each of `needs` is allowed, and records it in all of them. */
  acquire(needs: ReadonlyArray<{ key: string; rules: RateRule[] }>, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    const buckets = needs.filter((n) => n.rules.length > 0).map((n) => this.bucket(n.key, n.rules));
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(abortReason(signal!));
        this.poke();
      };
      const waiter: RateWaiter = {
        buckets,
        resolve,
        reject,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
      this.poke();
    });
  }

  /**
   * Keeps every waiter of `key` until `until`, and books one event then: the service refused for
   * a full window, and the refused call's own retry goes at `until` outside this scheduler.
   */
  hold(key: string, until: number): void {
    let b = this.buckets.get(key);
    if (!b) {
      b = { rules: [], log: [] };
      this.buckets.set(key, b);
    }
    b.heldUntil = Math.max(b.heldUntil ?? 0, until);
    this.book(b, until);
    this.poke();
  }

  private book(b: Bucket, at: number): void {
    b.log.push(at);
    b.log.sort((x, y) => x - y);
    const keep = Math.max(1, ...b.rules.map((r) => r.count));
    if (b.log.length > keep) b.log.splice(0, b.log.length - keep);
  }

  private bucket(key: string, rules: RateRule[]): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = { rules, log: [] };
      this.buckets.set(key, b);
    }
    // The latest figures win (a catalog update, or a caller that knows better).
    b.rules = rules;
    return b;
  }

  /** Starts the pump, or wakes it to look again (a new waiter may be allowed sooner). */
  private poke(): void {
    if (this.pumping) this.wake?.abort();
    else void this.pump();
  }

  private earliest(w: RateWaiter): number {
    let at = 0;
    for (const b of w.buckets) {
      at = Math.max(at, b.heldUntil ?? 0);
      for (const r of b.rules) {
        if (b.log.length >= r.count) at = Math.max(at, b.log[b.log.length - r.count]! + r.windowMs * (1 + this.margin));
      }
    }
    return at;
  }

  private release(w: RateWaiter, now: number): void {
    for (const b of w.buckets) this.book(b, now);
    this.waiters = this.waiters.filter((x) => x !== w);
    w.detach();
    w.resolve();
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      while (this.waiters.length > 0) {
        const now = this.clock.now();
        let next = this.pausedUntil();
        if (next <= now) {
          next = Infinity;
          for (const w of [...this.waiters]) {
            const at = this.earliest(w);
            if (at <= now) this.release(w, now);
            else next = Math.min(next, at);
          }
        }
        if (this.waiters.length === 0) break;
        if (next === Infinity) continue;
        this.wake = new AbortController();
        try {
          await this.clock.sleep(next - now, this.wake.signal);
        } catch {
          // Woken early: look again.
        }
        this.wake = undefined;
      }
    } finally {
      this.pumping = false;
    }
  }
}
