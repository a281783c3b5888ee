/**
 * The studio's model options, derived from the catalog (the one source of truth): which models
 * each mode lists, their labels in the UI language, a one-line description, the sizes it offers,
 * the n range, the optional controls (seed, negative prompt, prompt_extend, watermark,
 * max_images) and the input-image limits. Pure: unit-tested under plain Node.
 */
import { modelsForTask, type ModelSpec, type SizeRule, type Task } from '../dashscope/catalog/index.js';
import { modelLabel } from '../dashscope/labels.js';
import { extraModelFields, pixelsRule } from './extraOptions.js';
import type { ModelOption, SizeRuleData, StudioMode } from './messages.js';

export { modelLabel };

/** The catalog task each studio mode lists. */
export const MODE_TASKS: Readonly<Record<StudioMode, Task>> = {
  generate: 'text-to-image',
  edit: 'image-edit',
  translate: 'translate',
  guide: 'interleave',
  retouch: 'process',
};

/** A model's one-line description by catalog id (the host passes localized ones: src/studio/strings.ts). */
export type Describe = (modelId: string) => string | undefined;

function modeOf(spec: ModelSpec): StudioMode {
  return (Object.keys(MODE_TASKS) as StudioMode[]).find((mode) => spec.tasks.includes(MODE_TASKS[mode])) ?? 'generate';
}

/** Sizes to offer for a rule (listed sizes, or presets then recommended ones) and which to preselect. */
export function sizeChoices(rule: SizeRule): { sizes: string[]; defaultSize: string | undefined } {
  switch (rule.kind) {
    case 'none':
      return { sizes: [], defaultSize: undefined };
    case 'list':
      return { sizes: [...rule.sizes], defaultSize: rule.default };
    case 'pixels':
    case 'sides': {
      const sizes = [...(rule.kind === 'pixels' ? rule.presets ?? [] : []), ...rule.recommended];
      if (rule.default && !sizes.includes(rule.default)) sizes.unshift(rule.default);
      return { sizes, defaultSize: rule.default ?? undefined };
    }
  }
}

function sizeRuleData(rule: SizeRule): SizeRuleData {
  switch (rule.kind) {
    case 'none':
      return { kind: 'none' };
    case 'list':
      return { kind: 'list', sizes: [...rule.sizes], default: rule.default };
    case 'sides':
      return { kind: 'sides', minSide: rule.minSide, maxSide: rule.maxSide, default: rule.default, recommended: [...rule.recommended] };
    case 'pixels':
      return pixelsRule(rule)!;
  }
}

/**
 * One model as one mode of the studio needs it. A model that both generates and edits
 * (qwen-image-2.0, wan2.7-image) is offered in both modes: without inputs in Generate, with at
 * least one in Edit, and with its edit size rule there.
 */
export function modelOption(spec: ModelSpec, language: string, describe: Describe = () => undefined, mode: StudioMode = modeOf(spec)): ModelOption {
  const takesSize = spec.params.includes('size');
  const rule: SizeRule = !takesSize ? { kind: 'none' } : mode === 'edit' && spec.editSize ? spec.editSize : spec.size;
  const { sizes, defaultSize } = sizeChoices(rule);
  const images = mode === 'generate' ? undefined : spec.images;
  return {
    id: spec.id,
    label: modelLabel(spec, language),
    description: describe(spec.id) ?? '',
    mode,
    sizes,
    ...(defaultSize ? { defaultSize } : {}),
    sizeRule: sizeRuleData(rule),
    n: { min: spec.n.min, max: spec.n.max },
    seed: spec.params.includes('seed'),
    ...(spec.params.includes('negative_prompt') && spec.negativePromptMaxLength ? { negativePromptMaxLength: spec.negativePromptMaxLength } : {}),
    promptMaxLength: spec.prompt.maxLength,
    promptRequired: spec.prompt.required,
    ...(spec.params.includes('prompt_extend') ? { promptExtend: spec.promptExtendDefault ?? false } : {}),
    watermark: spec.params.includes('watermark'),
    ...(spec.params.includes('max_images') && spec.maxImages ? { maxImages: { ...spec.maxImages } } : {}),
    ...extraModelFields(spec, mode),
    ...(images
      ? {
          inputs: {
            min: mode === 'edit' ? Math.max(1, images.min) : images.min,
            max: images.max,
            formats: [...images.formats],
            minSide: images.minSide,
            maxSide: images.maxSide,
            maxBytes: images.maxBytes,
            alphaAllowed: images.alphaAllowed !== false,
          },
        }
      : {}),
  };
}

/** The models of one mode, in catalog order. */
export function modeOptions(mode: StudioMode, language: string, describe?: Describe): ModelOption[] {
  return modelsForTask(MODE_TASKS[mode]).map((spec) => modelOption(spec, language, describe, mode));
}

/** Every mode's models, grouped in mode order (generate, edit, translate, guide). */
export function studioModelOptions(language: string, describe?: Describe): ModelOption[] {
  return (Object.keys(MODE_TASKS) as StudioMode[]).flatMap((mode) => modeOptions(mode, language, describe));
}

/** The text-to-image models, in catalog order, for the studio and the palette command. */
export function textToImageOptions(language: string): ModelOption[] {
  return modeOptions('generate', language);
}
