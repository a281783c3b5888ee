/**
 * Rebuilding an image-processing job (upscale, extend, retouch, background) for `regenerate`
 * from what provenance and the history recorded: `parameters.process` (the function and its
 * options, camelCase as the request gave them) and the input images in the order
 * `processSourcesOf` (./process.ts) writes them: the base image, then the mask, then the
 * reference image.
 */
import { getModel, processFunctionSpec, type GenerationRequest } from '../dashscope/index.js';
import { ProcessOptionsSchema, type ProcessOptions } from '../dashscope/requests/index.js';
import { UsageError } from './context.js';

/** True when `model` is one of the image-processing models. */
export function isProcessingModel(model: string): boolean {
  try {
    return getModel(model).processing !== undefined;
  } catch {
    return false;
  }
}

/** The recorded process options, checked against this version's schema; undefined when none were recorded. */
export function processOptionsOf(parameters: Record<string, unknown>): ProcessOptions | undefined {
  const raw = parameters.process;
  if (raw === undefined) return undefined;
  const parsed = ProcessOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(`The recorded image-processing options do not fit this version (${issue ? `${issue.path.join('.') || 'process'}: ${issue.message}` : 'unreadable'}); run the operation again with its own command.`, 'regenerate', false);
  }
  return parsed.data;
}

/**
 * Puts the resolved inputs where the request takes them: the first is the base image; the next is
 * the mask when the function needs one; the next the reference image when the job had one.
 * `origin` names the file or history entry for the error messages.
 */
export function placeProcessInputs(request: GenerationRequest, inputs: readonly string[], origin: string): void {
  const [base, ...rest] = inputs;
  if (!base) throw new UsageError(`${origin} records no input image, so the operation cannot be run again; run it with --image.`, 'regenerate', false);
  request.images = [base];
  if (processFunctionSpec(request.model, request.process?.function)?.mask === 'required') {
    const mask = rest.shift();
    if (!mask) throw new UsageError(`${origin} was made with a mask that was not kept as a file (painted in the studio); paint it again in the studio's Retouch mode, or run \`retouch --mask <file>\`.`, 'regenerate', false);
    request.mask = mask;
  }
  if (!request.process) return;
  const { refImage, ...options } = request.process;
  const recordedUrl = typeof refImage === 'string' && /^https?:\/\//i.test(refImage) ? refImage : undefined;
  const ref = rest.shift() ?? recordedUrl;
  if (refImage !== undefined && ref === undefined) throw new UsageError(`${origin} was made with a reference image that was not recorded as a file or URL; run \`background --ref <file>\` again.`, 'regenerate', false);
  request.process = ref === undefined ? options : { ...options, refImage: ref };
}
