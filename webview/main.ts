// The studio webview app. Registers the webview UI toolkit components, completes the
// `ready`/`init` handshake (src/protocol.ts) and renders the studio from the host's state.
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeTextArea,
  type Button,
  type Dropdown,
  type TextArea,
} from '@vscode/webview-ui-toolkit';
import { z } from 'zod';
import { HostMessage, StudioViewState, type WebviewMessage } from '../src/protocol';
import { vscode } from './vscode-api';

// The CSP forbids eval; tell zod not to probe for it (the probe would log a CSP violation).
z.config({ jitless: true });

provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeDropdown(), vsCodeOption(), vsCodeTextArea());

type InitMessage = Extract<HostMessage, { type: 'init' }>;

const app = document.getElementById('app') as HTMLElement;
let state: StudioViewState = StudioViewState.catch({ prompt: '' }).parse(vscode.getState() ?? {});

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

function render(init: InitMessage): void {
  const { strings, models } = init;
  const title = element('h1', { textContent: strings.title });

  const prompt = document.createElement('vscode-text-area') as TextArea;
  prompt.id = 'prompt';
  prompt.setAttribute('rows', '5');
  prompt.setAttribute('resize', 'vertical');
  prompt.placeholder = strings.promptPlaceholder;
  prompt.value = state.prompt;
  prompt.textContent = strings.promptLabel;

  const modelLabel = element('label', { htmlFor: 'model', textContent: strings.modelLabel });
  const model = document.createElement('vscode-dropdown') as Dropdown;
  model.id = 'model';
  for (const option of models) {
    const item = document.createElement('vscode-option');
    item.setAttribute('value', option.id);
    item.textContent = option.label;
    model.append(item);
  }
  const selected = models.some((m) => m.id === state.model) ? state.model : models[0]?.id;

  const generate = document.createElement('vscode-button') as Button;
  generate.id = 'generate';
  generate.textContent = strings.generate;

  const notice = element('p', { id: 'notice', className: 'notice' });
  notice.setAttribute('role', 'status');
  if (!init.hasApiKey) {
    notice.textContent = strings.noApiKey;
    notice.dataset.level = 'warning';
  }

  const syncButton = () => {
    generate.disabled = prompt.value.trim().length === 0;
  };
  prompt.addEventListener('input', () => {
    saveState({ prompt: prompt.value });
    syncButton();
  });
  model.addEventListener('change', () => saveState({ model: model.value }));
  generate.addEventListener('click', () => {
    if (!generate.disabled) {
      post({ type: 'generate', prompt: prompt.value, model: model.value });
    }
  });

  const controls = element('div', { className: 'controls' });
  controls.append(modelLabel, model, generate);
  app.replaceChildren(title, prompt, controls, notice);
  if (selected) {
    model.value = selected;
  }
  syncButton();
  app.removeAttribute('aria-busy');
}

function showNotice(message: Extract<HostMessage, { type: 'notice' }>): void {
  const notice = document.getElementById('notice');
  if (notice) {
    notice.textContent = message.text;
    notice.dataset.level = message.level;
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = HostMessage.safeParse(event.data);
  if (!parsed.success) {
    console.warn('Bailian studio: ignored an invalid host message', parsed.error.message);
    return;
  }
  const message = parsed.data;
  switch (message.type) {
    case 'init':
      render(message);
      return;
    case 'notice':
      showNotice(message);
      return;
  }
});

post({ type: 'ready' });
