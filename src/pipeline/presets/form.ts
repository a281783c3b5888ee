/**
 * Presets and the studio's form: a preset shown in the picker (its fields as the form takes
 * them, its blanks, its problems), and the form's settings (or a card's, or a compared model's)
 * turned into a preset under a name and a prompt template. A studio mode maps to a preset mode
 * one to one; Retouch takes the `process` presets of the operations it has a control for, its
 * operation and options as a retouch run (the image and the mask are given at use).
 */
import type { PresetOption, RunParams, StudioMode } from '../../protocol/messages.js';
import type { RetouchRun } from '../../protocol/retouch.js';
import { retouchOperationOf } from '../../protocol/retouchOptions.js';
import { presetBlanks } from './blanks.js';
import type { PresetEntry, Preset, PresetMode } from './schema.js';

const FORM_MODES: Partial<Record<PresetMode, StudioMode>> = { generate: 'generate', edit: 'edit', translate: 'translate', guide: 'guide', process: 'retouch' };

/** A process preset's operation and options as the Retouch form takes them; undefined where Retouch has no control for it. */
function retouchRunOfPreset(preset: Preset): RetouchRun | undefined {
  return retouchRunOf(preset.model, preset.process);
}

/** A model's image-processing options (a preset's, or a recorded job's `process`) as the Retouch form takes them; undefined where Retouch has no control for them. */
export function retouchRunOf(model: string, process: { function?: string | undefined } | undefined): RetouchRun | undefined {
  const { function: fn, ...options } = process ?? {};
  const operation = retouchOperationOf(model, fn);
  if (!operation) return undefined;
  const values = Object.fromEntries(Object.entries(options).filter((entry): entry is [string, number | boolean | string] => ['number', 'boolean', 'string'].includes(typeof entry[1])));
  return { operation, ...(fn ? { function: fn } : {}), options: values };
}

/** The picker's entry for a preset; undefined for a mode the form does not fill. `problems`: its validation problems, as sentences. */
export function presetOption(entry: PresetEntry, problems: readonly string[] = []): PresetOption | undefined {
  const { preset } = entry;
  const mode = FORM_MODES[preset.mode];
  const retouch = mode === 'retouch' ? retouchRunOfPreset(preset) : undefined;
  if (!mode || (mode === 'retouch' && !retouch)) return undefined;
  const p = preset.parameters ?? {};
  const t = preset.translation;
  const terms = Array.isArray(preset.glossary) ? preset.glossary : undefined;
  const params: PresetOption['params'] = {
    mode,
    model: preset.model,
    ...(preset.prompt !== undefined ? { prompt: preset.prompt } : {}),
    ...(preset.negativePrompt !== undefined ? { negativePrompt: preset.negativePrompt } : {}),
    ...(preset.size !== undefined ? { size: preset.size } : {}),
    ...(preset.seed !== undefined ? { seed: preset.seed } : {}),
    ...(p.n !== undefined ? { n: p.n } : {}),
    ...(p.promptExtend !== undefined ? { promptExtend: p.promptExtend } : {}),
    ...(p.watermark !== undefined ? { watermark: p.watermark } : {}),
    ...(p.maxImages !== undefined ? { maxImages: p.maxImages } : {}),
    ...(retouch ? { retouch } : {}),
    ...(t
      ? { translation: { sourceLang: t.sourceLang ?? 'auto', targetLang: t.targetLang, ...(t.domainHint ? { domainHint: t.domainHint } : {}), ...(t.sensitives ? { sensitives: t.sensitives } : {}), ...(terms ? { terms } : {}) } }
      : {}),
  };
  return {
    name: preset.name,
    origin: entry.origin,
    mode,
    model: preset.model,
    ...(preset.description ? { description: preset.description } : {}),
    params,
    blanks: presetBlanks(preset),
    problems: [...problems],
  };
}

/** A preset of the settings `params` holds, named `name`, with `template` as its prompt (blanks and all). */
export function presetFromRun(params: RunParams, name: string, template: string | undefined): Preset {
  const mode: PresetMode = params.mode === 'retouch' ? 'process' : params.mode;
  const parameters: NonNullable<Preset['parameters']> = {
    ...(params.n !== undefined && mode !== 'translate' && mode !== 'guide' ? { n: params.n } : {}),
    ...(params.promptExtend !== undefined ? { promptExtend: params.promptExtend } : {}),
    ...(params.watermark !== undefined ? { watermark: params.watermark } : {}),
    ...(params.maxImages !== undefined && mode === 'guide' ? { maxImages: params.maxImages } : {}),
  };
  const t = params.translation;
  const terms = (t?.terms ?? []).filter((term) => term.src.trim() && term.tgt.trim());
  // Retouch: the operation's function and options; the image and a painted mask are given at use.
  const r = mode === 'process' ? params.retouch : undefined;
  const process = r ? ({ ...r.options, ...(r.function ? { function: r.function } : {}) } as NonNullable<Preset['process']>) : undefined;
  return {
    name: name.trim(),
    mode,
    model: params.model,
    ...(template?.trim() && mode !== 'translate' ? { prompt: template.trim() } : {}),
    ...(params.negativePrompt?.trim() ? { negativePrompt: params.negativePrompt.trim() } : {}),
    ...(params.size ? { size: params.size } : {}),
    ...(params.seed !== undefined ? { seed: params.seed } : {}),
    ...(Object.keys(parameters).length ? { parameters } : {}),
    ...(process ? { process } : {}),
    ...(t
      ? {
          translation: {
            ...(t.sourceLang !== 'auto' ? { sourceLang: t.sourceLang } : {}),
            targetLang: t.targetLang,
            ...(t.domainHint?.trim() ? { domainHint: t.domainHint.trim() } : {}),
            ...(t.sensitives?.length ? { sensitives: [...t.sensitives] } : {}),
          },
        }
      : {}),
    ...(terms.length ? { glossary: terms.map((term) => ({ src: term.src.trim(), tgt: term.tgt.trim() })) } : {}),
  };
}
