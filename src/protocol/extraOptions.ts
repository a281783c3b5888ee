/**
 * The studio's controls for the options only some models have: wan2.7 image sets
 * (`enable_sequential`), `thinking_mode`, `color_palette` and `bbox_list`, and qwen-image-3.0's
 * `prompt_extend_mode` and `enable_thinking`. protocol.ts spreads the two field sets below into
 * `ModelOption` and `RunParams`; models.ts and runs.ts call the two functions. Like protocol.ts
 * this module is bundled into the webview: no `vscode`, no Node built-ins, `zod/mini` only, and
 * it must not import protocol.ts (which imports it).
 */
import * as z from 'zod/mini';
import type { ModelSpec, SizeRule } from '../dashscope/catalog/index.js';
import type { GenerationRequest } from '../dashscope/requests/index.js';

const Range = z.object({ min: z.number(), max: z.number(), default: z.number() });

/** A `pixels` size rule as plain data (the same shape as protocol's SizeRuleData of that kind). */
export const PixelsRule = z.object({
  kind: z.literal('pixels'),
  minPixels: z.number(),
  maxPixels: z.number(),
  minAspect: z.optional(z.number()),
  maxAspect: z.optional(z.number()),
  default: z.nullable(z.string()),
  recommended: z.array(z.string()),
  presets: z.optional(z.array(z.string())),
});

/** Fields of `ModelOption` for these options; each is present only where the catalog allows it. */
export const EXTRA_MODEL_FIELDS = {
  /** wan2.7: image sets; n range in set mode, and the size rule there when it differs (pro: no 4K). */
  imageSet: z.optional(z.object({ n: Range, sizeRule: z.optional(PixelsRule) })),
  /** wan2.7 `thinking_mode`: its default (offered for text-to-image only, where it has an effect). */
  thinkingMode: z.optional(z.boolean()),
  /** wan2.7 `color_palette`: how many colours. */
  colorPalette: z.optional(z.object({ min: z.number(), max: z.number() })),
  /** wan2.7 `bbox_list`: boxes per input image (Edit mode only). */
  bboxes: z.optional(z.object({ maxPerImage: z.number() })),
  /** qwen-image-3.0 `prompt_extend_mode` values for this mode (`agent` is text-to-image only). */
  promptExtendModes: z.optional(z.array(z.enum(['direct', 'agent']))),
  /** qwen-image-3.0 `enable_thinking`: its default. */
  enableThinking: z.optional(z.boolean()),
};

/** The most boxes any model takes per image; the webview never sends more. */
const MAX_BOXES_PER_IMAGE = 2;
const Pixel = z.number().check(z.int(), z.minimum(0), z.maximum(100_000));

/** Fields of `RunParams` for these options (the host validates them again against the catalog). */
export const EXTRA_RUN_FIELDS = /* @__PURE__ */ (() => ({
  enableSequential: z.optional(z.boolean()),
  thinkingMode: z.optional(z.boolean()),
  /** Colours `#RRGGBB` with their share in percent (two decimals; they add up to 100). */
  colorPalette: z.optional(
    z.array(z.object({ hex: z.string().check(z.regex(/^#[0-9a-fA-F]{6}$/)), ratio: z.number().check(z.minimum(0), z.maximum(100)) })).check(z.maxLength(10)),
  ),
  /** One list of boxes `[x1, y1, x2, y2]` per input image, in that image's own pixels (`[]` for none). */
  bboxList: z.optional(z.array(z.array(z.array(Pixel).check(z.length(4))).check(z.maxLength(MAX_BOXES_PER_IMAGE))).check(z.maxLength(16))),
  promptExtendMode: z.optional(z.enum(['direct', 'agent'])),
  enableThinking: z.optional(z.boolean()),
}))();

/** These options of a model option. */
export type ExtraModelFields = z.infer<z.ZodMiniObject<typeof EXTRA_MODEL_FIELDS>>;
/** These options of a run. */
export type ExtraRunFields = z.infer<z.ZodMiniObject<typeof EXTRA_RUN_FIELDS>>;

export function pixelsRule(rule: SizeRule | undefined): z.infer<typeof PixelsRule> | undefined {
  if (rule?.kind !== 'pixels') return undefined;
  return {
    kind: 'pixels',
    minPixels: rule.minPixels,
    maxPixels: rule.maxPixels,
    ...(rule.minAspect !== undefined ? { minAspect: rule.minAspect } : {}),
    ...(rule.maxAspect !== undefined ? { maxAspect: rule.maxAspect } : {}),
    default: rule.default,
    recommended: [...rule.recommended],
    ...(rule.presets ? { presets: [...rule.presets] } : {}),
  };
}

/**
 * The extra controls a model offers in one studio mode, from its catalog entry. Boxes only in
 * Edit (they mark regions of input images); thinking_mode and the agent prompt extension only in
 * Generate (the service ignores thinking_mode with images and refuses agent with them).
 */
export function extraModelFields(spec: ModelSpec, mode: string): ExtraModelFields {
  const takes = (param: ModelSpec['params'][number]) => spec.params.includes(param);
  const fields: ExtraModelFields = {};
  if (mode !== 'generate' && mode !== 'edit') return fields;
  if (spec.imageSet && takes('enable_sequential')) {
    // In Generate the set's size rule may differ (editSize applies to sets); in Edit it already applies.
    const setRule = mode === 'generate' && spec.editSize ? pixelsRule(spec.editSize) : undefined;
    fields.imageSet = { n: { ...spec.imageSet.n }, ...(setRule ? { sizeRule: setRule } : {}) };
  }
  if (mode === 'generate' && takes('thinking_mode')) fields.thinkingMode = spec.thinkingDefault ?? true;
  if (spec.colorPalette && takes('color_palette')) fields.colorPalette = { ...spec.colorPalette };
  if (mode === 'edit' && spec.bboxes && takes('bbox_list')) fields.bboxes = { maxPerImage: spec.bboxes.maxPerImage };
  if (spec.promptExtendModes && takes('prompt_extend_mode')) {
    const modes = spec.promptExtendModes.filter((m) => mode === 'generate' || m !== 'agent');
    if (modes.length > 1) fields.promptExtendModes = modes;
  }
  if (takes('enable_thinking')) fields.enableThinking = spec.thinkingDefault ?? true;
  return fields;
}

/** The request fields of a run's extra options (copied as they are; the client validates them). */
export function extraRequestFields(params: ExtraRunFields): Partial<GenerationRequest> {
  const request: Partial<GenerationRequest> = {};
  if (params.enableSequential !== undefined) request.enableSequential = params.enableSequential;
  if (params.thinkingMode !== undefined) request.thinkingMode = params.thinkingMode;
  if (params.colorPalette?.length) request.colorPalette = params.colorPalette.map((c) => ({ hex: c.hex.toUpperCase(), ratio: c.ratio }));
  if (params.bboxList?.some((boxes) => boxes.length > 0)) request.bboxList = params.bboxList.map((boxes) => boxes.map((b) => [b[0], b[1], b[2], b[3]] as [number, number, number, number]));
  if (params.promptExtendMode !== undefined) request.promptExtendMode = params.promptExtendMode;
  if (params.enableThinking !== undefined) request.enableThinking = params.enableThinking;
  return request;
}

/** Keys of the localized strings of these controls (protocol.ts spreads them into STRING_KEYS). */
export const EXTRA_STRING_KEYS = [
  'imageSet', 'imageSetHint', 'thinkingMode', 'promptExtendMode', 'promptExtendDirect', 'promptExtendAgent', 'enableThinking',
  'palette', 'paletteAdd', 'paletteEven', 'paletteColour', 'paletteRatio', 'paletteSum',
  'errPaletteSum', 'errPaletteCount', 'errPaletteColour', 'errPaletteRatio', 'errPaletteImageSet',
  'boxes', 'boxesTitle', 'boxesHint', 'boxesEmpty', 'boxesOne', 'boxesMany', 'boxesDone', 'boxItem', 'errBoxesMany', 'paramsImageSet', 'paramsPalette',
] as const;
