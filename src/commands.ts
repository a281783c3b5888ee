import * as vscode from 'vscode';
import { Commands } from './constants';
import { CLIENT_ERROR_CODES, DashScopeError, RequestValidationError, isAbortError } from './dashscope';
import type { Log } from './log';
import { InvalidBaseUrlError, MissingApiKeyError } from './services/client';

/**
 * Registers a command whose failures are logged and shown once with a "Show Log" action,
 * instead of surfacing as an unhandled rejection. The handler's result is passed through
 * so tests and other commands can await it.
 */
export function registerCommand(
  id: string,
  log: Log,
  handler: (...args: unknown[]) => unknown,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: unknown[]) => {
    try {
      return await handler(...args);
    } catch (error) {
      reportError(log, id, error);
      return undefined;
    }
  });
}

/** What the user can do about an error, offered as a button. */
export type ErrorAction = 'setApiKey' | 'openSettings' | 'showLog';

/**
 * An error as plain data, for messages, the studio webview and tests: never contains the key
 * (DashScope messages never echo it, and ours are built from constants).
 */
export interface ErrorSummary {
  /** `DashScopeError`, `RequestValidationError`, `MissingApiKeyError` … */
  readonly name: string;
  /** DashScope's code (`InvalidApiKey`), when there is one. */
  readonly code?: string;
  readonly message: string;
  /** What to do next. */
  readonly hint?: string;
  readonly requestId?: string;
  /** Validation problems, one sentence each. */
  readonly issues?: readonly string[];
  readonly actions: readonly ErrorAction[];
}

/** Whether an error means "the user cancelled" (an aborted request or a cancellation). */
export function isCancellation(error: unknown): boolean {
  return isAbortError(error) || error instanceof vscode.CancellationError || (error instanceof DashScopeError && error.code === CLIENT_ERROR_CODES.taskCanceled);
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
      hint: error.hint,
      ...(error.requestId ? { requestId: error.requestId } : {}),
      actions,
    };
  }
  if (error instanceof RequestValidationError) {
    return { name: error.name, message: error.message, issues: error.issues.map((i) => i.message), actions: [] };
  }
  if (error instanceof MissingApiKeyError) return { name: error.name, message: error.message, actions: ['setApiKey'] };
  if (error instanceof InvalidBaseUrlError) return { name: error.name, message: error.message, actions: ['openSettings'] };
  const message = error instanceof Error ? error.message : String(error);
  return { name: error instanceof Error ? error.name : 'Error', message, actions: ['showLog'] };
}

/** One line for a notification: the message, the hint and the request id. */
export function errorText(summary: ErrorSummary): string {
  const parts = [summary.issues?.length ? summary.issues.join(' ') : summary.message];
  if (summary.hint && summary.hint !== summary.message) parts.push(summary.hint);
  if (summary.requestId) parts.push(vscode.l10n.t('(request id {0})', summary.requestId));
  return parts.join(' ');
}

/** Runs one of the error buttons. */
export async function runErrorAction(action: ErrorAction, log: Log): Promise<void> {
  switch (action) {
    case 'setApiKey':
      await vscode.commands.executeCommand(Commands.setApiKey);
      return;
    case 'openSettings':
      await vscode.commands.executeCommand('workbench.action.openSettings', '@ext:bailian-image-studio.bailian-image-studio');
      return;
    case 'showLog':
      log.show();
      return;
  }
}

/** Localized button labels. */
export function errorActionLabel(action: ErrorAction): string {
  switch (action) {
    case 'setApiKey':
      return vscode.l10n.t('Set API Key');
    case 'openSettings':
      return vscode.l10n.t('Open Settings');
    case 'showLog':
      return vscode.l10n.t('Show Log');
  }
}

/**
 * Logs an error with its context and shows it once with the buttons that can fix it (Set API
 * Key, Open Settings, Show Log). Cancellations are only logged. Returns the summary shown.
 */
export function reportError(log: Log, context: string, error: unknown): ErrorSummary {
  const summary = summarizeError(error);
  if (isCancellation(error)) {
    log.info(`${context} cancelled`);
    return summary;
  }
  log.error(`${context} failed:`, error instanceof DashScopeError ? error.describe() : error);
  const buttons = summary.actions.map((action) => ({ action, title: errorActionLabel(action) }));
  void vscode.window.showErrorMessage(vscode.l10n.t('Bailian: {0}', errorText(summary)), ...buttons).then((choice) => {
    if (choice) void runErrorAction(choice.action, log);
  });
  return summary;
}
