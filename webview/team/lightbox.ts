// The large view of one result in the overlay; for edits, translations and retouches, the inputs
// beside it. In the team chunk: the first paint does not need it (webview/results.ts asks for it
// through webview/team.ts).
import type { StudioImage } from '../../src/protocol/messages';
import { el } from '../dom';
import { app } from './bridge';

/** Shows `image` large, with `before` (the run's inputs) beside it when given; a click on it or Escape closes it. */
export function showLarge(image: StudioImage, before?: readonly StudioImage[]): void {
  const { s, overlay } = app();
  const big = el('img', { src: image.src, alt: image.displayPath, className: 'large' });
  const after = el('figure', { className: 'large-after' }, big, el('figcaption', { textContent: before?.length ? `${s('after')} · ${image.displayPath}` : image.displayPath }));
  const content = before?.length
    ? el(
        'div',
        { className: 'compare' },
        el('figure', { className: 'large-before' }, ...before.map((input) => el('img', { src: input.src, alt: input.displayPath, title: input.displayPath })), el('figcaption', { textContent: s('before') })),
        after,
      )
    : after;
  const dialog = el('div', { className: 'dialog large-view', id: 'large-view' }, content);
  dialog.setAttribute('role', 'dialog');
  dialog.tabIndex = -1;
  overlay.replaceChildren(dialog);
  overlay.hidden = false;
  dialog.focus();
  const close = () => {
    overlay.hidden = true;
    overlay.replaceChildren();
    overlay.onclick = null;
  };
  overlay.onclick = (event) => {
    if (event.target === overlay || event.target === big) close();
  };
  overlay.onkeydown = (event) => event.key === 'Escape' && close();
}
