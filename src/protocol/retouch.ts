/**
 * The studio's Retouch mode as the host and the webview both see it: the everyday operations
 * (upscale, extend, inpaint…), the catalog's options for each as plain data (ranges, defaults,
 * styles: built by protocol/retouchOptions.ts from the catalog, the one source of truth), and
 * the run fields of a retouch job, the painted mask travelling as STROKES (the host draws the
 * full-resolution mask from them: src/pipeline/mask.ts). Bundled into the webview like
 * messages.ts: no `vscode`, no Node built-ins, `zod/mini` only, and it must not import
 * messages.ts (which imports it).
 */
import * as z from 'zod/mini';

/** The operations of the Retouch mode, in the order the picker lists them. */
export const RETOUCH_OPERATIONS = ['upscale', 'extend', 'inpaint', 'removeText', 'colorize', 'restyle', 'editByDescription', 'sketch', 'background'] as const;
export const RetouchOperation = z.enum(RETOUCH_OPERATIONS);
export type RetouchOperation = z.infer<typeof RetouchOperation>;

/** One option control of an operation, with the catalog's range and default. */
export const RetouchOptionData = z.union([
  z.object({ name: z.string(), label: z.string(), kind: z.literal('number'), min: z.number(), max: z.number(), default: z.number(), integer: z.boolean() }),
  z.object({ name: z.string(), label: z.string(), kind: z.literal('boolean'), default: z.boolean() }),
  z.object({ name: z.string(), label: z.string(), kind: z.literal('enum'), values: z.array(z.object({ value: z.string(), label: z.string() })), default: z.string() }),
]);
export type RetouchOptionData = z.infer<typeof RetouchOptionData>;

/**
 * One way to do an operation: a catalog model and (wanx2.1-imageedit) its `function`. Extend has
 * two (image-out-painting to a ratio, `expand` by side scales); Restyle two (whole image, one object).
 */
export const RetouchVariantData = z.object({
  /** Unique within the operation (`ratio`, `sides`, `whole`, `local`, or the function). */
  key: z.string(),
  label: z.string(),
  /** Catalog id of the model; its `ModelOption` (mode `retouch`) gives n, seed, watermark and the input limits. */
  model: z.string(),
  function: z.optional(z.string()),
  /** `required`: the user must write one; `default`: a stock prompt goes when none is given; `none`: no prompt box. */
  prompt: z.enum(['required', 'default', 'optional', 'none']),
  /** A mask painted over the image (white edits). */
  mask: z.boolean(),
  /** The image must be a PNG with transparency (background generation). */
  alphaRequired: z.boolean(),
  options: z.array(RetouchOptionData),
});
export type RetouchVariantData = z.infer<typeof RetouchVariantData>;

/** An operation with its variants (at least one; the first is the default). */
export const RetouchOperationData = z.object({
  id: RetouchOperation,
  label: z.string(),
  variants: z.array(RetouchVariantData).check(z.minLength(1)),
});
export type RetouchOperationData = z.infer<typeof RetouchOperationData>;

/** Most strokes a mask may hold, and points in all of them (a long careful mask is a few thousand). */
export const MAX_MASK_STROKES = 1000;
export const MAX_MASK_POINTS = 50_000;

/** One painted stroke: points as fractions of the image's width and height, the brush diameter as a fraction of its width. */
export const MaskStrokeData = /* @__PURE__ */ (() => {
  const unit = z.number().check(z.minimum(0), z.maximum(1));
  return z.object({
    points: z.array(z.tuple([unit, unit])).check(z.minLength(1), z.maxLength(MAX_MASK_POINTS)),
    size: z.number().check(z.positive(), z.maximum(0.5)),
    erase: z.boolean(),
  });
})();
export type MaskStrokeData = z.infer<typeof MaskStrokeData>;

/** The painted mask: strokes in order, and `invert` (what was painted is kept, the rest edited). */
export const MaskData = /* @__PURE__ */ (() =>
  z
    .object({ strokes: z.array(MaskStrokeData).check(z.maxLength(MAX_MASK_STROKES)), invert: z.boolean() })
    .check(z.refine((m) => m.strokes.reduce((n, s) => n + s.points.length, 0) <= MAX_MASK_POINTS, `A mask holds at most ${MAX_MASK_POINTS} points; clear it and paint with fewer, longer strokes.`)))();
export type MaskData = z.infer<typeof MaskData>;


/** What a retouch run adds to `RunParams`: the operation, its function, its options and the mask; the image is `inputs[0]`. */
export const RetouchRun = /* @__PURE__ */ (() =>
  z.object({
    operation: RetouchOperation,
    function: z.optional(z.string().check(z.regex(/^[a-z_]{1,40}$/))),
    /** Values such as `upscaleFactor: 2`, `style: "gold-foil"`, `bestQuality: true`. */
    options: z.record(z.string().check(z.regex(/^[A-Za-z]{1,30}$/)), z.union([z.number(), z.boolean(), z.string().check(z.maxLength(100))])).check(z.refine((o) => Object.keys(o).length <= 30, 'At most 30 options.')),
    mask: z.optional(MaskData),
  }))();
export type RetouchRun = z.infer<typeof RetouchRun>;

/** Keys of the Retouch mode's UI strings (src/studio/retouchStrings.ts fills them). */
export const RETOUCH_STRING_KEYS = [
  'modeRetouch', 'runRetouch', 'retouchPickImage', 'retouchNoImage', 'operationLabel', 'variantLabel', 'retouchPromptPlaceholder', 'retouchPromptOptional',
  'maskBrush', 'maskEraser', 'maskSize', 'maskUndo', 'maskRedo', 'maskClear', 'maskInvert', 'maskShow', 'maskHelp', 'maskCanvas', 'errMaskEmpty',
  'extendHelp', 'extendFree', 'extendCanvas', 'extendResult', 'extendClamped', 'upscaleResult', 'upscaleTooLarge', 'errAlphaRequired', 'errRetouchImage', 'errRetouchRegion',
  'optOutputRatio',
] as const;
