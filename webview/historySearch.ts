// The History tab's search: a module of its own so the team chunk (webview/team/history.ts) bundles
// it and the app's first-paint bundle does not.
import type { HistoryItem } from '../src/protocol/messages';

/** What the history search looks in, lowercased once per entry. */
const haystacks = new WeakMap<HistoryItem, string>();

/** The history entries matching a search (prompt, model, kind, outcome, file names), newest first as given. */
export function searchHistory(items: readonly HistoryItem[], query: string): readonly HistoryItem[] {
  const q = query.trim().toLowerCase();
  if (!q) return items;
  const words = q.split(/\s+/);
  return items.filter((item) => {
    let hay = haystacks.get(item);
    if (hay === undefined) {
      hay = `${item.prompt ?? ''} ${item.model} ${item.kind} ${item.outcome} ${item.outputs.map((o) => o.displayPath).join(' ')} ${item.inputs.map((i) => i.displayPath).join(' ')}`.toLowerCase();
      haystacks.set(item, hay);
    }
    return words.every((word) => hay!.includes(word));
  });
}
