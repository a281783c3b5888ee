// The picker over the workspace's images, in the overlay: a filter and a grid of tiles; a click
// adds an image to the mode's inputs or takes it out. The host sends the list (`images`) on request.
import type { ModelOption, PickerImage, StudioMode } from '../src/protocol/messages';
import { button, spinner, textField } from './components';
import { el } from './dom';
import { post } from './host';
import { overlay } from './layout';
import { dispatch, s, state } from './session';
import { baseName } from './state';

let pickerImages: PickerImage[] | undefined;
let refreshPicker: () => void = () => undefined;

/** The workspace's images from the host: the open picker shows them. */
export function showPickerImages(images: PickerImage[]): void {
  pickerImages = images;
  refreshPicker();
}

/** Opens the picker for the inputs of `mode`; `onClose` runs when it closes (Done or Escape). */
export function openPicker(mode: StudioMode, model: ModelOption, onClose: () => void): void {
  const filter = textField({ id: 'picker-filter', placeholder: s('pickerFilter'), label: s('pickerFilter'), onInput: () => renderGrid() });
  const grid = el('div', { className: 'picker-grid', id: 'picker-grid' });
  const done = button(s('pickerDone'), () => close(), { id: 'picker-done' });
  const dialog = el('div', { className: 'dialog' });
  dialog.setAttribute('role', 'dialog');
  dialog.setAttribute('aria-label', s('pickerTitle'));
  dialog.append(el('div', { className: 'dialog-head' }, el('h2', { textContent: s('pickerTitle') }), filter, done), grid);
  overlay.replaceChildren(dialog);
  overlay.hidden = false;
  const close = () => {
    overlay.hidden = true;
    overlay.replaceChildren();
    onClose();
  };
  overlay.onkeydown = (event) => {
    if (event.key === 'Escape') close();
  };
  const renderGrid = () => {
    if (!pickerImages) {
      grid.replaceChildren(spinner());
      return;
    }
    const query = filter.value.trim().toLowerCase();
    const shown = pickerImages.filter((i) => !query || i.displayPath.toLowerCase().includes(query));
    grid.replaceChildren(...(shown.length ? shown.map((image) => tile(mode, model, image, renderGrid)) : [el('p', { className: 'empty', textContent: s('pickerEmpty') })]));
  };
  refreshPicker = renderGrid;
  renderGrid();
  post({ type: 'listImages' });
  queueMicrotask(() => filter.focus());
}

/** One image of the grid, with its place among the inputs when it is one. */
function tile(mode: StudioMode, model: ModelOption, image: PickerImage, renderGrid: () => void): HTMLButtonElement {
  const chosen = state.inputs[mode] ?? [];
  const at = chosen.findIndex((c) => c.location.folderIndex === image.location.folderIndex && c.location.path === image.location.path);
  const node = el('button', { type: 'button', className: `tile${at >= 0 ? ' chosen' : ''}`, title: image.displayPath });
  node.dataset.path = image.location.path;
  node.append(el('img', { src: image.src, alt: '', loading: 'lazy' }), el('span', { className: 'tile-name', textContent: baseName(image.location.path) }));
  if (at >= 0) node.append(el('span', { className: 'order', textContent: String(at + 1) }));
  node.addEventListener('click', () => {
    if (at >= 0) dispatch({ type: 'removeInput', mode, index: at });
    else dispatch({ type: 'addInputs', mode, images: [image], max: model.inputs?.max ?? 1 });
    renderGrid();
  });
  return node;
}
