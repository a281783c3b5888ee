/**
 * The everyday image operations the Explorer, the palette and the agent tool offer (upscale,
 * extend to an aspect ratio, remove text, colorize, restyle, replace the background), each as the
 * one request it becomes for the processing models (image-processing.md §1, §2, §4). The base
 * image is `images[0]`; the catalog validates the rest.
 */
import { OUTPAINT_OUTPUT_RATIOS, PROCESS_OPERATIONS, findModel, findProcessStyle, processStyles, type ProcessStyle } from '../dashscope/catalog/index.js';
import type { GenerationRequest, ImageInput } from '../dashscope/requests/schema.js';

/** The operations of the Explorer, the palette and the agent tool, in the order menus list them. */
export const IMAGE_OPERATIONS = ['upscale', 'extend', 'removeText', 'colorize', 'restyle', 'replaceBackground'] as const;
/** One of them. */
export type ImageOperation = (typeof IMAGE_OPERATIONS)[number];

/** The aspect ratios Extend offers (image-out-painting `output_ratio`, §2). */
export const EXTEND_RATIOS = OUTPAINT_OUTPUT_RATIOS;
/** One Extend ratio. */
export type ExtendRatio = (typeof EXTEND_RATIOS)[number];

/** The upscale factors offered (`upscale_factor`, §1). */
export const UPSCALE_FACTORS = [2, 4] as const;
/** One upscale factor. */
export type UpscaleFactor = (typeof UPSCALE_FACTORS)[number];

/** Restyle the whole image (`stylization_all`, 2 styles) or one object in it (`stylization_local`, 8 styles). */
export type RestyleScope = 'whole' | 'local';

/** An operation with what it needs. */
export type ImageOperationChoice =
  | { readonly operation: 'upscale'; readonly factor: UpscaleFactor }
  | { readonly operation: 'extend'; readonly ratio: ExtendRatio }
  | { readonly operation: 'removeText' }
  | { readonly operation: 'colorize'; readonly hint?: string | undefined }
  | { readonly operation: 'restyle'; readonly scope: RestyleScope; readonly style: string; readonly subject?: string | undefined }
  | { readonly operation: 'replaceBackground'; readonly prompt: string };

/** The catalog's operation behind each one (its model and function). */
function catalogOperation(choice: Pick<ImageOperationChoice, 'operation'> & { scope?: RestyleScope }): { model: string; function?: string } {
  switch (choice.operation) {
    case 'upscale':
      return PROCESS_OPERATIONS.upscale;
    case 'extend':
      return PROCESS_OPERATIONS.extendToRatio;
    case 'removeText':
      return PROCESS_OPERATIONS.removeText;
    case 'colorize':
      return PROCESS_OPERATIONS.colorize;
    case 'restyle':
      return choice.scope === 'local' ? PROCESS_OPERATIONS.restyleObject : PROCESS_OPERATIONS.restyle;
    case 'replaceBackground':
      return PROCESS_OPERATIONS.background;
  }
}

/** The model an operation calls. */
export function operationModel(operation: ImageOperation): string {
  return catalogOperation({ operation }).model;
}

/** The styles a restyle offers, from the catalog (id and labels). */
export function restyleStyles(scope: RestyleScope): readonly ProcessStyle[] {
  const op = scope === 'local' ? PROCESS_OPERATIONS.restyleObject : PROCESS_OPERATIONS.restyle;
  return processStyles(op.model, op.function);
}

/** A restyle's style by id or label; undefined when the scope has no such style. */
export function findRestyleStyle(scope: RestyleScope, value: string): ProcessStyle | undefined {
  return findProcessStyle(restyleStyles(scope), value);
}

/**
 * The request of an operation on `image`. Prompts the user did not give are left to the
 * catalog, which sends the stock prompt the guide advises for the function (§1 table).
 */
export function processRequest(choice: ImageOperationChoice, image: ImageInput): GenerationRequest {
  const target = catalogOperation(choice);
  const base = { model: target.model, images: [image], n: 1 };
  const fn = target.function !== undefined && findModel(target.model)?.processing?.functionOnWire ? { function: target.function as NonNullable<NonNullable<GenerationRequest['process']>['function']> } : {};
  switch (choice.operation) {
    case 'upscale':
      return { ...base, process: { ...fn, upscaleFactor: choice.factor } };
    case 'extend':
      return { ...base, process: { outputRatio: choice.ratio } };
    case 'removeText':
      return { ...base, process: fn };
    case 'colorize':
      return { ...base, ...(choice.hint?.trim() ? { prompt: choice.hint.trim() } : {}), process: fn };
    case 'restyle': {
      const style = findRestyleStyle(choice.scope, choice.style);
      const subject = choice.subject?.trim();
      // §1: "把房子变成木板风格" names the object; without one the catalog's stock prompt applies.
      const prompt = subject && choice.scope === 'local' && style ? `把${subject}变成${style.label['zh-cn']}风格` : undefined;
      return { ...base, ...(prompt ? { prompt } : {}), process: { ...fn, style: style?.id ?? choice.style } };
    }
    case 'replaceBackground':
      return { ...base, prompt: choice.prompt };
  }
}

/** A file an operation produced (`x.x2.png`, `x.16x9.jpg` and sidecars; names from operationNames.ts), so a folder batch does not process its own results again. */
export function isProcessedOutput(name: string): boolean {
  return /\.(x[1-4]|\d+x\d+|notext|color|bg|extend|sketch|cartoon|edit|style-[^.]+)(-\d+)?\.(png|jpe?g|webp)(\.json)?$/i.test(name.slice(name.lastIndexOf('/') + 1));
}
