// What the team chunk (dist/webview/team.js: presets, Compare, the History tab) uses of the app: the session, the
// connection, the form filler, the result grid and the component layer. The app hands them over
// once, in `mount` (webview/team/index.ts), as the Retouch chunk's bridge does, so the chunk
// shares the app's state instead of bundling second copies of its modules.
import type { HistoryItem, InitMessage, ModelOption, OpenSettings, PickerImage, RunParams, StringKey, StudioImage, StudioMode, WebviewMessage } from '../../src/protocol/messages';
import type * as Components from '../components';
import type { Action, Card, ViewState } from '../state';

/** The app's parts the chunk calls. */
export interface TeamBridge {
  readonly state: () => ViewState;
  readonly s: (key: StringKey, ...args: (string | number)[]) => string;
  readonly post: (message: WebviewMessage) => void;
  readonly modelsOf: (mode: StudioMode) => ModelOption[];
  readonly fillForm: (mode: StudioMode, model: ModelOption, params: Partial<RunParams>, inputs?: readonly PickerImage[]) => void;
  readonly renderResults: (card: Card, images: readonly StudioImage[]) => HTMLElement;
  readonly renderCards: () => void;
  readonly newJobId: (now: number) => string;
  readonly ui: Pick<typeof Components, 'button' | 'checkbox' | 'dropdown' | 'textField' | 'linkButton'>;
  readonly spinner: () => HTMLElement;
  readonly init: () => InitMessage | undefined;
  readonly dispatch: (action: Action) => ViewState;
  /** The History tab's host element, and the entries the app holds. */
  readonly historyHost: HTMLElement;
  /** The overlay the large view draws in. */
  readonly overlay: HTMLElement;
  readonly history: () => { items: HistoryItem[] | undefined; complete: boolean };
  readonly fillFromSettings: (item: OpenSettings, model: ModelOption, inputs: readonly PickerImage[]) => void;
}

let bridge: TeamBridge | undefined;

/** Called once by `mount`. */
export function connect(app: TeamBridge): void {
  bridge = app;
}

/** The app's parts (after `mount`). */
export function app(): TeamBridge {
  if (!bridge) throw new Error('Bailian studio: the team chunk is not mounted');
  return bridge;
}

export const s: TeamBridge['s'] = (key, ...args) => app().s(key, ...args);
export const post: TeamBridge['post'] = (message) => app().post(message);
export const modelsOf: TeamBridge['modelsOf'] = (mode) => app().modelsOf(mode);
export const view = (): ViewState => app().state();
export const button: TeamBridge['ui']['button'] = (...args) => app().ui.button(...args);
export const checkbox: TeamBridge['ui']['checkbox'] = (...args) => app().ui.checkbox(...args);
export const dropdown: TeamBridge['ui']['dropdown'] = (...args) => app().ui.dropdown(...args);
export const textField: TeamBridge['ui']['textField'] = (...args) => app().ui.textField(...args);
export const linkButton: TeamBridge['ui']['linkButton'] = (...args) => app().ui.linkButton(...args);
