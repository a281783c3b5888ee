/** Building blocks the model families' entries share: regions, rate limits, prices, qwen edit inputs. */
import { DEFAULT_TASK_QUERY_RPS, type ImageInputRule, type ParamName, type RateLimits, type Region, type RegionPrice } from './types.js';

/** One mebibyte, for byte limits. */
export const MB = 1024 * 1024;

/** The qwen edit page's recommended sizes (N§4), all inside every qwen edit rule. */
export const QWEN_EDIT_RECOMMENDED = ['1024*1024', '1536*1536', '768*1152', '1024*1536', '1152*768', '1536*1024', '960*1280', '1080*1440', '1280*960', '1440*1080', '720*1280', '1080*1920', '1280*720', '1920*1080', '1344*576', '2048*872'] as const;

/** qwen-image edit inputs (§2.2 qwen-image-edit family, N§4): 1–3 images. */
export const QWEN_EDIT_INPUT: Omit<ImageInputRule, 'min'> = {
  max: 3,
  formats: ['jpg', 'png', 'bmp', 'tiff', 'webp', 'gif'],
  minSide: 384,
  maxSide: 3072,
  maxBytes: 10 * MB,
  accepts: ['url', 'oss', 'data'],
};

/** The regions most models are served in, and all three (§1.1, N§1). */
export const BOTH_REGIONS: readonly Region[] = ['beijing', 'singapore'];
export const ALL_REGIONS: readonly Region[] = ['beijing', 'singapore', 'us'];

/** Assumed limits for sync models whose numbers are not published (§10). */
export const ASSUMED_SYNC_LIMITS: RateLimits = { requestsPerSecond: 2, concurrent: 2, queryPerSecond: DEFAULT_TASK_QUERY_RPS, assumed: true };
export const ASSUMED_ASYNC_LIMITS: RateLimits = { requestsPerSecond: 2, concurrent: 2, queryPerSecond: DEFAULT_TASK_QUERY_RPS, assumed: true };
/** N§4 rate-limit table: 2 submits per second, sync concurrency unlimited (Beijing and Singapore identical). */
export const PUBLISHED_2_PER_SECOND: RateLimits = { requestsPerSecond: 2, concurrent: Infinity, queryPerSecond: DEFAULT_TASK_QUERY_RPS, assumed: false };

/**
 * A per-minute submit limit (N§4: qwen-image-max and qwen-image-edit-max publish 2/minute, sync
 * unlimited); an assumed one keeps the cautious concurrency of 2.
 */
export function perMinute(requests: number, assumed: boolean): RateLimits {
  return { requestsPerSecond: requests / 60, requestsPerMinute: requests, concurrent: assumed ? 2 : Infinity, queryPerSecond: DEFAULT_TASK_QUERY_RPS, assumed };
}

/** Beijing + Singapore list prices (prices.md / N§4), CNY per image. */
export function cnPrices(beijing: number, singapore: number): Partial<Record<Region, RegionPrice>> {
  return { beijing: { perImage: beijing }, singapore: { perImage: singapore } };
}

/** Served but unpriced in every region listed (qwen-image-3.0, N§5/§6). */
export function unknownPrices(regions: readonly Region[], note: string): Partial<Record<Region, RegionPrice>> {
  return Object.fromEntries(regions.map((r) => [r, { perImage: null, note }]));
}

/** The optional parameters of a plain text-to-image model. */
export const T2I_PARAMS: readonly ParamName[] = ['negative_prompt', 'size', 'n', 'prompt_extend', 'watermark', 'seed'];
