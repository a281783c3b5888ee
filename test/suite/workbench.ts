import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TaskDestination } from '../../src/workflows/taskPersistence';
import { Commands, ConfigKeys, ENV_API_KEY, ViewTypes } from '../../src/constants';
import { DashScopeClient } from '../../src/dashscope';
import { HISTORY_PATH, parseHistory, type HistoryEntry } from '../../src/pipeline/history';
import type { BailianExtensionApi } from '../../src/extension';
import type { CommandOutcome } from '../../src/workflows/outcome';

/** The extension's id as VS Code knows it (publisher.name from package.json). */
export const EXTENSION_ID = 'bailian-image-studio.bailian-image-studio';

/** Activates the extension under test and returns its API. */
export async function activateExtension(): Promise<BailianExtensionApi> {
  const extension = vscode.extensions.getExtension<BailianExtensionApi>(EXTENSION_ID);
  if (!extension) {
    throw new Error(`${EXTENSION_ID} is not loaded`);
  }
  return extension.activate();
}

/** Rejects with a message naming `what` when `promise` takes longer than `ms`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Resolves with the first value `probe` returns that is not undefined, re-checking on tab changes. */
export function whenTabs<T>(probe: () => T | undefined, ms: number, what: string): Promise<T> {
  const current = probe();
  if (current !== undefined) {
    return Promise.resolve(current);
  }
  let subscription: vscode.Disposable | undefined;
  const changed = new Promise<T>((resolve) => {
    subscription = vscode.window.tabGroups.onDidChangeTabs(() => {
      const value = probe();
      if (value !== undefined) {
        resolve(value);
      }
    });
  });
  return withTimeout(changed, ms, what).finally(() => subscription?.dispose());
}

/** Tabs that show a webview of the given view type. */
export function webviewTabs(viewType: string): vscode.Tab[] {
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(viewType));
}

/** The first workspace folder (the suite runs with one). */
export function workspaceRoot(): vscode.Uri {
  const [folder] = vscode.workspace.workspaceFolders ?? [];
  assert.ok(folder, 'the suite runs with a workspace folder');
  return folder.uri;
}

/** The workspace's history manifest, checked to hold no simulator key. */
export async function readHistory(): Promise<HistoryEntry[]> {
  const bytes = await vscode.workspace.fs.readFile(vscode.Uri.joinPath(workspaceRoot(), ...HISTORY_PATH.split('/')));
  const text = new TextDecoder().decode(bytes);
  assert.ok(!/sk-sim-/.test(text), 'the history never holds the key');
  return parseHistory(text).entries;
}

/** Whether anything exists at a Uri. */
export async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/**
 * Opens the studio, or reveals it when it is already open, and waits until its webview has
 * completed the handshake; a test that needs the studio calls this instead of relying on an
 * earlier test having opened it.
 */
export async function openStudio(): Promise<{ api: BailianExtensionApi; tab: vscode.Tab }> {
  const api = await activateExtension();
  await vscode.commands.executeCommand(Commands.openStudio);
  const tab = await whenTabs(() => webviewTabs(ViewTypes.studio)[0], 15_000, 'the studio tab');
  // `ready` from the webview script and `init` back: the bundle loaded under the CSP.
  await withTimeout(api.whenStudioReady(), 60_000, 'the studio webview handshake');
  return { api, tab };
}

/** Copies a file of the fixture workspace to `to` (a workspace-relative path), replacing what is there. */
export async function copyFixture(name: string, to: string): Promise<vscode.Uri> {
  const root = workspaceRoot();
  const target = vscode.Uri.joinPath(root, ...to.split('/'));
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(target, '..'));
  await vscode.workspace.fs.copy(vscode.Uri.joinPath(root, name), target, { overwrite: true });
  return target;
}

/** A client of its own, as another window (or the session before a reload) would have had. */
export function simulatorClient(): DashScopeClient {
  const baseUrl = vscode.workspace.getConfiguration(ConfigKeys.section).get<string>(ConfigKeys.customBaseUrl);
  const apiKey = process.env[ENV_API_KEY];
  assert.ok(baseUrl && apiKey, 'the runner points the suite at the simulator');
  return new DashScopeClient({ apiKey, baseUrl });
}

/** Where a persisted task's images go: `folder` of the workspace, named by `naming`. */
export function destination(folder: string, naming: TaskDestination['naming']): TaskDestination {
  return {
    folder: vscode.Uri.joinPath(workspaceRoot(), ...folder.split('/')).toString(),
    workspaceFolder: workspaceRoot().toString(),
    kind: 'generate',
    source: 'palette',
    sources: [],
    started: new Date().toISOString(),
    naming,
  };
}

/** The outcome of a command that saved files (fails the test with the outcome otherwise). */
export function saved(outcome: CommandOutcome | undefined): Extract<CommandOutcome, { status: 'succeeded' }> {
  assert.ok(outcome, 'the command resolves with its outcome');
  assert.equal(outcome.status, 'succeeded', JSON.stringify(outcome));
  return outcome as Extract<CommandOutcome, { status: 'succeeded' }>;
}

/** The outcome of a command that failed (fails the test with the outcome otherwise). */
export function failed(outcome: CommandOutcome | undefined): Extract<CommandOutcome, { status: 'failed' }> {
  assert.ok(outcome, 'the command resolves with its outcome');
  assert.equal(outcome.status, 'failed', JSON.stringify(outcome));
  return outcome as Extract<CommandOutcome, { status: 'failed' }>;
}
