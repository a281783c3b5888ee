/** What every command resolves with (for scripts, tests, agent tools), and how failures are reported. */
import * as vscode from 'vscode';
import { DashScopeError } from '../dashscope';
import { isCancellation, reportError, summarizeError, type ErrorSummary } from '../host/errors';
import { displayPath } from '../host/workspaceFs';
import { CancelledJobError } from '../pipeline/images';
import type { SharedServices } from './context';

/** One saved file in an outcome. */
export interface OutcomeFile {
  readonly uri: string;
  /** Workspace-relative path (for display and links). */
  readonly path: string;
  readonly seed?: number;
}

/** What a command resolves with; the key never appears. */
export type CommandOutcome =
  | { readonly status: 'succeeded'; readonly files: readonly OutcomeFile[]; readonly folder: string; readonly document?: OutcomeFile; readonly partial?: boolean }
  | { readonly status: 'cancelled'; readonly mayBeBilled?: boolean; readonly taskId?: string }
  | { readonly status: 'failed'; readonly error: ErrorSummary };

/** An outcome file from a Uri. */
export function outcomeFile(uri: vscode.Uri, seed?: number): OutcomeFile {
  return { uri: uri.toString(), path: displayPath(uri), ...(seed !== undefined ? { seed } : {}) };
}

/**
 * The summary of an error with the region switch added when the key is refused here but
 * accepted by another region (a key belongs to one region).
 */
export async function summarizeWithRegionHint(host: SharedServices, error: unknown): Promise<ErrorSummary> {
  const summary = summarizeError(error);
  if (!(error instanceof DashScopeError) || (error.code !== 'InvalidApiKey' && error.httpStatus !== 401)) return summary;
  const other = await host.clients.regionAcceptingCurrentKey().catch(() => undefined);
  if (!other) return summary;
  host.log.info(`The key is refused by region ${host.config.read().region} but accepted by ${other}`);
  return {
    ...summary,
    hint: vscode.l10n.t('This key belongs to another region: it works in {0}.', other),
    actions: ['switchRegion', ...summary.actions.filter((a) => a !== 'switchRegion')],
    switchTo: other,
  };
}

/** Reports a failed or cancelled command and returns its outcome. */
export async function failedOutcome(host: SharedServices, commandId: string, error: unknown): Promise<CommandOutcome> {
  if (isCancellation(error)) {
    reportError(host.log, commandId, error);
    if (error instanceof CancelledJobError && (error.taskOutcome === 'started' || error.taskOutcome === 'failed')) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Cancelled. The task had started; DashScope may still finish and bill it (task {0}).', error.taskId ?? ''));
      return { status: 'cancelled', mayBeBilled: true, ...(error.taskId ? { taskId: error.taskId } : {}) };
    }
    return { status: 'cancelled' };
  }
  const enriched = await summarizeWithRegionHint(host, error);
  return { status: 'failed', error: reportError(host.log, commandId, error, () => enriched) };
}
