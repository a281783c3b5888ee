/** Checks of a request's parameters against the model table: prompt lengths, size, n, seed, palettes, boxes. */
import { MSG, invalidParameter, sizeNotAllowedMessage } from './errors.js';
import type { MessagesJob, PaletteColour } from './jobs.js';
import { SEED_MAX, parseWireSize, type SimModel } from './models.js';
import { SIM_MSG, SIZE_MSG } from './wording.js';

/** A JSON object (not null, not an array): what `input` and `parameters` must be. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Counts characters by code point: the unit of every char-limited prompt. */
export function textLength(s: string): number {
  return [...s].length;
}

/**
 * Estimates tokens for token-limited prompts (qwen, `unit: 'tokens'`): one per CJK / full-width
 * character, one per four other non-space characters. The simulator has no tokenizer; this is
 * close enough to decide when a prompt is long.
 */
export function estimateTokens(s: string): number {
  let cjk = 0;
  let other = 0;
  for (const ch of s) {
    if (/[\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFF00-\uFFEF]/u.test(ch)) cjk++;
    else if (!/\s/u.test(ch)) other++;
  }
  return cjk + Math.ceil(other / 4);
}

/**
 * The prompt as the model sees it. Models whose table entry says `overLimit: 'truncate'` (qwen
 * tokens, API §2.2 "excess auto-truncated"; wan2.7 characters, W27 "truncated beyond") are cut
 * to the limit; the others are rejected over it.
 */
export function promptWithinLimit(spec: SimModel, field: string, prompt: string): string {
  const { maxLength, unit, overLimit } = spec.prompt;
  const measure = unit === 'tokens' ? estimateTokens : textLength;
  if (measure(prompt) <= maxLength) return prompt;
  if (overLimit === 'reject') throw invalidParameter(SIM_MSG.promptTooLong(field, maxLength, measure(prompt)));
  const chars = [...prompt];
  let lo = 0;
  let hi = chars.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (measure(chars.slice(0, mid).join('')) <= maxLength) lo = mid;
    else hi = mid - 1;
  }
  return chars.slice(0, lo).join('');
}

/** What the size check needs to know about the request (wan2.7's limits depend on the scenario, W27). */
export interface SizeContext {
  images: number;
  sequential: boolean;
}

/** Checks `size` against the model's rule; returns the normalized value (`W*H` or an upper-case preset). */
export function checkSizeParam(spec: SimModel, raw: unknown, ctx: SizeContext): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'string') throw invalidParameter(SIM_MSG.notString('size'));
  const rule = spec.size;
  if (rule.kind === 'none') return undefined;
  if (rule.kind === 'list') {
    // API §1.6: the service's own message for a size outside the list (also for `1664x928`).
    const wh = parseWireSize(raw);
    const normalized = wh ? `${wh.width}*${wh.height}` : raw;
    if (!wh || !rule.sizes.includes(normalized)) throw invalidParameter(sizeNotAllowedMessage(rule.sizes));
    return normalized;
  }
  const presets = rule.kind === 'pixels' ? Object.keys(rule.presets ?? {}) : [];
  const upper = raw.trim().toUpperCase();
  if (rule.kind === 'pixels' && presets.includes(upper)) {
    if (rule.textToImageOnlyPresets?.includes(upper) && (ctx.images > 0 || ctx.sequential)) throw invalidParameter(SIZE_MSG.presetTextToImageOnly(upper));
    return upper;
  }
  const wh = parseWireSize(raw);
  if (!wh) throw invalidParameter(SIZE_MSG.notWireForm(raw, presets));
  const size = `${wh.width}*${wh.height}`;
  if (rule.kind === 'sides') {
    if (wh.width < rule.minSide || wh.width > rule.maxSide || wh.height < rule.minSide || wh.height > rule.maxSide) {
      throw invalidParameter(SIZE_MSG.sides(size, rule.minSide, rule.maxSide));
    }
    return size;
  }
  const maxPixels = (ctx.images > 0 || ctx.sequential) && rule.editOrSetMaxPixels !== undefined ? rule.editOrSetMaxPixels : rule.maxPixels;
  const pixels = wh.width * wh.height;
  if (pixels < rule.minPixels || pixels > maxPixels) throw invalidParameter(SIZE_MSG.pixels(size, rule.minPixels, maxPixels));
  const aspect = wh.width / wh.height;
  if ((rule.minAspect !== undefined && aspect < rule.minAspect - 1e-9) || (rule.maxAspect !== undefined && aspect > rule.maxAspect + 1e-9)) {
    throw invalidParameter(SIZE_MSG.aspect(size, rule.minAspect ?? 0, rule.maxAspect ?? Infinity));
  }
  return size;
}

export const optionalBoolean = (p: Record<string, unknown>, key: string): boolean | undefined => {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalidParameter(SIM_MSG.notBoolean(key));
  return v;
};

export interface CommonParams {
  negativePrompt?: string;
  sizeParam?: string;
  n: number;
  seed?: number;
  promptExtend: boolean;
  watermark: boolean;
  maxImages: number;
  sequential: boolean;
}

export function checkParams(spec: SimModel, p: Record<string, unknown>, negativePromptFrom: unknown, images: number): CommonParams {
  for (const key of spec.unsupported ?? []) {
    const v = key === 'negative_prompt' ? negativePromptFrom : p[key];
    if (v !== undefined && v !== null) throw invalidParameter(SIM_MSG.unsupported(key, spec.model));
  }

  let negativePrompt: string | undefined;
  if (negativePromptFrom !== undefined && negativePromptFrom !== null) {
    if (typeof negativePromptFrom !== 'string') throw invalidParameter(SIM_MSG.notString('negative_prompt'));
    const rule = spec.negativePrompt ?? { maxLength: 500, overLimit: 'reject' };
    const len = textLength(negativePromptFrom);
    if (len > rule.maxLength && rule.overLimit === 'truncate') negativePrompt = [...negativePromptFrom].slice(0, rule.maxLength).join('');
    else if (len > rule.maxLength) throw invalidParameter(SIM_MSG.promptTooLong('negative_prompt', rule.maxLength, len));
    else negativePrompt = negativePromptFrom;
  }

  for (const key of ['prompt_extend', 'watermark', 'enable_interleave', 'stream', 'enable_sequential']) optionalBoolean(p, key);
  const sequential = spec.features?.sequential === true && p.enable_sequential === true;

  const sizeParam = checkSizeParam(spec, p.size, { images, sequential });

  const nRule = sequential && spec.sequentialN ? spec.sequentialN : spec.n;
  // W27: with enable_sequential the default 12 is an upper bound and the model decides how many
  // it makes; the simulator makes 4 (the doc's example set) unless n is given (sim choice).
  let n = sequential ? Math.min(4, nRule.default) : nRule.default;
  if (p.n !== undefined && p.n !== null) {
    if (typeof p.n !== 'number' || !Number.isInteger(p.n)) throw invalidParameter(nRule.max === 1 ? MSG.fixedN : SIM_MSG.nRange(nRule.min, nRule.max));
    if (nRule.max === 1 && p.n !== 1) throw invalidParameter(MSG.fixedN);
    if (p.n < nRule.min || p.n > nRule.max) throw invalidParameter(SIM_MSG.nRange(nRule.min, nRule.max));
    n = p.n;
  }

  let seed: number | undefined;
  if (p.seed !== undefined && p.seed !== null) {
    if (typeof p.seed !== 'number' || !Number.isInteger(p.seed) || p.seed < 0 || p.seed > SEED_MAX) throw invalidParameter(SIM_MSG.seedRange);
    seed = p.seed;
  }

  const promptExtend = typeof p.prompt_extend === 'boolean' ? p.prompt_extend : (spec.promptExtendDefault ?? false);
  const watermark = p.watermark === true;

  let maxImages = spec.maxImages?.default ?? 0;
  if (spec.maxImages && p.max_images !== undefined && p.max_images !== null) {
    const m = p.max_images;
    if (typeof m !== 'number' || !Number.isInteger(m) || m < spec.maxImages.min || m > spec.maxImages.max) {
      throw invalidParameter(SIM_MSG.maxImagesRange(spec.maxImages.min, spec.maxImages.max));
    }
    maxImages = m;
  }
  return { negativePrompt, sizeParam, n, seed, promptExtend, watermark, maxImages, sequential };
}

/**
 * W27 `color_palette`: 3–10 `{hex, ratio}` with ratios as "NN.NN%" strings that add up to
 * 100.00% (summed in hundredths, so no float drift); only without an image set.
 */
export function checkColorPalette(raw: unknown, sequential: boolean): PaletteColour[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (sequential) throw invalidParameter(SIM_MSG.colorPaletteSequential);
  if (!Array.isArray(raw) || raw.length < 3 || raw.length > 10) throw invalidParameter(SIM_MSG.colorPaletteCount);
  let hundredths = 0;
  const out: PaletteColour[] = [];
  for (const item of raw) {
    if (!isPlainObject(item) || typeof item.hex !== 'string' || typeof item.ratio !== 'string') throw invalidParameter(SIM_MSG.colorPaletteItem);
    const ratio = /^(\d{1,3})\.(\d{2})%$/.exec(item.ratio.trim());
    if (!/^#[0-9a-fA-F]{6}$/.test(item.hex) || !ratio) throw invalidParameter(SIM_MSG.colorPaletteItem);
    hundredths += Number(ratio[1]) * 100 + Number(ratio[2]);
    out.push({ hex: item.hex, ratio: item.ratio.trim() });
  }
  if (hundredths !== 10000) throw invalidParameter(SIM_MSG.colorPaletteSum((hundredths / 100).toFixed(2)));
  return out;
}

/**
 * W27 `bbox_list` shape: one entry per input image (`[]` for none), at most 2 boxes per image,
 * each `[x1, y1, x2, y2]` of non-negative integers with x1 < x2 and y1 < y2. Whether the boxes lie
 * inside their images is {@link checkBboxBounds}, once the images are read.
 */
export function checkBboxShape(raw: unknown, images: number): number[][][] | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!Array.isArray(raw)) throw invalidParameter(SIM_MSG.bboxShape);
  if (raw.length !== images) throw invalidParameter(SIM_MSG.bboxCount(images, raw.length));
  return raw.map((boxes, index) => {
    if (!Array.isArray(boxes)) throw invalidParameter(SIM_MSG.bboxShape);
    if (boxes.length > 2) throw invalidParameter(SIM_MSG.bboxPerImage(index));
    return boxes.map((box) => {
      if (!Array.isArray(box) || box.length !== 4 || !box.every((v) => typeof v === 'number' && Number.isInteger(v))) throw invalidParameter(SIM_MSG.bboxShape);
      const [x1, y1, x2, y2] = box as number[];
      if (x1 < 0 || y1 < 0 || x1 >= x2 || y1 >= y2) throw invalidParameter(SIM_MSG.bboxOrder);
      return [x1, y1, x2, y2];
    });
  });
}

/** Boxes in absolute source-image pixels, origin top-left (W27): each must lie inside its image. */
export function checkBboxBounds(job: MessagesJob, images: readonly { width: number; height: number }[]): void {
  job.bboxList?.forEach((boxes, index) => {
    const img = images[index];
    if (!img) return;
    for (const [, , x2, y2] of boxes) if (x2 > img.width || y2 > img.height) throw invalidParameter(SIM_MSG.bboxOutside(index, img.width, img.height));
  });
}
