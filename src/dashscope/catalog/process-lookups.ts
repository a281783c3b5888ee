/**
 * What the UI and the CLI ask about the processing models: which operations a model does, which
 * options an operation takes with their ranges and defaults, its styles, and which model and
 * function an everyday operation (upscale, extend, colorize…) maps to.
 */
import { findModel } from './lookups.js';
import type { ModelSpec, ProcessFunctionSpec, ProcessOptionName, ProcessOptionRule, ProcessStyle } from './types.js';

/** The ids of the processing models, in menu order. */
export const PROCESS_MODEL_IDS = ['wanx2.1-imageedit', 'image-out-painting', 'wanx-background-generation-v2'] as const;

/** The operations `model` does (wanx2.1-imageedit: its ten functions); empty for a non-processing model. */
export function processFunctions(model: string | ModelSpec): readonly ProcessFunctionSpec[] {
  const spec = typeof model === 'string' ? findModel(model) : model;
  return spec?.processing?.functions ?? [];
}

/**
 * The operation a request names: `fn` for wanx2.1-imageedit (which needs one), the model's only
 * operation for the others (which take none). Undefined when `fn` is missing or unknown there.
 */
export function processFunctionSpec(model: string | ModelSpec, fn?: string): ProcessFunctionSpec | undefined {
  const spec = typeof model === 'string' ? findModel(model) : model;
  const p = spec?.processing;
  if (!p) return undefined;
  if (!p.functionOnWire) return fn === undefined ? p.functions[0] : undefined;
  return fn === undefined ? undefined : p.functions.find((f) => f.id === fn);
}

/** One option of an operation with its rule, for building controls. */
export interface ProcessOptionInfo {
  name: ProcessOptionName;
  rule: ProcessOptionRule;
}

/** The options an operation takes, in catalog order, each with its range and default. */
export function processOptions(model: string | ModelSpec, fn?: string): ProcessOptionInfo[] {
  const f = processFunctionSpec(model, fn);
  if (!f) return [];
  return (Object.entries(f.options) as [ProcessOptionName, ProcessOptionRule][]).map(([name, rule]) => ({ name, rule }));
}

/** The styles of `stylization_all` / `stylization_local` (empty for other operations). */
export function processStyles(model: string | ModelSpec, fn?: string): readonly ProcessStyle[] {
  return processFunctionSpec(model, fn)?.styles ?? [];
}

/** Finds a style by id, or by its English or Chinese label (case-insensitive). */
export function findProcessStyle(styles: readonly ProcessStyle[], value: string): ProcessStyle | undefined {
  const v = value.trim().toLowerCase();
  return styles.find((s) => s.id === v || s.label.en.toLowerCase() === v || s.label['zh-cn'] === value.trim());
}

/** The everyday operations the commands, the studio and the CLI offer, and what each calls. */
export const PROCESS_OPERATIONS = {
  upscale: { model: 'wanx2.1-imageedit', function: 'super_resolution' },
  expand: { model: 'wanx2.1-imageedit', function: 'expand' },
  extendToRatio: { model: 'image-out-painting' },
  inpaint: { model: 'wanx2.1-imageedit', function: 'description_edit_with_mask' },
  removeText: { model: 'wanx2.1-imageedit', function: 'remove_watermark' },
  colorize: { model: 'wanx2.1-imageedit', function: 'colorization' },
  restyle: { model: 'wanx2.1-imageedit', function: 'stylization_all' },
  restyleObject: { model: 'wanx2.1-imageedit', function: 'stylization_local' },
  editByDescription: { model: 'wanx2.1-imageedit', function: 'description_edit' },
  sketch: { model: 'wanx2.1-imageedit', function: 'doodle' },
  cartoon: { model: 'wanx2.1-imageedit', function: 'control_cartoon_feature' },
  background: { model: 'wanx-background-generation-v2' },
} as const satisfies Record<string, { model: (typeof PROCESS_MODEL_IDS)[number]; function?: string }>;

/** An everyday operation's name. */
export type ProcessOperation = keyof typeof PROCESS_OPERATIONS;

/** The output ratios image-out-painting offers (without the empty "none"). */
export const OUTPAINT_OUTPUT_RATIOS = ['16:9', '9:16', '4:3', '3:4', '1:1'] as const;
