/**
 * The everyday image operations the Explorer, the palette and the agent tool offer (upscale,
 * extend to an aspect ratio, remove text, colorize, restyle, replace the background), each as the
 * one request it becomes for the processing models (image-processing.md §1, §2, §4). The base
 * image is `images[0]`; the catalog validates the rest.
 */
import type { GenerationRequest, ImageInput } from '../dashscope/requests/schema.js';

/** wanx2.1-imageedit (image-processing.md §1). */
export const IMAGEEDIT_MODEL = 'wanx2.1-imageedit';
/** image-out-painting (image-processing.md §2). */
export const OUTPAINT_MODEL = 'image-out-painting';
/** wanx-background-generation-v2 (image-processing.md §4). */
export const BACKGROUND_MODEL = 'wanx-background-generation-v2';
/** Every model an operation may call (all Beijing-only). */
export const PROCESS_MODELS = [IMAGEEDIT_MODEL, OUTPAINT_MODEL, BACKGROUND_MODEL] as const;

/** The operations, in the order menus list them. */
export const PROCESS_OPERATIONS = ['upscale', 'extend', 'removeText', 'colorize', 'restyle', 'replaceBackground'] as const;
/** One operation. */
export type ProcessOperation = (typeof PROCESS_OPERATIONS)[number];

/** The aspect ratios Extend offers (image-out-painting `output_ratio`, §2), widest first. */
export const EXTEND_RATIOS = ['16:9', '4:3', '1:1', '3:4', '9:16'] as const;
/** One Extend ratio. */
export type ExtendRatio = (typeof EXTEND_RATIOS)[number];

/** The upscale factors offered (`upscale_factor`, §1). */
export const UPSCALE_FACTORS = [2, 4] as const;
/** One upscale factor. */
export type UpscaleFactor = (typeof UPSCALE_FACTORS)[number];

/** An operation with what it needs. */
export type ProcessChoice =
  | { readonly operation: 'upscale'; readonly factor: UpscaleFactor }
  | { readonly operation: 'extend'; readonly ratio: ExtendRatio }
  | { readonly operation: 'removeText' }
  | { readonly operation: 'colorize'; readonly hint?: string | undefined }
  | { readonly operation: 'restyle'; readonly style: string; readonly scope: 'whole' | 'local'; readonly subject?: string | undefined }
  | { readonly operation: 'replaceBackground'; readonly prompt: string };

/** The model an operation calls. */
export function operationModel(operation: ProcessOperation): string {
  if (operation === 'extend') return OUTPAINT_MODEL;
  if (operation === 'replaceBackground') return BACKGROUND_MODEL;
  return IMAGEEDIT_MODEL;
}

/**
 * The request of an operation on `image`. The prompts are the ones the guide advises for each
 * function (§1 table); a restyle without a subject leaves the prompt to the catalog, which
 * builds it from the style.
 */
export function processRequest(choice: ProcessChoice, image: ImageInput): GenerationRequest {
  const base = { model: operationModel(choice.operation), images: [image], n: 1 };
  switch (choice.operation) {
    case 'upscale':
      return { ...base, prompt: '图像超分', process: { function: 'super_resolution', upscaleFactor: choice.factor } };
    case 'extend':
      return { ...base, process: { outputRatio: choice.ratio } };
    case 'removeText':
      return { ...base, prompt: '去除图像中的文字', process: { function: 'remove_watermark' } };
    case 'colorize':
      return { ...base, prompt: choice.hint?.trim() || '为黑白图像上色', process: { function: 'colorization' } };
    case 'restyle':
      return {
        ...base,
        ...(choice.subject?.trim() ? { prompt: choice.scope === 'local' ? `把${choice.subject.trim()}变成${choice.style}风格` : choice.subject.trim() } : {}),
        process: { function: choice.scope === 'local' ? 'stylization_local' : 'stylization_all', style: choice.style },
      };
    case 'replaceBackground':
      return { ...base, prompt: choice.prompt };
  }
}

/** The name part an operation adds (`photo.x2.png`, `banner.16x9.png`, `scan.color.png`). */
export function choiceSuffix(choice: ProcessChoice): string {
  switch (choice.operation) {
    case 'upscale':
      return `x${choice.factor}`;
    case 'extend':
      return choice.ratio.replace(':', 'x');
    case 'removeText':
      return 'notext';
    case 'colorize':
      return 'color';
    case 'restyle':
      return `style-${choice.style.toLowerCase().replace(/[^a-z0-9\u4e00-\u9fff]+/g, '-').replace(/^-|-$/g, '') || 'style'}`;
    case 'replaceBackground':
      return 'bg';
  }
}

/** The stem of an operation's result next to the original: `photo.png` → `photo.x2`. */
export function processedStem(originalName: string, choice: ProcessChoice): string {
  const base = originalName.slice(originalName.lastIndexOf('/') + 1).replace(/\.[^.]+$/, '');
  return `${base || 'image'}.${choiceSuffix(choice)}`;
}

/** A file an operation produced (`x.x2.png`, `x.16x9.jpg` and sidecars), so a folder batch does not process its own results again. */
export function isProcessedOutput(name: string): boolean {
  return /\.(x[1-4]|\d+x\d+|notext|color|bg|style-[^.]+)(-\d+)?\.(png|jpe?g|webp)(\.json)?$/i.test(name.slice(name.lastIndexOf('/') + 1));
}
