/** The pieces the simulator's model entries share, and the builders of each model line's entries. */
import { DEFAULT_TASK_QUERY_RPS, type Region, type SimImageRule, type SimModel, type SimRateLimits } from './model-rules.js';

// ---------------------------------------------------------------------------------------------
// Shared pieces

export const BJ_SG: readonly Region[] = ['beijing', 'singapore'];
/** NEW §1: the Global (US Virginia) tables list only wan2.6-t2i and wan2.6-image. */
export const BJ_SG_US: readonly Region[] = ['beijing', 'singapore', 'us'];

export const MB = 1024 * 1024;

/** Sim choice for models without published limits (API §10, NEW §6): 2 per second, 2 at once. */
export const ASSUMED: SimRateLimits = { requests: 2, windowMs: 1000, syncConcurrent: 2, asyncConcurrent: 2, queryPerSecond: DEFAULT_TASK_QUERY_RPS, assumed: true };
/** NEW §4 RL table: "2 / second", "sync unlimited" (async 2 where the model has an async variant). */
export const RL_2_PER_SECOND: SimRateLimits = { requests: 2, windowMs: 1000, syncConcurrent: null, asyncConcurrent: 2, queryPerSecond: DEFAULT_TASK_QUERY_RPS, assumed: false };
/** NEW §4 RL table: "2 / minute", "sync unlimited" (qwen-image-max, qwen-image-edit-max). */
export const RL_2_PER_MINUTE: SimRateLimits = { requests: 2, windowMs: 60_000, syncConcurrent: null, asyncConcurrent: null, queryPerSecond: DEFAULT_TASK_QUERY_RPS, assumed: false };

/** API §2.2: the qwen-image-max / -plus / qwen-image list (2026 docs; §10 notes the 2025 list). */
export const QWEN_LIST = ['1664*928', '1472*1104', '1328*1328', '1104*1472', '928*1664'] as const;

/** API §2.2 qwen-image-edit family inputs: JPG/JPEG/PNG/BMP/TIFF/WEBP/GIF, ≤ 10 MB, URL / oss / data. */
export const QWEN_EDIT_IMAGES: SimImageRule = {
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
export const WAN26_IMAGES: Omit<SimImageRule, 'min' | 'max'> = {
  formats: ['jpg', 'png', 'bmp', 'webp'],
  minSide: 240,
  maxSide: 8000,
  maxBytes: 10 * MB,
  accepts: ['url', 'oss', 'data'],
  alphaAllowed: false,
};

export const WAN_RECOMMENDED = ['1280*1280', '800*1200', '1200*800', '960*1280', '1280*960', '720*1280', '1280*720', '1344*576'] as const;

/**
 * wan2.6-t2i / wan2.5-t2i-preview pixel floor. API §2.2 gives [1280*1280, 1440*1440] (2026) and
 * [768*768, 1440*1440] (older); §10 lists it unconfirmed. 1280*1280 would refuse the doc's own
 * recommended 1104*1472 and 960*1696, so the floor is the smallest recommended size (sim choice).
 */
export const WAN_T2I_MIN_PIXELS = 1104 * 1472;

export function qwenListModel(model: string, asyncVariant: boolean, rateLimits: SimRateLimits, refs: SimModel['refs']): SimModel {
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
export function qwenEditModel(model: string, rateLimits: SimRateLimits, refs: SimModel['refs'], typicalDurationMs = 15_000): SimModel {
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
export function qwen20Model(model: string, typicalDurationMs: number): SimModel {
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
export function wan27Model(model: string, pro: boolean): SimModel {
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
export function qwen30Model(model: string, typicalDurationMs: number): SimModel {
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
