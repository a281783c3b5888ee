// The input images of a mode: the list with reorder and remove, the Add button (the picker) and the
// model's limits; and the images dropped from the Explorer or pasted, which the host turns into inputs.
import type { PickerImage } from '../src/protocol/messages';
import { button } from './components';
import { el, miniButton } from './dom';
import { post } from './host';
import { showNotice } from './layout';
import type { FormContext } from './modes/context';
import { openPicker } from './picker';
import { dispatch, inputMode, s, state } from './session';
import { baseName } from './state';

/** The inputs box of the form; `tools` adds a mode's own tools to each image (Edit: boxes). */
export function renderInputs(ctx: FormContext, tools?: (ctx: FormContext, input: PickerImage) => HTMLElement[]): HTMLElement {
  const { mode, model } = ctx;
  const inputs = state.inputs[mode] ?? [];
  const list = el('ol', { className: 'inputs', id: 'inputs' });
  inputs.forEach((input, index) => {
    const item = el('li', { className: 'input', title: input.displayPath });
    item.dataset.path = input.location.path;
    const thumb = el('img', { src: input.src, alt: input.displayPath, loading: 'lazy' });
    const order = el('span', { className: 'order', textContent: String(index + 1) });
    const change = (action: () => void) => () => (action(), ctx.rerender());
    const moves = el(
      'div',
      { className: 'input-tools' },
      miniButton(s('moveUp'), '←', change(() => dispatch({ type: 'moveInput', mode, index, by: -1 })), index === 0),
      miniButton(s('moveDown'), '→', change(() => dispatch({ type: 'moveInput', mode, index, by: 1 })), index === inputs.length - 1),
      miniButton(s('remove'), '✕', change(() => dispatch({ type: 'removeInput', mode, index }))),
    );
    item.append(thumb, order, el('span', { className: 'input-name', textContent: baseName(input.location.path) }), moves);
    if (tools) item.append(...tools(ctx, input));
    list.append(item);
  });
  const add = button(s('addImages'), () => openPicker(mode, model, ctx.rerender), { id: 'add-images', secondary: true });
  const box = el('div', { className: 'inputs-box' });
  box.append(
    el('div', { className: 'inputs-head' }, el('span', { className: 'label', textContent: s('inputsLabel') }), add),
    inputs.length ? list : el('p', { className: 'empty', textContent: s('noInputs') }),
    el('p', { className: 'limits', id: 'limits', textContent: limitFacts(ctx) }),
  );
  return box;
}

/** What the model takes: how many images, which formats, sides and bytes. */
function limitFacts({ model }: FormContext): string {
  const limits = model.inputs!;
  return [
    limits.min === limits.max ? (limits.max === 1 ? s('imagesOne') : s('imagesMany', limits.max)) : s('limitsCount', limits.min, limits.max),
    s('limitsFormats', limits.formats.map((f) => f.toUpperCase()).join(', ')),
    s('limitsSides', limits.minSide, limits.maxSide),
    s('limitsBytes', Math.round(limits.maxBytes / (1024 * 1024))),
    ...(limits.alphaAllowed ? [] : [s('limitsNoAlpha')]),
  ].join(' · ');
}

/** Files dragged from the Explorer (hold Shift to drop into a webview) and images pasted from the clipboard become inputs. */
export function acceptDroppedImages(): void {
  window.addEventListener('dragover', (event) => {
    if (event.dataTransfer?.types.some((t) => t === 'text/uri-list' || t === 'application/vnd.code.uri-list')) event.preventDefault();
  });
  window.addEventListener('drop', (event) => {
    const data = event.dataTransfer;
    if (!data) return;
    const text = data.getData('application/vnd.code.uri-list') || data.getData('text/uri-list');
    const uris = text.split(/\r?\n/).map((u) => u.trim()).filter((u) => u && !u.startsWith('#'));
    if (!uris.length) return;
    event.preventDefault();
    post({ type: 'dropUris', mode: inputMode(), uris: uris.slice(0, 50) });
  });
  // The host saves a pasted image in the workspace.
  window.addEventListener('paste', (event) => {
    const file = [...(event.clipboardData?.files ?? [])].find((f) => ['image/png', 'image/jpeg', 'image/webp', 'image/bmp'].includes(f.type));
    if (!file) return;
    event.preventDefault();
    if (file.size > 10 * 1024 * 1024) {
      showNotice(s('errPasteTooLarge'), 'warning');
      return;
    }
    void file.arrayBuffer().then((buffer) => {
      const bytes = new Uint8Array(buffer);
      let binary = '';
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
      post({ type: 'pasteImage', mode: inputMode(), mime: file.type as 'image/png', data: btoa(binary) });
    });
  });
}
