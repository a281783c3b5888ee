/**
 * What the job tests share: a clock whose time moves only when a test fires its next timer, so
 * schedules of minutes run at once and in a known order.
 */
import type { Clock } from '../../src/dashscope/transport';

/** A clock whose time moves only when a test fires its next timer. */
export class TimerClock implements Clock {
  time = 1_000_000;
  private timers: Array<{ at: number; seq: number; fire: () => void }> = [];
  private seq = 0;

  now(): number {
    return this.time;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = (): void => {
        this.timers = this.timers.filter((t) => t !== timer);
        reject(signal!.reason);
      };
      const timer = {
        at: this.time + Math.max(0, ms),
        seq: this.seq++,
        fire: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.push(timer);
    });
  }

  /** Lets every pending promise continuation run; no time passes. */
  async settle(): Promise<void> {
    for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Fires the earliest timer (moving time to it); false when nothing waits. */
  async step(): Promise<boolean> {
    await this.settle();
    if (this.timers.length === 0) return false;
    this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const timer = this.timers.shift()!;
    this.time = Math.max(this.time, timer.at);
    timer.fire();
    await this.settle();
    return true;
  }

  /** Fires timers until `done` holds; throws if everything waits on nothing (a deadlock). */
  async runUntil(done: () => boolean, what = 'condition'): Promise<void> {
    for (let i = 0; !done(); i++) {
      if (i > 200_000) throw new Error(`too many steps waiting for ${what}`);
      if (!(await this.step()) && !done()) throw new Error(`deadlock waiting for ${what}`);
    }
  }

  /** Fires every timer due within `ms` from now, then sets the time to exactly now + ms. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await this.settle();
      const due = this.timers.filter((t) => t.at <= end);
      if (due.length === 0) break;
      await this.step();
    }
    this.time = end;
    await this.settle();
  }
}
