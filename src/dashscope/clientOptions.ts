/**
 * What callers hand the {@link DashScopeClient} and what it reports back: client and per-call
 * options, the progress events the extension and the CLI turn into text, and the one function
 * that turns what the CLI (flags, environment) and the extension (settings) gather into options.
 */
import type { Dispatcher } from 'undici';
import { durationScaleFrom, type DurationStore } from './durations.js';
import { checkBaseUrl } from './endpoints.js';
import type { Region } from './catalog/index.js';
import type { GenerationRequest, Route } from './requests/index.js';
import type { StreamDelta } from './stream.js';
import type { TaskQueryLimiter, TaskStatusEvent } from './tasks.js';
import type { Clock, Logger, RateWindow, RetryEvent, RetryPolicy, Timeouts, WaitEvent } from './transport.js';
import type { UploadEvent } from './upload.js';

/** Options of {@link DashScopeClient}. */
export interface DashScopeClientOptions {
  /** The DashScope key (`sk-…`). Never logged, never sent anywhere but the API base URL. */
  apiKey: string;
  /** Default `beijing`. Keys are region-bound (§1.1). */
  region?: Region;
  /** A custom API base URL ending in `/api/v1` (workspace domains, the simulator). Overrides `region` for routing. */
  baseUrl?: string;
  /** An injected dispatcher (the caller keeps ownership). */
  dispatcher?: Dispatcher;
  /** A proxy URL (VS Code `http.proxy`); ignored when `dispatcher` is given. */
  proxyUrl?: string;
  /** Honour HTTPS_PROXY / NO_PROXY (the CLI); ignored when `dispatcher` or `proxyUrl` is given. */
  useEnvProxy?: boolean;
  timeouts?: Partial<Timeouts>;
  retry?: Partial<RetryPolicy>;
  logger?: Logger;
  /** Injected time source (tests). */
  clock?: Clock;
  /** `X-DashScope-WorkSpace` for RAM sub-account keys (§1.3). */
  workspace?: string;
  userAgent?: string;
  /** Called before every automatic retry of any call. */
  onRetry?: (event: RetryEvent) => void;
  /** Called as the wait before any retry runs down (countdowns). */
  onWait?: (event: WaitEvent) => void;
  /** The shortest wait before any retry (an account-wide pause after a 429); see TransportOptions. */
  retryFloorMs?: () => number;
  /** Paces task queries; default one {@link QueryRateLimiter} per client. Pass one shared limiter when several clients use one account. */
  limiter?: TaskQueryLimiter;
  /** Poll schedule tuning: `durationScale` multiplies every model's typical duration (simulator with scaled timing). */
  poll?: { durationScale?: number; minIntervalMs?: number; maxIntervalMs?: number; durations?: DurationStore };
}

/**
 * One account's pacing, shared by every client of that account (the job manager's limits): task
 * queries within the account's budget, and a 429 on any call slows every job down.
 */
export interface AccountPacing extends TaskQueryLimiter {
  observeRetry(event: RetryEvent): void;
  /** How long every call should still wait after a 429 (0 when none). */
  pausedForMs(): number;
}

/** What a front end gathers before it builds a client: the CLI from flags and the environment, the extension from settings. */
export interface ClientSetup {
  readonly apiKey: string;
  /** The service region; undefined for a custom endpoint alone (then `baseUrl` says where). */
  readonly region?: Region | undefined;
  /**
   * An address the user chose (`--base-url`, `bailian.customBaseUrl`, `bailian.regionBaseUrls.*`)
   * or an official endpoint, with the flag or setting it came from: the key goes there only if
   * {@link checkBaseUrl} accepts it.
   */
  readonly baseUrl?: { readonly value: string; readonly from: string } | undefined;
  /** A proxy URL (VS Code's `http.proxy`); blank means none. */
  readonly proxy?: string | undefined;
  /** Honour HTTPS_PROXY / NO_PROXY instead (the CLI). */
  readonly useEnvProxy?: boolean;
  /** The raw value of the poll-scale environment variable (a simulator with scaled timing). */
  readonly pollScale?: string | undefined;
  readonly durations?: DurationStore | undefined;
  readonly account?: AccountPacing | undefined;
  readonly userAgent: string;
  readonly onRetry?: ((event: RetryEvent) => void) | undefined;
  readonly retry?: Partial<RetryPolicy>;
  readonly logger?: Logger;
  readonly clock?: Clock | undefined;
}

/** Options for a {@link ClientSetup}, or the address that cannot carry the key and why (the caller words the error for its own front end). */
export type AssembledClientOptions =
  | { readonly ok: true; readonly options: DashScopeClientOptions }
  | { readonly ok: false; readonly from: string; readonly value: string; readonly reason: string };

/** The client options of a {@link ClientSetup}: the one place both front ends check the address and wire the poll schedule and the account's pacing. */
export function assembleClientOptions(setup: ClientSetup): AssembledClientOptions {
  let baseUrl: string | undefined;
  if (setup.baseUrl) {
    const checked = checkBaseUrl(setup.baseUrl.value);
    if (!checked.ok) return { ok: false, from: setup.baseUrl.from, value: setup.baseUrl.value, reason: checked.reason };
    baseUrl = checked.url;
  }
  const proxy = setup.proxy?.trim();
  const scale = durationScaleFrom(setup.pollScale);
  const { account, onRetry } = setup;
  const options: DashScopeClientOptions = {
    apiKey: setup.apiKey,
    ...(setup.region ? { region: setup.region } : {}),
    ...(baseUrl ? { baseUrl } : {}),
    ...(proxy ? { proxyUrl: proxy } : setup.useEnvProxy ? { useEnvProxy: true } : {}),
    userAgent: setup.userAgent,
    ...(setup.logger ? { logger: setup.logger } : {}),
    ...(setup.clock ? { clock: setup.clock } : {}),
    ...(setup.retry ? { retry: setup.retry } : {}),
    ...(scale || setup.durations ? { poll: { ...(scale ? { durationScale: scale } : {}), ...(setup.durations ? { durations: setup.durations } : {}) } } : {}),
    ...(account ? { limiter: account, retryFloorMs: () => account.pausedForMs() } : {}),
    ...(account || onRetry
      ? {
          onRetry: (event: RetryEvent) => {
            account?.observeRetry(event);
            onRetry?.(event);
          },
        }
      : {}),
  };
  return { ok: true, options };
}

/** Progress of a {@link DashScopeClient.generate} call, for status bars and the CLI. */
export type ProgressEvent =
  | { type: 'upload'; index: number; name: string; bytes: number; phase: UploadEvent['phase'] }
  | { type: 'request'; model: string; mode: Route['mode']; endpoint: string }
  | { type: 'submitted'; taskId: string; requestId?: string }
  | { type: 'status'; taskId: string; status: string; elapsedMs: number; queries: number; nextQueryInMs?: number }
  | { type: 'retry'; attempt: number; maxRetries: number; delayMs: number; code: string; message: string }
  /** A retry's wait running down; `rateWindow` when it waits for the model's rate window to reopen. */
  | { type: 'wait'; remainingMs: number; code: string; rateWindow?: RateWindow }
  | { type: 'delta'; delta: StreamDelta };

/** Per-call options. */
export interface CallOptions {
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
}

/** Options of {@link DashScopeClient.generate}. */
export interface GenerateOptions extends CallOptions {
  /** Use the model's async task variant (qwen-image-plus, qwen-image, wan2.6-t2i, wan2.6-image), e.g. so the job survives a reload. */
  async?: boolean;
  /** Stop waiting for an async task after this long (`WaitTaskTimeout`); default no limit. */
  waitTimeoutMs?: number;
  /** Called once an async task is submitted, with what is needed to resume it later. */
  onSubmitted?: (task: SubmittedTask) => void;
  /** Upload local images even where a data: URI would do. */
  forceUpload?: boolean;
}

/** A submitted async task: enough to wait for it now or resume it within 24 h. */
export interface SubmittedTask {
  taskId: string;
  /** Catalog id of the model. */
  model: string;
  status: string;
  requestId?: string;
  /** Local epoch ms of the submit. */
  submittedAt: number;
}

/** Options of {@link DashScopeClient.waitForTask}. */
export interface WaitForTaskOptions extends CallOptions {
  timeoutMs?: number;
  /** Local epoch ms of the submit, if known (improves the schedule). */
  submittedAt?: number;
  /** The original request, if known: fills seeds and sizes into the result. */
  request?: GenerationRequest;
  onStatus?: (event: TaskStatusEvent) => void;
}
