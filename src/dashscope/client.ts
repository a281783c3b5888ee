/**
 * The client facade the extension and the CLI use. One method per user intent; each validates
 * against the catalog, resolves local images, routes by the model's mode (sync JSON, SSE stream,
 * async task) and returns the one normalized {@link GenerationResult}.
 *
 * Owns its undici dispatcher unless one is injected (never the global dispatcher): call
 * {@link DashScopeClient.close} when done.
 */
import { getModel, resolveModel, type ModelSpec, type Region } from './catalog/index.js';
import { CLIENT_ERROR_CODES, DashScopeError } from './errors.js';
import { downloadImage, type DownloadOptions, type DownloadedImage } from './download.js';
import { learnedSchedule } from './durations.js';
import { buildWireBody, routeOf, type ExtraImageRefs, toImageInput, validateRequest, type GenerationRequest, type ImageInput, type Route, type ValidatedRequest } from './requests/index.js';
import { ResponseEnvelopeSchema, normalizeResponse, type GenerationResult, type NormalizeContext, type TaskResponse, type TaskSnapshot } from './schemas.js';
import { collectStream, readSseEvents, sseToDeltas, type SseEvent, type StreamDelta } from './stream.js';
import { QueryRateLimiter, cancelTask, getTask, submitTask, waitForTask, type TaskQueryLimiter } from './tasks.js';
import { Transport, createDispatcher, resolveBaseUrl, type Logger, type RateWindow, type RetryEvent, type WaitEvent } from './transport.js';
import { describeRetry } from './retry.js';
import { planProcessImages } from './process-images.js';
import { resolveImageInputs, type ResolvedImages } from './upload.js';
import type { CallOptions, DashScopeClientOptions, GenerateOptions, SubmittedTask, WaitForTaskOptions } from './clientOptions.js';

export { describeRetry } from './retry.js';
export type { CallOptions, DashScopeClientOptions, GenerateOptions, ProgressEvent, SubmittedTask, WaitForTaskOptions } from './clientOptions.js';

/** The DashScope image client. */
export class DashScopeClient {
  /** Region used for catalog checks; undefined with a custom base URL and no region. */
  readonly region: Region | undefined;
  readonly baseUrl: string;
  private readonly transport: Transport;
  private readonly ownsDispatcher: boolean;
  private readonly limiter: TaskQueryLimiter;
  private readonly logger: Logger;
  private readonly pollTuning: NonNullable<DashScopeClientOptions['poll']>;

  constructor(options: DashScopeClientOptions) {
    if (!options.apiKey || !options.apiKey.trim()) {
      throw new DashScopeError({ code: 'InvalidApiKey', message: 'No API-key provided.', retriable: false });
    }
    this.region = options.region ?? (options.baseUrl ? undefined : 'beijing');
    this.baseUrl = resolveBaseUrl(options.region, options.baseUrl);
    this.ownsDispatcher = !options.dispatcher;
    const dispatcher = options.dispatcher ?? createDispatcher({ proxyUrl: options.proxyUrl, useEnvProxy: options.useEnvProxy, connectTimeoutMs: options.timeouts?.connectMs });
    this.transport = new Transport({
      apiKey: options.apiKey.trim(),
      baseUrl: this.baseUrl,
      dispatcher,
      timeouts: options.timeouts,
      retry: options.retry,
      logger: options.logger,
      clock: options.clock,
      userAgent: options.userAgent,
      workspace: options.workspace,
      onRetry: options.onRetry,
      ...(options.onWait ? { onWait: options.onWait } : {}),
      ...(options.retryFloorMs ? { retryFloorMs: options.retryFloorMs } : {}),
    });
    this.logger = this.transport.logger;
    this.limiter = options.limiter ?? new QueryRateLimiter(this.transport.clock);
    this.pollTuning = options.poll ?? {};
  }

  /** Validates a request against the catalog without sending anything (throws RequestValidationError). */
  validate(request: GenerationRequest, options: { async?: boolean } = {}): ValidatedRequest {
    return validateRequest(request, { region: this.region, useAsyncVariant: options.async });
  }

  /**
   * Generates: validates, resolves images, then calls the model in its mode — sync JSON, SSE
   * stream (collected), or async submit + wait — and returns the normalized result.
   */
  async generate(request: GenerationRequest, options: GenerateOptions = {}): Promise<GenerationResult> {
    const v = this.validate(request, { async: options.async });
    const route = routeOf(v);
    const started = this.transport.clock.now();
    const images = await this.resolveImages(v, options);
    const body = buildWireBody(v, images.refs, images.extra);
    options.onProgress?.({ type: 'request', model: v.spec.id, mode: route.mode, endpoint: route.path });
    let result: GenerationResult;
    if (route.mode === 'async') {
      const task = await this.submitValidated(v, route, body, images.ossResolve, options);
      options.onSubmitted?.(task);
      result = await this.waitForTask(task.taskId, v.spec.id, {
        signal: options.signal,
        onProgress: options.onProgress,
        timeoutMs: options.waitTimeoutMs,
        submittedAt: task.submittedAt,
        request: v.request,
      });
    } else if (route.mode === 'stream') {
      result = await collectStream(this.openStream(v, route, body, images.ossResolve, options), {
        model: v.spec.id,
        seed: v.request.seed,
        onDelta: (delta) => options.onProgress?.({ type: 'delta', delta }),
      });
    } else {
      const res = await this.transport.json({
        method: 'POST',
        path: route.path,
        json: body,
        headers: images.ossResolve ? { 'x-dashscope-ossresourceresolve': 'enable' } : {},
        signal: options.signal,
        ...this.callHooks(options, v.spec),
        label: `generate ${v.spec.id}`,
      });
      const parsed = ResponseEnvelopeSchema.safeParse(res.body);
      if (!parsed.success) {
        throw new DashScopeError({ httpStatus: res.status, code: CLIENT_ERROR_CODES.malformed, message: 'The response has no `output`.', requestId: res.requestId });
      }
      result = normalizeResponse(parsed.data, contextOf(v, route));
      if (!result.requestId && res.requestId) result.requestId = res.requestId;
    }
    result.wireModel = v.wireModel;
    this.logger.info(`generated with ${v.spec.id}`, {
      model: v.spec.id,
      wireModel: v.wireModel,
      mode: route.mode,
      endpoint: route.path,
      requestId: result.requestId,
      taskId: result.taskId,
      images: result.images.length,
      failures: result.failures.length,
      ms: this.transport.clock.now() - started,
    });
    return result;
  }

  /**
   * Streams a stream-mode model (wan2.6-image:interleave) as typed deltas in arrival order. Ends
   * with a `done` delta; throws `StreamIncomplete` if the service stopped early.
   */
  async *stream(request: GenerationRequest, options: CallOptions & { forceUpload?: boolean } = {}): AsyncGenerator<StreamDelta> {
    const v = this.validate(request);
    const route = routeOf(v);
    if (route.mode !== 'stream') {
      throw new DashScopeError({ code: 'InvalidParameter', message: `${v.spec.id} does not stream; use generate().`, retriable: false, hint: 'Use a streaming model such as wan2.6-image:interleave, or call generate().' });
    }
    const images = await this.resolveImages(v, options);
    const body = buildWireBody(v, images.refs);
    options.onProgress?.({ type: 'request', model: v.spec.id, mode: route.mode, endpoint: route.path });
    yield* this.openStream(v, route, body, images.ossResolve, options);
  }

  /** Submits an async task (the model's async mode or its async variant) and returns at once. */
  async submitTask(request: GenerationRequest, options: CallOptions & { forceUpload?: boolean } = {}): Promise<SubmittedTask> {
    const spec = getModel(request.model);
    const v = this.validate(request, { async: spec.mode !== 'async' });
    const route = routeOf(v);
    const images = await this.resolveImages(v, options);
    return this.submitValidated(v, route, buildWireBody(v, images.refs, images.extra), images.ossResolve, options);
  }

  /** Queries a task once. */
  async getTask(taskId: string, options: CallOptions = {}): Promise<TaskSnapshot> {
    return (await getTask(this.transport, taskId, { signal: options.signal, onRetry: this.retryReporter(options) })).snapshot;
  }

  /** Queries a task once and, if it SUCCEEDED, normalizes its result; for `task status` style commands that do not wait. */
  async getTaskResult(taskId: string, model: string, options: CallOptions & { request?: GenerationRequest } = {}): Promise<{ snapshot: TaskSnapshot; result?: GenerationResult }> {
    const { snapshot, response } = await getTask(this.transport, taskId, { signal: options.signal, onRetry: this.retryReporter(options) });
    if (snapshot.status !== 'SUCCEEDED') return { snapshot };
    return { snapshot, result: this.normalizeTask(response, model, options.request) };
  }

  /** Waits for a task with the model-aware schedule and returns its normalized result. */
  async waitForTask(taskId: string, model: string, options: WaitForTaskOptions = {}): Promise<GenerationResult> {
    const spec = getModel(model);
    const scale = this.pollTuning.durationScale ?? 1;
    const response = await waitForTask(this.transport, taskId, spec, {
      signal: options.signal,
      timeoutMs: options.timeoutMs,
      submittedAt: options.submittedAt,
      limiter: this.limiter,
      typicalDurationMs: spec.typicalDurationMs * scale,
      ...learnedSchedule(this.pollTuning.durations, spec.id, scale),
      ...(this.pollTuning.minIntervalMs !== undefined ? { minIntervalMs: this.pollTuning.minIntervalMs } : {}),
      ...(this.pollTuning.maxIntervalMs !== undefined ? { maxIntervalMs: this.pollTuning.maxIntervalMs } : {}),
      onRetry: this.retryReporter(options),
      onStatus: (e) => {
        options.onStatus?.(e);
        options.onProgress?.({
          type: 'status',
          taskId,
          status: e.snapshot.status,
          elapsedMs: e.elapsedMs,
          queries: e.queries,
          ...(e.nextQueryInMs !== undefined ? { nextQueryInMs: e.nextQueryInMs } : {}),
        });
      },
    });
    return this.normalizeTask(response, spec.id, options.request);
  }

  /** Resumes waiting for a stored task id (valid 24 h); the first query happens at once. */
  async resumeTask(taskId: string, model: string, options: Omit<WaitForTaskOptions, 'submittedAt'> = {}): Promise<GenerationResult> {
    return this.waitForTask(taskId, model, options);
  }

  /** Cancels a PENDING task; a started one throws UnsupportedOperation with a plain message. */
  async cancelTask(taskId: string, options: CallOptions = {}): Promise<{ requestId?: string }> {
    return cancelTask(this.transport, taskId, { signal: options.signal });
  }

  /**
   * Turns one local image (path, bytes, or data: URI) into a wire reference for `model`: a data:
   * URI where allowed, else an `oss://` temporary URL (then `ossResolve` is true).
   */
  async uploadLocalImage(model: string, image: ImageInput, options: CallOptions & { forceUpload?: boolean } = {}): Promise<{ ref: string; ossResolve: boolean }> {
    const spec = getModel(model);
    if (!spec.images) {
      throw new DashScopeError({ code: 'InvalidParameter', message: `${spec.id} takes no input images.`, retriable: false });
    }
    const r = await resolveImageInputs(this.transport, { ...spec, images: { ...spec.images, min: 0, max: 1 } }, [toImageInput(image)], {
      signal: options.signal,
      forceUpload: options.forceUpload,
      onRetry: this.retryReporter(options),
      onUpload: (e) => options.onProgress?.({ type: 'upload', ...e }),
    });
    return { ref: r.refs[0]!, ossResolve: r.ossResolve };
  }

  /** Downloads a result URL to a file and verifies it is an image. */
  async download(url: string, options: DownloadOptions = {}): Promise<DownloadedImage> {
    return downloadImage(this.transport, url, options);
  }

  /** Releases the dispatcher if the client created it. */
  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.transport.close();
  }

  /**
   * Resolves the request's images (and a processing request's mask and reference image) to wire
   * references; `refs` are the request's own images, `extra` the mask and reference image.
   */
  private async resolveImages(v: ValidatedRequest, options: CallOptions & { forceUpload?: boolean }): Promise<ResolvedImages & { extra: ExtraImageRefs }> {
    const plan = planProcessImages(v);
    const spec = plan.images.length > v.images.length && v.spec.images ? { ...v.spec, images: { ...v.spec.images, max: plan.images.length } } : v.spec;
    const all = await resolveImageInputs(this.transport, spec, plan.images, {
      bboxList: v.request.bboxList,
      perImage: plan.perImage,
      signal: options.signal,
      forceUpload: options.forceUpload,
      onRetry: this.retryReporter(options),
      onUpload: (e) => options.onProgress?.({ type: 'upload', ...e }),
    });
    const extra: ExtraImageRefs = {};
    if (plan.maskIndex !== undefined) extra.mask = all.refs[plan.maskIndex];
    if (plan.refImageIndex !== undefined) extra.refImage = all.refs[plan.refImageIndex];
    return { refs: all.refs.slice(0, v.images.length), ossResolve: all.ossResolve, extra };
  }

  private async submitValidated(v: ValidatedRequest, route: Route, body: unknown, ossResolve: boolean, options: CallOptions): Promise<SubmittedTask> {
    const snap = await submitTask(this.transport, route.path, body, { ossResolve, signal: options.signal, ...this.callHooks(options, v.spec) });
    const task: SubmittedTask = { taskId: snap.taskId, model: v.spec.id, status: snap.status, submittedAt: this.transport.clock.now() };
    if (snap.requestId) task.requestId = snap.requestId;
    options.onProgress?.({ type: 'submitted', taskId: task.taskId, ...(task.requestId ? { requestId: task.requestId } : {}) });
    this.logger.info(`submitted task for ${v.spec.id}`, { model: v.spec.id, endpoint: route.path, taskId: task.taskId, requestId: task.requestId });
    return task;
  }

  private async *openStream(v: ValidatedRequest, route: Route, body: unknown, ossResolve: boolean, options: CallOptions): AsyncGenerator<StreamDelta> {
    // §3.1: SSE needs the header AND parameters.stream=true (the latter comes from the catalog).
    const headers: Record<string, string> = { 'x-dashscope-sse': 'enable', accept: 'text/event-stream' };
    if (ossResolve) headers['x-dashscope-ossresourceresolve'] = 'enable';
    const res = await this.transport.open({ method: 'POST', path: route.path, json: body, headers, signal: options.signal, ...this.callHooks(options, v.spec), label: `stream ${v.spec.id}` });
    const contentType = String(res.headers['content-type'] ?? '');
    let events: AsyncIterable<SseEvent>;
    if (contentType.includes('event-stream') || contentType === '') {
      events = readSseEvents(res.body, options.signal);
    } else {
      // A plain JSON answer to a stream request: treat it as one event.
      events = (async function* () {
        let text = '';
        for await (const chunk of res.body) text += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
        yield { data: text.replace(/^\uFEFF/, '') };
      })();
    }
    let count = 0;
    try {
      for await (const delta of sseToDeltas(events)) {
        if (delta.type === 'image') count++;
        yield delta;
      }
    } finally {
      res.body.destroy();
      this.logger.debug(`stream ${v.spec.id} ended`, { model: v.spec.id, requestId: res.requestId, images: count });
    }
  }

  private normalizeTask(response: TaskResponse, model: string, request?: GenerationRequest): GenerationResult {
    const spec = getModel(model);
    const family = spec.mode === 'async' ? spec.response : spec.asyncVariant?.response ?? spec.response;
    const ctx: NormalizeContext = { spec, family };
    if (request?.prompt !== undefined) ctx.prompt = request.prompt;
    if (request?.seed !== undefined) ctx.seed = request.seed;
    if (request?.size !== undefined) ctx.size = request.size;
    if (request?.promptExtend !== undefined) ctx.promptExtend = request.promptExtend;
    const result = normalizeResponse(response, ctx);
    // A resumed task knows its snapshot only from the request that created it.
    const wireModel = request ? resolveModel(request.model, request.version)?.wireModel : undefined;
    if (wireModel) result.wireModel = wireModel;
    return result;
  }

  private retryReporter(options: CallOptions): ((e: RetryEvent) => void) | undefined {
    const onProgress = options.onProgress;
    if (!onProgress) return undefined;
    return (e) => onProgress({ type: 'retry', attempt: e.attempt, maxRetries: e.maxRetries, delayMs: e.delayMs, code: e.error.code, message: describeRetry(e) });
  }

  /**
   * Progress hooks of a call that sends to `spec`: retries, the countdown of their waits, and the
   * model's published submit window (N§4: qwen-image-max, qwen-image-edit-max), which a 429 then
   * waits out. An assumed window is only the job manager's pacing: waiting a minute after every
   * 429 of a model whose limit may well be per second would stall it for nothing.
   */
  private callHooks(options: CallOptions, spec: ModelSpec): { onRetry?: (e: RetryEvent) => void; onWait?: (e: WaitEvent) => void; rateWindow?: RateWindow } {
    const limits = spec.rateLimits;
    const rateWindow = limits.requestsPerMinute !== undefined && !limits.assumed ? { model: spec.model, requests: limits.requestsPerMinute, windowMs: 60_000 } : undefined;
    const onProgress = options.onProgress;
    return {
      ...(rateWindow ? { rateWindow } : {}),
      ...(onProgress
        ? {
            onRetry: this.retryReporter(options),
            onWait: (e: WaitEvent) => onProgress({ type: 'wait', remainingMs: e.remainingMs, code: e.retry.error.code, ...(e.retry.rateWindow ? { rateWindow: e.retry.rateWindow } : {}) }),
          }
        : {}),
    };
  }
}

function contextOf(v: ValidatedRequest, route: Route): NormalizeContext {
  const ctx: NormalizeContext = { spec: v.spec, family: route.family };
  if (v.request.prompt !== undefined) ctx.prompt = v.request.prompt;
  if (v.request.seed !== undefined) ctx.seed = v.request.seed;
  if (v.request.size !== undefined) ctx.size = v.request.size;
  if (v.request.promptExtend !== undefined) ctx.promptExtend = v.request.promptExtend;
  return ctx;
}
