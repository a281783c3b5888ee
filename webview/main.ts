// The studio webview app, the bundle's entry: draws the page from its bootstrap block, completes
// the `ready`/`init` handshake (webview/host.ts), then keeps the page in step with the host's
// messages: the mode tabs, the current mode's form (webview/form.ts, webview/modes/) or the
// history (webview/history.ts), and the run cards (webview/cards.ts). State lives in
// webview/session.ts and is persisted with vscode.setState.
import type { HostMessage, InitMessage, StringKey, StudioMode } from '../src/protocol/messages';
import { whenToolkit } from './components';
import { keepElapsedTimes, renderCards, updateCard } from './cards';
import { el } from './dom';
import { fillForm, forgetAttempt, renderForm, startRun } from './form';
import { historyLoaded, renderHistory, showHistoryItems } from './history';
import { fillFromSettings } from './settings';
import { bootstrapStands, drawBootstrap, onHostMessages, post, readyPostedAt, sayReady } from './host';
import { acceptDroppedImages } from './inputs';
import { app, cardsHost, formHost, header, historyHost, notice, overlay, showNotice, tabs } from './layout';
import { providePage } from './page';
import { receivePresets } from './team';
import { showPickerImages } from './picker';
import { currentModel, dispatch, init, s, setInit, state } from './session';

performance.mark('bailian:script');

const MODES: readonly StudioMode[] = ['generate', 'edit', 'retouch', 'translate', 'guide'];
const TAB_LABELS: Record<StudioMode | 'history', StringKey> = { generate: 'modeGenerate', edit: 'modeEdit', retouch: 'modeRetouch', translate: 'modeTranslate', guide: 'modeGuide', history: 'modeHistory' };

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
  tabs.replaceChildren(
    ...all.map((mode) => {
      const tab = el('button', { className: 'tab', id: `tab-${mode}`, textContent: s(TAB_LABELS[mode]), type: 'button' });
      tab.setAttribute('role', 'tab');
      tab.setAttribute('aria-selected', String(state.mode === mode));
      tab.addEventListener('click', () => switchMode(mode));
      return tab;
    }),
  );
}

function switchMode(mode: StudioMode | 'history'): void {
  dispatch({ type: 'mode', mode });
  forgetAttempt();
  renderTabs();
  renderMain();
}

/** The current mode's form with the cards, or the history (asked of the host the first time). */
function renderMain(): void {
  const isHistory = state.mode === 'history';
  formHost.hidden = isHistory;
  cardsHost.hidden = isHistory;
  historyHost.hidden = !isHistory;
  if (isHistory) {
    renderHistory();
    if (!historyLoaded()) post({ type: 'loadHistory' });
  } else {
    renderForm();
  }
}

/** Open Settings in Studio: fills the form from the image's settings; false when there are none (or the model is not offered). */
function openSettings(open: NonNullable<InitMessage['open']>): boolean {
  const model = open.settings ? init?.models.find((m) => m.id === open.settings!.model && m.mode === open.mode) : undefined;
  if (!open.settings || !model) return false;
  fillFromSettings(open.settings, model, open.inputs);
  return true;
}

function onInit(message: InitMessage): void {
  // Rendered from the bootstrap already: redraw the form only where `init` changes it (inputs
  // to open, the glossary's terms), so a click or keystroke made meanwhile is not lost.
  const rendered = init !== undefined && bootstrapStands && app.getAttribute('aria-busy') === null;
  setInit(message);
  dispatch({ type: 'hostJobs', jobs: message.jobs, now: Date.now(), ...(readyPostedAt === undefined ? {} : { askedAt: readyPostedAt }) });
  dispatch({ type: 'glossary', terms: message.glossary.terms });
  if (message.open && !openSettings(message.open)) {
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

function onHostMessage(message: HostMessage): void {
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
      showPickerImages(message.images);
      return;
    case 'open': {
      // The form is filled and shown (page.fillForm renders it).
      if (openSettings(message)) return;
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
      showHistoryItems(message.items, { more: message.more, done: message.done });
      return;
    case 'presets':
      receivePresets(message, () => state.mode !== 'history' && renderForm());
      return;
  }
}

/**
 * The first paint used plain controls; once the toolkit's are defined, draws again with them,
 * keeping the focus (and the caret) where it was. Everything drawn comes from `state`, as after a
 * tab switch, so nothing typed meanwhile is lost.
 */
function redrawWithToolkit(): void {
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
}

providePage({
  switchMode,
  fillForm: (mode, model, params, inputs) => {
    fillForm(mode, model, params, inputs);
    renderTabs();
    renderMain();
  },
  startRun,
  renderCards,
});
keepElapsedTimes();
onHostMessages(onHostMessage);
acceptDroppedImages();
// Ctrl/Cmd+Enter runs the current mode from anywhere in the form.
window.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && state.mode !== 'history' && overlay.hidden) {
    event.preventDefault();
    startRun();
  }
});
sayReady(drawBootstrap(renderAll));
void whenToolkit().then(redrawWithToolkit);
