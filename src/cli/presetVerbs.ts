/**
 * Which `bailian-image` verb runs a preset: its mode's verb (generate, edit, translate,
 * interleave), and for an image-processing preset the verb of its operation (upscale, extend,
 * retouch, background). A preset given to another verb is refused with the one to use.
 */
import { processVerbOf, type ProcessVerb } from '../pipeline/cliCommand.js';
import type { Preset } from '../pipeline/presets/index.js';
import { PROGRAM, UsageError } from './usage.js';

export type { ProcessVerb };

/** The verb that runs a process preset, from its model and operation (the one mapping Copy as CLI Command uses too). */
export function processVerbOfPreset(preset: Pick<Preset, 'model' | 'process'>): ProcessVerb {
  return processVerbOf(preset.model, preset.process?.function);
}

/** The verb that runs a preset. */
export function verbOfPreset(preset: Pick<Preset, 'mode' | 'model' | 'process'>): string {
  if (preset.mode === 'process') return processVerbOfPreset(preset);
  return preset.mode === 'guide' ? 'interleave' : preset.mode;
}

/** What a process preset does, for messages: `wanx2.1-imageedit super_resolution`. */
export function operationOfPreset(preset: Pick<Preset, 'model' | 'process'>): string {
  return [preset.model, preset.process?.function].filter(Boolean).join(' ');
}

/** Refuses a preset whose mode (or operation) is not `command`'s, naming the preset, its mode and the verb to use. */
export function checkPresetVerb(preset: Preset, file: string, command: string): void {
  const verb = verbOfPreset(preset);
  if (verb === command) return;
  const what = preset.mode === 'process' ? `an image-processing preset (${operationOfPreset(preset)})` : `a ${preset.mode} preset`;
  const image = preset.mode === 'process' ? ' --image <file>' : '';
  throw new UsageError(`preset "${preset.name}" in ${file} is ${what}; run it with \`${PROGRAM} ${verb} --preset "${preset.name}"${image}\`.`, command, false);
}
