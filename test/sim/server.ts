/**
 * The simulator's API gateway: one node:http server per region, routing the DashScope endpoints
 * (reference §9 checklist) under `/api/v1`.
 *
 * Order of checks for a request (gateway first, model second):
 *   faults (by method / path / model) → auth (401) → X-DashScope-Async header (403) →
 *   body JSON (400 BadRequest.IllegalInput) → envelope (BadRequest.EmptyModel / EmptyInput) →
 *   model / region / endpoint (404 ModelNotFound, 400 "url error") → model access (403) → rate limits (429) →
 *   per-model validation (400 InvalidParameter) → inputs (400) → work.
 * When SSE was requested on the sync endpoint, 400/404 errors are delivered as an SSE
 * `event:error` with HTTP 200 (capture parameter-error-sse); gateway errors (401, 403, 429,
 * injected 5xx) stay plain HTTP errors (§3.4: "requests rejected before streaming … may come back
 * as a normal non-200 JSON error").
 */
import { randomInt } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { isFlatColour } from './assets/inputs.js';
import { renderTranslation } from './assets/render.js';
import type { Caller, KeyRegistry } from './auth.js';
import type { SimClock } from './clock.js';
import { MSG, SimError, invalidParameter } from './errors.js';
import { faultStatusError, type FaultRule, type FaultStore } from './faults.js';
import { DATA_URI_MAX_BYTES, DEFAULT_TASK_QUERY_RPS, ENDPOINT_PATHS, SEED_MAX, UPLOAD_POLICY_RPS, findSimModel, type EndpointKey, type Region, type SimModel } from './models.js';
import { rateQuotaError, type RateLimiter } from './ratelimit.js';
import { choicesOutcome, interleaveOutcome, qwen3Body, qwenSyncBody, resultsOutcome, wanSyncBody, zImageSyncBody, type Json } from './responses.js';
import { SSE_CONTENT_TYPE, interleavePlan, sseFrame, textDeltas } from './sse.js';
import type { TaskOutcome, TaskStore } from './tasks.js';
import { maskKey, newId } from './util.js';
import { checkBboxBounds, checkEnvelope, outputSize, selectSpec, textLength, validateMessages, validatePrompt, validateTranslate, type MessagesJob } from './validate.js';

/** What the core needs from the assets module (test/sim/assets). */
export interface AssetsLike {
  putResult(opts: { model: string; prompt: string; seed: number; width: number; height: number; format: 'png' | 'jpg'; index: number; ttlMs?: number }): Promise<string>;
  putResultBytes(bytes: Buffer, ext: 'png' | 'jpg', ttlMs?: number): string;
  createUploadPolicy(opts: { keyId: string; model: string; requestId?: string }): unknown;
  resolveImage(ref: string, opts: { model: string; ossResolve: boolean; maxBytes: number; keyId?: string }): Promise<{ bytes: Buffer; format: string; width: number; height: number }>;
}

export interface TimingConfig {
  scale: number;
  pendingMs?: number;
  runningMs?: number;
  streamEventMs?: number;
  /** Per submitted task: its whole duration (unscaled ms, queue included) in place of the catalog's; undefined = the catalog's. */
  taskDurationMs?: (model: string) => number | undefined;
}

export interface SimCore {
  keys: KeyRegistry;
  tasks: TaskStore;
  limiter: RateLimiter;
  faults: FaultStore;
  assets: AssetsLike;
  timing: TimingConfig;
  /** Every duration the simulator waits and every time it reports. */
  clock: SimClock;
  /** Whether a key may call invite-only models (`accessRestricted`, NEW §5); default allowed. */
  modelAccess: (key: string) => boolean;
  log?: (line: string) => void;
}

export const API_PREFIX = '/api/v1';
const MAX_BODY_BYTES = 64 * 1024 * 1024;

type ImgInfo = { bytes: Buffer; format: string; width: number; height: number };

/** One request/response exchange: headers, error envelopes, SSE framing, body faults. */
class Exchange {
  readonly requestId = newId();
  readonly arrive: number;
  /** 400/404 errors go out as SSE error events. */
  sseMode = false;
  private sseStarted = false;
  private sseId = 0;
  readonly abort = new AbortController();
  fault: { midBody?: boolean; midStreamAfter?: number; malformed?: boolean; afterCount?: Extract<FaultRule, { kind: 'status' | 'resetBeforeHeaders' }> } = {};
  extraHeaders: Record<string, string> = {};
  status = 0;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    private readonly clock: SimClock,
  ) {
    this.arrive = clock.now();
    res.on('close', () => {
      if (!res.writableFinished) this.abort.abort();
    });
  }

  get gone(): boolean {
    return this.abort.signal.aborted || this.res.destroyed;
  }

  private baseHeaders(contentType: string): Record<string, string> {
    const now = this.clock.now();
    return {
      date: new Date(now).toUTCString(),
      'content-type': contentType,
      'x-request-id': this.requestId,
      'x-dashscope-call-gateway': 'true',
      'req-cost-time': String(now - this.arrive),
      'req-arrive-time': String(this.arrive),
      'resp-start-time': String(now),
      server: 'istio-envoy',
      vary: 'Accept-Encoding',
      ...this.extraHeaders,
    };
  }

  json(status: number, body: unknown, opts: { contentType?: string; headers?: Record<string, string> } = {}): void {
    if (this.gone || this.res.headersSent) return;
    this.status = status;
    const headers = { ...this.baseHeaders(opts.contentType ?? 'application/json'), ...opts.headers };
    let buf = Buffer.from(JSON.stringify(body));
    if (this.fault.malformed) {
      buf = Buffer.concat([buf.subarray(0, Math.max(1, Math.floor(buf.length / 2))), Buffer.from('\u0000<html>upstream')]);
    }
    if (this.fault.midBody || this.fault.midStreamAfter !== undefined) {
      // Promise the whole body, send half, cut the connection.
      headers['content-length'] = String(buf.length);
      this.res.writeHead(status, headers);
      const half = buf.subarray(0, Math.max(1, Math.floor(buf.length / 2)));
      this.res.write(half, () => this.res.socket?.destroy());
      return;
    }
    const acceptGzip = /\bgzip\b/i.test(String(this.req.headers['accept-encoding'] ?? ''));
    if (acceptGzip && !this.fault.malformed) {
      buf = gzipSync(buf);
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = String(buf.length);
    this.res.writeHead(status, headers);
    this.res.end(buf);
  }

  /** The §1.5 envelope; `requestIdFirst` mimics the key order of the cancel capture. */
  error(err: SimError, opts: { contentType?: string; requestIdFirst?: boolean } = {}): void {
    if (this.sseStarted || (this.sseMode && (err.status === 400 || err.status === 404))) {
      this.sseError(err);
      return;
    }
    const body = opts.requestIdFirst
      ? { request_id: this.requestId, code: err.code, message: err.message }
      : { code: err.code, message: err.message, request_id: this.requestId };
    this.json(err.status, body, { contentType: opts.contentType, headers: err.headers });
  }

  startSse(): void {
    if (this.sseStarted || this.gone) return;
    this.sseStarted = true;
    this.status = 200;
    this.res.writeHead(200, { ...this.baseHeaders(SSE_CONTENT_TYPE), 'cache-control': 'no-cache', 'x-dashscope-finished': 'false' });
    this.res.flushHeaders();
    if (this.fault.midStreamAfter === 0) this.res.socket?.destroy();
  }

  /** One `event:result` frame. Returns false when the stream is gone. */
  event(data: Json): boolean {
    if (!this.sseStarted) this.startSse();
    if (this.gone) return false;
    this.sseId += 1;
    let text = JSON.stringify(data);
    if (this.fault.malformed && this.sseId === 1) text = text.slice(0, Math.floor(text.length / 2));
    const frame = sseFrame(this.sseId, 'result', 200, text);
    if (this.fault.midStreamAfter !== undefined && this.sseId >= this.fault.midStreamAfter) {
      this.res.write(frame, () => this.res.socket?.destroy());
      this.abort.abort();
      return false;
    }
    this.res.write(frame);
    return true;
  }

  sseError(err: SimError): void {
    if (!this.sseStarted) this.startSse();
    if (this.gone) return;
    this.sseId += 1;
    const data = JSON.stringify({ code: err.code, message: err.message, request_id: this.requestId });
    this.res.end(sseFrame(this.sseId, 'error', err.status, data));
  }

  endSse(): void {
    if (!this.gone) this.res.end();
  }
}

const header = (req: IncomingMessage, name: string): string => {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : (v ?? '')).trim();
};
const isEnabled = (req: IncomingMessage, name: string) => header(req, name).toLowerCase() === 'enable';
/** SSE: `X-DashScope-Sse: enable` (any case) or `Accept: text/event-stream` (§1.3). */
export const sseRequested = (req: IncomingMessage) => isEnabled(req, 'x-dashscope-sse') || /text\/event-stream/i.test(header(req, 'accept'));

function readBody(req: IncomingMessage): Promise<{ buf: Buffer; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve({ buf: Buffer.concat(chunks), tooLarge }));
    req.on('error', reject);
  });
}

export function createHandler(core: SimCore, region: Region): (req: IncomingMessage, res: ServerResponse) => void {
  const routes: Record<string, EndpointKey> = {};
  for (const [k, p] of Object.entries(ENDPOINT_PATHS)) routes[API_PREFIX + p] = k as EndpointKey;

  const scale = () => core.timing.scale;
  const syncDelayMs = (spec: SimModel) => Math.round(spec.typicalDurationMs * scale());
  const taskTiming = (spec: SimModel) => {
    // The table's typicalDurationMs (or the hook's duration) is the whole task, queue included:
    // a short queue (a tenth, at most 1 s) then the rest RUNNING, so a task ends when it says.
    const total = core.timing.taskDurationMs?.(spec.model) ?? spec.typicalDurationMs;
    return {
      pendingMs: core.timing.pendingMs ?? Math.round(Math.min(1000, total / 10) * scale()),
      runningMs: core.timing.runningMs ?? Math.round((total - Math.min(1000, total / 10)) * scale()),
    };
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ex = new Exchange(req, res, core.clock);
    const url = new URL(req.url ?? '/', 'http://sim.local');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = (req.method ?? 'GET').toUpperCase();
    let callerKey: string | undefined;
    res.on('finish', () => core.log?.(`[sim ${region}] ${method} ${path} → ${ex.status} ${core.clock.now() - ex.arrive}ms${callerKey ? ` key=${maskKey(callerKey)}` : ''}`));

    const { buf, tooLarge } = await readBody(req);
    let body: unknown;
    let parseError = false;
    if (buf.length > 0 && !tooLarge) {
      try {
        body = JSON.parse(buf.toString('utf8').replace(/^\uFEFF/, ''));
      } catch {
        parseError = true;
      }
    }

    // Fault rules match on the request before anything else.
    const taskMatch = /^\/api\/v1\/tasks\/([^/]+)(\/cancel)?$/.exec(path);
    const endpoint = routes[path];
    const submit = method === 'POST' && (endpoint === 'text2image' || endpoint === 'image2image' || endpoint === 'imageGeneration');
    const bodyModel = typeof (body as { model?: unknown } | undefined)?.model === 'string' ? (body as { model: string }).model : undefined;
    const model = taskMatch ? core.tasks.get(decodeURIComponent(taskMatch[1]))?.model : (bodyModel ?? url.searchParams.get('model') ?? undefined);
    const rules = core.faults.match({ method, path, model, submit });
    const taskFail = rules.find((r) => r.kind === 'taskFail') as Extract<FaultRule, { kind: 'taskFail' }> | undefined;
    for (const r of rules) if (r.kind === 'delay') await core.clock.sleep(r.ms);
    for (const r of rules) {
      if ((r.kind === 'status' || r.kind === 'resetBeforeHeaders') && r.counted) {
        ex.fault.afterCount = r;
        continue;
      }
      if (r.kind === 'resetBeforeHeaders') {
        req.socket.destroy();
        return;
      }
      if (r.kind === 'status') {
        ex.error(faultStatusError(r));
        return;
      }
      if (r.kind === 'throttle') {
        ex.error(rateQuotaError(r.retryAfter));
        return;
      }
      if (r.kind === 'resetMidBody') ex.fault.midBody = true;
      if (r.kind === 'resetMidStream') ex.fault.midStreamAfter = r.afterEvents;
      if (r.kind === 'malformedJson') ex.fault.malformed = true;
    }

    try {
      if (!path.startsWith(API_PREFIX + '/') && path !== API_PREFIX) throw new SimError(404, 'NotFound', MSG.notFound);
      const caller = core.keys.authenticate(req.headers.authorization, region);
      callerKey = caller.key;
      if (tooLarge) throw new SimError(400, 'BadRequest.TooLarge', MSG.payloadTooLarge);

      if (taskMatch) {
        const id = decodeURIComponent(taskMatch[1]);
        if (taskMatch[2] && method === 'POST') return cancelTask(ex, caller, id);
        if (!taskMatch[2] && method === 'GET') return getTask(ex, caller, id);
        throw new SimError(404, 'NotFound', MSG.notFound);
      }
      if (path === API_PREFIX + '/uploads' && method === 'GET') return getPolicy(ex, caller, url);
      if (path === API_PREFIX + '/services/aigc/text-generation/generation' && method === 'POST') {
        ex.sseMode = sseRequested(req);
        return textGeneration(body, parseError);
      }
      if (!endpoint || method !== 'POST') throw new SimError(404, 'NotFound', MSG.notFound);
      if (endpoint === 'multimodalGeneration') return await sync(ex, caller, body, parseError);
      return await submitTask(ex, caller, endpoint, body, parseError, taskFail);
    } catch (err) {
      if (err instanceof SimError) ex.error(err);
      else if (isInputError(err)) ex.error(new SimError(err.status, err.code, err.message));
      else {
        core.log?.(`[sim ${region}] internal error: ${err instanceof Error ? err.stack : String(err)}`);
        ex.error(new SimError(500, 'InternalError', MSG.internalError));
      }
    }
  }

  /**
   * `text-generation/generation` is not an image endpoint; the simulator serves it only so the
   * captured error cases (parameter-error-*, auth-error-*) replay unchanged: it runs the envelope
   * and `messages` gateway checks, then answers 404 ModelNotFound (the sim has no text models).
   */
  function textGeneration(body: unknown, parseError: boolean): void {
    if (parseError) throw new SimError(400, 'BadRequest.IllegalInput', MSG.illegalInput);
    const env = checkEnvelope(body);
    const messages = env.input.messages;
    if (messages !== undefined) {
      const ok = Array.isArray(messages) && messages.length > 0 && messages.every((m) => typeof m === 'object' && m !== null && ['user', 'assistant', 'system'].includes((m as { role?: string }).role ?? '') && (m as { content?: unknown }).content);
      if (!ok) throw invalidParameter(MSG.roleOrContent);
    }
    throw new SimError(404, 'ModelNotFound', MSG.modelNotFound);
  }

  async function resolveImages(job: { imageRefs: string[] } | { imageRef: string }, spec: SimModel, caller: Caller, req: IncomingMessage): Promise<ImgInfo[]> {
    const refs = 'imageRefs' in job ? job.imageRefs : [job.imageRef];
    const ossResolve = isEnabled(req, 'x-dashscope-ossresourceresolve');
    const out: ImgInfo[] = [];
    for (const ref of refs) {
      let img: ImgInfo;
      // The resolver also checks format, bytes, sides and aspect against the model table's image rule.
      try {
        img = await core.assets.resolveImage(ref, { model: spec.model, ossResolve, maxBytes: DATA_URI_MAX_BYTES, keyId: caller.keyId });
      } catch (err) {
        if (isInputError(err)) throw new SimError(err.status, err.code, err.message);
        throw err;
      }
      out.push(img);
    }
    return out;
  }

  const seedOf = (job: { seed?: number }) => job.seed ?? randomInt(0, SEED_MAX);

  async function renderAll(spec: SimModel, prompt: string, seed: number, count: number, size: { width: number; height: number }): Promise<string[]> {
    const urls: string[] = [];
    for (let i = 0; i < count; i++) {
      urls.push(await core.assets.putResult({ model: spec.model, prompt, seed: (seed + i) % (SEED_MAX + 1), width: size.width, height: size.height, format: spec.outputFormat, index: i }));
    }
    return urls;
  }

  const generationHeaders = (finished: boolean) => ({ 'x-dashscope-timeout': '298', 'x-dashscope-finished': String(finished) });

  /** Invite-only models (NEW §5) answer 403 AccessDenied.Unpurchased to keys switched off (API §1.6 wording). */
  function checkAccess(spec: SimModel, caller: Caller): void {
    if (spec.accessRestricted && !core.modelAccess(caller.key)) throw new SimError(403, 'AccessDenied.Unpurchased', MSG.accessUnpurchased);
  }

  /** One submit / sync call against the model's `requests` per `windowMs`. */
  function takeSubmit(ex: Exchange, spec: SimModel, caller: Caller): void {
    core.limiter.take(`${caller.accountId}|${spec.model}|rps`, spec.rateLimits.requests, spec.rateLimits.windowMs);
    const f = ex.fault.afterCount;
    if (!f) return;
    // A `counted` fault (faults.ts) strikes once the call has used its place in the window.
    if (f.kind === 'resetBeforeHeaders') {
      ex.req.socket.destroy();
      throw new SimError(500, 'InternalError', MSG.internalError);
    }
    throw faultStatusError(f);
  }

  /**
   * wan2.7 (NEW §3): an image set is one choice with several items, and tokens are informational
   * but non-zero (the doc example: input 10867, output 2); the simulator counts the prompt's
   * characters plus 1024 per input image in, 2 per image out (sim choice).
   */
  function wanOptions(job: MessagesJob, imgs: ImgInfo[]): { oneChoice?: boolean; tokens?: { input: number; output: number } } {
    if (!job.spec.features?.sequential) return {};
    return { oneChoice: job.sequential, tokens: { input: textLength(job.prompt) + 1024 * imgs.length, output: 2 * job.n } };
  }

  /** `POST …/multimodal-generation/generation` (§2, §3). */
  async function sync(ex: Exchange, caller: Caller, body: unknown, parseError: boolean): Promise<void> {
    const req = ex.req;
    const sse = sseRequested(req);
    if (isEnabled(req, 'x-dashscope-async')) throw new SimError(403, 'AccessDenied', MSG.asyncNotSupported);
    ex.sseMode = sse;
    if (parseError || body === undefined) throw new SimError(400, 'BadRequest.IllegalInput', MSG.illegalInput);
    const env = checkEnvelope(body);
    const spec = selectSpec(env.model, 'multimodalGeneration', region, env.parameters);
    checkAccess(spec, caller);
    const release = core.limiter.acquire(`${caller.accountId}|${spec.model}|inflight`, spec.rateLimits.syncConcurrent);
    try {
      takeSubmit(ex, spec, caller);
      const job = validateMessages(spec, env.input, env.parameters, { sse, asyncCall: false });
      const imgs = await resolveImages(job, spec, caller, req);
      checkBboxBounds(job, imgs);
      const size = outputSize(spec, job, imgs);
      if (job.interleave) return await streamInterleave(ex, job, size, imgs);
      // W27: thinking_mode "adds latency"; the simulator adds half the typical duration (sim choice).
      await core.clock.sleep(Math.round(syncDelayMs(spec) * (job.thinking ? 1.5 : 1)), ex.abort.signal);
      if (ex.gone) return;
      const seed = seedOf(job);
      const urls = await renderAll(spec, job.prompt, seed, job.n, size);
      const resBody =
        job.family === 'qwen'
          ? qwenSyncBody(urls, size.width, size.height, ex.requestId, { taskMetric: spec.taskMetric })
          : job.family === 'z-image'
            ? zImageSyncBody(urls[0], job.prompt, job.promptExtend, size.width, size.height, ex.requestId)
            : job.family === 'qwen3'
              ? { ...qwen3Body(urls, size.width, size.height, imgs, job.promptExtend), request_id: ex.requestId }
              : wanSyncBody(urls, size.width, size.height, ex.requestId, wanOptions(job, imgs));
      if (sse) {
        // Non-interleave models with SSE requested: one result event carrying the whole answer.
        ex.extraHeaders = generationHeaders(false);
        ex.event(resBody);
        ex.endSse();
      } else {
        ex.json(200, resBody, { headers: generationHeaders(true) });
      }
    } finally {
      release();
    }
  }

  /** wan2.6-image interleave over SSE (§3.3): one content item per event, text deltas, whole images, cumulative usage. */
  async function streamInterleave(ex: Exchange, job: MessagesJob, size: { width: number; height: number }, imgs: ImgInfo[]): Promise<void> {
    const spec = job.spec;
    const seed = seedOf(job);
    const { plan } = interleavePlan(job.prompt, job.maxImages, seed);
    type Step = { type: 'text'; text: string } | { type: 'image'; index: number };
    const steps: Step[] = [];
    plan.forEach((item, k) => {
      if (item.type === 'text') for (const d of textDeltas(item.text, seed + k)) steps.push({ type: 'text', text: d });
      else steps.push(item);
    });
    const textGap = core.timing.streamEventMs ?? Math.max(1, Math.round(60 * scale()));
    const imageGap = core.timing.streamEventMs ?? Math.round((spec.typicalDurationMs * scale()) / (job.maxImages + 1));
    const inputTokens = textLength(job.prompt) + imgs.length * 256;
    let outputTokens = 0;
    let images = 0;
    ex.extraHeaders = generationHeaders(false);
    ex.startSse();
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      await core.clock.sleep(step.type === 'text' ? textGap : imageGap, ex.abort.signal);
      if (ex.gone) return;
      let item: Json;
      if (step.type === 'text') {
        outputTokens += textLength(step.text);
        item = { type: 'text', text: step.text };
      } else {
        const url = await core.assets.putResult({ model: spec.model, prompt: job.prompt, seed: (seed + step.index) % (SEED_MAX + 1), width: size.width, height: size.height, format: spec.outputFormat, index: step.index });
        if (ex.gone) return;
        images += 1;
        outputTokens += 150;
        item = { type: 'image', image: url };
      }
      const last = i === steps.length - 1;
      const ok = ex.event({
        output: { choices: [{ message: { content: [item], role: 'assistant' }, finish_reason: last ? 'stop' : 'null' }], finished: last },
        usage: { input_tokens: inputTokens, output_tokens: outputTokens, total_tokens: inputTokens + outputTokens, image_count: images, size: images ? `${size.width}*${size.height}` : '0*0' },
        request_id: ex.requestId,
      });
      if (!ok) return;
    }
    ex.endSse();
  }

  /** The three async submit endpoints (§4). */
  async function submitTask(ex: Exchange, caller: Caller, endpoint: EndpointKey, body: unknown, parseError: boolean, taskFail: Extract<FaultRule, { kind: 'taskFail' }> | undefined): Promise<void> {
    const req = ex.req;
    if (!isEnabled(req, 'x-dashscope-async')) throw new SimError(403, 'AccessDenied', MSG.syncNotSupported);
    if (parseError || body === undefined) throw new SimError(400, 'BadRequest.IllegalInput', MSG.illegalInput);
    const env = checkEnvelope(body);
    const spec = selectSpec(env.model, endpoint, region, env.parameters);
    checkAccess(spec, caller);
    core.limiter.checkConcurrent(core.tasks.active(caller.accountId, spec.model), spec.rateLimits.asyncConcurrent);
    takeSubmit(ex, spec, caller);

    let total = 1;
    let family: 'results' | 'choices' | 'image_url';
    let run: () => Promise<TaskOutcome>;
    const failOutcome = (): TaskOutcome => ({
      status: 'FAILED',
      output: {
        code: taskFail?.code ?? 'InternalError',
        message: taskFail?.message ?? MSG.internalError,
        ...(family === 'results' ? { task_metrics: { TOTAL: total, SUCCEEDED: 0, FAILED: total } } : {}),
      },
    });

    if (endpoint === 'text2image') {
      const job = validatePrompt(spec, env.input, env.parameters);
      total = job.n;
      family = 'results';
      const seed = seedOf(job);
      run = async () => {
        const failed = taskFail ? Math.min(total, taskFail.failedImages ?? total) : 0;
        if (failed >= total) return failOutcome();
        const urls = await renderAll(spec, job.prompt, seed, total - failed, job);
        const entries = [
          ...urls.map((url) => ({ url })),
          ...Array.from({ length: failed }, () => ({ code: taskFail?.code ?? 'InternalError.Timeout', message: taskFail?.message ?? MSG.timeoutEntry })),
        ];
        return { status: 'SUCCEEDED', ...resultsOutcome(entries, job.prompt, job.promptExtend) };
      };
    } else if (endpoint === 'imageGeneration') {
      const job = validateMessages(spec, env.input, env.parameters, { sse: false, asyncCall: true });
      const imgs = await resolveImages(job, spec, caller, req);
      checkBboxBounds(job, imgs);
      const size = outputSize(spec, job, imgs);
      family = 'choices';
      total = job.interleave ? job.maxImages : job.n;
      const seed = seedOf(job);
      run = async () => {
        if (taskFail) return failOutcome();
        if (job.interleave) {
          const { plan } = interleavePlan(job.prompt, job.maxImages, seed);
          const items: ({ type: 'text'; text: string } | { type: 'image'; image: string })[] = [];
          for (const p of plan) {
            if (p.type === 'text') items.push(p);
            else items.push({ type: 'image', image: (await renderAll(spec, job.prompt, seed + p.index, 1, size))[0] });
          }
          return { status: 'SUCCEEDED', ...interleaveOutcome(items, textLength(job.prompt) + imgs.length * 256, size.width, size.height) };
        }
        const urls = await renderAll(spec, job.prompt, seed, total, size);
        if (job.family === 'qwen3') return { status: 'SUCCEEDED', ...qwen3Body(urls, size.width, size.height, imgs, job.promptExtend, { typed: true }) };
        return { status: 'SUCCEEDED', ...choicesOutcome(urls, size.width, size.height, wanOptions(job, imgs)) };
      };
    } else {
      const job = validateTranslate(spec, env.input);
      const [img] = await resolveImages(job, spec, caller, req);
      family = 'image_url';
      run = async () => {
        if (taskFail) return failOutcome();
        const jpg = renderTranslation({ bytes: img.bytes, width: img.width, height: img.height }, job.targetLang);
        const url = core.assets.putResultBytes(jpg, 'jpg');
        const output: Json = { image_url: url };
        // Deterministic "no text" trigger: an input that is one flat colour has nothing to translate.
        // The service still SUCCEEDS (and bills) with this message in output (§5.3).
        if (isFlatColour(img.bytes)) output.message = MSG.noTextDetected;
        return { status: 'SUCCEEDED', output, usage: { image_count: 1 } };
      };
    }

    const task = core.tasks.create({ accountId: caller.accountId, model: spec.model, family, total, timing: taskTiming(spec), run });
    ex.json(200, { output: { task_status: 'PENDING', task_id: task.id }, request_id: ex.requestId }, { headers: { 'x-dashscope-timeout': '298' } });
  }

  const TASK_CT = 'application/json;charset=UTF-8';

  /**
   * `GET /tasks/{id}`: 20 queries per second per account (API §5.1), and for models with a lower
   * documented query rate (qwen-mt-image: 1/s, API §8) that rate per account for their tasks.
   */
  function getTask(ex: Exchange, caller: Caller, id: string): void {
    core.limiter.take(`${caller.accountId}|taskquery`, DEFAULT_TASK_QUERY_RPS);
    const t = core.tasks.get(id, caller.accountId);
    const qps = t ? findSimModel(t.model)?.rateLimits.queryPerSecond : undefined;
    if (t && qps !== undefined && qps < DEFAULT_TASK_QUERY_RPS) core.limiter.take(`${caller.accountId}|${t.model}|taskquery`, qps);
    if (!t) {
      ex.json(200, { request_id: ex.requestId, output: { task_id: id, task_status: 'UNKNOWN' } }, { contentType: TASK_CT });
      return;
    }
    const v = core.tasks.view(t);
    ex.json(200, { request_id: ex.requestId, output: v.output, ...(v.usage ? { usage: v.usage } : {}) }, { contentType: TASK_CT });
  }

  function cancelTask(ex: Exchange, caller: Caller, id: string): void {
    if (!core.tasks.cancel(id, caller.accountId)) {
      ex.error(new SimError(400, 'UnsupportedOperation', MSG.cancelNotPending), { contentType: TASK_CT, requestIdFirst: true });
      return;
    }
    // §10: success body not captured; the SDKs model it as {request_id}.
    ex.json(200, { request_id: ex.requestId }, { contentType: TASK_CT });
  }

  /** `GET /uploads?action=getPolicy&model=…` (§7). Any model name is accepted; the policy binds it. */
  function getPolicy(ex: Exchange, caller: Caller, url: URL): void {
    const action = url.searchParams.get('action');
    const model = url.searchParams.get('model');
    if (action !== 'getPolicy') throw invalidParameter(`${MSG.requiredMissing} (action=getPolicy)`);
    if (!model) throw invalidParameter(`${MSG.requiredMissing} (model)`);
    core.limiter.take(`${caller.accountId}|${model}|policy`, UPLOAD_POLICY_RPS);
    ex.json(200, { data: core.assets.createUploadPolicy({ keyId: caller.keyId, model, requestId: ex.requestId }), request_id: ex.requestId });
  }

  return (req, res) => {
    handle(req, res).catch((err) => {
      core.log?.(`[sim ${region}] unhandled: ${err instanceof Error ? err.stack : String(err)}`);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'InternalError', message: MSG.internalError, request_id: newId() }));
      } else res.destroy();
    });
  };
}

function isInputError(err: unknown): err is { status: number; code: string; message: string } {
  return err instanceof Error && err.name === 'SimInputError' && typeof (err as { status?: unknown }).status === 'number';
}
