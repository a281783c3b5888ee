/**
 * Async tasks (reference §4, §5): PENDING → RUNNING → SUCCEEDED / FAILED on the simulator's clock, CANCELED
 * from PENDING, UNKNOWN for ids that do not exist, expired, or belong to another account.
 * Timestamps are the service's `YYYY-MM-DD HH:mm:ss.SSS` in UTC+8 wall clock.
 */
import { realClock, type SimClock } from './clock.js';
import { RETENTION_MS } from './models.js';
import { formatTaskTime, newId } from './service-formats.js';

export type TaskStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELED';
export type TaskFamily = 'results' | 'choices' | 'image_url' | 'output_image_url';

/** What a finished task reports: extra `output` keys (results / choices / image_url …) and `usage`. */
export interface TaskOutcome {
  status: 'SUCCEEDED' | 'FAILED';
  output: Record<string, unknown>;
  usage?: Record<string, unknown>;
}

export interface TaskRecord {
  id: string;
  accountId: string;
  model: string;
  family: TaskFamily;
  status: TaskStatus;
  submitMs: number;
  scheduledMs?: number;
  endMs?: number;
  /** Images asked for (task_metrics TOTAL). */
  total: number;
  outcome?: TaskOutcome;
}

interface Internal extends TaskRecord {
  /** Cancels the pending PENDING → RUNNING or RUNNING → end step. */
  cancelTimer?: () => void;
  run: () => Promise<TaskOutcome>;
}

export interface TaskTiming {
  pendingMs: number;
  runningMs: number;
}

export class TaskStore {
  private readonly tasks = new Map<string, Internal>();
  private stopped = false;

  constructor(
    private readonly retentionMs = RETENTION_MS,
    private readonly clock: SimClock = realClock,
  ) {}

  /** Creates a PENDING task; `run` produces its outcome when RUNNING ends. */
  create(opts: { accountId: string; model: string; family: TaskFamily; total: number; timing: TaskTiming; run: () => Promise<TaskOutcome> }): TaskRecord {
    const t: Internal = {
      id: newId(),
      accountId: opts.accountId,
      model: opts.model,
      family: opts.family,
      status: 'PENDING',
      submitMs: this.clock.now(),
      total: opts.total,
      run: opts.run,
    };
    this.tasks.set(t.id, t);
    t.cancelTimer = this.clock.timer(() => this.start(t, opts.timing.runningMs), opts.timing.pendingMs);
    return t;
  }

  private start(t: Internal, runningMs: number): void {
    if (this.stopped || t.status !== 'PENDING') return;
    t.status = 'RUNNING';
    t.scheduledMs = this.clock.now();
    t.cancelTimer = this.clock.timer(() => void this.finish(t), runningMs);
  }

  private async finish(t: Internal): Promise<void> {
    if (this.stopped || t.status !== 'RUNNING') return;
    let outcome: TaskOutcome;
    try {
      outcome = await t.run();
    } catch (err) {
      outcome = {
        status: 'FAILED',
        output: { code: 'InternalError', message: err instanceof Error ? err.message : String(err) },
      };
    }
    if (this.stopped) return;
    t.outcome = outcome;
    t.status = outcome.status;
    t.endMs = this.clock.now();
    t.cancelTimer = undefined;
  }

  /** The task for this account, or undefined (→ UNKNOWN). */
  get(id: string, accountId?: string): TaskRecord | undefined {
    const t = this.tasks.get(id);
    if (!t) return undefined;
    if (this.clock.now() - t.submitMs > this.retentionMs) {
      t.cancelTimer?.();
      this.tasks.delete(id);
      return undefined;
    }
    if (accountId !== undefined && t.accountId !== accountId) return undefined;
    return t;
  }

  /** Tasks PENDING or RUNNING for (account, model): the concurrency count. */
  active(accountId: string, model: string): number {
    let n = 0;
    for (const t of this.tasks.values()) {
      if (t.accountId === accountId && t.model === model && (t.status === 'PENDING' || t.status === 'RUNNING')) n++;
    }
    return n;
  }

  /** PENDING → CANCELED; returns false for any other status. */
  cancel(id: string, accountId: string): boolean {
    const t = this.get(id, accountId) as Internal | undefined;
    if (!t || t.status !== 'PENDING') return false;
    t.cancelTimer?.();
    t.cancelTimer = undefined;
    t.status = 'CANCELED';
    t.endMs = this.clock.now();
    return true;
  }

  /** The `output` (and `usage`) object of `GET /tasks/{id}` for this task (§5.3). */
  view(t: TaskRecord): { output: Record<string, unknown>; usage?: Record<string, unknown> } {
    const output: Record<string, unknown> = {
      task_id: t.id,
      task_status: t.status,
      submit_time: formatTaskTime(t.submitMs),
    };
    if (t.scheduledMs !== undefined) output.scheduled_time = formatTaskTime(t.scheduledMs);
    if (t.endMs !== undefined) output.end_time = formatTaskTime(t.endMs);
    const metrics = (succeeded: number, failed: number) => ({ TOTAL: t.total, SUCCEEDED: succeeded, FAILED: failed });
    if (t.status === 'PENDING' || t.status === 'RUNNING') {
      if (t.family === 'results') output.task_metrics = metrics(0, 0);
      return { output };
    }
    if (t.status === 'CANCELED' || !t.outcome) return { output };
    Object.assign(output, t.outcome.output);
    return t.outcome.usage ? { output, usage: t.outcome.usage } : { output };
  }

  /** A snapshot for tests. */
  snapshot(id: string): (TaskRecord & { view: ReturnType<TaskStore['view']> }) | undefined {
    const t = this.tasks.get(id);
    if (!t) return undefined;
    const { run: _run, cancelTimer: _cancel, ...rest } = t;
    return { ...rest, view: this.view(t) };
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.tasks.values()) t.cancelTimer?.();
  }
}
