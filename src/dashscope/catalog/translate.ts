/** Image translation: qwen-mt-image and the languages it reads and writes. */
import { MB } from './entry-parts.js';
import type { ModelSpec } from './types.js';

export const TRANSLATE_MODELS: readonly ModelSpec[] = [
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
