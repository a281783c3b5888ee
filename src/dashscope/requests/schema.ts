/**
 * The one request type ({@link GenerationRequest}) every model takes, the validated form it becomes,
 * and where it goes on the wire. The catalog decides what of it a model allows (see validate.ts).
 */
import * as z from 'zod';
import type { EndpointKey, InputShape, ModelSpec, ModelVersion, MtLanguage, ProcessFunctionSpec, ResponseFamily } from '../catalog/index.js';

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

/** The ten `function`s of wanx2.1-imageedit (image-processing.md §1). */
export const IMAGEEDIT_FUNCTIONS = [
  'super_resolution',
  'expand',
  'description_edit_with_mask',
  'remove_watermark',
  'colorization',
  'stylization_all',
  'stylization_local',
  'description_edit',
  'doodle',
  'control_cartoon_feature',
] as const;
export type ImageEditFunction = (typeof IMAGEEDIT_FUNCTIONS)[number];

/** image-out-painting's `output_ratio` values (image-processing.md §2); `""` means none. */
export const OUTPAINT_RATIOS = ['', '1:1', '3:4', '4:3', '9:16', '16:9'] as const;

/**
 * Options of the image-processing models (image-processing.md): wanx2.1-imageedit,
 * image-out-painting and wanx-background-generation-v2. The base image is `images[0]`; the prompt
 * (background generation's `ref_prompt`) is `prompt`; `n`, `seed` and `watermark` are the
 * request's own fields. The catalog says which option applies to which model and function.
 */
export const ProcessOptionsSchema = z.strictObject({
  /** wanx2.1-imageedit `function`. */
  function: z.enum(IMAGEEDIT_FUNCTIONS).optional(),
  /** `super_resolution`: 1–4 (1 sharpens without enlarging). */
  upscaleFactor: z.number().optional(),
  /** `expand`: 1.0–2.0 per side. */
  topScale: z.number().optional(),
  bottomScale: z.number().optional(),
  leftScale: z.number().optional(),
  rightScale: z.number().optional(),
  /** `stylization_all`, `description_edit`: 0–1. */
  strength: z.number().optional(),
  /** `doodle`: the input already is line art. */
  isSketch: z.boolean().optional(),
  /** `stylization_all` / `stylization_local`: a style from the catalog's list; the prompt is built from it when none is given. */
  style: z.string().optional(),
  /** image-out-painting. */
  outputRatio: z.enum(OUTPAINT_RATIOS).optional(),
  xScale: z.number().optional(),
  yScale: z.number().optional(),
  topOffset: z.number().optional(),
  bottomOffset: z.number().optional(),
  leftOffset: z.number().optional(),
  rightOffset: z.number().optional(),
  angle: z.number().optional(),
  bestQuality: z.boolean().optional(),
  limitImageSize: z.boolean().optional(),
  /** wanx-background-generation-v2. */
  refImage: ImageInputSchema.optional(),
  negativeRefPrompt: z.string().optional(),
  modelVersion: z.enum(['v2', 'v3']).optional(),
  noiseLevel: z.number().optional(),
  refPromptWeight: z.number().optional(),
});
/** Options of the image-processing models. */
export type ProcessOptions = z.infer<typeof ProcessOptionsSchema>;

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
  /** Image-processing models: the operation and its options. */
  process: ProcessOptionsSchema.optional(),
  /** `description_edit_with_mask`: white edits, black keeps; the base image's own resolution. */
  mask: ImageInputSchema.optional(),
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
  /** Image-processing models: the operation the request runs (a wanx2.1-imageedit function, or the model's only one). */
  processFunction?: ProcessFunctionSpec;
  /** `description_edit_with_mask`: the mask, in object form. */
  mask?: ResolvedImageInput;
  /** wanx-background-generation-v2: the reference image, in object form. */
  refImage?: ResolvedImageInput;
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
