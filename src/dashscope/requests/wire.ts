/**
 * A validated request on the wire: its route (the model's own mode or its async variant) and its
 * JSON body per input shape (`messages`, `prompt`, `image_url`).
 */
import { ENDPOINT_PATHS, nRangeFor, type ParamName } from '../catalog/index.js';
import type { Route, ValidatedRequest } from './schema.js';
import { processWireBody, type ExtraImageRefs } from './process-wire.js';
import { wirePaletteColor } from './wan27-options.js';

export type { ExtraImageRefs } from './process-wire.js';

/** Where a validated request goes: the model's own mode, or its async variant. */
export function routeOf(v: Pick<ValidatedRequest, 'spec' | 'useAsyncVariant'>): Route {
  const { spec } = v;
  if (v.useAsyncVariant && spec.asyncVariant) {
    const a = spec.asyncVariant;
    return { mode: 'async', endpoint: a.endpoint, path: ENDPOINT_PATHS[a.endpoint], input: a.input, family: a.response };
  }
  return { mode: spec.mode, endpoint: spec.endpoint, path: ENDPOINT_PATHS[spec.endpoint], input: spec.input, family: spec.response };
}

/** The JSON body on the wire. */
export interface WireBody {
  model: string;
  input: Record<string, unknown>;
  parameters?: Record<string, unknown>;
}

/**
 * Builds the wire body for a validated request whose images are already wire strings (URL,
 * `oss://`, `data:`; see upload.ts). Only parameters the user set (and the mode's required ones)
 * are sent, so the service's own defaults apply otherwise.
 */
export function buildWireBody(v: ValidatedRequest, imageRefs: readonly string[], extraRefs: ExtraImageRefs = {}): WireBody {
  const { spec, request: req } = v;
  const route = routeOf(v);
  const parameters = wireParameters(v, route);

  switch (route.input) {
    case 'messages': {
      // §2.1: exactly one user message; images first (their order matters), then one text item.
      const content: Record<string, string>[] = imageRefs.map((image) => ({ image }));
      content.push({ text: req.prompt ?? '' });
      // §2.1: on the messages endpoints negative_prompt goes in parameters.
      if (req.negativePrompt !== undefined && spec.params.includes('negative_prompt')) parameters.negative_prompt = req.negativePrompt;
      return { model: v.wireModel, input: { messages: [{ role: 'user', content }] }, parameters };
    }
    case 'prompt': {
      // §4.1: text2image takes the negative prompt in `input`, not `parameters`.
      const input: Record<string, unknown> = { prompt: req.prompt ?? '' };
      if (req.negativePrompt !== undefined) input.negative_prompt = req.negativePrompt;
      return { model: v.wireModel, input, parameters };
    }
    case 'image_url':
      // §4.3: languages and `ext` live in `input`; there is no `parameters` object.
      return { model: v.wireModel, input: translationInput(v, imageRefs) };
    case 'imageedit':
    case 'outpainting':
    case 'background':
      return processWireBody(v, route.input, imageRefs[0] ?? '', extraRefs, parameters);
  }
}

/** The `parameters` the user set and the model takes, plus the mode's required ones. */
function wireParameters(v: ValidatedRequest, route: Route): Record<string, unknown> {
  const { spec, request: req } = v;
  const parameters: Record<string, unknown> = {};
  const setParam = (name: ParamName, value: unknown): void => {
    if (value !== undefined && spec.params.includes(name)) parameters[name] = value;
  };
  setParam('size', req.size === undefined ? undefined : normalizeSizeString(req.size));
  setParam('n', req.n);
  setParam('prompt_extend', req.promptExtend);
  setParam('watermark', req.watermark);
  setParam('seed', req.seed);
  setParam('max_images', req.maxImages);
  setParam('enable_sequential', req.enableSequential);
  setParam('thinking_mode', req.thinkingMode);
  setParam('color_palette', req.colorPalette?.map(wirePaletteColor));
  setParam('bbox_list', req.bboxList);
  setParam('prompt_extend_mode', req.promptExtendMode);
  setParam('enable_thinking', req.enableThinking);
  for (const [k, val] of Object.entries(spec.requiredParameters ?? {})) {
    // §4.2: the async image-generation endpoint takes no `stream`.
    if (k === 'stream' && route.mode === 'async') continue;
    parameters[k] = val;
  }
  return parameters;
}

/** qwen-mt-image's `input` (§4.3): the image, the languages as codes, and the `ext` options given. */
function translationInput(v: ValidatedRequest, imageRefs: readonly string[]): Record<string, unknown> {
  const t = v.request.translation;
  const input: Record<string, unknown> = {
    image_url: imageRefs[0] ?? '',
    source_lang: v.sourceLang ?? t?.sourceLang,
    target_lang: v.targetLang ?? t?.targetLang,
  };
  const ext: Record<string, unknown> = {};
  if (t?.domainHint) ext.domainHint = t.domainHint;
  if (t?.sensitives?.length) ext.sensitives = t.sensitives;
  if (t?.terminologies?.length) ext.terminologies = t.terminologies;
  if (t?.imageSegment !== undefined) ext.config = { imageSegment: t.imageSegment };
  if (Object.keys(ext).length) input.ext = ext;
  return input;
}

/** The number of images a request asks for (its n, or the model's default; in image sets an upper bound). */
export function requestedImageCount(v: Pick<ValidatedRequest, 'spec' | 'request'>): number {
  return v.request.n ?? nRangeFor(v.spec, v.request.enableSequential).default;
}

/** `1024x768` → `1024*768`; presets (`1k`) upper-cased. */
export function normalizeSizeString(size: string): string {
  const m = /^\s*(\d+)\s*[*x×]\s*(\d+)\s*$/i.exec(size);
  if (m) return `${m[1]}*${m[2]}`;
  return size.trim().toUpperCase();
}
