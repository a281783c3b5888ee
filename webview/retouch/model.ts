// The Retouch mode's form state and the pure rules behind its controls: which operation and
// variant is chosen, each variant's option values, the painted mask (strokes, undo/redo, invert),
// the drawn extension frame and what it becomes on the wire (side scales for `expand`, pixel
// offsets or a ratio for image-out-painting, clamped to the catalog's ranges), the upscaled size,
// and the run fields. No DOM: plain Node unit tests drive it (test/unit/studio-retouch.test.ts).
import type { MaskStrokeData, RetouchOperation, RetouchOperationData, RetouchOptionData, RetouchRun, RetouchVariantData } from '../../src/protocol/retouch';

/** The largest side the processing models take and return (image-processing.md §1, §7). */
export const MAX_SIDE = 4096;

/** Per side, what the frame adds to the image: fractions of the image's width (left, right) and height (top, bottom). */
export interface Frame {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** The painted mask as the form keeps it. */
export interface MaskForm {
  strokes: MaskStrokeData[];
  /** Strokes undone, newest last (a new stroke clears them). */
  redo: MaskStrokeData[];
  invert: boolean;
  /** Brush diameter as a fraction of the image's width. */
  brush: number;
  erase: boolean;
  /** Whether the overlay shows over the image. */
  show: boolean;
  /** The image the strokes were painted on (`folder:path`); another image starts a new mask. */
  image?: string;
  /** The display canvas found no pixel to edit (set by the painter after each change). */
  empty: boolean;
}

/** Everything the Retouch form remembers (persisted with the rest of the view state). */
export interface RetouchForm {
  operation: RetouchOperation;
  /** The chosen variant key per operation. */
  variants: Partial<Record<RetouchOperation, string>>;
  /** Option values per `operation:variant`. */
  options: Record<string, Record<string, number | boolean | string>>;
  mask: MaskForm;
  frame: Frame;
  /** Extend: a ratio preset, or `''` for a frame drawn by hand. */
  ratio: string;
}

export const BRUSH_MIN = 0.005;
export const BRUSH_MAX = 0.25;

export function initialRetouch(): RetouchForm {
  return {
    operation: 'upscale',
    variants: {},
    options: {},
    mask: { strokes: [], redo: [], invert: false, brush: 0.04, erase: false, show: true, empty: true },
    frame: { left: 0, right: 0, top: 0, bottom: 0 },
    ratio: '',
  };
}

/** The operation's chosen variant (its first when none was chosen or the chosen one is gone). */
export function variantOf(op: RetouchOperationData, form: RetouchForm): RetouchVariantData {
  return op.variants.find((v) => v.key === form.variants[op.id]) ?? op.variants[0]!;
}

/** The catalog model of the chosen operation's variant: Retouch's model (webview/session.ts currentModel). */
export function retouchModelOf(ops: readonly RetouchOperationData[], form: RetouchForm): string | undefined {
  const op = ops.find((o) => o.id === form.operation) ?? ops[0];
  return op ? variantOf(op, form).model : undefined;
}

/** The key the option values of a variant are kept under. */
export function optionsKey(op: RetouchOperation, variant: RetouchVariantData): string {
  return `${op}:${variant.key}`;
}

/** An option's value: the user's, else the catalog default. */
export function optionValue(form: RetouchForm, op: RetouchOperation, variant: RetouchVariantData, option: RetouchOptionData): number | boolean | string {
  const value = form.options[optionsKey(op, variant)]?.[option.name];
  return value === undefined || typeof value !== typeof option.default ? option.default : value;
}

/** A number clamped to `[min, max]`. */
export function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}

/** Adds a finished stroke (dropping the redo list). */
export function addStroke(mask: MaskForm, stroke: MaskStrokeData): MaskForm {
  return { ...mask, strokes: [...mask.strokes, stroke], redo: [] };
}

export function undoStroke(mask: MaskForm): MaskForm {
  const last = mask.strokes.at(-1);
  return last ? { ...mask, strokes: mask.strokes.slice(0, -1), redo: [...mask.redo, last] } : mask;
}

export function redoStroke(mask: MaskForm): MaskForm {
  const next = mask.redo.at(-1);
  return next ? { ...mask, strokes: [...mask.strokes, next], redo: mask.redo.slice(0, -1) } : mask;
}

/** Whether a mask can edit anything without looking at pixels: a painted (not erasing) stroke, or Invert. */
export function maskMayEdit(mask: MaskForm): boolean {
  return mask.invert || mask.strokes.some((s) => !s.erase);
}

/** Points closer than this (a fraction of the image) to the last kept one are dropped while painting. */
export const POINT_STEP = 0.002;

/** Rounds a coordinate to what a 4096-px image can tell apart (keeps the persisted state small). */
export function roundUnit(n: number): number {
  return Math.round(clamp(n, 0, 1) * 1e4) / 1e4;
}

/** The most each side may grow, as a fraction of the image's side, for a variant: `expand` 1.0–2.0 per side; out-painting offsets sum below 3× the side. */
export function frameLimit(variant: RetouchVariantData): number {
  const scale = variant.options.find((o) => o.name === 'leftScale');
  if (scale && scale.kind === 'number') return (scale.max - 1) / 2;
  // image-out-painting: top + bottom < 3 × height (image-processing.md §2), so each side below 1.5.
  return 1.5;
}

/** A frame with every side within `[0, limit]`, and whether anything had to be cut. */
export function clampFrame(frame: Frame, limit: number): { frame: Frame; clamped: boolean } {
  const out = { left: clamp(frame.left, 0, limit), right: clamp(frame.right, 0, limit), top: clamp(frame.top, 0, limit), bottom: clamp(frame.bottom, 0, limit) };
  const clamped = (['left', 'right', 'top', 'bottom'] as const).some((k) => Math.abs(out[k] - frame[k]) > 1e-9);
  return { frame: out, clamped };
}

/** The centred frame of ratio `w:h` around an image of `width`×`height` (the image touches two sides). */
export function frameForRatio(ratio: string, width: number, height: number): Frame {
  const m = /^(\d+):(\d+)$/.exec(ratio);
  if (!m || !width || !height) return { left: 0, right: 0, top: 0, bottom: 0 };
  const r = Number(m[1]) / Number(m[2]);
  if (width / height < r) {
    const add = (height * r - width) / 2 / width;
    return { left: add, right: add, top: 0, bottom: 0 };
  }
  const add = (width / r - height) / 2 / height;
  return { left: 0, right: 0, top: add, bottom: add };
}

/**
 * The `expand` side scales of a frame: the distance from the image's centre to that side,
 * relative to the image's own (so all four at 1.5 make the image 1.5× as large, the documented
 * example, image-processing.md §1). Rounded to two decimals.
 */
export function sideScalesOf(frame: Frame): { leftScale: number; rightScale: number; topScale: number; bottomScale: number } {
  const s = (add: number) => Math.round((1 + 2 * add) * 100) / 100;
  return { leftScale: s(frame.left), rightScale: s(frame.right), topScale: s(frame.top), bottomScale: s(frame.bottom) };
}

/** The frame of `expand` side scales (the inverse of {@link sideScalesOf}). */
export function frameOfSideScales(o: Record<string, unknown>): Frame {
  const add = (v: unknown) => (typeof v === 'number' ? (v - 1) / 2 : 0);
  return { left: add(o.leftScale), right: add(o.rightScale), top: add(o.topScale), bottom: add(o.bottomScale) };
}

/** image-out-painting pixel offsets of a frame for an image of `width`×`height` (each pair stays below 3× the side). */
export function offsetsOf(frame: Frame, width: number, height: number): { leftOffset: number; rightOffset: number; topOffset: number; bottomOffset: number } {
  const px = (add: number, side: number) => Math.min(Math.round(add * side), Math.floor((3 * side - 1) / 2));
  return { leftOffset: px(frame.left, width), rightOffset: px(frame.right, width), topOffset: px(frame.top, height), bottomOffset: px(frame.bottom, height) };
}

/** The size a frame draws around an image (a preview: the service decides the real size, read from the result). */
export function framedSize(frame: Frame, width: number, height: number): { width: number; height: number } {
  return { width: Math.round(width * (1 + frame.left + frame.right)), height: Math.round(height * (1 + frame.top + frame.bottom)) };
}

/** The upscaled size for a factor, and whether a side would exceed {@link MAX_SIDE}. */
export function upscaledSize(factor: number, width: number, height: number): { width: number; height: number; tooLarge: boolean } {
  const w = Math.round(width * factor);
  const h = Math.round(height * factor);
  return { width: w, height: h, tooLarge: w > MAX_SIDE || h > MAX_SIDE };
}

/** What the form knows about the picked image once it loaded. */
export interface ImageFacts {
  width: number;
  height: number;
}

/** Options the extension frame draws instead of a control of their own. */
export const FRAME_OPTION = /^((left|right|top|bottom)(Scale|Offset)|outputRatio|xScale|yScale)$/;

/** The run fields of a retouch job (the image is `inputs[0]`, the prompt and n/seed go as in other modes). */
export function retouchRunOf(op: RetouchOperationData, form: RetouchForm, image: ImageFacts | undefined): RetouchRun {
  const variant = variantOf(op, form);
  const options: Record<string, number | boolean | string> = {};
  for (const option of variant.options) {
    // The frame decides these (drawn or from a ratio), not separate controls.
    if (FRAME_OPTION.test(option.name)) continue;
    options[option.name] = optionValue(form, op.id, variant, option);
  }
  if (op.id === 'extend') {
    const limit = frameLimit(variant);
    const { frame } = clampFrame(form.frame, limit);
    const names = new Set(variant.options.map((o) => o.name));
    if (names.has('leftScale')) Object.assign(options, sideScalesOf(frame));
    else if (form.ratio && names.has('outputRatio')) options.outputRatio = form.ratio;
    else if (names.has('leftOffset') && image) Object.assign(options, offsetsOf(frame, image.width, image.height));
  }
  return {
    operation: op.id,
    ...(variant.function ? { function: variant.function } : {}),
    options,
    ...(variant.mask ? { mask: { strokes: form.mask.strokes, invert: form.mask.invert } } : {}),
  };
}

/**
 * The form's operation, variant, options and frame for a retouch run's fields (a process preset
 * picked in Retouch): the inverse of {@link retouchRunOf}. Side scales draw the frame at once; a
 * ratio's frame and pixel offsets need the image's size, so the frame editor draws them when the
 * image is known (offsets wait among the variant's options, which the run takes from the frame).
 */
export function retouchFormOf(ops: readonly RetouchOperationData[], run: RetouchRun, form: RetouchForm): Partial<RetouchForm> | undefined {
  const op = ops.find((o) => o.id === run.operation);
  const variant = op?.variants.find((v) => v.function === run.function);
  if (!op || !variant) return undefined;
  const options = Object.fromEntries(variant.options.flatMap((o) => (run.options[o.name] === undefined || o.name === 'outputRatio' ? [] : [[o.name, run.options[o.name]!]])));
  const patch: Partial<RetouchForm> = { operation: op.id, variants: { ...form.variants, [op.id]: variant.key }, options: { ...form.options, [optionsKey(op.id, variant)]: options } };
  if (op.id === 'extend') {
    const ratio = run.options.outputRatio;
    patch.ratio = typeof ratio === 'string' ? ratio : '';
    patch.frame = frameOfSideScales(run.options);
  }
  return patch;
}

/** The frame of pixel offsets kept among a variant's options (see {@link retouchFormOf}), for an image of `width`×`height`. */
export function frameOfOffsets(o: Record<string, unknown>, width: number, height: number): Frame | undefined {
  const px = (v: unknown, side: number) => (typeof v === 'number' ? v / side : 0);
  if (!['leftOffset', 'rightOffset', 'topOffset', 'bottomOffset'].some((k) => typeof o[k] === 'number')) return undefined;
  return { left: px(o.leftOffset, width), right: px(o.rightOffset, width), top: px(o.topOffset, height), bottom: px(o.bottomOffset, height) };
}

/** One problem of the Retouch form, as a string key with its arguments. */
export interface RetouchProblem {
  key: 'errMaskEmpty' | 'errAlphaRequired' | 'errRetouchImage' | 'errPromptRequired' | 'extendClamped';
  args: (string | number)[];
  quiet?: boolean;
}

/** What holds a retouch run back (besides the prompt, seed and input checks the form shares with other modes). */
export function retouchProblems(op: RetouchOperationData, form: RetouchForm, image: { path: string; hasAlpha?: boolean } | undefined): RetouchProblem[] {
  const variant = variantOf(op, form);
  const problems: RetouchProblem[] = [];
  if (!image) return [{ key: 'errRetouchImage', args: [], quiet: true }];
  if (variant.mask && (form.mask.empty || !maskMayEdit(form.mask))) problems.push({ key: 'errMaskEmpty', args: [] });
  if (variant.alphaRequired && (!image.path.toLowerCase().endsWith('.png') || image.hasAlpha === false)) problems.push({ key: 'errAlphaRequired', args: [image.path.slice(image.path.lastIndexOf('/') + 1)] });
  return problems;
}
