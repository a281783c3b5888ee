/** Wan 2.7 image: text-to-image, image sets and editing with up to 9 images in one call. */
import { ASSUMED_SYNC_LIMITS, BOTH_REGIONS, MB, cnPrices, perMinute } from './entry-parts.js';
import type { ImageInputRule, ModelSpec, SizeRule } from './types.js';

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

export const WAN27_MODELS: readonly ModelSpec[] = [
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
];
