/** `background "a sunny beach" --image product.png`: wanx-background-generation-v2 (image-processing.md §4). */
import { str, integer, type Values } from './args.js';
import type { Io, RunState } from './context.js';
import { commonFields, decimal, imageOf, runProcess } from './process.js';


export async function runBackground(values: Values, positionals: string[], io: Io, state: RunState): Promise<number> {
  const image = imageOf(values, 'background');
  const prompt = positionals.join(' ').trim();
  const process: Record<string, unknown> = {};
  const ref = str(values, 'ref');
  if (ref) process.refImage = ref;
  const negative = str(values, 'negative');
  if (negative) process.negativeRefPrompt = negative;
  const version = str(values, 'model-version');
  if (version) process.modelVersion = version;
  const noise = integer(values, 'noise-level');
  if (noise !== undefined) process.noiseLevel = noise;
  const weight = decimal(values, 'ref-weight');
  if (weight !== undefined) process.refPromptWeight = weight;
  return runProcess({ model: 'wanx-background-generation-v2', images: [image], ...(prompt ? { prompt } : {}), ...commonFields(values), ...(Object.keys(process).length ? { process } : {}) }, values, io, state);
}
