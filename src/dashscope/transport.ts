/**
 * HTTP transport on undici: an injected `Dispatcher` (never the global one), timeouts, an
 * AbortSignal on every call, DashScope headers, and bounded retries (how long each waits:
 * retry.ts — backoff, `Retry-After`, or a model's rate window).
 *
 * What is retried (§1.6, §6): 408/429/500/502/503/504 and connection failures, but only while no
 * response body was consumed: a POST whose 200 body broke mid-way may already have generated (and
 * billed) images, so repeating it is the caller's decision. GETs are idempotent and always retried.
 * 4xx validation/auth errors are never retried.
 *
 * Section numbers refer to ../shared/reference/dashscope-api.md.
 */
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type * as Undici from 'undici';
import type { Dispatcher } from 'undici';

let undiciModule: typeof Undici | undefined;

/**
 * undici, loaded on first use rather than with the bundle: setting it up takes ~20 ms, which
 * the extension's first command of a window (a picker, the studio's services) would otherwise
 * wait for before anything is sent. In the extension it is its own bundle (dist/undici.js, see
 * esbuild.mjs), so loading dist/services.js does not even read it. Clients are made on the
 * first request.
 */
export function undici(): typeof Undici {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a deferred load (see above)
  return (undiciModule ??= require('undici') as typeof Undici);
}
import { REGION_BASE_URLS, type Region } from './catalog/index.js';
import { CLIENT_ERROR_CODES, DashScopeError, errorFromEnvelope, isAbortError, networkError, redactSecrets } from './errors.js';
import { abortReason, DEFAULT_RETRY, parseRetryAfter, retryDelay, systemClock, waitOut, type Clock, type RateWindow, type RetryEvent, type RetryPolicy, type WaitEvent } from './retry.js';
import { stripBom } from './schemas.js';

export {
  abortReason,
  backoffDelay,
  DEFAULT_RETRY,
  parseRetryAfter,
  RATE_WINDOW_SLACK_MS,
  systemClock,
  type Clock,
  type RateWindow,
  type RetryEvent,
  type RetryPolicy,
  type WaitEvent,
} from './retry.js';

/** Where log lines go. Never receives the API key or whole base64 payloads. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A logger that drops everything. */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Timeouts in ms. headers: sync generations take up to ~300 s on the service (`x-dashscope-timeout: 298`, §1.4). */
export interface Timeouts {
  connectMs: number;
  headersMs: number;
  /** Max idle time between body chunks (also between SSE events). */
  bodyMs: number;
}

/** Default {@link Timeouts}. */
export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 15_000, headersMs: 300_000, bodyMs: 300_000 };

/** Options of {@link createDispatcher}. */
export interface DispatcherOptions {
  /** An explicit proxy (VS Code's `http.proxy`). */
  proxyUrl?: string;
  /** Read HTTP(S)_PROXY / NO_PROXY from the environment (the CLI). Ignored when proxyUrl is set. */
  useEnvProxy?: boolean;
  connectTimeoutMs?: number;
}

/**
 * Builds the dispatcher the client owns: a `ProxyAgent` for an explicit proxy, an
 * `EnvHttpProxyAgent` (honours NO_PROXY) for environment proxies, else a plain `Agent`.
 */
export function createDispatcher(options: DispatcherOptions = {}): Dispatcher {
  const connect = { timeout: options.connectTimeoutMs ?? DEFAULT_TIMEOUTS.connectMs };
  const { Agent, EnvHttpProxyAgent, ProxyAgent } = undici();
  if (options.proxyUrl) return new ProxyAgent({ uri: options.proxyUrl, connect, proxyTls: connect });
  if (options.useEnvProxy) return new EnvHttpProxyAgent({ connect });
  return new Agent({ connect });
}

/** The API base URL of a region, or a custom one (without trailing slash). */
export function resolveBaseUrl(region: Region | undefined, baseUrl: string | undefined): string {
  const url = baseUrl ?? REGION_BASE_URLS[region ?? 'beijing'];
  return url.replace(/\/+$/, '');
}

/** Options of {@link Transport}. */
export interface TransportOptions {
  apiKey: string;
  baseUrl: string;
  dispatcher: Dispatcher;
  timeouts?: Partial<Timeouts>;
  retry?: Partial<RetryPolicy>;
  logger?: Logger;
  clock?: Clock;
  userAgent?: string;
  /** Optional DashScope workspace (`X-DashScope-WorkSpace`, §1.3). */
  workspace?: string;
  onRetry?: (event: RetryEvent) => void;
  /** Called as every retry's wait runs down (see {@link waitOut}). */
  onWait?: (event: WaitEvent) => void;
  /**
   * The shortest wait before any retry, asked after `onRetry` ran: an account-wide pause (a 429
   * slows the whole account, src/jobs/limits.ts) so a retry does not hit the same limit again.
   */
  retryFloorMs?: () => number;
}

/** One HTTP call. Either `path` (relative to the API base, authenticated) or `url` (absolute, NOT authenticated). */
export interface CallOptions {
  method: 'GET' | 'POST';
  path?: string;
  url?: string;
  /** JSON body (serialized here) or a raw undici body (FormData for the upload). */
  json?: unknown;
  body?: Dispatcher.DispatchOptions['body'];
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Safe to repeat even after a body was consumed (GET). Default: method === 'GET'. */
  idempotent?: boolean;
  /** Overrides the retry policy for this call (e.g. `{maxRetries: 0}`). */
  retry?: Partial<RetryPolicy>;
  onRetry?: (event: RetryEvent) => void;
  onWait?: (event: WaitEvent) => void;
  /** The submit window of the model this call sends to, where the catalog has one: a 429 without Retry-After waits it out. */
  rateWindow?: RateWindow;
  /** Short name for logs ("submit", "query task"). */
  label?: string;
}

/** A JSON response: status, headers and the parsed body (BOM stripped). */
export interface JsonResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  requestId: string | undefined;
}

/** A response whose body the caller reads (SSE, downloads). */
export interface StreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** Decoded (gunzipped if needed) body. Destroy it to stop reading. */
  body: Readable;
  requestId: string | undefined;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Wraps the body in a decompressor when the server compressed it although we did not ask. */
function decodeBody(body: Readable, encoding: string | undefined): Readable {
  switch (encoding?.toLowerCase()) {
    case 'gzip':
    case 'x-gzip':
      return body.pipe(createGunzip());
    case 'deflate':
      return body.pipe(createInflate());
    case 'br':
      return body.pipe(createBrotliDecompress());
    default:
      return body;
  }
}

/** undici-based transport with retries; one per client. */
export class Transport {
  readonly baseUrl: string;
  readonly dispatcher: Dispatcher;
  readonly logger: Logger;
  readonly clock: Clock;
  private readonly apiKey: string;
  private readonly timeouts: Timeouts;
  private readonly retry: RetryPolicy;
  private readonly userAgent: string;
  private readonly workspace: string | undefined;
  private readonly onRetry: ((e: RetryEvent) => void) | undefined;
  private readonly onWait: ((e: WaitEvent) => void) | undefined;
  private readonly retryFloorMs: (() => number) | undefined;

  constructor(options: TransportOptions) {
    this.apiKey = options.apiKey;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.dispatcher = options.dispatcher;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? systemClock;
    this.userAgent = options.userAgent ?? `bailian-image-studio/0.1 (node/${process.versions.node}; ${process.platform})`;
    this.workspace = options.workspace;
    this.onRetry = options.onRetry;
    this.onWait = options.onWait;
    this.retryFloorMs = options.retryFloorMs;
  }

  /** Sends a request and parses a JSON answer; non-2xx answers throw {@link DashScopeError}. */
  async json(call: CallOptions): Promise<JsonResponse> {
    return this.withRetries(call, async (res, target) => {
      const text = await readText(res);
      const requestId = header(res.headers, 'x-request-id') ?? header(res.headers, 'x-dashscope-requestid');
      if (res.statusCode < 200 || res.statusCode >= 300) throw this.httpError(res.statusCode, text, res.headers, requestId);
      let body: unknown;
      try {
        body = text.trim() === '' ? {} : JSON.parse(text);
      } catch (cause) {
        throw new DashScopeError({
          httpStatus: res.statusCode,
          code: CLIENT_ERROR_CODES.malformed,
          message: `DashScope answered ${target} with a body that is not JSON (${text.length} bytes).`,
          requestId,
          cause,
        });
      }
      const id = typeof (body as { request_id?: unknown }).request_id === 'string' ? (body as { request_id: string }).request_id : requestId;
      return { status: res.statusCode, headers: res.headers, body, requestId: id };
    });
  }

  /**
   * Sends a request and hands back the open body (SSE, downloads). Error statuses are read and
   * thrown here, so a returned response is always 2xx.
   */
  async open(call: CallOptions): Promise<StreamResponse> {
    return this.withRetries(call, async (res) => {
      const requestId = header(res.headers, 'x-request-id') ?? header(res.headers, 'x-dashscope-requestid');
      if (res.statusCode < 200 || res.statusCode >= 300) {
        const text = await readText(res);
        throw this.httpError(res.statusCode, text, res.headers, requestId);
      }
      const body = decodeBody(res.body as unknown as Readable, header(res.headers, 'content-encoding'));
      return { status: res.statusCode, headers: res.headers, body, requestId };
    });
  }

  /** Closes the dispatcher (only when the client created it). */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private httpError(status: number, text: string, headers: Record<string, string | string[] | undefined>, requestId: string | undefined): DashScopeError {
    let body: unknown;
    const clean = stripBom(text).trim();
    try {
      body = JSON.parse(clean);
    } catch {
      // §3.4: an error may come back as a non-200 SSE body; its first data: line holds the envelope.
      const data = /^data:\s?(.*)$/m.exec(clean);
      if (data) {
        try {
          body = JSON.parse(data[1]!);
        } catch {
          body = undefined;
        }
      }
      // OSS (upload host, result host) answers errors in XML: <Error><Code>…</Code><Message>…</Message>.
      const xmlCode = /<Code>([^<]*)<\/Code>/.exec(clean);
      if (!body && xmlCode) {
        const xmlMessage = /<Message>([^<]*)<\/Message>/.exec(clean);
        const xmlRequestId = /<RequestId>([^<]*)<\/RequestId>/.exec(clean);
        body = { code: xmlCode[1], message: xmlMessage?.[1] ?? '', request_id: xmlRequestId?.[1] };
      }
    }
    const retryAfterMs = parseRetryAfter(headers['retry-after'], this.clock.now());
    return errorFromEnvelope(status, body, { requestId, retryAfterMs });
  }

  private async withRetries<T>(call: CallOptions, handle: (res: Dispatcher.ResponseData, target: string) => Promise<T>): Promise<T> {
    const policy: RetryPolicy = { ...this.retry, ...call.retry };
    const idempotent = call.idempotent ?? call.method === 'GET';
    const target = call.path ? call.path.split('?')[0]! : safeTarget(call.url);
    const label = call.label ?? `${call.method} ${target}`;
    let attempt = 0;
    for (;;) {
      const started = this.clock.now();
      let headersReceived = false;
      let bodyStarted = false;
      try {
        const res = await this.send(call);
        headersReceived = true;
        this.logger.debug(`${label}: HTTP ${res.statusCode}`, {
          status: res.statusCode,
          requestId: header(res.headers, 'x-request-id'),
          ms: this.clock.now() - started,
          attempt,
        });
        // A 2xx body is "consumed" from here on: a POST cannot be repeated safely after this point.
        bodyStarted = res.statusCode >= 200 && res.statusCode < 300;
        return await handle(res, target);
      } catch (err) {
        if (call.signal?.aborted) throw abortReason(call.signal);
        if (isAbortError(err)) throw err;
        const error = err instanceof DashScopeError ? err : networkError(err, { url: call.url ?? this.baseUrl, phase: headersReceived ? 'while reading the response' : undefined });
        if (!error) throw err;
        const safeToRepeat = idempotent || !bodyStarted;
        // A garbled 200 on a GET is worth another look; on a POST it may have been billed.
        const retriable = error.retriable || (idempotent && error.code === CLIENT_ERROR_CODES.malformed);
        const canRetry = retriable && safeToRepeat && attempt < policy.maxRetries;
        if (!canRetry || (error.retryAfterMs !== undefined && error.retryAfterMs > policy.maxRetryAfterMs)) {
          this.logger.warn(`${label} failed: ${error.code}`, { code: error.code, status: error.httpStatus, requestId: error.requestId, attempt });
          throw error;
        }
        attempt++;
        const { delayMs, rateWindow } = retryDelay(error, attempt, policy, call.rateWindow);
        const event: RetryEvent = { attempt, maxRetries: policy.maxRetries, delayMs, error, method: call.method, target, ...(rateWindow ? { rateWindow } : {}) };
        this.logger.info(`${label}: ${error.code}, retry ${attempt}/${policy.maxRetries} in ${delayMs} ms`, {
          code: error.code,
          status: error.httpStatus,
          requestId: error.requestId,
          delayMs,
        });
        call.onRetry?.(event);
        this.onRetry?.(event);
        const waits = [call.onWait, this.onWait].filter((f) => f !== undefined);
        const onTick = waits.length ? (remainingMs: number) => waits.forEach((f) => f({ remainingMs, retry: event })) : undefined;
        await waitOut(this.clock, Math.max(delayMs, this.retryFloorMs?.() ?? 0), call.signal, onTick);
      }
    }
  }

  private async send(call: CallOptions): Promise<Dispatcher.ResponseData> {
    const headers: Record<string, string> = { 'user-agent': this.userAgent, accept: 'application/json', ...call.headers };
    let url: string;
    if (call.path !== undefined) {
      url = this.baseUrl + call.path;
      // The key goes only to the API host, never to the upload host or result URLs.
      headers.authorization = `Bearer ${this.apiKey}`;
      if (this.workspace) headers['x-dashscope-workspace'] = this.workspace;
    } else if (call.url !== undefined) {
      url = call.url;
    } else {
      throw new Error('Transport call needs a path or a url.');
    }
    let body = call.body;
    if (call.json !== undefined) {
      body = JSON.stringify(call.json);
      headers['content-type'] = 'application/json';
    }
    return undici().request(url, {
      method: call.method,
      headers,
      body,
      signal: call.signal,
      dispatcher: this.dispatcher,
      headersTimeout: this.timeouts.headersMs,
      bodyTimeout: this.timeouts.bodyMs,
    });
  }

  /** Redacts the key from any text (for callers that log request details). */
  redact(text: string): string {
    return redactSecrets(text, this.apiKey);
  }
}

async function readText(res: Dispatcher.ResponseData): Promise<string> {
  const body = decodeBody(res.body as unknown as Readable, header(res.headers, 'content-encoding'));
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return stripBom(Buffer.concat(chunks).toString('utf8'));
}

function safeTarget(url: string | undefined): string {
  if (!url) return '?';
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname.length > 40 ? `${u.pathname.slice(0, 40)}…` : u.pathname}`;
  } catch {
    return '?';
  }
}
