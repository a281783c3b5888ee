// The History tab, in the team chunk: a search, the count, and the matching entries drawn in
// chunks as the list scrolls; an entry can fill its mode's form again, open its files, or copy
// the CLI command that makes it again. The entries themselves stay with the app (webview/history.ts).
import { searchHistory } from '../historySearch';
import type { HistoryItem, ModelOption, StringKey } from '../../src/protocol/messages';
import { baseName } from '../captions';
import { el } from '../dom';
import { app, button, post, s, textField, view } from './bridge';

const HISTORY_CHUNK = 50;
const OUTCOME_KEYS: Record<string, StringKey> = { succeeded: 'statusSucceeded', failed: 'statusFailed', cancelled: 'statusCancelled', stopped: 'statusStopped', partial: 'statusPartial' };

let historyShown = HISTORY_CHUNK;
/** How many entries match the search: the list grows on scroll only while some are not drawn yet. */
let historyMatching = 0;
let historyObserver: IntersectionObserver | undefined;

/** Draws the History tab into its host. */
export function renderHistory(): void {
  const search = textField({ id: 'history-search', placeholder: s('historySearch'), label: s('historySearch'), value: view().historyQuery, onInput: (q) => (app().dispatch({ type: 'historyQuery', query: q }), (historyShown = HISTORY_CHUNK), renderHistoryList()) });
  const count = el('p', { className: 'history-count', id: 'history-count' });
  const list = el('ol', { className: 'history-list', id: 'history-list' });
  const sentinel = el('div', { className: 'sentinel' });
  app().historyHost.replaceChildren(search, count, list, sentinel);
  historyObserver?.disconnect();
  historyObserver = new IntersectionObserver((entries) => {
    // Only while entries are left to draw: a short list (or the newest part, before the rest has
    // arrived) leaves the sentinel in view, and that alone must not add a chunk.
    if (entries[entries.length - 1]?.isIntersecting && app().history().items && historyShown < historyMatching) {
      historyShown += HISTORY_CHUNK;
      renderHistoryList(true);
    }
  });
  historyObserver.observe(sentinel);
  renderHistoryList();
}

/** Renders the matching entries in chunks: only the first `historyShown` are in the DOM. */
export function renderHistoryList(append = false): void {
  const host = app().historyHost;
  const list = host.querySelector<HTMLElement>('#history-list');
  const count = host.querySelector<HTMLElement>('#history-count');
  if (!list || !count) return;
  const { items: historyItems, complete: historyComplete } = app().history();
  if (!historyItems) {
    list.replaceChildren(app().spinner());
    return;
  }
  const matching = searchHistory(historyItems, view().historyQuery);
  historyMatching = matching.length;
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
  const model = app().init()?.models.find((m) => m.id === item.model);
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
  app().fillFromSettings(item, model, item.inputs.flatMap((i) => (i.location ? [{ src: i.src, displayPath: i.displayPath, location: i.location }] : [])));
}

