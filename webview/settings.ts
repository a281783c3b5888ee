// The form filled from recorded settings: a history entry's Reuse, and Open Settings in Studio
// (an image's provenance), in the model's mode.
import type { ModelOption, OpenSettings, PickerImage } from '../src/protocol/messages';
import { extraParamsFromHistory } from './extraOptions';
import { page } from './page';

/** Fills the form of the model's mode from recorded settings: a history entry's Reuse, or Open Settings in Studio. */
export function fillFromSettings(item: OpenSettings, model: ModelOption, inputs: readonly PickerImage[]): void {
  const p = item.parameters;
  const translation =
    model.mode === 'translate'
      ? {
          sourceLang: String(p['source_lang'] ?? 'auto'),
          targetLang: String(p['target_lang'] ?? 'en'),
          ...(typeof p['domain_hint'] === 'string' ? { domainHint: p['domain_hint'] } : {}),
        }
      : undefined;
  page.fillForm(
    model.mode,
    model,
    {
      ...(item.prompt ? { prompt: item.prompt } : {}),
      ...(item.size ? { size: item.size } : {}),
      ...(item.n !== undefined ? { n: item.n } : {}),
      ...(item.seed !== undefined ? { seed: item.seed } : {}),
      ...(item.negativePrompt ? { negativePrompt: item.negativePrompt } : {}),
      ...(typeof p['prompt_extend'] === 'boolean' ? { promptExtend: p['prompt_extend'] } : {}),
      ...(typeof p['watermark'] === 'boolean' ? { watermark: p['watermark'] } : {}),
      ...(typeof p['max_images'] === 'number' ? { maxImages: p['max_images'] } : {}),
      ...(translation ? { translation } : {}),
      ...extraParamsFromHistory(p),
    },
    inputs,
  );
}
