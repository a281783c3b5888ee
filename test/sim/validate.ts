/**
 * Per-model request validation, read from the simulator's own model table (./models.ts; the
 * client's catalog is deliberately not used, so a wrong entry on either side shows up in
 * test/unit/catalog-agreement.test.ts instead of being agreed on). Pure functions: they throw
 * {@link SimError}s carrying the service's status / code / message and return normalized jobs.
 *
 * Message wording: the reference gives some messages verbatim (API §1.6, §2.4, captures); those
 * are used as they are. Where it gives none, the simulator uses the terse style of the real ones
 * and the constant is marked "sim wording" below.
 */
import { MSG, SimError, invalidParameter, sizeNotAllowedMessage } from './errors.js';
import {
  MT_SOURCE_LANGUAGES,
  MT_TARGET_LANGUAGES,
  SEED_MAX,
  SIM_MODELS,
  parseWireSize,
  resolveMtLanguage,
  type EndpointKey,
  type MtLanguage,
  type Region,
  type SimModel,
} from './models.js';
import { hash32, isPlainObject } from './util.js';

/** Sim wording for rules the reference states without giving the service's message. */
export const SIM_MSG = {
  /**
   * API §10: the service's answer to `enable_interleave=true` without streaming is not documented.
   * The doc says both `X-DashScope-Sse: enable` and `parameters.stream=true` are required.
   */
  interleaveNeedsStream:
    'The interleave mode (enable_interleave=true) only supports streaming output: set parameters.stream to true and send the header X-DashScope-Sse: enable.',
  /** A model called on an endpoint that does not serve it (the service answers "url error"). */
  wrongEndpoint: MSG.urlError,
  roleMustBeUser: 'Role must be user.',
  contentItem: 'Each content item must be an object with exactly one of "text" or "image" (a string).',
  textLength: 'text length only support 1',
  contentLength: (max: number) => `content length only support ${max}`,
  promptTooLong: (field: string, max: number, got: number) =>
    `The length of ${field} must be no more than ${max} characters, but got ${got}.`,
  notString: (field: string) => `The parameter ${field} must be a string.`,
  notBoolean: (field: string) => `The parameter ${field} must be a boolean.`,
  notObject: (field: string) => `The parameter ${field} must be an object.`,
  unsupported: (field: string, model: string) => `The parameter ${field} is not supported by ${model}.`,
  nRange: (min: number, max: number) => `num_images_per_prompt must be between ${min} and ${max}`,
  seedRange: `The parameter seed must be an integer in [0, ${SEED_MAX}].`,
  maxImagesRange: (min: number, max: number) => `The parameter max_images must be an integer in [${min}, ${max}].`,
  missing: (field: string) => `${MSG.requiredMissing} (${field})`,
  imageUrlScheme:
    'The parameter image_url must be a public http(s) URL or an oss:// temporary URL; data: URIs are not accepted by qwen-mt-image.',
  langUnsupported: (field: string, value: string, allowed: readonly string[]) =>
    `The ${field} "${value}" is not supported. Supported: ${allowed.join(', ')}${field === 'source_lang' ? ', auto' : ''}.`,
  targetAuto: 'The target_lang can not be auto.',
  sameLang: 'The source_lang and target_lang must be different.',
  zhOrEn: 'Either source_lang or target_lang must be Chinese (zh) or English (en).',
  domainHintEnglish: 'The ext.domainHint must be written in English.',
  // wan2.7 (NEW §3).
  colorPaletteCount: 'The parameter color_palette must be a list of 3 to 10 colours.',
  colorPaletteItem: 'Each color_palette item must be {"hex": "#RRGGBB", "ratio": "NN.NN%"}.',
  colorPaletteSum: (sum: string) => `The ratios of color_palette must add up to 100.00%, but add up to ${sum}%.`,
  colorPaletteSequential: 'The parameter color_palette is only supported when enable_sequential is false.',
  bboxShape: 'The parameter bbox_list must be a list with one list of boxes [x1, y1, x2, y2] (integers) per input image.',
  bboxCount: (images: number, got: number) => `The parameter bbox_list must have one entry per input image: ${images} image(s), ${got} entries.`,
  bboxPerImage: (index: number) => `The bbox_list entry of image ${index + 1} has more than 2 boxes.`,
  bboxOrder: 'Each bbox_list box must be [x1, y1, x2, y2] with 0 <= x1 < x2 and 0 <= y1 < y2.',
  bboxOutside: (index: number, w: number, h: number) => `A bbox_list box of image ${index + 1} lies outside the image (${w}*${h}).`,
  // qwen-image-3.0 (NEW §5).
  promptExtendMode: 'The parameter prompt_extend_mode must be "direct" or "agent".',
  agentNeedsTextOnly: 'prompt_extend_mode "agent" only supports text-to-image; use "direct" with input images.',
} as const;

/** Sim wording for size errors other than the list one (the reference gives only that, API §1.6). */
export const SIZE_MSG = {
  notWireForm: (size: string, presets: readonly string[]) =>
    `The size "${size}" is not valid: use WIDTH*HEIGHT (for example 1024*1024)${presets.length ? ` or one of ${presets.join(', ')}` : ''}.`,
  pixels: (size: string, min: number, max: number) =>
    `The size ${size} is not supported: width*height must be between ${pixelsLabel(min)} and ${pixelsLabel(max)} pixels.`,
  aspect: (size: string, min: number, max: number) => `The size ${size} is not supported: the aspect ratio must be between ${aspectLabel(min)} and ${aspectLabel(max)}.`,
  sides: (size: string, min: number, max: number) => `The size ${size} is not supported: width and height must each be between ${min} and ${max}.`,
  presetTextToImageOnly: (preset: string) => `The size ${preset} is only supported for text-to-image without an image set.`,
} as const;

function pixelsLabel(px: number): string {
  const side = Math.round(Math.sqrt(px));
  return side * side === px ? `${side}*${side}` : String(px);
}

function aspectLabel(a: number): string {
  return a >= 1 ? `${Number(a.toFixed(2))}:1` : `1:${Number((1 / a).toFixed(2))}`;
}

/** The sync response families of the messages endpoint. */
export type SyncFamily = 'qwen' | 'wan' | 'z-image' | 'qwen3';

/** One `color_palette` entry (W27). */
export interface PaletteColour {
  hex: string;
  ratio: string;
}

/** A validated request on the messages input shape (sync, SSE, or image-generation async). */
export interface MessagesJob {
  kind: 'messages';
  spec: SimModel;
  family: SyncFamily;
  interleave: boolean;
  maxImages: number;
  prompt: string;
  negativePrompt?: string;
  imageRefs: string[];
  /** The `size` parameter as sent, normalized (undefined: the model's default rule applies). */
  sizeParam?: string;
  /** Images to produce. */
  n: number;
  seed?: number;
  promptExtend: boolean;
  watermark: boolean;
  /** wan2.7 image set (`enable_sequential`). */
  sequential: boolean;
  /** wan2.7 `thinking_mode` as it takes effect (only without images and without a set, W27). */
  thinking: boolean;
  colorPalette?: PaletteColour[];
  /** wan2.7 `bbox_list`, one list of boxes per input image; bounds are checked once the images are known. */
  bboxList?: number[][][];
  /** qwen-image-3.0 `prompt_extend_mode`. */
  promptExtendMode?: 'direct' | 'agent';
  /** qwen-image-3.0 `enable_thinking` as it takes effect (only with prompt_extend). */
  enableThinking?: boolean;
}

/** A validated text2image request (`input.prompt`). */
export interface PromptJob {
  kind: 'prompt';
  spec: SimModel;
  prompt: string;
  negativePrompt?: string;
  width: number;
  height: number;
  n: number;
  seed?: number;
  promptExtend: boolean;
  watermark: boolean;
}

/** A validated qwen-mt-image request. */
export interface TranslateJob {
  kind: 'translate';
  spec: SimModel;
  imageRef: string;
  sourceLang: MtLanguage | 'auto';
  targetLang: MtLanguage;
}

/** Envelope checks shared by every POST endpoint (API §1.6 BadRequest.*). */
export function checkEnvelope(body: unknown): { model: string; input: Record<string, unknown>; parameters: Record<string, unknown> } {
  if (!isPlainObject(body)) throw new SimError(400, 'BadRequest.IllegalInput', MSG.illegalInput);
  const model = body.model;
  if (model === undefined || model === null || model === '') throw new SimError(400, 'BadRequest.EmptyModel', MSG.emptyModel);
  if (typeof model !== 'string') throw invalidParameter(SIM_MSG.notString('model'));
  const input = body.input;
  if (input === undefined || input === null) throw new SimError(400, 'BadRequest.EmptyInput', MSG.emptyInput);
  if (!isPlainObject(input)) throw invalidParameter(SIM_MSG.notObject('input'));
  const parameters = body.parameters ?? {};
  if (!isPlainObject(parameters)) throw invalidParameter(SIM_MSG.notObject('parameters'));
  return { model, input, parameters };
}

/**
 * Picks the table entry for `model` on `endpoint` in `region`.
 * - unknown model, or a model not served in the region (qwen-mt-image outside Beijing, API §1.1;
 *   anything but wan2.6 in the US, NEW §1) → 404 ModelNotFound "Model can not be found." (the
 *   reference has no regional message; a region's gateway does not know the model);
 * - a known model on an endpoint that does not serve it → 400 InvalidParameter "url error, please check url!".
 * wan2.6-image has two entries: `enable_interleave: true` selects the interleave one.
 */
export function selectSpec(model: string, endpoint: EndpointKey, region: Region, parameters: Record<string, unknown>): SimModel {
  const all = SIM_MODELS.filter((m) => m.model === model);
  if (all.length === 0 || !all[0].regions.includes(region)) throw new SimError(404, 'ModelNotFound', MSG.modelNotFound);
  const onEndpoint = all.filter((m) => m.endpoint === endpoint || m.asyncVariant?.endpoint === endpoint);
  const interleaveSpec = all.find((m) => m.requiredParameters?.enable_interleave === true);
  if (parameters.enable_interleave === true && interleaveSpec) {
    if (endpoint === 'multimodalGeneration' || endpoint === 'imageGeneration') return interleaveSpec;
  }
  const pick = onEndpoint.find((m) => m !== interleaveSpec);
  if (!pick) throw invalidParameter(SIM_MSG.wrongEndpoint);
  return pick;
}

/** Which family a sync response has (for the messages input shape). */
export function syncFamily(spec: SimModel): SyncFamily {
  if (spec.response === 'qwen' || spec.response === 'wan' || spec.response === 'z-image' || spec.response === 'qwen3') return spec.response;
  return 'wan';
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
function promptWithinLimit(spec: SimModel, field: string, prompt: string): string {
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
interface SizeContext {
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

const optionalBoolean = (p: Record<string, unknown>, key: string): boolean | undefined => {
  const v = p[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalidParameter(SIM_MSG.notBoolean(key));
  return v;
};

interface CommonParams {
  negativePrompt?: string;
  sizeParam?: string;
  n: number;
  seed?: number;
  promptExtend: boolean;
  watermark: boolean;
  maxImages: number;
  sequential: boolean;
}

function checkParams(spec: SimModel, p: Record<string, unknown>, negativePromptFrom: unknown, images: number): CommonParams {
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

/**
 * Validates a `messages` body (API §2.1): exactly one message, role user, exactly one text item,
 * the model's image count, prompt / negative_prompt lengths and the parameters, plus the wan2.7
 * (NEW §3) and qwen-image-3.0 (NEW §5) parameters.
 * `sse` tells whether SSE was requested (interleave needs it together with `parameters.stream=true`,
 * API §3.1); `asyncCall` for image-generation tasks.
 */
export function validateMessages(spec: SimModel, input: Record<string, unknown>, p: Record<string, unknown>, opts: { sse: boolean; asyncCall: boolean }): MessagesJob {
  const messages = input.messages;
  if (!Array.isArray(messages) || messages.length === 0) throw invalidParameter(MSG.roleOrContent);
  const first = messages[0];
  if (!isPlainObject(first) || (first.role !== 'user' && first.role !== 'assistant' && first.role !== 'system')) {
    throw invalidParameter(MSG.roleOrContent);
  }
  const content = first.content;
  if (!Array.isArray(content) || content.length === 0) throw invalidParameter(MSG.roleOrContent);
  if (messages.length > 1) throw invalidParameter(MSG.messagesLength);
  if (first.role !== 'user') throw invalidParameter(SIM_MSG.roleMustBeUser);

  const texts: string[] = [];
  const images: string[] = [];
  for (const item of content) {
    if (!isPlainObject(item)) throw invalidParameter(SIM_MSG.contentItem);
    const hasText = item.text !== undefined;
    const hasImage = item.image !== undefined;
    if (hasText && hasImage) throw invalidParameter(SIM_MSG.contentItem);
    if (!hasText && !hasImage) throw invalidParameter(MSG.lackImageOrText);
    if (hasText) {
      if (typeof item.text !== 'string') throw invalidParameter(SIM_MSG.contentItem);
      texts.push(item.text);
    } else {
      if (typeof item.image !== 'string' || item.image.trim() === '') throw invalidParameter(SIM_MSG.contentItem);
      images.push(item.image.trim());
    }
  }
  if (texts.length === 0 || texts[0].trim() === '') throw invalidParameter(MSG.lackImageOrText);
  if (texts.length > 1) throw invalidParameter(SIM_MSG.textLength);
  const prompt = promptWithinLimit(spec, 'text', texts[0]);

  const minImages = spec.images?.min ?? 0;
  const maxImagesIn = spec.images?.max ?? 0;
  if (images.length > maxImagesIn) throw invalidParameter(SIM_MSG.contentLength(maxImagesIn + 1));
  if (images.length < minImages) throw invalidParameter(MSG.lackImageOrText);

  const common = checkParams(spec, p, p.negative_prompt, images.length);
  const interleave = spec.requiredParameters?.enable_interleave === true;
  // API §3.1: interleave on the sync endpoint needs both the SSE header and parameters.stream=true.
  if (interleave && !opts.asyncCall && (p.stream !== true || !opts.sse)) throw invalidParameter(SIM_MSG.interleaveNeedsStream);

  const job: MessagesJob = {
    kind: 'messages',
    spec,
    family: syncFamily(spec),
    interleave,
    maxImages: common.maxImages,
    prompt,
    negativePrompt: common.negativePrompt,
    imageRefs: images,
    sizeParam: common.sizeParam,
    n: common.n,
    seed: common.seed,
    promptExtend: interleave ? false : common.promptExtend,
    watermark: common.watermark,
    sequential: common.sequential,
    thinking: false,
  };

  const f = spec.features ?? {};
  if (f.thinkingMode) {
    // W27: default true; only effective with enable_sequential=false and no input image.
    const requested = optionalBoolean(p, 'thinking_mode') ?? true;
    job.thinking = requested && !job.sequential && images.length === 0;
  }
  if (f.colorPalette) job.colorPalette = checkColorPalette(p.color_palette, job.sequential);
  if (f.bboxList) job.bboxList = checkBboxShape(p.bbox_list, images.length);
  if (f.promptExtendMode) {
    const mode = p.prompt_extend_mode ?? 'direct';
    if (mode !== 'direct' && mode !== 'agent') throw invalidParameter(SIM_MSG.promptExtendMode);
    // Q3: agent is text-to-image only ("I2I+agent → 400").
    if (mode === 'agent' && images.length > 0) throw invalidParameter(SIM_MSG.agentNeedsTextOnly);
    job.promptExtendMode = mode;
  }
  if (f.enableThinking) {
    // Q3: default true, only effective when prompt_extend=true.
    const requested = optionalBoolean(p, 'enable_thinking') ?? true;
    job.enableThinking = requested && job.promptExtend;
  }
  return job;
}

/** Validates a text2image body (API §4.1): `input.prompt`, `input.negative_prompt`, parameters. */
export function validatePrompt(spec: SimModel, input: Record<string, unknown>, p: Record<string, unknown>): PromptJob {
  const rawPrompt = input.prompt;
  if (rawPrompt === undefined || rawPrompt === null || rawPrompt === '') throw invalidParameter(SIM_MSG.missing('input.prompt'));
  if (typeof rawPrompt !== 'string') throw invalidParameter(SIM_MSG.notString('input.prompt'));
  if (rawPrompt.trim() === '') throw invalidParameter(SIM_MSG.missing('input.prompt'));
  const prompt = promptWithinLimit(spec, 'prompt', rawPrompt);
  const common = checkParams(spec, p, input.negative_prompt, 0);
  const { width, height } = outputSize(spec, { sizeParam: common.sizeParam, prompt }, []);
  return {
    kind: 'prompt',
    spec,
    prompt,
    negativePrompt: common.negativePrompt,
    width,
    height,
    n: common.n,
    seed: common.seed,
    promptExtend: common.promptExtend,
    watermark: common.watermark,
  };
}

/** Validates a qwen-mt-image body (API §4.3). */
export function validateTranslate(spec: SimModel, input: Record<string, unknown>): TranslateJob {
  const url = input.image_url;
  if (url === undefined || url === null || url === '') throw invalidParameter(SIM_MSG.missing('input.image_url'));
  if (typeof url !== 'string') throw invalidParameter(SIM_MSG.notString('image_url'));
  const ref = url.trim();
  if (!/^(https?|oss):\/\//i.test(ref)) throw invalidParameter(SIM_MSG.imageUrlScheme);

  const src = input.source_lang;
  const tgt = input.target_lang;
  if (src === undefined || src === null || src === '') throw invalidParameter(SIM_MSG.missing('input.source_lang'));
  if (tgt === undefined || tgt === null || tgt === '') throw invalidParameter(SIM_MSG.missing('input.target_lang'));
  if (typeof src !== 'string') throw invalidParameter(SIM_MSG.notString('source_lang'));
  if (typeof tgt !== 'string') throw invalidParameter(SIM_MSG.notString('target_lang'));
  const source = resolveMtLanguage(src);
  if (!source || (source !== 'auto' && !MT_SOURCE_LANGUAGES.includes(source))) {
    throw invalidParameter(SIM_MSG.langUnsupported('source_lang', src, MT_SOURCE_LANGUAGES));
  }
  const target = resolveMtLanguage(tgt);
  if (target === 'auto') throw invalidParameter(SIM_MSG.targetAuto);
  if (!target || !MT_TARGET_LANGUAGES.includes(target)) throw invalidParameter(SIM_MSG.langUnsupported('target_lang', tgt, MT_TARGET_LANGUAGES));
  if (source === target) throw invalidParameter(SIM_MSG.sameLang);
  if (source !== 'auto' && !['zh', 'en'].includes(source) && !['zh', 'en'].includes(target)) throw invalidParameter(SIM_MSG.zhOrEn);

  const ext = input.ext;
  if (ext !== undefined && ext !== null) {
    if (!isPlainObject(ext)) throw invalidParameter(SIM_MSG.notObject('ext'));
    if (ext.domainHint !== undefined) {
      if (typeof ext.domainHint !== 'string') throw invalidParameter(SIM_MSG.notString('ext.domainHint'));
      if (/[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]/.test(ext.domainHint)) throw invalidParameter(SIM_MSG.domainHintEnglish);
    }
    if (ext.sensitives !== undefined) {
      if (!Array.isArray(ext.sensitives) || !ext.sensitives.every((s) => typeof s === 'string')) {
        throw invalidParameter('The parameter ext.sensitives must be a list of strings.');
      }
    }
    if (ext.terminologies !== undefined) {
      const ok =
        Array.isArray(ext.terminologies) &&
        ext.terminologies.every((t) => isPlainObject(t) && typeof t.src === 'string' && typeof t.tgt === 'string');
      if (!ok) throw invalidParameter('The parameter ext.terminologies must be a list of {"src": string, "tgt": string}.');
    }
    if (ext.config !== undefined) {
      if (!isPlainObject(ext.config)) throw invalidParameter(SIM_MSG.notObject('ext.config'));
      for (const key of ['imageSegment', 'skipImgSegment']) {
        const v = ext.config[key];
        if (v !== undefined && typeof v !== 'boolean') throw invalidParameter(SIM_MSG.notBoolean(`ext.config.${key}`));
      }
    }
  }
  return { kind: 'translate', spec, imageRef: ref, sourceLang: source, targetLang: target };
}

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
