// Presets and Compare in the app: their controls come from a chunk of their own
// (dist/webview/team.js, URL on `#app`), imported when a form first needs them, so the first
// paint does not carry them. Until it arrives the form draws without them (no preset is picked,
// nothing is held back) and a comparison's card shows a spinner.
import type { CompareColumn, PresetOption, RunParams, StudioMode } from '../src/protocol/messages';
import { button, checkbox, dropdown, linkButton, spinner, textField } from './components';
import { post } from './host';
import { app, showNotice } from './layout';
import { page } from './page';
import { renderResults } from './results';
import { modelsOf, s, state } from './session';
import type { Card } from './state';
import type { TeamChunk } from './team/index';

let loaded: TeamChunk | undefined;
let loading: Promise<void> | undefined;
/** The host's presets when they came before the chunk. */
let pendingPresets: { presets: PresetOption[]; problems: string[] } | undefined;

function load(redraw: () => void): void {
  const url = app.dataset.team;
  loading ??= (url ? (import(url) as Promise<{ mount: (bridge: unknown) => TeamChunk }>) : Promise.reject(new Error('no team.js')))
    .then((chunk) => {
      loaded = chunk.mount({ state: () => state, s, post, modelsOf, fillForm: page.fillForm, renderResults, ui: { button, checkbox, dropdown, textField, linkButton } });
      if (pendingPresets) loaded.receivePresets(pendingPresets.presets, pendingPresets.problems, () => undefined);
    })
    .catch((error: unknown) => {
      console.error('Bailian studio: presets and Compare did not load', error);
      showNotice(s('pageIncomplete'), 'error');
    });
  void loading.then(() => loaded && redraw());
}

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
export function receivePresets(presets: PresetOption[], problems: string[], redraw: () => void): void {
  if (loaded) {
    loaded.receivePresets(presets, problems, redraw);
    return;
  }
  pendingPresets = { presets, problems };
  load(redraw);
}

/** Compare's ticks and button (Generate). */
export function compareRow(params: () => RunParams, start: () => void, redraw: () => void): HTMLElement[] {
  if (!loaded) {
    load(redraw);
    return [];
  }
  return [loaded.compareRow(params, start)];
}

export function comparedModels(): ReturnType<TeamChunk['comparedModels']> {
  return loaded?.comparedModels() ?? [];
}

/** A comparison card's columns. */
export function renderColumns(card: Card, columns: readonly CompareColumn[], redraw: () => void): HTMLElement {
  if (!loaded) {
    load(redraw);
    return spinner();
  }
  return loaded.renderColumns(card, columns);
}
