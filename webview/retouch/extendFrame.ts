// Retouch's Extend: the new canvas drawn around the picked image. A ratio preset places the image
// centred in a frame of that ratio; dragging any of the four edges (mouse or pen), or focusing an
// edge and pressing the arrow keys, draws the frame by hand. The frame stays within the model's
// range (expand: each side scale 1.0–2.0; image-out-painting: each pair of offsets below 3× the
// side); beyond it the edge stops and a note says so. What is sent follows from the frame
// (webview/retouch/model.ts retouchRunOf).
import type { RetouchVariantData } from '../../src/protocol/retouch';
import { el, field } from '../dom';
import { dispatch, dropdown, s, view } from './bridge';
import { clampFrame, frameForRatio, frameLimit, frameOfOffsets, framedSize, offsetsOf, optionsKey, sideScalesOf, type Frame } from './model';

const SIDES = ['left', 'right', 'top', 'bottom'] as const;
type Side = (typeof SIDES)[number];

/** The frame editor for `image` with `variant`'s limits and ratios; `onChange` runs after each change. */
export function extendFrame(image: { src: string; width: number; height: number }, variant: RetouchVariantData, ratios: readonly string[], onChange: () => void): HTMLElement {
  const limit = frameLimit(variant);
  const takesRatio = variant.options.some((o) => o.name === 'outputRatio');
  drawPending(image, variant, limit, takesRatio);
  const note = el('p', { className: 'extend-note', id: 'extend-note' });
  note.setAttribute('aria-live', 'polite');
  const facts = el('p', { className: 'extend-result', id: 'extend-result' });
  // The stage fits the largest frame the model allows, so the image does not jump while dragging.
  const stage = el('div', { className: 'extend-stage', id: 'extend-stage' });
  stage.style.aspectRatio = `${image.width * (1 + 2 * limit)} / ${image.height * (1 + 2 * limit)}`;
  stage.style.width = `min(100%, calc(60vh * ${(image.width / image.height).toFixed(4)}))`;
  const frameBox = el('div', { className: 'extend-frame', id: 'extend-frame' });
  const picture = el('img', { src: image.src, alt: '', className: 'extend-image' });
  picture.draggable = false;
  frameBox.append(picture);
  const handles = Object.fromEntries(
    SIDES.map((side) => {
      const handle = el('div', { className: `extend-handle extend-${side}`, tabIndex: 0 });
      handle.dataset.side = side;
      handle.setAttribute('role', 'slider');
      handle.setAttribute('aria-label', `${s('extendCanvas')} · ${side}`);
      frameBox.append(handle);
      return [side, handle];
    }),
  ) as unknown as Record<Side, HTMLElement>;
  stage.append(frameBox);

  const frame = () => view().retouch.frame;
  const set = (next: Frame, ratio: string) => {
    const { frame: kept, clamped } = clampFrame(next, limit);
    dispatch({ type: 'retouch', patch: { frame: kept, ratio } });
    draw(clamped);
    onChange();
  };
  /** Places the frame and the image in the stage (percentages of the stage) and says what will be sent. */
  const draw = (clamped = false) => {
    const f = frame();
    const total = 1 + 2 * limit;
    frameBox.style.left = `${((limit - f.left) / total) * 100}%`;
    frameBox.style.top = `${((limit - f.top) / total) * 100}%`;
    frameBox.style.width = `${((1 + f.left + f.right) / total) * 100}%`;
    frameBox.style.height = `${((1 + f.top + f.bottom) / total) * 100}%`;
    picture.style.left = `${(f.left / (1 + f.left + f.right)) * 100}%`;
    picture.style.top = `${(f.top / (1 + f.top + f.bottom)) * 100}%`;
    picture.style.width = `${(1 / (1 + f.left + f.right)) * 100}%`;
    picture.style.height = `${(1 / (1 + f.top + f.bottom)) * 100}%`;
    for (const side of SIDES) handles[side].setAttribute('aria-valuetext', `${Math.round(f[side] * 100)}%`);
    const size = framedSize(f, image.width, image.height);
    const wire = variant.options.some((o) => o.name === 'leftScale')
      ? Object.entries(sideScalesOf(f)).map(([k, v]) => `${k} ${v}`).join(', ')
      : view().retouch.ratio && takesRatio
        ? `${s('optOutputRatio')} ${view().retouch.ratio}`
        : Object.entries(offsetsOf(f, image.width, image.height)).map(([k, v]) => `${k} ${v}`).join(', ');
    facts.textContent = s('extendResult', image.width, image.height, size.width, size.height, wire);
    note.textContent = clamped ? s('extendClamped', Math.round(limit * 100)) : '';
    note.hidden = !clamped;
  };

  for (const side of SIDES) {
    const handle = handles[side];
    let start: { x: number; y: number; frame: Frame } | undefined;
    handle.addEventListener('pointerdown', (event) => {
      event.preventDefault();
      handle.setPointerCapture(event.pointerId);
      start = { x: event.clientX, y: event.clientY, frame: { ...frame() } };
    });
    handle.addEventListener('pointermove', (event) => {
      if (!start) return;
      const rect = stage.getBoundingClientRect();
      const total = 1 + 2 * limit;
      // Pixels of the stage to fractions of the image's own side.
      const dx = ((event.clientX - start.x) / rect.width) * total;
      const dy = ((event.clientY - start.y) / rect.height) * total;
      const delta = side === 'left' ? -dx : side === 'right' ? dx : side === 'top' ? -dy : dy;
      set({ ...start.frame, [side]: start.frame[side] + delta }, '');
      if (ratio) ratio.value = '';
    });
    const stop = () => (start = undefined);
    handle.addEventListener('pointerup', stop);
    handle.addEventListener('pointercancel', stop);
    handle.addEventListener('keydown', (event) => {
      const grow = { left: ['ArrowLeft', 'ArrowRight'], right: ['ArrowRight', 'ArrowLeft'], top: ['ArrowUp', 'ArrowDown'], bottom: ['ArrowDown', 'ArrowUp'] }[side];
      const by = event.key === grow[0] ? 1 : event.key === grow[1] ? -1 : 0;
      if (!by) return;
      event.preventDefault();
      set({ ...frame(), [side]: frame()[side] + by * (event.shiftKey ? 0.1 : 0.02) }, '');
      if (ratio) ratio.value = '';
    });
  }

  const ratio = ratios.length
    ? dropdown([{ value: '', label: s('extendFree') }, ...ratios.map((r) => ({ value: r, label: r }))], {
        id: 'extend-ratio',
        value: view().retouch.ratio,
        onChange: (value) => set(value ? frameForRatio(value, image.width, image.height) : frame(), value),
      })
    : undefined;
  draw(clampFrame(frame(), limit).clamped);
  return el('div', { className: 'extend', id: 'extend' }, ratio ? el('div', { className: 'controls' }, field(s('optOutputRatio'), ratio)) : false, el('p', { className: 'hint', textContent: s('extendHelp') }), stage, facts, note);
}

/**
 * A frame that waited for the image's size (a picked preset, model.ts retouchFormOf): a ratio's,
 * where the variant takes one (elsewhere a ratio left from before must not undo a drag), or pixel
 * offsets kept among the variant's options, which give way to the frame they draw.
 */
function drawPending(image: { width: number; height: number }, variant: RetouchVariantData, limit: number, takesRatio: boolean): void {
  const form = view().retouch;
  const key = optionsKey('extend', variant);
  const { leftOffset, rightOffset, topOffset, bottomOffset, ...rest } = form.options[key] ?? {};
  const offsets = frameOfOffsets({ leftOffset, rightOffset, topOffset, bottomOffset }, image.width, image.height);
  const drawn = form.ratio && takesRatio ? frameForRatio(form.ratio, image.width, image.height) : offsets;
  if (drawn) dispatch({ type: 'retouch', patch: { frame: clampFrame(drawn, limit).frame, ...(offsets ? { options: { ...form.options, [key]: rest } } : {}) } });
}
