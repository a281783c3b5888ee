// The history of runs (from the host's history file), newest first, in parts. The page keeps
// the entries here; the History tab (search, count, the list drawn in chunks, Reuse, Open Files,
// Copy as CLI Command) is drawn by the team chunk (webview/team/history.ts), loaded when needed.
import type { HistoryItem } from '../src/protocol/messages';
import { state } from './session';
import { provideHistory, renderHistoryList, renderHistoryTab } from './team';

let historyItems: HistoryItem[] | undefined;
/** False while the host is still sending older parts (the count then ends in "…"). */
let historyComplete = true;

/** Whether the host sent the history yet (the History tab asks for it once). */
export function historyLoaded(): boolean {
  return historyItems !== undefined;
}

// The History tab (in the team chunk) reads the entries so far, and whether the host sent them all.
provideHistory(() => ({ items: historyItems, complete: historyComplete }));

/**
 * The history from the host, newest first, in parts: the first replaces the list, later ones
 * (`more`) append to it. The History tab, when shown, paints the first part at once and then
 * only updates the count and fills its current chunk, so a long history never blocks the page.
 */
export function showHistoryItems(items: HistoryItem[], part: { more?: boolean | undefined; done?: boolean | undefined } = {}): void {
  historyComplete = part.done !== false;
  if (!part.more || !historyItems) {
    historyItems = items;
    if (state.mode === 'history') renderHistoryList(false);
    return;
  }
  const older = historyItems.length ? historyItems[historyItems.length - 1]!.started : undefined;
  historyItems.push(...items);
  // Parts come newest first per workspace folder; another folder's part may need sorting in.
  const inOrder = older === undefined || items.every((item) => item.started <= older);
  if (!inOrder) historyItems.sort((a, b) => b.started.localeCompare(a.started));
  if (state.mode === 'history') renderHistoryList(inOrder);
}

/** The History tab. */
export function renderHistory(): void {
  renderHistoryTab();
}
