// What a mode's part of the form gets from the form (webview/form.ts), and what it gives back.
import type { PickerImage, RunParams, StringKey } from '../../src/protocol/messages';
import type { ExtraControlsContext } from '../extraControls';

/** The form as a mode's controls see it: the model's choices, and how to store one and redraw. */
export interface FormContext extends ExtraControlsContext {
  /** Checks the form again and shows what holds the run back. */
  showProblems: () => void;
}

/** One mode's part of the form. */
export interface ModeForm {
  /** The Run button's label. */
  runLabel: StringKey;
  /** The mode's controls, below the inputs (which the form draws for every model that takes images). */
  controls(ctx: FormContext): HTMLElement[];
  /** Tools of one input image beyond reordering and removing it. */
  inputTools?(ctx: FormContext, input: PickerImage): HTMLElement[];
  /** No model picker: the mode's own controls decide the model (Retouch: the operation). */
  hideModel?: boolean;
  /** The mode's own problems, beyond those every mode shares (webview/state.ts validate). */
  problems?(): { key: string; args: (string | number)[]; quiet?: boolean }[];
  /** The run parameters with the mode's own fields added. */
  params?(params: RunParams): RunParams;
  /** Whether an empty prompt is fine although the model requires one (a stock prompt goes instead). */
  promptOptional?(): boolean;
}
