/**
 * How long to wait before a retry, and the wait itself: the injected clock, exponential backoff
 * with full jitter, `Retry-After`, and the window of a model that allows only a few calls a
 * minute. The transport decides *whether* to retry; this module says *how long* and reports the
 * wait as it runs down, so a CLI line, a notification and a jobs list can count down.
 *
 * Section numbers refer to ../shared/reference/dashscope-api.md ("§") and newer-models.md ("N§").
 */
import { CLIENT_ERROR_CODES, type DashScopeError } from './errors.js';

/** Time source and sleep; tests inject a fake one. `sleep` rejects with the signal's reason on abort. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(abortReason(signal!));
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** The reason an aborted signal carries (a DOMException AbortError unless the caller gave one). */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/** Retry policy; defaults: 3 retries, 500 ms base, 8 s cap, honour Retry-After up to 60 s. */
export interface RetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A `Retry-After` longer than this is not waited for: the error is thrown with the hint instead. */
  maxRetryAfterMs: number;
  /** Random source in [0, 1) for the jitter (tests make it deterministic). */
  random: () => number;
}

/** Default {@link RetryPolicy}. */
export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 3, baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 60_000, random: Math.random };

/**
 * A model's submit window as the catalog states it (qwen-image-max: 2 calls per 60 s, N§4). The
 * service counts it per account on its own clock, and calls made by another process (an earlier
 * CLI run) count too, so after a 429 nothing here knows when the oldest call leaves the window:
 * only that it has left a full window later.
 */
export interface RateWindow {
  /** The catalog's wire model name (`ModelSpec.model`): what messages name and the job manager keys its limits by. */
  model: string;
  requests: number;
  windowMs: number;
}

/**
 * Added to a window before retrying into it: the service's clock and ours disagree by network
 * time, and a retry that arrives a moment early is refused again and costs a whole window more.
 */
export const RATE_WINDOW_SLACK_MS = 1000;

/** Reported before each retry so the UI can say "rate limited, retrying in 4 s". */
export interface RetryEvent {
  /** 1 for the first retry. */
  attempt: number;
  maxRetries: number;
  delayMs: number;
  error: DashScopeError;
  method: string;
  /** Path (or host) of the request, never with credentials. */
  target: string;
  /** Set when the wait is the model's window reopening (a 429 without Retry-After on a model with one). */
  rateWindow?: RateWindow;
}

/** Reported on every whole second while a retry waits (and once as it starts), for countdowns. */
export interface WaitEvent {
  /** Time left before the retry is sent. */
  remainingMs: number;
  retry: RetryEvent;
}

/** Parses `Retry-After`: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | string[] | undefined, now: number): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  const trimmed = v.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Backoff delay of retry `attempt` (1-based): full jitter over an exponential cap. */
export function backoffDelay(attempt: number, policy: RetryPolicy): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(policy.random() * cap);
}

/**
 * How long to wait before retry `attempt` after `error`. The service's Retry-After wins; a 429
 * without one on a model whose window is known waits the window out (retrying by the second
 * would only meet the same full window, §1.6 warns bursts of refused calls trip BurstRate);
 * anything else backs off.
 */
export function retryDelay(error: DashScopeError, attempt: number, policy: RetryPolicy, window: RateWindow | undefined): { delayMs: number; rateWindow?: RateWindow } {
  if (error.retryAfterMs !== undefined) return { delayMs: error.retryAfterMs };
  if (window && error.httpStatus === 429) return { delayMs: window.windowMs + RATE_WINDOW_SLACK_MS, rateWindow: window };
  return { delayMs: backoffDelay(attempt, policy) };
}

/**
 * Sleeps `ms` on `clock`. With `onTick`, the sleep is cut at whole seconds of time left and
 * reported at each (61 s, 60 s, … 1 s), so a countdown shows the real remaining time.
 */
export async function waitOut(clock: Clock, ms: number, signal: AbortSignal | undefined, onTick?: (remainingMs: number) => void): Promise<void> {
  if (!onTick) return clock.sleep(ms, signal);
  const until = clock.now() + ms;
  for (let left = ms; left > 0; left = until - clock.now()) {
    onTick(left);
    await clock.sleep(left % 1000 || 1000, signal);
  }
}

function perWindow(w: RateWindow): string {
  return w.windowMs === 60_000 ? 'a minute' : `per ${Math.round(w.windowMs / 1000)} s`;
}

/**
 * Describes a retry for humans: "rate limited, retrying in 4 s (attempt 1 of 3)", or for a
 * window "rate limited: qwen-image-max allows 2 requests a minute; waiting 61 s for the window
 * to reopen (attempt 1 of 3)".
 */
export function describeRetry(e: Pick<RetryEvent, 'attempt' | 'maxRetries' | 'delayMs' | 'error' | 'rateWindow'>): string {
  const secs = Math.max(1, Math.round(e.delayMs / 1000));
  const attempt = `(attempt ${e.attempt} of ${e.maxRetries})`;
  if (e.rateWindow) return `rate limited: ${e.rateWindow.model} allows ${e.rateWindow.requests} requests ${perWindow(e.rateWindow)}; waiting ${secs} s for the window to reopen ${attempt}`;
  const why =
    e.error.httpStatus === 429 || e.error.code.startsWith('Throttling')
      ? 'rate limited'
      : e.error.code === CLIENT_ERROR_CODES.network
        ? 'connection failed'
        : e.error.code === CLIENT_ERROR_CODES.timeout
          ? 'timed out'
          : `service error ${e.error.httpStatus ?? e.error.code}`;
  return `${why}, retrying in ${secs} s ${attempt}`;
}
