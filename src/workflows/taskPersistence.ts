/**
 * The records of submitted async tasks, kept in workspace state until their images are saved:
 * DashScope keeps a task, and bills it, for 24 h whether or not anybody asks for its result (§8),
 * so every task an editor job submits is recorded (task id, model, region and base URL, the
 * request as sent without image bytes, where its images go, when it was submitted) and resumed
 * after the next activation (resume.ts). The key is never stored.
 */
import type * as vscode from 'vscode';
import * as z from 'zod';
import { TASKS_STATE_KEY } from '../constants';
import type { DashScopeClient, GenerationRequest, SubmittedTask } from '../dashscope';
import type { Log } from '../host/log';
import type { PersistedTaskStore, StateFile } from '../jobs/persisted';
import { HistoryKind, HistorySource } from '../pipeline/history';

/** The workspace-state key of the persisted task list. */
export { TASKS_STATE_KEY };

/** Where a persisted task's images go (the record's `destination`). */
export const TaskDestinationSchema = z.object({
  /** The output folder, a Uri string. */
  folder: z.string().min(1),
  /** The workspace folder whose history records the job, a Uri string. */
  workspaceFolder: z.string().optional(),
  kind: HistoryKind,
  source: HistorySource,
  /** Input images as recorded in provenance and history (workspace paths). */
  sources: z.array(z.string()).default([]),
  /** When the job started (names, provenance), ISO 8601. */
  started: z.string(),
  /** A fixed file stem (translations: `poster.en`) or the name template. */
  naming: z.union([z.object({ stem: z.string().min(1) }), z.object({ template: z.string().min(1) })]),
});
/** Where a persisted task's images go. */
export type TaskDestination = z.infer<typeof TaskDestinationSchema>;

/** A {@link StateFile} over a Memento; unreadable text is kept under a second key for people to look at. */
export function mementoStateFile(memento: vscode.Memento, key: string = TASKS_STATE_KEY): StateFile {
  return {
    read: async () => memento.get<string>(key),
    write: async (text) => {
      await memento.update(key, text);
    },
    moveAside: async (text) => {
      await memento.update(`${key}.unreadable`, text);
    },
  };
}

/** The request as persisted: JSON only, without image bytes (the inputs, a mask file included, are the destination's `sources`). */
export function requestToPersist(request: GenerationRequest): Record<string, unknown> {
  const { images: _images, mask, ...rest } = request;
  const kept = mask && !(typeof mask === 'object' && mask.kind === 'bytes') ? { ...rest, mask } : rest;
  return JSON.parse(JSON.stringify(kept)) as Record<string, unknown>;
}

/** What the job runner hands over when a task was submitted. */
export interface SubmittedTaskFacts {
  task: SubmittedTask;
  client: Pick<DashScopeClient, 'region' | 'baseUrl'>;
  request: GenerationRequest;
  label?: string;
  destination: TaskDestination;
}

/** The persisted tasks of this workspace, as the job runner and the resume use them. */
export class TaskPersistence {
  private suspended = false;
  /** Tasks a job of this session waits for: a resume pass leaves them alone. */
  private readonly live = new Set<string>();

  constructor(
    readonly store: PersistedTaskStore,
    private readonly log: Log,
  ) {}

  /** Records a submitted task; a failure is logged (the job goes on, it only will not survive a reload). */
  async persist(facts: SubmittedTaskFacts): Promise<void> {
    this.live.add(facts.task.taskId);
    try {
      await this.store.add({
        taskId: facts.task.taskId,
        modelId: facts.task.model,
        ...(facts.client.region ? { region: facts.client.region } : {}),
        baseUrl: facts.client.baseUrl,
        request: requestToPersist(facts.request),
        destination: facts.destination,
        submittedAt: facts.task.submittedAt,
        ...(facts.label ? { label: facts.label } : {}),
      });
    } catch (error) {
      this.log.warn(`Could not persist task ${facts.task.taskId}; it will not be resumed after a reload:`, error);
    }
  }

  /** Forgets a task whose job is over (after its record was written, if it is being written). */
  async settled(taskId: string, persisted?: Promise<unknown>): Promise<void> {
    await persisted?.catch(() => undefined);
    this.live.delete(taskId);
    // The extension host is going down: the job did not end, the next activation resumes it.
    if (this.suspended) return;
    try {
      await this.store.remove(taskId);
    } catch (error) {
      this.log.warn(`Could not remove the record of task ${taskId}:`, error);
    }
  }

  /** Marks a task as waited for by this session (a resumed one); false if it already was. */
  claim(taskId: string): boolean {
    if (this.live.has(taskId)) return false;
    this.live.add(taskId);
    return true;
  }

  /** Gives up a claim without touching the record (the task stays for a later activation). */
  release(taskId: string): void {
    this.live.delete(taskId);
  }

  /** From deactivation on, records are left in place whatever the jobs do. */
  suspend(): void {
    this.suspended = true;
  }
}

