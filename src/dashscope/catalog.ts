/**
 * The model catalog: every image model the extension speaks to, as data.
 *
 * One source of truth (house style §3): the client validates requests against it, the studio
 * gates its controls with it, the CLI documents its options from it and the simulator enforces
 * it. Adding a model is adding one entry to {@link MODELS}.
 *
 * Facts come from ../shared/reference/dashscope-api.md; section numbers are given per entry.
 * Where the reference lists a fact as unconfirmed (§10), the entry says `assumed`.
 *
 * This module imports nothing (no `vscode`, no Node built-ins), so the webview can bundle it.
 */

/** The four generation endpoints, relative to the region's `/api/v1` base. */
export const ENDPOINT_PATHS = {
  /** Sync (and SSE) multimodal endpoint, `messages` input (§2). */
  multimodalGeneration: '/services/aigc/multimodal-generation/generation',
  /** Async, `input.prompt` (§4.1). */
  text2image: '/services/aigc/text2image/image-synthesis',
  /** Async, `input.image_url` for qwen-mt-image (§4.3). */
  image2image: '/services/aigc/image2image/image-synthesis',
  /** Async, `messages` input, `choices[]` result (§4.2). */
  imageGeneration: '/services/aigc/image-generation/generation',
} as const;

export type EndpointKey = keyof typeof ENDPOINT_PATHS;

/** Task query / cancel and the temporary-upload policy, relative to `/api/v1` (§5, §7). */
export const TASK_PATH = (taskId: string): string => `/tasks/${encodeURIComponent(taskId)}`;
export const TASK_CANCEL_PATH = (taskId: string): string => `/tasks/${encodeURIComponent(taskId)}/cancel`;
export const UPLOAD_POLICY_PATH = '/uploads';

/** How a call is made: one JSON response, an SSE stream, or a task to submit and poll. */
export type CallMode = 'sync' | 'stream' | 'async';

/** Where the prompt and the images go in the request body. */
export type InputShape =
  /** `input.messages[0].content = [{image}…, {text}]` (§2.1). */
  | 'messages'
  /** `input.prompt` + `input.negative_prompt` (§4.1). */
  | 'prompt'
  /** `input.image_url` + languages + `ext` (§4.3). */
  | 'image_url';

/** Which response family a sync/stream response belongs to (§2.3). */
export type ResponseFamily =
  /** qwen: no `type` on items, `usage{image_count,width,height}`, `output.task_metric`. */
  | 'qwen'
  /** wan: `type` on items, `output.finished`, `usage.size`. */
  | 'wan'
  /** z-image: an extra `{text}` item with the (rewritten) prompt, `reasoning_content`. */
  | 'z-image'
  /** text2image task results: `output.results[]` with `orig_prompt` / `actual_prompt` (§5.3). */
  | 'results'
  /** image-generation task results: `output.choices[]` (§5.3). */
  | 'choices'
  /** qwen-mt-image task result: `output.image_url` (§5.3). */
  | 'image_url';

/** What the user does with the model; the studio groups models by this. */
export type Task = 'text-to-image' | 'image-edit' | 'interleave' | 'translate';

/** Optional request parameters a model understands (anything else is not sent). */
export type ParamName =
  | 'negative_prompt'
  | 'size'
  | 'n'
  | 'prompt_extend'
  | 'watermark'
  | 'seed'
  | 'max_images';

/**
 * Size rules. Sizes are `W*H` strings on the wire.
 * - `list`: only the listed sizes are accepted.
 * - `pixels`: `W*H` whose total pixel count lies in [minPixels, maxPixels] and whose aspect ratio
 *   (W/H) lies in [minAspect, maxAspect]; `presets` are named sizes such as `1K` / `2K`.
 * - `sides`: each of W and H in [minSide, maxSide].
 * - `none`: the model takes no size (output follows the input image).
 */
export type SizeRule =
  | { kind: 'list'; sizes: readonly string[]; default: string }
  | {
      kind: 'pixels';
      minPixels: number;
      maxPixels: number;
      minAspect: number;
      maxAspect: number;
      /** `null`: when omitted the service derives it (e.g. from the last input image). */
      default: string | null;
      recommended: readonly string[];
      presets?: readonly string[];
    }
  | {
      kind: 'sides';
      minSide: number;
      maxSide: number;
      default: string | null;
      recommended: readonly string[];
    }
  | { kind: 'none' };

/** Image input limits for models that take images (§2.2, §4.3, §7). */
export interface ImageInputRule {
  min: number;
  max: number;
  /** Accepted formats as lowercase type names (`jpg` covers `jpeg`). */
  formats: readonly string[];
  /** Per side, in pixels. */
  minSide: number;
  maxSide: number;
  /** Maximum bytes of one image file. */
  maxBytes: number;
  /** Aspect ratio bounds W/H, when the model states them. */
  minAspect?: number;
  maxAspect?: number;
  /** Input forms the endpoint accepts: public URL, `oss://` temporary URL, `data:` URI. */
  accepts: readonly ('url' | 'oss' | 'data')[];
  /** `false` when PNGs with an alpha channel (transparency) are refused (wan2.6-image, §2.2). */
  alphaAllowed?: boolean;
}

/** Rate limits; `assumed` where the reference has no published number (§8, §10). */
export interface RateLimits {
  /** Submit (or sync call) requests per second per account. */
  requestsPerSecond: number;
  /** Async tasks PENDING or RUNNING at once; sync calls in flight for sync models. */
  concurrent: number;
  /** `GET /tasks/{id}` queries per second for this model's tasks. */
  queryPerSecond: number;
  assumed: boolean;
}

/** One image model (or one mode of a model, for wan2.6-image). */
export interface ModelSpec {
  /** Unique catalog id; equals `model` except for extra modes (`wan2.6-image:interleave`). */
  id: string;
  /** The `model` value on the wire. */
  model: string;
  label: { en: string; 'zh-cn': string };
  task: Task;
  mode: CallMode;
  endpoint: EndpointKey;
  input: InputShape;
  response: ResponseFamily;
  /** A second way to call the same model as an async task (§4.1, §4.2), if there is one. */
  asyncVariant?: { endpoint: EndpointKey; input: InputShape; response: ResponseFamily };
  /** Prompt length limit; `unit` says how the service counts it. */
  prompt: { required: boolean; maxLength: number; unit: 'chars' | 'tokens' };
  negativePromptMaxLength?: number;
  size: SizeRule;
  /** `fixed` models accept only n=1 (otherwise "num_images_per_prompt must be 1"). */
  n: { min: number; max: number; default: number };
  /** interleave mode: `max_images` bounds. */
  maxImages?: { min: number; max: number; default: number };
  params: readonly ParamName[];
  promptExtendDefault?: boolean;
  images?: ImageInputRule;
  /** Requests to this mode must carry these parameter values (e.g. interleave needs stream). */
  requiredParameters?: Readonly<Record<string, unknown>>;
  /** Output image format. */
  outputFormat: 'png' | 'jpg';
  /** The service rounds each side of the output to a multiple of this (§2.2: "1033*1032 → 1040*1024"). */
  outputSizeStep?: 16;
  /** Regions where the model is served (§1.1). */
  regions: readonly Region[];
  rateLimits: RateLimits;
  /** Typical wall-clock time of one call, or of one task from submit to end (queue included), in ms. */
  typicalDurationMs: number;
}

/** Service regions; a key belongs to exactly one (§1.1). */
export type Region = 'beijing' | 'singapore';

export const REGION_BASE_URLS: Readonly<Record<Region, string>> = {
  beijing: 'https://dashscope.aliyuncs.com/api/v1',
  singapore: 'https://dashscope-intl.aliyuncs.com/api/v1',
};

/** `seed` range of every model (§2.2). */
export const SEED_MAX = 2147483647;

/** Maximum decoded bytes of one `data:` URI item (§7). */
export const DATA_URI_MAX_BYTES = 10 * 1024 * 1024;

/** Task ids and result URLs live 24 h (§8). */
export const RESULT_RETENTION_MS = 24 * 60 * 60 * 1000;

/** The task query rate the docs state for most models (§5.1). */
export const DEFAULT_TASK_QUERY_RPS = 20;

const QWEN_T2I_SIZES = ['1664*928', '1472*1104', '1328*1328', '1104*1472', '928*1664'] as const;
const WAN_RECOMMENDED = ['1280*1280', '800*1200', '1200*800', '960*1280', '1280*960', '720*1280', '1280*720', '1344*576'] as const;
/** wan2.6-image input limits, both modes (§2.2); the modes differ only in how many images. */
const WAN26_IMAGE_INPUT: Omit<ImageInputRule, 'min' | 'max'> = {
  formats: ['jpg', 'png', 'bmp', 'webp'],
  minSide: 240,
  maxSide: 8000,
  maxBytes: 10 * 1024 * 1024,
  accepts: ['url', 'oss', 'data'],
  // "PNG (no alpha)".
  alphaAllowed: false,
};

/** 1104*1472: the smallest size the wan t2i docs recommend (see wan2.6-t2i below). */
const WAN_T2I_MIN_PIXELS = 1104 * 1472;
const BOTH_REGIONS: readonly Region[] = ['beijing', 'singapore'];

/** Assumed limits for sync models whose numbers are not published (§10). */
const ASSUMED_SYNC_LIMITS: RateLimits = { requestsPerSecond: 2, concurrent: 2, queryPerSecond: DEFAULT_TASK_QUERY_RPS, assumed: true };
const ASSUMED_ASYNC_LIMITS: RateLimits = { requestsPerSecond: 2, concurrent: 2, queryPerSecond: DEFAULT_TASK_QUERY_RPS, assumed: true };

const T2I_PARAMS: readonly ParamName[] = ['negative_prompt', 'size', 'n', 'prompt_extend', 'watermark', 'seed'];

function qwenTextToImage(model: string, en: string, zh: string, asyncVariant: boolean): ModelSpec {
  return {
    id: model,
    model,
    label: { en, 'zh-cn': zh },
    task: 'text-to-image',
    mode: 'sync',
    endpoint: 'multimodalGeneration',
    input: 'messages',
    response: 'qwen',
    // §4.1: only qwen-image-plus and qwen-image have the async text2image variant.
    ...(asyncVariant ? { asyncVariant: { endpoint: 'text2image', input: 'prompt', response: 'results' } as const } : {}),
    prompt: { required: true, maxLength: 800, unit: 'tokens' },
    negativePromptMaxLength: 500,
    size: { kind: 'list', sizes: QWEN_T2I_SIZES, default: '1664*928' },
    n: { min: 1, max: 1, default: 1 },
    params: T2I_PARAMS,
    promptExtendDefault: true,
    outputFormat: 'png',
    regions: BOTH_REGIONS,
    rateLimits: ASSUMED_SYNC_LIMITS,
    typicalDurationMs: 15_000,
  };
}

/** Every model, in the order the UI lists them. */
export const MODELS: readonly ModelSpec[] = [
  qwenTextToImage('qwen-image-max', 'Qwen-Image Max', '千问文生图 Max', false),
  qwenTextToImage('qwen-image-plus', 'Qwen-Image Plus', '千问文生图 Plus', true),
  qwenTextToImage('qwen-image', 'Qwen-Image', '千问文生图', true),
  {
    id: 'wan2.6-t2i',
    model: 'wan2.6-t2i',
    label: { en: 'Wan 2.6 Text-to-Image', 'zh-cn': '万相 2.6 文生图' },
    task: 'text-to-image',
    mode: 'sync',
    endpoint: 'multimodalGeneration',
    input: 'messages',
    response: 'wan',
    asyncVariant: { endpoint: 'imageGeneration', input: 'messages', response: 'choices' },
    prompt: { required: true, maxLength: 2100, unit: 'chars' },
    negativePromptMaxLength: 500,
    // §2.2: the full 2026 doc says total pixels in [1280*1280, 1440*1440], aspect 1:4..4:1, yet
    // recommends 1104*1472 and 960*1696, which sit just under 1280*1280 (sides rounded to 16).
    // The floor is therefore the smallest recommended size, so every recommendation passes.
    size: {
      kind: 'pixels',
      minPixels: WAN_T2I_MIN_PIXELS,
      maxPixels: 1440 * 1440,
      minAspect: 1 / 4,
      maxAspect: 4,
      default: '1280*1280',
      recommended: ['1280*1280', '1104*1472', '1472*1104', '960*1696', '1696*960'],
    },
    n: { min: 1, max: 4, default: 4 },
    params: T2I_PARAMS,
    promptExtendDefault: true,
    outputFormat: 'png',
    regions: BOTH_REGIONS,
    rateLimits: ASSUMED_SYNC_LIMITS,
    typicalDurationMs: 20_000,
  },
  {
    id: 'wan2.5-t2i-preview',
    model: 'wan2.5-t2i-preview',
    label: { en: 'Wan 2.5 Text-to-Image (preview)', 'zh-cn': '万相 2.5 文生图（预览）' },
    task: 'text-to-image',
    mode: 'async',
    endpoint: 'text2image',
    input: 'prompt',
    response: 'results',
    prompt: { required: true, maxLength: 2000, unit: 'chars' },
    negativePromptMaxLength: 500,
    size: {
      kind: 'pixels',
      minPixels: WAN_T2I_MIN_PIXELS,
      maxPixels: 1440 * 1440,
      minAspect: 1 / 4,
      maxAspect: 4,
      default: '1280*1280',
      recommended: ['1280*1280', '1104*1472', '1472*1104', '960*1696', '1696*960', '768*2700'],
    },
    n: { min: 1, max: 4, default: 4 },
    params: T2I_PARAMS,
    promptExtendDefault: true,
    outputFormat: 'png',
    regions: BOTH_REGIONS,
    rateLimits: ASSUMED_ASYNC_LIMITS,
    typicalDurationMs: 15_000,
  },
  {
    id: 'wan2.2-t2i-flash',
    model: 'wan2.2-t2i-flash',
    label: { en: 'Wan 2.2 Text-to-Image Flash', 'zh-cn': '万相 2.2 文生图 极速版' },
    task: 'text-to-image',
    mode: 'async',
    endpoint: 'text2image',
    input: 'prompt',
    response: 'results',
    prompt: { required: true, maxLength: 500, unit: 'chars' },
    negativePromptMaxLength: 500,
    size: { kind: 'sides', minSide: 512, maxSide: 1440, default: '1024*1024', recommended: ['1024*1024', '768*1024', '1024*768', '1440*1440', '720*1280', '1280*720'] },
    n: { min: 1, max: 4, default: 4 },
    params: T2I_PARAMS,
    promptExtendDefault: true,
    outputFormat: 'png',
    regions: BOTH_REGIONS,
    rateLimits: ASSUMED_ASYNC_LIMITS,
    typicalDurationMs: 6_000,
  },
  {
    id: 'z-image-turbo',
    model: 'z-image-turbo',
    label: { en: 'Z-Image Turbo', 'zh-cn': 'Z-Image 极速版' },
    task: 'text-to-image',
    mode: 'sync',
    endpoint: 'multimodalGeneration',
    input: 'messages',
    response: 'z-image',
    prompt: { required: true, maxLength: 800, unit: 'chars' },
    size: {
      kind: 'pixels',
      minPixels: 512 * 512,
      maxPixels: 2048 * 2048,
      minAspect: 1 / 4,
      maxAspect: 4,
      default: '1024*1536',
      recommended: ['1024*1024', '1024*1536', '1536*1024', '1120*1440', '1440*1120', '1280*1280', '1536*1536'],
    },
    // §2.2: n not documented, fixed 1 ("num_images_per_prompt must be 1").
    n: { min: 1, max: 1, default: 1 },
    params: ['size', 'prompt_extend', 'seed'],
    promptExtendDefault: false,
    outputFormat: 'png',
    regions: BOTH_REGIONS,
    rateLimits: ASSUMED_SYNC_LIMITS,
    typicalDurationMs: 4_000,
  },
  {
    id: 'qwen-image-edit-plus',
    model: 'qwen-image-edit-plus',
    label: { en: 'Qwen-Image Edit Plus', 'zh-cn': '千问图像编辑 Plus' },
    task: 'image-edit',
    mode: 'sync',
    endpoint: 'multimodalGeneration',
    input: 'messages',
    response: 'qwen',
    prompt: { required: true, maxLength: 800, unit: 'tokens' },
    negativePromptMaxLength: 500,
    // §2.2: width and height each in [512, 2048]; default ≈1024*1024 with the last image's aspect.
    size: { kind: 'sides', minSide: 512, maxSide: 2048, default: null, recommended: ['1024*1024', '1328*1328', '1664*928', '928*1664', '1472*1104', '1104*1472'] },
    n: { min: 1, max: 6, default: 1 },
    params: T2I_PARAMS,
    promptExtendDefault: true,
    images: {
      min: 1,
      max: 3,
      formats: ['jpg', 'png', 'bmp', 'tiff', 'webp', 'gif'],
      minSide: 384,
      maxSide: 3072,
      maxBytes: 10 * 1024 * 1024,
      accepts: ['url', 'oss', 'data'],
    },
    outputFormat: 'png',
    outputSizeStep: 16,
    regions: BOTH_REGIONS,
    rateLimits: ASSUMED_SYNC_LIMITS,
    typicalDurationMs: 15_000,
  },
  {
    id: 'wan2.6-image',
    model: 'wan2.6-image',
    label: { en: 'Wan 2.6 Image Edit', 'zh-cn': '万相 2.6 图像编辑' },
    task: 'image-edit',
    mode: 'sync',
    endpoint: 'multimodalGeneration',
    input: 'messages',
    response: 'wan',
    asyncVariant: { endpoint: 'imageGeneration', input: 'messages', response: 'choices' },
    prompt: { required: true, maxLength: 2000, unit: 'chars' },
    negativePromptMaxLength: 500,
    size: {
      kind: 'pixels',
      minPixels: 768 * 768,
      maxPixels: 2048 * 2048,
      minAspect: 1 / 4,
      maxAspect: 4,
      default: '1K',
      recommended: WAN_RECOMMENDED,
      presets: ['1K', '2K'],
    },
    n: { min: 1, max: 4, default: 4 },
    params: T2I_PARAMS,
    promptExtendDefault: true,
    requiredParameters: { enable_interleave: false },
    images: { ...WAN26_IMAGE_INPUT, min: 1, max: 4 },
    outputFormat: 'png',
    outputSizeStep: 16,
    regions: BOTH_REGIONS,
    rateLimits: ASSUMED_SYNC_LIMITS,
    typicalDurationMs: 25_000,
  },
  {
    id: 'wan2.6-image:interleave',
    model: 'wan2.6-image',
    label: { en: 'Wan 2.6 Interleaved Text & Images', 'zh-cn': '万相 2.6 图文混排' },
    task: 'interleave',
    mode: 'stream',
    endpoint: 'multimodalGeneration',
    input: 'messages',
    response: 'wan',
    prompt: { required: true, maxLength: 2000, unit: 'chars' },
    negativePromptMaxLength: 500,
    size: {
      kind: 'pixels',
      minPixels: 768 * 768,
      maxPixels: 1280 * 1280,
      minAspect: 1 / 4,
      maxAspect: 4,
      default: null,
      recommended: WAN_RECOMMENDED,
    },
    // §2.2: interleave mode n must be 1.
    n: { min: 1, max: 1, default: 1 },
    maxImages: { min: 1, max: 5, default: 5 },
    params: ['negative_prompt', 'size', 'n', 'watermark', 'seed', 'max_images'],
    // §3.1: both the SSE header and parameters.stream=true are required.
    requiredParameters: { enable_interleave: true, stream: true },
    images: { ...WAN26_IMAGE_INPUT, min: 0, max: 1 },
    outputFormat: 'png',
    outputSizeStep: 16,
    regions: BOTH_REGIONS,
    rateLimits: ASSUMED_SYNC_LIMITS,
    typicalDurationMs: 40_000,
  },
  {
    id: 'qwen-mt-image',
    model: 'qwen-mt-image',
    label: { en: 'Qwen-MT Image Translation', 'zh-cn': '千问图像翻译' },
    task: 'translate',
    mode: 'async',
    endpoint: 'image2image',
    input: 'image_url',
    response: 'image_url',
    prompt: { required: false, maxLength: 0, unit: 'chars' },
    size: { kind: 'none' },
    n: { min: 1, max: 1, default: 1 },
    params: [],
    images: {
      min: 1,
      max: 1,
      formats: ['jpg', 'png', 'bmp', 'pnm', 'ppm', 'tiff', 'webp'],
      minSide: 15,
      maxSide: 8192,
      maxBytes: 100 * 1024 * 1024,
      minAspect: 1 / 10,
      maxAspect: 10,
      // §4.3: URL only; a local file goes through the temporary upload (§7).
      accepts: ['url', 'oss'],
    },
    outputFormat: 'jpg',
    // §1.1: qwen-mt-image is served in Beijing only.
    regions: ['beijing'],
    // §8: submit RPS 1, 2 concurrent tasks, query RPS 1.
    rateLimits: { requestsPerSecond: 1, concurrent: 2, queryPerSecond: 1, assumed: false },
    typicalDurationMs: 7_000,
  },
];

/** qwen-mt-image languages (§4.3): codes and the full English names the service also accepts. */
export const MT_LANGUAGES = {
  zh: 'Chinese',
  en: 'English',
  ko: 'Korean',
  ja: 'Japanese',
  ru: 'Russian',
  es: 'Spanish',
  fr: 'French',
  pt: 'Portuguese',
  it: 'Italian',
  vi: 'Vietnamese',
  de: 'German',
  ms: 'Malay',
  th: 'Thai',
  id: 'Indonesian',
  ar: 'Arabic',
} as const;

export type MtLanguage = keyof typeof MT_LANGUAGES;

/** Languages allowed as source (`auto` too) and as target (§4.3). */
export const MT_SOURCE_LANGUAGES: readonly MtLanguage[] = ['zh', 'en', 'ko', 'ja', 'ru', 'es', 'fr', 'pt', 'it', 'vi', 'de'];
export const MT_TARGET_LANGUAGES: readonly MtLanguage[] = ['zh', 'en', 'ko', 'ja', 'ru', 'es', 'fr', 'pt', 'it', 'vi', 'ms', 'th', 'id', 'ar'];

/**
 * Resolves a language given as a code or full name, case-insensitively (§4.3), to its code;
 * `auto` stays `auto`. Returns undefined for anything else.
 */
export function resolveMtLanguage(value: string): MtLanguage | 'auto' | undefined {
  const v = value.trim().toLowerCase();
  if (v === 'auto') return 'auto';
  for (const [code, name] of Object.entries(MT_LANGUAGES)) {
    if (v === code || v === name.toLowerCase()) return code as MtLanguage;
  }
  return undefined;
}

/** Looks a catalog entry up by its id (`wan2.6-image:interleave`) or wire model name. */
export function findModel(idOrModel: string): ModelSpec | undefined {
  return MODELS.find((m) => m.id === idOrModel) ?? MODELS.find((m) => m.model === idOrModel);
}

/** Like {@link findModel} but throws a message that lists the known ids. */
export function getModel(idOrModel: string): ModelSpec {
  const spec = findModel(idOrModel);
  if (!spec) {
    throw new Error(`Unknown model "${idOrModel}". Known models: ${MODELS.map((m) => m.id).join(', ')}.`);
  }
  return spec;
}

/** Parses `W*H` (the wire form; `x` and `×` are accepted for convenience). */
export function parseSize(size: string): { width: number; height: number } | undefined {
  const m = /^\s*(\d{1,5})\s*[*x×]\s*(\d{1,5})\s*$/i.exec(size);
  if (!m) return undefined;
  const width = Number(m[1]);
  const height = Number(m[2]);
  if (width <= 0 || height <= 0) return undefined;
  return { width, height };
}

/** Formats a size in the wire form `W*H`. */
export function formatSize(width: number, height: number): string {
  return `${width}*${height}`;
}

/**
 * Checks a size against a rule. Returns undefined when it is acceptable, else a sentence that
 * says what the model accepts, suitable for the user ("… accepts 1664*928, 1472*1104 …").
 */
export function checkSize(rule: SizeRule, size: string, modelId: string): string | undefined {
  if (rule.kind === 'none') return `${modelId} takes no size: the output has the size of the input image.`;
  if (rule.kind === 'pixels' && rule.presets?.includes(size.trim().toUpperCase())) return undefined;
  if (rule.kind === 'list') {
    const wanted = parseSize(size);
    const normalized = wanted ? formatSize(wanted.width, wanted.height) : size;
    return rule.sizes.includes(normalized) ? undefined : `${modelId} accepts only these sizes: ${rule.sizes.join(', ')}.`;
  }
  const wh = parseSize(size);
  if (!wh) return `Size "${size}" is not of the form WIDTH*HEIGHT (for example ${rule.default ?? rule.recommended[0]}).`;
  if (rule.kind === 'sides') {
    if (wh.width < rule.minSide || wh.width > rule.maxSide || wh.height < rule.minSide || wh.height > rule.maxSide) {
      return `${modelId} needs width and height each between ${rule.minSide} and ${rule.maxSide} pixels; ${size} is outside.`;
    }
    return undefined;
  }
  const pixels = wh.width * wh.height;
  if (pixels < rule.minPixels || pixels > rule.maxPixels) {
    const bound = (n: number) => describePixels(n, rule.recommended);
    return `${modelId} needs a total pixel count between ${bound(rule.minPixels)} and ${bound(rule.maxPixels)}; ${size} has ${pixels}. Try ${rule.recommended.slice(0, 3).join(', ')}.`;
  }
  const aspect = wh.width / wh.height;
  if (aspect < rule.minAspect - 1e-9 || aspect > rule.maxAspect + 1e-9) {
    return `${modelId} needs an aspect ratio between ${describeAspect(rule.minAspect)} and ${describeAspect(rule.maxAspect)}; ${size} is outside.`;
  }
  return undefined;
}

/** A pixel count as `S*S` when square, else as a recommended size of that area, else a number. */
function describePixels(pixels: number, recommended: readonly string[]): string {
  const side = Math.round(Math.sqrt(pixels));
  if (side * side === pixels) return `${side}*${side}`;
  const named = recommended.find((r) => {
    const wh = parseSize(r);
    return wh !== undefined && wh.width * wh.height === pixels;
  });
  return named ? `${named} (${pixels} px)` : `${pixels} px`;
}

function describeAspect(aspect: number): string {
  return aspect >= 1 ? `${aspect}:1` : `1:${Math.round(1 / aspect)}`;
}

/** One line on what sizes a rule accepts, for help texts and pickers. */
export function describeSizeRule(rule: SizeRule): string {
  const fallback = rule.kind !== 'list' && rule.kind !== 'none' && rule.default ? ` (default ${rule.default})` : '';
  switch (rule.kind) {
    case 'list':
      return rule.sizes.join(', ');
    case 'none':
      return 'same as the input image';
    case 'sides':
      return `each side ${rule.minSide}–${rule.maxSide}${fallback}`;
    case 'pixels': {
      const bound = (n: number) => describePixels(n, rule.recommended);
      const presets = rule.presets?.length ? `, or ${rule.presets.join('/')}` : '';
      return `${bound(rule.minPixels)}…${bound(rule.maxPixels)} pixels, aspect ${describeAspect(rule.minAspect)}–${describeAspect(rule.maxAspect)}${presets}${fallback}`;
    }
  }
}

/** Models for one task, in UI order. */
export function modelsForTask(task: Task): ModelSpec[] {
  return MODELS.filter((m) => m.task === task);
}
