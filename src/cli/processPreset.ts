/**
 * `upscale | extend | retouch | background --preset NAME [--set blank=value] --image <file>`: an
 * image-processing preset of `.bailian/presets.json` run from the CLI. The preset fixes the model,
 * the operation (function) and its options, and the prompt template; the run gives the image, a
 * mask where the operation paints one (inpainting), and may set --n, --seed, --watermark and
 * (background) --ref. Each preset belongs to the one verb its operation is
 * (presetVerbs.ts); any other verb says which one to use. Checked like every preset:
 * a problem names the file, the preset and the field, exits 2 and sends nothing.
 */
import { relative, resolve, sep } from 'node:path';
import { findModel, processFunctionSpec, type GenerationRequest } from '../dashscope/index.js';
import { PresetError, usePreset } from '../pipeline/presets/index.js';
import { list, str, type Values } from './args.js';
import type { Io, RunState } from './context.js';
import { checkPresetVerb, operationOfPreset, type ProcessVerb } from './presetVerbs.js';
import { blankValuesOf, loadPreset, presetOutDir, refuseReplacedFlags } from './presets.js';
import { commonFields, imageOf, runProcess } from './process.js';
import { UsageError } from './usage.js';

/** Flags each verb takes that a preset's options replace: given with --preset, they are refused rather than silently chosen. */
const REPLACED_BY_PROCESS_PRESET: Record<ProcessVerb, readonly string[]> = {
  upscale: ['factor'],
  extend: ['ratio', 'top', 'bottom', 'left', 'right'],
  retouch: ['op', 'style', 'strength', 'is-sketch'],
  background: ['negative', 'model-version', 'noise-level', 'ref-weight'],
};

/** The request of a process preset for this run: the preset's, with the image, the mask and the overrides. */
export async function buildProcessPresetRequest(command: ProcessVerb, values: Values, positionals: string[], cwd: string): Promise<{ request: GenerationRequest; preset: { name: string; blanks: Record<string, string> }; outDir?: string }> {
  const name = str(values, 'preset')!;
  refuseReplacedFlags(name, 'the operation, its options and the prompt', REPLACED_BY_PROCESS_PRESET[command], values, positionals, command);
  const { preset, root, file } = await loadPreset(name, cwd, command);
  checkPresetVerb(preset, file, command);
  const image = imageOf(values, command);
  const blanks = blankValuesOf(values, command);
  let request: GenerationRequest;
  let outputTemplate: string | undefined;
  try {
    ({ request, outputTemplate } = usePreset(preset, blanks, { file, blankLabel: (b) => `--set ${b}=…` }));
  } catch (err) {
    if (err instanceof PresetError) throw new UsageError(err.message, command, false);
    throw err;
  }
  request = { ...request, images: [image], ...commonFields(values) };
  const needsMask = processFunctionSpec(request.model, request.process?.function)?.mask === 'required';
  const mask = str(values, 'mask');
  if (needsMask && !mask) throw new UsageError(`preset "${preset.name}" in ${file} paints where a mask says (${operationOfPreset(preset)}); give --mask <png>: the image's size, white where to change, black where to keep.`, command);
  if (!needsMask && mask) throw new UsageError(`preset "${preset.name}" in ${file} (${operationOfPreset(preset)}) takes no mask; drop --mask.`, command);
  if (mask) request.mask = mask;
  const ref = str(values, 'ref');
  if (ref) request.process = { ...request.process, refImage: ref };
  const outDir = str(values, 'out') === undefined && outputTemplate ? presetOutDir(outputTemplate, preset, findModel(request.model)!, root, resolve(cwd, image), request, file, command) : undefined;
  return { request, preset: { name: preset.name, blanks }, ...(outDir ? { outDir } : {}) };
}

/** Runs `<verb> --preset NAME`: the preset's request through the same processing run as the verb's flags. */
export async function runProcessPreset(command: ProcessVerb, values: Values, positionals: string[], io: Io, state: RunState): Promise<number> {
  const { request, preset, outDir } = await buildProcessPresetRequest(command, values, positionals, io.cwd);
  const effective = outDir !== undefined ? { ...values, out: relative(io.cwd, outDir).split(sep).join('/') || '.' } : values;
  return runProcess(request, effective, io, state, { preset });
}

/** Runs an image-processing verb: from `--preset` when one is given, else from the verb's own flags. */
export async function runProcessVerb(command: ProcessVerb, run: (values: Values, positionals: string[], io: Io, state: RunState) => Promise<number>, values: Values, positionals: string[], io: Io, state: RunState): Promise<number> {
  if (str(values, 'preset') !== undefined) return runProcessPreset(command, values, positionals, io, state);
  if (list(values, 'set').length) throw new UsageError(`--set fills the blanks of a preset; give --preset NAME as well.`, command);
  return run(values, positionals, io, state);
}
