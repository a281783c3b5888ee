/** `upscale --image photo.png --factor 2`: wanx2.1-imageedit `super_resolution` (image-processing.md §1). */
import { integer, type Values } from './args.js';
import type { Io, RunState } from './context.js';
import { commonFields, imageOf, runProcess } from './process.js';


export async function runUpscale(values: Values, positionals: string[], io: Io, state: RunState): Promise<number> {
  const factor = integer(values, 'factor') ?? 2;
  const prompt = positionals.join(' ').trim();
  return runProcess({ model: 'wanx2.1-imageedit', images: [imageOf(values, 'upscale')], ...(prompt ? { prompt } : {}), ...commonFields(values), process: { function: 'super_resolution', upscaleFactor: factor } }, values, io, state);
}
