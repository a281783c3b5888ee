/** Every model in one list, and each task's default. */
import { PROCESSING_MODELS } from './processing.js';
import { QWEN_EDIT_MODELS } from './qwen-edit.js';
import { QWEN_IMAGE_MODELS } from './qwen-image.js';
import { TRANSLATE_MODELS } from './translate.js';
import type { ModelSpec, Task } from './types.js';
import { WAN_T2I_MODELS } from './wan-t2i.js';
import { WAN26_IMAGE_MODELS } from './wan26-image.js';
import { WAN27_MODELS } from './wan27.js';
import { Z_IMAGE_MODELS } from './z-image.js';

/** The tasks' defaults: generally available models with published limits, listed first by {@link modelsForTask}. */
export const DEFAULT_MODEL_IDS: Readonly<Record<Task, string>> = {
  'text-to-image': 'qwen-image-max',
  'image-edit': 'qwen-image-edit-plus',
  interleave: 'wan2.6-image:interleave',
  translate: 'qwen-mt-image',
  process: 'wanx2.1-imageedit',
};

/** Every model, newest of each kind first (see the module comment). */
export const MODELS: readonly ModelSpec[] = [
  // ── Qwen image: generation (and, from 2.0 on, editing in the same call) ──
  ...QWEN_IMAGE_MODELS,
  // ── Wan image: generation, image sets and editing in one call ──
  ...WAN27_MODELS,
  ...WAN_T2I_MODELS,
  // ── Z-Image ──
  ...Z_IMAGE_MODELS,
  // ── Qwen image editing ──
  ...QWEN_EDIT_MODELS,
  // ── Wan 2.6 image: editing, and interleaved text & images ──
  ...WAN26_IMAGE_MODELS,
  // ── Translation ──
  ...TRANSLATE_MODELS,
  // ── Image processing: upscale, extend, inpaint, colorize, restyle, backgrounds ──
  ...PROCESSING_MODELS,
];
