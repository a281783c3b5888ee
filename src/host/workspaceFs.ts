/**
 * The workspace side of saving: the pipeline's {@link FileSystem} over `vscode.workspace.fs` (so
 * it works the same in local, remote — SSH, containers, code-server — and web workspaces; never
 * node:fs here), output folders from the `bailian.outputFolder` template, and paths that come
 * back from the webview resolved only inside workspace folders.
 */
import * as vscode from 'vscode';
import { saveAtomically, type FileSystem } from '../pipeline/files';
import type { ImageSaver, OutputFile, SavedFileRef } from '../pipeline/images';
import { renderOutputFolder, type OutputTemplateValues } from '../pipeline/outputTemplate';
import { confineUri } from './workspacePaths';

/** A file saved into the workspace. */
export interface WorkspaceSavedFile extends SavedFileRef {
  readonly uri: vscode.Uri;
}

/** The folder files go to, and the workspace folder it lies in (if any). */
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

/** {@link FileSystem} over `workspace.fs`, rooted at `root`. */
export function workspaceFileSystem(root: vscode.Uri, fs: vscode.FileSystem = vscode.workspace.fs): FileSystem {
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
    readFile: async (path) => fs.readFile(at(path)),
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
    replace: async (from, to) => fs.rename(at(from), at(to), { overwrite: true }),
    delete: async (path) => {
      try {
        await fs.delete(at(path), { useTrash: false });
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
    },
  };
}

/** An {@link ImageSaver} that writes into `folder` atomically, never overwriting. */
export class WorkspaceImageSaver implements ImageSaver<WorkspaceSavedFile> {
  private readonly fs: FileSystem;

  constructor(
    readonly folder: vscode.Uri,
    fs: vscode.FileSystem = vscode.workspace.fs,
  ) {
    this.fs = workspaceFileSystem(folder, fs);
  }

  async save(file: OutputFile): Promise<WorkspaceSavedFile> {
    const name = await saveAtomically(this.fs, { stem: file.stem, ext: file.ext, bytes: file.bytes });
    return { name, uri: vscode.Uri.joinPath(this.folder, ...name.split('/')) };
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

/** The workspace folder of a Uri and its path relative to it (`/`-separated), if inside one. */
export function workspacePathOf(uri: vscode.Uri): { folder: vscode.WorkspaceFolder; path: string } | undefined {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) return undefined;
  const root = folder.uri.path.replace(/\/$/, '');
  if (!uri.path.startsWith(`${root}/`) && uri.path !== root) return undefined;
  return { folder, path: uri.path.slice(root.length + 1) };
}

/** Options of {@link resolveOutputLocation}. */
export interface ResolveOutputOptions {
  /** The output-folder template (`bailian.outputFolder` or `bailian.translationOutputFolder`). */
  readonly template: string;
  /** Which setting the template came from, for the error message. */
  readonly settingName: string;
  readonly model: string;
  readonly date: Date;
  /** The source image (edit, translate): its workspace folder wins, and `${fileDirname}` … refer to it. */
  readonly source?: vscode.Uri | undefined;
  /** The translation's target language, for `${lang}`. */
  readonly lang?: string | undefined;
  /** The job's history id and its preset, for `${jobId}` and `${preset}`. */
  readonly jobId?: string | undefined;
  readonly preset?: string | undefined;
  /**
   * May the user be asked? With several workspace folders and no source: a folder pick (else the
   * active editor's folder, else the first); with none: an open-folder dialog (else undefined).
   */
  readonly interactive: boolean;
  /** Ask even with several folders (the palette commands); the studio uses the active/first one. */
  readonly pickAmongFolders?: boolean;
}

/**
 * Where to save: the template rendered inside the right workspace folder (the source image's,
 * else the chosen one); with no folder open, a folder the user picks in a dialog. Undefined when
 * the user dismissed the question (or could not be asked). Throws an OutputTemplateError saying
 * what to change when the template is bad.
 */
export async function resolveOutputLocation(options: ResolveOutputOptions): Promise<OutputLocation | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const source = options.source ? workspacePathOf(options.source) : undefined;
  let workspaceFolder: vscode.WorkspaceFolder | undefined = source?.folder;
  if (!workspaceFolder && folders.length === 1) {
    workspaceFolder = folders[0];
  } else if (!workspaceFolder && folders.length > 1) {
    const active = vscode.window.activeTextEditor?.document.uri;
    const activeFolder = active ? vscode.workspace.getWorkspaceFolder(active) : undefined;
    if (options.interactive && options.pickAmongFolders) {
      workspaceFolder = await vscode.window.showWorkspaceFolderPick({ placeHolder: vscode.l10n.t('Workspace folder to save the images in'), ignoreFocusOut: true });
      if (!workspaceFolder) return undefined;
    } else {
      workspaceFolder = activeFolder ?? folders[0];
    }
  }
  const values: OutputTemplateValues = { date: options.date, model: options.model, jobId: options.jobId, preset: options.preset, ...(options.lang ? { lang: options.lang } : {}) };
  if (source) {
    const slash = source.path.lastIndexOf('/');
    const base = source.path.slice(slash + 1);
    values.fileDirname = slash < 0 ? '' : source.path.slice(0, slash);
    values.fileBasenameNoExtension = base.replace(/\.[^.]+$/, '');
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
  const relative = renderOutputFolder(options.template, values, options.settingName);
  const segments = relative ? relative.split('/') : [];
  const folder = segments.length ? vscode.Uri.joinPath(workspaceFolder.uri, ...segments) : workspaceFolder.uri;
  // The template may come from the workspace's own settings: a symbolic link on the way must not lead out.
  await confineUri(folder, options.settingName);
  return { folder, workspaceFolder };
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
