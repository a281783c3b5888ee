// The form state of the options only some models have (wan2.7 image sets, thinking_mode, colour palette,
// boxes; qwen-image-3.0 prompt_extend_mode and enable_thinking): what the user chose, what is
// wrong with it, and what a run sends. state.ts calls these from validate/runParams; the model
// option says which controls exist (src/protocol/extraOptions.ts). Pure: no DOM, no VS Code API.
import type { ModelOption, PickerImage, RunParams, SizeRuleData, StudioMode } from '../src/protocol/messages';
import { bboxListFor, inputKey, type Box, type BoxesByInput } from './boxes';
import { checkPalette, formatHundredths, starterPalette, wirePalette, type PaletteEntry, type PaletteProblem } from './palette';

/** The extra options' choices, remembered per model with the others (state.ts `Choices`). */
export interface ExtraChoices {
  /** wan2.7: make an image set (`enable_sequential`). */
  imageSet?: boolean;
  /** The image-set count (n is an upper bound there, with its own range and default). */
  setN?: number;
  thinkingMode?: boolean;
  /** Whether the palette is sent; the colours stay remembered while it is off. */
  paletteOn?: boolean;
  palette?: PaletteEntry[];
  /** Boxes per input image (by workspace location), in the image's own pixels. */
  boxes?: BoxesByInput;
  promptExtendMode?: 'direct' | 'agent';
  enableThinking?: boolean;
  /** state.ts's prompt_extend choice (read here: mode and thinking need the extension on). */
  promptExtend?: boolean;
}

/** A problem of these options, in state.ts's Problem shape. */
export interface ExtraProblem {
  field: 'palette' | 'boxes';
  key: PaletteProblem['key'] | 'errPaletteImageSet' | 'errBoxesMany';
  args: (string | number)[];
}

/** Whether this run makes an image set. */
export function imageSetOn(model: ModelOption, choices: ExtraChoices): boolean {
  return Boolean(model.imageSet && choices.imageSet);
}

/** The count control: its range and current value (the image-set range in set mode). */
export function countOf(model: ModelOption, choices: ExtraChoices & { n?: number }): { min: number; max: number; value: number } {
  if (imageSetOn(model, choices)) {
    const r = model.imageSet!.n;
    return { min: r.min, max: r.max, value: clamp(choices.setN ?? r.default, r.min, r.max) };
  }
  return { min: model.n.min, max: model.n.max, value: clamp(choices.n ?? model.n.min, model.n.min, model.n.max) };
}

/** The choice a new count sets (set mode keeps its own). */
export function countPatch(model: ModelOption, choices: ExtraChoices, n: number): { n: number } | { setN: number } {
  return imageSetOn(model, choices) ? { setN: n } : { n };
}

/** The size rule that applies (wan2.7-image-pro: no 4K in image sets). */
export function sizeRuleOf(model: ModelOption, choices: ExtraChoices): SizeRuleData {
  return imageSetOn(model, choices) && model.imageSet?.sizeRule ? model.imageSet.sizeRule : model.sizeRule;
}

/** The palette being edited (a starter one until the user changes it). */
export function paletteOf(model: ModelOption, choices: ExtraChoices): PaletteEntry[] {
  return choices.palette ?? starterPalette(Math.min(model.colorPalette?.max ?? 4, Math.max(model.colorPalette?.min ?? 3, 4)));
}

function extendOn(model: ModelOption, choices: ExtraChoices): boolean {
  return model.promptExtend === undefined ? true : (choices.promptExtend ?? model.promptExtend);
}

/** Whether the qwen-image-3.0 mode and thinking controls apply (they work only while the prompt is extended). */
export function extensionControlsOn(model: ModelOption, choices: ExtraChoices): boolean {
  return extendOn(model, choices);
}

/** What is wrong with these options. */
export function extraProblems(mode: StudioMode, model: ModelOption, choices: ExtraChoices, inputs: readonly PickerImage[]): ExtraProblem[] {
  const problems: ExtraProblem[] = [];
  if (model.colorPalette && choices.paletteOn) {
    for (const p of checkPalette(paletteOf(model, choices), model.colorPalette)) problems.push({ field: 'palette', key: p.key, args: p.args });
    if (imageSetOn(model, choices)) problems.push({ field: 'palette', key: 'errPaletteImageSet', args: [] });
  }
  if (mode === 'edit' && model.bboxes) {
    const max = model.bboxes.maxPerImage;
    for (const input of inputs) {
      const boxes = choices.boxes?.[`${input.location.folderIndex}:${input.location.path}`] ?? [];
      if (boxes.length > max) problems.push({ field: 'boxes', key: 'errBoxesMany', args: [input.displayPath, max] });
    }
  }
  return problems;
}

/** The run parameters of these options (merged over state.ts's; `n` replaces its count in set mode). */
export function extraRunParams(mode: StudioMode, model: ModelOption, choices: ExtraChoices, inputs: readonly PickerImage[]): Partial<RunParams> {
  const params: Partial<RunParams> = {};
  const set = imageSetOn(model, choices);
  if (set) {
    params.enableSequential = true;
    params.n = countOf(model, choices).value;
  }
  if (model.thinkingMode !== undefined && !set) params.thinkingMode = choices.thinkingMode ?? model.thinkingMode;
  if (model.colorPalette && choices.paletteOn && !set) params.colorPalette = wirePalette(paletteOf(model, choices));
  if (mode === 'edit' && model.bboxes) {
    const list = bboxListFor(inputs.map((i) => i.location), choices.boxes, model.bboxes.maxPerImage);
    if (list) params.bboxList = list;
  }
  if (extendOn(model, choices)) {
    if (model.promptExtendModes) {
      const chosen = choices.promptExtendMode ?? 'direct';
      params.promptExtendMode = model.promptExtendModes.includes(chosen) ? chosen : 'direct';
    }
    if (model.enableThinking !== undefined) params.enableThinking = choices.enableThinking ?? model.enableThinking;
  }
  return params;
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}

/** The card's facts line parts for these options (`image set`, `palette of 4`, `2 boxes`). */
export function extraFacts(params: RunParams, s: (key: 'paramsImageSet' | 'paramsPalette' | 'boxesOne' | 'boxesMany', ...args: (string | number)[]) => string): string[] {
  const parts: string[] = [];
  if (params.enableSequential) parts.push(s('paramsImageSet'));
  if (params.colorPalette?.length) parts.push(s('paramsPalette', params.colorPalette.length));
  const boxes = params.bboxList?.reduce((sum, list) => sum + list.length, 0) ?? 0;
  if (boxes) parts.push(boxes === 1 ? s('boxesOne') : s('boxesMany', boxes));
  return parts;
}

/**
 * The choices that repeat a run's extra options (Re-run with this Seed, Reuse from the history).
 * `inputs` are the run's inputs in order: bbox_list entry i belongs to input i.
 */
export function extraChoicesOf(model: ModelOption, p: Partial<RunParams>, inputs?: readonly PickerImage[]): ExtraChoices {
  const c: ExtraChoices = {};
  if (model.imageSet) {
    c.imageSet = p.enableSequential === true;
    if (p.enableSequential && p.n !== undefined) c.setN = p.n;
  }
  if (model.thinkingMode !== undefined && p.thinkingMode !== undefined) c.thinkingMode = p.thinkingMode;
  if (model.colorPalette) {
    c.paletteOn = Boolean(p.colorPalette?.length);
    if (p.colorPalette?.length) c.palette = p.colorPalette.map((e) => ({ hex: e.hex.toUpperCase(), ratio: formatHundredths(Math.round(e.ratio * 100)) }));
  }
  if (model.bboxes && inputs) {
    const boxes: BoxesByInput = {};
    (p.bboxList ?? []).forEach((list, i) => {
      const input = inputs[i];
      if (input && list.length) boxes[inputKey(input.location)] = list.map((b) => [b[0], b[1], b[2], b[3]] as Box);
    });
    c.boxes = boxes;
  }
  if (model.promptExtendModes && p.promptExtendMode) c.promptExtendMode = p.promptExtendMode;
  if (model.enableThinking !== undefined && p.enableThinking !== undefined) c.enableThinking = p.enableThinking;
  return c;
}

/** A history entry's recorded parameters (snake_case, as sent) back as run parameters; anything malformed is skipped. */
export function extraParamsFromHistory(parameters: Record<string, unknown>): Partial<RunParams> {
  const p: Partial<RunParams> = {};
  const bool = (v: unknown) => (typeof v === 'boolean' ? v : undefined);
  const sequential = bool(parameters['enable_sequential']);
  if (sequential !== undefined) p.enableSequential = sequential;
  const thinking = bool(parameters['thinking_mode']);
  if (thinking !== undefined) p.thinkingMode = thinking;
  const enableThinking = bool(parameters['enable_thinking']);
  if (enableThinking !== undefined) p.enableThinking = enableThinking;
  const mode = parameters['prompt_extend_mode'];
  if (mode === 'direct' || mode === 'agent') p.promptExtendMode = mode;
  const palette = parameters['color_palette'];
  if (Array.isArray(palette)) {
    const colours = palette.flatMap((e: unknown) => {
      const { hex, ratio } = (e ?? {}) as { hex?: unknown; ratio?: unknown };
      const value = typeof ratio === 'number' ? ratio : typeof ratio === 'string' ? Number.parseFloat(ratio) : Number.NaN;
      return typeof hex === 'string' && Number.isFinite(value) ? [{ hex, ratio: value }] : [];
    });
    if (colours.length === palette.length && colours.length) p.colorPalette = colours;
  }
  const boxes = parameters['bbox_list'];
  const isBox = (b: unknown): b is Box => Array.isArray(b) && b.length === 4 && b.every((v) => Number.isInteger(v));
  if (Array.isArray(boxes) && boxes.every((list) => Array.isArray(list) && list.every(isBox))) p.bboxList = boxes as Box[][];
  return p;
}
