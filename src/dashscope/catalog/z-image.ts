/** Z-Image: fast text-to-image. */
import { BOTH_REGIONS, PUBLISHED_2_PER_SECOND } from './entry-parts.js';
import type { ModelSpec } from './types.js';

export const Z_IMAGE_MODELS: readonly ModelSpec[] = [
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
];
