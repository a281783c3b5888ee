/**
 * The workspace glossary (`bailian.glossaryFile`, `.bailian/glossary.txt` by default) that
 * translations use: where it lives and what it says. The setting may come from the workspace's
 * own settings, so the path is resolved inside the workspace folder or refused.
 */
import * as vscode from 'vscode';
import { ConfigKeys } from '../constants';
import { displayPath } from '../host/workspaceFs';
import { resolveWorkspaceRef } from '../host/workspacePaths';
import { GlossaryError, glossaryRecord, parseGlossary, type GlossaryRecord, type GlossaryTerm } from '../pipeline/glossary';
import type { SharedServices } from './context';

/** Where the workspace glossary lives: its folder, its path inside it, and its Uri. */
export interface GlossaryLocation {
  readonly folder: vscode.WorkspaceFolder;
  /** `/`-separated, relative to the folder. */
  readonly relative: string;
  readonly uri: vscode.Uri;
}

/**
 * The workspace glossary file of the folder holding `near` (or the first folder); undefined with
 * no folder open. `bailian.glossaryFile` may come from the workspace's own settings, so it is
 * resolved inside that folder or refused (OutsideWorkspaceError).
 */
export async function glossaryLocation(host: SharedServices, near?: vscode.Uri): Promise<GlossaryLocation | undefined> {
  const folder = (near && vscode.workspace.getWorkspaceFolder(near)) ?? vscode.workspace.workspaceFolders?.[0];
  if (!folder) return undefined;
  const uri = await resolveWorkspaceRef(host.config.read(near).glossaryFile, `bailian.${ConfigKeys.glossaryFile}`, folder);
  const owner = vscode.workspace.getWorkspaceFolder(uri) ?? folder;
  return { folder: owner, relative: uri.path.slice(owner.uri.path.replace(/\/+$/, '').length + 1), uri };
}

/** The workspace glossary's terms and the record a translation keeps of them (its path, a digest); undefined when there is none. */
export async function readWorkspaceGlossaryRecord(host: SharedServices, near?: vscode.Uri): Promise<{ terms: GlossaryTerm[]; record: GlossaryRecord } | undefined> {
  const location = await glossaryLocation(host, near);
  if (!location) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(location.uri);
  } catch {
    return undefined;
  }
  try {
    const terms = parseGlossary(new TextDecoder().decode(bytes));
    return { terms, record: glossaryRecord(location.relative, terms) };
  } catch (error) {
    if (error instanceof GlossaryError) throw new GlossaryError(`${displayPath(location.uri)}: ${error.message}`, error.line);
    throw error;
  }
}

/** Reads the glossary; undefined when there is none. Throws GlossaryError (with the line) when it does not parse. */
export async function readWorkspaceGlossary(host: SharedServices, near?: vscode.Uri): Promise<GlossaryTerm[] | undefined> {
  return (await readWorkspaceGlossaryRecord(host, near))?.terms;
}
