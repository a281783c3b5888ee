/**
 * The model catalog: every image model the extension speaks to, as data.
 *
 * One source of truth (house style §3): the client validates requests against it, the studio
 * gates its controls with it, the CLI documents its options from it. Adding a model is adding one
 * entry to {@link MODELS}.
 *
 * Facts come from ../shared/reference/dashscope-api.md (§ numbers), newer-models.md ("N§") and
 * prices.md. Where the reference lists a fact as unconfirmed, the entry says `assumed` (rate
 * limits) or carries a note (prices, regions).
 *
 * How the catalog is shaped, and why:
 * - **One entry per model family, snapshots as versions.** `qwen-image-2.0` lists its dated
 *   snapshots in `versions` (`qwen-image-2.0-2026-03-03`). {@link findModel} and {@link getModel}
 *   accept a snapshot id and return the family's entry, so callers that only look models up keep
 *   working; a request pins a snapshot with `model: '<snapshot id>'` or `version`, and the
 *   validated request carries the exact wire id it sends (`wireModel`) for provenance. Snapshots
 *   share the family's rules; where one differs (qwen-image-plus-2026-01-09 has no async variant)
 *   the version says so.
 * - **A model that does several things lists them in `tasks`.** qwen-image-2.0*, qwen-image-3.0*
 *   and wan2.7-image* take 0..N images: none is text-to-image, some is editing. They are ONE entry
 *   with `tasks: ['text-to-image', 'image-edit']` (the call is the same, only the images differ),
 *   and {@link modelsForTask} lists them under both. `task` is kept as the primary task (the first
 *   of `tasks`) for callers that group by one task. A separate catalog id is used only where the
 *   call itself differs: `wan2.6-image:interleave` streams with other parameters.
 * - **Order: newest of each kind first.** {@link MODELS} lists the newest model of each line
 *   first (Qwen image, Wan image, Z-Image, Qwen edit, …); older ones stay fully supported.
 *   {@link modelsForTask} puts the task's default ({@link DEFAULT_MODEL_IDS}) first and then follows
 *   {@link MODELS}, so a picker's first entry stays a generally available model with confirmed
 *   limits rather than whatever shipped last (qwen-image-3.0 may need access on the account).
 * - **Regions.** Beijing, Singapore and US (Virginia); `regions` follows the reference's tables
 *   (N§1) and {@link regionAvailability} says, per region, what is served and why the rest is not.
 * - **Prices are data** (`prices`, per region, CNY per successful image, {@link PRICE_LIST} date);
 *   an unknown price is `null`, never 0. prices.ts turns a request into an estimate.
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
  /** qwen-image-3.0: like qwen, plus `output.rewrite_status` and `usage.output_width/output_height/output_image_count` (N§5). */
  | 'qwen3'
  /** wan: `type` on items, `output.finished`, `usage.size`; image sets = one choice, several items (N§3). */
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

/** Every task, in the order menus list them. */
export const TASKS: readonly Task[] = ['text-to-image', 'image-edit', 'interleave', 'translate'];

/** Optional request parameters a model understands (anything else is not sent). */
export type ParamName =
  | 'negative_prompt'
  | 'size'
  | 'n'
  | 'prompt_extend'
  | 'watermark'
  | 'seed'
  | 'max_images'
  /** wan2.7: image-set (组图) mode (N§3). */
  | 'enable_sequential'
  /** wan2.7: think before drawing; effective only for text-to-image without an image set (N§3). */
  | 'thinking_mode'
  /** wan2.7: 3–10 `{hex, ratio}` colours (N§3). */
  | 'color_palette'
  /** wan2.7: boxes per input image for interactive edits (N§3). */
  | 'bbox_list'
  /** qwen-image-3.0: `direct` or `agent` prompt extension (N§5). */
  | 'prompt_extend_mode'
  /** qwen-image-3.0: thinking, only with prompt extension (N§5). */
  | 'enable_thinking';

/**
 * Size rules. Sizes are `W*H` strings on the wire.
 * - `list`: only the listed sizes are accepted.
 * - `pixels`: `W*H` whose total pixel count lies in [minPixels, maxPixels] and whose aspect ratio
 *   (W/H) lies in [minAspect, maxAspect] when those are given; `presets` are named sizes such as `1K` / `2K`.
 * - `sides`: each of W and H in [minSide, maxSide].
 * - `none`: the model takes no size (output follows the input image).
 */
export type SizeRule =
  | { kind: 'list'; sizes: readonly string[]; default: string }
  | {
      kind: 'pixels';
      minPixels: number;
      maxPixels: number;
      /** Aspect ratio bounds W/H; absent where the reference states none (qwen-image-2.0). */
      minAspect?: number;
      maxAspect?: number;
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
  /** 0 for models that also do text-to-image without images. */
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

/**
 * Rate limits; `assumed` where the reference has no published number (§8, N§4). Where a model's
 * submit limit is unknown the catalog is conservative: 2/minute for the top (`-max`/`-pro`) tier,
 * like the published qwen-image-max and qwen-image-edit-max limits, else 2/second.
 */
export interface RateLimits {
  /**
   * Submit (or sync call) requests per second per account. A per-minute limit is given here as
   * its per-second rate (2/minute → 2/60), so pacing by `1000 / requestsPerSecond` ms stays right.
   */
  requestsPerSecond: number;
  /** Set when the published limit is per minute (qwen-image-max: 2/minute); `requestsPerSecond` is this / 60. */
  requestsPerMinute?: number;
  /**
   * Calls in flight at once in the model's own mode: sync calls for sync models, tasks PENDING or
   * RUNNING for async ones. `Infinity` where the service publishes "unlimited" (sync, N§4).
   */
  concurrent: number;
  /** Tasks PENDING or RUNNING at once through the async variant, when published and different (qwen-image-plus: 2, N§4). */
  asyncConcurrent?: number;
  /** `GET /tasks/{id}` queries per second for this model's tasks. */
  queryPerSecond: number;
  /** The submit limit is not published (or not for this model); the figure is the catalog's conservative guess. */
  assumed: boolean;
}

/** One dated snapshot of a model family (N§4): pin it for reproducible results. */
export interface ModelVersion {
  /** The wire id, e.g. `qwen-image-2.0-2026-03-03`. */
  model: string;
  /** The snapshot date (from the id), `YYYY-MM-DD`. */
  date: string;
  /** The family alias points at this snapshot according to the reference (aliases move, N§4). */
  current?: boolean;
  /** This snapshot has no async variant although the family has one (qwen-image-plus-2026-01-09, N§2). */
  syncOnly?: boolean;
  /** The price list does not name this snapshot; the family's price is used (INFERRED). */
  priceInferred?: boolean;
}

/** The list price of a model in one region, per successfully generated image. */
export interface RegionPrice {
  /** Price per image in {@link PRICE_LIST}.currency; `null` when no price is published (unknown, never 0). */
  perImage: number | null;
  /** z-image-turbo: the price per image with `prompt_extend` on (prices.md rule 5). */
  perImagePromptExtend?: number;
  /** Where the figure comes from when it is not read directly off the price list, or why it is unknown. */
  note?: string;
}

/** The price list every {@link RegionPrice} comes from (prices.md). */
export const PRICE_LIST = {
  /** When the (undated) official price pages were collected. */
  date: '2026-12-01',
  /** Singapore prices are the CNY figures the Chinese page states; USD figures are not published (prices.md). */
  currency: 'CNY',
  source: 'https://help.aliyun.com/zh/model-studio/model-pricing',
} as const;

/** Localized text the UI can show. */
export interface LocalizedText {
  en: string;
  'zh-cn': string;
}

/** One image model (or one mode of a model, for wan2.6-image). */
export interface ModelSpec {
  /** Unique catalog id; equals `model` except for extra modes (`wan2.6-image:interleave`). */
  id: string;
  /** The `model` value on the wire (the family alias; see `versions` for dated snapshots). */
  model: string;
  label: LocalizedText;
  /** The primary task (`tasks[0]`), for callers that group by one task. */
  task: Task;
  /** Every task the model does; models that take 0..N images list text-to-image and image-edit. */
  tasks: readonly Task[];
  /** Dated snapshots, newest first; the request's `version` (or a snapshot id as `model`) pins one. */
  versions?: readonly ModelVersion[];
  mode: CallMode;
  endpoint: EndpointKey;
  input: InputShape;
  response: ResponseFamily;
  /** A second way to call the same model as an async task (§4.1, §4.2), if there is one. */
  asyncVariant?: { endpoint: EndpointKey; input: InputShape; response: ResponseFamily };
  /** Prompt length limit; `unit` says how the service counts it. */
  prompt: { required: boolean; maxLength: number; unit: 'chars' | 'tokens' };
  negativePromptMaxLength?: number;
  /** Size rule for text-to-image (and for everything when `editSize` is absent). */
  size: SizeRule;
  /** Size rule with input images or in image-set mode, where it differs (wan2.7-image-pro: no 4K, ≤ 2048*2048). */
  editSize?: SizeRule;
  /** `fixed` models accept only n=1 (otherwise "num_images_per_prompt must be 1"). */
  n: { min: number; max: number; default: number };
  /** wan2.7 image sets (`enable_sequential`): n is an upper bound with its own range (N§3). */
  imageSet?: { n: { min: number; max: number; default: number } };
  /** interleave mode: `max_images` bounds. */
  maxImages?: { min: number; max: number; default: number };
  params: readonly ParamName[];
  promptExtendDefault?: boolean;
  /** Default of `thinking_mode` (wan2.7) or `enable_thinking` (qwen-image-3.0). */
  thinkingDefault?: boolean;
  /** qwen-image-3.0: accepted `prompt_extend_mode` values; `agent` is text-to-image only (N§5). */
  promptExtendModes?: readonly ('direct' | 'agent')[];
  /** wan2.7 `color_palette`: how many colours (N§3). */
  colorPalette?: { min: number; max: number };
  /** wan2.7 `bbox_list`: boxes per input image (N§3). */
  bboxes?: { maxPerImage: number };
  images?: ImageInputRule;
  /** Requests to this mode must carry these parameter values (e.g. interleave needs stream). */
  requiredParameters?: Readonly<Record<string, unknown>>;
  /** Output image format. */
  outputFormat: 'png' | 'jpg';
  /** The service rounds each side of the output to a multiple of this (§2.2: "1033*1032 → 1040*1024"). */
  outputSizeStep?: 16;
  /** Regions where the model is served (§1.1, N§1). */
  regions: readonly Region[];
  /** Region caveats a picker can show (e.g. a model documented only on the workspace domain there). */
  regionNotes?: Partial<Record<Region, string>>;
  /** Set when the model may have to be activated or applied for on the account first (qwen-image-3.0 started invite-only). */
  access?: LocalizedText;
  rateLimits: RateLimits;
  /** List price per region; a region the model is served in but has no price is `{perImage: null}`. */
  prices: Partial<Record<Region, RegionPrice>>;
  /** Typical wall-clock time of one call, or of one task from submit to end (queue included), in ms. */
  typicalDurationMs: number;
}

/** Service regions; a key belongs to exactly one (§1.1, N§1). */
export type Region = 'beijing' | 'singapore' | 'us';

/** Every region, in the order pickers list them. */
export const REGIONS: readonly Region[] = ['beijing', 'singapore', 'us'];

export const REGION_BASE_URLS: Readonly<Record<Region, string>> = {
  beijing: 'https://dashscope.aliyuncs.com/api/v1',
  singapore: 'https://dashscope-intl.aliyuncs.com/api/v1',
  // N§1: the Global deployment mode (unsuffixed model names); US mode would need `-us` names, and no `-us` image model exists.
  us: 'https://dashscope-us.aliyuncs.com/api/v1',
};

/** Human names of the regions, for messages. */
export const REGION_NAMES: Readonly<Record<Region, string>> = {
  beijing: 'Beijing',
  singapore: 'Singapore',
  us: 'US (Virginia)',
};

/** `seed` range of every model (§2.2). */
export const SEED_MAX = 2147483647;

/** Maximum decoded bytes of one `data:` URI item (§7). */
export const DATA_URI_MAX_BYTES = 10 * 1024 * 1024;

/** Task ids and result URLs live 24 h (§8). */
export const RESULT_RETENTION_MS = 24 * 60 * 60 * 1000;

/** The task query rate the docs state for most models (§5.1). */
export const DEFAULT_TASK_QUERY_RPS = 20;

const MB = 1024 * 1024;
const QWEN_T2I_SIZES = ['1664*928', '1472*1104', '1328*1328', '1104*1472', '928*1664'] as const;
const WAN_RECOMMENDED = ['1280*1280', '800*1200', '1200*800', '960*1280', '1280*960', '720*1280', '1280*720', '1344*576'] as const;
/** The qwen edit page's recommended sizes (N§4), all inside every qwen edit rule. */
const QWEN_EDIT_RECOMMENDED = ['1024*1024', '1536*1536', '768*1152', '1024*1536', '1152*768', '1536*1024', '960*1280', '1080*1440', '1280*960', '1440*1080', '720*1280', '1080*1920', '1280*720', '1920*1080', '1344*576', '2048*872'] as const;
/** wan2.6-image input limits, both modes (§2.2); the modes differ only in how many images. */
const WAN26_IMAGE_INPUT: Omit<ImageInputRule, 'min' | 'max'> = {
  formats: ['jpg', 'png', 'bmp', 'webp'],
  minSide: 240,
  maxSide: 8000,
  maxBytes: 10 * MB,
  accepts: ['url', 'oss', 'data'],
  // "PNG (no alpha)".
  alphaAllowed: false,
};
/** qwen-image edit inputs (§2.2 qwen-image-edit family, N§4): 1–3 images. */
const QWEN_EDIT_INPUT: Omit<ImageInputRule, 'min'> = {
  max: 3,
  formats: ['jpg', 'png', 'bmp', 'tiff', 'webp', 'gif'],
  minSide: 384,
  maxSide: 3072,
  maxBytes: 10 * MB,
  accepts: ['url', 'oss', 'data'],
};

/** 1104*1472: the smallest size the wan t2i docs recommend (see wan2.6-t2i below). */
const WAN_T2I_MIN_PIXELS = 1104 * 1472;
const BOTH_REGIONS: readonly Region[] = ['beijing', 'singapore'];
const ALL_REGIONS: readonly Region[] = ['beijing', 'singapore', 'us'];

/** Assumed limits for sync models whose numbers are not published (§10). */
const ASSUMED_SYNC_LIMITS: RateLimits = { requestsPerSecond: 2, concurrent: 2, queryPerSecond: DEFAULT_TASK_QUERY_RPS, assumed: true };
const ASSUMED_ASYNC_LIMITS: RateLimits = { requestsPerSecond: 2, concurrent: 2, queryPerSecond: DEFAULT_TASK_QUERY_RPS, assumed: true };
/** N§4 rate-limit table: 2 submits per second, sync concurrency unlimited (Beijing and Singapore identical). */
const PUBLISHED_2_PER_SECOND: RateLimits = { requestsPerSecond: 2, concurrent: Infinity, queryPerSecond: DEFAULT_TASK_QUERY_RPS, assumed: false };

/**
 * A per-minute submit limit (N§4: qwen-image-max and qwen-image-edit-max publish 2/minute, sync
 * unlimited); an assumed one keeps the cautious concurrency of 2.
 */
function perMinute(requests: number, assumed: boolean): RateLimits {
  return { requestsPerSecond: requests / 60, requestsPerMinute: requests, concurrent: assumed ? 2 : Infinity, queryPerSecond: DEFAULT_TASK_QUERY_RPS, assumed };
}

/** Beijing + Singapore list prices (prices.md / N§4), CNY per image. */
function cnPrices(beijing: number, singapore: number): Partial<Record<Region, RegionPrice>> {
  return { beijing: { perImage: beijing }, singapore: { perImage: singapore } };
}

/** Served but unpriced in every region listed (qwen-image-3.0, N§5/§6). */
function unknownPrices(regions: readonly Region[], note: string): Partial<Record<Region, RegionPrice>> {
  return Object.fromEntries(regions.map((r) => [r, { perImage: null, note }]));
}

const T2I_PARAMS: readonly ParamName[] = ['negative_prompt', 'size', 'n', 'prompt_extend', 'watermark', 'seed'];

function qwenTextToImage(
  model: string,
  en: string,
  zh: string,
  asyncVariant: boolean,
  rest: Pick<ModelSpec, 'rateLimits' | 'prices'> & Partial<Pick<ModelSpec, 'versions'>>,
): ModelSpec {
  return {
    id: model,
    model,
    label: { en, 'zh-cn': zh },
    task: 'text-to-image',
    tasks: ['text-to-image'],
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
    typicalDurationMs: 15_000,
    ...rest,
  };
}

/**
 * qwen-image-2.0(-pro): text-to-image without images, editing with 1–3, one sync call (§2.2, N§4).
 * Total pixels [512², 2048²] both ways; no aspect bound is stated for 2.0, so none is checked.
 */
function qwenImage2(
  model: string,
  en: string,
  zh: string,
  rest: Pick<ModelSpec, 'versions' | 'rateLimits' | 'prices' | 'typicalDurationMs'>,
): ModelSpec {
  const pixels = { kind: 'pixels', minPixels: 512 * 512, maxPixels: 2048 * 2048 } as const;
  return {
    id: model,
    model,
    label: { en, 'zh-cn': zh },
    task: 'text-to-image',
    tasks: ['text-to-image', 'image-edit'],
    mode: 'sync',
    endpoint: 'multimodalGeneration',
    input: 'messages',
    response: 'qwen',
    // N§4: the 2.0 series has no async endpoint.
    prompt: { required: true, maxLength: 1300, unit: 'tokens' },
    negativePromptMaxLength: 500,
    size: { ...pixels, default: '2048*2048', recommended: ['2048*2048', '2688*1536', '1536*2688', '2368*1728', '1728*2368'] },
    // N§4: with images the default is ≈1024*1024 with the last image's aspect (the EN page says "as the input"; unconfirmed which).
    editSize: { ...pixels, default: null, recommended: QWEN_EDIT_RECOMMENDED },
    n: { min: 1, max: 6, default: 1 },
    params: T2I_PARAMS,
    promptExtendDefault: true,
    images: { ...QWEN_EDIT_INPUT, min: 0 },
    outputFormat: 'png',
    outputSizeStep: 16,
    regions: BOTH_REGIONS,
    ...rest,
  };
}

/** qwen-image-edit-max / -plus: editing only, 1–3 images, each side [512, 2048] (§2.2, N§4). */
function qwenEdit(
  model: string,
  en: string,
  zh: string,
  rest: Pick<ModelSpec, 'versions' | 'rateLimits' | 'prices' | 'typicalDurationMs'>,
): ModelSpec {
  return {
    id: model,
    model,
    label: { en, 'zh-cn': zh },
    task: 'image-edit',
    tasks: ['image-edit'],
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
    images: { ...QWEN_EDIT_INPUT, min: 1 },
    outputFormat: 'png',
    outputSizeStep: 16,
    regions: BOTH_REGIONS,
    ...rest,
  };
}

/** wan2.7 inputs (N§3): 0–9 images, no alpha, each side [240, 8000], aspect 1:8–8:1, ≤ 20 MB. */
const WAN27_IMAGE_INPUT: ImageInputRule = {
  min: 0,
  max: 9,
  formats: ['jpg', 'png', 'bmp', 'webp'],
  minSide: 240,
  maxSide: 8000,
  maxBytes: 20 * MB,
  minAspect: 1 / 8,
  maxAspect: 8,
  // The page lists http(s) URLs and Base64; `oss://` via X-DashScope-OssResourceResolve is INFERRED (N§6).
  accepts: ['url', 'oss', 'data'],
  alphaAllowed: false,
};

/** wan2.7 sizes with images, in image sets, and for wan2.7-image always (N§3): 1K/2K or [768², 2048²]. */
const WAN27_SIZE_2K: SizeRule = {
  kind: 'pixels',
  minPixels: 768 * 768,
  maxPixels: 2048 * 2048,
  minAspect: 1 / 8,
  maxAspect: 8,
  default: '2K',
  // The page names no recommended sizes; the tier squares are inside every rule.
  recommended: ['2048*2048', '1024*1024', '1536*1536'],
  presets: ['1K', '2K'],
};

/** wan2.7-image(-pro): one call for text-to-image, image sets and editing with up to 9 images (N§3). */
function wan27(
  model: string,
  en: string,
  zh: string,
  rest: Pick<ModelSpec, 'size' | 'rateLimits' | 'prices' | 'typicalDurationMs'> & Partial<Pick<ModelSpec, 'editSize'>>,
): ModelSpec {
  return {
    id: model,
    model,
    label: { en, 'zh-cn': zh },
    task: 'text-to-image',
    tasks: ['text-to-image', 'image-edit'],
    mode: 'sync',
    endpoint: 'multimodalGeneration',
    input: 'messages',
    response: 'wan',
    asyncVariant: { endpoint: 'imageGeneration', input: 'messages', response: 'choices' },
    prompt: { required: true, maxLength: 5000, unit: 'chars' },
    n: { min: 1, max: 4, default: 1 },
    imageSet: { n: { min: 1, max: 12, default: 12 } },
    // N§3: no negative_prompt, no prompt_extend (W27G "不支持").
    params: ['size', 'n', 'watermark', 'seed', 'enable_sequential', 'thinking_mode', 'color_palette', 'bbox_list'],
    thinkingDefault: true,
    colorPalette: { min: 3, max: 10 },
    bboxes: { maxPerImage: 2 },
    images: WAN27_IMAGE_INPUT,
    outputFormat: 'png',
    regions: BOTH_REGIONS,
    ...rest,
  };
}

/** qwen-image-3.0(-pro) (N§5): sync + async, 0–3 images, prompt_extend_mode and thinking. */
function qwenImage3(model: string, en: string, zh: string, rest: Pick<ModelSpec, 'rateLimits' | 'typicalDurationMs'>): ModelSpec {
  return {
    id: model,
    model,
    label: { en, 'zh-cn': zh },
    task: 'text-to-image',
    tasks: ['text-to-image', 'image-edit'],
    mode: 'sync',
    endpoint: 'multimodalGeneration',
    input: 'messages',
    response: 'qwen3',
    asyncVariant: { endpoint: 'imageGeneration', input: 'messages', response: 'choices' },
    // "推荐不超过4500 Token": a recommendation the service counts; not enforced here.
    prompt: { required: true, maxLength: 4500, unit: 'tokens' },
    // N§5 names negative_prompt without a length; the 500 of every other qwen model is assumed.
    negativePromptMaxLength: 500,
    // Default: the model picks a size from the prompt.
    size: { kind: 'pixels', minPixels: 512 * 512, maxPixels: 2048 * 2048, minAspect: 1 / 8, maxAspect: 8, default: null, recommended: QWEN_EDIT_RECOMMENDED },
    n: { min: 1, max: 6, default: 1 },
    params: [...T2I_PARAMS, 'prompt_extend_mode', 'enable_thinking'],
    promptExtendDefault: true,
    thinkingDefault: true,
    promptExtendModes: ['direct', 'agent'],
    images: { formats: ['jpg', 'png', 'bmp', 'tiff', 'webp', 'gif'], min: 0, max: 3, minSide: 384, maxSide: 2048, maxBytes: 10 * MB, accepts: ['url', 'oss', 'data'] },
    outputFormat: 'png',
    // N§1/§5: the price and rate-limit tables list it nowhere in the US; only the newest page copy
    // names a US (Virginia) endpoint, on the workspace domain, not on dashscope-us.
    regions: BOTH_REGIONS,
    regionNotes: {
      us: 'Only the newest qwen-image-3.0 page names a US (Virginia) endpoint, on the workspace domain https://{WorkspaceId}.us-east-1.maas.aliyuncs.com/api/v1 (set it as a custom base URL to try it).',
    },
    access: {
      en: 'May need access first: qwen-image-3.0 started invite-only; if calls are refused, apply for it in the Model Studio model square.',
      'zh-cn': '可能需要先开通：千问图像 3.0 曾为邀测模型；若调用被拒绝，请在百炼模型广场申请开通。',
    },
    prices: unknownPrices(BOTH_REGIONS, 'No official price found (N§6); billing is probably tiered by 1K/2K output (INFERRED).'),
    ...rest,
  };
}

/** The tasks' defaults: generally available models with published limits, listed first by {@link modelsForTask}. */
export const DEFAULT_MODEL_IDS: Readonly<Record<Task, string>> = {
  'text-to-image': 'qwen-image-max',
  'image-edit': 'qwen-image-edit-plus',
  interleave: 'wan2.6-image:interleave',
  translate: 'qwen-mt-image',
};

/** Every model, newest of each kind first (see the module comment). */
export const MODELS: readonly ModelSpec[] = [
  // ── Qwen image: generation (and, from 2.0 on, editing in the same call) ──
  qwenImage3('qwen-image-3.0-pro', 'Qwen-Image 3.0 Pro', '千问图像 3.0 Pro', { rateLimits: perMinute(2, true), typicalDurationMs: 30_000 }),
  qwenImage3('qwen-image-3.0', 'Qwen-Image 3.0', '千问图像 3.0', { rateLimits: ASSUMED_SYNC_LIMITS, typicalDurationMs: 20_000 }),
  qwenImage2('qwen-image-2.0-pro', 'Qwen-Image 2.0 Pro', '千问图像 2.0 Pro', {
    // N§4: the zh page says the alias = -2026-04-22; the EN page (Mar 2026) still says -2026-03-03.
    versions: [
      { model: 'qwen-image-2.0-pro-2026-04-22', date: '2026-04-22', current: true, priceInferred: true },
      { model: 'qwen-image-2.0-pro-2026-03-03', date: '2026-03-03' },
    ],
    rateLimits: perMinute(2, true),
    prices: cnPrices(0.5, 0.550443),
    typicalDurationMs: 20_000,
  }),
  qwenImage2('qwen-image-2.0', 'Qwen-Image 2.0', '千问图像 2.0', {
    versions: [{ model: 'qwen-image-2.0-2026-03-03', date: '2026-03-03', current: true }],
    rateLimits: ASSUMED_SYNC_LIMITS,
    prices: cnPrices(0.2, 0.256873),
    typicalDurationMs: 15_000,
  }),
  qwenTextToImage('qwen-image-max', 'Qwen-Image Max', '千问文生图 Max', false, {
    versions: [{ model: 'qwen-image-max-2025-12-30', date: '2025-12-30', current: true }],
    // N§4: 2 per minute, matching the count_limit 2 / 60 s header of the real capture (§8).
    rateLimits: perMinute(2, false),
    prices: cnPrices(0.5, 0.550443),
  }),
  qwenTextToImage('qwen-image-plus', 'Qwen-Image Plus', '千问文生图 Plus', true, {
    // N§2: the snapshot is sync only.
    versions: [{ model: 'qwen-image-plus-2026-01-09', date: '2026-01-09', syncOnly: true }],
    // N§4: sync unlimited, async 2.
    rateLimits: { ...PUBLISHED_2_PER_SECOND, asyncConcurrent: 2 },
    prices: cnPrices(0.2, 0.220177),
  }),
  qwenTextToImage('qwen-image', 'Qwen-Image', '千问文生图', true, { rateLimits: { ...PUBLISHED_2_PER_SECOND, asyncConcurrent: 2 }, prices: cnPrices(0.25, 0.256873) }),
  // ── Wan image: generation, image sets and editing in one call ──
  wan27('wan2.7-image-pro', 'Wan 2.7 Image Pro', '万相 2.7 图像 专业版', {
    // N§3: text-to-image up to 4096*4096 (4K); with images or in image sets at most 2048*2048 (2K).
    size: {
      kind: 'pixels',
      minPixels: 768 * 768,
      maxPixels: 4096 * 4096,
      minAspect: 1 / 8,
      maxAspect: 8,
      default: '2K',
      recommended: ['2048*2048', '1024*1024', '4096*4096'],
      presets: ['1K', '2K', '4K'],
    },
    editSize: WAN27_SIZE_2K,
    rateLimits: perMinute(2, true),
    prices: cnPrices(0.5, 0.562065),
    typicalDurationMs: 30_000,
  }),
  wan27('wan2.7-image', 'Wan 2.7 Image', '万相 2.7 图像', {
    size: WAN27_SIZE_2K,
    rateLimits: ASSUMED_SYNC_LIMITS,
    prices: cnPrices(0.2, 0.220177),
    typicalDurationMs: 20_000,
  }),
  {
    id: 'wan2.6-t2i',
    model: 'wan2.6-t2i',
    label: { en: 'Wan 2.6 Text-to-Image', 'zh-cn': '万相 2.6 文生图' },
    task: 'text-to-image',
    tasks: ['text-to-image'],
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
    // N§1: one of the two image models of the Global (US Virginia) tables.
    regions: ALL_REGIONS,
    rateLimits: ASSUMED_SYNC_LIMITS,
    prices: { ...cnPrices(0.2, 0.220177), us: { perImage: 0.2 } },
    typicalDurationMs: 20_000,
  },
  {
    id: 'wan2.5-t2i-preview',
    model: 'wan2.5-t2i-preview',
    label: { en: 'Wan 2.5 Text-to-Image (preview)', 'zh-cn': '万相 2.5 文生图（预览）' },
    task: 'text-to-image',
    tasks: ['text-to-image'],
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
    prices: cnPrices(0.2, 0.220177),
    typicalDurationMs: 15_000,
  },
  {
    id: 'wan2.2-t2i-flash',
    model: 'wan2.2-t2i-flash',
    label: { en: 'Wan 2.2 Text-to-Image Flash', 'zh-cn': '万相 2.2 文生图 极速版' },
    task: 'text-to-image',
    tasks: ['text-to-image'],
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
    prices: cnPrices(0.14, 0.183481),
    typicalDurationMs: 6_000,
  },
  // ── Z-Image ──
  {
    id: 'z-image-turbo',
    model: 'z-image-turbo',
    label: { en: 'Z-Image Turbo', 'zh-cn': 'Z-Image 极速版' },
    task: 'text-to-image',
    tasks: ['text-to-image'],
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
    // N§4: 2 RPS, sync unlimited.
    rateLimits: PUBLISHED_2_PER_SECOND,
    // prices.md rule 5: prompt_extend doubles the price.
    prices: {
      beijing: { perImage: 0.1, perImagePromptExtend: 0.2 },
      singapore: { perImage: 0.110089, perImagePromptExtend: 0.220177 },
    },
    typicalDurationMs: 4_000,
  },
  // ── Qwen image editing ──
  qwenEdit('qwen-image-edit-max', 'Qwen-Image Edit Max', '千问图像编辑 Max', {
    versions: [{ model: 'qwen-image-edit-max-2026-01-16', date: '2026-01-16', current: true }],
    // N§4: 2 per minute.
    rateLimits: perMinute(2, false),
    prices: cnPrices(0.5, 0.550443),
    typicalDurationMs: 20_000,
  }),
  qwenEdit('qwen-image-edit-plus', 'Qwen-Image Edit Plus', '千问图像编辑 Plus', {
    versions: [
      { model: 'qwen-image-edit-plus-2025-12-15', date: '2025-12-15' },
      { model: 'qwen-image-edit-plus-2025-10-30', date: '2025-10-30', current: true },
    ],
    rateLimits: PUBLISHED_2_PER_SECOND,
    prices: cnPrices(0.2, 0.220177),
    typicalDurationMs: 15_000,
  }),
  // ── Wan 2.6 image: editing, and interleaved text & images ──
  {
    id: 'wan2.6-image',
    model: 'wan2.6-image',
    label: { en: 'Wan 2.6 Image Edit', 'zh-cn': '万相 2.6 图像编辑' },
    task: 'image-edit',
    tasks: ['image-edit'],
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
    // N§1: one of the two image models of the Global (US Virginia) tables.
    regions: ALL_REGIONS,
    rateLimits: ASSUMED_SYNC_LIMITS,
    prices: { ...cnPrices(0.2, 0.220177), us: { perImage: 0.2 } },
    typicalDurationMs: 25_000,
  },
  {
    id: 'wan2.6-image:interleave',
    model: 'wan2.6-image',
    label: { en: 'Wan 2.6 Interleaved Text & Images', 'zh-cn': '万相 2.6 图文混排' },
    task: 'interleave',
    tasks: ['interleave'],
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
    regions: ALL_REGIONS,
    rateLimits: ASSUMED_SYNC_LIMITS,
    // prices.md: one price for both modes of wan2.6-image.
    prices: { ...cnPrices(0.2, 0.220177), us: { perImage: 0.2 } },
    typicalDurationMs: 40_000,
  },
  // ── Translation ──
  {
    id: 'qwen-mt-image',
    model: 'qwen-mt-image',
    label: { en: 'Qwen-MT Image Translation', 'zh-cn': '千问图像翻译' },
    task: 'translate',
    tasks: ['translate'],
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
      maxBytes: 100 * MB,
      minAspect: 1 / 10,
      maxAspect: 10,
      // §4.3: URL only; a local file goes through the temporary upload (§7).
      accepts: ['url', 'oss'],
    },
    outputFormat: 'jpg',
    // §1.1: qwen-mt-image is served in Beijing only.
    regions: ['beijing'],
    regionNotes: { singapore: 'qwen-mt-image is deployed in the Chinese Mainland (Beijing) only.', us: 'qwen-mt-image is deployed in the Chinese Mainland (Beijing) only.' },
    // §8: submit RPS 1, 2 concurrent tasks, query RPS 1.
    rateLimits: { requestsPerSecond: 1, concurrent: 2, queryPerSecond: 1, assumed: false },
    prices: { beijing: { perImage: 0.003 } },
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

/**
 * Looks a catalog entry up by its id (`wan2.6-image:interleave`), wire model name, or the id of
 * one of its dated snapshots (`qwen-image-2.0-2026-03-03` → the qwen-image-2.0 entry).
 */
export function findModel(idOrModel: string): ModelSpec | undefined {
  return (
    MODELS.find((m) => m.id === idOrModel) ??
    MODELS.find((m) => m.model === idOrModel) ??
    MODELS.find((m) => m.versions?.some((v) => v.model === idOrModel))
  );
}

/** Like {@link findModel} but throws a message that lists the known ids. */
export function getModel(idOrModel: string): ModelSpec {
  const spec = findModel(idOrModel);
  if (!spec) {
    throw new Error(`Unknown model "${idOrModel}". Known models: ${MODELS.map((m) => m.id).join(', ')}.`);
  }
  return spec;
}

/** A snapshot of `spec` by its full id (`qwen-image-2.0-2026-03-03`) or its date (`2026-03-03`). */
export function findVersion(spec: Pick<ModelSpec, 'versions'>, idOrDate: string): ModelVersion | undefined {
  const v = idOrDate.trim();
  return spec.versions?.find((s) => s.model === v || s.date === v);
}

/** What a model reference resolves to: the catalog entry, and the exact `model` sent on the wire. */
export interface ResolvedModel {
  spec: ModelSpec;
  /** The wire id: the family alias, or the pinned snapshot. */
  wireModel: string;
  /** The pinned snapshot, when there is one. */
  version?: ModelVersion;
}

/**
 * Resolves a model reference (catalog id, wire name or snapshot id) and an optional `version`
 * (snapshot id or date) to its entry and wire id. Returns undefined for an unknown model or a
 * version the family does not have, or when `idOrModel` names a snapshot and `version` another.
 */
export function resolveModel(idOrModel: string, version?: string): ResolvedModel | undefined {
  const spec = findModel(idOrModel);
  if (!spec) return undefined;
  const named = findVersion(spec, idOrModel);
  if (version === undefined || version.trim() === '') {
    return named ? { spec, wireModel: named.model, version: named } : { spec, wireModel: spec.model };
  }
  const pinned = findVersion(spec, version);
  if (!pinned || (named && named.model !== pinned.model)) return undefined;
  return { spec, wireModel: pinned.model, version: pinned };
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
  if (!wh && rule.kind === 'pixels' && rule.presets?.length && /^\s*\d+\s*K\s*$/i.test(size)) {
    return `${modelId} accepts the presets ${rule.presets.join(', ')} or WIDTH*HEIGHT; "${size}" is not one of them.`;
  }
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
  if ((rule.minAspect !== undefined && aspect < rule.minAspect - 1e-9) || (rule.maxAspect !== undefined && aspect > rule.maxAspect + 1e-9)) {
    return `${modelId} needs an aspect ratio between ${describeAspect(rule.minAspect ?? 0)} and ${describeAspect(rule.maxAspect ?? Infinity)}; ${size} is outside.`;
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
  if (aspect === 0) return 'any';
  if (!Number.isFinite(aspect)) return 'any';
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
      const aspect = rule.minAspect !== undefined && rule.maxAspect !== undefined ? `, aspect ${describeAspect(rule.minAspect)}–${describeAspect(rule.maxAspect)}` : '';
      return `${bound(rule.minPixels)}…${bound(rule.maxPixels)} pixels${aspect}${presets}${fallback}`;
    }
  }
}

/**
 * The size rule that applies to a request: `editSize` with input images or in image-set mode
 * (wan2.7-image-pro: no 4K there, N§3), else the text-to-image rule `size`.
 */
export function sizeRuleFor(spec: Pick<ModelSpec, 'size' | 'editSize'>, context: { imageCount: number; imageSet?: boolean }): SizeRule {
  return spec.editSize && (context.imageCount > 0 || context.imageSet) ? spec.editSize : spec.size;
}

/** The n range that applies: the image-set range with `enable_sequential`, else the model's. */
export function nRangeFor(spec: Pick<ModelSpec, 'n' | 'imageSet'>, imageSet: boolean | undefined): ModelSpec['n'] {
  return imageSet && spec.imageSet ? spec.imageSet.n : spec.n;
}

/**
 * Models for one task: the task's default ({@link DEFAULT_MODEL_IDS}) first, then the others in
 * {@link MODELS} order (newest first). Models with several `tasks` appear under each of them.
 */
export function modelsForTask(task: Task): ModelSpec[] {
  const all = MODELS.filter((m) => m.tasks.includes(task));
  const def = all.find((m) => m.id === DEFAULT_MODEL_IDS[task]);
  return def ? [def, ...all.filter((m) => m !== def)] : all;
}

/** Whether `spec` does `task` (any of its `tasks`). */
export function modelDoes(spec: Pick<ModelSpec, 'tasks'>, task: Task): boolean {
  return spec.tasks.includes(task);
}

/** Lists regions for a sentence: "Beijing", "Beijing and Singapore", "Beijing, Singapore and US (Virginia)". */
export function describeRegions(regions: readonly Region[]): string {
  const names = regions.map((r) => REGION_NAMES[r]);
  return names.length <= 1 ? (names[0] ?? 'no region') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** Why `spec` is not available in `region` (a sentence for pickers), or undefined when it is served there. */
export function regionUnavailableReason(spec: Pick<ModelSpec, 'id' | 'regions' | 'regionNotes'>, region: Region): string | undefined {
  if (spec.regions.includes(region)) return undefined;
  const note = spec.regionNotes?.[region];
  const base = `${spec.id} is not served in ${REGION_NAMES[region]}; it is served in ${describeRegions(spec.regions)}.`;
  if (note) return `${base} ${note}`;
  if (region === 'us') return `${base} The US (Virginia) price and rate-limit tables list only wan2.6-t2i and wan2.6-image among image models.`;
  return base;
}

/** For one region: the models it serves (MODELS order) and, for the others, why they are missing. */
export interface RegionAvailability {
  region: Region;
  served: ModelSpec[];
  missing: { spec: ModelSpec; reason: string }[];
}

/** Lists, for `region`, the models it serves and why the others are missing (pickers say why). */
export function regionAvailability(region: Region): RegionAvailability {
  const served: ModelSpec[] = [];
  const missing: { spec: ModelSpec; reason: string }[] = [];
  for (const spec of MODELS) {
    const reason = regionUnavailableReason(spec, region);
    if (reason) missing.push({ spec, reason });
    else served.push(spec);
  }
  return { region, served, missing };
}

/** The shortest spacing between two submits that keeps within `limits` (per-minute limits spread evenly). */
export function minSubmitIntervalMs(limits: Pick<RateLimits, 'requestsPerSecond'>): number {
  return Math.ceil(1000 / limits.requestsPerSecond);
}
