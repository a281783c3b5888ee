/**
 * Per-model request validation, read from the simulator's own model table (./models.ts; the
 * client's catalog is deliberately not used, so a wrong entry on either side shows up in
 * test/unit/catalog-agreement.test.ts instead of being agreed on). Pure functions: they throw
 * {@link SimError}s carrying the service's status / code / message and return normalized jobs.
 *
 * Message wording: the reference gives some messages verbatim (API §1.6, §2.4, captures); those
 * are used as they are. Where it gives none, the simulator uses the terse style of the real ones
 * and the constant is marked "sim wording" (wording.ts).
 */
import { MSG, SimError, invalidParameter } from './errors.js';
import type { MessagesJob, PromptJob, SyncFamily, TranslateJob } from './jobs.js';
import {
  MT_SOURCE_LANGUAGES,
  MT_TARGET_LANGUAGES,
  SIM_MODELS,
  resolveMtLanguage,
  type EndpointKey,
  type Region,
  type SimModel,
} from './models.js';
import { outputSize } from './output-size.js';
import { checkBboxShape, checkColorPalette, checkParams, isPlainObject, optionalBoolean, promptWithinLimit } from './params.js';
import { SIM_MSG } from './wording.js';

export * from './jobs.js';
export * from './output-size.js';
export * from './params.js';
export * from './wording.js';

/** Envelope checks shared by every POST endpoint (API §1.6 BadRequest.*). */
export function checkEnvelope(body: unknown): { model: string; input: Record<string, unknown>; parameters: Record<string, unknown> } {
  if (!isPlainObject(body)) throw new SimError(400, 'BadRequest.IllegalInput', MSG.illegalInput);
  const model = body.model;
  if (model === undefined || model === null || model === '') throw new SimError(400, 'BadRequest.EmptyModel', MSG.emptyModel);
  if (typeof model !== 'string') throw invalidParameter(SIM_MSG.notString('model'));
  const input = body.input;
  if (input === undefined || input === null) throw new SimError(400, 'BadRequest.EmptyInput', MSG.emptyInput);
  if (!isPlainObject(input)) throw invalidParameter(SIM_MSG.notObject('input'));
  const parameters = body.parameters ?? {};
  if (!isPlainObject(parameters)) throw invalidParameter(SIM_MSG.notObject('parameters'));
  return { model, input, parameters };
}

/**
 * Picks the table entry for `model` on `endpoint` in `region`.
 * - unknown model, or a model not served in the region (qwen-mt-image outside Beijing, API §1.1;
 *   anything but wan2.6 in the US, NEW §1) → 404 ModelNotFound "Model can not be found." (the
 *   reference has no regional message; a region's gateway does not know the model);
 * - a known model on an endpoint that does not serve it → 400 InvalidParameter "url error, please check url!".
 * wan2.6-image has two entries: `enable_interleave: true` selects the interleave one.
 */
export function selectSpec(model: string, endpoint: EndpointKey, region: Region, parameters: Record<string, unknown>): SimModel {
  const all = SIM_MODELS.filter((m) => m.model === model);
  if (all.length === 0 || !all[0].regions.includes(region)) throw new SimError(404, 'ModelNotFound', MSG.modelNotFound);
  const onEndpoint = all.filter((m) => m.endpoint === endpoint || m.asyncVariant?.endpoint === endpoint);
  const interleaveSpec = all.find((m) => m.requiredParameters?.enable_interleave === true);
  if (parameters.enable_interleave === true && interleaveSpec) {
    if (endpoint === 'multimodalGeneration' || endpoint === 'imageGeneration') return interleaveSpec;
  }
  const pick = onEndpoint.find((m) => m !== interleaveSpec);
  if (!pick) throw invalidParameter(SIM_MSG.wrongEndpoint);
  return pick;
}

/** Which family a sync response has (for the messages input shape). */
export function syncFamily(spec: SimModel): SyncFamily {
  if (spec.response === 'qwen' || spec.response === 'wan' || spec.response === 'z-image' || spec.response === 'qwen3') return spec.response;
  return 'wan';
}

/**
 * Validates a `messages` body (API §2.1): exactly one message, role user, exactly one text item,
 * the model's image count, prompt / negative_prompt lengths and the parameters, plus the wan2.7
 * (NEW §3) and qwen-image-3.0 (NEW §5) parameters.
 * `sse` tells whether SSE was requested (interleave needs it together with `parameters.stream=true`,
 * API §3.1); `asyncCall` for image-generation tasks.
 */
export function validateMessages(spec: SimModel, input: Record<string, unknown>, p: Record<string, unknown>, opts: { sse: boolean; asyncCall: boolean }): MessagesJob {
  const messages = input.messages;
  if (!Array.isArray(messages) || messages.length === 0) throw invalidParameter(MSG.roleOrContent);
  const first = messages[0];
  if (!isPlainObject(first) || (first.role !== 'user' && first.role !== 'assistant' && first.role !== 'system')) {
    throw invalidParameter(MSG.roleOrContent);
  }
  const content = first.content;
  if (!Array.isArray(content) || content.length === 0) throw invalidParameter(MSG.roleOrContent);
  if (messages.length > 1) throw invalidParameter(MSG.messagesLength);
  if (first.role !== 'user') throw invalidParameter(SIM_MSG.roleMustBeUser);

  const texts: string[] = [];
  const images: string[] = [];
  for (const item of content) {
    if (!isPlainObject(item)) throw invalidParameter(SIM_MSG.contentItem);
    const hasText = item.text !== undefined;
    const hasImage = item.image !== undefined;
    if (hasText && hasImage) throw invalidParameter(SIM_MSG.contentItem);
    if (!hasText && !hasImage) throw invalidParameter(MSG.lackImageOrText);
    if (hasText) {
      if (typeof item.text !== 'string') throw invalidParameter(SIM_MSG.contentItem);
      texts.push(item.text);
    } else {
      if (typeof item.image !== 'string' || item.image.trim() === '') throw invalidParameter(SIM_MSG.contentItem);
      images.push(item.image.trim());
    }
  }
  if (texts.length === 0 || texts[0].trim() === '') throw invalidParameter(MSG.lackImageOrText);
  if (texts.length > 1) throw invalidParameter(SIM_MSG.textLength);
  const prompt = promptWithinLimit(spec, 'text', texts[0]);

  const minImages = spec.images?.min ?? 0;
  const maxImagesIn = spec.images?.max ?? 0;
  if (images.length > maxImagesIn) throw invalidParameter(SIM_MSG.contentLength(maxImagesIn + 1));
  if (images.length < minImages) throw invalidParameter(MSG.lackImageOrText);

  const common = checkParams(spec, p, p.negative_prompt, images.length);
  const interleave = spec.requiredParameters?.enable_interleave === true;
  // API §3.1: interleave on the sync endpoint needs both the SSE header and parameters.stream=true.
  if (interleave && !opts.asyncCall && (p.stream !== true || !opts.sse)) throw invalidParameter(SIM_MSG.interleaveNeedsStream);

  const job: MessagesJob = {
    kind: 'messages',
    spec,
    family: syncFamily(spec),
    interleave,
    maxImages: common.maxImages,
    prompt,
    negativePrompt: common.negativePrompt,
    imageRefs: images,
    sizeParam: common.sizeParam,
    n: common.n,
    seed: common.seed,
    promptExtend: interleave ? false : common.promptExtend,
    watermark: common.watermark,
    sequential: common.sequential,
    thinking: false,
  };

  const f = spec.features ?? {};
  if (f.thinkingMode) {
    // W27: default true; only effective with enable_sequential=false and no input image.
    const requested = optionalBoolean(p, 'thinking_mode') ?? true;
    job.thinking = requested && !job.sequential && images.length === 0;
  }
  if (f.colorPalette) job.colorPalette = checkColorPalette(p.color_palette, job.sequential);
  if (f.bboxList) job.bboxList = checkBboxShape(p.bbox_list, images.length);
  if (f.promptExtendMode) {
    const mode = p.prompt_extend_mode ?? 'direct';
    if (mode !== 'direct' && mode !== 'agent') throw invalidParameter(SIM_MSG.promptExtendMode);
    // Q3: agent is text-to-image only ("I2I+agent → 400").
    if (mode === 'agent' && images.length > 0) throw invalidParameter(SIM_MSG.agentNeedsTextOnly);
    job.promptExtendMode = mode;
  }
  if (f.enableThinking) {
    // Q3: default true, only effective when prompt_extend=true.
    const requested = optionalBoolean(p, 'enable_thinking') ?? true;
    job.enableThinking = requested && job.promptExtend;
  }
  return job;
}

/** Validates a text2image body (API §4.1): `input.prompt`, `input.negative_prompt`, parameters. */
export function validatePrompt(spec: SimModel, input: Record<string, unknown>, p: Record<string, unknown>): PromptJob {
  const rawPrompt = input.prompt;
  if (rawPrompt === undefined || rawPrompt === null || rawPrompt === '') throw invalidParameter(SIM_MSG.missing('input.prompt'));
  if (typeof rawPrompt !== 'string') throw invalidParameter(SIM_MSG.notString('input.prompt'));
  if (rawPrompt.trim() === '') throw invalidParameter(SIM_MSG.missing('input.prompt'));
  const prompt = promptWithinLimit(spec, 'prompt', rawPrompt);
  const common = checkParams(spec, p, input.negative_prompt, 0);
  const { width, height } = outputSize(spec, { sizeParam: common.sizeParam, prompt }, []);
  return {
    kind: 'prompt',
    spec,
    prompt,
    negativePrompt: common.negativePrompt,
    width,
    height,
    n: common.n,
    seed: common.seed,
    promptExtend: common.promptExtend,
    watermark: common.watermark,
  };
}

/** Validates a qwen-mt-image body (API §4.3). */
export function validateTranslate(spec: SimModel, input: Record<string, unknown>): TranslateJob {
  const url = input.image_url;
  if (url === undefined || url === null || url === '') throw invalidParameter(SIM_MSG.missing('input.image_url'));
  if (typeof url !== 'string') throw invalidParameter(SIM_MSG.notString('image_url'));
  const ref = url.trim();
  if (!/^(https?|oss):\/\//i.test(ref)) throw invalidParameter(SIM_MSG.imageUrlScheme);

  const src = input.source_lang;
  const tgt = input.target_lang;
  if (src === undefined || src === null || src === '') throw invalidParameter(SIM_MSG.missing('input.source_lang'));
  if (tgt === undefined || tgt === null || tgt === '') throw invalidParameter(SIM_MSG.missing('input.target_lang'));
  if (typeof src !== 'string') throw invalidParameter(SIM_MSG.notString('source_lang'));
  if (typeof tgt !== 'string') throw invalidParameter(SIM_MSG.notString('target_lang'));
  const source = resolveMtLanguage(src);
  if (!source || (source !== 'auto' && !MT_SOURCE_LANGUAGES.includes(source))) {
    throw invalidParameter(SIM_MSG.langUnsupported('source_lang', src, MT_SOURCE_LANGUAGES));
  }
  const target = resolveMtLanguage(tgt);
  if (target === 'auto') throw invalidParameter(SIM_MSG.targetAuto);
  if (!target || !MT_TARGET_LANGUAGES.includes(target)) throw invalidParameter(SIM_MSG.langUnsupported('target_lang', tgt, MT_TARGET_LANGUAGES));
  if (source === target) throw invalidParameter(SIM_MSG.sameLang);
  if (source !== 'auto' && !['zh', 'en'].includes(source) && !['zh', 'en'].includes(target)) throw invalidParameter(SIM_MSG.zhOrEn);

  const ext = input.ext;
  if (ext !== undefined && ext !== null) {
    if (!isPlainObject(ext)) throw invalidParameter(SIM_MSG.notObject('ext'));
    if (ext.domainHint !== undefined) {
      if (typeof ext.domainHint !== 'string') throw invalidParameter(SIM_MSG.notString('ext.domainHint'));
      if (/[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]/.test(ext.domainHint)) throw invalidParameter(SIM_MSG.domainHintEnglish);
    }
    if (ext.sensitives !== undefined) {
      if (!Array.isArray(ext.sensitives) || !ext.sensitives.every((s) => typeof s === 'string')) {
        throw invalidParameter('The parameter ext.sensitives must be a list of strings.');
      }
    }
    if (ext.terminologies !== undefined) {
      const ok =
        Array.isArray(ext.terminologies) &&
        ext.terminologies.every((t) => isPlainObject(t) && typeof t.src === 'string' && typeof t.tgt === 'string');
      if (!ok) throw invalidParameter('The parameter ext.terminologies must be a list of {"src": string, "tgt": string}.');
    }
    if (ext.config !== undefined) {
      if (!isPlainObject(ext.config)) throw invalidParameter(SIM_MSG.notObject('ext.config'));
      for (const key of ['imageSegment', 'skipImgSegment']) {
        const v = ext.config[key];
        if (v !== undefined && typeof v !== 'boolean') throw invalidParameter(SIM_MSG.notBoolean(`ext.config.${key}`));
      }
    }
  }
  return { kind: 'translate', spec, imageRef: ref, sourceLang: source, targetLang: target };
}
