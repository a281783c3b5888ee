/** Localized progress text and the completion message every command shows. */
import * as vscode from 'vscode';
import { Commands } from '../constants';
import type { JobProgress } from '../pipeline/images';
import { displayPath } from '../host/workspaceFs';

/** A localized line for a job's progress. */
export function describeProgress(event: JobProgress): string {
  switch (event.kind) {
    case 'upload':
      return vscode.l10n.t('Uploading {0}…', event.name);
    case 'request':
      return event.mode === 'async' ? vscode.l10n.t('Submitting the task to {0}…', event.model) : vscode.l10n.t('Generating with {0}…', event.model);
    case 'submitted':
      return vscode.l10n.t('Task submitted; waiting in the queue…');
    case 'task':
      if (event.status === 'PENDING') return vscode.l10n.t('Queued ({0} s)…', Math.round(event.elapsedMs / 1000));
      if (event.status === 'RUNNING') return vscode.l10n.t('Generating ({0} s)…', Math.round(event.elapsedMs / 1000));
      return vscode.l10n.t('Task {0}…', event.status);
    case 'retry':
      return vscode.l10n.t('Retrying: {0}', event.message);
    case 'rateWait':
      return vscode.l10n.t('Waiting for the rate limit ({0} s): {1} allows only a few requests a minute…', event.seconds, event.model);
    case 'download':
      return vscode.l10n.t('Downloading images ({0}/{1})…', event.done, event.total);
    case 'save':
      return vscode.l10n.t('Saving images ({0}/{1})…', event.done, event.total);
    case 'cancelTask':
      return event.outcome === 'cancelled' ? vscode.l10n.t('Cancelled the queued task.') : vscode.l10n.t('Cancelling…');
  }
}

/** Whether the active editor is a Markdown or HTML document (where Insert Link makes sense). */
export function activeLinkTarget(): vscode.TextEditor | undefined {
  const editor = vscode.window.activeTextEditor;
  return editor && ['markdown', 'html'].includes(editor.document.languageId) ? editor : undefined;
}

/**
 * "Saved 2 images to generated-images." with Open, Reveal in Explorer and Copy Path, plus Insert
 * Link when a Markdown or HTML editor is active. Does not wait for the user.
 */
export function announceSaved(files: readonly vscode.Uri[], extra?: string): void {
  const first = files[0];
  if (!first) return;
  const editor = activeLinkTarget();
  const open = vscode.l10n.t('Open');
  const reveal = vscode.l10n.t('Reveal in Explorer');
  const copy = vscode.l10n.t('Copy Path');
  const insert = vscode.l10n.t('Insert Link');
  const text =
    files.length === 1
      ? vscode.l10n.t('Saved {0}.', displayPath(first))
      : vscode.l10n.t('Saved {0} images to {1}.', files.length, displayPath(vscode.Uri.joinPath(first, '..')));
  const buttons = [open, reveal, copy, ...(editor ? [insert] : [])];
  void vscode.window.showInformationMessage(extra ? `${text} ${extra}` : text, ...buttons).then(async (choice) => {
    if (choice === open) await vscode.commands.executeCommand('vscode.open', first, { preview: false });
    if (choice === reveal) await vscode.commands.executeCommand('revealInExplorer', first);
    if (choice === copy) await vscode.env.clipboard.writeText(displayPath(first));
    if (choice === insert && editor) await vscode.commands.executeCommand(Commands.insertImageLink, { image: first.toString(), editor: editor.document.uri.toString() });
  });
}

/** Runs a job under a cancellable notification; the token aborts the job's signal. */
export async function withJobProgress<T>(title: string, run: (signal: AbortSignal, report: (text: string) => void) => Promise<T>): Promise<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
    const abort = new AbortController();
    const subscription = token.onCancellationRequested(() => abort.abort(new vscode.CancellationError()));
    try {
      return await run(abort.signal, (text) => progress.report({ message: text }));
    } finally {
      subscription.dispose();
    }
  });
}
