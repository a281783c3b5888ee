// What the Retouch chunk (dist/webview/retouch.js, loaded when the tab first opens) uses of the
// app: the session (state, dispatch, strings, init) and the component layer. The app hands them
// over once, in `mount` (webview/retouch/index.ts), so the chunk shares the app's state and
// controls instead of bundling second copies of those modules. Only pure helpers (webview/dom.ts,
// webview/retouch/model.ts) are bundled into both.
import type { InitMessage, StringKey } from '../../src/protocol/messages';
import type * as Components from '../components';
import type { Action, ViewState } from '../state';

/** The app's parts the chunk calls. */
export interface RetouchBridge {
  readonly state: () => ViewState;
  readonly init: () => InitMessage | undefined;
  readonly dispatch: (action: Action) => ViewState;
  readonly s: (key: StringKey, ...args: (string | number)[]) => string;
  readonly ui: Pick<typeof Components, 'button' | 'checkbox' | 'dropdown' | 'textArea' | 'textField'>;
}

let bridge: RetouchBridge | undefined;

/** Called once by `mount`. */
export function connect(app: RetouchBridge): void {
  bridge = app;
}

function app(): RetouchBridge {
  if (!bridge) throw new Error('Bailian studio: the Retouch chunk is not mounted');
  return bridge;
}

/** The view state as it is now (it is replaced on every dispatch). */
export const view = (): ViewState => app().state();
export const initData = (): InitMessage | undefined => app().init();
export const dispatch = (action: Action): ViewState => app().dispatch(action);
export const s = (key: StringKey, ...args: (string | number)[]): string => app().s(key, ...args);
export const button: RetouchBridge['ui']['button'] = (...args) => app().ui.button(...args);
export const checkbox: RetouchBridge['ui']['checkbox'] = (...args) => app().ui.checkbox(...args);
export const dropdown: RetouchBridge['ui']['dropdown'] = (...args) => app().ui.dropdown(...args);
export const textArea: RetouchBridge['ui']['textArea'] = (...args) => app().ui.textArea(...args);
export const textField: RetouchBridge['ui']['textField'] = (...args) => app().ui.textField(...args);
