/**
 * A folder batch (Translate, Upscale and Extend Images in Folder): every image inside the folder
 * becomes a job of the job manager at once, whose limits for the model (submit rate, concurrent
 * tasks, query rate) do the pacing, under one cancellable progress with a counter. Cancel stops
 * the rest (queued jobs are cancelled and send nothing); non-images are skipped and counted; one
 * failure does not stop the others; the estimate is shown (and confirmed above the threshold)
 * before anything starts, and a summary with the failures' codes after.
 */
import * as vscode from 'vscode';
import type { GenerationRequest } from '../dashscope';
import type { ClientLease } from '../host/clients';
import { summarizeError } from '../host/errors';
import { displayPath } from '../host/workspaceFs';
import { CancelledJobError } from '../pipeline/images';
import type { SharedServices } from './context';
import { confirmCost } from './cost';
import { outcomeFile, type OutcomeFile } from './outcome';
import { isImageUri } from './pickers';
import { withJobProgress } from './progress';
import type { WorkspaceImageJob } from './workspaceJob';

/** One image of a batch that failed, with the service's or the client's code. */
export interface BatchFailure {
  readonly path: string;
  readonly code?: string;
  readonly message: string;
}

/** What a folder batch did. */
export interface FolderBatchResult {
  readonly status: 'succeeded' | 'cancelled';
  readonly saved: readonly OutcomeFile[];
  readonly skipped: readonly string[];
  readonly failed: readonly BatchFailure[];
  /** Jobs cancelled while still queued: they sent nothing. */
  readonly notStarted: number;
  /** How many images the folder held. */
  readonly images: number;
  /** The user declined the cost: nothing started. */
  readonly declined?: boolean;
}

/** What runs one image of the batch: under the batch's signal and client, `onValidated` once its request passed the checks. */
export type BatchJob = (image: vscode.Uri, context: { signal: AbortSignal; lease: ClientLease; onValidated: () => void }) => Promise<WorkspaceImageJob>;

/** Options of {@link runFolderBatch}. */
export interface FolderBatchOptions {
  readonly folder: vscode.Uri;
  /** The progress title. */
  readonly title: string;
  /** Files the batch produced itself on an earlier run (left out, not counted as skipped). */
  readonly isOwnOutput: (uri: vscode.Uri) => boolean;
  /** The request of one image, for the estimate (no image bytes needed). */
  readonly costRequest: GenerationRequest;
  /** "Translating 3 images", for the estimate. */
  readonly what: (images: number) => string;
  /** The warning when the folder holds no image. */
  readonly noImages: (folder: string, skipped: number) => string;
  /** Whether the user may be asked (the cost question). */
  readonly interactive: boolean;
  readonly run: BatchJob;
}

/** Every file under a folder (recursively), sorted. */
export async function filesUnder(folder: vscode.Uri): Promise<vscode.Uri[]> {
  const relative = vscode.workspace.getWorkspaceFolder(folder) ? new vscode.RelativePattern(folder, '**/*') : undefined;
  if (!relative) return [];
  const files = await vscode.workspace.findFiles(relative, '**/{node_modules,.git,.bailian}/**', 5000);
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

/** Runs the batch; the caller words the summary ({@link announceBatch}). Cancelled before the start when the user declines the cost. */
export async function runFolderBatch(host: SharedServices, options: FolderBatchOptions): Promise<FolderBatchResult> {
  const all = (await filesUnder(options.folder)).filter((f) => !options.isOwnOutput(f));
  const images = all.filter(isImageUri);
  const skipped = all.filter((f) => !isImageUri(f)).map(displayPath);
  if (images.length === 0) {
    void vscode.window.showWarningMessage(options.noImages(displayPath(options.folder), skipped.length));
    return { status: 'succeeded', saved: [], skipped, failed: [], notStarted: 0, images: 0 };
  }
  const cost = await confirmCost(host, images.map(() => options.costRequest), { interactive: options.interactive, what: options.what(images.length) });
  if (!cost.proceed) return { status: 'cancelled', saved: [], skipped, failed: [], notStarted: images.length, images: images.length, declined: true };
  const saved: OutcomeFile[] = [];
  const failed: BatchFailure[] = [];
  let cancelled = false;
  let notStarted = 0;
  const lease = await host.clients.acquire();
  try {
    await withJobProgress(options.title, async (signal, report) => {
      let done = 0;
      const update = (): void => report(vscode.l10n.t('{0} of {1} done ({2} failed)…', done, images.length, failed.length));
      update();
      // Each image is read and checked once the previous one was, so a big folder is not read
      // into memory all at once; the manager's limits pace what is sent.
      let checked: Promise<void> = Promise.resolve();
      await Promise.all(
        images.map(async (image) => {
          const previous = checked;
          let next!: () => void;
          checked = new Promise<void>((resolve) => (next = resolve));
          await previous;
          try {
            const run = await options.run(image, { signal, lease, onValidated: next });
            saved.push(...run.job.images.map((i) => outcomeFile(i.file.uri)));
          } catch (error) {
            if (signal.aborted) {
              cancelled = true;
              // A running job's cancel ends in CancelledJobError; a queued one's in the manager's AbortError.
              if (!(error instanceof CancelledJobError)) notStarted++;
              return;
            }
            const summary = summarizeError(error);
            failed.push({ path: displayPath(image), ...(summary.code ? { code: summary.code } : {}), message: summary.issues?.map((i) => i.message).join(' ') || summary.message });
            host.log.warn(`${options.title}: ${displayPath(image)} failed: ${summary.code ?? summary.name}: ${summary.message}`);
          } finally {
            next();
          }
          done++;
          update();
        }),
      );
      cancelled ||= signal.aborted;
    });
  } finally {
    lease.release();
  }
  return { status: cancelled ? 'cancelled' : 'succeeded', saved, skipped, failed, notStarted, images: images.length };
}

/** Logs the summary and shows it, with the first failures and their codes and a Show Details button. */
export function announceBatch(host: SharedServices, summary: string, failed: readonly BatchFailure[]): void {
  host.log.info(summary + (failed.length ? ` Failures: ${failed.map((f) => `${f.path}: ${f.code ?? ''} ${f.message}`).join('; ')}` : ''));
  const showLog = vscode.l10n.t('Show Details');
  const shown = failed.length ? vscode.window.showWarningMessage(`${summary} ${failed.slice(0, 3).map((f) => `${f.path} (${f.code ?? f.message})`).join(', ')}${failed.length > 3 ? '…' : ''}`, showLog) : vscode.window.showInformationMessage(summary);
  void shown.then((choice) => choice === showLog && host.log.show());
}
