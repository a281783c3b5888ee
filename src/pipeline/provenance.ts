/**
 * Provenance: what made an image (model, prompt, size, seed, parameters, request and task ids,
 * source images) kept WITH the file, so an asset can be understood and regenerated later
 * (users.md: "Prompt and parameters kept with the file").
 *
 * PNG files get text chunks inserted before IEND: `bailian` (the JSON record), `parameters` (the
 * AUTOMATIC1111-style text most image tools read) and `Description` (the prompt). JPG files get a
 * sidecar `<file>.json` instead (no EXIF/XMP writer here).
 *
 * The record NEVER holds the API key or an expiring URL: it is built from explicit fields only,
 * signed URLs lose their query string, `oss://` and `data:` sources are not kept, and every
 * string goes through a key scrubber as a last line of defence.
 *
 * Pure (no `vscode`, no Node built-ins); the PNG chunk code is in ./png.ts.
 */
import { embedPngText, isPng, readPngText, type PngTextEntry } from './png.js';

export { PNG_SIGNATURE, crc32, embedPngText, encodePngChunk, isPng, readPngChunks, readPngText, textChunk, type PngChunk, type PngTextEntry } from './png.js';

/** Keyword of the JSON provenance chunk. */
export const PROVENANCE_KEYWORD = 'bailian';

/** What produced an image. Field names are snake_case like DashScope's, for readers of the JSON. */
export interface ProvenanceRecord {
  /** Format version of this record. */
  version: 1;
  generator: string;
  /** Catalog id (`wan2.6-image:interleave`). */
  model: string;
  prompt?: string;
  negative_prompt?: string;
  /** The prompt after `prompt_extend` rewrote it, when the service said. */
  actual_prompt?: string;
  /** `W*H` of this image. */
  size?: string;
  seed?: number;
  /** Request parameters as sent (n, prompt_extend, watermark, max_images, languages …). */
  parameters: Record<string, unknown>;
  request_id?: string;
  task_id?: string;
  /** ISO 8601 time the generation started. */
  created: string;
  /** 1-based index of this image in its result. */
  index?: number;
  /** Input images: paths relative to the saved file, or URLs without query strings. */
  sources?: string[];
}

/** Input of {@link buildProvenance}. */
export interface ProvenanceInput {
  model: string;
  prompt?: string;
  negativePrompt?: string;
  actualPrompt?: string;
  width?: number;
  height?: number;
  seed?: number;
  parameters?: Record<string, unknown>;
  requestId?: string;
  taskId?: string;
  created?: Date;
  index?: number;
  /** Source images as the caller resolved them (relative paths, or URLs). */
  sources?: readonly string[];
  generator?: string;
}

const KEY_PATTERN = /\bsk-[A-Za-z0-9_-]{6,}/g;

/** Replaces anything shaped like a DashScope key with `sk-***`. */
export function scrubSecrets(text: string): string {
  return text.replace(KEY_PATTERN, 'sk-***').replace(/Bearer\s+[^\s"',]+/gi, 'Bearer ***');
}

/**
 * A source reference safe to keep in a file: local paths as given (with `/` separators), http(s)
 * URLs without query string or fragment (signed URLs expire and carry signatures), nothing for
 * `oss://` (temporary uploads) or `data:` URIs.
 */
export function sourceReference(ref: string): string | undefined {
  const s = ref.trim();
  if (!s || s.startsWith('data:') || s.startsWith('oss://')) return undefined;
  if (/^https?:\/\//i.test(s)) {
    try {
      const u = new URL(s);
      return `${u.origin}${u.pathname}`;
    } catch {
      return undefined;
    }
  }
  return s.replace(/\\/g, '/');
}

/** Builds the record from explicit fields (never from a whole request, so nothing leaks in). */
export function buildProvenance(input: ProvenanceInput): ProvenanceRecord {
  const record: ProvenanceRecord = {
    version: 1,
    generator: input.generator ?? 'Bailian Image Studio',
    model: input.model,
    parameters: {},
    created: (input.created ?? new Date()).toISOString(),
  };
  if (input.prompt !== undefined && input.prompt !== '') record.prompt = scrubSecrets(input.prompt);
  if (input.negativePrompt) record.negative_prompt = scrubSecrets(input.negativePrompt);
  if (input.actualPrompt && input.actualPrompt !== input.prompt) record.actual_prompt = scrubSecrets(input.actualPrompt);
  if (input.width && input.height) record.size = `${input.width}*${input.height}`;
  if (input.seed !== undefined) record.seed = input.seed;
  for (const [k, v] of Object.entries(input.parameters ?? {})) {
    if (v === undefined || /key|token|secret|authorization/i.test(k)) continue;
    record.parameters[k] = scrubValue(v);
  }
  if (input.requestId) record.request_id = input.requestId;
  if (input.taskId) record.task_id = input.taskId;
  if (input.index !== undefined) record.index = input.index;
  const sources = (input.sources ?? []).map(sourceReference).filter((s): s is string => s !== undefined);
  if (sources.length) record.sources = sources.map(scrubSecrets);
  return record;
}

function scrubValue(v: unknown): unknown {
  if (typeof v === 'string') return scrubSecrets(/^https?:\/\//i.test(v) ? sourceReference(v) ?? '' : v);
  if (Array.isArray(v)) return v.map(scrubValue);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, val] of Object.entries(v)) out[k] = scrubValue(val);
    return out;
  }
  return v;
}

/**
 * The AUTOMATIC1111-style `parameters` text ("prompt\nNegative prompt: …\nSeed: 1, Size: WxH,
 * Model: m"), which many image viewers and tools display.
 */
export function parametersText(record: ProvenanceRecord): string {
  const lines = [record.prompt ?? ''];
  if (record.negative_prompt) lines.push(`Negative prompt: ${record.negative_prompt}`);
  const fields: string[] = [];
  if (record.seed !== undefined) fields.push(`Seed: ${record.seed}`);
  if (record.size) fields.push(`Size: ${record.size.replace('*', 'x')}`);
  fields.push(`Model: ${record.model}`);
  if (record.request_id) fields.push(`Request id: ${record.request_id}`);
  if (record.task_id) fields.push(`Task id: ${record.task_id}`);
  lines.push(fields.join(', '));
  return lines.join('\n');
}

/** The sidecar JSON text for formats without embedded text (JPG). */
export function sidecarJson(record: ProvenanceRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}


/** The chunks {@link embedProvenance} writes for a record. */
export function provenanceEntries(record: ProvenanceRecord): PngTextEntry[] {
  const entries: PngTextEntry[] = [
    { keyword: PROVENANCE_KEYWORD, text: JSON.stringify(record) },
    { keyword: 'parameters', text: parametersText(record) },
  ];
  if (record.prompt) entries.push({ keyword: 'Description', text: record.prompt });
  entries.push({ keyword: 'Software', text: record.generator });
  return entries;
}

/** What to write for an image: the (possibly rewritten) bytes and, when not embedded, a sidecar text. */
export interface ProvenanceOutput {
  bytes: Uint8Array;
  /** JSON for `<file>.json` when the format cannot carry the record itself. */
  sidecar?: string;
}

/**
 * Attaches the record to an image: embedded text chunks for PNG; for every other format (JPG) the
 * bytes stay untouched and a sidecar JSON is returned.
 */
export function embedProvenance(bytes: Uint8Array, format: string, record: ProvenanceRecord): ProvenanceOutput {
  if (format.toLowerCase() === 'png' && isPng(bytes)) return { bytes: embedPngText(bytes, provenanceEntries(record)) };
  return { bytes, sidecar: sidecarJson(record) };
}

/** Reads the `bailian` record back from a PNG, if there is one. */
export function readProvenance(png: Uint8Array): ProvenanceRecord | undefined {
  const entry = readPngText(png).find((e) => e.keyword === PROVENANCE_KEYWORD);
  if (!entry) return undefined;
  try {
    return JSON.parse(entry.text) as ProvenanceRecord;
  } catch {
    return undefined;
  }
}

/** The request as the service saw it, minus the prompts and images: one builder for every flow. */
export interface RequestLike {
  size?: string | undefined;
  n?: number | undefined;
  seed?: number | undefined;
  promptExtend?: boolean | undefined;
  watermark?: boolean | undefined;
  maxImages?: number | undefined;
  enableSequential?: boolean | undefined;
  thinkingMode?: boolean | undefined;
  colorPalette?: readonly unknown[] | undefined;
  bboxList?: readonly unknown[] | undefined;
  promptExtendMode?: string | undefined;
  enableThinking?: boolean | undefined;
  translation?: {
    sourceLang: string;
    targetLang: string;
    domainHint?: string | undefined;
    terminologies?: readonly { src: string; tgt: string }[] | undefined;
    sensitives?: readonly string[] | undefined;
    imageSegment?: boolean | undefined;
  } | undefined;
  /** Image-processing options (function and its settings); a reference image is kept only as a path or URL. */
  process?: Readonly<Record<string, unknown>> | undefined;
}

/**
 * The request parameters worth keeping with a file and in the history (snake_case, as on the
 * wire): the exact model id sent when it is a dated snapshot, size, n, seed, prompt_extend,
 * watermark, max_images, the wan2.7 / qwen-image-3.0 options and the translation options. The
 * CLI and the extension both use this one builder.
 */
export function provenanceParameters(request: RequestLike & { wireModel?: string | undefined }): Record<string, unknown> {
  const parameters: Record<string, unknown> = {};
  if (request.wireModel) parameters.model_version = request.wireModel;
  if (request.size !== undefined) parameters.size = request.size;
  if (request.n !== undefined) parameters.n = request.n;
  if (request.seed !== undefined) parameters.seed = request.seed;
  if (request.promptExtend !== undefined) parameters.prompt_extend = request.promptExtend;
  if (request.watermark !== undefined) parameters.watermark = request.watermark;
  if (request.maxImages !== undefined) parameters.max_images = request.maxImages;
  if (request.enableSequential !== undefined) parameters.enable_sequential = request.enableSequential;
  if (request.thinkingMode !== undefined) parameters.thinking_mode = request.thinkingMode;
  if (request.colorPalette?.length) parameters.color_palette = request.colorPalette;
  if (request.bboxList?.length) parameters.bbox_list = request.bboxList;
  if (request.promptExtendMode !== undefined) parameters.prompt_extend_mode = request.promptExtendMode;
  if (request.enableThinking !== undefined) parameters.enable_thinking = request.enableThinking;
  const t = request.translation;
  if (t) {
    parameters.source_lang = t.sourceLang;
    parameters.target_lang = t.targetLang;
    if (t.domainHint) parameters.domain_hint = t.domainHint;
    if (t.terminologies?.length) parameters.terminologies = t.terminologies;
    if (t.sensitives?.length) parameters.sensitives = t.sensitives;
    if (t.imageSegment !== undefined) parameters.image_segment = t.imageSegment;
  }
  if (request.process) {
    // The function and its options as the request gave them (camelCase), so regenerate can rebuild it.
    // The reference image is kept as a source reference only (a path or a URL without its query),
    // never as a data: URI; the caller lists its workspace path among the sources.
    const process: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(request.process)) {
      if (v === undefined) continue;
      if (k !== 'refImage') process[k] = v;
      else if (typeof v === 'string' && sourceReference(v) !== undefined) process[k] = sourceReference(v);
    }
    parameters.process = process;
  }
  return parameters;
}
