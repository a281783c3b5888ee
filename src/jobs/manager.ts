/**
 * The job manager: every run (palette, Explorer, studio, agent tools, folder batches, resumed
 * tasks) goes through one instance, which knows what else runs and keeps each model within its
 * limits. No `vscode` here: the extension, the CLI and tests drive it alike.
 *
 * A job waits, FIFO per model, for a concurrency slot and a submit slot ({@link AccountLimits});
 * only then is its `run` called. The slot is held until `run` settles, which for an async model
 * means until its task ended (the run waits for it), because the service counts PENDING and
 * RUNNING tasks against the model's concurrency (§8).
 */
import { getModel } from '../dashscope/catalog/index.js';
import type { Clock, RetryEvent } from '../dashscope/transport.js';
import { Emitter, type Disposable, type Event } from './events.js';
import { AccountLimits, submitRateOf, type ModelRateLimits, type QueryLimiter, type ReleaseSlot } from './limits.js';

/** Where a job comes from (for the jobs view, logs, and cancelling one origin's jobs). */
export type JobSource = 'palette' | 'explorer' | 'studio' | 'agent' | 'batch' | 'cli' | 'resume';

/** Lifecycle: queued → running → succeeded | failed | cancelled (or queued → cancelled). */
export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** States after which nothing changes any more. */
export const FINISHED_JOB_STATES: ReadonlySet<JobState> = new Set(['succeeded', 'failed', 'cancelled']);

/** What a running job gets: its id, its cancel signal, and the gates it must pass. */
export interface JobContext {
  readonly jobId: string;
  /** Aborted when the job is cancelled; pass it to every call. */
  readonly signal: AbortSignal;
  /**
   * Await right before each submit (or sync/stream call) the run sends. With `submitPacing:
   * 'before-run'` (the default) the first call returns at once, since the manager took that slot
   * before calling `run`; every further call waits for a slot of its own.
   */
  beforeSubmit(): Promise<void>;
  /** The account's query budget, for the client's task polling (`limiter`). */
  readonly queryLimiter: QueryLimiter;
  /** Feed for the client's `onRetry`: a 429 slows the whole account down instead of failing this job. */
  onRetry(event: RetryEvent): void;
  /** Short progress text for the jobs view and status bar ("waiting for task", "saving 2/4"); undefined clears it. */
  setProgress(text: string | undefined): void;
  /**
   * Gives the model's concurrency slot back before `run` settles, once the service side is over
   * (the sync answer arrived, the task is terminal): downloads and saves then do not hold back
   * the next job of that model. Optional; without it the slot is released when `run` settles.
   */
  releaseSlot(): void;
}

/** What to run. */
export interface JobSpec<T> {
  /** For people: "qwen-image-plus: a red fox". */
  label: string;
  /** Catalog model id (`getModel(id)`); its limits gate the job. */
  model: string;
  source: JobSource;
  /**
   * `before-run` (default): the manager waits for the submit slot before calling `run` (a run
   * that sends as it starts). `in-run`: the run calls `ctx.beforeSubmit()` right before it sends
   * (exact when uploads come first), or never (a resumed task only polls).
   */
  submitPacing?: 'before-run' | 'in-run';
  /** An outside cancel (the CLI's Ctrl+C, a caller's own token): aborting it cancels the job. */
  signal?: AbortSignal;
  run(ctx: JobContext): Promise<T>;
}

/** A job as the UI sees it: plain data, a snapshot. */
export interface JobInfo {
  id: string;
  label: string;
  model: string;
  source: JobSource;
  state: JobState;
  progress?: string;
  /** Set when state is `failed` (or `cancelled`, with the abort reason). */
  error?: unknown;
  /** Clock times. */
  queuedAt: number;
  startedAt?: number;
  endedAt?: number;
}

/** What {@link JobManager.enqueue} returns. */
export interface JobHandle<T> {
  readonly id: string;
  /** The live state. */
  readonly state: JobState;
  /** A snapshot of the job now. */
  info(): JobInfo;
  /**
   * The result. Rejects with the run's error, or with an AbortError when the job was cancelled.
   * A rejection nobody awaits is not an unhandled rejection: the outcome is also in `onDidChange`.
   */
  readonly result: Promise<T>;
  /** Cancels the job; false if it had already finished. */
  cancel(): boolean;
}

/** One change of one job. */
export interface JobChange {
  job: JobInfo;
  /** `added` on enqueue, `removed` when a finished job is forgotten, `updated` for everything else. */
  kind: 'added' | 'updated' | 'removed';
}

/** How the manager finds a model's limits; the default reads the catalog. */
export type LimitsLookup = (modelId: string) => { key: string; limits: ModelRateLimits };

/** Options of {@link JobManager}. */
export interface JobManagerOptions {
  clock: Clock;
  /** Shared limits; default: a new {@link AccountLimits} on `clock`. One per account. */
  limits?: AccountLimits;
  /** Default: the catalog, keyed by wire model name (`wan2.6-image` and its interleave mode share one budget). */
  lookupLimits?: LimitsLookup;
  /** Finished jobs kept for `list()` (oldest forgotten first); default 50. */
  keepFinished?: number;
  /** A throwing change listener is reported here rather than breaking the job. */
  onListenerError?: (err: unknown) => void;
}

/** Reads a catalog entry's limits; the per-minute figure is optional until the catalog has it. */
export const catalogLimits: LimitsLookup = (modelId) => {
  const spec = getModel(modelId);
  return { key: spec.model, limits: spec.rateLimits };
};

interface JobRecord {
  info: JobInfo;
  controller: AbortController;
  cancelRequested: boolean;
  detachOuter?: () => void;
}

/** The error a cancelled job rejects with; `isAbortError` recognizes it. */
export function jobCancelledError(label: string): Error {
  return new DOMException(`Cancelled: ${label}`, 'AbortError');
}

/** Owns every run; see the module comment. */
export class JobManager implements Disposable {
  /** The account limits; hand `limits` to the client as its query `limiter` and feed it `onRetry`. */
  readonly limits: AccountLimits;
  private readonly clock: Clock;
  private readonly lookupLimits: LimitsLookup;
  private readonly keepFinished: number;
  private readonly onListenerError: ((err: unknown) => void) | undefined;
  private readonly jobs = new Map<string, JobRecord>();
  private readonly changes = new Emitter<JobChange>();
  private nextId = 1;

  /** Fires on every state or progress change of any job. */
  readonly onDidChange: Event<JobChange> = this.changes.event;

  constructor(options: JobManagerOptions) {
    this.clock = options.clock;
    this.limits = options.limits ?? new AccountLimits({ clock: options.clock });
    this.lookupLimits = options.lookupLimits ?? catalogLimits;
    this.keepFinished = options.keepFinished ?? 50;
    this.onListenerError = options.onListenerError;
  }

  /** Queues a job; it runs as soon as its model's limits allow. Never throws: problems fail the job. */
  enqueue<T>(spec: JobSpec<T>): JobHandle<T> {
    const id = `job-${this.nextId++}`;
    const record: JobRecord = {
      info: { id, label: spec.label, model: spec.model, source: spec.source, state: 'queued', queuedAt: this.clock.now() },
      controller: new AbortController(),
      cancelRequested: false,
    };
    this.jobs.set(id, record);
    if (spec.signal) {
      const outer = spec.signal;
      const onOuterAbort = (): void => void this.cancelRecord(record);
      outer.addEventListener('abort', onOuterAbort, { once: true });
      record.detachOuter = () => outer.removeEventListener('abort', onOuterAbort);
    }
    this.emit(record, 'added');
    if (spec.signal?.aborted) this.cancelRecord(record);
    const result = this.drive(record, spec);
    // The outcome also reaches onDidChange; a caller that fires and forgets must not crash the host.
    result.catch(() => {});
    return {
      id,
      get state() {
        return record.info.state;
      },
      info: () => ({ ...record.info }),
      result,
      cancel: () => this.cancelRecord(record),
    };
  }

  /** Snapshots of every known job (queued, running, and the most recent finished ones), oldest first. */
  list(): JobInfo[] {
    return [...this.jobs.values()].map((r) => ({ ...r.info }));
  }

  /** A snapshot of one job, if it is still known. */
  get(id: string): JobInfo | undefined {
    const r = this.jobs.get(id);
    return r ? { ...r.info } : undefined;
  }

  /** Cancels one job; false if unknown or already finished. */
  cancel(id: string): boolean {
    const r = this.jobs.get(id);
    return r ? this.cancelRecord(r) : false;
  }

  /** Cancels every unfinished job that matches (all of them without a filter); returns how many. */
  cancelAll(filter?: (job: JobInfo) => boolean): number {
    let n = 0;
    for (const r of [...this.jobs.values()]) {
      if (!FINISHED_JOB_STATES.has(r.info.state) && (!filter || filter({ ...r.info })) && this.cancelRecord(r)) n++;
    }
    return n;
  }

  /** Jobs running and waiting, for a status bar. */
  counts(): { running: number; queued: number } {
    let running = 0;
    let queued = 0;
    for (const r of this.jobs.values()) {
      if (r.info.state === 'running') running++;
      else if (r.info.state === 'queued') queued++;
    }
    return { running, queued };
  }

  /** Forgets finished jobs (the jobs view's "Clear"). */
  clearFinished(): void {
    for (const r of [...this.jobs.values()]) {
      if (FINISHED_JOB_STATES.has(r.info.state)) this.forget(r);
    }
  }

  /** Cancels everything and drops the listeners (extension deactivation). */
  dispose(): void {
    this.cancelAll();
    this.changes.dispose();
  }

  private async drive<T>(record: JobRecord, spec: JobSpec<T>): Promise<T> {
    const signal = record.controller.signal;
    let release: ReleaseSlot | undefined;
    try {
      const { key, limits } = this.lookupLimits(spec.model);
      const rate = submitRateOf(limits);
      release = await this.limits.acquireSlot(key, limits.concurrent, signal);
      const pacing = spec.submitPacing ?? 'before-run';
      if (pacing === 'before-run') await this.limits.acquireSubmit(key, rate, signal);
      if (signal.aborted) throw signal.reason;
      let prepaid = pacing === 'before-run';
      const ctx: JobContext = {
        jobId: record.info.id,
        signal,
        beforeSubmit: async () => {
          if (prepaid) {
            prepaid = false;
            return;
          }
          await this.limits.acquireSubmit(key, rate, signal);
        },
        queryLimiter: this.limits,
        onRetry: (event) => this.limits.observeRetry(event),
        setProgress: (text) => {
          if (FINISHED_JOB_STATES.has(record.info.state) || record.info.progress === text) return;
          if (text === undefined) delete record.info.progress;
          else record.info.progress = text;
          this.emit(record, 'updated');
        },
        releaseSlot: () => release?.(),
      };
      record.info.state = 'running';
      record.info.startedAt = this.clock.now();
      this.emit(record, 'updated');
      const value = await spec.run(ctx);
      // A run that finished although cancelled has done its work (files saved): keep the result.
      this.finish(record, 'succeeded');
      return value;
    } catch (err) {
      // After a cancel, whatever the run throws is the consequence of the abort.
      this.finish(record, record.cancelRequested ? 'cancelled' : 'failed', err);
      throw err;
    } finally {
      release?.();
      record.detachOuter?.();
    }
  }

  private cancelRecord(record: JobRecord): boolean {
    if (FINISHED_JOB_STATES.has(record.info.state) || record.cancelRequested) return false;
    record.cancelRequested = true;
    // A queued job's waits reject with this reason, so its run is never called.
    record.controller.abort(jobCancelledError(record.info.label));
    return true;
  }

  private finish(record: JobRecord, state: JobState, error?: unknown): void {
    record.info.state = state;
    record.info.endedAt = this.clock.now();
    if (error !== undefined) record.info.error = error;
    delete record.info.progress;
    this.emit(record, 'updated');
    this.trimFinished();
  }

  private trimFinished(): void {
    const finished = [...this.jobs.values()].filter((r) => FINISHED_JOB_STATES.has(r.info.state));
    for (const r of finished.slice(0, Math.max(0, finished.length - this.keepFinished))) this.forget(r);
  }

  private forget(record: JobRecord): void {
    this.jobs.delete(record.info.id);
    this.emit(record, 'removed');
  }

  private emit(record: JobRecord, kind: JobChange['kind']): void {
    this.changes.fire({ job: { ...record.info }, kind }, this.onListenerError);
  }
}
