/**
 * The studio's model options, derived from the catalog (the one source of truth): which models
 * it lists, their labels in the UI language, the sizes it offers, the n range and which optional
 * controls (seed, negative prompt) each model gets. Pure: unit-tested under plain Node.
 */
import { modelsForTask, type ModelSpec, type SizeRule } from '../dashscope/catalog.js';
import { modelLabel } from '../dashscope/labels.js';
import type { ModelOption } from '../protocol.js';

export { modelLabel };

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

/** One model as the studio webview needs it. */
export function modelOption(spec: ModelSpec, language: string): ModelOption {
  const { sizes, defaultSize } = sizeChoices(spec.params.includes('size') ? spec.size : { kind: 'none' });
  return {
    id: spec.id,
    label: modelLabel(spec, language),
    sizes,
    ...(defaultSize ? { defaultSize } : {}),
    n: { min: spec.n.min, max: spec.n.max },
    seed: spec.params.includes('seed'),
    ...(spec.params.includes('negative_prompt') && spec.negativePromptMaxLength ? { negativePromptMaxLength: spec.negativePromptMaxLength } : {}),
  };
}

/** The text-to-image models, in catalog order, for the studio and the palette command. */
export function textToImageOptions(language: string): ModelOption[] {
  return modelsForTask('text-to-image').map((spec) => modelOption(spec, language));
}
