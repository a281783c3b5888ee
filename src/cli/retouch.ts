/**
 * `retouch "remove the street sign" --image street.png --mask mask.png` (inpaint) and
 * `retouch --image scan.jpg --op colorize | remove-text | restyle --style … | sketch …`:
 * wanx2.1-imageedit's functions (image-processing.md §1).
 */
import { STYLIZATION_ALL_STYLES, STYLIZATION_LOCAL_STYLES, findProcessStyle } from '../dashscope/catalog/index.js';
import type { ImageEditFunction } from '../dashscope/requests/index.js';
import { bool, str, type Values } from './args.js';
import { UsageError, type Io, type RunState } from './context.js';
import { commonFields, decimal, imageOf, runProcess } from './process.js';


/** `--op` values and the function each runs. */
export const RETOUCH_OPS: Readonly<Record<string, ImageEditFunction>> = {
  inpaint: 'description_edit_with_mask',
  'remove-text': 'remove_watermark',
  colorize: 'colorization',
  restyle: 'stylization_all',
  'restyle-object': 'stylization_local',
  edit: 'description_edit',
  sketch: 'doodle',
  cartoon: 'control_cartoon_feature',
};

export async function runRetouch(values: Values, positionals: string[], io: Io, state: RunState): Promise<number> {
  const image = imageOf(values, 'retouch');
  const mask = str(values, 'mask');
  const op = str(values, 'op') ?? (mask ? 'inpaint' : undefined);
  if (!op) throw new UsageError(`retouch needs --mask (inpaint) or --op: ${Object.keys(RETOUCH_OPS).join(', ')}.`, 'retouch');
  let fn = RETOUCH_OPS[op];
  if (!fn) throw new UsageError(`--op "${op}" is not one of ${Object.keys(RETOUCH_OPS).join(', ')}.`, 'retouch');
  const style = str(values, 'style');
  // A style of the local list picks stylization_local.
  if (fn === 'stylization_all' && style && !findProcessStyle(STYLIZATION_ALL_STYLES, style) && findProcessStyle(STYLIZATION_LOCAL_STYLES, style)) fn = 'stylization_local';
  const styles = fn === 'stylization_local' ? STYLIZATION_LOCAL_STYLES : STYLIZATION_ALL_STYLES;
  const styleId = style === undefined ? undefined : findProcessStyle(styles, style)?.id ?? style;
  const strength = decimal(values, 'strength');
  const isSketch = bool(values, 'is-sketch');
  const prompt = positionals.join(' ').trim();
  return runProcess(
    {
      model: 'wanx2.1-imageedit',
      images: [image],
      ...(prompt ? { prompt } : {}),
      ...(mask ? { mask } : {}),
      ...commonFields(values),
      process: { function: fn, ...(styleId !== undefined ? { style: styleId } : {}), ...(strength !== undefined ? { strength } : {}), ...(isSketch !== undefined ? { isSketch } : {}) },
    },
    values,
    io,
    state,
  );
}
