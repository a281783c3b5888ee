/**
 * Async tasks: submit, query, cancel, and wait with a poll schedule that follows the model.
 *
 * The official SDKs sleep 1, 1, 2, 2, 2, 4, 4, 4, 5, 5 … s whatever the model (§6): a 6 s
 * wan2.2-t2i-flash task is found up to 4 s late, a 40 s task costs a dozen useless queries. Here
 * the schedule reads the model's `typicalDurationMs`, the durations this account's tasks of the
 * model took (durations.ts) and the reported state: sparse while the task
 * cannot be done yet, 2 queries/s across the window where its duration model says it probably
 * ends, backing off again if it runs long, and never above the model's
 * `rateLimits.queryPerSecond` (qwen-mt-image: 1/s, §8), across every wait of that model in the
 * client (the limit is per account, not per task). `npm run bench` measures it (bench/poll.bench.ts).
 *
 * Section numbers refer to ../shared/reference/dashscope-api.md.
 */
import { TASK_CANCEL_PATH, TASK_PATH, type ModelSpec } from './catalog/index.js';
import { CLIENT_ERROR_CODES, DashScopeError } from './errors.js';
import {
  TERMINAL_TASK_STATUSES,
  TaskResponseSchema,
  parseServiceTime,
  taskSnapshotOf,
  type TaskResponse,
  type TaskSnapshot,
} from './schemas.js';
import { durationWindow, type DurationWindow } from './durations.js';
import { abortReason, type CallOptions, type Clock, type RetryEvent, type Transport } from './transport.js';

export { DURATION_SIGMA } from './durations.js';

/** Inputs of {@link nextPollDelay}. All times are ms since the task was submitted. */
export interface PollState {
  /** The model's typical wall-clock duration, queue included (catalog `typicalDurationMs`): the median of the duration model. */
  typicalDurationMs: number;
  /** Smallest gap between two queries of this task (from the rate limit and a floor). */
  minIntervalMs: number;
  /** Largest gap between two queries. */
  maxIntervalMs: number;
  /** Last reported status. */
  status: string;
  /** Time since submit. */
  elapsedMs: number;
  /** Estimated time (since submit) at which the task started RUNNING, once seen. */
  runningSinceMs?: number;
  /** The dense window from the learned durations ({@link durationWindow}); default: the prior's, from `typicalDurationMs`. */
  window?: Pick<DurationWindow, 'startMs' | 'endMs'>;
}

/** Part of the typical duration a task may spend PENDING before its queue counts as long. */
const EXPECTED_QUEUE_FRACTION = 0.2;
/** Part of the floor added to a gap measured from send to send (at most the answer's time): network jitter. */
const SEND_GAP_MARGIN = 0.1;
/** One task's own query rate: 2/s, so that 10 concurrent tasks stay within a 20/s account budget. */
export const TASK_QUERY_FLOOR_MS = 500;

/**
 * The wait before the next query, from a duration model: the prior is log-normal around the
 * typical duration (σ 0.4), mixed with the durations learned for the model (durations.ts).
 * - Before the dense window (the 6.7th percentile): half of the time left until it, so the few
 *   early queries converge on the window without costing much.
 * - In the window (6.7th to 99th percentile, where 92 % of tasks end): every `minIntervalMs`
 *   (2/s), so a task is found within half a second of its end. Denser is not allowed, and sparser
 *   here is where the SDKs' 4–5 s gaps lose seconds.
 * - After it: back off by half the overrun, for stragglers.
 * - PENDING past the expected queue (a fifth of the typical duration): the task cannot end before
 *   it runs; poll every fifth of the typical duration, sparser the longer it queues. Once it runs,
 *   the window shifts by the extra queueing (estimated from when RUNNING was first seen).
 * Always within [minIntervalMs, maxIntervalMs].
 */
export function nextPollDelay(s: PollState): number {
  const T = s.typicalDurationMs;
  const expectedQueue = EXPECTED_QUEUE_FRACTION * T;
  const clamp = (ms: number) => Math.round(Math.min(s.maxIntervalMs, Math.max(s.minIntervalMs, ms)));
  const pending = s.status === 'PENDING' || s.status === 'SUSPENDED';
  if (pending && s.elapsedMs > expectedQueue) return clamp(Math.max(expectedQueue, 0.25 * s.elapsedMs));
  const queueExtra = s.runningSinceMs !== undefined ? Math.max(0, s.runningSinceMs - expectedQueue) : 0;
  const t = s.elapsedMs - queueExtra;
  const { startMs: windowStart, endMs: windowEnd } = s.window ?? durationWindow(T);
  if (t < windowStart) return clamp((windowStart - t) / 2);
  if (t <= windowEnd) return clamp(s.minIntervalMs);
  return clamp(s.minIntervalMs + 0.5 * (t - windowEnd));
}

/** The SDKs' schedule (§6): 1 s, doubling every third poll, capped at 5 s. For comparisons. */
export function sdkPollDelay(pollIndex: number): number {
  // [PY] BaseAsyncApi.wait: step starts at 1 and the interval doubles when step % 3 == 0.
  let wait = 1;
  for (let step = 1; step <= pollIndex + 1; step++) {
    if (wait < 5 && step % 3 === 0) wait = Math.min(wait * 2, 5);
  }
  return wait * 1000;
}

/**
 * What paces task queries: {@link QueryRateLimiter}, or an account-wide budget shared by several
 * clients (the extension's AccountLimits). `acquire` may return a function to call once the
 * query's answer (or error) is in, for limiters that space queries by their answers.
 */
export interface TaskQueryLimiter {
  acquire(key: string, perSecond: number, signal?: AbortSignal): Promise<void | (() => void)>;
}

/**
 * Queries per model, shared by every wait in one client (the rate is per account): at most
 * `perSecond` queries in any second as the service counts them, on arrival. A query counts from
 * when it is sent until a second after its answer came back: it arrived somewhere in between, so
 * spacing by answers (not by when the queries were meant to go) still holds when this process or
 * the network delays a query. Queries may overlap when the rate allows more than one per second.
 */
export class QueryRateLimiter implements TaskQueryLimiter {
  private readonly keys = new Map<string, { inFlight: number; done: number[]; changed: Promise<void>; signal: () => void }>();

  constructor(private readonly clock: Clock) {}

  /** Waits until a query of `key` at `perSecond` is allowed and books it; call the returned function when its answer (or error) is in. */
  async acquire(key: string, perSecond: number, signal?: AbortSignal): Promise<() => void> {
    // perSecond < 1 (say 0.5): one query per 1/perSecond seconds.
    const limit = Math.max(1, Math.floor(perSecond));
    const windowMs = (limit * 1000) / Math.max(perSecond, 0.001);
    const st = this.keys.get(key) ?? this.fresh();
    this.keys.set(key, st);
    for (;;) {
      if (signal?.aborted) throw abortReason(signal);
      const now = this.clock.now();
      while (st.done.length > 0 && st.done[0]! <= now - windowMs) st.done.shift();
      if (st.inFlight + st.done.length < limit) break;
      if (st.done.length > 0) await this.clock.sleep(st.done[0]! + windowMs - now, signal);
      else await abortable(st.changed, signal); // all in flight: wait for an answer
    }
    st.inFlight++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      st.inFlight--;
      st.done.push(this.clock.now());
      const wake = st.signal;
      const next = this.fresh();
      st.changed = next.changed;
      st.signal = next.signal;
      wake();
    };
  }

  private fresh(): { inFlight: number; done: number[]; changed: Promise<void>; signal: () => void } {
    let signal!: () => void;
    const changed = new Promise<void>((r) => (signal = r));
    return { inFlight: 0, done: [], changed, signal };
  }
}

function abortable(p: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return p;
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Reported after every query of a waited-for task. */
export interface TaskStatusEvent {
  snapshot: TaskSnapshot;
  elapsedMs: number;
  /** Queries made so far (including this one). */
  queries: number;
  /** When the next query is planned, if the task is not terminal. */
  nextQueryInMs?: number;
}

/** Options of {@link waitForTask}. */
export interface WaitOptions {
  signal?: AbortSignal;
  onStatus?: (event: TaskStatusEvent) => void;
  onRetry?: (event: RetryEvent) => void;
  /** Give up (with `WaitTaskTimeout`) after this long; default: no limit (tasks live 24 h). */
  timeoutMs?: number;
  /** Local clock time of the submit; unknown for a resumed task id (then the service's submit_time is used). */
  submittedAt?: number;
  /** Overrides of the schedule (tests, benchmarks). */
  typicalDurationMs?: number;
  minIntervalMs?: number;
  maxIntervalMs?: number;
  /** Shared limiter; one per client, or one per account (the extension's AccountLimits). */
  limiter?: TaskQueryLimiter;
  /** Consecutive failed queries (after the transport's own retries) tolerated before giving up. */
  maxQueryFailures?: number;
  /** Durations this account's tasks of the model took, in this wait's ms: they shape the dense window. */
  learnedDurationsMs?: readonly number[];
  /** Gets the duration of a task that SUCCEEDED (submit to end, ± half a poll gap); only when `submittedAt` was given. */
  onDuration?: (durationMs: number) => void;
}

/**
 * The query schedule bounds for a model. Floor: 2 queries/s per task ({@link TASK_QUERY_FLOOR_MS})
 * and never above the model's account query rate (qwen-mt-image: 1/s). Ceiling: half the typical
 * duration, between 5 s (the SDKs' cap) and 15 s. `typicalDurationMs` other than the catalog's
 * means a time-scaled simulator: the per-task floor scales with it; the account rate (enforced in
 * real time) does not, nor does the ceiling's 5 s minimum (a scaled test task queued for minutes
 * must not be polled every few ms).
 */
export function pollBounds(spec: Pick<ModelSpec, 'typicalDurationMs' | 'rateLimits'>, typicalDurationMs = spec.typicalDurationMs): { minIntervalMs: number; maxIntervalMs: number } {
  const timeScale = typicalDurationMs / spec.typicalDurationMs;
  const rateFloor = 1000 / spec.rateLimits.queryPerSecond;
  const minIntervalMs = Math.max(rateFloor, TASK_QUERY_FLOOR_MS * timeScale);
  const maxIntervalMs = Math.max(minIntervalMs, Math.min(15_000, Math.max(5_000, typicalDurationMs / 2)));
  return { minIntervalMs, maxIntervalMs };
}

/** Submits a task: POST with `X-DashScope-Async: enable` (§4; without it → 403 AccessDenied). */
export async function submitTask(
  transport: Transport,
  path: string,
  body: unknown,
  options: { ossResolve?: boolean; signal?: AbortSignal } & Pick<CallOptions, 'onRetry' | 'onWait' | 'rateWindow'> = {},
): Promise<TaskSnapshot> {
  const headers: Record<string, string> = { 'x-dashscope-async': 'enable' };
  if (options.ossResolve) headers['x-dashscope-ossresourceresolve'] = 'enable';
  const { signal, onRetry, onWait, rateWindow } = options;
  const res = await transport.json({ method: 'POST', path, json: body, headers, signal, onRetry, onWait, rateWindow, label: 'submit task' });
  return taskSnapshotOf(parseTaskResponse(res.body, res.requestId));
}

/** Queries a task once: `GET /tasks/{id}` (§5). UNKNOWN is returned, not thrown. */
export async function getTask(
  transport: Transport,
  taskId: string,
  options: { signal?: AbortSignal; onRetry?: (e: RetryEvent) => void } = {},
): Promise<{ snapshot: TaskSnapshot; response: TaskResponse }> {
  const res = await transport.json({ method: 'GET', path: TASK_PATH(taskId), signal: options.signal, onRetry: options.onRetry, label: 'query task' });
  const response = parseTaskResponse(res.body, res.requestId);
  return { snapshot: taskSnapshotOf(response), response };
}

/**
 * Cancels a PENDING task (§5.4). A task that already started answers 400 UnsupportedOperation;
 * that becomes a DashScopeError whose message says so plainly.
 */
export async function cancelTask(transport: Transport, taskId: string, options: { signal?: AbortSignal } = {}): Promise<{ requestId?: string }> {
  try {
    const res = await transport.json({ method: 'POST', path: TASK_CANCEL_PATH(taskId), signal: options.signal, label: 'cancel task' });
    return res.requestId ? { requestId: res.requestId } : {};
  } catch (err) {
    if (err instanceof DashScopeError && err.code === 'UnsupportedOperation') {
      throw new DashScopeError({
        httpStatus: err.httpStatus,
        code: err.code,
        message: `Task ${taskId} can no longer be cancelled: only PENDING tasks can, and it has already started or finished. (${err.message})`,
        requestId: err.requestId,
        taskId,
        retriable: false,
      });
    }
    throw err;
  }
}

/**
 * Polls until the task is terminal and returns the SUCCEEDED response. FAILED → DashScopeError
 * with the task's code and message; CANCELED → `TaskCanceled`; UNKNOWN → `TaskUnknown` ("task
 * expired or not found", §5.2).
 */
export async function waitForTask(
  transport: Transport,
  taskId: string,
  spec: Pick<ModelSpec, 'id' | 'typicalDurationMs' | 'rateLimits'>,
  options: WaitOptions = {},
): Promise<TaskResponse> {
  const clock = transport.clock;
  const typical = options.typicalDurationMs ?? spec.typicalDurationMs;
  const bounds = pollBounds(spec, typical);
  const minIntervalMs = Math.max(options.minIntervalMs ?? bounds.minIntervalMs, 1000 / spec.rateLimits.queryPerSecond);
  const maxIntervalMs = Math.max(minIntervalMs, options.maxIntervalMs ?? bounds.maxIntervalMs);
  const startedWaiting = clock.now();
  const window = durationWindow(typical, options.learnedDurationsMs);
  let submittedAt = options.submittedAt;
  let status = 'PENDING';
  let lastQueryAt: number | undefined;
  let runningSince: number | undefined;
  let queries = 0;
  let failures = 0;
  const maxFailures = options.maxQueryFailures ?? 5;

  // A resumed task: query at once to learn its state; a fresh one: wait per the schedule first.
  let delay = submittedAt === undefined ? 0 : nextPollDelay({ typicalDurationMs: typical, minIntervalMs, maxIntervalMs, status, elapsedMs: clock.now() - submittedAt, window });
  for (;;) {
    if (options.timeoutMs !== undefined) {
      const left = startedWaiting + options.timeoutMs - clock.now();
      if (left <= 0) throw waitTimeout(taskId, options.timeoutMs);
      delay = Math.min(delay, left);
    }
    if (delay > 0) await clock.sleep(delay, options.signal);
    if (options.timeoutMs !== undefined && clock.now() - startedWaiting >= options.timeoutMs) throw waitTimeout(taskId, options.timeoutMs);
    const release = await options.limiter?.acquire(spec.id, spec.rateLimits.queryPerSecond, options.signal);
    // The schedule's gaps run from send to send, plus at most a tenth of the floor: an answer that
    // takes 300 ms (a far region) must not stretch every gap of the dense window by 300 ms, and
    // the margin keeps two queries from arriving closer than the floor when one travels faster.
    const sentAt = clock.now();

    let result: { snapshot: TaskSnapshot; response: TaskResponse };
    try {
      result = await getTask(transport, taskId, { signal: options.signal, onRetry: options.onRetry });
      release?.();
      failures = 0;
    } catch (err) {
      release?.();
      // The transport already retried; a still-retriable failure (503 storm, reset) is tolerated a
      // few times more, like the SDKs that keep polling through 503/504 (§6).
      if (err instanceof DashScopeError && err.retriable && ++failures <= maxFailures) {
        delay = minIntervalMs * 2 ** failures;
        continue;
      }
      throw err;
    }
    queries++;
    const now = clock.now();
    const { snapshot, response } = result;
    if (submittedAt === undefined) {
      // §5.3: submit_time is Beijing wall-clock; use it only when it is plausible against our clock.
      const serverSubmit = parseServiceTime(snapshot.submitTime);
      const age = serverSubmit === undefined ? undefined : Date.now() - serverSubmit;
      submittedAt = age !== undefined && age >= 0 && age < 24 * 3600_000 ? now - age : now;
    }
    if (snapshot.status === 'RUNNING' && runningSince === undefined) {
      // Started somewhere between the previous query and this one.
      const prev = lastQueryAt ?? submittedAt;
      runningSince = (prev + now) / 2 - submittedAt;
    }
    status = snapshot.status;
    // The end lies between the previous query and this one: learn the middle.
    if (status === 'SUCCEEDED' && options.submittedAt !== undefined) options.onDuration?.(((lastQueryAt ?? submittedAt) + now) / 2 - submittedAt);
    lastQueryAt = now;
    const elapsedMs = now - submittedAt;
    const terminal = TERMINAL_TASK_STATUSES.has(status);
    if (!terminal) {
      const state: PollState = { typicalDurationMs: typical, minIntervalMs, maxIntervalMs, status, elapsedMs, window };
      if (runningSince !== undefined) state.runningSinceMs = runningSince;
      const answerMs = now - sentAt;
      delay = Math.max(0, nextPollDelay(state) - answerMs + Math.min(answerMs, SEND_GAP_MARGIN * minIntervalMs));
    }
    options.onStatus?.({ snapshot, elapsedMs, queries, ...(terminal ? {} : { nextQueryInMs: delay }) });
    if (!terminal) continue;

    transport.logger.debug(`task ${status}`, { taskId, model: spec.id, queries, ms: elapsedMs, requestId: snapshot.requestId });
    switch (status) {
      case 'SUCCEEDED':
        return response;
      case 'FAILED':
        throw new DashScopeError({
          code: snapshot.code ?? 'TaskFailed',
          message: snapshot.message ?? `Task ${taskId} failed.`,
          requestId: snapshot.requestId,
          taskId,
        });
      case 'CANCELED':
        throw new DashScopeError({ code: CLIENT_ERROR_CODES.taskCanceled, message: `Task ${taskId} was cancelled.`, requestId: snapshot.requestId, taskId, retriable: false });
      default:
        throw new DashScopeError({
          code: CLIENT_ERROR_CODES.taskUnknown,
          message: `Task ${taskId}: task expired or not found (status UNKNOWN).`,
          requestId: snapshot.requestId,
          taskId,
          retriable: false,
        });
    }
  }
}

function waitTimeout(taskId: string, timeoutMs: number): DashScopeError {
  return new DashScopeError({
    code: CLIENT_ERROR_CODES.waitTimeout,
    message: `Stopped waiting for task ${taskId} after ${Math.round(timeoutMs / 1000)} s; it may still finish.`,
    taskId,
    retriable: false,
  });
}

function parseTaskResponse(body: unknown, requestId: string | undefined): TaskResponse {
  const parsed = TaskResponseSchema.safeParse(body);
  if (!parsed.success) {
    throw new DashScopeError({
      httpStatus: 200,
      code: CLIENT_ERROR_CODES.malformed,
      message: 'The task response has no output.task_id / output.task_status.',
      requestId,
    });
  }
  return parsed.data;
}
