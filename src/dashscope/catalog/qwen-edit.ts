/** Qwen image editing: qwen-image-edit-max / -plus. */
import { BOTH_REGIONS, PUBLISHED_2_PER_SECOND, QWEN_EDIT_INPUT, T2I_PARAMS, cnPrices, perMinute } from './entry-parts.js';
import type { ModelSpec } from './types.js';

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

export const QWEN_EDIT_MODELS: readonly ModelSpec[] = [
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
];
