// The studio's own small component layer over @vscode/webview-ui-toolkit. The rest of the
// webview creates controls only through these functions and reads them only through the
// `Control` shapes below, so moving to @vscode-elements/elements later touches this folder only.
import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeTextArea,
  vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

let registered = false;

/** Registers the custom elements once (before anything is rendered). */
export function registerComponents(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeCheckbox(), vsCodeDropdown(), vsCodeOption(), vsCodeTextArea(), vsCodeTextField());
}

/** A form control with a string value. */
export interface ValueControl extends HTMLElement {
  value: string;
  disabled: boolean;
}

/** A checkbox. */
export interface CheckControl extends HTMLElement {
  checked: boolean;
  disabled: boolean;
}

/** A button. */
export interface ButtonControl extends HTMLElement {
  disabled: boolean;
}

interface Common {
  id?: string;
  className?: string;
  title?: string;
}

function apply<T extends HTMLElement>(element: T, options: Common): T {
  if (options.id) element.id = options.id;
  if (options.className) element.className = options.className;
  if (options.title) element.title = options.title;
  return element;
}

/** A button; `secondary` for the less important actions. */
export function button(label: string, onClick: () => void, options: Common & { secondary?: boolean } = {}): ButtonControl {
  const el = apply(document.createElement('vscode-button') as ButtonControl, options);
  el.textContent = label;
  if (options.secondary) el.setAttribute('appearance', 'secondary');
  el.addEventListener('click', () => {
    if (!el.disabled) onClick();
  });
  return el;
}

/** A compact text-style action (many per image would crowd the grid as full buttons). */
export function linkButton(label: string, onClick: () => void, options: Common = {}): HTMLButtonElement {
  const el = apply(document.createElement('button'), options);
  el.type = 'button';
  el.classList.add('link-button');
  el.textContent = label;
  el.addEventListener('click', onClick);
  return el;
}

/** A single-line text field. */
export function textField(options: Common & { value?: string; placeholder?: string; onInput?: (value: string) => void; label?: string }): ValueControl {
  const el = apply(document.createElement('vscode-text-field') as ValueControl & { placeholder: string }, options);
  if (options.placeholder) el.placeholder = options.placeholder;
  el.value = options.value ?? '';
  if (options.label) el.setAttribute('aria-label', options.label);
  if (options.onInput) el.addEventListener('input', () => options.onInput!(el.value));
  return el;
}

/** A multi-line text area with a visible label. */
export function textArea(options: Common & { value?: string; placeholder?: string; rows?: number; label?: string; onInput?: (value: string) => void }): ValueControl {
  const el = apply(document.createElement('vscode-text-area') as ValueControl & { placeholder: string }, options);
  el.setAttribute('rows', String(options.rows ?? 3));
  el.setAttribute('resize', 'vertical');
  if (options.placeholder) el.placeholder = options.placeholder;
  el.value = options.value ?? '';
  if (options.label) el.textContent = options.label;
  if (options.onInput) el.addEventListener('input', () => options.onInput!(el.value));
  return el;
}

/** A dropdown over `choices`; the value is selected once the options are slotted. */
export function dropdown(choices: readonly { value: string; label: string }[], options: Common & { value?: string; onChange?: (value: string) => void; label?: string }): ValueControl {
  const el = apply(document.createElement('vscode-dropdown') as ValueControl, options);
  setChoices(el, choices, options.value);
  if (options.label) el.setAttribute('aria-label', options.label);
  if (options.onChange) el.addEventListener('change', () => options.onChange!(el.value));
  return el;
}

/** Replaces a dropdown's options and selects `value` (or the first). */
export function setChoices(el: ValueControl, choices: readonly { value: string; label: string }[], value?: string): void {
  el.replaceChildren(
    ...choices.map((choice) => {
      const item = document.createElement('vscode-option');
      item.setAttribute('value', choice.value);
      item.textContent = choice.label;
      return item;
    }),
  );
  const wanted = value !== undefined && choices.some((c) => c.value === value) ? value : choices[0]?.value;
  // Options are slotted asynchronously; select once the dropdown has seen them.
  if (wanted !== undefined) queueMicrotask(() => (el.value = wanted));
}

/** A checkbox with its label. */
export function checkbox(label: string, checked: boolean, onChange: (checked: boolean) => void, options: Common = {}): CheckControl {
  const el = apply(document.createElement('vscode-checkbox') as CheckControl, options);
  el.textContent = label;
  el.checked = checked;
  el.addEventListener('change', () => onChange(el.checked));
  return el;
}

/** A small busy indicator (CSS only: the toolkit's progress ring costs the bundle several KB). */
export function spinner(): HTMLElement {
  const el = document.createElement('span');
  el.className = 'spinner';
  el.setAttribute('role', 'progressbar');
  el.setAttribute('aria-busy', 'true');
  return el;
}
