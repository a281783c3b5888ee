/**
 * `extend --image banner.png --ratio 16:9` (image-out-painting) or
 * `extend --image banner.png --top 1.2 --bottom 1.2 --left 1.5 --right 1.5` (wanx2.1-imageedit `expand`).
 */
import type { GenerationRequest } from '../dashscope/index.js';
import { str, type Values } from './args.js';
import { UsageError, type Io, type RunState } from './context.js';
import { commonFields, decimal, imageOf, runProcess } from './process.js';


export async function runExtend(values: Values, positionals: string[], io: Io, state: RunState): Promise<number> {
  const image = imageOf(values, 'extend');
  const ratio = str(values, 'ratio');
  const sides = { topScale: decimal(values, 'top'), bottomScale: decimal(values, 'bottom'), leftScale: decimal(values, 'left'), rightScale: decimal(values, 'right') };
  const anySide = Object.values(sides).some((v) => v !== undefined);
  if (ratio !== undefined && anySide) throw new UsageError('extend takes either --ratio (image-out-painting) or --top/--bottom/--left/--right side scales (wanx2.1-imageedit), not both.', 'extend');
  const prompt = positionals.join(' ').trim();
  let request: GenerationRequest;
  if (ratio !== undefined) {
    if (prompt) throw new UsageError('extend --ratio takes no prompt (image-out-painting extends from the image alone); remove it or use side scales.', 'extend');
    request = { model: 'image-out-painting', images: [image], ...commonFields(values), process: { outputRatio: ratio as NonNullable<GenerationRequest['process']>['outputRatio'] } };
  } else if (anySide) {
    const process = Object.fromEntries(Object.entries(sides).filter(([, v]) => v !== undefined));
    request = { model: 'wanx2.1-imageedit', images: [image], ...(prompt ? { prompt } : {}), ...commonFields(values), process: { function: 'expand', ...process } };
  } else {
    throw new UsageError('extend needs --ratio 16:9 (or 9:16, 4:3, 3:4, 1:1), or side scales --top/--bottom/--left/--right from 1.0 to 2.0.', 'extend');
  }
  return runProcess(request, values, io, state);
}
