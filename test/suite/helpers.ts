import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { HISTORY_PATH, parseHistory, type HistoryEntry } from '../../src/pipeline/history';
import type { BailianExtensionApi } from '../../src/extension';

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
