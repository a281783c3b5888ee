/**
 * The simulator's OWN model table (issue 11): every model the simulator serves, with the rules it
 * enforces, written from the reference and NOT from the client's catalog (src/dashscope/catalog/).
 * If both sides read one table, a wrong entry is agreed on by both and every test passes; with two
 * tables, test/unit/catalog-agreement.test.ts lines them up fact by fact and finds it.
 *
 * Sources: `API §x` = /work/shared/reference/dashscope-api.md, `NEW §x` = newer-models.md (a delta
 * to the former; its tags QT, QE, W27, W27G, Q3, RL, RG are the official pages it quotes).
 * Where the reference is silent the entry says "sim choice" and test/sim/README.md tables it.
 *
 * This module imports nothing.
 */

/** Service regions; a key belongs to exactly one (API §1.1, NEW §1). */
export type Region = 'beijing' | 'singapore' | 'us';

/** Every region the simulator serves, in port order (Beijing `port`, Singapore `port+1`, US `port+2`). */
export const REGIONS: readonly Region[] = ['beijing', 'singapore', 'us'];

/** The real base URLs the regions stand in for (API §1.1; US: NEW §1 "Global mode"). */
export const REGION_BASE_URLS: Readonly<Record<Region, string>> = {
  beijing: 'https://dashscope.aliyuncs.com/api/v1',
  singapore: 'https://dashscope-intl.aliyuncs.com/api/v1',
  us: 'https://dashscope-us.aliyuncs.com/api/v1',
};

/** The four generation endpoints under `/api/v1` (API §9 checklist item 1). */
export const ENDPOINT_PATHS = {
  /** Sync (and SSE) `messages` endpoint (API §2). */
  multimodalGeneration: '/services/aigc/multimodal-generation/generation',
  /** Async `input.prompt` endpoint (API §4.1). */
  text2image: '/services/aigc/text2image/image-synthesis',
  /** Async `input.image_url` endpoint of qwen-mt-image (API §4.3). */
  image2image: '/services/aigc/image2image/image-synthesis',
  /** Async `messages` endpoint with `choices[]` results (API §4.2). */
  imageGeneration: '/services/aigc/image-generation/generation',
} as const;

/** One of {@link ENDPOINT_PATHS}. */
export type EndpointKey = keyof typeof ENDPOINT_PATHS;

/** Where prompt and images travel in the body. */
export type InputShape = 'messages' | 'prompt' | 'image_url';

/**
 * The shape of a success response.
 * - `qwen`: items without `type`, `usage{height,image_count,width}`, `output.task_metric` unless
 *   the model says `taskMetric: false` (API §2.3: "使用qwen-image-2.0系列时无此返回值").
 * - `wan`: `type:"image"` items, `output.finished`, `usage.size` and token fields (API §2.3).
 * - `z-image`: an extra `{text}` item and `reasoning_content` (API §2.3).
 * - `qwen3`: qwen-image-3.0's `output.rewrite_status` and `usage.output_width…` (NEW §5).
 * - `results` / `choices` / `image_url`: task results of the three async endpoints (API §5.3).
 */
export type ResponseFamily = 'qwen' | 'wan' | 'z-image' | 'qwen3' | 'results' | 'choices' | 'image_url';

/** What a model does; `text-and-edit` models take 0 images (text-to-image) or some (editing). */
export type SimTask = 'text-to-image' | 'image-edit' | 'text-and-edit' | 'interleave' | 'translate';

/** `seed` range of every model (API §2.2; W27; Q3). */
export const SEED_MAX = 2147483647;

/** Decoded bytes of one `data:` item: "Exceeded limit on max bytes per data-uri item : 10485760" (API §7). */
export const DATA_URI_MAX_BYTES = 10 * 1024 * 1024;

/** Task ids and result URLs live 24 h (API §8). */
export const RETENTION_MS = 24 * 60 * 60 * 1000;

/** Default `GET /tasks/{id}` rate per account (API §5.1, §8: "default RPS 20"). */
export const DEFAULT_TASK_QUERY_RPS = 20;

/** Temporary-upload getPolicy: 100 QPS per account and model (API §7). */
export const UPLOAD_POLICY_RPS = 100;

/**
 * The service's own messages for the size and n rules, as the reference gives them: a size
 * outside a `list` rule (API §1.6, e.g. "The size is not match the allowed size ['1024*1024',
 * '720*1280', '1280*720']") and n≠1 on a fixed-n model (API §2.4). The reference gives no message
 * for the pixel, aspect, side or preset rules; the simulator's wording for those is validate.ts `SIZE_MSG`.
 */
export const SERVICE_MESSAGES = {
  sizeNotInList: (sizes: readonly string[]): string => `The size is not match the allowed size [${sizes.map((s) => `'${s}'`).join(', ')}]`,
  fixedN: 'num_images_per_prompt must be 1',
} as const;

/**
 * Size rules; sizes are `W*H` on the wire.
 * - `list`: only these sizes; the service's message is "The size is not match the allowed size [...]" (API §1.6).
 * - `pixels`: total pixels and (when stated) aspect W/H within bounds; `presets` are named tiers
 *   (`1K`…) with the total pixel count they stand for.
 * - `sides`: each of W and H within bounds.
 * - `none`: the output has the input image's size.
 */
export type SimSizeRule =
  | { kind: 'list'; sizes: readonly string[]; default: string }
  | {
      kind: 'pixels';
      minPixels: number;
      maxPixels: number;
      minAspect?: number;
      maxAspect?: number;
      /**
       * Used when `size` is absent with no input image. `null`: the service picks (qwen-image-3.0:
       * "model picks from prompt"; wan2.6 interleave: follows the input image).
       */
      default: string | null;
      /** Total pixels of the default with input images (the last image's aspect), when it differs. */
      editDefaultPixels?: number;
      /** Named tiers → total pixels; with input images the last image's aspect, else square (W27). */
      presets?: Readonly<Record<string, number>>;
      /** Tiers allowed only for text-to-image without an image set (wan2.7-image-pro 4K, W27). */
      textToImageOnlyPresets?: readonly string[];
      /** A lower pixel ceiling for editing and image sets (wan2.7-image-pro: 2048*2048, W27). */
      editOrSetMaxPixels?: number;
      recommended: readonly string[];
    }
  | { kind: 'sides'; minSide: number; maxSide: number; default: string | null; recommended: readonly string[] }
  | { kind: 'none' };

/** Input image limits (API §2.2, §4.3, §7; NEW §3, §4, §5). */
export interface SimImageRule {
  min: number;
  max: number;
  /** Lowercase type names as image-size reports them (`jpg` covers `jpeg`). */
  formats: readonly string[];
  minSide: number;
  maxSide: number;
  /** Bytes of one file. */
  maxBytes: number;
  minAspect?: number;
  maxAspect?: number;
  /** Accepted forms: public URL, `oss://` temporary URL, `data:` URI. */
  accepts: readonly ('url' | 'oss' | 'data')[];
  /** false: PNGs with an alpha channel are refused ("PNG (no alpha)", API §2.2, W27). */
  alphaAllowed: boolean;
}

/**
 * Rate limits. `requests` per `windowMs` per account and model for submits / sync calls;
 * concurrency separately for sync calls in flight and async tasks PENDING/RUNNING (`null` =
 * unlimited, NEW §4 "sync unlimited"); `queryPerSecond` for `GET /tasks/{id}` of this model's tasks.
 */
export interface SimRateLimits {
  requests: number;
  windowMs: number;
  syncConcurrent: number | null;
  asyncConcurrent: number | null;
  queryPerSecond: number;
  /** true where the reference publishes no number and the simulator's own choice applies. */
  assumed: boolean;
}

/** Facts the agreement test compares; `refs` names the reference section of each. */
export type FactName = 'endpoint' | 'asyncVariant' | 'input' | 'size' | 'n' | 'images' | 'prompt' | 'regions' | 'rateLimits' | 'duration' | 'response';

/** One model (or one mode of a model: `wan2.6-image:interleave`). */
export interface SimModel {
  /** Unique id; the wire `model` except for extra modes. */
  id: string;
  model: string;
  task: SimTask;
  endpoint: EndpointKey;
  input: InputShape;
  response: ResponseFamily;
  asyncVariant?: { endpoint: EndpointKey; input: InputShape; response: ResponseFamily };
  /** `overLimit`: what the service does with a longer prompt (API §2.2 qwen "excess auto-truncated"). */
  prompt: { maxLength: number; unit: 'chars' | 'tokens'; overLimit: 'reject' | 'truncate' };
  negativePrompt?: { maxLength: number; overLimit: 'reject' | 'truncate' };
  size: SimSizeRule;
  n: { min: number; max: number; default: number };
  /** wan2.7 image sets (`enable_sequential=true`): n range and default (W27). */
  sequentialN?: { min: number; max: number; default: number };
  /** wan2.6 interleave `max_images` (API §2.2). */
  maxImages?: { min: number; max: number; default: number };
  images?: SimImageRule;
  promptExtendDefault?: boolean;
  /** Parameters the model refuses (W27G: "不支持" negative_prompt / prompt_extend). */
  unsupported?: readonly string[];
  /** Parameter values a mode needs (interleave: enable_interleave + stream, API §3.1). */
  requiredParameters?: Readonly<Record<string, unknown>>;
  /** Model-specific parameters the simulator checks (NEW §3, §5). */
  features?: {
    sequential?: boolean;
    thinkingMode?: boolean;
    colorPalette?: boolean;
    bboxList?: boolean;
    promptExtendMode?: boolean;
    enableThinking?: boolean;
  };
  /** qwen family: `output.task_metric` present (default true). */
  taskMetric?: boolean;
  outputFormat: 'png' | 'jpg';
  /** The output is snapped to multiples of 16 (API §2.2 "1033*1032 → 1040*1024"): always, or only when editing. */
  outputRounding?: 'always' | 'edit';
  regions: readonly Region[];
  rateLimits: SimRateLimits;
  /** Typical wall-clock time of one call, or one task submit → end, in ms (sim choice; timing.scale multiplies it). */
  typicalDurationMs: number;
  /** Invite-only model ("邀测阶段，需前往模型广场申请开通", NEW §5): a key can be switched off (simulator option `modelAccess`). */
  accessRestricted?: boolean;
  /** Reference section per fact; `default` for the rest. */
  refs: { default: string } & Partial<Record<FactName, string>>;
}

// ---------------------------------------------------------------------------------------------
// Shared pieces

const BJ_SG: readonly Region[] = ['beijing', 'singapore'];
/** NEW §1: the Global (US Virginia) tables list only wan2.6-t2i and wan2.6-image. */
const BJ_SG_US: readonly Region[] = ['beijing', 'singapore', 'us'];

const MB = 1024 * 1024;

/** Sim choice for models without published limits (API §10, NEW §6): 2 per second, 2 at once. */
const ASSUMED: SimRateLimits = { requests: 2, windowMs: 1000, syncConcurrent: 2, asyncConcurrent: 2, queryPerSecond: DEFAULT_TASK_QUERY_RPS, assumed: true };
/** NEW §4 RL table: "2 / second", "sync unlimited" (async 2 where the model has an async variant). */
const RL_2_PER_SECOND: SimRateLimits = { requests: 2, windowMs: 1000, syncConcurrent: null, asyncConcurrent: 2, queryPerSecond: DEFAULT_TASK_QUERY_RPS, assumed: false };
/** NEW §4 RL table: "2 / minute", "sync unlimited" (qwen-image-max, qwen-image-edit-max). */
const RL_2_PER_MINUTE: SimRateLimits = { requests: 2, windowMs: 60_000, syncConcurrent: null, asyncConcurrent: null, queryPerSecond: DEFAULT_TASK_QUERY_RPS, assumed: false };

/** API §2.2: the qwen-image-max / -plus / qwen-image list (2026 docs; §10 notes the 2025 list). */
const QWEN_LIST = ['1664*928', '1472*1104', '1328*1328', '1104*1472', '928*1664'] as const;

/** API §2.2 qwen-image-edit family inputs: JPG/JPEG/PNG/BMP/TIFF/WEBP/GIF, ≤ 10 MB, URL / oss / data. */
const QWEN_EDIT_IMAGES: SimImageRule = {
  min: 1,
  max: 3,
  formats: ['jpg', 'png', 'bmp', 'tiff', 'webp', 'gif'],
  // "recommended width & height 384–3072 px": the simulator enforces the recommendation (sim choice).
  minSide: 384,
  maxSide: 3072,
  maxBytes: 10 * MB,
  accepts: ['url', 'oss', 'data'],
  alphaAllowed: true,
};

/** API §2.2 wan2.6-image inputs: JPEG/JPG/PNG (no alpha)/BMP/WEBP, [240, 8000] px (newer doc), ≤ 10 MB. */
const WAN26_IMAGES: Omit<SimImageRule, 'min' | 'max'> = {
  formats: ['jpg', 'png', 'bmp', 'webp'],
  minSide: 240,
  maxSide: 8000,
  maxBytes: 10 * MB,
  accepts: ['url', 'oss', 'data'],
  alphaAllowed: false,
};

const WAN_RECOMMENDED = ['1280*1280', '800*1200', '1200*800', '960*1280', '1280*960', '720*1280', '1280*720', '1344*576'] as const;

/**
 * wan2.6-t2i / wan2.5-t2i-preview pixel floor. API §2.2 gives [1280*1280, 1440*1440] (2026) and
 * [768*768, 1440*1440] (older); §10 lists it unconfirmed. 1280*1280 would refuse the doc's own
 * recommended 1104*1472 and 960*1696, so the floor is the smallest recommended size (sim choice).
 */
const WAN_T2I_MIN_PIXELS = 1104 * 1472;

function qwenListModel(model: string, asyncVariant: boolean, rateLimits: SimRateLimits, refs: SimModel['refs']): SimModel {
  return {
    id: model,
    model,
    task: 'text-to-image',
    endpoint: 'multimodalGeneration',
    input: 'messages',
    response: 'qwen',
    // API §4.1: only qwen-image-plus and qwen-image have the async text2image variant (NEW §4: not the snapshot).
    ...(asyncVariant ? { asyncVariant: { endpoint: 'text2image', input: 'prompt', response: 'results' } as const } : {}),
    prompt: { maxLength: 800, unit: 'tokens', overLimit: 'truncate' },
    negativePrompt: { maxLength: 500, overLimit: 'truncate' },
    size: { kind: 'list', sizes: QWEN_LIST, default: '1664*928' },
    n: { min: 1, max: 1, default: 1 },
    promptExtendDefault: true,
    outputFormat: 'png',
    regions: BJ_SG,
    rateLimits,
    typicalDurationMs: 15_000,
    refs,
  };
}

/** qwen-image-edit-plus and its snapshots, qwen-image-edit-max: each side in [512, 2048], n 1–6 (API §2.2, NEW §4). */
function qwenEditModel(model: string, rateLimits: SimRateLimits, refs: SimModel['refs'], typicalDurationMs = 15_000): SimModel {
  return {
    id: model,
    model,
    task: 'image-edit',
    endpoint: 'multimodalGeneration',
    input: 'messages',
    response: 'qwen',
    prompt: { maxLength: 800, unit: 'tokens', overLimit: 'truncate' },
    negativePrompt: { maxLength: 500, overLimit: 'reject' },
    size: { kind: 'sides', minSide: 512, maxSide: 2048, default: null, recommended: ['1024*1024', '1536*1536', '768*1152', '1152*768', '960*1280', '1280*960', '720*1280', '1280*720'] },
    n: { min: 1, max: 6, default: 1 },
    images: QWEN_EDIT_IMAGES,
    promptExtendDefault: true,
    outputFormat: 'png',
    outputRounding: 'always',
    regions: BJ_SG,
    rateLimits,
    typicalDurationMs,
    refs,
  };
}

/**
 * qwen-image-2.0(-pro) and snapshots: text-to-image AND editing on the sync endpoint only
 * (NEW §4 "Async: not the 2.0 series"); total pixels [512², 2048²]; n 1–6; text ≤ 1300 tokens.
 */
function qwen20Model(model: string, typicalDurationMs: number): SimModel {
  return {
    id: model,
    model,
    task: 'text-and-edit',
    endpoint: 'multimodalGeneration',
    input: 'messages',
    response: 'qwen',
    taskMetric: false,
    prompt: { maxLength: 1300, unit: 'tokens', overLimit: 'truncate' },
    negativePrompt: { maxLength: 500, overLimit: 'truncate' },
    size: {
      kind: 'pixels',
      minPixels: 512 * 512,
      maxPixels: 2048 * 2048,
      // API §2.2: text-to-image default 2048*2048. NEW §4: editing default ≈1024*1024 with the last
      // image's aspect (zh copy); the EN page says "same as the input" — unconfirmed, the zh copy is newer.
      default: '2048*2048',
      editDefaultPixels: 1024 * 1024,
      recommended: ['2048*2048', '2688*1536', '1536*2688', '2368*1728', '1728*2368'],
    },
    n: { min: 1, max: 6, default: 1 },
    // NEW §4 "Edit: input": 1–3 images; 0 images = text-to-image.
    images: { ...QWEN_EDIT_IMAGES, min: 0 },
    promptExtendDefault: true,
    outputFormat: 'png',
    // NEW §4: editing output snapped to multiples of 16; the text-to-image page says nothing.
    outputRounding: 'edit',
    regions: BJ_SG,
    // NEW §4 / §6: qwen-image-2.0* not in the rate-limit copy — assumed.
    rateLimits: ASSUMED,
    typicalDurationMs,
    refs: { default: 'API §2.2, NEW §4', size: 'API §2.2 (text-to-image), NEW §4 (edit)', rateLimits: 'NEW §6 (unconfirmed)', regions: 'NEW §1', duration: 'sim choice' },
  };
}

/** wan2.7-image(-pro): NEW §3 (W27, W27G). */
function wan27Model(model: string, pro: boolean): SimModel {
  return {
    id: model,
    model,
    task: 'text-and-edit',
    endpoint: 'multimodalGeneration',
    input: 'messages',
    response: 'wan',
    asyncVariant: { endpoint: 'imageGeneration', input: 'messages', response: 'choices' },
    // W27: "≤ 5000 chars, truncated beyond".
    prompt: { maxLength: 5000, unit: 'chars', overLimit: 'truncate' },
    size: {
      kind: 'pixels',
      minPixels: 768 * 768,
      // pro text-to-image: custom W*H up to 4096*4096; every other scenario (and wan2.7-image) 2048*2048.
      maxPixels: pro ? 4096 * 4096 : 2048 * 2048,
      ...(pro ? { editOrSetMaxPixels: 2048 * 2048, textToImageOnlyPresets: ['4K'] } : {}),
      minAspect: 1 / 8,
      maxAspect: 8,
      default: '2K',
      // W27G: "1K" is ≈1024*1024 for wan2.7 (≈1280*1280 for wan2.6-image).
      presets: pro ? { '1K': 1024 * 1024, '2K': 2048 * 2048, '4K': 4096 * 4096 } : { '1K': 1024 * 1024, '2K': 2048 * 2048 },
      recommended: ['1024*1024', '2048*2048', '1536*1024', '1024*1536'],
    },
    n: { min: 1, max: 4, default: 1 },
    sequentialN: { min: 1, max: 12, default: 12 },
    images: { ...WAN26_IMAGES, min: 0, max: 9, minAspect: 1 / 8, maxAspect: 8, maxBytes: 20 * MB },
    unsupported: ['negative_prompt', 'prompt_extend'],
    features: { sequential: true, thinkingMode: true, colorPalette: true, bboxList: true },
    outputFormat: 'png',
    regions: BJ_SG,
    // NEW §3 "Rate limit … UNCONFIRMED".
    rateLimits: ASSUMED,
    typicalDurationMs: pro ? 30_000 : 20_000,
    refs: { default: 'NEW §3', regions: 'NEW §1, §3 (W27 lists Beijing + Singapore)', rateLimits: 'NEW §3 (unconfirmed)', duration: 'sim choice' },
  };
}

/** qwen-image-3.0(-pro): NEW §5 (Q3). */
function qwen30Model(model: string, typicalDurationMs: number): SimModel {
  return {
    id: model,
    model,
    task: 'text-and-edit',
    endpoint: 'multimodalGeneration',
    input: 'messages',
    response: 'qwen3',
    asyncVariant: { endpoint: 'imageGeneration', input: 'messages', response: 'choices' },
    // Q3: "推荐不超过4500 Token" — a recommendation; truncated beyond like the other qwen models (sim choice).
    prompt: { maxLength: 4500, unit: 'tokens', overLimit: 'truncate' },
    negativePrompt: { maxLength: 500, overLimit: 'truncate' },
    size: { kind: 'pixels', minPixels: 512 * 512, maxPixels: 2048 * 2048, minAspect: 1 / 8, maxAspect: 8, default: null, editDefaultPixels: 1024 * 1024, recommended: ['1024*1024', '1536*1536', '2048*2048', '1280*720', '720*1280'] },
    n: { min: 1, max: 6, default: 1 },
    // Q3: 1–3 images, "recommend 384–2048 px", ≤ 10 MB, URL or Base64.
    images: { ...QWEN_EDIT_IMAGES, min: 0, max: 3, maxSide: 2048 },
    promptExtendDefault: true,
    features: { promptExtendMode: true, enableThinking: true },
    outputFormat: 'png',
    // Q3's DashScope regions are workspace domains; the simulator serves it where the plain hosts
    // serve the other qwen models (the US tables list only wan2.6, NEW §1).
    regions: BJ_SG,
    rateLimits: ASSUMED,
    typicalDurationMs,
    accessRestricted: true,
    refs: { default: 'NEW §5', regions: 'NEW §1, §5', rateLimits: 'NEW §6 (unconfirmed)', duration: 'sim choice' },
  };
}

// ---------------------------------------------------------------------------------------------
// The table

/** Every model the simulator serves. */
export const SIM_MODELS: readonly SimModel[] = [
  qwenListModel('qwen-image-max', false, RL_2_PER_MINUTE, { default: 'API §2.2', rateLimits: 'NEW §4 (RL: 2 / minute, sync unlimited)', duration: 'sim choice' }),
  qwenListModel('qwen-image-plus', true, RL_2_PER_SECOND, { default: 'API §2.2, §4.1', rateLimits: 'NEW §4 (RL: 2 / second, sync unlimited, async 2)', duration: 'sim choice' }),
  qwenListModel('qwen-image', true, RL_2_PER_SECOND, { default: 'API §2.2, §4.1', rateLimits: 'NEW §4 (RL: 2 / second, sync unlimited, async 2)', duration: 'sim choice' }),
  // NEW §4: "same 5 fixed sizes … as qwen-image-plus", sync only, 2 / second.
  qwenListModel('qwen-image-plus-2026-01-09', false, { ...RL_2_PER_SECOND, asyncConcurrent: null }, { default: 'NEW §4', rateLimits: 'NEW §4 (RL)', duration: 'sim choice' }),
  qwen20Model('qwen-image-2.0-pro', 20_000),
  qwen20Model('qwen-image-2.0-pro-2026-04-22', 20_000),
  qwen20Model('qwen-image-2.0-pro-2026-03-03', 20_000),
  qwen20Model('qwen-image-2.0', 15_000),
  qwen20Model('qwen-image-2.0-2026-03-03', 15_000),
  {
    id: 'wan2.6-t2i',
    model: 'wan2.6-t2i',
    task: 'text-to-image',
    endpoint: 'multimodalGeneration',
    input: 'messages',
    response: 'wan',
    asyncVariant: { endpoint: 'imageGeneration', input: 'messages', response: 'choices' },
    prompt: { maxLength: 2100, unit: 'chars', overLimit: 'reject' },
    negativePrompt: { maxLength: 500, overLimit: 'reject' },
    size: { kind: 'pixels', minPixels: WAN_T2I_MIN_PIXELS, maxPixels: 1440 * 1440, minAspect: 1 / 4, maxAspect: 4, default: '1280*1280', recommended: ['1280*1280', '1104*1472', '1472*1104', '960*1696', '1696*960'] },
    n: { min: 1, max: 4, default: 4 },
    promptExtendDefault: true,
    outputFormat: 'png',
    regions: BJ_SG_US,
    rateLimits: ASSUMED,
    typicalDurationMs: 20_000,
    refs: { default: 'API §2.2 (wan2.6-t2i), §4.2', size: 'API §2.2, §10 (floor: sim choice)', regions: 'API §1.1, NEW §1', rateLimits: 'API §10 (unpublished)', duration: 'sim choice' },
  },
  {
    id: 'wan2.5-t2i-preview',
    model: 'wan2.5-t2i-preview',
    task: 'text-to-image',
    endpoint: 'text2image',
    input: 'prompt',
    response: 'results',
    prompt: { maxLength: 2000, unit: 'chars', overLimit: 'reject' },
    negativePrompt: { maxLength: 500, overLimit: 'reject' },
    size: { kind: 'pixels', minPixels: WAN_T2I_MIN_PIXELS, maxPixels: 1440 * 1440, minAspect: 1 / 4, maxAspect: 4, default: '1280*1280', recommended: ['1280*1280', '1104*1472', '1472*1104', '960*1696', '1696*960', '768*2700'] },
    n: { min: 1, max: 4, default: 4 },
    promptExtendDefault: true,
    outputFormat: 'png',
    regions: BJ_SG,
    rateLimits: ASSUMED,
    typicalDurationMs: 15_000,
    refs: { default: 'API §4.1', rateLimits: 'API §10 (unpublished)', duration: 'sim choice' },
  },
  {
    id: 'wan2.2-t2i-flash',
    model: 'wan2.2-t2i-flash',
    task: 'text-to-image',
    endpoint: 'text2image',
    input: 'prompt',
    response: 'results',
    prompt: { maxLength: 500, unit: 'chars', overLimit: 'reject' },
    negativePrompt: { maxLength: 500, overLimit: 'reject' },
    size: { kind: 'sides', minSide: 512, maxSide: 1440, default: '1024*1024', recommended: ['1024*1024', '768*1024', '1024*768', '1440*1440', '720*1280', '1280*720'] },
    n: { min: 1, max: 4, default: 4 },
    promptExtendDefault: true,
    outputFormat: 'png',
    regions: BJ_SG,
    rateLimits: ASSUMED,
    typicalDurationMs: 6_000,
    refs: { default: 'API §4.1', rateLimits: 'API §10 (unpublished)', duration: 'sim choice' },
  },
  {
    id: 'z-image-turbo',
    model: 'z-image-turbo',
    task: 'text-to-image',
    endpoint: 'multimodalGeneration',
    input: 'messages',
    response: 'z-image',
    prompt: { maxLength: 800, unit: 'chars', overLimit: 'reject' },
    // API §2.2: negative_prompt not documented; the simulator accepts it like the others (sim choice).
    negativePrompt: { maxLength: 500, overLimit: 'reject' },
    // Aspect 1:4..4:1 is the simulator's choice (the doc states none); the recommended lists fit it.
    size: { kind: 'pixels', minPixels: 512 * 512, maxPixels: 2048 * 2048, minAspect: 1 / 4, maxAspect: 4, default: '1024*1536', recommended: ['1024*1024', '1024*1536', '1536*1024', '1120*1440', '1440*1120', '1280*1280', '1536*1536'] },
    // API §2.2: n not documented, error example "num_images_per_prompt must be 1".
    n: { min: 1, max: 1, default: 1 },
    promptExtendDefault: false,
    outputFormat: 'png',
    regions: BJ_SG,
    rateLimits: RL_2_PER_SECOND,
    typicalDurationMs: 4_000,
    refs: { default: 'API §2.2 (z-image-turbo)', rateLimits: 'NEW §4 (RL: 2 RPS, sync unlimited)', duration: 'sim choice' },
  },
  qwenEditModel('qwen-image-edit-plus', RL_2_PER_SECOND, { default: 'API §2.2 (qwen-image-edit)', rateLimits: 'NEW §4 (RL: 2 / second, sync unlimited)', duration: 'sim choice' }),
  qwenEditModel('qwen-image-edit-plus-2025-12-15', RL_2_PER_SECOND, { default: 'NEW §4 (edit-plus snapshots: identical rules)', rateLimits: 'NEW §4 (RL)', duration: 'sim choice' }),
  qwenEditModel('qwen-image-edit-plus-2025-10-30', RL_2_PER_SECOND, { default: 'NEW §4 (edit-plus snapshots: identical rules)', rateLimits: 'NEW §4 (RL)', duration: 'sim choice' }),
  qwenEditModel('qwen-image-edit-max', RL_2_PER_MINUTE, { default: 'API §2.2, NEW §4', rateLimits: 'NEW §4 (RL: 2 / minute)', duration: 'sim choice' }, 20_000),
  qwenEditModel('qwen-image-edit-max-2026-01-16', RL_2_PER_MINUTE, { default: 'API §2.2, NEW §4', rateLimits: 'NEW §4 (RL: 2 / minute)', duration: 'sim choice' }, 20_000),
  {
    id: 'wan2.6-image',
    model: 'wan2.6-image',
    task: 'image-edit',
    endpoint: 'multimodalGeneration',
    input: 'messages',
    response: 'wan',
    asyncVariant: { endpoint: 'imageGeneration', input: 'messages', response: 'choices' },
    prompt: { maxLength: 2000, unit: 'chars', overLimit: 'reject' },
    negativePrompt: { maxLength: 500, overLimit: 'reject' },
    size: {
      kind: 'pixels',
      minPixels: 768 * 768,
      maxPixels: 2048 * 2048,
      minAspect: 1 / 4,
      maxAspect: 4,
      default: '1K',
      presets: { '1K': 1280 * 1280, '2K': 2048 * 2048 },
      recommended: WAN_RECOMMENDED,
    },
    n: { min: 1, max: 4, default: 4 },
    images: { ...WAN26_IMAGES, min: 1, max: 4 },
    promptExtendDefault: true,
    requiredParameters: { enable_interleave: false },
    outputFormat: 'png',
    outputRounding: 'always',
    regions: BJ_SG_US,
    rateLimits: ASSUMED,
    typicalDurationMs: 25_000,
    refs: { default: 'API §2.2 (wan2.6-image)', regions: 'API §1.1, NEW §1', rateLimits: 'API §10 (unpublished)', duration: 'sim choice' },
  },
  {
    id: 'wan2.6-image:interleave',
    model: 'wan2.6-image',
    task: 'interleave',
    endpoint: 'multimodalGeneration',
    input: 'messages',
    response: 'wan',
    prompt: { maxLength: 2000, unit: 'chars', overLimit: 'reject' },
    negativePrompt: { maxLength: 500, overLimit: 'reject' },
    size: { kind: 'pixels', minPixels: 768 * 768, maxPixels: 1280 * 1280, minAspect: 1 / 4, maxAspect: 4, default: null, recommended: WAN_RECOMMENDED },
    // API §2.2: interleave n must be 1.
    n: { min: 1, max: 1, default: 1 },
    maxImages: { min: 1, max: 5, default: 5 },
    images: { ...WAN26_IMAGES, min: 0, max: 1 },
    requiredParameters: { enable_interleave: true, stream: true },
    outputFormat: 'png',
    outputRounding: 'always',
    regions: BJ_SG_US,
    rateLimits: ASSUMED,
    typicalDurationMs: 40_000,
    refs: { default: 'API §2.2 (wan2.6-image), §3.1', regions: 'API §1.1, NEW §1', rateLimits: 'API §10 (unpublished)', duration: 'sim choice' },
  },
  wan27Model('wan2.7-image-pro', true),
  wan27Model('wan2.7-image', false),
  qwen30Model('qwen-image-3.0-pro', 30_000),
  qwen30Model('qwen-image-3.0', 20_000),
  {
    id: 'qwen-mt-image',
    model: 'qwen-mt-image',
    task: 'translate',
    endpoint: 'image2image',
    input: 'image_url',
    response: 'image_url',
    prompt: { maxLength: 0, unit: 'chars', overLimit: 'reject' },
    size: { kind: 'none' },
    n: { min: 1, max: 1, default: 1 },
    images: {
      min: 1,
      max: 1,
      formats: ['jpg', 'png', 'bmp', 'pnm', 'ppm', 'tiff', 'webp'],
      minSide: 15,
      maxSide: 8192,
      maxBytes: 100 * MB,
      minAspect: 1 / 10,
      maxAspect: 10,
      // API §4.3: a public URL (or a temporary oss:// URL, §7); no Base64.
      accepts: ['url', 'oss'],
      alphaAllowed: true,
    },
    outputFormat: 'jpg',
    // API §1.1: Beijing only.
    regions: ['beijing'],
    // API §8: submit RPS 1, 2 concurrent tasks, query RPS 1.
    rateLimits: { requests: 1, windowMs: 1000, syncConcurrent: null, asyncConcurrent: 2, queryPerSecond: 1, assumed: false },
    typicalDurationMs: 7_000,
    refs: { default: 'API §4.3', regions: 'API §1.1', rateLimits: 'API §8, §5.1', duration: 'sim choice' },
  },
];

/** The entries for a wire model name (two for wan2.6-image). */
export function simModelsFor(model: string): SimModel[] {
  return SIM_MODELS.filter((m) => m.model === model);
}

/** The entry for an id (`wan2.6-image:interleave`) or, failing that, the first one for a wire model name. */
export function findSimModel(idOrModel: string): SimModel | undefined {
  return SIM_MODELS.find((m) => m.id === idOrModel) ?? SIM_MODELS.find((m) => m.model === idOrModel);
}

/** Submits / sync calls allowed per second, for comparisons (2 per 60 s → 0.0333). */
export function requestsPerSecond(r: SimRateLimits): number {
  return r.requests / (r.windowMs / 1000);
}

// ---------------------------------------------------------------------------------------------
// qwen-mt-image languages (API §4.3)

/** Codes and the full English names the service also accepts. */
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

/** A language code of {@link MT_LANGUAGES}. */
export type MtLanguage = keyof typeof MT_LANGUAGES;

/** API §4.3: zh…vi both ways; de source only; ms, th, id, ar target only. */
export const MT_SOURCE_LANGUAGES: readonly MtLanguage[] = ['zh', 'en', 'ko', 'ja', 'ru', 'es', 'fr', 'pt', 'it', 'vi', 'de'];
/** See {@link MT_SOURCE_LANGUAGES}. */
export const MT_TARGET_LANGUAGES: readonly MtLanguage[] = ['zh', 'en', 'ko', 'ja', 'ru', 'es', 'fr', 'pt', 'it', 'vi', 'ms', 'th', 'id', 'ar'];

/** A code or full name, case-insensitive (API §4.3), to its code; `auto` stays; anything else undefined. */
export function resolveMtLanguage(value: string): MtLanguage | 'auto' | undefined {
  const v = value.trim().toLowerCase();
  if (v === 'auto') return 'auto';
  for (const [code, name] of Object.entries(MT_LANGUAGES)) {
    if (v === code || v === name.toLowerCase()) return code as MtLanguage;
  }
  return undefined;
}

/** Parses the wire form `W*H` only (the service takes no `x`). */
export function parseWireSize(size: string): { width: number; height: number } | undefined {
  const m = /^\s*(\d{1,5})\*(\d{1,5})\s*$/.exec(size);
  if (!m) return undefined;
  const width = Number(m[1]);
  const height = Number(m[2]);
  return width > 0 && height > 0 ? { width, height } : undefined;
}
