/**
 * Using a preset: the values of its blanks checked (none missing, none unknown), then its
 * request built. Every flow goes through here (palette, CLI, agent tools, the studio), so every
 * one reports a bad blank the same way and sends nothing.
 */
import { checkBlankValues, describeBlankProblems, type BlankValues } from './blanks.js';
import { PresetError } from './file.js';
import { presetRequest, type PresetRequest } from './request.js';
import { PRESETS_PATH, type Preset } from './schema.js';

/** Options of {@link usePreset}. */
export interface UsePresetOptions {
  /** The file the preset came from, for messages. */
  readonly file?: string;
  /** How the reader names a blank in the message (the CLI: `--set subject=…`). */
  readonly blankLabel?: (blank: string) => string;
}

/** The request of `preset` with `values` in its blanks; throws {@link PresetError} naming missing or unknown blanks. */
export function usePreset(preset: Preset, values: BlankValues, options: UsePresetOptions = {}): PresetRequest {
  const problems = checkBlankValues(preset, values);
  const message = describeBlankProblems(problems, options.blankLabel);
  if (message) {
    throw new PresetError([{ file: options.file ?? PRESETS_PATH, preset: preset.name, field: problems.unknown.length ? 'blanks' : 'prompt', message }]);
  }
  return presetRequest(preset, values);
}
