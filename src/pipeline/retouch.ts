/**
 * A studio Retouch run as a {@link GenerationRequest}: the operation's model and function, its
 * options as `process`, and the mask drawn from the painted strokes at the base image's own
 * resolution (src/pipeline/mask.ts) as a bytes input. The base image itself is `images[0]`, added
 * by the job runner from the workspace file. Pure: unit-tested under plain Node; the catalog checks
 * the result again (ranges, the mask's size) before anything is sent.
 */
import type { GenerationRequest, ProcessOptions } from '../dashscope/requests/index.js';
import type { RetouchRun } from '../protocol/retouch.js';
import { retouchTarget } from '../protocol/retouchOptions.js';
import { maskPngOf } from './mask.js';

/** Thrown when a run names an operation, model and function that do not belong together. */
export class RetouchMismatchError extends Error {
  override readonly name = 'RetouchMismatchError';
  constructor(operation: string, model: string, fn: string | undefined) {
    super(`The retouch operation "${operation}" does not run on ${model}${fn ? ` with function ${fn}` : ''}; pick the operation again in the studio.`);
  }
}

/** Thrown when a masked operation comes without a mask. */
export class MissingMaskError extends Error {
  override readonly name = 'MissingMaskError';
  constructor() {
    super('This operation needs a mask: paint over the part of the image to change.');
  }
}

/** The base image's pixel size (read from its bytes, never from a name). */
export interface BaseImageSize {
  readonly width: number;
  readonly height: number;
}

/**
 * The request of a retouch run: `base` (model, prompt, n, seed, watermark from the form) with the
 * operation's `process` options and, for a masked operation, the mask PNG of the strokes at
 * `image`'s resolution. Throws {@link EmptyMaskError} (from mask.ts) when the mask edits nothing.
 */
export function retouchRequestOf(base: GenerationRequest, run: RetouchRun, image: BaseImageSize | undefined, masked: boolean): GenerationRequest {
  const target = retouchTarget(run.operation, run.function);
  if (!target || target.model !== base.model) throw new RetouchMismatchError(run.operation, base.model, run.function);
  const process = { ...run.options, ...(run.function ? { function: run.function } : {}) } as ProcessOptions;
  const request: GenerationRequest = { ...base, process };
  if (masked) {
    if (!run.mask || !image) throw new MissingMaskError();
    request.mask = { kind: 'bytes', bytes: maskPngOf(run.mask, image.width, image.height), name: 'mask.png' };
  }
  return request;
}
