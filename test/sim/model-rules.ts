/**
 * The shape of the simulator's model table and the service facts every model shares: regions,
 * endpoint paths, limits, the service's own messages for the size and n rules. Imports nothing.
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
  /** Async image-out-painting, `output.output_image_url` result (PROC §2). */
  outPainting: '/services/aigc/image2image/out-painting',
  /** Async wanx-background-generation-v2; the trailing slash is part of the documented path (PROC §4). */
  backgroundGeneration: '/services/aigc/background-generation/generation/',
} as const;

/** One of {@link ENDPOINT_PATHS}. */
export type EndpointKey = keyof typeof ENDPOINT_PATHS;

/** Where prompt and images travel in the body. */
export type InputShape = 'messages' | 'prompt' | 'image_url' | 'imageedit' | 'outpainting' | 'background';

/**
 * The shape of a success response.
 * - `qwen`: items without `type`, `usage{height,image_count,width}`, `output.task_metric` unless
 *   the model says `taskMetric: false` (API §2.3: "使用qwen-image-2.0系列时无此返回值").
 * - `wan`: `type:"image"` items, `output.finished`, `usage.size` and token fields (API §2.3).
 * - `z-image`: an extra `{text}` item and `reasoning_content` (API §2.3).
 * - `qwen3`: qwen-image-3.0's `output.rewrite_status` and `usage.output_width…` (NEW §5).
 * - `results` / `choices` / `image_url`: task results of the three async endpoints (API §5.3).
 */
export type ResponseFamily = 'qwen' | 'wan' | 'z-image' | 'qwen3' | 'results' | 'choices' | 'image_url' | 'output_image_url';

/** What a model does; `text-and-edit` models take 0 images (text-to-image) or some (editing). */
export type SimTask = 'text-to-image' | 'image-edit' | 'text-and-edit' | 'interleave' | 'translate' | 'process';

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
 * for the pixel, aspect, side or preset rules; the simulator's wording for those is wording.ts `SIZE_MSG`.
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
  /** The base image must be a PNG with transparent pixels (wanx-background-generation-v2, PROC §4). */
  alphaRequired?: boolean;
}

/** A numeric parameter's range (PROC). */
export interface SimRange {
  min: number;
  max: number;
  integer?: boolean;
}

/** What a processing model checks in `input` and `parameters` (PROC = image-processing.md). */
export interface SimProcessRules {
  /** wanx2.1-imageedit: `input.function` → the parameters that function takes, with their ranges. */
  functions?: Readonly<Record<string, { ranges: Readonly<Record<string, SimRange>>; booleans?: readonly string[]; mask?: boolean }>>;
  /** The parameters of a model without functions, with their ranges. */
  ranges?: Readonly<Record<string, SimRange>>;
  booleans?: readonly string[];
  enums?: Readonly<Record<string, readonly string[]>>;
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
  /** Image-processing models (PROC): their functions and parameter ranges. */
  process?: SimProcessRules;
  /** Reference section per fact; `default` for the rest. */
  refs: { default: string } & Partial<Record<FactName, string>>;
}
