/**
 * Tells the user when a workspace tries to set what only they may set. The user-only settings
 * ({@link USER_ONLY_SETTINGS}: where the API key goes, when the user is asked before spending)
 * are application-scoped, so VS Code drops a workspace's values for them without a word; a
 * repository that sets them is either confused or hostile, and the user should know either way.
 * The workspace's settings files are read as text (VS Code's configuration API does not show the
 * values it dropped), once per paid run at most, and each distinct finding is logged and shown once.
 */
import * as vscode from 'vscode';
// The ESM build: the package's main is a UMD module whose dynamic requires esbuild cannot follow.
import { parse, type ParseError } from 'jsonc-parser/lib/esm/main.js';
import { ConfigKeys } from '../constants';
import { USER_ONLY_SETTINGS } from './config';
import type { Log } from './log';
import { displayPath } from './workspaceFs';

/** A workspace settings file that names user-only settings. */
export interface WorkspaceOverride {
  /** The file, as shown to people. */
  readonly file: string;
  /** The full setting names it sets (`bailian.customBaseUrl` …). */
  readonly settings: readonly string[];
}

const FULL_NAMES = USER_ONLY_SETTINGS.map((key) => `${ConfigKeys.section}.${key}`);

/** The user-only settings a settings document sets (JSON with comments); `nested` for a .code-workspace file's `settings`. */
export function userOnlySettingsIn(text: string, nested: boolean): string[] {
  const errors: ParseError[] = [];
  const document: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  const settings = nested && document && typeof document === 'object' ? (document as { settings?: unknown }).settings : document;
  if (!settings || typeof settings !== 'object') return [];
  return FULL_NAMES.filter((name) => Object.prototype.hasOwnProperty.call(settings, name));
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

/** Every workspace settings file (each folder's .vscode/settings.json, the .code-workspace file) that names user-only settings. */
export async function findWorkspaceOverrides(): Promise<WorkspaceOverride[]> {
  const found: WorkspaceOverride[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const uri = vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json');
    const text = await readText(uri);
    const settings = text === undefined ? [] : userOnlySettingsIn(text, false);
    if (settings.length) found.push({ file: displayPath(uri), settings });
  }
  const workspaceFile = vscode.workspace.workspaceFile;
  if (workspaceFile && workspaceFile.scheme !== 'untitled') {
    const text = await readText(workspaceFile);
    const settings = text === undefined ? [] : userOnlySettingsIn(text, true);
    if (settings.length) found.push({ file: workspaceFile.scheme === 'file' ? workspaceFile.fsPath : workspaceFile.toString(), settings });
  }
  return found;
}

/** Logs and shows, once each, what {@link findWorkspaceOverrides} finds. */
export class IgnoredSettingsNotifier {
  private readonly told = new Set<string>();
  /** The notices shown in this session, in order (for the integration tests). */
  readonly notices: string[] = [];

  constructor(private readonly log: Log) {}

  /** Looks again; never throws (a settings file that cannot be read is simply not reported). */
  async check(): Promise<void> {
    let overrides: WorkspaceOverride[];
    try {
      overrides = await findWorkspaceOverrides();
    } catch (error) {
      this.log.debug('Could not read the workspace settings files:', error);
      return;
    }
    for (const override of overrides) {
      const text = vscode.l10n.t(
        'The workspace settings file {0} sets {1}. These settings are ignored: only your user settings decide where your API key is sent and when you are asked before money is spent.',
        override.file,
        override.settings.join(', '),
      );
      if (this.told.has(text)) continue;
      this.told.add(text);
      this.notices.push(text);
      this.log.warn(text);
      const open = vscode.l10n.t('Open User Settings');
      void vscode.window.showWarningMessage(text, open).then((choice) => {
        if (choice === open) void vscode.commands.executeCommand('workbench.action.openSettings', `@ext:bailian-image-studio.bailian-image-studio`);
      });
    }
  }
}
