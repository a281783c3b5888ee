// The preset picker above the form (every mode; Retouch lists the image-operation presets): the
// window's presets for the mode (the team's, from .bailian/presets.json, marked as shared),
// picking one fills the form (in Retouch, the operation and its options too), and its blanks get
// small inputs; the prompt sent is the template with them filled. An unfilled blank holds the run
// back inline. Problems of the presets files are shown as they are.
import type { HostMessage, ModelOption, PresetOption, RunParams, StudioMode } from '../../src/protocol/messages';
import { fillTemplate, templateBlanks } from '../../src/protocol/template';
import { el, field } from '../dom';
import { retouchFormOf } from '../retouch/model';
import { app, dropdown, modelsOf, post, s, textField, view } from './bridge';

const PRESET_MODES: readonly StudioMode[] = ['generate', 'edit', 'translate', 'guide', 'retouch'];

let presets: PresetOption[] | undefined;
let problems: string[] = [];
let asked = false;
/** The preset picked in each mode and the values of its blanks (kept while the page lives). */
const picked: Partial<Record<StudioMode, { preset: PresetOption; values: Record<string, string> }>> = {};

/** The host's list of presets: the form shows it (again); `pick` (Draw a Mask in the Studio, from the palette) is picked with its blanks. */
export function receivePresets({ presets: list, problems: found, pick: wanted }: Extract<HostMessage, { type: 'presets' }>, rerender: () => void): void {
  presets = list;
  problems = found;
  for (const mode of PRESET_MODES) if (picked[mode] && !list.some((p) => p.name === picked[mode]!.preset.name)) delete picked[mode];
  const preset = wanted && list.find((p) => p.name === wanted.name);
  if (wanted?.params) fill(wanted.params);
  else if (preset) pick(preset.mode, preset, wanted.blanks);
  else if (view().mode !== 'history') rerender();
}

/** The blanks of the prompt now in `mode`'s form, when a preset is picked there. */
function blanksOf(mode: StudioMode): string[] {
  return picked[mode] ? templateBlanks(view().prompts[mode] ?? '').blanks : [];
}

/** The picker, the blanks' inputs and the problems, for the top of `mode`'s form (nothing in Retouch). */
export function presetRow(mode: StudioMode, showProblems: () => void): HTMLElement[] {
  if (!PRESET_MODES.includes(mode)) return [];
  if (!presets && !asked) {
    asked = true;
    post({ type: 'loadPresets' });
  }
  const own = (presets ?? []).filter((p) => p.mode === mode);
  if (!own.length && !problems.length) return [];
  const current = picked[mode];
  const picker = dropdown(
    [{ value: '', label: s('presetNone') }, ...own.map((p) => ({ value: p.name, label: s(p.origin === 'workspace' ? 'presetShared' : 'presetMine', p.name) }))],
    { id: 'preset', value: current?.preset.name ?? '', label: s('presetLabel'), onChange: (name) => pick(mode, own.find((p) => p.name === name)) },
  );
  const parts: HTMLElement[] = [field(s('presetLabel'), picker, 'preset-field')];
  if (current) {
    const inputs = blanksOf(mode).map((blank) =>
      textField({ id: `blank-${blank}`, className: 'blank', placeholder: `{${blank}}`, label: s('presetBlank', `{${blank}}`), value: current.values[blank] ?? '', onInput: (value) => ((current.values[blank] = value), showProblems()) }),
    );
    if (inputs.length) parts.push(el('div', { className: 'blanks', id: 'preset-blanks' }, ...inputs));
    if (current.preset.description) parts.push(el('p', { className: 'description', textContent: current.preset.description }));
  }
  const notes = [...problems, ...(current ? presetNotes(current.preset) : [])];
  if (notes.length) parts.push(el('ul', { className: 'problems preset-problems', id: 'preset-problems', title: s('presetProblems') }, ...notes.map((text) => el('li', { textContent: text }))));
  return [el('div', { className: 'preset-row' }, ...parts)];
}

/** What the form cannot take of a preset, said instead of adjusted. */
function presetNotes(preset: PresetOption): string[] {
  const model = modelsOf(preset.mode).find((m) => m.id === preset.model);
  if (!model) return [s('presetModelMissing', preset.name, preset.model)];
  const size = preset.params.size;
  if (size && model.sizeRule.kind === 'list' && !model.sizes.includes(size)) return [s('presetSizeNotOffered', preset.name, size.replace('*', '×'), model.label)];
  return [...preset.problems];
}

function pick(mode: StudioMode, preset: PresetOption | undefined, values: Record<string, string> = {}): void {
  if (!preset) {
    delete picked[mode];
    app().fillForm(mode, currentOf(mode), {});
    return;
  }
  picked[mode] = { preset, values: { ...values } };
  fill(preset.params);
}

/** Fills `params.mode`'s form: a picked preset's fields, or an image's recorded settings (Open Settings in Studio on an image operation). */
function fill(params: RunParams): void {
  // Retouch: the operation, its variant and options first (they decide the model the form shows).
  const retouch = params.retouch && retouchFormOf(app().init()?.retouch ?? [], params.retouch, view().retouch);
  if (retouch) app().dispatch({ type: 'retouch', patch: retouch });
  const model: ModelOption | undefined = modelsOf(params.mode).find((m) => m.id === params.model);
  app().fillForm(params.mode, model ?? currentOf(params.mode), params);
}

function currentOf(mode: StudioMode): ModelOption {
  const models = modelsOf(mode);
  return models.find((m) => m.id === view().models[mode]) ?? models[0]!;
}

/** The blanks left empty: each holds the run back. */
export function presetProblems(mode: StudioMode): { key: 'presetBlankMissing'; args: string[] }[] {
  const current = picked[mode];
  if (!current) return [];
  return blanksOf(mode)
    .filter((blank) => !current.values[blank]?.trim())
    .map((blank) => ({ key: 'presetBlankMissing', args: [`{${blank}}`] }));
}

/** The run's parameters with the template's blanks filled and the preset named (provenance and history record it). */
export function withPreset(mode: StudioMode, params: RunParams): RunParams {
  const current = picked[mode];
  if (!current) return params;
  // An operation without a prompt (Upscale, Colorize…) still records the preset it came from.
  if (params.prompt === undefined) return { ...params, preset: { name: current.preset.name, blanks: {} } };
  const blanks = Object.fromEntries(blanksOf(mode).map((b) => [b, current.values[b]?.trim() ?? '']));
  return { ...params, prompt: fillTemplate(params.prompt, blanks), preset: { name: current.preset.name, blanks, template: params.prompt } };
}
