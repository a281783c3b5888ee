// Presets, Compare and the History tab in the app: they come from a chunk of their own
// (dist/webview/team.js, URL on `#app`), imported when a form or the tab first needs them, so the
// first paint does not carry them. Until it arrives the form draws without them (no preset is
// picked, nothing is held back); a comparison's card and the History tab show a spinner.
import type { CompareColumn, HistoryItem, HostMessage, RunParams, StudioMode } from '../src/protocol/messages';
import { button, checkbox, dropdown, linkButton, spinner, textField } from './components';
import { post } from './host';
import { app, historyHost, overlay, showNotice } from './layout';
import { page } from './page';
import { provideLargeView, renderResults } from './results';
import { dispatch, init, modelsOf, s, state } from './session';
import { fillFromSettings } from './settings';
import { newJobId, type Card } from './state';
import type { TeamChunk } from './team/index';

let loaded: TeamChunk | undefined;
/** The history entries the app holds (webview/history.ts provides them). */
let historyEntries: () => { items: HistoryItem[] | undefined; complete: boolean } = () => ({ items: undefined, complete: true });

/** Called once by webview/history.ts, which holds the entries (it imports this module, not the other way). */
export function provideHistory(entries: typeof historyEntries): void {
  historyEntries = entries;
}
let loading: Promise<void> | undefined;
/** The host's presets when they came before the chunk. */
let pendingPresets: PresetsMessage | undefined;
type PresetsMessage = Extract<HostMessage, { type: 'presets' }>;

function load(redraw: () => void): void {
  const url = app.dataset.team;
  loading ??= (url ? (import(url) as Promise<{ mount: (bridge: unknown) => TeamChunk }>) : Promise.reject(new Error('no team.js')))
    .then((chunk) => {
      loaded = chunk.mount({
        state: () => state,
        s,
        post,
        modelsOf,
        fillForm: page.fillForm,
        renderCards: () => page.renderCards(),
        newJobId,
        renderResults,
        ui: { button, checkbox, dropdown, textField, linkButton },
        spinner,
        init: () => init,
        dispatch,
        historyHost,
        overlay,
        history: () => historyEntries(),
        fillFromSettings,
      });
      if (pendingPresets) loaded.receivePresets(pendingPresets, () => undefined);
    })
    .catch((error: unknown) => {
      console.error('Bailian studio: presets and Compare did not load', error);
      showNotice(s('pageIncomplete'), 'error');
    });
  void loading.then(() => loaded && redraw());
}

// A click on a result shows it large once the chunk is there (it usually is: forms load it first).
provideLargeView((image, before) => {
  load(() => undefined);
  void loading?.then(() => loaded?.showLarge(image, before));
});

/** The preset picker for the top of `mode`'s form. */
export function presetRow(mode: StudioMode, showProblems: () => void, redraw: () => void): HTMLElement[] {
  if (!loaded) {
    load(redraw);
    return [];
  }
  return loaded.presetRow(mode, showProblems);
}

export function presetProblems(mode: StudioMode): { key: 'presetBlankMissing'; args: string[] }[] {
  return loaded?.presetProblems(mode) ?? [];
}

export function withPreset(mode: StudioMode, params: RunParams): RunParams {
  return loaded ? loaded.withPreset(mode, params) : params;
}

/** The host's presets: to the chunk (loaded for them when it is not yet). */
export function receivePresets(message: PresetsMessage, redraw: () => void): void {
  if (loaded) {
    loaded.receivePresets(message, redraw);
    return;
  }
  pendingPresets = message;
  load(redraw);
}

/** Compare's ticks and button (Generate). */
export function compareRow(params: () => RunParams, checked: () => RunParams | undefined, redraw: () => void): HTMLElement[] {
  if (!loaded) {
    load(redraw);
    return [];
  }
  return [loaded.compareRow(params, checked)];
}

/** A comparison card's columns. */
export function renderColumns(card: Card, columns: readonly CompareColumn[], redraw: () => void): HTMLElement {
  if (!loaded) {
    load(redraw);
    return spinner();
  }
  return loaded.renderColumns(card, columns);
}

/** The History tab (a spinner until the chunk is there). */
export function renderHistoryTab(): void {
  if (loaded) {
    loaded.renderHistory();
    return;
  }
  historyHost.replaceChildren(spinner());
  load(() => state.mode === 'history' && loaded!.renderHistory());
}

/** The History tab's list again (new entries came). */
export function renderHistoryList(append: boolean): void {
  loaded?.renderHistoryList(append);
}
