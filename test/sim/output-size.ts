/** The size of the images a request produces (the requested size, the input's, or the model's pick). */
import { invalidParameter } from './errors.js';
import { parseWireSize, type SimModel } from './models.js';
import { hash32 } from './responses.js';
import { SIZE_MSG } from './wording.js';

/** Nearest multiple of 16, ties to even like Python's round() (doc example: 1033*1032 → 1040*1024). */
export function round16(x: number): number {
  const q = x / 16;
  const f = Math.floor(q);
  const d = q - f;
  const r = Math.abs(d - 0.5) < 1e-9 ? (f % 2 === 0 ? f : f + 1) : Math.round(q);
  return Math.max(16, r * 16);
}

/** W*H with total pixels ≈ `total` and aspect `w/h` of the reference, each side a multiple of 16. */
export function sizeForTotal(total: number, ref: { width: number; height: number } | undefined, aspectBounds?: [number, number]): { width: number; height: number } {
  let aspect = ref ? ref.width / ref.height : 1;
  if (aspectBounds) aspect = Math.min(aspectBounds[1], Math.max(aspectBounds[0], aspect));
  return { width: round16(Math.sqrt(total * aspect)), height: round16(Math.sqrt(total / aspect)) };
}

/**
 * qwen-image-3.0 without `size`: "model picks from prompt" (Q3). The simulator picks one of these
 * by a hash of the prompt, so a client cannot assume a fixed default (sim choice).
 */
export const QWEN3_PICKED_SIZES = ['1024*1024', '1280*720', '720*1280', '1152*864', '864*1152'] as const;

/**
 * The output size of a request (API §2.2, NEW §3–§5):
 * - an explicit `W*H` is used as is, except for models whose `outputRounding` says the service
 *   snaps the output to multiples of 16 (always, or only when editing);
 * - presets (`1K`/`2K`/`4K`): their total pixels with the aspect of the LAST input image (square
 *   without images), multiples of 16;
 * - no size, with input images: `editDefaultPixels` (≈1024*1024) with the last image's aspect
 *   (qwen-image-2.0 / 3.0 edits, qwen-image-edit-* `sides` rules, clamped to the side range);
 * - wan2.6-image interleave without size: the input image's size if ≤1280*1280 total, else scaled
 *   to ≈1280*1280; no input image → 1280*1280;
 * - qwen-image-3.0 text-to-image without size: {@link QWEN3_PICKED_SIZES};
 * - otherwise the rule's default.
 */
export function outputSize(spec: SimModel, job: { sizeParam?: string; prompt: string }, images: readonly { width: number; height: number }[]): { width: number; height: number } {
  const rule = spec.size;
  const lastImage = images[images.length - 1];
  const editing = images.length > 0;
  const rounds = spec.outputRounding === 'always' || (spec.outputRounding === 'edit' && editing);
  const bounds: [number, number] | undefined = rule.kind === 'pixels' && rule.minAspect !== undefined && rule.maxAspect !== undefined ? [rule.minAspect, rule.maxAspect] : undefined;
  const presets = rule.kind === 'pixels' ? (rule.presets ?? {}) : {};
  const explicit = (s: string) => {
    const wh = parseWireSize(s);
    if (!wh) throw invalidParameter(SIZE_MSG.notWireForm(s, Object.keys(presets)));
    return rounds ? { width: round16(wh.width), height: round16(wh.height) } : wh;
  };
  const chosen = job.sizeParam ?? (rule.kind === 'list' ? rule.default : rule.kind === 'none' ? undefined : (rule.default ?? undefined));
  if (job.sizeParam === undefined && editing && rule.kind !== 'list' && rule.kind !== 'none') {
    if (rule.kind === 'sides') {
      const s = sizeForTotal(1024 * 1024, lastImage);
      const clamp = (v: number) => Math.min(rule.maxSide, Math.max(rule.minSide, v));
      return { width: clamp(s.width), height: clamp(s.height) };
    }
    if (rule.editDefaultPixels !== undefined) return sizeForTotal(rule.editDefaultPixels, lastImage, bounds);
  }
  if (chosen !== undefined && presets[chosen] !== undefined) return sizeForTotal(presets[chosen], lastImage, bounds);
  if (chosen !== undefined) return explicit(chosen);
  if (rule.kind === 'none') return lastImage ? { ...lastImage } : { width: 1024, height: 1024 };
  if (spec.response === 'qwen3') return explicit(QWEN3_PICKED_SIZES[hash32(job.prompt) % QWEN3_PICKED_SIZES.length]);
  if (rule.kind !== 'pixels') return { width: 1024, height: 1024 };
  // interleave: follow the input image.
  if (!lastImage) return { width: 1280, height: 1280 };
  if (lastImage.width * lastImage.height <= rule.maxPixels) return { width: round16(lastImage.width), height: round16(lastImage.height) };
  return sizeForTotal(rule.maxPixels, lastImage, bounds);
}
