import * as vscode from 'vscode';
import { Commands } from '../constants';
import { CLIENT_ERROR_CODES, DashScopeError, RequestValidationError, isAbortError } from '../dashscope';
import { GlossaryError } from '../pipeline/glossary';
import { CancelledJobError, NoImagesError } from '../pipeline/images';
import { OutputTemplateError } from '../pipeline/outputTemplate';
import type { ErrorAction, ErrorSummary } from '../protocol/messages';
import type { Log } from './log';

export type { ErrorAction, ErrorSummary };

/** Errors of the host that carry their own actions (missing key, bad settings, untrusted workspace). */
export class ActionableError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly actions: readonly ErrorAction[],
    readonly hint?: string,
    /** The region `switchRegion` switches to. */
    readonly switchTo?: string,
  ) {
    super(message);
  }
}

/**
 * Registers a command whose failures are logged and shown once with the buttons that fix them,
 * instead of surfacing as an unhandled rejection. The handler's result is passed through so
 * tests and other commands can await it.
 */
export function registerCommand(id: string, log: Log, handler: (...args: unknown[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, guarded(id, log, handler));
}

/** A command handler whose failures are logged and shown (see {@link registerCommand}). */
export function guarded(id: string, log: Log, handler: (...args: unknown[]) => unknown): (...args: unknown[]) => Promise<unknown> {
  return async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (error) {
      reportError(log, id, error);
      return undefined;
    }
  };
}

/** Whether an error means "the user cancelled" (an aborted request or a cancellation). */
export function isCancellation(error: unknown): boolean {
  return isAbortError(error) || error instanceof CancelledJobError || error instanceof vscode.CancellationError || (error instanceof DashScopeError && error.code === CLIENT_ERROR_CODES.taskCanceled);
}

/** The error's hint in the UI language: the client's hints are English templates (dashscope/errors.ts). */
export function localHint(error: DashScopeError): string {
  const parts = error.hintParts;
  if (!parts) return error.hint;
  // l10n-template: every template comes from an l10nKey('…') literal, which the message check reads.
  return vscode.l10n.t(parts.template, ...parts.args);
}

/** Turns any error into an {@link ErrorSummary} with the actions that can fix it. */
export function summarizeError(error: unknown): ErrorSummary {
  if (error instanceof DashScopeError) {
    const actions: ErrorAction[] = [];
    if (error.code === 'InvalidApiKey' || error.code === 'invalid_api_key') actions.push('setApiKey', 'openSettings');
    if (error.code === CLIENT_ERROR_CODES.network || error.code === CLIENT_ERROR_CODES.timeout) actions.push('openSettings');
    actions.push('showLog');
    return {
      name: error.name,
      code: error.code,
      message: error.message,
      hint: localHint(error),
      ...(error.requestId ? { requestId: error.requestId } : {}),
      ...(error.taskId ? { taskId: error.taskId } : {}),
      actions,
    };
  }
  if (error instanceof RequestValidationError) {
    return { name: error.name, message: error.message, issues: error.issues.map((i) => ({ field: i.path, message: i.message })), actions: [] };
  }
  if (error instanceof ActionableError) return { name: error.name, message: error.message, ...(error.hint ? { hint: error.hint } : {}), ...(error.switchTo ? { switchTo: error.switchTo } : {}), actions: [...error.actions] };
  if (error instanceof OutputTemplateError) return { name: error.name, message: error.message, actions: ['openSettings'] };
  if (error instanceof GlossaryError) return { name: error.name, message: error.message, actions: [] };
  if (error instanceof NoImagesError) return { name: error.name, message: error.message, ...(error.requestId ? { requestId: error.requestId } : {}), actions: ['showLog'] };
  const message = error instanceof Error ? error.message : String(error);
  return { name: error instanceof Error ? error.name : 'Error', message, actions: ['showLog'] };
}

/** One line for a notification: the message, the hint and the request id. */
export function errorText(summary: ErrorSummary): string {
  const parts = [summary.issues?.length ? summary.issues.map((i) => i.message).join(' ') : summary.message];
  if (summary.hint && summary.hint !== summary.message) parts.push(summary.hint);
  if (summary.requestId) parts.push(vscode.l10n.t('(request id {0})', summary.requestId));
  return parts.join(' ');
}

/** Runs one of the error buttons. */
export async function runErrorAction(action: ErrorAction, log: Log, summary?: ErrorSummary): Promise<void> {
  switch (action) {
    case 'setApiKey':
      await vscode.commands.executeCommand(Commands.setApiKey);
      return;
    case 'switchRegion':
      if (summary?.switchTo) await vscode.commands.executeCommand(Commands.switchRegion, summary.switchTo);
      return;
    case 'openSettings':
      await vscode.commands.executeCommand('workbench.action.openSettings', '@ext:bailian-image-studio.bailian-image-studio');
      return;
    case 'showLog':
      log.show();
      return;
    case 'saveAs':
      return;
  }
}

/** Localized button labels. */
export function errorActionLabel(action: ErrorAction, summary?: ErrorSummary): string {
  switch (action) {
    case 'setApiKey':
      return vscode.l10n.t('Set API Key');
    case 'switchRegion':
      return vscode.l10n.t('Switch to {0}', regionLabel(summary?.switchTo ?? ''));
    case 'openSettings':
      return vscode.l10n.t('Open Settings');
    case 'showLog':
      return vscode.l10n.t('Show Log');
    case 'saveAs':
      return vscode.l10n.t('Save As…');
  }
}

/** A region's name for people. */
export function regionLabel(region: string): string {
  switch (region) {
    case 'beijing':
      return vscode.l10n.t('Beijing');
    case 'singapore':
      return vscode.l10n.t('Singapore');
    case 'us':
      return vscode.l10n.t('US (Virginia)');
    default:
      return region;
  }
}

/** Shows a summary once with its buttons (never for cancellations). */
export function showError(log: Log, summary: ErrorSummary): void {
  const buttons = summary.actions.filter((a) => a !== 'saveAs').map((action) => ({ action, title: errorActionLabel(action, summary) }));
  void vscode.window.showErrorMessage(vscode.l10n.t('Bailian: {0}', errorText(summary)), ...buttons).then((choice) => {
    if (choice) void runErrorAction(choice.action, log, summary);
  });
}

/**
 * Logs an error with its context and shows it once with the buttons that can fix it.
 * Cancellations are only logged. Returns the summary shown.
 */
export function reportError(log: Log, context: string, error: unknown, enrich?: (summary: ErrorSummary) => ErrorSummary): ErrorSummary {
  const base = summarizeError(error);
  const summary = enrich ? enrich(base) : base;
  if (isCancellation(error)) {
    log.info(`${context} cancelled`);
    return summary;
  }
  log.error(`${context} failed:`, error instanceof DashScopeError ? error.describe() : error);
  showError(log, summary);
  return summary;
}
