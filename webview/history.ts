// The history of runs (from the host's history file): a search, the count, and the matching entries
// drawn in chunks as the list scrolls; an entry can fill its mode's form again or open its files.
import type { HistoryItem, ModelOption, OpenSettings, PickerImage, StringKey } from '../src/protocol/messages';
import { button, spinner, textField } from './components';
import { el } from './dom';
import { extraParamsFromHistory } from './extraOptions';
import { post } from './host';
import { historyHost } from './layout';
import { page } from './page';
import { dispatch, init, s, state } from './session';
import { baseName, searchHistory } from './state';

const HISTORY_CHUNK = 50;
const OUTCOME_KEYS: Record<string, StringKey> = { succeeded: 'statusDone', failed: 'statusFailed', cancelled: 'statusCancelled', stopped: 'statusStopped', partial: 'statusPartial' };

let historyItems: HistoryItem[] | undefined;
let historyShown = HISTORY_CHUNK;
let historyObserver: IntersectionObserver | undefined;
/** False while the host is still sending older parts (the count then ends in "…"). */
let historyComplete = true;

/** Whether the host sent the history yet (the History tab asks for it once). */
export function historyLoaded(): boolean {
  return historyItems !== undefined;
}

/**
 * The history from the host, newest first, in parts: the first replaces the list, later ones
 * (`more`) append to it. The History tab, when shown, paints the first part at once and then
 * only updates the count and fills its current chunk, so a long history never blocks the page.
 */
export function showHistoryItems(items: HistoryItem[], part: { more?: boolean | undefined; done?: boolean | undefined } = {}): void {
  historyComplete = part.done !== false;
  if (!part.more || !historyItems) {
    historyItems = items;
    if (state.mode === 'history') renderHistoryList();
    return;
  }
  const older = historyItems.length ? historyItems[historyItems.length - 1]!.started : undefined;
  historyItems.push(...items);
  // Parts come newest first per workspace folder; another folder's part may need sorting in.
  const inOrder = older === undefined || items.every((item) => item.started <= older);
  if (!inOrder) historyItems.sort((a, b) => b.started.localeCompare(a.started));
  if (state.mode === 'history') renderHistoryList(inOrder);
}

export function renderHistory(): void {
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
  count.textContent = historyItems.length ? `${s('historyCount', matching.length, historyItems.length)}${historyComplete ? '' : ' …'}` : s('historyEmpty');
  const from = append ? list.childElementCount : 0;
  const rows = matching.slice(from, historyShown).map(renderHistoryItem);
  if (append) list.append(...rows);
  else list.replaceChildren(...rows);
}

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
  actions.append(button(s('copyCliCommand'), () => post({ type: 'copyCommand', entryId: item.id }), { className: 'copy-command', secondary: true }));
  if (files.length) actions.append(button(s('historyOpenFiles'), () => files.slice(0, 8).forEach((location) => post({ type: 'file', action: 'open', location })), { className: 'open-files', secondary: true }));
  row.append(thumb, body, actions);
  return row;
}

/** Fills the form of the entry's mode with its model, parameters and inputs. */
function reuse(item: HistoryItem, model: ModelOption): void {
  fillFromSettings(item, model, item.inputs.flatMap((i) => (i.location ? [{ src: i.src, displayPath: i.displayPath, location: i.location }] : [])));
}

/** Fills the form of the model's mode from recorded settings: a history entry's Reuse, or Open Settings in Studio. */
export function fillFromSettings(item: OpenSettings, model: ModelOption, inputs: readonly PickerImage[]): void {
  const p = item.parameters;
  const translation =
    model.mode === 'translate'
      ? {
          sourceLang: String(p['source_lang'] ?? 'auto'),
          targetLang: String(p['target_lang'] ?? 'en'),
          ...(typeof p['domain_hint'] === 'string' ? { domainHint: p['domain_hint'] } : {}),
        }
      : undefined;
  page.fillForm(
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
