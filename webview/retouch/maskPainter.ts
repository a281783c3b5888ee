// The mask painter of Retouch's Inpaint: a canvas over the picked image at DISPLAY resolution
// (fast; the full-resolution mask is drawn on the host from the same strokes,
// src/pipeline/mask.ts). Brush and eraser, brush size, undo/redo, clear, invert, show/hide the
// overlay; the mouse or pen (pointer events) and the keyboard: B / E pick brush or eraser, [ and ]
// change the size, Ctrl+Z / Ctrl+Shift+Z (or Ctrl+Y) undo and redo, the arrow keys move a cursor
// (Shift: further) and Space puts the brush down or lifts it, so a stroke can be drawn without a
// mouse. Strokes live in the view state (webview/view().ts), so they survive tab switches.
import type { MaskStrokeData } from '../../src/protocol/retouch';
import { el } from '../dom';
import { button, checkbox, dispatch, s, view } from './bridge';
import { BRUSH_MAX, BRUSH_MIN, POINT_STEP, addStroke, clamp, redoStroke, roundUnit, undoStroke, type MaskForm } from './model';

const TINT = 'rgba(255, 64, 64, 0.5)';

/** The painter for `image` (its `src` and natural size); `onChange` runs after each change to the mask. */
export function maskPainter(image: { src: string; key: string; width: number; height: number }, onChange: () => void): HTMLElement {
  if (view().retouch.mask.image !== image.key) setMask({ ...view().retouch.mask, strokes: [], redo: [], image: image.key, empty: !view().retouch.mask.invert });
  const picture = el('img', { src: image.src, alt: '', className: 'mask-image' });
  picture.draggable = false;
  const canvas = el('canvas', { className: 'mask-canvas', id: 'mask-canvas', tabIndex: 0 });
  canvas.setAttribute('role', 'application');
  canvas.setAttribute('aria-label', s('maskCanvas'));
  // The strokes as an alpha mask (opaque where painted); the visible canvas tints it.
  const ink = document.createElement('canvas');
  const stage = el('div', { className: 'mask-stage' }, picture, canvas);
  stage.style.aspectRatio = `${image.width} / ${image.height}`;
  // As wide as fits, but never taller than 70 % of the view (the aspect ratio holds either way).
  stage.style.width = `min(100%, calc(70vh * ${(image.width / image.height).toFixed(4)}))`;
  const status = el('span', { className: 'mask-status', id: 'mask-status' });
  status.setAttribute('aria-live', 'polite');

  let live: { points: [number, number][]; size: number; erase: boolean } | undefined;
  let cursor: [number, number] = [0.5, 0.5];
  let showCursor = false;

  const mask = () => view().retouch.mask;
  const width = () => ink.width;

  /** Draws one segment of a stroke onto the ink canvas. */
  const inkSegment = (stroke: { size: number; erase: boolean }, a: readonly [number, number], b: readonly [number, number]) => {
    const g = ink.getContext('2d')!;
    g.globalCompositeOperation = stroke.erase ? 'destination-out' : 'source-over';
    g.strokeStyle = g.fillStyle = '#fff';
    g.lineCap = g.lineJoin = 'round';
    g.lineWidth = Math.max(1, stroke.size * width());
    g.beginPath();
    g.moveTo(a[0] * ink.width, a[1] * ink.height);
    g.lineTo(b[0] * ink.width + (a === b ? 0.01 : 0), b[1] * ink.height);
    g.stroke();
  };
  const inkStroke = (stroke: MaskStrokeData | NonNullable<typeof live>) => {
    const pts = stroke.points;
    if (pts.length === 1) inkSegment(stroke, pts[0]!, pts[0]!);
    for (let i = 1; i < pts.length; i++) inkSegment(stroke, pts[i - 1]!, pts[i]!);
  };
  /** The visible canvas: the tinted ink (inverted: the tint everywhere but the ink) and the keyboard cursor. */
  const compose = () => {
    const g = canvas.getContext('2d')!;
    g.globalCompositeOperation = 'source-over';
    g.clearRect(0, 0, canvas.width, canvas.height);
    if (mask().show) {
      if (mask().invert) {
        g.fillStyle = TINT;
        g.fillRect(0, 0, canvas.width, canvas.height);
        g.globalCompositeOperation = 'destination-out';
        g.drawImage(ink, 0, 0);
      } else {
        g.drawImage(ink, 0, 0);
        g.globalCompositeOperation = 'source-in';
        g.fillStyle = TINT;
        g.fillRect(0, 0, canvas.width, canvas.height);
      }
      g.globalCompositeOperation = 'source-over';
    }
    if (showCursor || live) {
      g.strokeStyle = mask().erase ? '#3af' : '#fff';
      g.lineWidth = 1.5;
      g.beginPath();
      g.arc(cursor[0] * canvas.width, cursor[1] * canvas.height, Math.max(2, (mask().brush * canvas.width) / 2), 0, Math.PI * 2);
      g.stroke();
    }
  };
  /** Draws every stroke again (after a resize, undo, redo, clear). */
  const redraw = () => {
    ink.getContext('2d')!.clearRect(0, 0, ink.width, ink.height);
    for (const stroke of mask().strokes) inkStroke(stroke);
    compose();
  };
  /** Whether the ink leaves anything to edit: painted pixels, or (inverted) unpainted ones. */
  const inkEmpty = (): boolean => {
    if (!ink.width || !ink.height) return true;
    const data = ink.getContext('2d', { willReadFrequently: true })!.getImageData(0, 0, ink.width, ink.height).data;
    const invert = mask().invert;
    for (let i = 3; i < data.length; i += 4) if (invert ? data[i] === 0 : data[i]! > 0) return false;
    return true;
  };
  const changed = (patch: Partial<MaskForm>, repaint = true) => {
    setMask({ ...mask(), ...patch });
    if (repaint) redraw();
    setMask({ ...mask(), empty: inkEmpty() });
    updateTools();
    onChange();
  };

  const resize = () => {
    const rect = canvas.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(rect.width * dpr));
    const h = Math.max(1, Math.round(rect.height * dpr));
    if (w === canvas.width && h === canvas.height) return;
    canvas.width = ink.width = w;
    canvas.height = ink.height = h;
    redraw();
    const empty = inkEmpty();
    if (empty !== mask().empty) {
      setMask({ ...mask(), empty });
      onChange();
    }
  };
  new ResizeObserver(resize).observe(canvas);

  const at = (event: PointerEvent): [number, number] => {
    const rect = canvas.getBoundingClientRect();
    return [roundUnit((event.clientX - rect.left) / rect.width), roundUnit((event.clientY - rect.top) / rect.height)];
  };
  const begin = (point: [number, number]) => {
    live = { points: [point], size: mask().brush, erase: mask().erase };
    inkSegment(live, point, point);
    compose();
  };
  const extend = (point: [number, number]) => {
    if (!live) return;
    const last = live.points.at(-1)!;
    if (Math.hypot(point[0] - last[0], point[1] - last[1]) < POINT_STEP) return;
    live.points.push(point);
    inkSegment(live, last, point);
    compose();
  };
  const end = () => {
    if (!live) return;
    const stroke: MaskStrokeData = { points: live.points, size: Math.round(live.size * 1e4) / 1e4, erase: live.erase };
    live = undefined;
    changed({ ...addStroke(mask(), stroke) }, false);
    compose();
  };
  canvas.addEventListener('pointerdown', (event) => {
    if (event.button !== 0) return;
    canvas.setPointerCapture(event.pointerId);
    // Focus for the keys, without scrolling the page under the pointer mid-stroke.
    canvas.focus({ preventScroll: true });
    cursor = at(event);
    begin(cursor);
  });
  canvas.addEventListener('pointermove', (event) => {
    cursor = at(event);
    if (live) extend(cursor);
    else if (showCursor) compose();
  });
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);

  const brushSize = el('input', { type: 'range', id: 'mask-size', className: 'mask-size', min: String(BRUSH_MIN), max: String(BRUSH_MAX), step: '0.005', value: String(mask().brush) });
  brushSize.setAttribute('aria-label', s('maskSize'));
  const setBrush = (size: number) => {
    setMask({ ...mask(), brush: Math.round(clamp(size, BRUSH_MIN, BRUSH_MAX) * 1000) / 1000 });
    brushSize.value = String(mask().brush);
    updateTools();
    compose();
  };
  brushSize.addEventListener('input', () => setBrush(Number(brushSize.value)));

  const brush = button(s('maskBrush'), () => (setMask({ ...mask(), erase: false }), updateTools()), { id: 'mask-brush', secondary: true });
  const eraser = button(s('maskEraser'), () => (setMask({ ...mask(), erase: true }), updateTools()), { id: 'mask-eraser', secondary: true });
  const undo = button(s('maskUndo'), () => changed(undoStroke(mask())), { id: 'mask-undo', secondary: true });
  const redo = button(s('maskRedo'), () => changed(redoStroke(mask())), { id: 'mask-redo', secondary: true });
  const clear = button(s('maskClear'), () => changed({ strokes: [], redo: [...mask().redo, ...[...mask().strokes].reverse()] }), { id: 'mask-clear', secondary: true });
  const invert = checkbox(s('maskInvert'), mask().invert, (checked) => changed({ invert: checked }, false), { id: 'mask-invert' });
  const show = checkbox(s('maskShow'), mask().show, (checked) => (setMask({ ...mask(), show: checked }), compose()), { id: 'mask-show' });
  const updateTools = () => {
    brush.classList.toggle('active', !mask().erase);
    eraser.classList.toggle('active', mask().erase);
    brush.setAttribute('aria-pressed', String(!mask().erase));
    eraser.setAttribute('aria-pressed', String(mask().erase));
    undo.disabled = !mask().strokes.length;
    redo.disabled = !mask().redo.length;
    clear.disabled = !mask().strokes.length;
    status.textContent = `${Math.round(mask().brush * image.width)} px · ${mask().strokes.length}`;
  };

  canvas.addEventListener('keydown', (event) => {
    const key = event.key;
    const ctrl = event.ctrlKey || event.metaKey;
    const step = event.shiftKey ? 0.05 : 0.01;
    const moves: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
    if (ctrl && (key === 'z' || key === 'Z')) (event.shiftKey ? redo : undo).click();
    else if (ctrl && (key === 'y' || key === 'Y')) redo.click();
    else if (ctrl) return;
    else if (key === 'b' || key === 'B') brush.click();
    else if (key === 'e' || key === 'E') eraser.click();
    else if (key === '[') setBrush(mask().brush - 0.005);
    else if (key === ']') setBrush(mask().brush + 0.005);
    else if (key === ' ') {
      if (live) end();
      else begin(cursor);
    }
    else if (key === 'Escape' && live) end();
    else if (moves[key]) {
      const [dx, dy] = moves[key]!;
      cursor = [roundUnit(cursor[0] + dx), roundUnit(cursor[1] + dy)];
      showCursor = true;
      if (live) extend(cursor);
      else compose();
    } else return;
    event.preventDefault();
    event.stopPropagation();
  });
  canvas.addEventListener('focus', () => {
    showCursor = true;
    compose();
  });
  canvas.addEventListener('blur', () => {
    end();
    showCursor = false;
    compose();
  });
  updateTools();

  const tools = el('div', { className: 'mask-tools' }, brush, eraser, el('label', { className: 'mask-size-label', htmlFor: 'mask-size', textContent: s('maskSize') }), brushSize, status, undo, redo, clear, invert, show);
  return el('div', { className: 'mask-painter', id: 'mask-painter' }, tools, stage, el('p', { className: 'hint mask-help', textContent: s('maskHelp') }));
}

function setMask(mask: MaskForm): void {
  dispatch({ type: 'retouch', patch: { mask } });
}
