/**
 * Async tasks that survive a reload. DashScope keeps a submitted task, and bills it, for 24 h
 * whether or not anybody asks for its result (§8), so every task an editor job submits is
 * persisted in the workspace state (task id, model, region and base URL, the request as sent
 * without image bytes, where its images go, when it was submitted) until its images are saved.
 * After the next activation each record left over is resumed through the job manager and its
 * images are saved into the same folder, or it is reported as expired (older than 24 h, or the
 * service answers UNKNOWN). The key is never stored: a resumed task uses the client of the
 * current settings, whose key comes from SecretStorage.
 */
import * as vscode from 'vscode';
import { pricingRegion } from './cost';
import { CLIENT_ERROR_CODES, DashScopeError, GenerationRequestSchema, getModel, isRetriable, type DashScopeClient, type GenerationRequest } from '../dashscope';
import { summarizeError, isCancellation } from '../host/errors';
import { WorkspaceImageSaver, displayPath } from '../host/workspaceFs';
import { confineUri } from '../host/workspacePaths';
import { planResume, type PersistedTask } from '../jobs/persisted';
import { failedFacts, keptFacts, type JobContextFacts } from '../pipeline/history';
import { keepResult } from '../pipeline/images';
import type { SharedServices } from './context';
import { TaskDestinationSchema, type TaskDestination, type TaskPersistence } from './taskPersistence';
import { workspaceReference } from './workspaceJob';
import { announceSaved, describeProgress } from './progress';

/** What a resume pass did, by task id (for the log and tests). */
export interface ResumeReport {
  /** Resumed and saved. */
  saved: string[];
  /** Older than 24 h, or unknown to the service: nothing saved. */
  expired: string[];
  /** The task failed or was cancelled, or its images could not be kept. */
  failed: string[];
  /** Left for a later activation (no key, another region, untrusted workspace, network trouble). */
  kept: string[];
  /** Not resumed because the record's destination lies outside the workspace (kept, and reported to the user). */
  refused: string[];
}

/** A record whose destination was refused, and why. */
interface Refused {
  readonly task: PersistedTask;
  readonly problem: string;
}

/** Why a record's destination cannot be used (outside the workspace, through a link …), or undefined. */
async function destinationProblem(destination: TaskDestination | undefined): Promise<string | undefined> {
  if (!destination) return undefined; // Resumed only to report its outcome: nothing is written.
  try {
    const folder = await confineUri(vscode.Uri.parse(destination.folder, true), vscode.l10n.t('The record of a task from an earlier session'));
    if (destination.workspaceFolder && vscode.Uri.parse(destination.workspaceFolder, true).toString() !== folder.uri.toString()) {
      return vscode.l10n.t('its history belongs to {0}, which is not the workspace folder its images go to', destination.workspaceFolder);
    }
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Tells the user which tasks were not resumed and offers to save their images in a folder of
 * this workspace they choose themselves (the images are paid for; nothing is thrown away).
 */
async function offerOtherFolder(host: SharedServices, persistence: TaskPersistence, refused: readonly Refused[]): Promise<void> {
  const choose = vscode.l10n.t('Choose Folder…');
  const choice = await vscode.window.showWarningMessage(
    refused.length === 1
      ? vscode.l10n.t('A task from an earlier session was not resumed: {0}', refused[0]!.problem)
      : vscode.l10n.t('{0} tasks from an earlier session were not resumed; the first: {1}', refused.length, refused[0]!.problem),
    { detail: vscode.l10n.t('DashScope keeps a task for 24 hours. Choose a folder in this workspace to save its images there.') },
    choose,
  );
  if (choice !== choose) return;
  const picked = (await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, canSelectMany: false, defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri, openLabel: vscode.l10n.t('Save Images Here') }))?.[0];
  if (!picked) return;
  let owner: vscode.WorkspaceFolder;
  try {
    owner = await confineUri(picked, vscode.l10n.t('The folder you chose'));
  } catch (error) {
    void vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error));
    return;
  }
  for (const { task } of refused) {
    const destination = destinationOf(task);
    if (destination) await persistence.store.update(task.taskId, { destination: { ...destination, folder: picked.toString(), workspaceFolder: owner.uri.toString() } });
  }
  await resumePersistedTasks(host, persistence);
}

function destinationOf(task: PersistedTask): TaskDestination | undefined {
  const parsed = TaskDestinationSchema.safeParse(task.destination);
  return parsed.success ? parsed.data : undefined;
}

function requestOf(task: PersistedTask): GenerationRequest {
  const parsed = GenerationRequestSchema.safeParse({ ...task.request, model: task.modelId });
  return parsed.success ? parsed.data : { model: task.modelId };
}

function folderOf(destination: TaskDestination | undefined): vscode.WorkspaceFolder | undefined {
  return destination?.workspaceFolder ? vscode.workspace.getWorkspaceFolder(vscode.Uri.parse(destination.workspaceFolder)) : undefined;
}

/** True for an answer that means the service no longer knows the task. */
function isUnknownTask(error: unknown): boolean {
  return error instanceof DashScopeError && error.code === CLIENT_ERROR_CODES.taskUnknown;
}

/**
 * Resumes every persisted task once (see the module comment). Never throws: each record's
 * trouble is logged and reported. Expired ones get a history line with outcome `expired` and one
 * notification says so.
 */
export async function resumePersistedTasks(host: SharedServices, persistence: TaskPersistence, now: number = Date.now()): Promise<ResumeReport> {
  const report: ResumeReport = { saved: [], expired: [], failed: [], kept: [], refused: [] };
  const { store } = persistence;
  // Tasks this session's jobs wait for are not from an earlier session.
  const records = (await store.list()).filter((r) => persistence.claim(r.taskId));
  if (records.length === 0) return report;
  const plan = planResume(records, now);
  host.log.info(`Found ${records.length} task(s) from an earlier session: ${plan.resumable.length} to resume, ${plan.expired.length} expired`);
  const expire = async (task: PersistedTask): Promise<void> => {
    const destination = destinationOf(task);
    host.log.warn(`Task ${task.taskId} (${task.modelId}) expired: older than 24 h or unknown to the service; nothing was saved`);
    await host.history.record(folderOf(destination), {
      kind: destination?.kind ?? 'generate',
      source: destination?.source ?? 'palette',
      model: task.modelId,
      request: requestOf(task),
      inputs: destination?.sources ?? [],
      started: new Date(task.submittedAt),
      finished: new Date(now),
      outcome: 'expired',
      taskId: task.taskId,
    }, host.log);
    await store.remove(task.taskId).catch((error: unknown) => host.log.warn(`Could not remove the record of task ${task.taskId}:`, error));
    report.expired.push(task.taskId);
  };
  for (const task of plan.expired) await expire(task);
  // The records live in workspace state, which other code can write to: a destination is used
  // only while it lies inside this workspace.
  const refused: Refused[] = [];
  for (const task of [...plan.resumable]) {
    const problem = await destinationProblem(destinationOf(task));
    if (!problem) continue;
    plan.resumable.splice(plan.resumable.indexOf(task), 1);
    host.log.warn(`Task ${task.taskId} (${task.modelId}) was not resumed: ${problem}`);
    refused.push({ task, problem });
    report.refused.push(task.taskId);
  }

  const runs: Promise<void>[] = [];
  if (plan.resumable.length > 0) {
    if (!vscode.workspace.isTrusted) {
      host.log.warn(`${plan.resumable.length} task(s) wait for the workspace to be trusted before their images are saved`);
      report.kept.push(...plan.resumable.map((t) => t.taskId));
    } else {
      let lease: Awaited<ReturnType<SharedServices['clients']['acquire']>> | undefined;
      try {
        lease = await host.clients.acquire();
      } catch (error) {
        host.log.warn(`Cannot resume ${plan.resumable.length} task(s) yet:`, summarizeError(error).message);
        report.kept.push(...plan.resumable.map((t) => t.taskId));
      }
      if (lease) {
        const client = lease.client;
        for (const task of plan.resumable) {
          if (task.baseUrl !== undefined && task.baseUrl !== client.baseUrl) {
            host.log.warn(`Task ${task.taskId} was submitted to ${task.baseUrl}, not ${client.baseUrl}: switch back to that region to resume it`);
            report.kept.push(task.taskId);
            continue;
          }
          runs.push(
            resumeOne(host, persistence, client, task, report, expire).catch((error: unknown) => {
              // A record this version cannot handle (a model no longer in the catalog): keep it until it expires.
              host.log.warn(`Could not resume task ${task.taskId}:`, error);
              report.kept.push(task.taskId);
            }),
          );
        }
        void Promise.allSettled(runs).finally(() => lease.release());
      }
    }
  }
  await Promise.allSettled(runs);
  for (const taskId of [...report.kept, ...report.expired, ...report.refused]) persistence.release(taskId);
  if (refused.length > 0) void offerOtherFolder(host, persistence, refused);
  if (report.expired.length > 0) {
    void vscode.window.showWarningMessage(
      report.expired.length === 1
        ? vscode.l10n.t('A DashScope task from an earlier session expired before its images were saved (tasks are kept for 24 hours). Nothing was saved for it.')
        : vscode.l10n.t('{0} DashScope tasks from an earlier session expired before their images were saved (tasks are kept for 24 hours). Nothing was saved for them.', report.expired.length),
    );
  }
  return report;
}

async function resumeOne(
  host: SharedServices,
  persistence: TaskPersistence,
  client: DashScopeClient,
  task: PersistedTask,
  report: ResumeReport,
  expire: (task: PersistedTask) => Promise<void>,
): Promise<void> {
  const destination = destinationOf(task);
  const request = requestOf(task);
  const started = destination ? new Date(destination.started) : new Date(task.submittedAt);
  const context: JobContextFacts = { kind: destination?.kind ?? 'generate', source: destination?.source ?? 'palette', model: task.modelId, request, inputs: destination?.sources ?? [], started, taskId: task.taskId, region: pricingRegion(host) };
  if (!destination) {
    host.log.warn(`Task ${task.taskId}: the saved destination does not parse; waiting for it only to report its outcome`);
  }
  const spec = getModel(task.modelId);
  const handle = host.jobs.enqueue({
    label: task.label ?? `${task.modelId}: ${task.taskId}`,
    model: task.modelId,
    source: 'resume',
    // It only polls: no submit slot is taken.
    submitPacing: 'in-run',
    run: async (ctx) => {
      const result = await client.resumeTask(task.taskId, task.modelId, {
        signal: ctx.signal,
        request,
        onProgress: (event) => event.type === 'status' && ctx.setProgress(describeProgress({ kind: 'task', taskId: event.taskId, status: event.status, elapsedMs: event.elapsedMs })),
      });
      ctx.releaseSlot();
      if (!destination) throw new Error(`Task ${task.taskId} finished, but where its images go could not be read.`);
      return keepResult(result, {
        client,
        saver: new WorkspaceImageSaver(vscode.Uri.parse(destination.folder)),
        model: spec.id,
        request,
        outputFormat: spec.outputFormat,
        started,
        taskId: task.taskId,
        sources: destination.sources,
        ...('stem' in destination.naming ? { name: () => (destination.naming as { stem: string }).stem } : { nameTemplate: destination.naming.template }),
        onProgress: (event) => ctx.setProgress(describeProgress(event)),
      });
    },
  });
  try {
    const kept = await handle.result;
    if (kept.images[0]) host.jobFiles?.set(handle.id, kept.images[0].file.uri);
    await host.history.record(folderOf(destination), keptFacts(context, { ...kept, taskId: task.taskId }, (file) => workspaceReference(file.uri)), host.log);
    await persistence.settled(task.taskId);
    host.log.info(`Resumed task ${task.taskId}: saved ${kept.images.map((i) => displayPath(i.file.uri)).join(', ')}`);
    announceSaved(kept.images.map((i) => i.file.uri), vscode.l10n.t('(A task from before the reload.)'));
    report.saved.push(task.taskId);
  } catch (error) {
    if (isUnknownTask(error)) {
      await expire(task);
      return;
    }
    const cancelled = isCancellation(error);
    // Network trouble or a busy service after the client's own retries: the task may be fine; try after the next activation.
    if (!cancelled && error instanceof DashScopeError && isRetriable(error.code, error.httpStatus)) {
      host.log.warn(`Task ${task.taskId}: could not resume it now; trying again after the next reload:`, error.message);
      report.kept.push(task.taskId);
      return;
    }
    await host.history.record(folderOf(destination), failedFacts(context, error, cancelled), host.log);
    await persistence.settled(task.taskId);
    if (!cancelled) {
      const summary = summarizeError(error);
      host.log.warn(`Resumed task ${task.taskId} failed: ${summary.code ?? summary.name}: ${summary.message}`);
      void vscode.window.showWarningMessage(vscode.l10n.t('A task from before the reload ({0}) failed: {1}', task.label ?? task.modelId, summary.message));
    }
    report.failed.push(task.taskId);
  }
}
