/**
 * Guides cut by a reload. A stream cannot be resumed (an SSE response dies with its connection),
 * so each guide document being written is recorded in workspace state while it streams; after
 * the next activation every document still recorded gets a visible "interrupted" notice, so a
 * half-written guide never passes for a complete one. What arrived stays: the document is saved
 * as it streams.
 */
import * as vscode from 'vscode';
import { STREAMS_STATE_KEY } from '../constants';
import type { Log } from '../host/log';
import { displayPath } from '../host/workspaceFs';
import { confineUri } from '../host/workspacePaths';
import { blockSeparator } from '../pipeline/markdown';

/** The documents being streamed, persisted in workspace state (Uris only; nothing else). */
export class OpenStreams {
  constructor(private readonly state: vscode.Memento) {}

  private list(): string[] {
    const value = this.state.get<unknown>(STREAMS_STATE_KEY);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  }

  /** Records a document that starts streaming. */
  async add(uri: vscode.Uri): Promise<void> {
    await this.state.update(STREAMS_STATE_KEY, [...new Set([...this.list(), uri.toString()])]);
  }

  /** Forgets a document whose stream ended (completed, stopped or failed: it says so itself). */
  async remove(uri: vscode.Uri): Promise<void> {
    const rest = this.list().filter((u) => u !== uri.toString());
    await this.state.update(STREAMS_STATE_KEY, rest.length ? rest : undefined);
  }

  /** After a reload: marks every document still recorded as interrupted, and forgets them. Returns the ones marked. */
  async markInterrupted(log: Log): Promise<vscode.Uri[]> {
    const marked: vscode.Uri[] = [];
    for (const raw of this.list()) {
      const uri = vscode.Uri.parse(raw);
      try {
        // Workspace state is not only ours to write: only a document inside the workspace is edited.
        await confineUri(uri, vscode.l10n.t('The record of a guide being written'));
        const document = await vscode.workspace.openTextDocument(uri);
        const text = document.getText();
        const notice = `${blockSeparator(text.slice(-4))}---\n\n> **⚠ Interrupted:** the window was reloaded while this guide was being written, and a stream cannot be resumed. Everything above arrived and was kept; run the guide again for a complete result.\n`;
        const edit = new vscode.WorkspaceEdit();
        edit.insert(uri, document.lineAt(document.lineCount - 1).range.end, notice);
        if (await vscode.workspace.applyEdit(edit)) {
          await document.save();
          marked.push(uri);
          log.info(`Guide ${displayPath(uri)} was cut by a reload; marked as interrupted`);
        }
      } catch (error) {
        log.warn(`Could not mark the interrupted guide ${raw}:`, error);
      }
      await this.remove(uri);
    }
    return marked;
  }
}
