/**
 * Per-model request validation, read from the catalog (src/dashscope/catalog.ts is the one source
 * of truth for sizes, n, image counts, prompt limits, regions). Pure functions: they throw
 * {@link SimError}s carrying the service's status / code / message and return normalized jobs.
 *
 * Message wording: the reference gives some messages verbatim (§1.6, §2.4, captures); those are
 * used as they are. Where it gives none, the simulator uses the terse style of the real ones and
 * the constant is marked "sim wording" below.
 */
import {
  MODELS,
  MT_SOURCE_LANGUAGES,
  MT_TARGET_LANGUAGES,
  SEED_MAX,
  checkSize,
  formatSize,
  parseSize,
  resolveMtLanguage,
  type EndpointKey,
  type ModelSpec,
  type MtLanguage,
  type Region,
} from '../../src/dashscope/catalog.js';
import { MSG, SimError, invalidParameter, sizeNotAllowedMessage } from './errors.js';
import { isPlainObject } from './util.js';

/** Sim wording for rules the reference states without giving the service's message. */
export const SIM_MSG = {
  /**
   * §10: the service's answer to `enable_interleave=true` without streaming is not documented.
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
} as const;

export type SyncFamily = 'qwen' | 'wan' | 'z-image';

/** A validated request on the messages input shape (sync, SSE, or image-generation async). */
export interface MessagesJob {
  kind: 'messages';
  spec: ModelSpec;
  family: SyncFamily;
  interleave: boolean;
  maxImages: number;
  prompt: string;
  negativePrompt?: string;
  imageRefs: string[];
  /** The `size` parameter as sent (undefined: the model's default rule applies). */
  sizeParam?: string;
  n: number;
  seed?: number;
  promptExtend: boolean;
  watermark: boolean;
}

/** A validated text2image request (`input.prompt`). */
export interface PromptJob {
  kind: 'prompt';
  spec: ModelSpec;
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
  spec: ModelSpec;
  imageRef: string;
  sourceLang: MtLanguage | 'auto';
  targetLang: MtLanguage;
}

/** Envelope checks shared by every POST endpoint (§1.6 BadRequest.*). */
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
 * Picks the catalog entry for `model` on `endpoint` in `region`.
 * - unknown model, or a model not served in the region (qwen-mt-image in Singapore, §1.1) →
 *   404 ModelNotFound "Model can not be found." (the reference has no regional message; this is
 *   what the gateway says for models it does not know, and a region's gateway does not know them);
 * - a known model on an endpoint that does not serve it → 400 InvalidParameter "url error, please check url!".
 * wan2.6-image has two entries: `enable_interleave: true` selects the interleave one.
 */
export function selectSpec(model: string, endpoint: EndpointKey, region: Region, parameters: Record<string, unknown>): ModelSpec {
  const all = MODELS.filter((m) => m.model === model);
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
export function syncFamily(spec: ModelSpec): SyncFamily {
  if (spec.response === 'qwen' || spec.response === 'wan' || spec.response === 'z-image') return spec.response;
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
 * The prompt as the model sees it. §2.2: qwen models count tokens and silently truncate what is
 * over the limit ("excess auto-truncated"), so the simulator truncates them too instead of
 * rejecting; char-limited models (wan, z-image) are rejected over the limit.
 */
function promptWithinLimit(spec: ModelSpec, field: string, prompt: string): string {
  if (spec.prompt.unit === 'tokens') {
    if (estimateTokens(prompt) <= spec.prompt.maxLength) return prompt;
    const chars = [...prompt];
    let lo = 0;
    let hi = chars.length;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (estimateTokens(chars.slice(0, mid).join('')) <= spec.prompt.maxLength) lo = mid;
      else hi = mid - 1;
    }
    return chars.slice(0, lo).join('');
  }
  const len = textLength(prompt);
  if (len > spec.prompt.maxLength) throw invalidParameter(SIM_MSG.promptTooLong(field, spec.prompt.maxLength, len));
  return prompt;
}

interface CommonParams {
  negativePrompt?: string;
  sizeParam?: string;
  n: number;
  seed?: number;
  promptExtend: boolean;
  watermark: boolean;
  maxImages: number;
}

function checkParams(spec: ModelSpec, p: Record<string, unknown>, negativePromptFrom: unknown): CommonParams {
  let negativePrompt: string | undefined;
  if (negativePromptFrom !== undefined && negativePromptFrom !== null) {
    if (typeof negativePromptFrom !== 'string') throw invalidParameter(SIM_MSG.notString('negative_prompt'));
    const max = spec.negativePromptMaxLength ?? 500;
    const len = textLength(negativePromptFrom);
    // §2.2: qwen text-to-image truncates an over-long negative_prompt; the others reject it.
    if (len > max && spec.response === 'qwen' && spec.task === 'text-to-image') negativePrompt = [...negativePromptFrom].slice(0, max).join('');
    else if (len > max) throw invalidParameter(SIM_MSG.promptTooLong('negative_prompt', max, len));
    else negativePrompt = negativePromptFrom;
  }

  let sizeParam: string | undefined;
  if (p.size !== undefined && p.size !== null) {
    if (typeof p.size !== 'string') throw invalidParameter(SIM_MSG.notString('size'));
    const rule = spec.size;
    if (rule.kind === 'list') {
      const wh = parseSize(p.size);
      const normalized = wh ? formatSize(wh.width, wh.height) : p.size;
      if (!rule.sizes.includes(normalized) || !/^\d+\*\d+$/.test(p.size.trim())) throw invalidParameter(sizeNotAllowedMessage(rule.sizes));
      sizeParam = normalized;
    } else if (rule.kind !== 'none') {
      const isPreset = rule.kind === 'pixels' && rule.presets?.includes(p.size.trim().toUpperCase());
      // The wire form is W*H; `x` is not accepted by the service.
      if (!isPreset && !/^\s*\d+\*\d+\s*$/.test(p.size)) {
        throw invalidParameter(`The size "${p.size}" is not valid: use WIDTH*HEIGHT, for example ${rule.default && !rule.default.endsWith('K') ? rule.default : rule.recommended[0]}.`);
      }
      const problem = checkSize(rule, p.size, spec.model);
      if (problem) throw invalidParameter(problem);
      sizeParam = isPreset ? p.size.trim().toUpperCase() : p.size.trim();
    }
  }

  let n = spec.n.default;
  if (p.n !== undefined && p.n !== null) {
    if (typeof p.n !== 'number' || !Number.isInteger(p.n)) throw invalidParameter(spec.n.max === 1 ? MSG.fixedN : SIM_MSG.nRange(spec.n.min, spec.n.max));
    if (spec.n.max === 1 && p.n !== 1) throw invalidParameter(MSG.fixedN);
    if (p.n < spec.n.min || p.n > spec.n.max) throw invalidParameter(SIM_MSG.nRange(spec.n.min, spec.n.max));
    n = p.n;
  }

  let seed: number | undefined;
  if (p.seed !== undefined && p.seed !== null) {
    if (typeof p.seed !== 'number' || !Number.isInteger(p.seed) || p.seed < 0 || p.seed > SEED_MAX) throw invalidParameter(SIM_MSG.seedRange);
    seed = p.seed;
  }

  for (const key of ['prompt_extend', 'watermark', 'enable_interleave', 'stream']) {
    if (p[key] !== undefined && p[key] !== null && typeof p[key] !== 'boolean') throw invalidParameter(SIM_MSG.notBoolean(key));
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
  return { negativePrompt, sizeParam, n, seed, promptExtend, watermark, maxImages };
}

/**
 * Validates a `messages` body (§2.1): exactly one message, role user, exactly one text item,
 * the model's image count, prompt / negative_prompt lengths and the parameters.
 * `streaming` tells whether the request is on the sync endpoint with SSE requested (interleave
 * needs it together with `parameters.stream=true`, §3.1); `asyncCall` for image-generation tasks.
 */
export function validateMessages(
  spec: ModelSpec,
  input: Record<string, unknown>,
  p: Record<string, unknown>,
  opts: { sse: boolean; asyncCall: boolean },
): MessagesJob {
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

  const imgRule = spec.images;
  const minImages = imgRule?.min ?? 0;
  const maxImagesIn = imgRule?.max ?? 0;
  if (images.length > maxImagesIn) throw invalidParameter(SIM_MSG.contentLength(maxImagesIn + 1));
  if (images.length < minImages) throw invalidParameter(MSG.lackImageOrText);

  const common = checkParams(spec, p, p.negative_prompt);
  const interleave = spec.requiredParameters?.enable_interleave === true;
  // §3.1: interleave on the sync endpoint needs both the SSE header and parameters.stream=true.
  if (interleave && !opts.asyncCall && (p.stream !== true || !opts.sse)) throw invalidParameter(SIM_MSG.interleaveNeedsStream);

  return {
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
  };
}

/** Validates a text2image body (§4.1): `input.prompt`, `input.negative_prompt`, parameters. */
export function validatePrompt(spec: ModelSpec, input: Record<string, unknown>, p: Record<string, unknown>): PromptJob {
  const rawPrompt = input.prompt;
  if (rawPrompt === undefined || rawPrompt === null || rawPrompt === '') throw invalidParameter(SIM_MSG.missing('input.prompt'));
  if (typeof rawPrompt !== 'string') throw invalidParameter(SIM_MSG.notString('input.prompt'));
  if (rawPrompt.trim() === '') throw invalidParameter(SIM_MSG.missing('input.prompt'));
  const prompt = promptWithinLimit(spec, 'prompt', rawPrompt);
  const common = checkParams(spec, p, input.negative_prompt);
  const { width, height } = outputSize(spec, common.sizeParam, undefined);
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

/** Validates a qwen-mt-image body (§4.3). */
export function validateTranslate(spec: ModelSpec, input: Record<string, unknown>): TranslateJob {
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
 * The output size of a request (§2.2):
 * - an explicit `W*H` is used as is, except for models whose catalog `outputSizeStep` says the
 *   service rounds the output (wan2.6-image, qwen-image-edit-plus: multiples of 16);
 * - wan2.6-image `1K` / `2K` (default 1K): ≈1280*1280 / ≈2048*2048 total pixels with the aspect of
 *   the LAST input image, multiples of 16;
 * - qwen-image-edit-plus without size: ≈1024*1024 total pixels with the last image's aspect, ×16;
 * - wan2.6-image interleave without size: the input image's size if ≤1280*1280 total, else scaled
 *   to ≈1280*1280; no input image → 1280*1280;
 * - otherwise the catalog default.
 */
export function outputSize(spec: ModelSpec, sizeParam: string | undefined, lastImage: { width: number; height: number } | undefined): { width: number; height: number } {
  const rule = spec.size;
  const rounds = spec.outputSizeStep !== undefined;
  const bounds: [number, number] | undefined = rule.kind === 'pixels' ? [rule.minAspect, rule.maxAspect] : undefined;
  const preset = (name: string) => sizeForTotal(name === '2K' ? 2048 * 2048 : 1280 * 1280, lastImage, bounds);
  const explicit = (s: string) => {
    const wh = parseSize(s);
    if (!wh) throw invalidParameter(`The size "${s}" is not valid.`);
    return rounds ? { width: round16(wh.width), height: round16(wh.height) } : wh;
  };
  if (sizeParam !== undefined) return sizeParam === '1K' || sizeParam === '2K' ? preset(sizeParam) : explicit(sizeParam);
  if (rule.kind === 'none') return lastImage ? { ...lastImage } : { width: 1024, height: 1024 };
  if (rule.kind === 'list') return explicit(rule.default);
  if (rule.default === '1K' || rule.default === '2K') return preset(rule.default);
  if (rule.default) return explicit(rule.default);
  if (rule.kind === 'sides') {
    // qwen-image-edit-plus: ≈1024*1024 total with the last image's aspect, clamped to the side range.
    const s = sizeForTotal(1024 * 1024, lastImage);
    const clamp = (v: number) => Math.min(rule.maxSide, Math.max(rule.minSide, v));
    return { width: clamp(s.width), height: clamp(s.height) };
  }
  // interleave: follow the input image.
  if (!lastImage) return { width: 1280, height: 1280 };
  if (lastImage.width * lastImage.height <= rule.maxPixels) return { width: round16(lastImage.width), height: round16(lastImage.height) };
  return sizeForTotal(rule.maxPixels, lastImage, bounds);
}
