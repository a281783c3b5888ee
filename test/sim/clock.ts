/**
 * The simulator's clock. Everything the simulator times — task durations, sync call time, SSE
 * pacing, fault delays, throttled downloads, URL and upload expiry, the timestamps it reports —
 * goes through one `SimClock`, so a test can run the simulator on simulated time and assert
 * durations exactly instead of measuring a busy machine. The shape matches the client's `Clock`
 * (src/dashscope/transport.ts) plus a cancellable timer, but nothing is shared with src/: the
 * simulator is an independent implementation (test/unit/catalog-agreement.test.ts checks that).
 *
 * Unlike the client's clock, `sleep` RESOLVES when its signal aborts: the simulator's callers
 * check whether their exchange is gone afterwards, and an abort is not an error for them.
 */

export interface SimClock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `fn` once `ms` have passed; the returned function cancels it. */
  timer(fn: () => void, ms: number): () => void;
  /** Resolves after `ms` (at once for `ms <= 0`), or as soon as `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** `sleep` on top of any clock's `timer`, with the abort behaviour described above. */
function sleepOn(clock: Pick<SimClock, 'timer'>, ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      cancel();
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const cancel = clock.timer(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Wall-clock time and node timers: the default everywhere outside tests. */
export const realClock: SimClock = {
  now: () => Date.now(),
  timer(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(t);
  },
  sleep(ms, signal) {
    return sleepOn(realClock, ms, signal);
  },
};

interface FakeTimer {
  at: number;
  seq: number;
  fn: () => void;
}

/** Lets callbacks' promise chains (and pending I/O callbacks) run before the next timer fires. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Simulated time for tests. Time moves only when the test says so (`advance`, `next`), or, with
 * `autoAdvance`, whenever a timer is set: the clock then jumps to the earliest pending timer
 * and fires it, so the simulator runs as fast as the machine allows while every duration it
 * waits is counted exactly. `delays` records every timer's delay in the order they were set.
 */
export class FakeClock implements SimClock {
  private time: number;
  private seq = 0;
  private timers: FakeTimer[] = [];
  private waiters: { count: number; resolve: () => void }[] = [];
  readonly delays: number[] = [];
  readonly autoAdvance: boolean;

  constructor(opts: { start?: number; autoAdvance?: boolean } = {}) {
    // A fixed, round start so the reported timestamps are predictable: 2026-06-11T08:00:00Z.
    this.time = opts.start ?? Date.UTC(2026, 5, 11, 8, 0, 0);
    this.autoAdvance = opts.autoAdvance ?? false;
  }

  now(): number {
    return this.time;
  }

  timer(fn: () => void, ms: number): () => void {
    const delay = Math.max(0, ms);
    const entry: FakeTimer = { at: this.time + delay, seq: this.seq++, fn };
    this.timers.push(entry);
    this.delays.push(delay);
    this.waiters = this.waiters.filter((w) => (this.timers.length >= w.count ? (w.resolve(), false) : true));
    if (this.autoAdvance) setImmediate(() => this.fireEarliest());
    return () => {
      this.timers = this.timers.filter((t) => t !== entry);
    };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  /** Delays from now of the timers still pending, soonest first. */
  pending(): number[] {
    return this.sorted().map((t) => t.at - this.time);
  }

  /** Resolves once at least `count` timers are pending (an event, not a poll). */
  whenPending(count = 1): Promise<void> {
    if (this.timers.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }

  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way at its own time,
   * in order, and letting what each one starts run before the next (timers it sets within the
   * span fire too).
   */
  async advance(ms: number): Promise<void> {
    const target = this.time + Math.max(0, ms);
    for (;;) {
      const due = this.sorted()[0];
      if (!due || due.at > target) break;
      this.fire(due);
      await turn();
    }
    this.time = target;
    await turn();
  }

  /** Waits for a pending timer, moves time to the soonest one and fires it; returns how far time moved. */
  async next(): Promise<number> {
    await this.whenPending();
    const step = this.sorted()[0]!.at - this.time;
    await this.advance(step);
    return step;
  }

  private sorted(): FakeTimer[] {
    return [...this.timers].sort((a, b) => a.at - b.at || a.seq - b.seq);
  }

  private fire(t: FakeTimer): void {
    this.timers = this.timers.filter((x) => x !== t);
    this.time = Math.max(this.time, t.at);
    t.fn();
  }

  private fireEarliest(): void {
    const due = this.sorted()[0];
    if (due) this.fire(due);
  }
}
