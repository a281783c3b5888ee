/**
 * Paths that come from a workspace setting, a persisted record or an agent tool, resolved inside
 * a workspace folder by the rule in src/pipeline/confine.ts (the webview's paths go through
 * `resolveInsideWorkspace` in workspaceFs.ts, which is stricter still: a folder index and a
 * relative path). Anything else is refused with an {@link OutsideWorkspaceError} saying what
 * named the path and what to change.
 */
import * as vscode from 'vscode';
import { confinePath, symlinkEscape } from '../pipeline/confine';
import { ActionableError } from './errors';

/** A path from a setting, a record or a tool that does not stay inside the workspace. */
export class OutsideWorkspaceError extends ActionableError {
  constructor(
    /** What named the path: a setting's name, "the agent tool's image argument", … */
    readonly origin: string,
    readonly path: string,
    reason: string,
  ) {
    super(
      'OutsideWorkspaceError',
      vscode.l10n.t('{0} names "{1}", which cannot be used: {2}. Use a path inside the workspace folder.', origin, path, reason),
      origin.startsWith('bailian.') ? ['openSettings'] : [],
    );
  }
}

const trimmed = (path: string): string => path.replace(/\/+$/, '');

/** The workspace folder a Uri lies in, comparing paths segment-wise (never a prefix of a folder name). */
function containingFolder(uri: vscode.Uri): vscode.WorkspaceFolder | undefined {
  return (vscode.workspace.workspaceFolders ?? []).find((folder) => {
    if (folder.uri.scheme !== uri.scheme || folder.uri.authority !== uri.authority) return false;
    return trimmed(uri.path) === trimmed(folder.uri.path) || confinePath(uri.path, folder.uri.path).ok;
  });
}

/** Throws when a symbolic link on the way to `uri` leads out of `folder` (local files only). */
async function checkLinks(folder: vscode.WorkspaceFolder, uri: vscode.Uri, origin: string, shown: string): Promise<void> {
  if (uri.scheme !== 'file' || folder.uri.scheme !== 'file') return;
  const escape = await symlinkEscape(folder.uri.fsPath, uri.fsPath);
  if (escape) throw new OutsideWorkspaceError(origin, shown, escape);
}

/**
 * Resolves `ref` — a path relative to `folder` (default: the first workspace folder), an
 * absolute path or a Uri string — to a Uri inside a workspace folder, following symbolic links
 * on local disks. Throws {@link OutsideWorkspaceError} otherwise.
 */
export async function resolveWorkspaceRef(ref: string, origin: string, folder?: vscode.WorkspaceFolder): Promise<vscode.Uri> {
  const base = folder ?? vscode.workspace.workspaceFolders?.[0];
  if (!base) throw new OutsideWorkspaceError(origin, ref, vscode.l10n.t('no folder is open'));
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(ref.trim())?.[1]?.toLowerCase();
  if (scheme && scheme !== 'file' && !/^[a-z]:[\\/]/i.test(ref.trim())) {
    // A Uri of the workspace's own kind (a remote or virtual workspace): it must lie in one of its folders.
    let uri: vscode.Uri;
    try {
      uri = vscode.Uri.parse(ref.trim(), true);
    } catch {
      throw new OutsideWorkspaceError(origin, ref, vscode.l10n.t('it is not a path or a URI'));
    }
    const owner = containingFolder(uri);
    const confined = owner ? confinePath(uri.path, owner.uri.path) : undefined;
    if (!owner || !confined?.ok) throw new OutsideWorkspaceError(origin, ref, confined && !confined.ok ? confined.reason : vscode.l10n.t('it lies outside the workspace folders'));
    return vscode.Uri.joinPath(owner.uri, ...confined.segments);
  }
  const confined = confinePath(ref, base.uri.path);
  if (!confined.ok) {
    // An absolute path may still lie in another folder of a multi-root workspace.
    const other = (vscode.workspace.workspaceFolders ?? []).find((f) => f !== base && confinePath(ref, f.uri.path).ok);
    if (other) return resolveWorkspaceRef(ref, origin, other);
    throw new OutsideWorkspaceError(origin, ref, confined.reason);
  }
  const uri = vscode.Uri.joinPath(base.uri, ...confined.segments);
  await checkLinks(base, uri, origin, ref);
  return uri;
}

/**
 * Checks a Uri read back from a persisted record (a task's output folder, a guide being
 * streamed): it must lie inside a workspace folder, also once symbolic links are followed.
 * Returns the folder it lies in; throws {@link OutsideWorkspaceError} otherwise.
 */
export async function confineUri(uri: vscode.Uri, origin: string): Promise<vscode.WorkspaceFolder> {
  const owner = containingFolder(uri);
  if (!owner) throw new OutsideWorkspaceError(origin, uri.scheme === 'file' ? uri.fsPath : uri.toString(), vscode.l10n.t('it lies outside the workspace folders'));
  await checkLinks(owner, uri, origin, uri.scheme === 'file' ? uri.fsPath : uri.toString());
  return owner;
}

/**
 * A scripted command argument (another extension, a test, a keybinding): a Uri string, or a path
 * relative to the first workspace folder. These come from the user's own tools, like the
 * Explorer's selection, and are not confined; agent tools go through {@link resolveWorkspaceRef}.
 */
export function uriOfArgument(ref: string): vscode.Uri {
  return /^[a-z][a-z0-9+.-]*:/i.test(ref) ? vscode.Uri.parse(ref) : vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file('/'), ref);
}
