/**
 * The image-processing models' bodies (PROC = ../shared/reference/image-processing.md): what the
 * simulator checks in them, and the size of what it returns.
 *
 * Output sizes the reference leaves unconfirmed are the simulator's choice (README "Image
 * processing"): a client must read the size from the image it receives.
 * - `super_resolution`: each side × `upscale_factor`;
 * - `expand`: width × (left + right) / 2, height × (top + bottom) / 2 (so all 1.5 → 1.5×, the guide's example);
 * - image-out-painting: the smallest canvas of `output_ratio` holding the image, else width × `x_scale`
 *   and height × `y_scale`, else the image plus the offsets (`angle` does not change the size);
 * - then, everywhere, the long side is scaled down to 4096 keeping the aspect ratio;
 * - the other functions and background generation keep the input's size.
 */
import { PNG } from 'pngjs';
import { SimError, invalidParameter } from './errors.js';
import type { SimModel, SimRange } from './models.js';
import { isPlainObject } from './params.js';

/** What a validated processing body asks for. */
export interface ProcessJob {
  spec: SimModel;
  fn?: string;
  prompt: string;
  n: number;
  seed?: number;
  parameters: Record<string, unknown>;
  baseRef: string;
  maskRef?: string;
  refImageRef?: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

function checkRange(name: string, value: unknown, r: SimRange): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || (r.integer && !Number.isInteger(value)) || value < r.min || value > r.max) {
    throw invalidParameter(`${name} must be ${r.integer ? 'an integer ' : ''}in [${r.min}, ${r.max}]`);
  }
}

/** Validates a processing body's `input` and `parameters` against the model's rules. */
export function validateProcess(spec: SimModel, input: Record<string, unknown>, parameters: Record<string, unknown>): ProcessJob {
  const rules = spec.process!;
  let fn: string | undefined;
  let prompt = '';
  let baseRef: string | undefined;
  let maskRef: string | undefined;
  let refImageRef: string | undefined;
  const ranges: Record<string, SimRange> = { ...(rules.ranges ?? {}) };
  const booleans = [...(rules.booleans ?? [])];
  if (spec.input === 'imageedit') {
    fn = str(input.function);
    if (!fn) throw invalidParameter('input.function is required');
    const f = rules.functions?.[fn];
    if (!f) throw invalidParameter(`input.function ${fn} is not supported`);
    Object.assign(ranges, f.ranges);
    booleans.push(...(f.booleans ?? []), 'watermark');
    // PROC §1: the SDK raises InputRequired on an empty prompt; whether REST does is unconfirmed (sim choice: it does).
    prompt = str(input.prompt) ?? '';
    if (!prompt) throw new SimError(400, 'InvalidParameter', 'input.prompt is required');
    // PROC §1: longer text is truncated.
    prompt = [...prompt].slice(0, spec.prompt.maxLength).join('');
    baseRef = str(input.base_image_url);
    if (f.mask) {
      maskRef = str(input.mask_image_url);
      if (!maskRef) throw invalidParameter('input.mask_image_url is required for description_edit_with_mask');
    }
  } else if (spec.input === 'outpainting') {
    baseRef = str(input.image_url);
  } else {
    baseRef = str(input.base_image_url);
    prompt = str(input.ref_prompt) ?? '';
    refImageRef = str(input.ref_image_url);
    if (!prompt && !refImageRef) throw invalidParameter('ref_prompt or ref_image_url is required');
    if ([...prompt].length > spec.prompt.maxLength) throw invalidParameter(`ref_prompt must not exceed ${spec.prompt.maxLength} characters`);
  }
  if (!baseRef) throw invalidParameter(`input.${spec.input === 'outpainting' ? 'image_url' : 'base_image_url'} is required`);
  if (!isPlainObject(parameters)) throw invalidParameter('parameters must be an object');
  for (const [name, r] of Object.entries(ranges)) if (parameters[name] !== undefined) checkRange(name, parameters[name], r);
  for (const name of booleans) if (parameters[name] !== undefined && typeof parameters[name] !== 'boolean') throw invalidParameter(`${name} must be a boolean`);
  for (const [name, values] of Object.entries(rules.enums ?? {})) {
    if (parameters[name] !== undefined && !values.includes(String(parameters[name]))) throw invalidParameter(`${name} must be one of ${values.filter(Boolean).join(', ')}`);
  }
  const n = parameters.n ?? spec.n.default;
  if (spec.n.max > 1 || parameters.n !== undefined) checkRange('n', n, { min: spec.n.min, max: spec.n.max, integer: true });
  const seed = typeof parameters.seed === 'number' ? parameters.seed : undefined;
  return { spec, fn, prompt, n: n as number, ...(seed !== undefined ? { seed } : {}), parameters, baseRef, ...(maskRef ? { maskRef } : {}), ...(refImageRef ? { refImageRef } : {}) };
}

/** PROC §2: top + bottom < 3 × height, left + right < 3 × width. */
export function checkOffsets(p: Record<string, unknown>, size: { width: number; height: number }): void {
  const num = (k: string) => (typeof p[k] === 'number' ? (p[k] as number) : 0);
  if (num('top_offset') + num('bottom_offset') >= 3 * size.height) throw invalidParameter('top_offset + bottom_offset must be less than 3 times the image height');
  if (num('left_offset') + num('right_offset') >= 3 * size.width) throw invalidParameter('left_offset + right_offset must be less than 3 times the image width');
}

/** PROC §4: the base image is a PNG with transparent pixels ("An RGB input fails with BadRequest.UnsupportedFileFormat"). */
export function checkTransparent(bytes: Buffer): void {
  let transparent = false;
  try {
    const png = PNG.sync.read(bytes);
    for (let i = 3; i < png.data.length; i += 4) if (png.data[i]! < 255) { transparent = true; break; }
  } catch {
    transparent = false;
  }
  if (!transparent) throw new SimError(400, 'BadRequest.UnsupportedFileFormat', 'The base image must be an RGBA PNG with a transparent background.');
}

/** PROC §1: the mask has the base image's resolution. */
export function checkMaskSize(mask: { width: number; height: number }, base: { width: number; height: number }): void {
  if (mask.width !== base.width || mask.height !== base.height) {
    throw invalidParameter(`The mask image must have the same resolution as the base image (${base.width}*${base.height}); got ${mask.width}*${mask.height}.`);
  }
}

const LONG_SIDE_CAP = 4096;

/** The output size (sim choice where PROC is unconfirmed; see the module comment). */
export function processOutputSize(job: ProcessJob, base: { width: number; height: number }): { width: number; height: number } {
  const p = job.parameters;
  const num = (k: string, d: number) => (typeof p[k] === 'number' ? (p[k] as number) : d);
  let w = base.width;
  let h = base.height;
  if (job.fn === 'super_resolution') {
    const f = num('upscale_factor', 1);
    w *= f;
    h *= f;
  } else if (job.fn === 'expand') {
    w = Math.round((w * (num('left_scale', 1) + num('right_scale', 1))) / 2);
    h = Math.round((h * (num('top_scale', 1) + num('bottom_scale', 1))) / 2);
  } else if (job.spec.input === 'outpainting') {
    const ratio = typeof p.output_ratio === 'string' && p.output_ratio ? p.output_ratio.split(':').map(Number) : undefined;
    if (ratio) {
      const r = ratio[0]! / ratio[1]!;
      if (w / h < r) w = Math.round(h * r);
      else h = Math.round(w / r);
    } else if (p.x_scale !== undefined || p.y_scale !== undefined) {
      w = Math.round(w * num('x_scale', 1));
      h = Math.round(h * num('y_scale', 1));
    } else {
      w += num('left_offset', 0) + num('right_offset', 0);
      h += num('top_offset', 0) + num('bottom_offset', 0);
    }
  }
  const long = Math.max(w, h);
  if (long > LONG_SIDE_CAP) {
    w = Math.max(1, Math.round((w * LONG_SIDE_CAP) / long));
    h = Math.max(1, Math.round((h * LONG_SIDE_CAP) / long));
  }
  return { width: w, height: h };
}
