// The DOM helpers every part of the studio draws with: an element with its properties and
// children, a labelled field, a small icon button.

/** A `tag` element with `props` assigned and the given children (falsy ones skipped). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string | undefined | false)[]): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  for (const child of children) if (child) node.append(child);
  return node;
}

/** A control under its label (the label names the control's id, so a click on it focuses the control). */
export function field(label: string, control: HTMLElement, className = ''): HTMLDivElement {
  const wrapper = el('div', { className: `field ${className}`.trim() });
  wrapper.append(el('label', { htmlFor: control.id, textContent: label }), control);
  return wrapper;
}

/** A small icon button, named for screen readers by its `label`. */
export function miniButton(label: string, text: string, action: () => void, disabled = false): HTMLButtonElement {
  const b = el('button', { type: 'button', className: 'mini', title: label, textContent: text, disabled });
  b.setAttribute('aria-label', label);
  b.addEventListener('click', action);
  return b;
}
