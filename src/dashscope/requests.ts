/**
 * The one request type ({@link GenerationRequest}), its validation against the model catalog, and
 * the wire body per input shape (`messages`, `prompt`, `image_url`).
 *
 * Validation happens BEFORE anything is sent or uploaded, and every message says what to change
 * ("wan2.2-t2i-flash accepts n from 1 to 4; you gave 6."), because a 400 from the service costs a
 * round trip and its wording is often vaguer (§1.6 "num_images_per_prompt must be 1").
 *
 * Section numbers refer to ../shared/reference/dashscope-api.md; "N§" to newer-models.md.
 */
import * as z from 'zod';
import {
  ENDPOINT_PATHS,
  MODELS,
  MT_LANGUAGES,
  MT_SOURCE_LANGUAGES,
  MT_TARGET_LANGUAGES,
  REGION_NAMES,
  SEED_MAX,
  checkSize,
  describeRegions,
  describeSizeRule,
  findModel,
  findVersion,
  modelsForTask,
  nRangeFor,
  resolveMtLanguage,
  sizeRuleFor,
  type EndpointKey,
  type InputShape,
  type ModelSpec,
  type ModelVersion,
  type MtLanguage,
  type ParamName,
  type Region,
  type ResponseFamily,
} from './catalog/index.js';
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

/** One wan2.7 `color_palette` colour (N§3): `#RRGGBB` and its share, `"23.51%"` or 23.51. */
export const PaletteColorSchema = z.strictObject({
  hex: z.string(),
  ratio: z.union([z.string(), z.number()], { error: 'A palette ratio is a percentage such as "23.51%" or 23.51.' }),
});
/** One `color_palette` entry. */
export type PaletteColor = z.infer<typeof PaletteColorSchema>;

/** A box `[x1, y1, x2, y2]` in the input image's own pixels, origin top-left (N§3). */
export const BoundingBoxSchema = z.tuple([z.number(), z.number(), z.number(), z.number()], {
  error: 'A box is four numbers [x1, y1, x2, y2] in pixels of its image, origin top-left.',
});
/** One `bbox_list` box. */
export type BoundingBox = z.infer<typeof BoundingBoxSchema>;

/** One generation request, the same for every model; the catalog decides what is allowed. */
export const GenerationRequestSchema = z.strictObject({
  /** Catalog id (`wan2.6-image:interleave`), wire model name, or a snapshot id (`qwen-image-2.0-2026-03-03`). */
  model: z.string().min(1),
  /** Pins a dated snapshot of the model: its id or its date (`2026-03-03`); see the model's `versions`. */
  version: z.string().optional(),
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
  /** wan2.7: image-set (组图) mode; `n` becomes an upper bound, 1–12 (N§3). */
  enableSequential: z.boolean().optional(),
  /** wan2.7 `thinking_mode` (default on; only effective for text-to-image without an image set). */
  thinkingMode: z.boolean().optional(),
  /** wan2.7 `color_palette`: 3–10 colours whose ratios sum to 100% (N§3). */
  colorPalette: z.array(PaletteColorSchema).optional(),
  /** wan2.7 `bbox_list`: one list of at most 2 boxes per input image (`[]` for an image without boxes). */
  bboxList: z.array(z.array(BoundingBoxSchema)).optional(),
  /** qwen-image-3.0 `prompt_extend_mode`: `direct` (default) or `agent` (text-to-image only). */
  promptExtendMode: z.enum(['direct', 'agent'], { error: 'promptExtendMode is "direct" or "agent".' }).optional(),
  /** qwen-image-3.0 `enable_thinking` (default on; only with prompt extension). */
  enableThinking: z.boolean().optional(),
  images: z.array(ImageInputSchema).optional(),
  translation: TranslationOptionsSchema.optional(),
});
/** One generation request (see {@link GenerationRequestSchema}). */
export type GenerationRequest = z.infer<typeof GenerationRequestSchema>;

/** A request that passed validation, with its catalog entry and images in object form. */
export interface ValidatedRequest {
  spec: ModelSpec;
  request: GenerationRequest;
  /** The exact `model` sent on the wire: the family alias or the pinned snapshot (for provenance). */
  wireModel: string;
  /** The pinned snapshot, when the request named one. */
  version?: ModelVersion;
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
  ['enableSequential', 'enable_sequential', 'image sets (enableSequential)'],
  ['thinkingMode', 'thinking_mode', 'thinkingMode'],
  ['colorPalette', 'color_palette', 'a colour palette (colorPalette)'],
  ['bboxList', 'bbox_list', 'boxes (bboxList)'],
  ['promptExtendMode', 'prompt_extend_mode', 'promptExtendMode'],
  ['enableThinking', 'enable_thinking', 'enableThinking'],
];

/** Chinese characters in a URL make qwen-mt-image (and wanx) reject it (§4.3). */
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/** Options of {@link validateRequest}. */
export interface ValidateOptions {
  /** The client's region; checked against the model's regions (qwen-mt-image: Beijing only). */
  region?: Region;
  /** Use the model's async variant (qwen-image-plus/qwen-image via text2image, wan2.6 via image-generation). */
  useAsyncVariant?: boolean;
  /**
   * Pixel sizes of the input images, where the caller knows them (same order as `images`):
   * `bboxList` boxes are then checked to lie inside their image. Local files are checked on
   * resolution anyway (upload.ts).
   */
  imageSizes?: readonly ({ width: number; height: number } | undefined)[];
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

  // Snapshots (N§4): a snapshot id as `model`, or `version`; the wire id is kept for provenance.
  let version = spec.versions?.find((v) => v.model === req.model);
  if (req.version !== undefined) {
    const pinned = findVersion(spec, req.version);
    if (!pinned) {
      add(
        'version',
        spec.versions?.length
          ? `${id} has no snapshot "${req.version}"; use one of ${spec.versions.map((v) => v.model).join(', ')}, or leave version out for the current ${spec.model}.`
          : `${id} has no dated snapshots; remove version.`,
      );
    } else if (version && version.model !== pinned.model) {
      add('version', `model names the snapshot ${version.model} but version says ${pinned.model}; give only one of them.`);
    } else {
      version = pinned;
    }
  }
  const wireModel = version?.model ?? spec.model;

  if (options.region && !spec.regions.includes(options.region)) {
    add('model', `${id} is served only in ${describeRegions(spec.regions)}, not in ${REGION_NAMES[options.region]}; switch the region (your key must belong to that region too).`);
  }
  const useAsyncVariant = Boolean(options.useAsyncVariant) && spec.mode !== 'async';
  if (options.useAsyncVariant && spec.mode !== 'async' && !spec.asyncVariant) {
    add('model', `${id} has no async task variant; call it directly.`);
  } else if (useAsyncVariant && version?.syncOnly) {
    add('model', `${version.model} has no async task variant (only ${spec.model} has); call it directly, or use ${spec.model}.`);
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
  const images = (req.images ?? []).map(toImageInput);
  const imageSet = req.enableSequential === true && spec.params.includes('enable_sequential');

  if (req.negativePrompt !== undefined && spec.negativePromptMaxLength !== undefined && [...req.negativePrompt].length > spec.negativePromptMaxLength) {
    add('negativePrompt', `${id} accepts negative prompts up to ${spec.negativePromptMaxLength} characters; yours has ${[...req.negativePrompt].length}.`);
  }
  if (req.size !== undefined && spec.params.includes('size')) {
    const rule = sizeRuleFor(spec, { imageCount: images.length, imageSet });
    const preset = req.size.trim().toUpperCase();
    const t2iOnlyPreset = rule !== spec.size && spec.size.kind === 'pixels' && spec.size.presets?.includes(preset) && !(rule.kind === 'pixels' && rule.presets?.includes(preset));
    if (t2iOnlyPreset) {
      add('size', `${id} offers ${preset} only for text-to-image without an image set; with input images or enableSequential use ${rule.kind === 'pixels' && rule.presets ? `${rule.presets.join(', ')} or ` : ''}a size within ${describeSizeRule(rule)}.`);
    } else {
      const problem = checkSize(rule, req.size, id);
      if (problem) add('size', rule === spec.size ? problem : `${problem} (This limit applies with input images or enableSequential.)`);
    }
  }
  if (req.n !== undefined) {
    const r = nRangeFor(spec, imageSet);
    const where = imageSet ? ' in image sets (enableSequential)' : spec.imageSet && spec.params.includes('enable_sequential') ? ` (up to ${spec.imageSet.n.max} with enableSequential)` : '';
    if (!Number.isInteger(req.n)) add('n', `n must be a whole number; you gave ${req.n}.`);
    else if (r.min === r.max && req.n !== r.min) add('n', `${id} makes exactly ${r.min} image per call (n=${r.min}); you gave ${req.n}.`);
    else if (req.n < r.min || req.n > r.max) add('n', `${id} accepts n from ${r.min} to ${r.max}${where}; you gave ${req.n}.`);
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
  if (req.colorPalette !== undefined && spec.colorPalette && spec.params.includes('color_palette')) {
    for (const issue of checkColorPalette(req.colorPalette, spec.colorPalette, id)) add(issue.path, issue.message);
    if (imageSet) add('colorPalette', `${id} takes a colour palette only without image sets; remove colorPalette or enableSequential.`);
  }
  if (req.bboxList !== undefined && spec.bboxes && spec.params.includes('bbox_list')) {
    if (images.length === 0) add('bboxList', `Boxes mark regions of input images, and ${id} got none; add the images or remove bboxList.`);
    else if (req.bboxList.length !== images.length) {
      add('bboxList', `bboxList needs one entry per input image (${images.length}; use [] for an image without boxes); you gave ${req.bboxList.length}.`);
    }
    req.bboxList.forEach((boxes, i) => {
      if (boxes.length > spec.bboxes!.maxPerImage) add(`bboxList.${i}`, `${id} takes at most ${spec.bboxes!.maxPerImage} boxes per image; image ${i + 1} has ${boxes.length}.`);
      boxes.forEach((box, j) => {
        const problem = checkBoxShape(box);
        if (problem) add(`bboxList.${i}.${j}`, problem);
      });
    });
    if (options.imageSizes) for (const issue of checkBoxesInImages(req.bboxList, options.imageSizes)) add(issue.path, issue.message);
  }
  if (spec.promptExtendModes) {
    if (req.promptExtendMode === 'agent' && images.length > 0) {
      add('promptExtendMode', `${id} uses promptExtendMode "agent" only for text-to-image; with input images use "direct" or leave it out.`);
    }
    if (req.enableThinking === true && req.promptExtend === false) {
      add('enableThinking', `${id} thinks only while extending the prompt; set promptExtend to true or remove enableThinking.`);
    }
  }

  // Images (§2.2 counts; forms per §7).
  if (!spec.images) {
    if (images.length > 0) {
      const editors = modelsForTask('image-edit').map((m) => m.id);
      add('images', `${id} takes no input images; to edit images use an image-edit model such as ${editors.slice(0, 3).join(', ')}.`);
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
  const validated: ValidatedRequest = { spec, request: { ...req, prompt: req.prompt === undefined ? undefined : prompt }, wireModel, images, useAsyncVariant };
  if (version) validated.version = version;
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
  setParam('enable_sequential', req.enableSequential);
  setParam('thinking_mode', req.thinkingMode);
  setParam('color_palette', req.colorPalette?.map(wirePaletteColor));
  setParam('bbox_list', req.bboxList);
  setParam('prompt_extend_mode', req.promptExtendMode);
  setParam('enable_thinking', req.enableThinking);
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
      return { model: v.wireModel, input: { messages: [{ role: 'user', content }] }, parameters };
    }
    case 'prompt': {
      // §4.1: text2image takes the negative prompt in `input`, not `parameters`.
      const input: Record<string, unknown> = { prompt: req.prompt ?? '' };
      if (req.negativePrompt !== undefined) input.negative_prompt = req.negativePrompt;
      return { model: v.wireModel, input, parameters };
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
      return { model: v.wireModel, input };
    }
  }
}

/** The number of images a request asks for (its n, or the model's default; in image sets an upper bound). */
export function requestedImageCount(v: Pick<ValidatedRequest, 'spec' | 'request'>): number {
  return v.request.n ?? nRangeFor(v.spec, v.request.enableSequential).default;
}

// ─── wan2.7 colour palettes and boxes (N§3) ──────────────────────────────────────────────────

/** A palette ratio in hundredths of a percent (`"23.51%"` or 23.51 → 2351), or undefined when it is no percentage in (0, 100]. */
export function paletteRatioHundredths(ratio: string | number): number | undefined {
  let value: number;
  if (typeof ratio === 'number') value = ratio;
  else {
    const m = /^\s*(\d{1,3}(?:\.\d+)?)\s*%?\s*$/.exec(ratio);
    if (!m) return undefined;
    value = Number(m[1]);
  }
  if (!Number.isFinite(value) || value <= 0 || value > 100) return undefined;
  return Math.round(value * 100);
}

/** A palette colour as the wire wants it: the ratio as a string with two decimals and `%` (`"23.51%"`). */
export function wirePaletteColor(c: PaletteColor): { hex: string; ratio: string } {
  const h = paletteRatioHundredths(c.ratio);
  return { hex: c.hex, ratio: h === undefined ? String(c.ratio) : `${(h / 100).toFixed(2)}%` };
}

/** Checks a `color_palette`: count, `#RRGGBB` colours, ratios that add up to 100.00% (N§3). */
export function checkColorPalette(palette: readonly PaletteColor[], bounds: { min: number; max: number }, modelId: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (palette.length < bounds.min || palette.length > bounds.max) {
    issues.push({ path: 'colorPalette', message: `${modelId} takes ${bounds.min}–${bounds.max} palette colours (8 recommended); you gave ${palette.length}.` });
  }
  let sum = 0;
  let allRatios = true;
  palette.forEach((c, i) => {
    if (!/^#[0-9a-f]{6}$/i.test(c.hex)) issues.push({ path: `colorPalette.${i}.hex`, message: `Palette colours are #RRGGBB hex values such as #C2D1E6; "${c.hex}" is not.` });
    const h = paletteRatioHundredths(c.ratio);
    if (h === undefined) {
      allRatios = false;
      issues.push({ path: `colorPalette.${i}.ratio`, message: `A palette ratio is a percentage above 0 and at most 100, such as "23.51%" or 23.51; "${c.ratio}" is not.` });
    } else sum += h;
  });
  if (allRatios && palette.length > 0 && sum !== 10_000) {
    issues.push({ path: 'colorPalette', message: `The palette ratios must add up to 100.00%; yours add up to ${(sum / 100).toFixed(2)}%. Adjust them.` });
  }
  return issues;
}

/** A box must be four whole pixel numbers `[x1, y1, x2, y2]` with x1 < x2 and y1 < y2; returns the problem, if any. */
export function checkBoxShape(box: readonly number[]): string | undefined {
  const [x1, y1, x2, y2] = box;
  const whole = box.length === 4 && box.every((v) => Number.isInteger(v) && v >= 0);
  if (!whole || x1! >= x2! || y1! >= y2!) {
    return `A box is [x1, y1, x2, y2] in whole pixels of its image (origin top-left) with x1 < x2 and y1 < y2; [${box.join(', ')}] is not.`;
  }
  return undefined;
}

/** Checks that every box lies inside its image, where the image's size is known (N§3: absolute source-image pixels). */
export function checkBoxesInImages(bboxList: readonly (readonly (readonly number[])[])[], sizes: readonly ({ width: number; height: number } | undefined)[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  bboxList.forEach((boxes, i) => {
    const size = sizes[i];
    if (!size) return;
    boxes.forEach((box, j) => {
      const [, , x2, y2] = box;
      if (checkBoxShape(box) === undefined && (x2! > size.width || y2! > size.height)) {
        issues.push({ path: `bboxList.${i}.${j}`, message: `Box [${box.join(', ')}] reaches outside image ${i + 1}, which is ${size.width}×${size.height} px; boxes use that image's own pixel coordinates.` });
      }
    });
  });
  return issues;
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
  if (issue.code === 'unrecognized_keys') return `Unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => `"${k}"`).join(', ')}; check the spelling.`;
  if (issue.code === 'invalid_union' && issue.path[0] === 'images') return 'An image must be a URL, an oss:// URL, a data: URI, a file path, or {kind, …}.';
  return issue.message;
}
