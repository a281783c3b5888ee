// The studio webview app. Registers the webview UI toolkit components, completes the
// `ready`/`init` handshake (src/protocol.ts) and renders the studio from the host's state.
// Controls are gated by the selected model's catalog entry (sizes, n range, seed, negative
// prompt), which the host sends in `init`; the host validates every request again.
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeTextArea,
  vsCodeTextField,
  type Button,
  type Dropdown,
  type TextArea,
  type TextField,
} from '@vscode/webview-ui-toolkit';
import { z } from 'zod';
import { HostMessage, StudioViewState, type GenerateParams, type ModelOption, type StudioError, type StudioImage, type WebviewMessage } from '../src/protocol';
import { vscode } from './vscode-api';

// The CSP forbids eval; tell zod not to probe for it (the probe would log a CSP violation).
z.config({ jitless: true });

provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeDropdown(), vsCodeOption(), vsCodeTextArea(), vsCodeTextField());

type InitMessage = Extract<HostMessage, { type: 'init' }>;

const SEED_MAX = 2147483647;
const app = document.getElementById('app') as HTMLElement;
let state: StudioViewState = StudioViewState.catch({ prompt: '' }).parse(vscode.getState() ?? {});
/** Set by `render`; the handlers below talk to the rendered view through it. */
let view: StudioView | undefined;

function post(message: WebviewMessage): void {
  vscode.postMessage(message);
}

function saveState(patch: Partial<StudioViewState>): void {
  state = { ...state, ...patch };
  vscode.setState(state);
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}) {
  return Object.assign(document.createElement(tag), props);
}

function toolkit<T extends HTMLElement>(tag: string, id: string): T {
  const el = document.createElement(tag) as T;
  el.id = id;
  return el;
}

function option(value: string, label = value): HTMLElement {
  const item = document.createElement('vscode-option');
  item.setAttribute('value', value);
  item.textContent = label;
  return item;
}

/** A labelled control: `<div class="field"><label>…</label>control</div>`. */
function field(labelText: string, control: HTMLElement): HTMLDivElement {
  const wrapper = element('div', { className: 'field' });
  wrapper.append(element('label', { htmlFor: control.id, textContent: labelText }), control);
  return wrapper;
}

/** Handles to the rendered studio. */
interface StudioView {
  init: InitMessage;
  setBusy(busy: boolean): void;
  showStatus(text: string, level?: 'info' | 'warning' | 'error'): void;
  showError(error: StudioError | undefined): void;
  showResults(images: readonly StudioImage[]): void;
}

function render(init: InitMessage): StudioView {
  const { strings, models } = init;
  const title = element('h1', { textContent: strings.title });

  const prompt = toolkit<TextArea>('vscode-text-area', 'prompt');
  prompt.setAttribute('rows', '5');
  prompt.setAttribute('resize', 'vertical');
  prompt.placeholder = strings.promptPlaceholder;
  prompt.value = state.prompt;
  prompt.textContent = strings.promptLabel;

  const model = toolkit<Dropdown>('vscode-dropdown', 'model');
  model.append(...models.map((m) => option(m.id, m.label)));
  const size = toolkit<Dropdown>('vscode-dropdown', 'size');
  const count = toolkit<Dropdown>('vscode-dropdown', 'count');
  const seed = toolkit<TextField>('vscode-text-field', 'seed');
  seed.placeholder = strings.seedPlaceholder;
  seed.value = state.seed ?? '';
  const negative = toolkit<TextArea>('vscode-text-area', 'negative-prompt');
  negative.setAttribute('rows', '2');
  negative.setAttribute('resize', 'vertical');
  negative.placeholder = strings.negativePromptPlaceholder;
  negative.value = state.negativePrompt ?? '';
  negative.textContent = strings.negativePromptLabel;

  const sizeField = field(strings.sizeLabel, size);
  const countField = field(strings.countLabel, count);
  const seedField = field(strings.seedLabel, seed);
  const options = element('div', { className: 'controls' });
  options.append(field(strings.modelLabel, model), sizeField, countField, seedField);

  const generate = toolkit<Button>('vscode-button', 'generate');
  generate.textContent = strings.generate;
  const cancel = toolkit<Button>('vscode-button', 'cancel');
  cancel.textContent = strings.cancel;
  cancel.setAttribute('appearance', 'secondary');
  cancel.hidden = true;
  const actions = element('div', { className: 'actions' });
  actions.append(generate, cancel);

  const status = element('p', { id: 'notice', className: 'notice' });
  status.setAttribute('role', 'status');
  const errorBox = element('div', { id: 'error', className: 'error' });
  errorBox.setAttribute('role', 'alert');
  errorBox.hidden = true;
  const results = element('section', { id: 'results', className: 'results' });

  let busy = false;
  const selectedModel = (): ModelOption => models.find((m) => m.id === model.value) ?? models[0]!;
  const seedValue = (): number | undefined | 'invalid' => {
    const text = seed.value.trim();
    if (!text) return undefined;
    const n = Number(text);
    return /^\d+$/.test(text) && n <= SEED_MAX ? n : 'invalid';
  };
  const syncButton = () => {
    generate.disabled = busy || prompt.value.trim().length === 0;
  };

  /** Rebuilds the model-dependent controls from the catalog entry of the selected model. */
  const applyModel = () => {
    const spec = selectedModel();
    size.replaceChildren(...spec.sizes.map((s) => option(s, s.replace('*', ' × '))));
    sizeField.hidden = spec.sizes.length === 0;
    const wantedSize = state.size && spec.sizes.includes(state.size) ? state.size : spec.defaultSize ?? spec.sizes[0];
    count.replaceChildren(...Array.from({ length: spec.n.max - spec.n.min + 1 }, (_, i) => option(String(spec.n.min + i))));
    count.disabled = spec.n.min === spec.n.max;
    // Each image is billed: start from the smallest count unless the user chose one for this model.
    const wantedCount = state.n !== undefined && state.n >= spec.n.min && state.n <= spec.n.max ? state.n : spec.n.min;
    seedField.hidden = !spec.seed;
    negative.hidden = spec.negativePromptMaxLength === undefined;
    // Options are slotted asynchronously; select once the dropdowns have seen them.
    queueMicrotask(() => {
      if (wantedSize) size.value = wantedSize;
      count.value = String(wantedCount);
    });
  };

  prompt.addEventListener('input', () => {
    saveState({ prompt: prompt.value });
    syncButton();
  });
  model.addEventListener('change', () => {
    saveState({ model: model.value, size: undefined });
    applyModel();
  });
  size.addEventListener('change', () => saveState({ size: size.value }));
  count.addEventListener('change', () => saveState({ n: Number(count.value) }));
  seed.addEventListener('input', () => saveState({ seed: seed.value }));
  negative.addEventListener('input', () => saveState({ negativePrompt: negative.value }));

  generate.addEventListener('click', () => {
    if (generate.disabled) return;
    const spec = selectedModel();
    const s = spec.seed ? seedValue() : undefined;
    if (s === 'invalid') {
      showError({ message: strings.invalidSeed });
      return;
    }
    const params: GenerateParams = { prompt: prompt.value, model: spec.id };
    if (spec.sizes.length && size.value) params.size = size.value;
    if (count.value) params.n = Number(count.value);
    if (s !== undefined) params.seed = s;
    if (spec.negativePromptMaxLength !== undefined && negative.value.trim()) params.negativePrompt = negative.value;
    showError(undefined);
    post({ type: 'generate', params });
  });
  cancel.addEventListener('click', () => post({ type: 'cancel' }));

  const showStatus = (text: string, level: 'info' | 'warning' | 'error' = 'info') => {
    status.textContent = text;
    status.dataset.level = level;
  };
  const showError = (error: StudioError | undefined) => {
    errorBox.hidden = !error;
    if (!error) {
      errorBox.replaceChildren();
      return;
    }
    const parts: HTMLElement[] = [];
    if (error.issues?.length) {
      const list = element('ul', { className: 'issues' });
      list.append(...error.issues.map((issue) => element('li', { textContent: issue.message })));
      parts.push(list);
    } else {
      parts.push(element('p', { className: 'error-message', textContent: error.code ? `${error.message} (${error.code})` : error.message }));
    }
    if (error.hint && error.hint !== error.message) parts.push(element('p', { className: 'hint', textContent: error.hint }));
    if (error.requestId) parts.push(element('p', { className: 'request-id', textContent: strings.requestId.replace('{0}', error.requestId) }));
    errorBox.replaceChildren(...parts);
  };
  const showResults = (images: readonly StudioImage[]) => {
    results.replaceChildren(
      ...images.map((image) => {
        const figure = element('figure', { className: 'result' });
        const img = element('img', { src: image.src, alt: image.displayPath, width: image.width, height: image.height });
        const caption = element('figcaption');
        const path = element('span', { className: 'path', textContent: image.displayPath, title: image.displayPath });
        caption.append(path);
        if (image.seed !== undefined) caption.append(element('span', { className: 'seed', textContent: strings.seedValue.replace('{0}', String(image.seed)) }));
        if (image.location) {
          const open = document.createElement('vscode-button') as Button;
          open.className = 'open';
          open.setAttribute('appearance', 'secondary');
          open.textContent = strings.open;
          const location = image.location;
          open.addEventListener('click', () => post({ type: 'openImage', folderIndex: location.folderIndex, path: location.path }));
          caption.append(open);
        }
        figure.append(img, caption);
        return figure;
      }),
    );
  };

  app.replaceChildren(title, prompt, options, negative, actions, status, errorBox, results);
  const selected = models.some((m) => m.id === state.model) ? state.model : models[0]?.id;
  if (selected) model.value = selected;
  applyModel();
  syncButton();
  if (!init.hasApiKey) showStatus(strings.noApiKey, 'warning');
  app.removeAttribute('aria-busy');

  return {
    init,
    setBusy(value) {
      busy = value;
      cancel.hidden = !value;
      app.setAttribute('aria-busy', String(value));
      syncButton();
    },
    showStatus,
    showError,
    showResults,
  };
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = HostMessage.safeParse(event.data);
  if (!parsed.success) {
    console.warn('Bailian studio: ignored an invalid host message', parsed.error.message);
    return;
  }
  const message = parsed.data;
  if (message.type === 'init') {
    view = render(message);
    return;
  }
  if (!view) return;
  switch (message.type) {
    case 'apiKey':
      view.showStatus(message.hasApiKey ? '' : view.init.strings.noApiKey, message.hasApiKey ? 'info' : 'warning');
      return;
    case 'notice':
      view.showStatus(message.text, message.level);
      return;
    case 'progress':
      view.setBusy(true);
      view.showStatus(message.text);
      return;
    case 'result':
      view.setBusy(false);
      view.showStatus(message.text);
      view.showResults(message.images);
      return;
    case 'error':
      view.setBusy(false);
      view.showStatus('');
      view.showError(message.error);
      return;
    case 'cancelled':
      view.setBusy(false);
      view.showStatus(message.text, 'warning');
      return;
  }
});

post({ type: 'ready' });
