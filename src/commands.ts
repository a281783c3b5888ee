import * as vscode from 'vscode';
import type { Log } from './log';

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

/** Logs an error with its context and offers the log to the user. */
export function reportError(log: Log, context: string, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  log.error(`${context} failed:`, error);
  const showLog = vscode.l10n.t('Show Log');
  void vscode.window
    .showErrorMessage(vscode.l10n.t('Bailian: {0}', message), showLog)
    .then((choice) => {
      if (choice === showLog) {
        log.show();
      }
    });
}
