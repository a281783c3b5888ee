// The form of the current mode: the model picker, the input images (for models that take them),
// the mode's own controls (webview/modes/), the Run button and the problems that hold it back.
// Also what fills it from earlier parameters and what runs it.
import type { ModelOption, PickerImage, RunParams, StringKey, StudioMode } from '../src/protocol/messages';
import { button, dropdown, type ValueControl } from './components';
import { renderCards } from './cards';
import { el, field } from './dom';
import { extraChoicesOf } from './extraOptions';
import { post } from './host';
import { renderInputs } from './inputs';
import { compareRow, presetProblems, presetRow, withPreset } from './team';
import { formHost } from './layout';
import type { FormContext, ModeForm } from './modes/context';
import { editForm } from './modes/edit';
import { generateForm } from './modes/generate';
import { guideForm } from './modes/guide';
import { retouchForm } from './modes/retouch';
import { translateForm } from './modes/translate';
import { currentModel, dispatch, modelsOf, s, state } from './session';
import { CUSTOM_SIZE, newJobId, runParams, validate, type Card, type Choices, type Problem } from './state';

const MODE_FORMS: Record<StudioMode, ModeForm> = { generate: generateForm, edit: editForm, translate: translateForm, guide: guideForm, retouch: retouchForm };

/** Whether the user tried to run with problems (then even the quiet ones show). */
let attempted = false;
let showProblems: () => void = () => undefined;

/** Shows only the loud problems again (a new mode, a started run). */
export function forgetAttempt(): void {
  attempted = false;
}

export function renderForm(): void {
  const mode = state.mode as StudioMode;
  const model = currentModel(mode);
  const form = MODE_FORMS[mode];
  const ctx = formContext(mode, model);
  const parts: HTMLElement[] = [...presetRow(mode, () => showProblems(), renderForm), ...(form.hideModel ? [] : [modelRow(mode, model)])];
  if (model.inputs) parts.push(renderInputs(ctx, form.inputTools));
  parts.push(...form.controls(ctx));

  const run = button(s(form.runLabel), () => startRun(), { id: 'run', title: s('runHint') });
  const problems = el('ul', { id: 'problems', className: 'problems' });
  problems.setAttribute('aria-live', 'polite');
  const save = button(s('savePreset'), () => post({ type: 'savePreset', params: formParams(mode) }), { id: 'save-preset', secondary: true });
  parts.push(el('div', { className: 'actions' }, run, save, el('span', { className: 'hint', textContent: s('runHint') })), problems);
  if (mode === 'generate') parts.push(...compareRow(() => formParams(mode), checkedParams, () => state.mode === 'generate' && renderForm()));

  showProblems = () => {
    const found = problemsOf(mode);
    run.disabled = found.length > 0;
    const shown = found.filter((p) => attempted || !p.quiet);
    problems.replaceChildren(...shown.map((p) => el('li', { textContent: s(p.key as StringKey, ...p.args), className: `problem-${p.field}` })));
    for (const id of ['prompt', 'seed', 'custom-size', 'negative-prompt']) formHost.querySelector(`#${id}`)?.classList.toggle('invalid', shown.some((p) => fieldId(p) === id));
  };
  formHost.replaceChildren(...parts);
  showProblems();
}

/** The form as the mode's controls (and the extra options' controls) see it. */
function formContext(mode: StudioMode, model: ModelOption): FormContext {
  return {
    mode,
    model,
    choices: () => state.choices[model.id] ?? {},
    setChoice: (patch) => (dispatch({ type: 'choice', model: model.id, patch }), showProblems()),
    rerender: renderForm,
    showProblems: () => showProblems(),
    s,
  };
}

/** This mode's models, with the selected one's description below. */
function modelRow(mode: StudioMode, model: ModelOption): HTMLElement {
  const modelPicker = dropdown(modelsOf(mode).map((m) => ({ value: m.id, label: m.label })), {
    id: 'model',
    value: model.id,
    label: s('modelLabel'),
    onChange: (id) => {
      const next = modelsOf(mode).find((m) => m.id === id);
      if (!next || next.id === model.id) return;
      dispatch({ type: 'model', mode, model: next, previous: model });
      renderForm();
    },
  });
  return el('div', { className: 'model-row' }, field(s('modelLabel'), modelPicker, 'model-field'), el('p', { className: 'description', id: 'model-description', textContent: model.description }));
}

function fieldId(p: Problem): string {
  return p.field === 'size' ? 'custom-size' : p.field === 'negativePrompt' ? 'negative-prompt' : p.field;
}

/** What holds the current mode's run back: the shared checks and the mode's own. */
function problemsOf(mode: StudioMode): Problem[] {
  const form = MODE_FORMS[mode];
  const shared = validate(mode, currentModel(mode), state).filter((p) => !(p.key === 'errPromptRequired' && form.promptOptional?.()));
  return [...shared, ...(form.problems?.() ?? []).map((p): Problem => ({ field: 'retouch', ...p })), ...presetProblems(mode).map((p): Problem => ({ field: 'preset', ...p }))];
}

/** The run parameters of the form as it stands (a preset's blanks filled in). */
function formParams(mode: StudioMode): RunParams {
  const base = runParams(mode, currentModel(mode), state);
  return withPreset(mode, MODE_FORMS[mode].params?.(base) ?? base);
}

/** The form's run parameters when nothing holds the run back (Compare); else every problem is shown. */
function checkedParams(): RunParams | undefined {
  const mode = state.mode as StudioMode;
  attempted = problemsOf(mode).length > 0;
  if (attempted) showProblems();
  return attempted ? undefined : formParams(mode);
}

/** Runs the current mode's form: a card for the new job, then `run` to the host; with problems, shows them all instead. */
export function startRun(): void {
  if (state.mode === 'history') return;
  const mode = state.mode;
  const model = currentModel(mode);
  const problems = problemsOf(mode);
  if (problems.length) {
    attempted = true;
    showProblems();
    return;
  }
  const params = formParams(mode);
  const jobId = newJobId(Date.now());
  const card: Card = { jobId, mode, model: model.id, modelLabel: model.label, params, startedAt: Date.now(), job: { jobId, status: 'running', text: '', images: [] } };
  dispatch({ type: 'start', card });
  // An unlocked seed is used once: the next run gets a new random one.
  const choices = state.choices[model.id];
  if (model.seed && choices?.seed && !choices.seedLocked) {
    dispatch({ type: 'choice', model: model.id, patch: { seed: '' } });
    const seed = formHost.querySelector<ValueControl>('#seed');
    if (seed) seed.value = '';
  }
  attempted = false;
  post({ type: 'run', jobId, params });
  renderCards();
}

/** Fills the state of `mode`'s form from earlier parameters (history reuse, re-run) and makes it the current mode. */
export function fillForm(mode: StudioMode, model: ModelOption, p: Partial<RunParams>, inputs?: readonly PickerImage[]): void {
  const previous = currentModel(mode);
  dispatch({ type: 'model', mode, model, previous });
  dispatch({ type: 'prompt', mode, text: p.prompt ?? '' });
  const patch: Choices = {};
  if (p.size) {
    if (model.sizes.includes(p.size)) patch.size = p.size;
    else if (model.sizeRule.kind !== 'list') Object.assign(patch, { size: CUSTOM_SIZE, customSize: p.size });
  }
  if (p.n !== undefined) patch.n = p.n;
  patch.seed = p.seed !== undefined ? String(p.seed) : '';
  patch.seedLocked = p.seed !== undefined;
  if (p.negativePrompt !== undefined) patch.negativePrompt = p.negativePrompt;
  if (p.promptExtend !== undefined) patch.promptExtend = p.promptExtend;
  if (p.watermark !== undefined) patch.watermark = p.watermark;
  if (p.maxImages !== undefined) patch.maxImages = p.maxImages;
  Object.assign(patch, extraChoicesOf(model, p, inputs));
  dispatch({ type: 'choice', model: model.id, patch });
  if (inputs) dispatch({ type: 'setInputs', mode, images: inputs });
  if (p.translation) {
    const t = p.translation;
    dispatch({ type: 'translate', patch: { sourceLang: t.sourceLang, targetLang: t.targetLang, domainHint: t.domainHint ?? '', sensitives: (t.sensitives ?? []).join(', '), ...(t.terms ? { terms: t.terms } : {}) } });
  }
  dispatch({ type: 'mode', mode });
}
