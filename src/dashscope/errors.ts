/**
 * Errors of the DashScope client: one {@link DashScopeError} for everything the service (or the
 * network between us and it) says, and {@link RequestValidationError} for requests we refuse to
 * send because the catalog says the service would reject them.
 *
 * Every error carries a `hint`: one sentence telling the user what to do next (house style §7).
 * Codes and HTTP statuses follow ../shared/reference/dashscope-api.md §1.6.
 *
 * No error message ever contains the API key: messages are built from the service's own text
 * (which never echoes the key) and from our constants; {@link redactSecrets} is applied to anything
 * that came from elsewhere (undici error messages can contain URLs, never headers).
 */

/** Codes the client itself produces (not sent by DashScope). */
export const CLIENT_ERROR_CODES = {
  /** Connection refused / reset / DNS failure before a response arrived. */
  network: 'NetworkError',
  /** Connect, headers or body timeout. */
  timeout: 'Timeout',
  /** A 2xx response whose body is not the JSON we expect. */
  malformed: 'MalformedResponse',
  /** An SSE stream that ended without `finish_reason: "stop"` (§3.3). */
  streamIncomplete: 'StreamIncomplete',
  /** `task_status: UNKNOWN` — task id expired (24 h) or never existed (§5.2). */
  taskUnknown: 'TaskUnknown',
  /** The task was cancelled (by us or someone else) before it finished. */
  taskCanceled: 'TaskCanceled',
  /** {@link waitForTask} gave up after the caller's wait timeout. */
  waitTimeout: 'WaitTaskTimeout',
  /** The result host answered 403/404: the signed URL expired (§8). */
  resultExpired: 'ResultExpired',
  /** A downloaded result is not an image of the expected type. */
  invalidResult: 'InvalidResultImage',
  /** The OSS form POST of a temporary upload failed (§7). */
  uploadFailed: 'UploadFailed',
} as const;

/** Codes that are worth retrying automatically (with backoff) whatever the HTTP status. */
const RETRIABLE_CODES = new Set<string>([
  'Throttling',
  'Throttling.RateQuota',
  'Throttling.BurstRate',
  'LimitRequests',
  'limit_requests',
  'limit_burst_rate',
  'InternalError',
  'InternalError.Algo',
  'InternalError.Timeout',
  'InternalError.Upload',
  'InternalError.FileUpload',
  'SystemError',
  'ModelServiceFailed',
  'RequestTimeOut',
  'ModelUnavailable',
  'ModelServingError',
  CLIENT_ERROR_CODES.network,
  CLIENT_ERROR_CODES.timeout,
  CLIENT_ERROR_CODES.streamIncomplete,
]);

/** 429 codes that mean "out of money/quota", which waiting a few seconds does not fix (§1.6). */
const NOT_RETRIABLE_429 = new Set<string>([
  'Throttling.AllocationQuota',
  'insufficient_quota',
  'CommodityNotPurchased',
  'PrepaidBillOverdue',
  'PostpaidBillOverdue',
]);

/** HTTP statuses the transport retries (before any body was consumed). */
export const RETRIABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** Fields of a {@link DashScopeError}. */
export interface DashScopeErrorInit {
  /** HTTP status of the response, when there was one (an SSE `event:error` has the status from its `:HTTP_STATUS/…` comment). */
  httpStatus?: number;
  code: string;
  message: string;
  requestId?: string;
  taskId?: string;
  /** Overrides the retriable classification derived from code and status. */
  retriable?: boolean;
  /** Overrides the hint derived from the code. */
  hint?: string;
  /** Server-requested delay before a retry (`Retry-After`), in ms. */
  retryAfterMs?: number;
  /** Extra data, e.g. the partial output of a broken stream. Never contains the key. */
  details?: unknown;
  cause?: unknown;
}

/**
 * The one error type of the client: the service's `code`, `message` and `request_id`, the HTTP
 * status, whether retrying can help, and a hint for the user.
 */
export class DashScopeError extends Error {
  override readonly name = 'DashScopeError';
  readonly httpStatus: number | undefined;
  readonly code: string;
  readonly requestId: string | undefined;
  readonly taskId: string | undefined;
  readonly retriable: boolean;
  readonly hint: string;
  /** The hint's template and arguments when it came from {@link hintOf} (a UI translates it). */
  readonly hintParts: Hint | undefined;
  readonly retryAfterMs: number | undefined;
  readonly details: unknown;

  constructor(init: DashScopeErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.httpStatus = init.httpStatus;
    this.code = init.code;
    this.requestId = init.requestId;
    this.taskId = init.taskId;
    this.retriable = init.retriable ?? isRetriable(init.code, init.httpStatus);
    const parts = init.hint === undefined ? hintOf(init.code, init.message, init.httpStatus) : undefined;
    this.hintParts = parts;
    this.hint = parts ? formatHint(parts) : (init.hint ?? '');
    this.retryAfterMs = init.retryAfterMs;
    this.details = init.details;
  }

  /** One line for logs and CLI output: code, message, request id. */
  describe(): string {
    const parts = [`${this.code}: ${this.message}`];
    if (this.httpStatus !== undefined) parts.push(`HTTP ${this.httpStatus}`);
    if (this.requestId) parts.push(`request_id ${this.requestId}`);
    if (this.taskId) parts.push(`task_id ${this.taskId}`);
    return parts.join(' · ');
  }

  /** Plain data (for the webview protocol, JSON output, logs). */
  toJSON(): { name: string; httpStatus?: number; code: string; message: string; requestId?: string; taskId?: string; retriable: boolean; hint: string } {
    return {
      name: this.name,
      ...(this.httpStatus !== undefined ? { httpStatus: this.httpStatus } : {}),
      code: this.code,
      message: this.message,
      ...(this.requestId ? { requestId: this.requestId } : {}),
      ...(this.taskId ? { taskId: this.taskId } : {}),
      retriable: this.retriable,
      hint: this.hint,
    };
  }
}

/** One problem found while validating a request: where, what is wrong, what to change. */
export interface ValidationIssue {
  /** Field path in the {@link GenerationRequest}, e.g. `n`, `images.2`, `translation.targetLang`. */
  path: string;
  /** A sentence that says what to change ("wan2.2-t2i-flash accepts n from 1 to 4; you gave 6."). */
  message: string;
}

/** A request we did not send because the catalog (or its shape) says it would be rejected. */
export class RequestValidationError extends Error {
  override readonly name = 'RequestValidationError';
  readonly issues: readonly ValidationIssue[];
  readonly model: string | undefined;

  constructor(issues: readonly ValidationIssue[], model?: string) {
    super(issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('\n'));
    this.issues = issues;
    this.model = model;
  }
}

/** Whether a code/status pair is worth retrying automatically. */
export function isRetriable(code: string, httpStatus?: number): boolean {
  if (NOT_RETRIABLE_429.has(code)) return false;
  if (RETRIABLE_CODES.has(code)) return true;
  if (code.startsWith('Throttling')) return true;
  return httpStatus !== undefined && RETRIABLE_STATUSES.has(httpStatus);
}

/** A hint as an English template with `{0}`-style arguments, so a UI can show its own translation. */
export interface Hint {
  readonly template: string;
  readonly args: readonly string[];
}

/**
 * A hint from a template. Every template is a literal at its call, which is how the message
 * extractor (scripts/lib/l10n.mjs) finds them: the extension translates them with vscode.l10n.
 */
export function l10nKey(template: string, ...args: string[]): Hint {
  return { template, args };
}

/** The hint's text, its arguments filled in. */
export function formatHint(hint: Hint): string {
  return hint.template.replace(/\{(\d+)\}/g, (whole, index: string) => hint.args[Number(index)] ?? whole);
}

/**
 * A sentence telling the user what to do about an error (house style §7). Codes from §1.6; the
 * region hint matters because keys are region-bound (§1.1, N§1: a key from one region fails with
 * InvalidApiKey on another's host) and users mix them up (users.md #9).
 */
export function hintOf(code: string, message = '', httpStatus?: number): Hint {
  if (code === 'InvalidApiKey' || code === 'invalid_api_key') {
    if (/no api-?key/i.test(message)) return l10nKey('Set a DashScope API key (it starts with "sk-").');
    return l10nKey('Check the API key, and that it belongs to the selected region: keys of Beijing, Singapore and US (Virginia) are not interchangeable, and each region has its own base URL.');
  }
  if (code === 'NOT AUTHORIZED') return l10nKey('This key cannot use the workspace; check the workspace id or use a key of the main account.');
  if (NOT_RETRIABLE_429.has(code)) {
    if (code === 'Throttling.AllocationQuota' || code === 'insufficient_quota') return l10nKey('The quota for this model is used up; raise it in the Model Studio console or wait for the next period.');
    if (code === 'CommodityNotPurchased') return l10nKey('This model has not been activated for the account; activate it in the Model Studio console.');
    return l10nKey('The Alibaba Cloud account has an overdue bill; settle it in the billing console.');
  }
  if (code.startsWith('Throttling') || /^limit_/.test(code) || code === 'LimitRequests') {
    return l10nKey('DashScope refused this request for its rate limit and it was given up: wait a minute before running it again, or send fewer requests at once.');
  }
  switch (code) {
    case 'Arrearage':
      return l10nKey('The Alibaba Cloud account is overdue; top it up in the billing console, then try again.');
    case 'DataInspectionFailed':
    case 'data_inspection_failed':
      return l10nKey('Content moderation rejected the prompt, an input image or the result; rephrase the prompt or use other images.');
    case 'InvalidParameter.DataInspection':
      return l10nKey('The service could not read an input image for moderation; check that the image is reachable and in a supported format.');
    case 'IPInfringementSuspect':
      return l10nKey('The input looks like protected intellectual property; change the prompt or images.');
    case 'InvalidParameter':
    case 'invalid_parameter_error':
      return message ? l10nKey('The service rejected a parameter: {0}', message) : l10nKey('The service rejected a parameter; check the request.');
    case 'AccessDenied':
      if (/asynchronous|synchronous/i.test(message)) return l10nKey('The endpoint and the async header do not match; this is a client bug, please report it.');
      if (/policy expired/i.test(message)) return l10nKey('The temporary-upload policy expired before the file was sent; try again.');
      return l10nKey('Access denied: check that this key may use the model and workspace.');
    case 'AccessDenied.Unpurchased':
    case 'Model.AccessDenied':
    case 'Workspace.AccessDenied':
    case 'App.AccessDenied':
      return l10nKey('This key is not allowed to use the model; activate it (or grant access) in the Model Studio console.');
    case 'AllocationQuota.FreeTierOnly':
      return l10nKey('The free tier of this model is used up and "free tier only" is on; turn it off in the Model Studio console to pay per image.');
    case 'ModelNotFound':
    case 'model_not_found':
      return l10nKey('The model is not available for this key or region; check the model name and the region (Beijing, Singapore and US (Virginia) serve different models).');
    case 'WorkSpaceNotFound':
      return l10nKey('The workspace was not found; check the workspace id.');
    case 'NotFound':
      return l10nKey('The service has no such endpoint here; check the base URL (it ends in /api/v1) and the region.');
    case 'UnsupportedOperation':
      return l10nKey('Only tasks still PENDING can be cancelled; this one has already started or finished.');
    case 'BadRequest.TooLarge':
      return l10nKey('The request is too large; use smaller images (local files over 10 MB are uploaded instead of inlined).');
    case 'BadRequest.InputDownloadFailed':
    case 'InvalidURL':
    case 'InvalidURL.ConnectionRefused':
    case 'InvalidURL.Timeout':
      return l10nKey('The service could not download an input image; use a public http(s) URL or a local file.');
    case 'InternalError.Timeout':
      return l10nKey('The task took too long on the service; try again later.');
    case 'ModelUnavailable':
    case 'ModelServingError':
      return l10nKey('The model is busy or unavailable; try again in a moment.');
    case CLIENT_ERROR_CODES.network:
      return l10nKey('Could not reach DashScope; check the network or the proxy setting.');
    case CLIENT_ERROR_CODES.timeout:
      return l10nKey('DashScope did not answer in time; check the network or proxy, or try again.');
    case CLIENT_ERROR_CODES.malformed:
      return l10nKey('DashScope sent a response the client could not read; try again.');
    case CLIENT_ERROR_CODES.streamIncomplete:
      return l10nKey('The stream ended before the model finished; the partial output was kept, try again for the rest.');
    case CLIENT_ERROR_CODES.taskUnknown:
      return l10nKey('The task expired or was not found: DashScope keeps task ids for 24 h, and a task id belongs to one region.');
    case CLIENT_ERROR_CODES.taskCanceled:
      return l10nKey('The task was cancelled before it produced a result.');
    case CLIENT_ERROR_CODES.waitTimeout:
      return l10nKey('Stopped waiting; the task may still finish: resume it later with its task id (kept for 24 h).');
    case CLIENT_ERROR_CODES.resultExpired:
      return l10nKey('This result URL has expired (DashScope keeps results 24 h); generate the image again.');
    case CLIENT_ERROR_CODES.invalidResult:
      return l10nKey('The downloaded file is not the image DashScope should have returned; try downloading again.');
    case CLIENT_ERROR_CODES.uploadFailed:
      return l10nKey('Uploading the local image failed; try again.');
  }
  if (code.startsWith('InvalidImage') || code.startsWith('InvalidFile')) {
    return l10nKey('An input image was rejected; check its format, pixel size and file size against the model.');
  }
  if (code.startsWith('BadRequest')) return l10nKey('The request was malformed; this is probably a client bug, please report it.');
  if (code.startsWith('InternalError') || code === 'SystemError' || code === 'ModelServiceFailed' || code === 'RequestTimeOut') {
    return l10nKey('A temporary error on the DashScope side; try again in a moment.');
  }
  if (httpStatus !== undefined && httpStatus >= 500) return l10nKey('A temporary error on the DashScope side; try again in a moment.');
  return message ? l10nKey('DashScope said: {0}', message) : l10nKey('DashScope returned an error.');
}

/** {@link hintOf} in English (the CLI's language). */
export function hintFor(code: string, message = '', httpStatus?: number): string {
  return formatHint(hintOf(code, message, httpStatus));
}

/**
 * Builds a {@link DashScopeError} from an error envelope `{code, message|msg, request_id}` (§1.5).
 * Tolerates missing fields: a bare 502 from a proxy has no envelope at all.
 */
export function errorFromEnvelope(
  httpStatus: number | undefined,
  body: unknown,
  extra: { requestId?: string; retryAfterMs?: number; taskId?: string } = {},
): DashScopeError {
  const env = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const code = typeof env.code === 'string' && env.code ? env.code : httpStatus !== undefined ? `HTTP${httpStatus}` : 'Unknown';
  const rawMessage = typeof env.message === 'string' ? env.message : typeof env.msg === 'string' ? env.msg : '';
  const message = rawMessage || (httpStatus !== undefined ? `HTTP ${httpStatus} from DashScope` : 'DashScope returned an error');
  const requestId = typeof env.request_id === 'string' ? env.request_id : extra.requestId;
  return new DashScopeError({
    httpStatus,
    code,
    message,
    requestId,
    taskId: extra.taskId,
    retryAfterMs: extra.retryAfterMs,
  });
}

/** undici / Node error codes that mean the connection failed or was cut. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_PROXY_CONNECT',
  'ERR_STREAM_PREMATURE_CLOSE',
]);
const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Whether `err` is an abort (by the caller's AbortSignal), which must never be retried or wrapped. */
export function isAbortError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; code?: unknown };
  return e.name === 'AbortError' || e.code === 'ABORT_ERR' || e.code === 'UND_ERR_ABORTED';
}

/**
 * Wraps a low-level failure (socket reset, timeout) as a retriable {@link DashScopeError}; returns
 * undefined for anything that is not a network failure (bugs should surface as themselves).
 */
export function networkError(err: unknown, context: { url?: string; phase?: string } = {}): DashScopeError | undefined {
  if (err instanceof DashScopeError) return err;
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown };
  let code = typeof e.code === 'string' ? e.code : undefined;
  // undici wraps the socket error in `cause` for some failures (fetch-style TypeError "terminated").
  if (!code && typeof e.cause === 'object' && e.cause !== null) {
    const c = (e.cause as { code?: unknown }).code;
    if (typeof c === 'string') code = c;
  }
  const where = context.phase ? ` (${context.phase})` : '';
  const host = context.url ? ` to ${safeHost(context.url)}` : '';
  if (code && TIMEOUT_CODES.has(code)) {
    const what = code === 'UND_ERR_CONNECT_TIMEOUT' ? 'connecting' : code === 'UND_ERR_HEADERS_TIMEOUT' ? 'waiting for the response' : 'reading the response';
    return new DashScopeError({ code: CLIENT_ERROR_CODES.timeout, message: `Timed out ${what}${host}${where}.`, cause: err });
  }
  if ((code && NETWORK_CODES.has(code)) || (typeof e.message === 'string' && /other side closed|socket hang up|terminated/i.test(e.message))) {
    return new DashScopeError({ code: CLIENT_ERROR_CODES.network, message: `Connection failed${host}${where}: ${code ?? redactSecrets(String(e.message))}.`, cause: err });
  }
  return undefined;
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'DashScope';
  }
}

/**
 * Removes secrets from text meant for logs: `Bearer …` values, `sk-…` keys, the given key itself,
 * and long base64 runs (data URIs) which are shortened to their length.
 */
export function redactSecrets(text: string, apiKey?: string): string {
  let out = text;
  if (apiKey && apiKey.length >= 4) out = out.split(apiKey).join('sk-***');
  out = out.replace(/Bearer\s+[^\s"',]+/gi, 'Bearer ***');
  out = out.replace(/\bsk-[A-Za-z0-9_-]{6,}/g, 'sk-***');
  out = out.replace(/(data:[\w.+/-]+;base64,)[A-Za-z0-9+/=]{64,}/g, (_m, prefix: string) => `${prefix}…`);
  return out;
}
