/** Qwen image generation: qwen-image-3.0*, qwen-image-2.0* (which also edit) and qwen-image-max/-plus/-. */
import { ASSUMED_SYNC_LIMITS, BOTH_REGIONS, MB, PUBLISHED_2_PER_SECOND, QWEN_EDIT_INPUT, QWEN_EDIT_RECOMMENDED, T2I_PARAMS, cnPrices, perMinute, unknownPrices } from './entry-parts.js';
import type { ModelSpec } from './types.js';

const QWEN_T2I_SIZES = ['1664*928', '1472*1104', '1328*1328', '1104*1472', '928*1664'] as const;

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

/** Newest first: 3.0, 2.0, then the text-to-image-only models. */
export const QWEN_IMAGE_MODELS: readonly ModelSpec[] = [
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
];
