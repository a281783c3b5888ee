/**
 * The one request type ({@link GenerationRequest}), its validation against the model catalog, and
 * the wire body per input shape (`messages`, `prompt`, `image_url`).
 *
 * Validation happens BEFORE anything is sent or uploaded, and every message says what to change
 * ("wan2.2-t2i-flash accepts n from 1 to 4; you gave 6."), because a 400 from the service costs a
 * round trip and its wording is often vaguer (§1.6 "num_images_per_prompt must be 1").
 *
 * Section numbers refer to ../shared/reference/dashscope-api.md.
 */
import { z } from 'zod';
import {
  ENDPOINT_PATHS,
  MODELS,
  MT_LANGUAGES,
  MT_SOURCE_LANGUAGES,
  MT_TARGET_LANGUAGES,
  SEED_MAX,
  checkSize,
  findModel,
  resolveMtLanguage,
  type EndpointKey,
  type InputShape,
  type ModelSpec,
  type MtLanguage,
  type ParamName,
  type Region,
  type ResponseFamily,
} from './catalog.js';
import { RequestValidationError, type ValidationIssue } from './errors.js';

// ─── Request schema ──────────────────────────────────────────────────────────────────────────

/**
 * An input image. A plain string is classified by its form: `http(s)://` URL, `oss://` temporary
 * URL, `data:` URI, anything else a local file path.
 */
export const ImageInputSchema = z.union([
  z.string().min(1, 'An image reference must not be empty.'),
  z.strictObject({ kind: z.literal('url'), url: z.string().min(1) }),
  z.strictObject({ kind: z.literal('oss'), url: z.string().startsWith('oss://') }),
  z.strictObject({ kind: z.literal('data'), uri: z.string().startsWith('data:') }),
  z.strictObject({ kind: z.literal('file'), path: z.string().min(1) }),
  // z.custom, not z.instanceof: a Node Buffer is a Uint8Array<ArrayBufferLike>, which instanceof's type rejects.
  z.strictObject({ kind: z.literal('bytes'), bytes: z.custom<Uint8Array>((v) => v instanceof Uint8Array, 'bytes must be a Uint8Array'), name: z.string().optional() }),
]);
/** An input image: URL, `oss://` URL, `data:` URI, local file path, or bytes. */
export type ImageInput = z.infer<typeof ImageInputSchema>;
/** An {@link ImageInput} in its object form. */
export type ResolvedImageInput = Exclude<ImageInput, string>;

/** qwen-mt-image options (§4.3). */
export const TranslationOptionsSchema = z.strictObject({
  /** Code (`zh`), full English name (`Chinese`), or `auto`. */
  sourceLang: z.string().min(1),
  targetLang: z.string().min(1),
  /** English text about the domain, ≤ ~200 words. */
  domainHint: z.string().optional(),
  /** Words removed before translation (exact, case-sensitive). */
  sensitives: z.array(z.string()).optional(),
  terminologies: z.array(z.strictObject({ src: z.string().min(1), tgt: z.string().min(1) })).optional(),
  /** true = leave text on subjects (people, products, logos) untranslated. */
  imageSegment: z.boolean().optional(),
});
/** qwen-mt-image options. */
export type TranslationOptions = z.infer<typeof TranslationOptionsSchema>;

/** One generation request, the same for every model; the catalog decides what is allowed. */
export const GenerationRequestSchema = z.strictObject({
  /** Catalog id (`wan2.6-image:interleave`) or wire model name. */
  model: z.string().min(1),
  prompt: z.string().optional(),
  negativePrompt: z.string().optional(),
  /** `W*H` (also `WxH`), or a preset such as `1K` / `2K` where the model has them. */
  size: z.string().optional(),
  n: z.number().optional(),
  seed: z.number().optional(),
  promptExtend: z.boolean().optional(),
  watermark: z.boolean().optional(),
  /** Interleave mode: upper bound of images (§2.2). */
  maxImages: z.number().optional(),
  images: z.array(ImageInputSchema).optional(),
  translation: TranslationOptionsSchema.optional(),
});
/** One generation request (see {@link GenerationRequestSchema}). */
export type GenerationRequest = z.infer<typeof GenerationRequestSchema>;

/** A request that passed validation, with its catalog entry and images in object form. */
export interface ValidatedRequest {
  spec: ModelSpec;
  request: GenerationRequest;
  images: ResolvedImageInput[];
  /** Languages as codes after resolving names (qwen-mt-image). */
  sourceLang?: MtLanguage | 'auto';
  targetLang?: MtLanguage;
  /** Whether the async variant (§4.1, §4.2) is used instead of the model's default mode. */
  useAsyncVariant: boolean;
}

/** Where and how a validated request goes on the wire. */
export interface Route {
  mode: 'sync' | 'stream' | 'async';
  endpoint: EndpointKey;
  path: string;
  input: InputShape;
  family: ResponseFamily;
}

/** Classifies a string image reference by its scheme. */
export function toImageInput(input: ImageInput): ResolvedImageInput {
  if (typeof input !== 'string') return input;
  const s = input.trim();
  if (/^https?:\/\//i.test(s)) return { kind: 'url', url: s };
  if (s.startsWith('oss://')) return { kind: 'oss', url: s };
  if (s.startsWith('data:')) return { kind: 'data', uri: s };
  return { kind: 'file', path: s.startsWith('file://') ? decodeURIComponent(new URL(s).pathname) : s };
}

const PARAM_FIELDS: ReadonlyArray<[keyof GenerationRequest, ParamName, string]> = [
  ['negativePrompt', 'negative_prompt', 'a negative prompt'],
  ['size', 'size', 'a size'],
  ['seed', 'seed', 'a seed'],
  ['promptExtend', 'prompt_extend', 'prompt extension (promptExtend)'],
  ['watermark', 'watermark', 'a watermark option'],
  ['maxImages', 'max_images', 'maxImages'],
];

/** Chinese characters in a URL make qwen-mt-image (and wanx) reject it (§4.3). */
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/** Options of {@link validateRequest}. */
export interface ValidateOptions {
  /** The client's region; checked against the model's regions (qwen-mt-image: Beijing only). */
  region?: Region;
  /** Use the model's async variant (qwen-image-plus/qwen-image via text2image, wan2.6 via image-generation). */
  useAsyncVariant?: boolean;
}

/**
 * Validates a request against its model's catalog entry. Throws {@link RequestValidationError}
 * listing EVERY problem (not just the first) with what to change.
 */
export function validateRequest(input: unknown, options: ValidateOptions = {}): ValidatedRequest {
  const parsed = GenerationRequestSchema.safeParse(input);
  if (!parsed.success) {
    throw new RequestValidationError(
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: describeZodIssue(i) })),
    );
  }
  const req = parsed.data;
  const spec = findModel(req.model);
  if (!spec) {
    throw new RequestValidationError([{ path: 'model', message: `Unknown model "${req.model}". Known models: ${MODELS.map((m) => m.id).join(', ')}.` }]);
  }
  const issues: ValidationIssue[] = [];
  const id = spec.id;
  const add = (path: string, message: string): void => {
    issues.push({ path, message });
  };

  if (options.region && !spec.regions.includes(options.region)) {
    add('model', `${id} is served only in ${spec.regions.map(regionName).join(' and ')}; switch the region (your key must belong to that region too).`);
  }
  const useAsyncVariant = Boolean(options.useAsyncVariant) && spec.mode !== 'async';
  if (options.useAsyncVariant && spec.mode !== 'async' && !spec.asyncVariant) {
    add('model', `${id} has no async task variant; call it directly.`);
  }

  // Prompt (§2.2 lengths; token limits are the service's to count, it truncates).
  const prompt = req.prompt?.trim() ?? '';
  if (spec.prompt.required && !prompt) add('prompt', `${id} needs a prompt.`);
  if (!spec.prompt.required && spec.prompt.maxLength === 0 && prompt) {
    add('prompt', `${id} takes no prompt; pass the languages and glossary as translation options instead.`);
  }
  if (spec.prompt.unit === 'chars' && spec.prompt.maxLength > 0 && [...prompt].length > spec.prompt.maxLength) {
    add('prompt', `${id} accepts prompts up to ${spec.prompt.maxLength} characters; yours has ${[...prompt].length}. Shorten it.`);
  }

  // Optional parameters the model does not understand: say so instead of silently dropping them.
  for (const [field, param, what] of PARAM_FIELDS) {
    if (req[field] !== undefined && !spec.params.includes(param)) {
      add(field, `${id} does not take ${what}; remove it.`);
    }
  }
  if (req.negativePrompt !== undefined && spec.negativePromptMaxLength !== undefined && [...req.negativePrompt].length > spec.negativePromptMaxLength) {
    add('negativePrompt', `${id} accepts negative prompts up to ${spec.negativePromptMaxLength} characters; yours has ${[...req.negativePrompt].length}.`);
  }
  if (req.size !== undefined && spec.params.includes('size')) {
    const problem = checkSize(spec.size, req.size, id);
    if (problem) add('size', problem);
  }
  if (req.n !== undefined) {
    if (!Number.isInteger(req.n)) add('n', `n must be a whole number; you gave ${req.n}.`);
    else if (spec.n.min === spec.n.max && req.n !== spec.n.min) add('n', `${id} makes exactly ${spec.n.min} image per call (n=${spec.n.min}); you gave ${req.n}.`);
    else if (req.n < spec.n.min || req.n > spec.n.max) add('n', `${id} accepts n from ${spec.n.min} to ${spec.n.max}; you gave ${req.n}.`);
  }
  if (req.seed !== undefined && spec.params.includes('seed') && (!Number.isInteger(req.seed) || req.seed < 0 || req.seed > SEED_MAX)) {
    add('seed', `seed must be a whole number from 0 to ${SEED_MAX}; you gave ${req.seed}.`);
  }
  if (req.maxImages !== undefined && spec.maxImages) {
    const r = spec.maxImages;
    if (!Number.isInteger(req.maxImages) || req.maxImages < r.min || req.maxImages > r.max) {
      add('maxImages', `${id} accepts maxImages from ${r.min} to ${r.max}; you gave ${req.maxImages}.`);
    }
  }

  // Images (§2.2 counts; forms per §7).
  const images = (req.images ?? []).map(toImageInput);
  if (!spec.images) {
    if (images.length > 0) {
      const editors = MODELS.filter((m) => m.task === 'image-edit').map((m) => m.id);
      add('images', `${id} takes no input images; to edit images use ${editors.join(' or ')}.`);
    }
  } else {
    const r = spec.images;
    if (images.length < r.min || images.length > r.max) {
      const range = r.min === r.max ? `exactly ${r.min}` : r.min === 0 ? `at most ${r.max}` : `${r.min}–${r.max}`;
      const noun = r.max === 1 ? 'image' : 'reference images';
      add('images', `${id} takes ${range} ${noun}; you gave ${images.length}.`);
    }
    images.forEach((img, i) => {
      if (img.kind === 'url') {
        if (!/^https?:\/\//i.test(img.url)) add(`images.${i}`, `Image URLs must start with http:// or https://; "${shorten(img.url)}" does not.`);
        else if (!r.accepts.includes('data') && CJK.test(decodeURIComponentSafe(img.url))) {
          add(`images.${i}`, `${id} cannot download URLs containing Chinese characters; rename the file or pass it as a local file.`);
        }
      }
      if (img.kind === 'data' && !/^data:[\w.+-]+\/[\w.+-]+;base64,/i.test(img.uri)) {
        add(`images.${i}`, 'A data URI must look like data:image/png;base64,…');
      }
    });
  }

  // Translation (§4.3).
  let sourceLang: MtLanguage | 'auto' | undefined;
  let targetLang: MtLanguage | undefined;
  if (spec.task === 'translate') {
    const t = req.translation;
    if (!t) {
      add('translation', `${id} needs translation options: sourceLang and targetLang.`);
    } else {
      sourceLang = resolveMtLanguage(t.sourceLang);
      const target = resolveMtLanguage(t.targetLang);
      if (!sourceLang || (sourceLang !== 'auto' && !MT_SOURCE_LANGUAGES.includes(sourceLang))) {
        add('translation.sourceLang', `${id} translates from ${listLanguages(MT_SOURCE_LANGUAGES)} or auto; "${t.sourceLang}" is not one of them.`);
        sourceLang = undefined;
      }
      if (!target || target === 'auto' || !MT_TARGET_LANGUAGES.includes(target)) {
        add('translation.targetLang', `${id} translates into ${listLanguages(MT_TARGET_LANGUAGES)}; "${t.targetLang}" is not one of them.`);
      } else {
        targetLang = target;
      }
      if (sourceLang && targetLang) {
        if (sourceLang === targetLang) add('translation.targetLang', `The target language must differ from the source (${MT_LANGUAGES[targetLang]}).`);
        else if (sourceLang !== 'auto' && !['zh', 'en'].includes(sourceLang) && !['zh', 'en'].includes(targetLang)) {
          add('translation', `${id} needs Chinese or English on one side; ${MT_LANGUAGES[sourceLang]} → ${MT_LANGUAGES[targetLang]} has neither.`);
        }
      }
      if (t.domainHint && t.domainHint.trim().split(/\s+/).length > 200) add('translation.domainHint', 'The domain hint should stay under about 200 English words.');
    }
  } else if (req.translation) {
    add('translation', `${id} does not translate; translation options are for qwen-mt-image.`);
  }

  if (issues.length) throw new RequestValidationError(issues, id);
  const validated: ValidatedRequest = { spec, request: { ...req, prompt: req.prompt === undefined ? undefined : prompt }, images, useAsyncVariant };
  if (sourceLang) validated.sourceLang = sourceLang;
  if (targetLang) validated.targetLang = targetLang;
  return validated;
}

/** Where a validated request goes: the model's own mode, or its async variant. */
export function routeOf(v: Pick<ValidatedRequest, 'spec' | 'useAsyncVariant'>): Route {
  const { spec } = v;
  if (v.useAsyncVariant && spec.asyncVariant) {
    const a = spec.asyncVariant;
    return { mode: 'async', endpoint: a.endpoint, path: ENDPOINT_PATHS[a.endpoint], input: a.input, family: a.response };
  }
  return { mode: spec.mode, endpoint: spec.endpoint, path: ENDPOINT_PATHS[spec.endpoint], input: spec.input, family: spec.response };
}

/** The JSON body on the wire. */
export interface WireBody {
  model: string;
  input: Record<string, unknown>;
  parameters?: Record<string, unknown>;
}

/**
 * Builds the wire body for a validated request whose images are already wire strings (URL,
 * `oss://`, `data:`; see upload.ts). Only parameters the user set (and the mode's required ones)
 * are sent, so the service's own defaults apply otherwise.
 */
export function buildWireBody(v: ValidatedRequest, imageRefs: readonly string[]): WireBody {
  const { spec, request: req } = v;
  const route = routeOf(v);
  const parameters: Record<string, unknown> = {};
  const setParam = (name: ParamName, value: unknown): void => {
    if (value !== undefined && spec.params.includes(name)) parameters[name] = value;
  };
  setParam('size', req.size === undefined ? undefined : normalizeSizeString(req.size));
  setParam('n', req.n);
  setParam('prompt_extend', req.promptExtend);
  setParam('watermark', req.watermark);
  setParam('seed', req.seed);
  setParam('max_images', req.maxImages);
  for (const [k, val] of Object.entries(spec.requiredParameters ?? {})) {
    // §4.2: the async image-generation endpoint takes no `stream`.
    if (k === 'stream' && route.mode === 'async') continue;
    parameters[k] = val;
  }

  switch (route.input) {
    case 'messages': {
      // §2.1: exactly one user message; images first (their order matters), then one text item.
      const content: Record<string, string>[] = imageRefs.map((image) => ({ image }));
      content.push({ text: req.prompt ?? '' });
      // §2.1: on the messages endpoints negative_prompt goes in parameters.
      setParam('negative_prompt', req.negativePrompt);
      return { model: spec.model, input: { messages: [{ role: 'user', content }] }, parameters };
    }
    case 'prompt': {
      // §4.1: text2image takes the negative prompt in `input`, not `parameters`.
      const input: Record<string, unknown> = { prompt: req.prompt ?? '' };
      if (req.negativePrompt !== undefined) input.negative_prompt = req.negativePrompt;
      return { model: spec.model, input, parameters };
    }
    case 'image_url': {
      // §4.3: languages and `ext` live in `input`; there is no `parameters` object.
      const t = req.translation;
      const input: Record<string, unknown> = {
        image_url: imageRefs[0] ?? '',
        source_lang: v.sourceLang ?? t?.sourceLang,
        target_lang: v.targetLang ?? t?.targetLang,
      };
      const ext: Record<string, unknown> = {};
      if (t?.domainHint) ext.domainHint = t.domainHint;
      if (t?.sensitives?.length) ext.sensitives = t.sensitives;
      if (t?.terminologies?.length) ext.terminologies = t.terminologies;
      if (t?.imageSegment !== undefined) ext.config = { imageSegment: t.imageSegment };
      if (Object.keys(ext).length) input.ext = ext;
      return { model: spec.model, input };
    }
  }
}

/** The number of images a request asks for (its n, or the model's default). */
export function requestedImageCount(v: ValidatedRequest): number {
  return v.request.n ?? v.spec.n.default;
}

/** `1024x768` → `1024*768`; presets (`1k`) upper-cased. */
export function normalizeSizeString(size: string): string {
  const m = /^\s*(\d+)\s*[*x×]\s*(\d+)\s*$/i.exec(size);
  if (m) return `${m[1]}*${m[2]}`;
  return size.trim().toUpperCase();
}

function listLanguages(codes: readonly MtLanguage[]): string {
  return codes.map((c) => `${MT_LANGUAGES[c]} (${c})`).join(', ');
}

function regionName(r: Region): string {
  return r === 'beijing' ? 'Beijing' : 'Singapore';
}

function shorten(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function describeZodIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `Unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}; check the spelling.`;
  if (issue.code === 'invalid_union') return 'An image must be a URL, an oss:// URL, a data: URI, a file path, or {kind, …}.';
  return issue.message;
}
