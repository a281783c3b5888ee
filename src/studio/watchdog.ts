// A watch on each load of the studio page. VS Code loads a webview's scripts through a service
// worker; now and then a load never completes (the worker's request is lost, and it gives up only
// after 30 s, microsoft/vscode#125993 and kin), which leaves the studio blank. Every load ends
// with the page's `ready`; when that does not come in time, the panel hands the page to the
// webview again (a fresh frame and fresh requests), waiting longer each time, then tells the
// user (a `ready` that comes after that is still taken). Plain TypeScript with an injected
// timer, so it is unit-tested without VS Code.

/**
 * How long each try may take before the page is handed over again: 10 s (a load here takes
 * well under 1 s; a lost request hangs for 30 s), then longer, so that a slow link, where the
 * 200 KB bundle itself takes seconds, still gets its page. After the last, the user is told.
 */
export const LOAD_TIMEOUTS_MS: readonly number[] = [10_000, 20_000, 30_000];

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface LoadWatchdogEvents {
  /** The page did not report `ready` within `waitedMs`; `attempt` counts from 1. Load it again. */
  retry(attempt: number, waitedMs: number): void;
  /** It did not load after every retry either. */
  giveUp(attempts: number): void;
}

export class LoadWatchdog {
  private timer: unknown;
  private attempt = 0;

  constructor(
    private readonly events: LoadWatchdogEvents,
    private readonly timers: Timers = { setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
    private readonly timeoutsMs: readonly number[] = LOAD_TIMEOUTS_MS,
  ) {}

  /** A load started (the page was set, or a hidden panel was shown and VS Code reloads it). */
  loading(): void {
    this.stop();
    const ms = this.timeoutsMs[Math.min(this.attempt, this.timeoutsMs.length - 1)]!;
    this.timer = this.timers.setTimeout(() => this.expired(ms), ms);
  }

  /** The page reported `ready` (even after giving up): this load is done; the next starts afresh. */
  ready(): void {
    this.stop();
    this.attempt = 0;
  }

  /** No page to wait for (the panel was hidden or closed). */
  stop(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Whether a load is being watched. */
  get watching(): boolean {
    return this.timer !== undefined;
  }

  private expired(waitedMs: number): void {
    this.timer = undefined;
    if (this.attempt >= this.timeoutsMs.length - 1) {
      const attempts = this.attempt + 1;
      this.attempt = 0;
      this.events.giveUp(attempts);
      return;
    }
    this.attempt += 1;
    this.events.retry(this.attempt, waitedMs);
    this.loading();
  }
}
