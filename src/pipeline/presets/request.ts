/**
 * A preset and the values of its blanks turned into the one request type every flow takes
 * ({@link GenerationRequest}), plus what the preset pins besides the request: the output folder
 * template and the glossary file of a translate preset.
 */
import type { GenerationRequest } from '../../dashscope/index.js';
import { fillTemplate, type BlankValues } from './blanks.js';
import type { Preset } from './schema.js';

/** What using a preset gives a flow. */
export interface PresetRequest {
  /** Without input images: the flow adds them (edit, translate). */
  readonly request: GenerationRequest;
  /** The preset's output folder template, when it pins one. */
  readonly outputTemplate?: string;
  /** A translate preset's glossary file (workspace-relative): the caller reads it and adds its terms. */
  readonly glossaryFile?: string;
}

/** Builds the request of `preset` with its blanks filled from `values` (not checked here: see usePreset). */
export function presetRequest(preset: Preset, values: BlankValues): PresetRequest {
  const request: GenerationRequest = { model: preset.model, ...preset.parameters };
  if (preset.prompt !== undefined && preset.mode !== 'translate') request.prompt = fillTemplate(preset.prompt, values);
  if (preset.negativePrompt !== undefined) request.negativePrompt = fillTemplate(preset.negativePrompt, values);
  if (preset.size !== undefined) request.size = preset.size;
  if (preset.seed !== undefined) request.seed = preset.seed;
  if (preset.translation) {
    const { sourceLang, ...rest } = preset.translation;
    request.translation = { sourceLang: sourceLang ?? 'auto', ...rest };
    if (Array.isArray(preset.glossary) && preset.glossary.length) request.translation.terminologies = preset.glossary.map((t) => ({ ...t }));
  }
  return {
    request,
    ...(preset.outputTemplate !== undefined ? { outputTemplate: preset.outputTemplate } : {}),
    ...(typeof preset.glossary === 'string' ? { glossaryFile: preset.glossary } : {}),
  };
}

/** Adds glossary terms (from a file) to a translate request; the preset's own terms stay first. */
export function withGlossaryTerms(request: GenerationRequest, terms: readonly { src: string; tgt: string }[]): GenerationRequest {
  if (!request.translation || !terms.length) return request;
  return { ...request, translation: { ...request.translation, terminologies: [...(request.translation.terminologies ?? []), ...terms] } };
}
