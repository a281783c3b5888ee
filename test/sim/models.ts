/**
 * The simulator's OWN model table: every model the simulator serves, with the rules it
 * enforces, written from the reference and NOT from the client's catalog (src/dashscope/catalog/).
 * If both sides read one table, a wrong entry is agreed on by both and every test passes; with two
 * tables, test/unit/catalog-agreement.test.ts lines them up fact by fact and finds it.
 *
 * Sources: `API §x` = ../shared/reference/dashscope-api.md, `NEW §x` = newer-models.md (a delta
 * to the former; its tags QT, QE, W27, W27G, Q3, RL, RG are the official pages it quotes).
 * Where the reference is silent the entry says "sim choice" and test/sim/README.md tables it.
 *
 * The table's shape is model-rules.ts, the builders model-builders.ts.
 */

import {
  ASSUMED,
  BJ_SG,
  BJ_SG_US,
  MB,
  RL_2_PER_MINUTE,
  RL_2_PER_SECOND,
  WAN26_IMAGES,
  WAN_RECOMMENDED,
  WAN_T2I_MIN_PIXELS,
  qwen20Model,
  qwen30Model,
  qwenEditModel,
  qwenListModel,
  wan27Model,
} from './model-builders.js';
import type { SimModel, SimRateLimits } from './model-rules.js';
import { PROCESS_SIM_MODELS } from './process-models.js';

export * from './model-rules.js';

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
  ...PROCESS_SIM_MODELS,
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
