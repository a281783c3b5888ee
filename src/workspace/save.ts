/**
 * Saving generated images with `vscode.workspace.fs`, so it works the same in local, remote
 * (SSH, containers, code-server) and web workspaces. Never `node:fs` here: the extension host may
 * not run where the workspace lives.
 *
 * Where: `bailian.outputFolder` (default `generated-images`) inside a workspace folder. How:
 * src/output/atomicSave.ts (hidden temporary in the same folder, rename without overwrite, next
 * free name on a collision, temporary deleted on any failure).
 */
import * as vscode from 'vscode';
import type { ImageSaver, OutputFile, SavedFileRef } from '../jobs/generate';
import { saveAtomically, type SaveFileSystem } from '../output/atomicSave';

/** A file saved into the workspace. */
export interface WorkspaceSavedFile extends SavedFileRef {
  readonly uri: vscode.Uri;
}

/** The folder images go to, and the workspace folder it lies in (if any). */
export interface OutputLocation {
  readonly folder: vscode.Uri;
  /** Undefined when the user picked a folder outside any workspace (no folder open). */
  readonly workspaceFolder: vscode.WorkspaceFolder | undefined;
}

function hasCode(error: unknown, ...codes: string[]): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, name } = error as { code?: unknown; name?: unknown };
  return codes.some((c) => code === c || (typeof name === 'string' && name.includes(c)));
}

function isNotFound(error: unknown): boolean {
  return hasCode(error, 'FileNotFound', 'EntryNotFound', 'ENOENT');
}

/** {@link SaveFileSystem} over `workspace.fs`, rooted at `root`. */
export function workspaceSaveFileSystem(root: vscode.Uri, fs: vscode.FileSystem = vscode.workspace.fs): SaveFileSystem {
  const at = (path: string): vscode.Uri => (path ? vscode.Uri.joinPath(root, ...path.split('/')) : root);
  const exists = async (path: string): Promise<boolean> => {
    try {
      await fs.stat(at(path));
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  };
  return {
    exists,
    createDirectory: async (path) => fs.createDirectory(at(path)),
    writeFile: async (path, bytes) => fs.writeFile(at(path), bytes),
    renameNoOverwrite: async (from, to) => {
      try {
        await fs.rename(at(from), at(to), { overwrite: false });
        return 'renamed';
      } catch (error) {
        // FileExists from the provider; some providers say less, so check the target too.
        if (hasCode(error, 'FileExists', 'EntryExists', 'EEXIST') || (await exists(to).catch(() => false))) return 'exists';
        throw error;
      }
    },
    delete: async (path) => {
      try {
        await fs.delete(at(path), { useTrash: false });
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    },
  };
}

/** An {@link ImageSaver} that writes into `location.folder` atomically, never overwriting. */
export class WorkspaceImageSaver implements ImageSaver<WorkspaceSavedFile> {
  private readonly fs: SaveFileSystem;

  constructor(readonly location: OutputLocation, fs: vscode.FileSystem = vscode.workspace.fs) {
    this.fs = workspaceSaveFileSystem(location.folder, fs);
  }

  async save(file: OutputFile): Promise<WorkspaceSavedFile> {
    const name = await saveAtomically(this.fs, { stem: file.stem, ext: file.ext, bytes: file.bytes });
    return { name, uri: vscode.Uri.joinPath(this.location.folder, ...name.split('/')) };
  }
}

/** Splits a workspace-relative path into safe segments; undefined if it would leave its folder. */
export function safeRelativeSegments(relative: string): string[] | undefined {
  const segments = relative.replace(/\\/g, '/').split('/').filter((s) => s !== '' && s !== '.');
  if (segments.length === 0 || segments.some((s) => s === '..')) return undefined;
  // An absolute Windows path (C:) is not relative.
  if (/^[a-z]:$/i.test(segments[0]!)) return undefined;
  return segments;
}

/** Options of {@link resolveOutputLocation}. */
export interface ResolveOutputOptions {
  /** `bailian.outputFolder`. */
  readonly outputFolder: string;
  /**
   * May the user be asked? With several workspace folders: a folder pick (else the active
   * editor's folder, else the first); with none: an open-folder dialog (else undefined).
   */
  readonly interactive: boolean;
  /** Ask even with several folders (the palette command); the studio uses the active/first one. */
  readonly pickAmongFolders?: boolean;
}

/**
 * Where to save: `outputFolder` inside the chosen workspace folder; with no folder open, a folder
 * the user picks in a dialog. Undefined when the user dismissed the question (or could not be
 * asked). Throws when the setting tries to leave the workspace folder.
 */
export async function resolveOutputLocation(options: ResolveOutputOptions): Promise<OutputLocation | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  let workspaceFolder: vscode.WorkspaceFolder | undefined;
  if (folders.length === 1) {
    workspaceFolder = folders[0];
  } else if (folders.length > 1) {
    const active = vscode.window.activeTextEditor?.document.uri;
    const activeFolder = active ? vscode.workspace.getWorkspaceFolder(active) : undefined;
    if (options.interactive && options.pickAmongFolders) {
      workspaceFolder = await vscode.window.showWorkspaceFolderPick({
        placeHolder: vscode.l10n.t('Workspace folder to save the images in'),
        ignoreFocusOut: true,
      });
      if (!workspaceFolder) return undefined;
    } else {
      workspaceFolder = activeFolder ?? folders[0];
    }
  }
  if (!workspaceFolder) {
    if (!options.interactive) return undefined;
    const picked = await vscode.window.showOpenDialog({
      canSelectFiles: false,
      canSelectFolders: true,
      canSelectMany: false,
      openLabel: vscode.l10n.t('Save Images Here'),
      title: vscode.l10n.t('No folder is open: choose where to save the generated images'),
    });
    return picked?.[0] ? { folder: picked[0], workspaceFolder: undefined } : undefined;
  }
  const segments = safeRelativeSegments(options.outputFolder);
  if (!segments) {
    throw new Error(vscode.l10n.t('The setting bailian.outputFolder must be a folder inside the workspace; "{0}" is not.', options.outputFolder));
  }
  return { folder: vscode.Uri.joinPath(workspaceFolder.uri, ...segments), workspaceFolder };
}

/** A path for people: workspace-relative (with the folder name in multi-root workspaces), else the full path. */
export function displayPath(uri: vscode.Uri): string {
  return vscode.workspace.getWorkspaceFolder(uri) ? vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1) : uri.fsPath;
}

/**
 * Resolves a path the webview sent back (a workspace folder index and a path relative to it)
 * to a Uri INSIDE that workspace folder; undefined for anything else.
 */
export function resolveInsideWorkspace(folderIndex: number, relative: string): vscode.Uri | undefined {
  const folder = vscode.workspace.workspaceFolders?.[folderIndex];
  const segments = safeRelativeSegments(relative);
  if (!folder || !segments) return undefined;
  const uri = vscode.Uri.joinPath(folder.uri, ...segments);
  const root = folder.uri.path.endsWith('/') ? folder.uri.path : `${folder.uri.path}/`;
  return uri.path.startsWith(root) ? uri : undefined;
}
