/**
 * The catalog's shapes (what a model entry says) and the service facts every entry shares:
 * endpoint paths, limits that hold for every model. Imports nothing, so the webview can bundle it.
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
  /** Async, `input.image_url`, `output.output_image_url` result: image-out-painting (image-processing.md §2). */
  outPainting: '/services/aigc/image2image/out-painting',
  /** Async, `input.base_image_url` + `ref_prompt`: wanx-background-generation-v2 (image-processing.md §4; the trailing slash is part of the path). */
  backgroundGeneration: '/services/aigc/background-generation/generation/',
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
  | 'image_url'
  /** wanx2.1-imageedit: `input.function/prompt/base_image_url/mask_image_url` (image-processing.md §1). */
  | 'imageedit'
  /** image-out-painting: `input.image_url`, everything else in `parameters` (image-processing.md §2). */
  | 'outpainting'
  /** wanx-background-generation-v2: `input.base_image_url/ref_prompt/ref_image_url/neg_ref_prompt` (image-processing.md §4). */
  | 'background';

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
  | 'image_url'
  /** image-out-painting task result: one `output.output_image_url` (image-processing.md §2). */
  | 'output_image_url';

/** What the user does with the model; the studio groups models by this. */
export type Task = 'text-to-image' | 'image-edit' | 'interleave' | 'translate' | 'process';

/** Every task, in the order menus list them. */
export const TASKS: readonly Task[] = ['text-to-image', 'image-edit', 'interleave', 'translate', 'process'];

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
  /** `true` when the image must be a PNG with transparent pixels (wanx-background-generation-v2: a cut-out subject). */
  alphaRequired?: boolean;
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
  /** Image-processing models: their operations and each one's options (processing.ts). */
  processing?: ProcessingSpec;
}

/** The option names of a process request (`GenerationRequest.process`), as the catalog refers to them. */
export type ProcessOptionName =
  | 'upscaleFactor'
  | 'topScale'
  | 'bottomScale'
  | 'leftScale'
  | 'rightScale'
  | 'strength'
  | 'isSketch'
  | 'style'
  | 'outputRatio'
  | 'xScale'
  | 'yScale'
  | 'topOffset'
  | 'bottomOffset'
  | 'leftOffset'
  | 'rightOffset'
  | 'angle'
  | 'bestQuality'
  | 'limitImageSize'
  | 'refImage'
  | 'negativeRefPrompt'
  | 'modelVersion'
  | 'noiseLevel'
  | 'refPromptWeight';

/**
 * The range and default of one process option; `wire` is its name in `parameters` (or in `input`
 * with `where: 'input'`); no `wire`: not sent, it shapes the prompt (`style`).
 */
export type ProcessOptionRule = { wire?: string; where?: 'input' } & (
  | { kind: 'number'; min: number; max: number; default: number; integer?: boolean }
  | { kind: 'boolean'; default: boolean }
  | { kind: 'enum'; values: readonly string[]; default: string }
  /** A free text (a negative reference prompt) or an image reference. */
  | { kind: 'text' }
  | { kind: 'image' }
);

/** A style of `stylization_all` / `stylization_local`: its id, labels and the prompt sent when the user gives none. */
export interface ProcessStyle {
  id: string;
  label: LocalizedText;
  prompt: string;
}

/** One operation of a processing model: a wanx2.1-imageedit `function`, or the one thing another model does. */
export interface ProcessFunctionSpec {
  /** The `function` value on the wire (wanx2.1-imageedit), or the model's own operation id (`outpaint`, `background`). */
  id: string;
  label: LocalizedText;
  /** `required`: the user must give a prompt; `default`: `defaultPrompt` is sent when none is given; `none`: no prompt. */
  prompt: 'required' | 'default' | 'optional' | 'none';
  /** Sent when the user gives no prompt (the service requires one; the guide's advice per function). */
  defaultPrompt?: string;
  /** The options this operation takes, with ranges and defaults; any other option is refused. */
  options: Partial<Record<ProcessOptionName, ProcessOptionRule>>;
  /** A mask at the base image's own resolution: white edits, black keeps. */
  mask?: 'required';
  /** The fixed style list (`style` option). */
  styles?: readonly ProcessStyle[];
}

/** What a processing model does: one or more operations, and whether the `function` is sent. */
export interface ProcessingSpec {
  /** wanx2.1-imageedit: the request names one of `functions`; the others do exactly one. */
  functionOnWire: boolean;
  functions: readonly ProcessFunctionSpec[];
  /** The watermark switch's wire name and the service's own default (image-out-painting watermarks by default). */
  watermark?: { wire: 'watermark' | 'add_watermark'; serviceDefault: boolean; sendDefault: boolean };
}

/** Service regions; a key belongs to exactly one (§1.1, N§1). */
export type Region = 'beijing' | 'singapore' | 'us';

/** `seed` range of every model (§2.2). */
export const SEED_MAX = 2147483647;

/** Maximum decoded bytes of one `data:` URI item (§7). */
export const DATA_URI_MAX_BYTES = 10 * 1024 * 1024;

/** Task ids and result URLs live 24 h (§8). */
export const RESULT_RETENTION_MS = 24 * 60 * 60 * 1000;

/** The task query rate the docs state for most models (§5.1). */
export const DEFAULT_TASK_QUERY_RPS = 20;
