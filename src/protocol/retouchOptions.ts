/**
 * The Retouch mode's operations as the studio offers them, derived from the catalog (the one
 * source of truth): which model and function each everyday operation calls
 * (`PROCESS_OPERATIONS`), whether it takes a prompt or a mask, and each option with its range,
 * default and (styles) localized labels. Host-only (the webview gets the result in `init`): pure,
 * unit-tested under plain Node.
 */
import { PROCESS_OPERATIONS, findModel, processFunctionSpec, processOptions, processStyles, type ProcessOperation } from '../dashscope/catalog/index.js';
import type { RetouchOperation, RetouchOperationData, RetouchOptionData, RetouchVariantData } from './retouch.js';

/** Each studio operation and the catalog operations behind it; the first variant is the default. */
const OPERATION_VARIANTS: Readonly<Record<RetouchOperation, readonly { key: string; operation: ProcessOperation }[]>> = {
  upscale: [{ key: 'upscale', operation: 'upscale' }],
  extend: [
    { key: 'ratio', operation: 'extendToRatio' },
    { key: 'sides', operation: 'expand' },
  ],
  inpaint: [{ key: 'inpaint', operation: 'inpaint' }],
  removeText: [{ key: 'removeText', operation: 'removeText' }],
  colorize: [{ key: 'colorize', operation: 'colorize' }],
  restyle: [
    { key: 'whole', operation: 'restyle' },
    { key: 'local', operation: 'restyleObject' },
  ],
  editByDescription: [{ key: 'editByDescription', operation: 'editByDescription' }],
  sketch: [{ key: 'sketch', operation: 'sketch' }],
  background: [{ key: 'background', operation: 'background' }],
};

/** The catalog model and function of a studio operation's variant (the host checks a run against it). */
export function retouchTarget(operation: RetouchOperation, fn: string | undefined): { model: string; function?: string } | undefined {
  for (const variant of OPERATION_VARIANTS[operation]) {
    const target: { model: string; function?: string } = PROCESS_OPERATIONS[variant.operation];
    if ((target.function ?? undefined) === fn) return target;
  }
  return undefined;
}

/**
 * The studio operation a catalog model (id or snapshot) and function make: the inverse of
 * {@link retouchTarget}, for a process preset the Retouch form is filled from. Undefined where
 * Retouch has no control for it (control_cartoon_feature: the palette and the CLI run it).
 */
export function retouchOperationOf(model: string, fn: string | undefined): RetouchOperation | undefined {
  const id = findModel(model)?.id ?? model;
  return (Object.keys(OPERATION_VARIANTS) as RetouchOperation[]).find((operation) =>
    OPERATION_VARIANTS[operation].some((variant) => {
      const target: { model: string; function?: string } = PROCESS_OPERATIONS[variant.operation];
      return target.model === id && target.function === fn;
    }),
  );
}

const zh = (language: string) => language.toLowerCase().startsWith('zh');

/** One variant as plain data: its prompt, mask, transparency rule and the options a control shows. */
function variantData(key: string, operation: ProcessOperation, language: string, optionLabel: (name: string) => string): RetouchVariantData | undefined {
  const target: { model: string; function?: string } = PROCESS_OPERATIONS[operation];
  const spec = findModel(target.model);
  const fn = spec && processFunctionSpec(spec, target.function);
  if (!spec || !fn) return undefined;
  const styles = processStyles(spec, target.function);
  const options: RetouchOptionData[] = processOptions(spec, target.function).flatMap(({ name, rule }): RetouchOptionData[] => {
    const label = optionLabel(name);
    switch (rule.kind) {
      case 'number':
        return [{ name, label, kind: 'number', min: rule.min, max: rule.max, default: rule.default, integer: rule.integer === true }];
      case 'boolean':
        return [{ name, label, kind: 'boolean', default: rule.default }];
      case 'enum': {
        const valueLabel = (value: string) => {
          const style = styles.find((s) => s.id === value);
          return style ? (zh(language) ? style.label['zh-cn'] : style.label.en) : value;
        };
        return [{ name, label, kind: 'enum', values: rule.values.map((value) => ({ value, label: valueLabel(value) })), default: rule.default }];
      }
      // Reference images and free texts of background generation: not offered in the studio.
      default:
        return [];
    }
  });
  return {
    key,
    label: zh(language) ? fn.label['zh-cn'] : fn.label.en,
    model: spec.id,
    ...(target.function ? { function: target.function } : {}),
    prompt: fn.prompt,
    mask: fn.mask === 'required',
    alphaRequired: spec.images?.alphaRequired === true,
    options,
  };
}

/** The Retouch operations with their variants, labelled by `label` and `optionLabel` (the host's localized names). */
export function retouchOperationOptions(language: string, label: (operation: RetouchOperation) => string, optionLabel: (name: string) => string = (name) => name): RetouchOperationData[] {
  return (Object.keys(OPERATION_VARIANTS) as RetouchOperation[]).flatMap((id) => {
    const variants = OPERATION_VARIANTS[id].flatMap((v) => variantData(v.key, v.operation, language, optionLabel) ?? []);
    return variants.length ? [{ id, label: label(id), variants }] : [];
  });
}

/**
 * Whether a region serves the processing models (the catalog says Beijing only). A custom
 * endpoint may be a Beijing workspace or a gateway: it is not held back here; the service answers.
 */
export function retouchServedIn(region: string): boolean {
  if (region === 'custom') return true;
  return PROCESS_OPERATIONS_MODELS.some((id) => findModel(id)?.regions.some((r) => r === region));
}

const PROCESS_OPERATIONS_MODELS = [...new Set(Object.values(PROCESS_OPERATIONS).map((op) => op.model))];
