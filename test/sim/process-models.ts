/**
 * The simulator's entries for the image-processing models, written from
 * ../shared/reference/image-processing.md (`PROC §x`), not from the client's catalog.
 * Where the reference is silent the entry says "sim choice" and test/sim/README.md tables it.
 */
import { DEFAULT_TASK_QUERY_RPS, type SimImageRule, type SimModel, type SimRange } from './model-rules.js';

const MB = 1024 * 1024;
const unit: SimRange = { min: 0, max: 1 };
const side: SimRange = { min: 1, max: 2 };
/** PROC §0: every processing model is Beijing only. */
const BEIJING: SimModel['regions'] = ['beijing'];
/** PROC §1, §2, §7: each side 512–4096 px, ≤ 10 MB. */
const INPUT: Omit<SimImageRule, 'formats' | 'accepts'> = { min: 1, max: 1, minSide: 512, maxSide: 4096, maxBytes: 10 * MB, alphaAllowed: true };

export const PROCESS_SIM_MODELS: readonly SimModel[] = [
  {
    id: 'wanx2.1-imageedit',
    model: 'wanx2.1-imageedit',
    task: 'process',
    endpoint: 'image2image',
    input: 'imageedit',
    response: 'results',
    // PROC §1: "≤ 800 chars; longer text is truncated".
    prompt: { maxLength: 800, unit: 'chars', overLimit: 'truncate' },
    size: { kind: 'none' },
    n: { min: 1, max: 4, default: 1 },
    // PROC §1: base and mask accept a URL or a data: URI (and the SDK's oss:// upload).
    images: { ...INPUT, formats: ['jpg', 'png', 'bmp', 'tiff', 'webp'], accepts: ['url', 'oss', 'data'] },
    outputFormat: 'png',
    regions: BEIJING,
    rateLimits: { requests: 2, windowMs: 1000, syncConcurrent: null, asyncConcurrent: 2, queryPerSecond: DEFAULT_TASK_QUERY_RPS, assumed: false },
    typicalDurationMs: 10_000,
    process: {
      functions: {
        super_resolution: { ranges: { upscale_factor: { min: 1, max: 4, integer: true } } },
        expand: { ranges: { top_scale: side, bottom_scale: side, left_scale: side, right_scale: side } },
        description_edit_with_mask: { ranges: {}, mask: true },
        remove_watermark: { ranges: {} },
        colorization: { ranges: {} },
        stylization_all: { ranges: { strength: unit } },
        stylization_local: { ranges: {} },
        description_edit: { ranges: { strength: unit } },
        doodle: { ranges: {}, booleans: ['is_sketch'] },
        control_cartoon_feature: { ranges: {} },
      },
    },
    refs: { default: 'PROC §1', regions: 'PROC §0', rateLimits: 'PROC §1, §7', duration: 'PROC §1 ("about 5–15 s")', images: 'PROC §1' },
  },
  {
    id: 'image-out-painting',
    model: 'image-out-painting',
    task: 'process',
    endpoint: 'outPainting',
    input: 'outpainting',
    response: 'output_image_url',
    prompt: { maxLength: 0, unit: 'chars', overLimit: 'reject' },
    size: { kind: 'none' },
    n: { min: 1, max: 1, default: 1 },
    // PROC §2: "URL or Base64 (exact Base64 form unconfirmed)": the simulator takes URLs and oss:// only (sim choice).
    images: { ...INPUT, formats: ['jpg', 'png', 'heif', 'webp'], accepts: ['url', 'oss'] },
    outputFormat: 'png',
    regions: BEIJING,
    rateLimits: { requests: 2, windowMs: 1000, syncConcurrent: null, asyncConcurrent: 5, queryPerSecond: DEFAULT_TASK_QUERY_RPS, assumed: false },
    typicalDurationMs: 15_000,
    process: {
      ranges: {
        x_scale: { min: 1, max: 3 },
        y_scale: { min: 1, max: 3 },
        angle: { min: 0, max: 359, integer: true },
        top_offset: { min: 0, max: Infinity, integer: true },
        bottom_offset: { min: 0, max: Infinity, integer: true },
        left_offset: { min: 0, max: Infinity, integer: true },
        right_offset: { min: 0, max: Infinity, integer: true },
      },
      booleans: ['best_quality', 'limit_image_size', 'add_watermark'],
      enums: { output_ratio: ['', '1:1', '3:4', '4:3', '9:16', '16:9'] },
    },
    refs: { default: 'PROC §2', regions: 'PROC §0', rateLimits: 'PROC §2 (paid: QPS 2, concurrency 5)', duration: 'sim choice', images: 'PROC §2 (Base64: sim choice)' },
  },
  {
    id: 'wanx-background-generation-v2',
    model: 'wanx-background-generation-v2',
    task: 'process',
    endpoint: 'backgroundGeneration',
    input: 'background',
    response: 'results',
    // PROC §4 gives no ref_prompt limit; 800 characters, rejected above (sim choice).
    prompt: { maxLength: 800, unit: 'chars', overLimit: 'reject' },
    size: { kind: 'none' },
    n: { min: 1, max: 4, default: 1 },
    // PROC §4: an RGBA PNG, long side ≤ 2048; the 512 floor and 10 MB are the other models' (sim choice); URLs only (sim choice).
    images: { ...INPUT, maxSide: 2048, formats: ['png'], accepts: ['url', 'oss'], alphaRequired: true },
    outputFormat: 'png',
    regions: BEIJING,
    rateLimits: { requests: 2, windowMs: 1000, syncConcurrent: null, asyncConcurrent: 1, queryPerSecond: DEFAULT_TASK_QUERY_RPS, assumed: false },
    typicalDurationMs: 15_000,
    process: {
      ranges: { noise_level: { min: 0, max: 999, integer: true }, ref_prompt_weight: unit },
      enums: { model_version: ['v2', 'v3'] },
    },
    refs: { default: 'PROC §4', regions: 'PROC §0', rateLimits: 'PROC §4', duration: 'sim choice', images: 'PROC §4 (floor, bytes: sim choice)' },
  },
];
