// A watch on each load of the studio page. VS Code loads a webview's scripts through a service
// worker; now and then a load never completes (the worker's request is lost, and it gives up only
// after 30 s, microsoft/vscode#125993 and kin), which leaves the studio blank. Every load ends
// with the page's `ready`; when that does not come in time, the panel hands the page to the
// webview again (a fresh frame and fresh requests), a few times, then tells the user. Plain
// TypeScript with an injected timer, so it is unit-tested without VS Code.

/** How long a load may take before it is tried again: far above a slow machine's 2 s. */
export const LOAD_TIMEOUT_MS = 10_000;
/** Loads tried again before the user is told (each after LOAD_TIMEOUT_MS). */
export const LOAD_RETRIES = 2;

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface LoadWatchdogEvents {
  /** The page did not report `ready` in time; `attempt` counts from 1. Load it again. */
  retry(attempt: number): void;
  /** It did not load after every retry either. */
  giveUp(attempts: number): void;
}

export class LoadWatchdog {
  private timer: unknown;
  private attempt = 0;

  constructor(
    private readonly events: LoadWatchdogEvents,
    private readonly timers: Timers = { setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
    private readonly timeoutMs = LOAD_TIMEOUT_MS,
    private readonly retries = LOAD_RETRIES,
  ) {}

  /** A load started (the page was set, or a hidden panel was shown and VS Code reloads it). */
  loading(): void {
    this.stop();
    this.timer = this.timers.setTimeout(() => this.expired(), this.timeoutMs);
  }

  /** The page reported `ready`: this load is done, and the next one starts with a full allowance. */
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

  private expired(): void {
    this.timer = undefined;
    if (this.attempt >= this.retries) {
      const attempts = this.attempt + 1;
      this.attempt = 0;
      this.events.giveUp(attempts);
      return;
    }
    this.attempt += 1;
    this.events.retry(this.attempt);
    this.loading();
  }
}
