/** Wan 2.6 image: editing with 1–4 images, and interleaved text & images over SSE. */
import { ALL_REGIONS, ASSUMED_SYNC_LIMITS, MB, T2I_PARAMS, cnPrices } from './entry-parts.js';
import type { ImageInputRule, ModelSpec } from './types.js';

const WAN_RECOMMENDED = ['1280*1280', '800*1200', '1200*800', '960*1280', '1280*960', '720*1280', '1280*720', '1344*576'] as const;
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

/** Two entries for one wire model: the call differs (interleave streams with other parameters). */
export const WAN26_IMAGE_MODELS: readonly ModelSpec[] = [
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
];
