/**
 * Wire bodies of the image-processing models, exactly as image-processing.md's examples show them:
 * - wanx2.1-imageedit (§1): `input.function/prompt/base_image_url/mask_image_url`, `parameters`
 *   `n/seed/watermark` and the function's own (`upscale_factor`, `top_scale`, `strength`, …);
 * - image-out-painting (§2): `input.image_url`, everything else in `parameters`, always with an
 *   explicit `add_watermark` (the service watermarks by default);
 * - wanx-background-generation-v2 (§4): `input.base_image_url/ref_prompt/ref_image_url/neg_ref_prompt`,
 *   `parameters` `n/model_version/ref_prompt_weight/noise_level`.
 */
import type { InputShape, ProcessOptionName } from '../catalog/index.js';
import { effectiveProcessPrompt } from './check-process.js';
import type { ValidatedRequest } from './schema.js';

/** Wire references of the images besides the base image. */
export interface ExtraImageRefs {
  mask?: string;
  refImage?: string;
}

/** The body of a processing request; `parameters` already holds n/seed/watermark as the model takes them. */
export function processWireBody(
  v: ValidatedRequest,
  shape: Extract<InputShape, 'imageedit' | 'outpainting' | 'background'>,
  baseRef: string,
  extra: ExtraImageRefs,
  parameters: Record<string, unknown>,
): { model: string; input: Record<string, unknown>; parameters: Record<string, unknown> } {
  const fn = v.processFunction;
  const opts = v.request.process ?? {};
  const input: Record<string, unknown> = {};
  const watermark = v.spec.processing?.watermark;
  if (watermark) {
    delete parameters.watermark;
    const value = v.request.watermark ?? (watermark.sendDefault !== watermark.serviceDefault ? watermark.sendDefault : undefined);
    if (value !== undefined) parameters[watermark.wire] = value;
  }
  for (const [name, rule] of Object.entries(fn?.options ?? {})) {
    const value = opts[name as ProcessOptionName];
    if (value === undefined || !rule.wire || rule.kind === 'image') continue;
    (rule.where === 'input' ? input : parameters)[rule.wire] = value;
  }
  switch (shape) {
    case 'imageedit':
      input.function = fn?.id;
      input.prompt = fn ? effectiveProcessPrompt(fn, v.request.prompt, opts.style) ?? '' : v.request.prompt ?? '';
      input.base_image_url = baseRef;
      if (extra.mask) input.mask_image_url = extra.mask;
      break;
    case 'outpainting':
      input.image_url = baseRef;
      break;
    case 'background': {
      input.base_image_url = baseRef;
      const prompt = v.request.prompt?.trim();
      if (prompt) input.ref_prompt = prompt;
      if (extra.refImage) input.ref_image_url = extra.refImage;
      break;
    }
  }
  // Key order as in the reference's examples: the images and the prompt first.
  return { model: v.wireModel, input: orderKeys(input, ['function', 'prompt', 'base_image_url', 'image_url', 'mask_image_url', 'ref_prompt', 'ref_image_url', 'neg_ref_prompt']), parameters };
}

function orderKeys(o: Record<string, unknown>, order: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of order) if (k in o) out[k] = o[k];
  for (const [k, val] of Object.entries(o)) if (!(k in out)) out[k] = val;
  return out;
}
