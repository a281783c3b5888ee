/**
 * The workspace's history manifests (`.bailian/history.jsonl`, one per workspace folder), as every
 * workflow appends to them and the studio and Show Spend read them. A folder on disk (local, or
 * remote with the extension host beside it: its URI is `file:`) goes through node fs, as the CLI
 * does: each line is one O_APPEND write, so the editor and a CLI run never interleave a line, and
 * reads go by offset, newest chunk first. Any other folder (a virtual workspace) goes through
 * `workspace.fs`, which cannot append: a lock file guards the rewrite there.
 */
import * as vscode from 'vscode';
import type { Log } from '../host/log';
import { workspaceFileSystem } from '../host/workspaceFs';
import { historyEntry, type HistoryFacts } from '../pipeline/history';
import { HistoryLog } from '../pipeline/historyLog';
import { nodeFileSystem } from '../pipeline/nodeFs';

/** A job this window saved files for: its folder and the outputs' folder-relative paths. */
export interface RecordedJob {
  readonly folder: vscode.WorkspaceFolder;
  readonly outputs: readonly string[];
}

/** The history manifests of the open workspace folders, one log each (appends serialized per folder). */
export class WorkspaceHistory {
  private readonly logs = new Map<string, HistoryLog>();
  private readonly appended = new vscode.EventEmitter<vscode.WorkspaceFolder>();
  /** Fires after a line was appended to a folder's manifest. */
  readonly onDidAppend = this.appended.event;
  private readonly recorded = new vscode.EventEmitter<RecordedJob>();
  /** Fires for every job this window records, with its saved outputs, before the append (which may fail). */
  readonly onDidRecord = this.recorded.event;

  /** The manifest of a workspace folder. */
  of(folder: vscode.WorkspaceFolder): HistoryLog {
    const key = folder.uri.toString();
    let log = this.logs.get(key);
    if (!log) {
      log = new HistoryLog(folder.uri.scheme === 'file' ? nodeFileSystem(folder.uri.fsPath) : workspaceFileSystem(folder.uri));
      this.logs.set(key, log);
    }
    return log;
  }

  /** Appends a job's line; failures are logged, never thrown (the files are what matters). */
  async record(folder: vscode.WorkspaceFolder | undefined, facts: HistoryFacts, log: Log): Promise<void> {
    if (!folder) return;
    this.recorded.fire({ folder, outputs: (facts.outputs ?? []).map((o) => o.path) });
    try {
      await this.of(folder).append(historyEntry(facts));
      this.appended.fire(folder);
    } catch (error) {
      log.warn(`Could not append to the history of ${folder.name}:`, error);
    }
  }

  dispose(): void {
    this.appended.dispose();
    this.recorded.dispose();
  }
}
