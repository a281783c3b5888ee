// The studio webview app: completes the `ready`/`init` handshake (src/protocol/messages.ts), then
// renders the mode tabs, the form of the current mode (controls gated by the selected model's
// catalog entry), the run cards (newest first, each with its own job id and elapsed timer) and
// the history. State lives in webview/state.ts and is persisted with vscode.setState.
import type { HistoryItem, InitMessage, JobSnapshot, ModelOption, PickerImage, StudioError, StudioImage, StudioMode, StringKey, WorkspaceLocation } from '../src/protocol/messages';
import { button, checkbox, dropdown, linkButton, setChoices, spinner, textArea, textField, usesToolkit, whenToolkit, type ValueControl } from './components';
import { countOf, countPatch, extraChoicesOf, extraFacts, extraParamsFromHistory } from './extraOptions';
import { boxTools, markBoxes, renderExtraControls, type ExtraControlsContext } from './extraControls';
import { CUSTOM_SIZE, baseName, distinctNames, format, newJobId, reduce, restoreState, runParams, searchHistory, validate, type Action, type Card, type Choices, type Problem, type ViewState } from './state';
import { vscode } from './vscode-api';

performance.mark('bailian:script');

const MODES: readonly StudioMode[] = ['generate', 'edit', 'translate', 'guide'];
const HISTORY_CHUNK = 50;
/** The latest a page drawn from its bootstrap asks for `init` (see sayReady). */
const READY_AFTER_MS = 100;
const app = document.getElementById('app') as HTMLElement;

let state: ViewState = restoreState(vscode.getState());
let init: InitMessage | undefined;
let pickerImages: PickerImage[] | undefined;
let historyItems: HistoryItem[] | undefined;
/** Whether the user tried to run with problems (then even the quiet ones show). */
let attempted = false;

function dispatch(action: Action): ViewState {
  state = reduce(state, action);
  vscode.setState(state);
  return state;
}

function post(message: import('../src/protocol/messages').WebviewMessage): void {
  vscode.postMessage(message);
}

function s(key: StringKey, ...args: (string | number)[]): string {
  const text = init?.strings[key] ?? key;
  return args.length ? format(text, ...args) : text;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string | undefined | false)[]): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) if (child) node.append(child);
  return node;
}

function field(label: string, control: HTMLElement, className = ''): HTMLDivElement {
  const wrapper = el('div', { className: `field ${className}`.trim() });
  wrapper.append(el('label', { htmlFor: control.id, textContent: label }), control);
  return wrapper;
}

function modelsOf(mode: StudioMode): ModelOption[] {
  return init?.models.filter((m) => m.mode === mode) ?? [];
}

function currentModel(mode: StudioMode): ModelOption {
  const models = modelsOf(mode);
  return models.find((m) => m.id === state.models[mode]) ?? models[0]!;
}

// ─── Layout ────────────────────────────────────────────────────────────────────────────────

const header = el('header', { className: 'studio-header' });
const tabs = el('nav', { className: 'tabs' });
tabs.setAttribute('role', 'tablist');
const notice = el('p', { id: 'notice', className: 'notice' });
notice.setAttribute('role', 'status');
const formHost = el('section', { id: 'form', className: 'form' });
const cardsHost = el('section', { id: 'cards', className: 'cards' });
const historyHost = el('section', { id: 'history', className: 'history' });
const overlay = el('div', { id: 'picker', className: 'overlay', hidden: true });

function renderShell(): void {
  header.replaceChildren(el('h1', { textContent: s('title') }), tabs);
  renderTabs();
  app.replaceChildren(header, notice, formHost, cardsHost, historyHost, overlay);
  app.removeAttribute('aria-busy');
}

/** The whole page: header and tabs, the current mode's form or the history, the cards. */
function renderAll(): void {
  renderShell();
  renderMain();
  renderCards();
}

function renderTabs(): void {
  const all: (StudioMode | 'history')[] = [...MODES, 'history'];
  const label: Record<StudioMode | 'history', StringKey> = { generate: 'modeGenerate', edit: 'modeEdit', translate: 'modeTranslate', guide: 'modeGuide', history: 'modeHistory' };
  tabs.replaceChildren(
    ...all.map((mode) => {
      const tab = el('button', { className: 'tab', id: `tab-${mode}`, textContent: s(label[mode]), type: 'button' });
      tab.setAttribute('role', 'tab');
      tab.setAttribute('aria-selected', String(state.mode === mode));
      tab.addEventListener('click', () => switchMode(mode));
      return tab;
    }),
  );
}

function switchMode(mode: StudioMode | 'history'): void {
  dispatch({ type: 'mode', mode });
  attempted = false;
  renderTabs();
  renderMain();
}

function renderMain(): void {
  const isHistory = state.mode === 'history';
  formHost.hidden = isHistory;
  cardsHost.hidden = isHistory;
  historyHost.hidden = !isHistory;
  if (isHistory) {
    renderHistory();
    if (!historyItems) post({ type: 'loadHistory' });
  } else {
    renderForm();
  }
}

// ─── The form ──────────────────────────────────────────────────────────────────────────────

let showProblems: () => void = () => undefined;

function renderForm(): void {
  const mode = state.mode as StudioMode;
  const model = currentModel(mode);
  const choices: Choices = state.choices[model.id] ?? {};
  const setChoice = (patch: Choices) => {
    dispatch({ type: 'choice', model: model.id, patch });
    showProblems();
  };
  const parts: HTMLElement[] = [];

  // Model picker: this mode's models, with the selected one's description below.
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
  const modelRow = el('div', { className: 'model-row' }, field(s('modelLabel'), modelPicker, 'model-field'), el('p', { className: 'description', id: 'model-description', textContent: model.description }));
  parts.push(modelRow);

  // Inputs (edit, translate, guide).
  if (model.inputs) parts.push(renderInputs(mode, model));

  if (mode === 'translate') {
    parts.push(renderTranslate());
  } else {
    const placeholder = mode === 'edit' ? s('editPromptPlaceholder') : mode === 'guide' ? s('guidePromptPlaceholder') : s('promptPlaceholder');
    const prompt = textArea({ id: 'prompt', rows: 4, label: s('promptLabel'), placeholder, value: state.prompts[mode] ?? '', onInput: (text) => (dispatch({ type: 'prompt', mode, text }), showProblems()) });
    parts.push(prompt);

    const controls = el('div', { className: 'controls' });
    if (model.sizeRule.kind !== 'none') {
      const sizeChoices = [
        ...(model.defaultSize ? [] : [{ value: '', label: s('sizeAuto') }]),
        ...model.sizes.map((size) => ({ value: size, label: size.replace('*', ' × ') })),
        ...(model.sizeRule.kind === 'list' ? [] : [{ value: CUSTOM_SIZE, label: s('sizeCustom') }]),
      ];
      const custom = textField({ id: 'custom-size', className: 'custom-size', placeholder: s('customSizePlaceholder'), value: choices.customSize ?? '', label: s('sizeCustom'), onInput: (value) => setChoice({ customSize: value }) });
      custom.hidden = choices.size !== CUSTOM_SIZE;
      const size = dropdown(sizeChoices, {
        id: 'size',
        value: choices.size ?? model.defaultSize ?? '',
        onChange: (value) => {
          custom.hidden = value !== CUSTOM_SIZE;
          setChoice({ size: value });
        },
      });
      controls.append(field(s('sizeLabel'), size), custom);
    }
    const count = countOf(model, choices);
    if (count.max > 1) {
      const counts = Array.from({ length: count.max - count.min + 1 }, (_, i) => String(count.min + i));
      controls.append(field(s('countLabel'), dropdown(counts.map((c) => ({ value: c, label: c })), { id: 'count', value: String(count.value), onChange: (v) => setChoice(countPatch(model, choices, Number(v))) })));
    }
    if (model.maxImages) {
      const range = model.maxImages;
      const counts = Array.from({ length: range.max - range.min + 1 }, (_, i) => String(range.min + i));
      controls.append(field(s('maxImagesLabel'), dropdown(counts.map((c) => ({ value: c, label: c })), { id: 'max-images', value: String(choices.maxImages ?? range.default), onChange: (v) => setChoice({ maxImages: Number(v) }) })));
    }
    if (model.seed) {
      const seed = textField({ id: 'seed', placeholder: s('seedPlaceholder'), value: choices.seed ?? '', onInput: (value) => setChoice({ seed: value }) });
      const random = button(s('seedRandomize'), () => {
        const value = String(Math.floor(Math.random() * 2147483648));
        seed.value = value;
        setChoice({ seed: value });
      }, { id: 'seed-random', secondary: true });
      const lock = checkbox(s('seedLock'), choices.seedLocked ?? false, (checked) => setChoice({ seedLocked: checked }), { id: 'seed-lock' });
      const seedField = field(s('seedLabel'), el('div', { className: 'seed-row' }, seed, random, lock));
      controls.append(seedField);
    }
    parts.push(controls);

    const toggles = el('div', { className: 'toggles' });
    if (model.promptExtend !== undefined) toggles.append(checkbox(s('promptExtend'), choices.promptExtend ?? model.promptExtend, (checked) => setChoice({ promptExtend: checked }), { id: 'prompt-extend' }));
    if (model.watermark) toggles.append(checkbox(s('watermark'), choices.watermark ?? false, (checked) => setChoice({ watermark: checked }), { id: 'watermark' }));
    if (toggles.childElementCount) parts.push(toggles);
    parts.push(...renderExtraControls(extraControlsContext(mode, model)));

    if (model.negativePromptMaxLength !== undefined) {
      parts.push(textArea({ id: 'negative-prompt', rows: 2, label: s('negativePromptLabel'), placeholder: s('negativePromptPlaceholder'), value: choices.negativePrompt ?? '', onInput: (value) => setChoice({ negativePrompt: value }) }));
    }
  }

  const runLabel: Record<StudioMode, StringKey> = { generate: 'runGenerate', edit: 'runEdit', translate: 'runTranslate', guide: 'runGuide' };
  const run = button(s(runLabel[mode]), () => startRun(), { id: 'run', title: s('runHint') });
  const problems = el('ul', { id: 'problems', className: 'problems' });
  problems.setAttribute('aria-live', 'polite');
  parts.push(el('div', { className: 'actions' }, run, el('span', { className: 'hint', textContent: s('runHint') })), problems);

  showProblems = () => {
    const found = validate(mode, currentModel(mode), state);
    run.disabled = found.length > 0;
    const shown = found.filter((p) => attempted || !p.quiet);
    problems.replaceChildren(...shown.map((p) => el('li', { textContent: s(p.key as StringKey, ...p.args), className: `problem-${p.field}` })));
    for (const id of ['prompt', 'seed', 'custom-size', 'negative-prompt']) formHost.querySelector(`#${id}`)?.classList.toggle('invalid', shown.some((p) => fieldId(p) === id));
  };
  formHost.replaceChildren(...parts);
  showProblems();
}

/** The context of the extra options' controls (webview/extraControls.ts). */
function extraControlsContext(mode: StudioMode, model: ModelOption): ExtraControlsContext {
  return { mode, model, choices: () => state.choices[model.id] ?? {}, setChoice: (patch) => (dispatch({ type: 'choice', model: model.id, patch }), showProblems()), rerender: renderForm, s };
}

function fieldId(p: Problem): string {
  return p.field === 'size' ? 'custom-size' : p.field === 'negativePrompt' ? 'negative-prompt' : p.field;
}

function renderInputs(mode: StudioMode, model: ModelOption): HTMLElement {
  const limits = model.inputs!;
  const inputs = state.inputs[mode] ?? [];
  const list = el('ol', { className: 'inputs', id: 'inputs' });
  inputs.forEach((input, index) => {
    const item = el('li', { className: 'input', title: input.displayPath });
    item.dataset.path = input.location.path;
    const thumb = el('img', { src: input.src, alt: input.displayPath, loading: 'lazy' });
    const order = el('span', { className: 'order', textContent: String(index + 1) });
    const tools = el('div', { className: 'input-tools' });
    const mini = (label: string, text: string, action: () => void, disabled = false) => {
      const b = el('button', { type: 'button', className: 'mini', title: label, textContent: text, disabled });
      b.setAttribute('aria-label', label);
      b.addEventListener('click', action);
      return b;
    };
    tools.append(
      mini(s('moveUp'), '←', () => (dispatch({ type: 'moveInput', mode, index, by: -1 }), renderForm()), index === 0),
      mini(s('moveDown'), '→', () => (dispatch({ type: 'moveInput', mode, index, by: 1 }), renderForm()), index === inputs.length - 1),
      mini(s('remove'), '✕', () => (dispatch({ type: 'removeInput', mode, index }), renderForm())),
    );
    item.append(thumb, order, el('span', { className: 'input-name', textContent: baseName(input.location.path) }), tools);
    if (mode === 'edit' && model.bboxes) item.append(...boxTools(extraControlsContext(mode, model), input, overlay));
    list.append(item);
  });
  const add = button(s('addImages'), () => openPicker(mode, model), { id: 'add-images', secondary: true });
  const facts = [
    limits.min === limits.max ? (limits.max === 1 ? s('imagesOne') : s('imagesMany', limits.max)) : s('limitsCount', limits.min, limits.max),
    s('limitsFormats', limits.formats.map((f) => f.toUpperCase()).join(', ')),
    s('limitsSides', limits.minSide, limits.maxSide),
    s('limitsBytes', Math.round(limits.maxBytes / (1024 * 1024))),
    ...(limits.alphaAllowed ? [] : [s('limitsNoAlpha')]),
  ];
  const box = el('div', { className: 'inputs-box' });
  box.append(
    el('div', { className: 'inputs-head' }, el('span', { className: 'label', textContent: s('inputsLabel') }), add),
    inputs.length ? list : el('p', { className: 'empty', textContent: s('noInputs') }),
    el('p', { className: 'limits', id: 'limits', textContent: facts.join(' · ') }),
  );
  return box;
}

function renderTranslate(): HTMLElement {
  const languages = init!.languages;
  const t = state.translate;
  const box = el('div', { className: 'translate' });
  const targetsFor = (source: string) => languages.targets.filter((l) => (languages.pairs[source] ?? []).includes(l.code));
  const target = dropdown(targetsFor(t.sourceLang).map((l) => ({ value: l.code, label: l.label })), { id: 'target-lang', value: t.targetLang, onChange: (code) => dispatch({ type: 'translate', patch: { targetLang: code } }) });
  const source = dropdown(languages.sources.map((l) => ({ value: l.code, label: l.label })), {
    id: 'source-lang',
    value: t.sourceLang,
    onChange: (code) => {
      const allowed = targetsFor(code);
      const keep = allowed.some((l) => l.code === state.translate.targetLang) ? state.translate.targetLang : allowed[0]?.code ?? 'en';
      dispatch({ type: 'translate', patch: { sourceLang: code, targetLang: keep } });
      setChoices(target, allowed.map((l) => ({ value: l.code, label: l.label })), keep);
    },
  });
  const hint = textField({ id: 'domain-hint', placeholder: s('domainHintPlaceholder'), value: t.domainHint, onInput: (v) => dispatch({ type: 'translate', patch: { domainHint: v } }) });
  const sensitives = textField({ id: 'sensitives', placeholder: s('sensitivesPlaceholder'), value: t.sensitives, onInput: (v) => dispatch({ type: 'translate', patch: { sensitives: v } }) });
  box.append(el('div', { className: 'controls' }, field(s('sourceLang'), source), field(s('targetLang'), target)), field(s('domainHint'), hint, 'wide'), field(s('sensitives'), sensitives, 'wide'));

  // Terminology table, loaded from and saved to the workspace glossary.
  const table = el('table', { className: 'terms', id: 'terms' });
  const head = el('thead');
  head.append(el('tr', {}, el('th', { textContent: s('termSource') }), el('th', { textContent: s('termTarget') }), el('th')));
  const body = el('tbody');
  const rows = () => {
    body.replaceChildren(
      ...state.translate.terms.map((term, index) => {
        const update = (patch: Partial<typeof term>) => {
          const terms = state.translate.terms.map((t2, i) => (i === index ? { ...t2, ...patch } : t2));
          dispatch({ type: 'translate', patch: { terms } });
          showProblems();
        };
        const src = textField({ className: 'term-src', value: term.src, label: s('termSource'), onInput: (v) => update({ src: v }) });
        const tgt = textField({ className: 'term-tgt', value: term.tgt, label: s('termTarget'), onInput: (v) => update({ tgt: v }) });
        const remove = el('button', { type: 'button', className: 'mini', title: s('remove'), textContent: '✕' });
        remove.setAttribute('aria-label', s('remove'));
        remove.addEventListener('click', () => {
          dispatch({ type: 'translate', patch: { terms: state.translate.terms.filter((_, i) => i !== index) } });
          rows();
          showProblems();
        });
        return el('tr', {}, el('td', {}, src), el('td', {}, tgt), el('td', {}, remove));
      }),
    );
    empty.hidden = state.translate.terms.length > 0;
  };
  const empty = el('p', { className: 'empty', textContent: s('noTerms') });
  table.append(head, body);
  const add = button(s('addTerm'), () => {
    dispatch({ type: 'translate', patch: { terms: [...state.translate.terms, { src: '', tgt: '' }] } });
    rows();
    (body.lastElementChild?.querySelector('.term-src') as HTMLElement | null)?.focus();
    showProblems();
  }, { id: 'add-term', secondary: true });
  const save = button(s('saveGlossary'), () => post({ type: 'saveGlossary', terms: state.translate.terms.filter((t2) => t2.src.trim() && t2.tgt.trim()) }), { id: 'save-glossary', secondary: true });
  const glossaryInfo = el('p', { className: 'glossary-path', id: 'glossary-path', textContent: init?.glossary.error ?? init?.glossary.path ?? '' });
  rows();
  box.append(el('div', { className: 'terms-box' }, el('div', { className: 'inputs-head' }, el('span', { className: 'label', textContent: s('terms') }), add, save), table, empty, glossaryInfo));
  return box;
}

// ─── The picker over workspace images ──────────────────────────────────────────────────────

function openPicker(mode: StudioMode, model: ModelOption): void {
  const filter = textField({ id: 'picker-filter', placeholder: s('pickerFilter'), label: s('pickerFilter'), onInput: () => renderGrid() });
  const grid = el('div', { className: 'picker-grid', id: 'picker-grid' });
  const done = button(s('pickerDone'), () => close(), { id: 'picker-done' });
  const dialog = el('div', { className: 'dialog' });
  dialog.setAttribute('role', 'dialog');
  dialog.setAttribute('aria-label', s('pickerTitle'));
  dialog.append(el('div', { className: 'dialog-head' }, el('h2', { textContent: s('pickerTitle') }), filter, done), grid);
  overlay.replaceChildren(dialog);
  overlay.hidden = false;
  const close = () => {
    overlay.hidden = true;
    overlay.replaceChildren();
    renderForm();
  };
  overlay.onkeydown = (event) => {
    if (event.key === 'Escape') close();
  };
  const renderGrid = () => {
    if (!pickerImages) {
      grid.replaceChildren(spinner());
      return;
    }
    const query = filter.value.trim().toLowerCase();
    const shown = pickerImages.filter((i) => !query || i.displayPath.toLowerCase().includes(query));
    const chosen = state.inputs[mode] ?? [];
    grid.replaceChildren(
      ...(shown.length
        ? shown.map((image) => {
            const at = chosen.findIndex((c) => c.location.folderIndex === image.location.folderIndex && c.location.path === image.location.path);
            const tile = el('button', { type: 'button', className: `tile${at >= 0 ? ' chosen' : ''}`, title: image.displayPath });
            tile.dataset.path = image.location.path;
            tile.append(el('img', { src: image.src, alt: '', loading: 'lazy' }), el('span', { className: 'tile-name', textContent: baseName(image.location.path) }));
            if (at >= 0) tile.append(el('span', { className: 'order', textContent: String(at + 1) }));
            tile.addEventListener('click', () => {
              if (at >= 0) dispatch({ type: 'removeInput', mode, index: at });
              else dispatch({ type: 'addInputs', mode, images: [image], max: model.inputs?.max ?? 1 });
              renderGrid();
            });
            return tile;
          })
        : [el('p', { className: 'empty', textContent: s('pickerEmpty') })]),
    );
  };
  refreshPicker = renderGrid;
  renderGrid();
  post({ type: 'listImages' });
  queueMicrotask(() => filter.focus());
}

let refreshPicker: () => void = () => undefined;

// ─── Runs and cards ────────────────────────────────────────────────────────────────────────

function startRun(): void {
  if (state.mode === 'history') return;
  const mode = state.mode;
  const model = currentModel(mode);
  const problems = validate(mode, model, state);
  if (problems.length) {
    attempted = true;
    showProblems();
    return;
  }
  const params = runParams(mode, model, state);
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

const cardElements = new Map<string, HTMLElement>();

function renderCards(): void {
  const wanted = new Set(state.cards.map((c) => c.jobId));
  for (const [id, node] of cardElements) {
    if (!wanted.has(id)) {
      node.remove();
      cardElements.delete(id);
    }
  }
  const clear = button(s('clearCards'), () => {
    const finished = state.cards.filter((c) => c.job.status !== 'running').map((c) => c.jobId);
    dispatch({ type: 'clearFinished' });
    post({ type: 'forgetJobs', jobIds: finished });
    renderCards();
  }, { id: 'clear-cards', secondary: true });
  const toolbar = el('div', { className: 'cards-toolbar' }, clear);
  toolbar.hidden = !state.cards.some((c) => c.job.status !== 'running');
  const nodes = state.cards.map((card) => {
    const node = renderCard(card);
    const old = cardElements.get(card.jobId);
    if (old) old.replaceWith(node);
    cardElements.set(card.jobId, node);
    return node;
  });
  cardsHost.replaceChildren(toolbar, ...nodes);
  tick();
}

function updateCard(job: JobSnapshot): void {
  dispatch({ type: 'job', job });
  const card = state.cards.find((c) => c.jobId === job.jobId);
  const old = cardElements.get(job.jobId);
  if (!card || !old) {
    renderCards();
    return;
  }
  const node = renderCard(card);
  // Keep the images already shown (a streaming guide re-renders its card on every piece of text).
  const shown = new Map([...old.querySelectorAll('img')].map((img) => [img.src, img]));
  for (const img of node.querySelectorAll('img')) {
    const kept = shown.get(img.src);
    if (kept) {
      img.replaceWith(kept);
      shown.delete(img.src);
    }
  }
  // The card element stays (focus, scroll position and anything holding it); only its content changes.
  old.className = node.className;
  old.dataset.status = node.dataset.status;
  old.replaceChildren(...node.childNodes);
  cardsHost.querySelector<HTMLElement>('.cards-toolbar')!.hidden = !state.cards.some((c) => c.job.status !== 'running');
  tick();
}

const STATUS_KEYS: Record<JobSnapshot['status'], StringKey> = {
  running: 'statusRunning',
  done: 'statusDone',
  failed: 'statusFailed',
  cancelled: 'statusCancelled',
  stopped: 'statusStopped',
  interrupted: 'statusInterrupted',
};
const MODE_KEYS: Record<StudioMode, StringKey> = { generate: 'modeGenerate', edit: 'modeEdit', translate: 'modeTranslate', guide: 'modeGuide' };

function renderCard(card: Card): HTMLElement {
  const { job, params } = card;
  const node = el('article', { className: `card status-${job.status}` });
  node.dataset.jobId = card.jobId;
  node.dataset.status = job.status;
  const status = el('span', { className: 'status' });
  if (job.status === 'running') status.append(spinner());
  status.append(el('span', { className: 'status-label', textContent: s(STATUS_KEYS[job.status]) }), el('span', { className: 'elapsed' }));
  status.querySelector<HTMLElement>('.elapsed')!.dataset.start = String(card.startedAt);
  if (job.endedAt) status.querySelector<HTMLElement>('.elapsed')!.dataset.end = String(job.endedAt);
  const head = el('header', { className: 'card-head' }, el('span', { className: 'badge', textContent: s(MODE_KEYS[card.mode]) }), el('strong', { className: 'card-model', textContent: card.modelLabel }), status);
  if (job.status === 'running') head.append(button(card.mode === 'guide' ? s('stop') : s('cancel'), () => post({ type: 'cancel', jobId: card.jobId }), { className: 'cancel', secondary: true }));
  node.append(head);
  if (params.prompt) node.append(el('p', { className: 'card-prompt', textContent: params.prompt }));
  const facts = paramFacts(card);
  if (facts) node.append(el('p', { className: 'card-params', textContent: facts }));
  if (job.text) node.append(el('p', { className: `card-text${job.status === 'cancelled' || job.mayBeBilled ? ' warning' : ''}`, textContent: job.text }));
  if (job.actualPrompt) node.append(el('p', { className: 'rewritten', textContent: s('rewrittenPrompt', job.actualPrompt) }));
  if (job.error) node.append(renderError(job.error));
  if (card.mode === 'guide') {
    node.append(renderGuide(card));
  } else {
    if (job.inputs?.length && job.images.length && (card.mode === 'edit' || card.mode === 'translate')) {
      node.append(el('div', { className: 'before-after' }, el('span', { className: 'label', textContent: s('before') }), markBoxes(thumbs(job.inputs), params.bboxList), el('span', { className: 'label', textContent: s('after') })));
    }
    if (job.images.length) node.append(renderGrid(card, job.images));
  }
  return node;
}

function thumbs(images: readonly StudioImage[]): HTMLElement {
  const row = el('div', { className: 'thumbs' });
  row.append(...images.map((image) => el('img', { src: image.src, alt: image.displayPath, title: image.displayPath, loading: 'lazy' })));
  return row;
}

function paramFacts(card: Card): string {
  const p = card.params;
  const parts: string[] = [];
  if (p.size) parts.push(p.size.replace('*', '×'));
  const n = p.n ?? 1;
  if (card.mode !== 'translate' && card.mode !== 'guide') parts.push(n === 1 ? s('imagesOne') : s('imagesMany', n));
  if (p.maxImages) parts.push(`${s('maxImagesLabel')} ${p.maxImages}`);
  const seed = p.seed ?? card.job.seed;
  if (seed !== undefined) parts.push(s('seedValue', seed));
  if (p.negativePrompt) parts.push(`${s('negativePromptLabel')}: ${p.negativePrompt}`);
  parts.push(...extraFacts(p, s));
  if (p.translation) parts.push(`${p.translation.sourceLang} → ${p.translation.targetLang}${p.translation.terms?.length ? ` · ${s('terms')} ${p.translation.terms.length}` : ''}`);
  return parts.join(' · ');
}

function renderGrid(card: Card, images: readonly StudioImage[]): HTMLElement {
  const grid = el('div', { className: 'results' });
  const captions = distinctNames(images.map((i) => i.displayPath));
  images.forEach((image, index) => grid.append(renderFigure(card, image, captions[index]!)));
  return grid;
}

function renderFigure(card: Card, image: StudioImage, caption: string): HTMLElement {
  const figure = el('figure', { className: 'result' });
  const img = el('img', { src: image.src, alt: image.displayPath, title: image.displayPath, loading: 'lazy' });
  if (image.width && image.height) {
    img.width = image.width;
    img.height = image.height;
  }
  img.addEventListener('click', () => showLarge(image, card.mode === 'edit' || card.mode === 'translate' ? card.job.inputs : undefined));
  const cap = el('figcaption');
  cap.append(el('span', { className: 'path', textContent: caption, title: image.displayPath }));
  if (image.seed !== undefined) cap.append(el('span', { className: 'seed', textContent: s('seedValue', image.seed) }));
  // The run had a seed but the model reports only the first image's (wan2.6 image sets, guides): say so instead of showing nothing.
  else if (card.mode !== 'translate' && card.job.images.some((other) => other.seed !== undefined)) {
    cap.append(el('span', { className: 'seed not-reported', textContent: s('seedNotReported'), title: s('seedNotReportedWhy') }));
  }
  const actions = el('div', { className: 'figure-actions' });
  const location = image.location;
  if (location) {
    actions.append(
      linkButton(s('open'), () => post({ type: 'file', action: 'open', location }), { className: 'open' }),
      linkButton(s('reveal'), () => post({ type: 'file', action: 'reveal', location }), { className: 'reveal' }),
      linkButton(s('insertLink'), () => post({ type: 'file', action: 'insertLink', location }), { className: 'insert-link' }),
      linkButton(s('useAsReference'), () => useAsReference(image, location), { className: 'use-reference' }),
    );
  }
  if (image.seed !== undefined && card.mode !== 'translate') actions.append(linkButton(s('rerunSeed'), () => rerunWithSeed(card, image.seed!), { className: 'rerun-seed' }));
  if (card.params.prompt) actions.append(linkButton(s('copyPrompt'), () => post({ type: 'copyText', text: card.params.prompt! }), { className: 'copy-prompt' }));
  figure.append(img, cap, actions);
  return figure;
}

function renderGuide(card: Card): HTMLElement {
  const box = el('div', { className: 'guide' });
  for (const segment of card.job.segments ?? []) {
    if (segment.kind === 'text') box.append(...markdownBlocks(segment.text));
    else box.append(renderFigure(card, segment.image, baseName(segment.image.displayPath)));
  }
  const document = card.job.document?.location;
  if (document && card.job.status !== 'running') box.append(button(s('openDocument'), () => post({ type: 'file', action: 'open', location: document }), { className: 'open-document', secondary: true }));
  return box;
}

/** A light rendering of streamed Markdown text: headings, list items and paragraphs (no HTML). */
function markdownBlocks(text: string): HTMLElement[] {
  return text
    .split(/\n{2,}/)
    .filter((block) => block.trim())
    .map((block) => {
      const heading = /^(#{1,6})\s+(.*)$/s.exec(block.trim());
      if (heading) return el(heading[1]!.length <= 2 ? 'h3' : 'h4', { textContent: heading[2]!.replace(/\*\*/g, '') });
      return el('p', { className: 'guide-text', textContent: block.replace(/\*\*/g, '') });
    });
}

function renderError(error: StudioError): HTMLElement {
  const box = el('div', { className: 'error' });
  box.setAttribute('role', 'alert');
  if (error.issues?.length) box.append(el('ul', { className: 'issues' }, ...error.issues.map((issue) => el('li', { textContent: issue.message }))));
  else box.append(el('p', { className: 'error-message', textContent: error.code ? `${error.message} (${error.code})` : error.message }));
  if (error.hint && error.hint !== error.message) box.append(el('p', { className: 'hint', textContent: error.hint }));
  if (error.requestId) box.append(el('p', { className: 'request-id', textContent: s('requestId', error.requestId) }));
  if (error.taskId) box.append(el('p', { className: 'request-id', textContent: s('taskId', error.taskId) }));
  const labels: Record<string, StringKey> = { setApiKey: 'actionSetApiKey', switchRegion: 'actionSwitchRegion', openSettings: 'actionOpenSettings', showLog: 'actionShowLog' };
  const buttons = error.actions
    .filter((a) => labels[a])
    .map((action, i) =>
      button(s(labels[action]!, regionName(error.switchTo)), () => post({ type: 'errorAction', action, ...(error.switchTo ? { switchTo: error.switchTo } : {}) }), { className: `error-action action-${action}`, secondary: i > 0 }),
    );
  if (buttons.length) box.append(el('div', { className: 'error-actions' }, ...buttons));
  return box;
}

function regionName(region: string | undefined): string {
  const keys: Record<string, StringKey> = { beijing: 'regionBeijing', singapore: 'regionSingapore', us: 'regionUs' };
  return region && keys[region] ? s(keys[region]!) : region ?? '';
}

function useAsReference(image: StudioImage, location: WorkspaceLocation): void {
  const target = inputMode();
  const model = currentModel(target);
  dispatch({ type: 'addInputs', mode: target, images: [{ src: image.src, displayPath: image.displayPath, location }], max: model.inputs?.max ?? 1 });
  switchMode(target);
  window.scrollTo({ top: 0 });
}

function rerunWithSeed(card: Card, seed: number): void {
  const model = modelsOf(card.mode).find((m) => m.id === card.model);
  if (!model) return;
  // One image, with the seed that made this one.
  applyParams(card.mode, model, { ...card.params, seed, n: 1 }, card.job.inputs?.flatMap((i) => (i.location ? [{ src: i.src, displayPath: i.displayPath, location: i.location }] : [])));
  startRun();
}

/** Fills the form of `mode` from earlier parameters (history reuse, re-run). */
function applyParams(mode: StudioMode, model: ModelOption, p: Partial<import('../src/protocol/messages').RunParams>, inputs?: readonly PickerImage[]): void {
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
  renderTabs();
  renderMain();
}

/** The large view of one result; for edits and translations, the inputs beside it (before / after). */
function showLarge(image: StudioImage, before?: readonly StudioImage[]): void {
  const big = el('img', { src: image.src, alt: image.displayPath, className: 'large' });
  const after = el('figure', { className: 'large-after' }, big, el('figcaption', { textContent: before?.length ? `${s('after')} · ${image.displayPath}` : image.displayPath }));
  const content = before?.length
    ? el(
        'div',
        { className: 'compare' },
        el('figure', { className: 'large-before' }, ...before.map((input) => el('img', { src: input.src, alt: input.displayPath, title: input.displayPath })), el('figcaption', { textContent: s('before') })),
        after,
      )
    : after;
  const dialog = el('div', { className: 'dialog large-view', id: 'large-view' }, content);
  dialog.setAttribute('role', 'dialog');
  dialog.tabIndex = -1;
  overlay.replaceChildren(dialog);
  overlay.hidden = false;
  dialog.focus();
  const close = () => {
    overlay.hidden = true;
    overlay.replaceChildren();
    overlay.onclick = null;
  };
  overlay.onclick = (event) => {
    if (event.target === overlay || event.target === big) close();
  };
  overlay.onkeydown = (event) => event.key === 'Escape' && close();
}

/** Updates the elapsed time of every card (running ones count up; ended ones show their total). */
function tick(): void {
  for (const span of cardsHost.querySelectorAll<HTMLElement>('.elapsed')) {
    const start = Number(span.dataset.start);
    const end = span.dataset.end ? Number(span.dataset.end) : Date.now();
    span.textContent = s('elapsed', Math.max(0, Math.round((end - start) / 1000)));
  }
}
setInterval(() => {
  if (state.cards.some((c) => c.job.status === 'running')) tick();
}, 1000);

// ─── History ───────────────────────────────────────────────────────────────────────────────

let historyShown = HISTORY_CHUNK;
let historyObserver: IntersectionObserver | undefined;

function renderHistory(): void {
  const search = textField({ id: 'history-search', placeholder: s('historySearch'), label: s('historySearch'), value: state.historyQuery, onInput: (q) => (dispatch({ type: 'historyQuery', query: q }), (historyShown = HISTORY_CHUNK), renderHistoryList()) });
  const count = el('p', { className: 'history-count', id: 'history-count' });
  const list = el('ol', { className: 'history-list', id: 'history-list' });
  const sentinel = el('div', { className: 'sentinel' });
  historyHost.replaceChildren(search, count, list, sentinel);
  historyObserver?.disconnect();
  historyObserver = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting) && historyItems) {
      historyShown += HISTORY_CHUNK;
      renderHistoryList(true);
    }
  });
  historyObserver.observe(sentinel);
  renderHistoryList();
}

/** Renders the matching entries in chunks: only the first `historyShown` are in the DOM. */
function renderHistoryList(append = false): void {
  const list = historyHost.querySelector<HTMLElement>('#history-list');
  const count = historyHost.querySelector<HTMLElement>('#history-count');
  if (!list || !count) return;
  if (!historyItems) {
    list.replaceChildren(spinner());
    return;
  }
  const matching = searchHistory(historyItems, state.historyQuery);
  count.textContent = historyItems.length ? s('historyCount', matching.length, historyItems.length) : s('historyEmpty');
  const from = append ? list.childElementCount : 0;
  const rows = matching.slice(from, historyShown).map(renderHistoryItem);
  if (append) list.append(...rows);
  else list.replaceChildren(...rows);
}

const OUTCOME_KEYS: Record<string, StringKey> = { succeeded: 'statusDone', failed: 'statusFailed', cancelled: 'statusCancelled', stopped: 'statusStopped', partial: 'statusPartial' };

function renderHistoryItem(item: HistoryItem): HTMLElement {
  const row = el('li', { className: `history-item outcome-${item.outcome}` });
  row.dataset.id = item.id;
  const first = item.outputs[0];
  const thumb = first ? el('img', { src: first.src, alt: '', loading: 'lazy', className: 'history-thumb' }) : el('div', { className: 'history-thumb none' });
  const model = init?.models.find((m) => m.id === item.model);
  const when = new Date(item.started);
  const outcome = OUTCOME_KEYS[item.outcome] ? s(OUTCOME_KEYS[item.outcome]!) : item.outcome;
  const meta = `${model?.label ?? item.model} · ${when.toLocaleString()} · ${outcome}${item.outputs.length ? ` · ${item.outputs.length === 1 ? s('imagesOne') : s('imagesMany', item.outputs.length)}` : ''}`;
  const body = el('div', { className: 'history-body' }, el('p', { className: 'history-prompt', textContent: item.prompt ?? baseName(item.inputs[0]?.displayPath ?? '') }), el('p', { className: 'history-meta', textContent: meta }));
  if (item.error) body.append(el('p', { className: 'history-error', textContent: item.error }));
  const actions = el('div', { className: 'history-actions' });
  if (model) actions.append(button(s('historyReuse'), () => reuse(item, model), { className: 'reuse', secondary: true }));
  const files = [...(item.document?.location ? [item.document.location] : []), ...item.outputs.flatMap((o) => (o.location ? [o.location] : []))];
  if (files.length) actions.append(button(s('historyOpenFiles'), () => files.slice(0, 8).forEach((location) => post({ type: 'file', action: 'open', location })), { className: 'open-files', secondary: true }));
  row.append(thumb, body, actions);
  return row;
}

function reuse(item: HistoryItem, model: ModelOption): void {
  const p = item.parameters;
  const inputs = item.inputs.flatMap((i) => (i.location ? [{ src: i.src, displayPath: i.displayPath, location: i.location }] : []));
  const translation =
    model.mode === 'translate'
      ? {
          sourceLang: String(p['source_lang'] ?? 'auto'),
          targetLang: String(p['target_lang'] ?? 'en'),
          ...(typeof p['domain_hint'] === 'string' ? { domainHint: p['domain_hint'] } : {}),
        }
      : undefined;
  applyParams(
    model.mode,
    model,
    {
      ...(item.prompt ? { prompt: item.prompt } : {}),
      ...(item.size ? { size: item.size } : {}),
      ...(item.n !== undefined ? { n: item.n } : {}),
      ...(item.seed !== undefined ? { seed: item.seed } : {}),
      ...(item.negativePrompt ? { negativePrompt: item.negativePrompt } : {}),
      ...(typeof p['prompt_extend'] === 'boolean' ? { promptExtend: p['prompt_extend'] } : {}),
      ...(typeof p['watermark'] === 'boolean' ? { watermark: p['watermark'] } : {}),
      ...(typeof p['max_images'] === 'number' ? { maxImages: p['max_images'] } : {}),
      ...(translation ? { translation } : {}),
      ...extraParamsFromHistory(p),
    },
    inputs,
  );
}

// ─── Messages from the host ────────────────────────────────────────────────────────────────

function showNotice(text: string, level: 'info' | 'warning' | 'error' = 'info'): void {
  notice.textContent = text;
  notice.dataset.level = level;
}

type Schemas = typeof import('./schemas');
/**
 * The schema of the host's messages, from its own bundle (webview/schemas.ts, whose URL the page
 * carries), loaded on first use, which comes after the first paint. Without it no message from
 * the host can be read: the page says so.
 */
let schemas: Promise<Schemas> | undefined;
function hostSchemas(): Promise<Schemas> {
  const url = app.dataset.schemas;
  schemas ??= (url ? (import(url) as Promise<Schemas>) : Promise.reject(new Error('the page names no schemas.js'))).catch((error: unknown) => {
    console.error('Bailian studio: could not load its message schemas', error);
    // Without a bootstrap there are no strings yet: English then.
    showNotice(init ? s('pageIncomplete') : 'Part of Bailian Studio did not load. Reload the window (Developer: Reload Window).', 'error');
    throw error;
  });
  return schemas;
}

/** Whether the form drawn from the bootstrap block stands; false when its full check failed (then `init` draws it anew). */
let bootstrapStands = true;

/**
 * Renders the form from the page's bootstrap block (the static part of `init`, see
 * src/studio/html.ts) before the handshake completes; the real `init` then adds the jobs, the
 * glossary and the key state. The block is part of the page the host wrote, so the first paint
 * checks only its outline; the full check runs after that paint ({@link checkBootstrap}). A block
 * that does not parse or draw is ignored: `init` still comes. Returns the block when it was drawn.
 */
function onBootstrap(): unknown {
  const text = document.getElementById('bootstrap')?.textContent;
  if (!text) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!looksLikeInit(data)) return undefined;
  init = data;
  try {
    renderAll();
  } catch (error) {
    console.warn('Bailian studio: could not draw from the bootstrap block', error);
    init = undefined;
    app.replaceChildren();
    app.setAttribute('aria-busy', 'true');
    return undefined;
  }
  performance.mark('bailian:rendered', { detail: { toolkit: usesToolkit() } });
  // VS Code shows the frame at its load event (or 200 ms after writing the page, if sooner).
  window.addEventListener('load', () => performance.mark('bailian:load'), { once: true });
  requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('bailian:painted')));
  return data;
}

/** The outline of an `init` message: what drawing the form reads first. */
function looksLikeInit(data: unknown): data is InitMessage {
  if (typeof data !== 'object' || data === null) return false;
  const value = data as Partial<Record<keyof InitMessage, unknown>>;
  return value.type === 'init' && typeof value.strings === 'object' && value.strings !== null && Array.isArray(value.models) && value.models.length > 0 && typeof value.languages === 'object' && value.languages !== null;
}

/**
 * The full check of a drawn bootstrap block, as for every host message; a block that fails it
 * leaves the form to `init`. Called before `ready` is posted, so it runs before any message is
 * handled (each waits on the same promise).
 */
function checkBootstrap(data: unknown): void {
  hostSchemas().then(({ HostMessage }) => {
    const parsed = HostMessage.safeParse(data);
    if (parsed.success && parsed.data.type === 'init') return;
    bootstrapStands = false;
    console.warn('Bailian studio: the bootstrap block is not a valid init message; waiting for init', parsed.success ? parsed.data.type : parsed.error.message);
  }, () => undefined);
}

function onInit(message: InitMessage): void {
  // Rendered from the bootstrap already: redraw the form only where `init` changes it (inputs
  // to open, the glossary's terms), so a click or keystroke made meanwhile is not lost.
  const rendered = init !== undefined && bootstrapStands && app.getAttribute('aria-busy') === null;
  init = message;
  dispatch({ type: 'hostJobs', jobs: message.jobs, now: Date.now(), ...(readyPostedAt === undefined ? {} : { askedAt: readyPostedAt }) });
  dispatch({ type: 'glossary', terms: message.glossary.terms });
  if (message.open) {
    dispatch({ type: 'addInputs', mode: message.open.mode, images: message.open.inputs, max: currentModel(message.open.mode).inputs?.max ?? 1 });
    dispatch({ type: 'mode', mode: message.open.mode });
  }
  if (!rendered || message.open || state.mode === 'translate') {
    renderShell();
    renderMain();
  }
  renderCards();
  if (!message.hasApiKey) showNotice(s('noApiKey'), 'warning');
}

// Handled in the order they came: each waits for the same promise of the schemas.
window.addEventListener('message', (event: MessageEvent<unknown>) => {
  hostSchemas().then(({ HostMessage }) => {
    const parsed = HostMessage.safeParse(event.data);
    if (!parsed.success) {
      console.warn('Bailian studio: ignored an invalid host message', parsed.error.message);
      return;
    }
    onHostMessage(parsed.data);
  }, () => undefined);
});

function onHostMessage(message: import('../src/protocol/messages').HostMessage): void {
  if (message.type === 'init') {
    onInit(message);
    return;
  }
  if (!init) return;
  switch (message.type) {
    case 'apiKey':
      showNotice(message.hasApiKey ? '' : s('noApiKey'), message.hasApiKey ? 'info' : 'warning');
      return;
    case 'notice':
      showNotice(message.text, message.level);
      return;
    case 'job':
      updateCard(message.job);
      return;
    case 'images':
      pickerImages = message.images;
      refreshPicker();
      return;
    case 'open': {
      const model = currentModel(message.mode);
      dispatch({ type: 'addInputs', mode: message.mode, images: message.inputs, max: model.inputs?.max ?? 1 });
      switchMode(message.mode);
      return;
    }
    case 'glossary':
      init.glossary = { terms: message.terms, ...(message.path ? { path: message.path } : {}), ...(message.error ? { error: message.error } : {}) };
      if (message.saved) showNotice(s('glossarySaved', message.path ?? ''));
      else dispatch({ type: 'glossary', terms: message.terms, force: true });
      if (state.mode === 'translate') renderForm();
      return;
    case 'history':
      historyItems = message.items;
      if (state.mode === 'history') renderHistoryList();
      return;
  }
}

/** The mode that takes dropped or pasted images: the current one, or Edit from Generate and History. */
function inputMode(): StudioMode {
  return state.mode === 'translate' || state.mode === 'guide' ? state.mode : 'edit';
}

// Files dragged from the Explorer (hold Shift to drop into a webview) become inputs.
window.addEventListener('dragover', (event) => {
  if (event.dataTransfer?.types.some((t) => t === 'text/uri-list' || t === 'application/vnd.code.uri-list')) event.preventDefault();
});
window.addEventListener('drop', (event) => {
  const data = event.dataTransfer;
  if (!data) return;
  const text = data.getData('application/vnd.code.uri-list') || data.getData('text/uri-list');
  const uris = text.split(/\r?\n/).map((u) => u.trim()).filter((u) => u && !u.startsWith('#'));
  if (!uris.length) return;
  event.preventDefault();
  post({ type: 'dropUris', mode: inputMode(), uris: uris.slice(0, 50) });
});

// An image pasted from the clipboard is saved in the workspace by the host and becomes an input.
window.addEventListener('paste', (event) => {
  const file = [...(event.clipboardData?.files ?? [])].find((f) => ['image/png', 'image/jpeg', 'image/webp', 'image/bmp'].includes(f.type));
  if (!file) return;
  event.preventDefault();
  if (file.size > 10 * 1024 * 1024) {
    showNotice(s('errPasteTooLarge'), 'warning');
    return;
  }
  void file.arrayBuffer().then((buffer) => {
    const bytes = new Uint8Array(buffer);
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    post({ type: 'pasteImage', mode: inputMode(), mime: file.type as 'image/png', data: btoa(binary) });
  });
});

// Ctrl/Cmd+Enter runs the current mode from anywhere in the form.
window.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && state.mode !== 'history' && overlay.hidden) {
    event.preventDefault();
    startRun();
  }
});

/**
 * Asks for `init`. A page drawn from its bootstrap does so after its first paint, and checks that
 * block in full then: in code-server the webview shares the workbench's main thread, and the
 * host's answer (the key's state from SecretStorage, the glossary through workspace.fs, then
 * `init` itself) is work there that would otherwise come before that paint. A page without a
 * bootstrap asks at once. The timer covers a window in the background, where animation frames
 * do not run.
 */
/** When this page posted `ready` (the `init` that answers it lists the jobs the host knew then). */
let readyPostedAt: number | undefined;

function sayReady(drawn: unknown): void {
  let said = false;
  const say = (): void => {
    if (said) return;
    said = true;
    // The check runs before any message is handled: the messages wait for the same schemas.
    if (drawn !== undefined) checkBootstrap(drawn);
    else hostSchemas().catch(() => undefined);
    readyPostedAt = Date.now();
    post({ type: 'ready' });
  };
  if (drawn === undefined) return say();
  requestAnimationFrame(() => setTimeout(say, 0));
  setTimeout(say, READY_AFTER_MS);
}

sayReady(onBootstrap());
// The first paint used plain controls; once the toolkit's are defined, draw again with them,
// keeping the focus (and the caret) where it was. Everything drawn comes from `state`, as after a
// tab switch, so nothing typed meanwhile is lost.
void whenToolkit().then(() => {
  if (!init || app.getAttribute('aria-busy') !== null) return;
  // Only when the page has the focus: never take it from the workbench (an open palette closes).
  const focused = document.hasFocus() ? (document.activeElement as (HTMLElement & { selectionStart?: number | null; selectionEnd?: number | null }) | null) : null;
  const focusId = focused && focused !== document.body ? (focused.id.replace(/-plain$/, '') || focused.closest('[id]')?.id) : undefined;
  const caret = focused && typeof focused.selectionStart === 'number' ? [focused.selectionStart, focused.selectionEnd ?? focused.selectionStart] : undefined;
  const scroll = window.scrollY;
  renderAll();
  window.scrollTo(0, scroll);
  performance.mark('bailian:toolkit-rendered');
  if (!focusId) return;
  const target = document.getElementById(focusId);
  target?.focus();
  // The toolkit's text controls keep their input in their shadow root.
  const inner = target?.shadowRoot?.querySelector<HTMLInputElement | HTMLTextAreaElement>('textarea, input');
  if (inner && caret) inner.setSelectionRange(caret[0]!, caret[1]!);
});
