/**
 * The request of a studio Retouch run: the form's fields, the operation's `process` options and,
 * for Inpaint, the mask drawn from the painted strokes at the picked image's own resolution
 * (src/pipeline/retouch.ts, src/pipeline/mask.ts). The image is read to learn its size only when
 * a mask needs it; the job runner reads it again as `images[0]`.
 */
import * as vscode from 'vscode';
import { inspectImage, processFunctionSpec, type GenerationRequest } from '../dashscope';
import { retouchServedIn } from '../protocol/retouchOptions';
import { regionLabel } from '../host/errors';
import { EmptyMaskError } from '../pipeline/mask';
import { retouchRequestOf } from '../pipeline/retouch';
import type { RunParams } from '../protocol/messages';

/** Thrown when a retouch run does not name exactly one workspace image. */
export class RetouchImageError extends Error {
  override readonly name = 'RetouchImageError';
  constructor(count: number) {
    super(vscode.l10n.t('Retouch works on exactly one image; this run names {0}. Pick one image.', count));
  }
}

/** The request of a retouch run over `inputs` (the one picked image), from the form's `base` request. */
export async function studioRetouchRequest(params: RunParams, base: GenerationRequest, inputs: readonly vscode.Uri[]): Promise<GenerationRequest> {
  const run = params.retouch;
  if (!run) throw new Error(vscode.l10n.t('A retouch run must name its operation.'));
  const image = inputs[0];
  if (!image || inputs.length !== 1) throw new RetouchImageError(inputs.length);
  const masked = processFunctionSpec(params.model, run.function)?.mask === 'required';
  let size: { width: number; height: number } | undefined;
  if (masked) {
    const info = inspectImage(await vscode.workspace.fs.readFile(image));
    if (!info) throw new Error(vscode.l10n.t('{0} is not an image the studio can read.', image.path.slice(image.path.lastIndexOf('/') + 1)));
    size = { width: info.width, height: info.height };
  }
  try {
    return retouchRequestOf(base, run, size, masked);
  } catch (error) {
    if (error instanceof EmptyMaskError) throw new Error(vscode.l10n.t('The mask is empty: paint over the part of the image to change, or turn Invert on.'));
    throw error;
  }
}

/**
 * The region's name when it serves none of the processing models (they are Beijing only), for the
 * Retouch form to say why it cannot run; undefined where they are served, or for a custom endpoint.
 */
export function retouchRegionNote(region: string): string | undefined {
  return retouchServedIn(region) ? undefined : regionLabel(region);
}

/** `init.retouchRegion` for the current region (see {@link retouchRegionNote}). */
export function retouchRegionField(region: string): { retouchRegion?: string } {
  const note = retouchRegionNote(region);
  return note ? { retouchRegion: note } : {};
}
