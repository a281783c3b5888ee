/**
 * The record of every submitted async task, so a reload (or a crashed CLI) can pick them up
 * again: DashScope keeps a task, and bills it, for 24 h whether or not anybody asks for the
 * result (§8), so forgetting one wastes money.
 *
 * The store sits on a three-method interface (Memento, a file written atomically, memory in tests).
 * State that does not parse is never thrown at the caller: it is reported, moved aside, and the
 * records that still parse are kept. No record ever holds the API key: fields named like a
 * credential are stripped, and key-like values are redacted, before anything is written.
 *
 * Section numbers refer to ../shared/reference/dashscope-api.md.
 */
import * as z from 'zod';
import { RESULT_RETENTION_MS } from '../dashscope/catalog/index.js';
import { redactSecrets } from '../dashscope/errors.js';

/** The current format; bump it (and read the old one) when the shape changes. */
export const PERSISTED_TASKS_VERSION = 1;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const JsonSchema: z.ZodType<Json> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonSchema), z.record(z.string(), JsonSchema)]));

/** A JSON object (not an array, not a primitive). */
const JsonObjectSchema = z.record(z.string(), JsonSchema);

/** Field names that carry credentials: `apiKey`, `api_key`, `Authorization`, `x-api-key`, `secret`, `accessToken`, `password`… */
const CREDENTIAL_NAME = /(api[-_]?key|authori[sz]ation|secret|password|passwd|credential|bearer|access[-_]?token|^token$|^auth$)/i;

/** Values that are credentials whatever their field is called: a DashScope key, a bearer token. */
const KEY_LIKE_VALUE = /\bsk-[A-Za-z0-9_-]{6,}|Bearer\s+[^\s"',]+/gi;

/** One submitted async task. */
export const PersistedTaskSchema = z
  .object({
    taskId: z.string().min(1),
    /** Catalog model id (`getModel(id)`), for the poll schedule and the limits. */
    modelId: z.string().min(1),
    /** Where it was submitted: a task id is only known to the region (base URL) that took it (§1.1). */
    region: z.string().min(1).optional(),
    baseUrl: z.string().url().optional(),
    /** The request as sent (a JSON object; never a credential). */
    request: JsonObjectSchema,
    /** Where its results go; opaque to this module (the caller's save target). */
    destination: JsonObjectSchema,
    /** Local clock time of the submit, ms since the epoch. */
    submittedAt: z.number().finite(),
    /** For the jobs view after a reload. */
    label: z.string().optional(),
  })
  .refine((t) => t.region !== undefined || t.baseUrl !== undefined, { message: 'needs a region or a baseUrl' });

/** One submitted async task. */
export type PersistedTask = z.infer<typeof PersistedTaskSchema>;

/** The whole persisted state. */
export const PersistedStateSchema = z.object({
  version: z.literal(PERSISTED_TASKS_VERSION),
  tasks: z.array(PersistedTaskSchema),
});

/** The whole persisted state. */
export type PersistedState = z.infer<typeof PersistedStateSchema>;

/** Where the state lives (a Memento key, an atomically written file, memory). */
export interface StateFile {
  /** The stored text, or undefined when there is none yet. */
  read(): Promise<string | undefined>;
  /** Replaces the stored text (atomically, by the implementation). */
  write(text: string): Promise<void>;
  /** Keeps unreadable text out of the way for a person to look at; it is not read again. */
  moveAside(text: string, reason: string): Promise<void>;
}

/** Something the store could not use, reported instead of thrown. */
export interface StoreProblem {
  kind: 'unreadable' | 'invalid-record' | 'credential-stripped';
  /** One sentence for the log. */
  message: string;
  taskId?: string;
}

/** Options of {@link PersistedTaskStore}. */
export interface PersistedTaskStoreOptions {
  /** Where problems go (the log); never receives the API key. */
  onProblem?: (problem: StoreProblem) => void;
}

/**
 * Removes every field named like a credential (at any depth) and redacts key-like strings
 * (`sk-…`, `Bearer …`). Returns the clean copy and the paths that were changed.
 */
export function stripCredentials(value: Json, path = ''): { value: Json; stripped: string[] } {
  const stripped: string[] = [];
  const walk = (v: Json, at: string): Json => {
    if (typeof v === 'string') {
      const clean = v.replace(KEY_LIKE_VALUE, '***');
      if (clean !== v) stripped.push(at || '(value)');
      return clean;
    }
    if (Array.isArray(v)) return v.map((item, i) => walk(item, `${at}[${i}]`));
    if (v !== null && typeof v === 'object') {
      const out: { [key: string]: Json } = {};
      for (const [k, item] of Object.entries(v)) {
        const here = at ? `${at}.${k}` : k;
        if (CREDENTIAL_NAME.test(k)) {
          stripped.push(here);
          continue;
        }
        out[k] = walk(item, here);
      }
      return out;
    }
    return v;
  };
  return { value: walk(value, path), stripped };
}

/** Input of {@link PersistedTaskStore.add}: the request may be any JSON-able object; it is parsed and cleaned. */
export type NewPersistedTask = Omit<PersistedTask, 'request' | 'destination'> & { request: unknown; destination: unknown };

/**
 * add / update / remove / list over a {@link StateFile}. Each operation reads, changes and writes
 * the state in turn (operations are serialized), so two windows' writes are never interleaved
 * within one process and a record added while another is removed is not lost.
 */
export class PersistedTaskStore {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: StateFile,
    private readonly options: PersistedTaskStoreOptions = {},
  ) {}

  /** Every record that parses, in submit order as added. */
  list(): Promise<PersistedTask[]> {
    return this.serialized(async () => (await this.load()).tasks);
  }

  /**
   * Records a submitted task (replacing one with the same task id). Credential fields are
   * stripped and reported; a record that still does not fit the schema throws (a caller bug,
   * not stored state).
   */
  add(task: NewPersistedTask): Promise<PersistedTask> {
    return this.serialized(async () => {
      const record = this.clean(task);
      const state = await this.load();
      state.tasks = [...state.tasks.filter((t) => t.taskId !== record.taskId), record];
      await this.save(state);
      return record;
    });
  }

  /** Changes fields of a record (not its task id); undefined when there is no such task. */
  update(taskId: string, patch: Partial<Omit<NewPersistedTask, 'taskId'>>): Promise<PersistedTask | undefined> {
    return this.serialized(async () => {
      const state = await this.load();
      const index = state.tasks.findIndex((t) => t.taskId === taskId);
      if (index < 0) return undefined;
      const record = this.clean({ ...state.tasks[index]!, ...patch, taskId });
      state.tasks[index] = record;
      await this.save(state);
      return record;
    });
  }

  /** Forgets a task (its results were saved, it failed, or it expired); false if it was not there. */
  remove(taskId: string): Promise<boolean> {
    return this.serialized(async () => {
      const state = await this.load();
      const before = state.tasks.length;
      state.tasks = state.tasks.filter((t) => t.taskId !== taskId);
      if (state.tasks.length === before) return false;
      await this.save(state);
      return true;
    });
  }

  private serialized<R>(op: () => Promise<R>): Promise<R> {
    const next = this.queue.then(op, op);
    this.queue = next.catch(() => {});
    return next;
  }

  private clean(task: NewPersistedTask): PersistedTask {
    const parsed = z.object({ request: JsonObjectSchema, destination: JsonObjectSchema }).safeParse({ request: task.request, destination: task.destination });
    if (!parsed.success) throw new Error(`Task ${task.taskId}: request and destination must be JSON objects (${parsed.error.issues[0]?.message ?? 'invalid'}).`);
    const request = stripCredentials(parsed.data.request);
    const destination = stripCredentials(parsed.data.destination);
    const stripped = [...request.stripped.map((p) => `request.${p}`), ...destination.stripped.map((p) => `destination.${p}`)];
    if (stripped.length > 0) {
      this.report({ kind: 'credential-stripped', message: `Task ${task.taskId}: credentials removed before saving (${stripped.join(', ')}).`, taskId: task.taskId });
    }
    return PersistedTaskSchema.parse({ ...task, request: request.value, destination: destination.value });
  }

  /** Reads the state; anything unusable is reported and moved aside, never thrown. */
  private async load(): Promise<PersistedState> {
    const text = await this.file.read();
    if (text === undefined || text.trim() === '') return { version: PERSISTED_TASKS_VERSION, tasks: [] };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return this.setAside(text, 'not JSON', []);
    }
    const whole = PersistedStateSchema.safeParse(json);
    if (whole.success) {
      const tasks = this.withoutCredentials(whole.data.tasks);
      if (tasks.changed) await this.save({ version: PERSISTED_TASKS_VERSION, tasks: tasks.tasks });
      return { version: PERSISTED_TASKS_VERSION, tasks: tasks.tasks };
    }
    // Salvage what still fits: one hand-edited record must not lose the other tasks (each billed).
    const envelope = z.object({ version: z.literal(PERSISTED_TASKS_VERSION), tasks: z.array(z.unknown()) }).safeParse(json);
    if (!envelope.success) {
      const version = (json as { version?: unknown } | null)?.version;
      return this.setAside(text, version === undefined ? 'no version field' : `unknown version ${JSON.stringify(version)}`, []);
    }
    const good: PersistedTask[] = [];
    for (const item of envelope.data.tasks) {
      const one = PersistedTaskSchema.safeParse(item);
      if (one.success) good.push(one.data);
      else {
        const taskId = typeof (item as { taskId?: unknown } | null)?.taskId === 'string' ? (item as { taskId: string }).taskId : undefined;
        this.report({ kind: 'invalid-record', message: `Dropped an unreadable task record${taskId ? ` (${taskId})` : ''}: ${one.error.issues[0]?.message ?? 'invalid'}.`, ...(taskId ? { taskId } : {}) });
      }
    }
    return this.setAside(text, `${envelope.data.tasks.length - good.length === 1 ? '1 unreadable record' : `${envelope.data.tasks.length - good.length} unreadable records`}`, this.withoutCredentials(good).tasks);
  }

  /** A hand-edited file may have gained a credential field: strip it and say so. */
  private withoutCredentials(tasks: PersistedTask[]): { tasks: PersistedTask[]; changed: boolean } {
    let changed = false;
    const clean = tasks.map((t) => {
      const request = stripCredentials(t.request);
      const destination = stripCredentials(t.destination);
      if (request.stripped.length === 0 && destination.stripped.length === 0) return t;
      changed = true;
      this.report({ kind: 'credential-stripped', message: `Task ${t.taskId}: credentials removed from the stored state.`, taskId: t.taskId });
      return { ...t, request: request.value as PersistedTask['request'], destination: destination.value as PersistedTask['destination'] };
    });
    return { tasks: clean, changed };
  }

  private async setAside(text: string, reason: string, keep: PersistedTask[]): Promise<PersistedState> {
    this.report({ kind: 'unreadable', message: `The saved task list could not be read fully (${reason}); it was moved aside and ${keep.length === 1 ? '1 record was' : `${keep.length} records were`} kept.` });
    const state: PersistedState = { version: PERSISTED_TASKS_VERSION, tasks: keep };
    try {
      // Redacted: a hand-edited file may hold a key, and the aside copy is for people to read.
      await this.file.moveAside(redactSecrets(text), reason);
      await this.save(state);
    } catch (err) {
      this.report({ kind: 'unreadable', message: `Could not move the unreadable task list aside: ${err instanceof Error ? err.message : String(err)}.` });
    }
    return state;
  }

  private save(state: PersistedState): Promise<void> {
    return this.file.write(`${JSON.stringify(state, null, 2)}\n`);
  }

  private report(problem: StoreProblem): void {
    try {
      this.options.onProblem?.(problem);
    } catch {
      // A broken log must not break the store.
    }
  }
}

/** What {@link planResume} decides. */
export interface ResumePlan {
  /** Still within the service's 24 h retention: query them (oldest first, they expire first). */
  resumable: PersistedTask[];
  /** Older than 24 h: the service forgot them; tell the user and remove the records. */
  expired: PersistedTask[];
}

/**
 * Splits records into resumable and expired ones by the 24 h retention (§8,
 * `RESULT_RETENTION_MS`): a task submitted `RESULT_RETENTION_MS` or longer ago is expired.
 *
 * A resumable task can still turn out gone: when its first query answers `UNKNOWN` ("task expired
 * or not found", §5.2; the client throws `TaskUnknown`), the caller must report it as expired too,
 * exactly like the ones listed here, and remove its record.
 */
export function planResume(records: readonly PersistedTask[], now: number): ResumePlan {
  const resumable: PersistedTask[] = [];
  const expired: PersistedTask[] = [];
  for (const r of [...records].sort((a, b) => a.submittedAt - b.submittedAt)) {
    (now - r.submittedAt >= RESULT_RETENTION_MS ? expired : resumable).push(r);
  }
  return { resumable, expired };
}
