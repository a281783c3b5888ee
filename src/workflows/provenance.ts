/**
 * A workspace image's provenance as the Explorer's Regenerate, Variations, Open Settings in
 * Studio and Copy as CLI Command read it: the record (embedded in a PNG, or the `.json` sidecar
 * of a JPG), the request it describes and its input images resolved inside the workspace. An
 * image without one is refused with the reason ({@link NoProvenanceError}).
 */
import * as vscode from 'vscode';
import { findModel, type GenerationRequest } from '../dashscope';
import { ActionableError } from '../host/errors';
import { workspacePathOf } from '../host/workspaceFs';
import { resolveWorkspaceRef } from '../host/workspacePaths';
import type { ProvenanceRecord } from '../pipeline/provenance';
import { kindOfRequest, provenanceOfImage, requestOfRecord } from '../pipeline/reproduce';

/** The image carries no provenance, so nothing can be made again from it. */
export class NoProvenanceError extends ActionableError {
  constructor(name: string, what: string) {
    super(
      'NoProvenanceError',
      vscode.l10n.t('{0} has no Bailian provenance, so {1} is not possible for it.', name, what),
      [],
      vscode.l10n.t('Only images made by Bailian Image Studio or bailian-image carry it: a PNG keeps it inside the file, a JPG in a .json file next to it (keep that file with the image).'),
    );
  }
}

/** Told what a command read: whether an image carries provenance (the Explorer's set of such images, workflows/provenanceFiles.ts). */
export interface ProvenanceSeen {
  noteProvenance(uri: vscode.Uri, found: boolean): void;
}

/** A workspace image with provenance, and what it takes to make it again. */
export interface ImageRecipe {
  readonly uri: vscode.Uri;
  readonly record: ProvenanceRecord;
  /** The request that made THIS image: its seed, one image, no input images. */
  readonly request: GenerationRequest;
  readonly kind: 'generate' | 'edit' | 'translate' | 'process';
  /** The guide's images come from a stream: they are made again with the guide, not one by one. */
  readonly fromGuide: boolean;
  /** Input images, resolved inside the workspace (in request order). */
  readonly inputs: vscode.Uri[];
  /** The image's workspace-relative path. */
  readonly path: string;
}

async function readIfThere(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

/**
 * The provenance of a workspace image, or undefined when it has none. `seen` (the Explorer's set
 * of images with provenance) learns what was found, so the menu follows what a command read.
 */
export async function readImageProvenance(uri: vscode.Uri, seen?: ProvenanceSeen): Promise<ProvenanceRecord | undefined> {
  const bytes = await vscode.workspace.fs.readFile(uri);
  const record = await provenanceOfImage(uri.path, bytes, (sidecar) => readIfThere(uri.with({ path: sidecar })));
  seen?.noteProvenance(uri, record !== undefined);
  return record;
}

function baseName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

/**
 * Reads what made `uri`. Throws {@link NoProvenanceError} naming `what` (the action) when the
 * image has no provenance, and an OutsideWorkspaceError when a recorded input image would lie
 * outside the workspace (a record is data from a file, and is confined like any other).
 */
export async function readImageRecipe(uri: vscode.Uri, what: string, seen?: ProvenanceSeen): Promise<ImageRecipe> {
  const record = await readImageProvenance(uri, seen);
  if (!record) throw new NoProvenanceError(baseName(uri), what);
  const where = workspacePathOf(uri);
  const request = requestOfRecord(record);
  const origin = vscode.l10n.t('The provenance of {0}', baseName(uri));
  const sources = record.sources ?? [];
  const urls = sources.filter((s) => /^https?:\/\//i.test(s));
  const inputs: vscode.Uri[] = [];
  // Inputs that were URLs are sent as URLs again; local ones are read from the workspace.
  if (urls.length && urls.length === sources.length) request.images = urls;
  else for (const source of sources) inputs.push(await resolveWorkspaceRef(source, origin, where?.folder));
  return { uri, record, request, kind: kindOfRequest(request, inputs.length), fromGuide: findModel(record.model)?.mode === 'stream', inputs, path: where?.path ?? uri.fsPath };
}
