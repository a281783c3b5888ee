// The studio's session: the view state (webview/state.ts, kept across reloads with
// vscode.setState) and the `init` message the page is drawn from (strings, models, languages).
// Every part of the page reads both here; only `dispatch` and `setInit` change them.
import type { InitMessage, ModelOption, StringKey, StudioMode } from '../src/protocol/messages';
import { retouchModelOf } from './retouch/model';
import { format, reduce, restoreState, type Action, type ViewState } from './state';
import { vscode } from './vscode-api';

export let state: ViewState = restoreState(vscode.getState());
/** The bootstrap block's `init`, then the host's; undefined until one of them arrived. */
export let init: InitMessage | undefined;

/** Applies `action` to the state and persists the result. */
export function dispatch(action: Action): ViewState {
  state = reduce(state, action);
  vscode.setState(state);
  return state;
}

export function setInit(message: InitMessage | undefined): void {
  init = message;
}

/** The UI string `key` in the host's language, with `{0}`… filled from `args`. */
export function s(key: StringKey, ...args: (string | number)[]): string {
  const text = init?.strings[key] ?? key;
  return args.length ? format(text, ...args) : text;
}

export function modelsOf(mode: StudioMode): ModelOption[] {
  return init?.models.filter((m) => m.mode === mode) ?? [];
}

/** The model selected in `mode`, or its first one. */
export function currentModel(mode: StudioMode): ModelOption {
  const models = modelsOf(mode);
  // Retouch: the chosen operation decides the model.
  const wanted = mode === 'retouch' ? retouchModelOf(init?.retouch ?? [], state.retouch) : state.models[mode];
  return models.find((m) => m.id === wanted) ?? models[0]!;
}

/** The mode that takes dropped or pasted images: the current one, or Edit from Generate and History. */
export function inputMode(): StudioMode {
  return state.mode === 'translate' || state.mode === 'guide' || state.mode === 'retouch' ? state.mode : 'edit';
}
