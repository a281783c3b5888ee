// The DOM of the controls for the options only some models have: the wan2.7 image-set, thinking and palette controls, the
// qwen-image-3.0 prompt-extension mode and thinking, and the box editor over an input image.
// The form (form.ts, modes/) calls these with a small context; the rules behind them are in extraOptions.ts, palette.ts
// and boxes.ts (pure, unit-tested).
import type { ModelOption, PickerImage, StringKey, StudioMode } from '../src/protocol/messages';
import { button, checkbox, dropdown, textField } from './components';
import { el, miniButton } from './dom';
import { addBox, boxPercentRect, fitInto, inputKey, removeBox, toNaturalBox, type Box, type Extent, type Point } from './boxes';
import { extensionControlsOn, imageSetOn, paletteOf } from './extraOptions';
import { addColour, checkPalette, distributeEvenly, formatHundredths, paletteSumHundredths, removeColour, type PaletteEntry } from './palette';
import type { Choices } from './state';

/** What the controls need from the form. */
export interface ExtraControlsContext {
  mode: StudioMode;
  model: ModelOption;
  /** The model's current choices (read again after every change). */
  choices: () => Choices;
  /** Stores a choice and refreshes the problems list. */
  setChoice: (patch: Choices) => void;
  /** Renders the whole form again (for changes that add or remove controls). */
  rerender: () => void;
  s: (key: StringKey, ...args: (string | number)[]) => string;
}

/** The toggles and the palette editor the model offers in this mode (none for most models). */
export function renderExtraControls(ctx: ExtraControlsContext): HTMLElement[] {
  const { model, s } = ctx;
  const choices = ctx.choices();
  const set = imageSetOn(model, choices);
  const toggles = el('div', { className: 'toggles extra-toggles' });
  if (model.imageSet) {
    const box = checkbox(s('imageSet'), set, (checked) => (ctx.setChoice({ imageSet: checked }), ctx.rerender()), { id: 'image-set', title: s('imageSetHint', model.imageSet.n.max) });
    toggles.append(box);
  }
  if (model.thinkingMode !== undefined && !set) {
    toggles.append(checkbox(s('thinkingMode'), choices.thinkingMode ?? model.thinkingMode, (checked) => ctx.setChoice({ thinkingMode: checked }), { id: 'thinking-mode' }));
  }
  if (model.promptExtendModes || model.enableThinking !== undefined) {
    const on = extensionControlsOn(model, choices);
    if (model.promptExtendModes) {
      const label: Record<'direct' | 'agent', StringKey> = { direct: 'promptExtendDirect', agent: 'promptExtendAgent' };
      const modes = dropdown(model.promptExtendModes.map((m) => ({ value: m, label: s(label[m]) })), {
        id: 'prompt-extend-mode',
        label: s('promptExtendMode'),
        value: choices.promptExtendMode ?? 'direct',
        onChange: (value) => ctx.setChoice({ promptExtendMode: value === 'agent' ? 'agent' : 'direct' }),
      });
      modes.disabled = !on;
      const wrapper = el('div', { className: 'field inline-field' }, el('label', { htmlFor: 'prompt-extend-mode', textContent: s('promptExtendMode') }), modes);
      toggles.append(wrapper);
    }
    if (model.enableThinking !== undefined) {
      const thinking = checkbox(s('enableThinking'), choices.enableThinking ?? model.enableThinking, (checked) => ctx.setChoice({ enableThinking: checked }), { id: 'enable-thinking' });
      thinking.disabled = !on;
      toggles.append(thinking);
    }
  }
  const parts: HTMLElement[] = [];
  if (toggles.childElementCount) parts.push(toggles);
  if (model.colorPalette) parts.push(renderPalette(ctx));
  return parts;
}

/** The palette editor: a switch, then one row per colour (colour input, share in %, remove), the total, add and distribute. */
function renderPalette(ctx: ExtraControlsContext): HTMLElement {
  const { model, s } = ctx;
  const bounds = model.colorPalette!;
  const box = el('div', { className: 'palette-box', id: 'palette' });
  const render = () => {
    const choices = ctx.choices();
    const on = Boolean(choices.paletteOn);
    const toggle = checkbox(s('palette'), on, (checked) => {
      ctx.setChoice({ paletteOn: checked, ...(checked && !ctx.choices().palette ? { palette: paletteOf(model, ctx.choices()) } : {}) });
      render();
    }, { id: 'palette-on' });
    if (!on) {
      box.replaceChildren(toggle);
      return;
    }
    const entries = paletteOf(model, choices);
    const store = (next: PaletteEntry[], redraw: boolean) => {
      ctx.setChoice({ palette: next });
      if (redraw) render();
      else updateTotal(next);
    };
    const rows = el('ol', { className: 'palette-rows', id: 'palette-rows' });
    entries.forEach((entry, index) => {
      const colour = el('input', { type: 'color', value: /^#[0-9a-f]{6}$/i.test(entry.hex) ? entry.hex.toLowerCase() : '#000000', className: 'palette-colour' });
      colour.setAttribute('aria-label', s('paletteColour', index + 1));
      colour.addEventListener('input', () => {
        const next = paletteOf(model, ctx.choices()).map((e, i) => (i === index ? { ...e, hex: colour.value.toUpperCase() } : e));
        hex.textContent = colour.value.toUpperCase();
        store(next, false);
      });
      const hex = el('span', { className: 'palette-hex', textContent: entry.hex.toUpperCase() });
      const ratio = textField({ className: 'palette-ratio', value: entry.ratio, label: s('paletteRatio', index + 1), onInput: (value) => {
        const next = paletteOf(model, ctx.choices()).map((e, i) => (i === index ? { ...e, ratio: value } : e));
        store(next, false);
      } });
      const remove = miniButton(s('remove'), '✕', () => store(removeColour(paletteOf(model, ctx.choices()), index), true), entries.length <= bounds.min);
      rows.append(el('li', { className: 'palette-row' }, colour, hex, ratio, el('span', { className: 'unit', textContent: '%' }), remove));
    });
    const total = el('span', { className: 'palette-total', id: 'palette-total' });
    total.setAttribute('aria-live', 'polite');
    const updateTotal = (current: readonly PaletteEntry[]) => {
      const sum = paletteSumHundredths(current);
      total.textContent = s('paletteSum', formatHundredths(sum));
      total.classList.toggle('invalid', checkPalette(current, bounds).length > 0);
    };
    updateTotal(entries);
    const add = button(s('paletteAdd'), () => store(addColour(paletteOf(model, ctx.choices()), bounds.max), true), { id: 'palette-add', secondary: true });
    add.disabled = entries.length >= bounds.max;
    const even = button(s('paletteEven'), () => store(distributeEvenly(paletteOf(model, ctx.choices())), true), { id: 'palette-even', secondary: true });
    box.replaceChildren(toggle, rows, el('div', { className: 'palette-actions' }, total, add, even));
  };
  render();
  return box;
}

/** The Boxes… button and the count badge of one input thumbnail (Edit mode, models that take boxes). */
export function boxTools(ctx: ExtraControlsContext, input: PickerImage, overlay: HTMLElement): HTMLElement[] {
  const { s } = ctx;
  const count = ctx.choices().boxes?.[inputKey(input.location)]?.length ?? 0;
  const open = el('button', { type: 'button', className: 'mini boxes-open', title: s('boxesTitle', input.displayPath), textContent: s('boxes') });
  open.addEventListener('click', () => openBoxEditor(ctx, input, overlay));
  const badge = el('span', { className: 'boxes-badge', textContent: count ? (count === 1 ? s('boxesOne') : s('boxesMany', count)) : '' });
  badge.hidden = count === 0;
  return [open, badge];
}

/** Opens the box editor for one input image in the overlay: drag to draw, list with remove, Done. */
export function openBoxEditor(ctx: ExtraControlsContext, input: PickerImage, overlay: HTMLElement): void {
  const { s, model } = ctx;
  const max = model.bboxes?.maxPerImage ?? 2;
  const key = inputKey(input.location);
  const done = button(s('boxesDone'), () => close(), { id: 'boxes-done' });
  const dialog = el('div', { className: 'dialog box-dialog' });
  dialog.setAttribute('role', 'dialog');
  dialog.setAttribute('aria-label', s('boxesTitle', input.displayPath));
  const hint = el('p', { className: 'hint box-hint', id: 'box-hint' });
  const image = el('img', { src: input.src, alt: input.displayPath, className: 'box-image', draggable: false });
  const layer = el('div', { className: 'box-layer', id: 'box-layer' });
  const stage = el('div', { className: 'box-stage', id: 'box-stage' }, image, layer);
  const list = el('ol', { className: 'box-list', id: 'box-list' });
  const empty = el('p', { className: 'empty', textContent: s('boxesEmpty') });
  dialog.append(el('div', { className: 'dialog-head' }, el('h2', { textContent: s('boxesTitle', input.displayPath) }), done), hint, stage, list, empty);
  overlay.replaceChildren(dialog);
  overlay.hidden = false;

  const boxes = (): Box[] => ctx.choices().boxes?.[key] ?? [];
  const natural = (): Extent => ({ width: image.naturalWidth, height: image.naturalHeight });
  const draw = () => {
    const current = boxes();
    layer.replaceChildren(
      ...current.map((box, i) => {
        const r = boxPercentRect(box, natural());
        const mark = el('div', { className: 'box-mark', textContent: String(i + 1) });
        Object.assign(mark.style, { left: `${r.left}%`, top: `${r.top}%`, width: `${r.width}%`, height: `${r.height}%` });
        return mark;
      }),
    );
    layer.classList.toggle('full', current.length >= max);
    list.replaceChildren(
      ...current.map((box, i) => {
        const remove = miniButton(s('remove'), '✕', () => {
          ctx.setChoice({ boxes: removeBox(ctx.choices().boxes, key, i) });
          draw();
        });
        return el('li', { className: 'box-item' }, el('span', { textContent: s('boxItem', i + 1, ...box) }), remove);
      }),
    );
    empty.hidden = current.length > 0;
  };
  const layout = () => {
    // As large as the dialog allows (also upscaled): the drag maps from this size to the image's own pixels.
    const room = { width: Math.max(100, dialog.clientWidth - 32), height: Math.max(120, Math.round(window.innerHeight * 0.6)) };
    const size = fitInto(natural(), room);
    image.style.width = `${size.width}px`;
    image.style.height = `${size.height}px`;
    hint.textContent = s('boxesHint', max, image.naturalWidth, image.naturalHeight);
    draw();
  };
  if (image.complete && image.naturalWidth) layout();
  else image.addEventListener('load', layout, { once: true });

  drawBoxesOn(layer, () => boxes().length < max && image.naturalWidth > 0, natural, (box) => {
    if (box) ctx.setChoice({ boxes: addBox(ctx.choices().boxes, key, box, max) });
    draw();
  });

  const close = () => {
    overlay.hidden = true;
    overlay.replaceChildren();
    overlay.onkeydown = null;
    ctx.rerender();
  };
  overlay.onkeydown = (event) => {
    if (event.key === 'Escape') close();
  };
  queueMicrotask(() => done.focus());
}

/**
 * Drawing on the editor's layer: pointer down, drag, up. The draft is shown in displayed pixels;
 * `done` gets the box in the image's own (`natural`) pixels, or undefined for a drag too small.
 */
function drawBoxesOn(layer: HTMLElement, canStart: () => boolean, natural: () => Extent, done: (box: Box | undefined) => void): void {
  let start: Point | undefined;
  let draft: HTMLElement | undefined;
  const at = (event: PointerEvent): Point => {
    const rect = layer.getBoundingClientRect();
    return { x: event.clientX - rect.left, y: event.clientY - rect.top };
  };
  layer.addEventListener('pointerdown', (event) => {
    if (event.button !== 0 || !canStart()) return;
    event.preventDefault();
    layer.setPointerCapture(event.pointerId);
    start = at(event);
    draft = el('div', { className: 'box-mark draft' });
    layer.append(draft);
  });
  layer.addEventListener('pointermove', (event) => {
    if (!start || !draft) return;
    const p = at(event);
    Object.assign(draft.style, { left: `${Math.min(start.x, p.x)}px`, top: `${Math.min(start.y, p.y)}px`, width: `${Math.abs(p.x - start.x)}px`, height: `${Math.abs(p.y - start.y)}px` });
  });
  const finish = (event: PointerEvent) => {
    if (!start) return;
    const rect = layer.getBoundingClientRect();
    const box = toNaturalBox(start, at(event), { width: rect.width, height: rect.height }, natural());
    start = undefined;
    draft?.remove();
    draft = undefined;
    done(box);
  };
  layer.addEventListener('pointerup', finish);
  layer.addEventListener('pointercancel', () => {
    start = undefined;
    draft?.remove();
    draft = undefined;
  });
}

/** Draws a run's boxes over its input thumbnails (a card's "before" row): the thumbnails keep their ratio, so percent boxes fit. */
export function markBoxes(row: HTMLElement, bboxList: readonly (readonly number[])[][] | undefined): HTMLElement {
  if (!bboxList?.some((list) => list.length)) return row;
  [...row.querySelectorAll('img')].forEach((img, i) => {
    const boxes = bboxList[i] ?? [];
    if (!boxes.length) return;
    const frame = el('span', { className: 'boxed' });
    img.replaceWith(frame);
    frame.append(img);
    const draw = () => {
      for (const box of boxes) {
        const r = boxPercentRect([box[0]!, box[1]!, box[2]!, box[3]!], { width: img.naturalWidth, height: img.naturalHeight });
        const mark = el('span', { className: 'box-mark thin' });
        Object.assign(mark.style, { left: `${r.left}%`, top: `${r.top}%`, width: `${r.width}%`, height: `${r.height}%` });
        frame.append(mark);
      }
    };
    if (img.complete && img.naturalWidth) draw();
    else img.addEventListener('load', draw, { once: true });
  });
  return row;
}
