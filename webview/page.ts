// What the studio's parts (the tabs, the cards, the history) ask of the page as a whole. main.ts
// provides it once at startup: the parts cannot import main.ts or the form, which import them.
import type { ModelOption, PickerImage, RunParams, StudioMode } from '../src/protocol/messages';

export interface Page {
  /** Shows a mode's form, or the history, with its tab selected. */
  switchMode(mode: StudioMode | 'history'): void;
  /** Fills the form of `mode` from earlier parameters and shows it (history reuse, re-run). */
  fillForm(mode: StudioMode, model: ModelOption, params: Partial<RunParams>, inputs?: readonly PickerImage[]): void;
  /** Runs the current mode's form, as its Run button does. */
  startRun(): void;
  /** Draws the cards again (a card was added). */
  renderCards(): void;
}

const unwired = (): never => {
  throw new Error('Bailian studio: the page is not wired yet');
};

export const page: Page = { switchMode: unwired, fillForm: unwired, startRun: unwired, renderCards: unwired };

export function providePage(actions: Page): void {
  Object.assign(page, actions);
}
