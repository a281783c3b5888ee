/**
 * The Problems panel for `.bailian/presets.json`: every problem the pure module finds (JSON
 * syntax, schema, the catalog's rules) becomes a diagnostic on the file at the value it is about,
 * with the preset's name and the field in the message. Kept up to date as the file is typed in
 * (open documents), saved, or changed on disk (a file watcher: a `git pull`, another tool).
 */
import * as vscode from 'vscode';
import { displayPath } from '../host/workspaceFs';
import { PRESETS_PATH, parsePresetsText, type PresetProblem } from '../pipeline/presets';
import { presetsUri } from './presets';

/** The diagnostic collection's name (the Problems panel's source filter). */
export const PRESET_DIAGNOSTICS = 'bailian-presets';

function isPresetsFile(uri: vscode.Uri): boolean {
  return uri.path.endsWith(`/${PRESETS_PATH}`) && vscode.workspace.getWorkspaceFolder(uri) !== undefined;
}

/** The diagnostic of one problem; `document` gives exact ranges when the file is open. */
export function presetDiagnostic(problem: PresetProblem, document?: vscode.TextDocument): vscode.Diagnostic {
  const loc = problem.location;
  let range = new vscode.Range(0, 0, 0, 0);
  if (loc && document) range = new vscode.Range(document.positionAt(loc.offset), document.positionAt(loc.offset + loc.length));
  else if (loc) range = new vscode.Range(loc.line - 1, loc.column - 1, loc.line - 1, loc.column - 1 + Math.max(loc.length, 1));
  const who = [problem.preset !== undefined ? vscode.l10n.t('preset "{0}"', problem.preset) : '', problem.field ?? ''].filter(Boolean).join(', ');
  const diagnostic = new vscode.Diagnostic(range, who ? `${who}: ${problem.message}` : problem.message, vscode.DiagnosticSeverity.Error);
  diagnostic.source = 'Bailian';
  return diagnostic;
}

/** Watches every workspace folder's presets file and keeps its diagnostics. */
export class PresetDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(PRESET_DIAGNOSTICS);
  private readonly disposables: vscode.Disposable[] = [this.collection];

  constructor() {
    const watcher = vscode.workspace.createFileSystemWatcher(`**/${PRESETS_PATH}`);
    this.disposables.push(
      watcher,
      watcher.onDidCreate((uri) => void this.refresh(uri)),
      watcher.onDidChange((uri) => void this.refresh(uri)),
      watcher.onDidDelete((uri) => this.collection.delete(uri)),
      vscode.workspace.onDidOpenTextDocument((document) => this.refreshDocument(document)),
      vscode.workspace.onDidChangeTextDocument((event) => this.refreshDocument(event.document)),
      vscode.workspace.onDidSaveTextDocument((document) => this.refreshDocument(document)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.refreshAll()),
    );
    for (const document of vscode.workspace.textDocuments) this.refreshDocument(document);
    void this.refreshAll();
  }

  /** Reads every folder's presets file again. */
  async refreshAll(): Promise<void> {
    await Promise.all((vscode.workspace.workspaceFolders ?? []).map((folder) => this.refresh(presetsUri(folder))));
  }

  /** Reads one presets file (the open document's text when it is open). */
  async refresh(uri: vscode.Uri): Promise<void> {
    if (!isPresetsFile(uri)) return;
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return this.refreshDocument(open);
    let text: string;
    try {
      text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      this.collection.delete(uri);
      return;
    }
    this.collection.set(uri, parsePresetsText(text, displayPath(uri)).problems.map((p) => presetDiagnostic(p)));
  }

  private refreshDocument(document: vscode.TextDocument): void {
    if (!isPresetsFile(document.uri)) return;
    this.collection.set(document.uri, parsePresetsText(document.getText(), displayPath(document.uri)).problems.map((p) => presetDiagnostic(p, document)));
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
