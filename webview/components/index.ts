// The studio's own small component layer over @vscode/webview-ui-toolkit. The rest of the
// webview creates controls only through these functions and reads them only through the
// `Control` shapes below, so moving to @vscode-elements/elements later touches this folder only.
//
// The page paints before the toolkit is there: the app is inlined into the page, and the
// toolkit's components (./toolkit.ts, a bundle of their own) are loaded after the page's
// load event, so the frame VS Code shows at that event needs no fetch. Until they are defined
// these functions make plain elements with the same properties and events (styled to the
// toolkit's measures in media/studio.css); the app then draws again with the components. If the
// toolkit never arrives, the plain controls keep working.
let toolkit = false;

/** Whether controls made now are the toolkit's components (else plain elements). */
export function usesToolkit(): boolean {
  return toolkit;
}

/** Resolves once the toolkit's components are defined; from then on every control is one of them. */
export function whenToolkit(): Promise<void> {
  return customElements.whenDefined('vscode-text-area').then(() => {
    toolkit = true;
  });
}

/** Forwards `value`/`checked`/`disabled` of a wrapper to the plain control inside it. */
function forward<T extends HTMLElement>(wrapper: T, inner: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement, props: readonly ('value' | 'checked' | 'disabled')[]): T {
  for (const prop of props) {
    Object.defineProperty(wrapper, prop, {
      get: () => (inner as unknown as Record<string, unknown>)[prop],
      set: (v: unknown) => {
        (inner as unknown as Record<string, unknown>)[prop] = v;
      },
    });
  }
  return wrapper;
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
  const el = apply(document.createElement(toolkit ? 'vscode-button' : 'button') as ButtonControl, options);
  el.textContent = label;
  if (!toolkit) el.classList.add('plain-button');
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
  const el = apply(document.createElement(toolkit ? 'vscode-text-field' : 'input') as ValueControl & { placeholder: string }, options);
  if (!toolkit) el.classList.add('plain-input');
  if (options.placeholder) el.placeholder = options.placeholder;
  el.value = options.value ?? '';
  if (options.label) el.setAttribute('aria-label', options.label);
  if (options.onInput) el.addEventListener('input', () => options.onInput!(el.value));
  return el;
}

/** A multi-line text area with a visible label. */
export function textArea(options: Common & { value?: string; placeholder?: string; rows?: number; label?: string; onInput?: (value: string) => void }): ValueControl {
  if (!toolkit) {
    // The wrapper carries the id, like the toolkit's element; the text area inside, `<id>-plain`.
    const wrapper = apply(document.createElement('div'), options);
    wrapper.classList.add('plain-text-area');
    const area = document.createElement('textarea');
    if (options.id) area.id = `${options.id}-plain`;
    area.rows = options.rows ?? 3;
    if (options.placeholder) area.placeholder = options.placeholder;
    area.value = options.value ?? '';
    if (options.label) {
      const text = document.createElement('label');
      text.textContent = options.label;
      if (options.id) text.htmlFor = area.id;
      wrapper.append(text);
    }
    wrapper.append(area);
    if (options.onInput) area.addEventListener('input', () => options.onInput!(area.value));
    return forward(wrapper, area, ['value', 'disabled']) as unknown as ValueControl;
  }
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
  const el = apply(document.createElement(toolkit ? 'vscode-dropdown' : 'select') as ValueControl, options);
  if (!toolkit) el.classList.add('plain-select');
  setChoices(el, choices, options.value);
  if (options.label) el.setAttribute('aria-label', options.label);
  if (options.onChange) el.addEventListener('change', () => options.onChange!(el.value));
  return el;
}

/** Replaces a dropdown's options and selects `value` (or the first). */
export function setChoices(el: ValueControl, choices: readonly { value: string; label: string }[], value?: string): void {
  el.replaceChildren(
    ...choices.map((choice) => {
      const item = document.createElement(el.tagName === 'SELECT' ? 'option' : 'vscode-option');
      item.setAttribute('value', choice.value);
      item.textContent = choice.label;
      return item;
    }),
  );
  const wanted = value !== undefined && choices.some((c) => c.value === value) ? value : choices[0]?.value;
  if (wanted !== undefined && el.tagName === 'SELECT') el.value = wanted;
  // Options are slotted asynchronously; select once the dropdown has seen them.
  else if (wanted !== undefined) queueMicrotask(() => (el.value = wanted));
}

/** A checkbox with its label. */
export function checkbox(label: string, checked: boolean, onChange: (checked: boolean) => void, options: Common = {}): CheckControl {
  if (!toolkit) {
    const wrapper = apply(document.createElement('label'), options);
    wrapper.classList.add('plain-checkbox');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = checked;
    wrapper.append(box, label);
    box.addEventListener('change', () => onChange(box.checked));
    return forward(wrapper, box, ['checked', 'disabled']) as unknown as CheckControl;
  }
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
