/**
 * The checks of an image-processing request (image-processing.md): the operation, the options it
 * takes and their ranges, its prompt, its mask and reference image. Pure: what needs the pixels
 * (mask size and emptiness, transparency, offsets against the image's size) is checked where the
 * local images are read (process-images.ts), still before anything is sent.
 */
import { PROCESS_MODEL_IDS, findProcessStyle, processFunctionSpec, type ProcessFunctionSpec, type ProcessOptionName, type ProcessOptionRule } from '../catalog/index.js';
import type { CheckContext } from './checks.js';
import { toImageInput, type ProcessOptions, type ResolvedImageInput } from './schema.js';

/** What the processing checks resolved: the operation, and the mask and reference image in object form. */
export interface ProcessResolution {
  processFunction?: ProcessFunctionSpec;
  mask?: ResolvedImageInput;
  refImage?: ResolvedImageInput;
}

/** The image-processing options: only for processing models, only those the operation takes, within range. */
export function checkProcess({ spec, req, id, add }: CheckContext): ProcessResolution {
  const p = spec.processing;
  if (!p) {
    if (req.process) add('process', `${id} takes no image-processing options; use ${PROCESS_MODEL_IDS.join(', ')} for upscaling, extending, inpainting and backgrounds.`);
    if (req.mask) add('mask', `${id} takes no mask; inpaint with wanx2.1-imageedit (function description_edit_with_mask).`);
    return {};
  }
  const opts: ProcessOptions = req.process ?? {};
  const fnName = opts.function;
  if (p.functionOnWire && fnName === undefined) {
    add('process.function', `${id} needs an operation: set process.function to one of ${p.functions.map((f) => f.id).join(', ')}.`);
    return {};
  }
  if (!p.functionOnWire && fnName !== undefined) {
    add('process.function', `${id} does one thing and takes no function; remove process.function (functions are for wanx2.1-imageedit).`);
    return {};
  }
  const fn = processFunctionSpec(spec, fnName)!;
  const label = p.functionOnWire ? `${id} ${fn.id}` : id;
  const resolution: ProcessResolution = { processFunction: fn };

  for (const [name, value] of Object.entries(opts) as [keyof ProcessOptions, unknown][]) {
    if (name === 'function' || value === undefined) continue;
    const rule = fn.options[name as ProcessOptionName];
    if (!rule) {
      const takes = Object.keys(fn.options);
      add(`process.${name}`, `${label} does not take ${name}; ${takes.length ? `it takes ${takes.join(', ')}` : 'it takes no options'}. Remove it.`);
      continue;
    }
    const problem = checkOptionValue(name, rule, value, fn);
    if (problem) add(`process.${name}`, problem);
  }
  if (opts.refImage !== undefined && fn.options.refImage) resolution.refImage = toImageInput(opts.refImage);

  // image-out-painting (§2): the service uses the FIRST of ratio, scales, offsets that is set and ignores the rest.
  const ways = [opts.outputRatio ? 'outputRatio' : '', opts.xScale !== undefined || opts.yScale !== undefined ? 'xScale/yScale' : '', [opts.topOffset, opts.bottomOffset, opts.leftOffset, opts.rightOffset].some((o) => o !== undefined) ? 'offsets' : ''].filter(Boolean);
  if (ways.length > 1) add('process', `${id} extends by one of outputRatio, xScale/yScale or offsets; you set ${ways.join(' and ')}. Keep one (the service would ignore the others).`);

  const prompt = req.prompt?.trim() ?? '';
  if (fn.prompt === 'required' && !prompt) add('prompt', `${label} needs a prompt: describe ${fn.mask ? 'what should fill the masked area' : 'the result you want'}.`);
  if (fn.prompt === 'none' && prompt) add('prompt', `${id} takes no prompt; remove it (it extends the picture from the image alone).`);
  if (fn.id === 'background' && !prompt && opts.refImage === undefined) {
    add('prompt', `${id} needs a description of the new background (the prompt) or a reference image (process.refImage), or both.`);
  }
  if (fn.mask === 'required' && req.mask === undefined) {
    add('mask', `${label} needs a mask: an image at the base image's own resolution, white where to edit and black where to keep.`);
  } else if (fn.mask !== 'required' && req.mask !== undefined) {
    add('mask', `${label} takes no mask; only wanx2.1-imageedit description_edit_with_mask does. Remove the mask or switch the function.`);
  }
  if (req.mask !== undefined && fn.mask) resolution.mask = toImageInput(req.mask);
  return resolution;
}

function checkOptionValue(name: string, rule: ProcessOptionRule, value: unknown, fn: ProcessFunctionSpec): string | undefined {
  switch (rule.kind) {
    case 'number': {
      const v = value as number;
      const whole = rule.integer ? 'a whole number ' : '';
      if (!Number.isFinite(v) || (rule.integer && !Number.isInteger(v)) || v < rule.min || v > rule.max) {
        return `${name} must be ${whole}from ${rule.min} to ${rule.max}; you gave ${v}.`;
      }
      return undefined;
    }
    case 'enum':
      if (name === 'style') {
        if (!findProcessStyle(fn.styles ?? [], String(value))) return `${fn.id} offers the styles ${(fn.styles ?? []).map((s) => s.id).join(', ')}; "${String(value)}" is not one of them.`;
        return undefined;
      }
      return rule.values.includes(String(value)) ? undefined : `${name} must be one of ${rule.values.filter(Boolean).join(', ')}; you gave "${String(value)}".`;
    default:
      return undefined;
  }
}

/**
 * image-out-painting's pixel offsets against the image's size (§2): top + bottom < 3 × height and
 * left + right < 3 × width. Returns sentences saying what to change.
 */
export function checkOutpaintOffsets(opts: ProcessOptions | undefined, size: { width: number; height: number }): string[] {
  if (!opts) return [];
  const problems: string[] = [];
  const vertical = (opts.topOffset ?? 0) + (opts.bottomOffset ?? 0);
  const horizontal = (opts.leftOffset ?? 0) + (opts.rightOffset ?? 0);
  if (vertical >= 3 * size.height) problems.push(`topOffset + bottomOffset is ${vertical} px; it must stay under 3 × the image height (${3 * size.height} px for ${size.width}×${size.height}). Lower them.`);
  if (horizontal >= 3 * size.width) problems.push(`leftOffset + rightOffset is ${horizontal} px; it must stay under 3 × the image width (${3 * size.width} px for ${size.width}×${size.height}). Lower them.`);
  return problems;
}

/** The prompt a processing request sends: the user's, else the chosen style's, else the operation's stock prompt. */
export function effectiveProcessPrompt(fn: ProcessFunctionSpec, prompt: string | undefined, style: string | undefined): string | undefined {
  const p = prompt?.trim();
  if (p) return p;
  const chosen = style !== undefined ? findProcessStyle(fn.styles ?? [], style) : fn.styles?.[0];
  return chosen?.prompt ?? fn.defaultPrompt;
}
