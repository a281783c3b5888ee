/**
 * Running a job again from what was kept with it: an image's provenance (embedded in a PNG, or a
 * `<file>.json` sidecar next to a JPG) or a history line, back to the request that made it. The
 * CLI's `regenerate` and the Explorer's Regenerate / Variations / Open Settings in Studio all
 * read records through here, so a field is mapped back in one place: the inverse of
 * {@link provenanceParameters}.
 *
 * Pure (no `vscode`, no Node built-ins): the caller reads the files.
 */
import { findModel, type GenerationRequest, type TranslationOptions } from '../dashscope/index.js';
import { ProcessOptionsSchema, type ProcessOptions } from '../dashscope/requests/index.js';
import { isPng, readProvenance, type ProvenanceRecord } from './provenance.js';

type Parameters = Readonly<Record<string, unknown>>;

function num(p: Parameters, key: string): number | undefined {
  return typeof p[key] === 'number' ? (p[key] as number) : undefined;
}
function text(p: Parameters, key: string): string | undefined {
  return typeof p[key] === 'string' ? (p[key] as string) : undefined;
}
function flag(p: Parameters, key: string): boolean | undefined {
  return typeof p[key] === 'boolean' ? (p[key] as boolean) : undefined;
}

/** The translation options back from their snake_case parameters; undefined for other jobs. */
export function translationOf(p: Parameters): TranslationOptions | undefined {
  const targetLang = text(p, 'target_lang');
  if (!targetLang) return undefined;
  const t: TranslationOptions = { sourceLang: text(p, 'source_lang') ?? 'auto', targetLang };
  const hint = text(p, 'domain_hint');
  if (hint) t.domainHint = hint;
  if (Array.isArray(p.terminologies)) t.terminologies = (p.terminologies as { src: string; tgt: string }[]).filter((x) => typeof x?.src === 'string' && typeof x?.tgt === 'string');
  if (Array.isArray(p.sensitives)) t.sensitives = (p.sensitives as unknown[]).filter((s): s is string => typeof s === 'string');
  const segment = flag(p, 'image_segment');
  if (segment !== undefined) t.imageSegment = segment;
  return t;
}

/**
 * The request a record describes (without its input images): the model (the dated snapshot when
 * one was sent), prompts, and every parameter as sent (snake_case back to request fields).
 */
export function requestOfParameters(model: string, prompt: string | undefined, negative: string | undefined, p: Parameters): GenerationRequest {
  const request: GenerationRequest = { model };
  const snapshot = text(p, 'model_version');
  if (snapshot && snapshot !== model) request.version = snapshot;
  const translation = translationOf(p);
  if (translation) request.translation = translation;
  if (prompt !== undefined && !translation) request.prompt = prompt;
  if (negative) request.negativePrompt = negative;
  const size = text(p, 'size');
  if (size !== undefined) request.size = size;
  const n = num(p, 'n');
  if (n !== undefined) request.n = n;
  const seed = num(p, 'seed');
  if (seed !== undefined) request.seed = seed;
  const extend = flag(p, 'prompt_extend');
  if (extend !== undefined) request.promptExtend = extend;
  const watermark = flag(p, 'watermark');
  if (watermark !== undefined) request.watermark = watermark;
  const maxImages = num(p, 'max_images');
  if (maxImages !== undefined) request.maxImages = maxImages;
  const sequential = flag(p, 'enable_sequential');
  if (sequential !== undefined) request.enableSequential = sequential;
  const thinking = flag(p, 'thinking_mode');
  if (thinking !== undefined) request.thinkingMode = thinking;
  if (Array.isArray(p.color_palette)) request.colorPalette = p.color_palette as NonNullable<GenerationRequest['colorPalette']>;
  if (Array.isArray(p.bbox_list)) request.bboxList = p.bbox_list as NonNullable<GenerationRequest['bboxList']>;
  const extendMode = text(p, 'prompt_extend_mode');
  if (extendMode !== undefined) request.promptExtendMode = extendMode as GenerationRequest['promptExtendMode'];
  const enableThinking = flag(p, 'enable_thinking');
  if (enableThinking !== undefined) request.enableThinking = enableThinking;
  const process = processOptionsOf(p);
  if (process) request.process = process;
  return request;
}

/** True when `model` is one of the image-processing models. */
export function isProcessingModel(model: string): boolean {
  return findModel(model)?.processing !== undefined;
}

/** The recorded image-processing options did not fit this version's schema. */
export class RecordedProcessError extends Error {
  override readonly name = 'RecordedProcessError';
}

/**
 * The recorded image-processing options (`parameters.process`, camelCase as the request gave
 * them), checked against this version's schema; undefined when none were recorded.
 */
export function processOptionsOf(p: Parameters): ProcessOptions | undefined {
  const raw = p.process;
  if (raw === undefined) return undefined;
  const parsed = ProcessOptionsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RecordedProcessError(`The recorded image-processing options do not fit this version (${issue ? `${issue.path.join('.') || 'process'}: ${issue.message}` : 'unreadable'}); run the operation again with its own command.`);
  }
  return parsed.data;
}

/** What regenerating ONE image sends: its record's request with the image's own seed, one image. */
export function requestOfRecord(record: ProvenanceRecord): GenerationRequest {
  const request = requestOfParameters(record.model, record.prompt, record.negative_prompt, record.parameters ?? {});
  // Image i of a job got seed + i − 1 where the model reports it: the record holds this image's.
  if (record.seed !== undefined) request.seed = record.seed;
  if (request.n !== undefined) request.n = 1;
  return request;
}

/** The kind of job a request is. */
export function kindOfRequest(request: GenerationRequest, inputs: number): 'generate' | 'edit' | 'translate' | 'process' {
  if (request.translation) return 'translate';
  if (isProcessingModel(request.model)) return 'process';
  return inputs > 0 ? 'edit' : 'generate';
}

/** Where a JPG's (or any non-PNG's) provenance may be: `photo.jpg.json`, then `photo.json`. */
export function sidecarCandidates(path: string): string[] {
  return [`${path}.json`, path.replace(/\.[^./\\]+$/, '.json')].filter((p) => p !== path);
}

/** A provenance record out of a sidecar's text, or undefined when the text is not one. */
export function parseSidecar(textOfSidecar: string): ProvenanceRecord | undefined {
  try {
    const record = JSON.parse(textOfSidecar) as ProvenanceRecord;
    return record && typeof record === 'object' && typeof record.model === 'string' ? record : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The provenance of an image file: embedded (PNG), else in its sidecar. `read` returns a
 * sidecar's text, or undefined when there is none.
 */
export async function provenanceOfImage(path: string, bytes: Uint8Array, read: (sidecar: string) => Promise<string | undefined>): Promise<ProvenanceRecord | undefined> {
  if (isPng(bytes)) {
    const embedded = readProvenance(bytes);
    if (embedded) return embedded;
  }
  for (const sidecar of sidecarCandidates(path)) {
    const content = await read(sidecar);
    const record = content === undefined ? undefined : parseSidecar(content);
    if (record) return record;
  }
  return undefined;
}

/** Most variations asked at once when the model itself makes one image a request. */
export const MIN_VARIATIONS_LIMIT = 4;

/**
 * How many variations of an image may be asked at once: 2 up to the model's n limit (each
 * variation is a request of its own, so a model of one image a request still gets
 * {@link MIN_VARIATIONS_LIMIT}).
 */
export function variationsLimit(nMax: number): number {
  return Math.max(nMax, MIN_VARIATIONS_LIMIT);
}

/** `count` distinct seeds in [0, max], none of them `exclude` (the original's). */
export function newSeeds(count: number, max: number, exclude: number | undefined, random: () => number = Math.random): number[] {
  const seeds = new Set<number>();
  while (seeds.size < count) {
    const seed = Math.floor(random() * (max + 1));
    if (seed !== exclude) seeds.add(seed);
  }
  return [...seeds];
}
