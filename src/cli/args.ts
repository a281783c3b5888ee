/**
 * The CLI's flags: the option table of each verb, typed readers for parsed values, and turning
 * flags into a {@link GenerationRequest} (validated later by the client against the catalog).
 */
import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { MT_LANGUAGES, MT_TARGET_LANGUAGES, findModel, findVersion, modelDoes, modelsForTask, type GenerationRequest, type ModelSpec, type Task, type TranslationOptions } from '../dashscope/index.js';
import { GlossaryError, parseGlossary, type GlossaryTerm } from '../pipeline/glossary.js';
import { PROGRAM, UsageError } from './usage.js';

type Options = NonNullable<ParseArgsConfig['options']>;

const CONNECTION: Options = {
  region: { type: 'string' },
  'base-url': { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
};
const OUTPUT: Options = {
  out: { type: 'string', short: 'o' },
  template: { type: 'string' },
};
/** wan2.7 and qwen-image-3.0 options (newer-models.md). */
const MODEL_OPTIONS: Options = {
  'image-set': { type: 'boolean' },
  thinking: { type: 'boolean' },
  palette: { type: 'string' },
  box: { type: 'string', multiple: true },
  'prompt-extend-mode': { type: 'string' },
  'enable-thinking': { type: 'boolean' },
};
/** `--preset NAME` and its blanks (`--set subject="a teapot"`). */
const PRESET: Options = {
  preset: { type: 'string' },
  set: { type: 'string', multiple: true },
};
const PROMPTED: Options = {
  model: { type: 'string', short: 'm' },
  prompt: { type: 'string', short: 'p' },
  size: { type: 'string', short: 's' },
  seed: { type: 'string' },
  negative: { type: 'string' },
  watermark: { type: 'boolean' },
};

/** The flags every image-processing verb takes (upscale, extend, retouch, background). */
const PROCESS_COMMON: Options = { ...CONNECTION, ...PRESET, out: OUTPUT.out!, image: { type: 'string', short: 'i' }, n: { type: 'string', short: 'n' }, seed: { type: 'string' }, watermark: { type: 'boolean' }, async: { type: 'boolean' } };

/** The options of each verb. */
export const COMMAND_OPTIONS: Record<string, Options> = {
  generate: { ...CONNECTION, ...OUTPUT, ...PRESET, ...PROMPTED, ...MODEL_OPTIONS, n: { type: 'string', short: 'n' }, 'prompt-extend': { type: 'boolean' }, async: { type: 'boolean' } },
  edit: {
    ...CONNECTION,
    ...OUTPUT,
    ...PRESET,
    ...PROMPTED,
    ...MODEL_OPTIONS,
    n: { type: 'string', short: 'n' },
    'prompt-extend': { type: 'boolean' },
    async: { type: 'boolean' },
    image: { type: 'string', short: 'i', multiple: true },
  },
  translate: {
    ...CONNECTION,
    ...OUTPUT,
    ...PRESET,
    model: { type: 'string', short: 'm' },
    image: { type: 'string', short: 'i', multiple: true },
    from: { type: 'string' },
    to: { type: 'string' },
    'domain-hint': { type: 'string' },
    sensitive: { type: 'string', multiple: true },
    term: { type: 'string', multiple: true },
    glossary: { type: 'string' },
    'keep-subjects': { type: 'boolean' },
  },
  interleave: { ...CONNECTION, ...OUTPUT, ...PRESET, ...PROMPTED, image: { type: 'string', short: 'i', multiple: true }, 'max-images': { type: 'string' } },
  task: { ...CONNECTION, ...OUTPUT, model: { type: 'string', short: 'm' } },
  models: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
  history: {
    out: { type: 'string', short: 'o' },
    model: { type: 'string', short: 'm' },
    kind: { type: 'string' },
    outcome: { type: 'string' },
    since: { type: 'string' },
    grep: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
    quiet: { type: 'boolean', short: 'q' },
    help: { type: 'boolean', short: 'h' },
  },
  regenerate: { ...CONNECTION, ...OUTPUT, async: { type: 'boolean' }, 'all-changed': { type: 'boolean' }, 'dry-run': { type: 'boolean' } },
  upscale: { ...PROCESS_COMMON, factor: { type: 'string', short: 'f' } },
  extend: { ...PROCESS_COMMON, ratio: { type: 'string', short: 'r' }, top: { type: 'string' }, bottom: { type: 'string' }, left: { type: 'string' }, right: { type: 'string' } },
  retouch: { ...PROCESS_COMMON, mask: { type: 'string' }, op: { type: 'string' }, style: { type: 'string' }, strength: { type: 'string' }, 'is-sketch': { type: 'boolean' } },
  background: { ...PROCESS_COMMON, ref: { type: 'string' }, negative: { type: 'string' }, 'model-version': { type: 'string' }, 'noise-level': { type: 'string' }, 'ref-weight': { type: 'string' } },
};

/** Which catalog task each generating verb runs, and back. */
export const TASK_OF_COMMAND: Record<string, Task> = { generate: 'text-to-image', edit: 'image-edit', translate: 'translate', interleave: 'interleave' };
export const COMMAND_OF_TASK: Record<Task, string> = { 'text-to-image': 'generate', 'image-edit': 'edit', translate: 'translate', interleave: 'interleave', process: 'retouch' };

/** Parsed flag values. */
export type Values = Record<string, string | boolean | string[] | undefined>;

/** A string flag. */
export function str(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

/** A repeatable flag. */
export function list(values: Values, name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
}

/** A boolean flag (`--x` / `--no-x`), undefined when absent. */
export function bool(values: Values, name: string): boolean | undefined {
  const v = values[name];
  return typeof v === 'boolean' ? v : undefined;
}

/** A whole-number flag. */
export function integer(values: Values, name: string): number | undefined {
  const raw = str(values, name);
  if (raw === undefined) return undefined;
  if (!/^\s*-?\d+\s*$/.test(raw)) throw new UsageError(`--${name} must be a whole number; got "${raw}".`);
  return Number(raw);
}

/** A duration flag in seconds, as ms. */
export function seconds(values: Values, name: string): number | undefined {
  const raw = str(values, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} takes a number of seconds greater than 0; got "${raw}".`);
  return Math.round(n * 1000);
}

/** Maps request field paths (from RequestValidationError) to the flag the user should change. */
export function flagOf(path: string): string {
  const map: Record<string, string> = {
    size: '--size',
    n: '--n',
    seed: '--seed',
    negativePrompt: '--negative',
    promptExtend: '--prompt-extend',
    watermark: '--watermark',
    maxImages: '--max-images',
    enableSequential: '--image-set',
    thinkingMode: '--thinking',
    colorPalette: '--palette',
    bboxList: '--box',
    promptExtendMode: '--prompt-extend-mode',
    enableThinking: '--enable-thinking',
    images: '--image',
    model: '--model',
    prompt: 'the prompt',
    translation: '--from/--to',
    'translation.sourceLang': '--from',
    'translation.targetLang': '--to',
    'translation.domainHint': '--domain-hint',
  };
  const m = /^images\.(\d+)$/.exec(path);
  if (m) return `--image #${Number(m[1]) + 1}`;
  return map[path] ?? path;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

async function promptOf(values: Values, positionals: string[]): Promise<string | undefined> {
  const flag = str(values, 'prompt');
  if (flag !== undefined && positionals.length) throw new UsageError('Give the prompt either as text or with --prompt, not both.');
  const text = flag ?? (positionals.length ? positionals.join(' ') : undefined);
  if (text === '-') return (await readStdin()).trim();
  return text;
}

/** Resolves --model for a verb: catalog id or wire name; checks it fits the verb. */
export function resolveModel(command: string, raw: string | undefined): ModelSpec {
  const task = TASK_OF_COMMAND[command]!;
  const candidates = modelsForTask(task);
  if (!raw) return candidates[0]!;
  let spec = findModel(raw.trim());
  if (spec && task === 'interleave' && !modelDoes(spec, 'interleave')) spec = findModel(`${spec.model}:interleave`) ?? spec;
  if (!spec) throw new UsageError(`Unknown model "${raw}". Models for ${command}: ${candidates.map((m) => m.id).join(', ')} (see \`${PROGRAM} models\`).`);
  if (!modelDoes(spec, task)) {
    throw new UsageError(`${spec.id} is a ${spec.task} model; use \`${PROGRAM} ${COMMAND_OF_TASK[spec.task]}\`, or for ${command} one of: ${candidates.map((m) => m.id).join(', ')}.`);
  }
  return spec;
}

function parseTerm(raw: string): GlossaryTerm {
  const at = raw.indexOf('=');
  if (at <= 0 || at === raw.length - 1) throw new UsageError(`--term takes src=tgt (e.g. --term 千问=Qwen); got "${raw}".`);
  return { src: raw.slice(0, at).trim(), tgt: raw.slice(at + 1).trim() };
}

async function readGlossary(path: string): Promise<GlossaryTerm[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`Cannot read the glossary ${path}: ${(err as Error).message}`);
  }
  try {
    return parseGlossary(text);
  } catch (err) {
    if (err instanceof GlossaryError) throw new UsageError(`The glossary ${path}: ${err.message}`);
    throw err;
  }
}

/** The glossary file a translation read (as given), and its terms: the request's last. */
export interface UsedGlossary {
  readonly path: string;
  readonly terms: readonly GlossaryTerm[];
}

/** A verb's flags as a request, plus the text the `${prompt}` name variable is made of. */
export async function buildRequest(command: string, values: Values, positionals: string[]): Promise<{ spec: ModelSpec; request: GenerationRequest; nameText?: string; glossary?: UsedGlossary }> {
  const rawModel = str(values, 'model')?.trim();
  const spec = resolveModel(command, rawModel);
  // A dated snapshot (`--model qwen-image-2.0-2026-03-03`) is sent as given, so runs are reproducible.
  const request: GenerationRequest = { model: rawModel && findVersion(spec, rawModel) ? rawModel : spec.id };
  if (command === 'translate') {
    if (positionals.length) throw new UsageError(`translate takes no prompt; unexpected "${positionals.join(' ')}".`);
    const to = str(values, 'to');
    if (!to) throw new UsageError(`translate needs --to <lang>: one of ${MT_TARGET_LANGUAGES.map((c) => `${c} (${MT_LANGUAGES[c]})`).join(', ')}.`);
    const terms = list(values, 'term').map(parseTerm);
    const glossary = str(values, 'glossary');
    const fromFile = glossary ? await readGlossary(glossary) : [];
    terms.push(...fromFile);
    const translation: TranslationOptions = { sourceLang: str(values, 'from') ?? 'auto', targetLang: to };
    const hint = str(values, 'domain-hint');
    if (hint) translation.domainHint = hint;
    const sensitives = list(values, 'sensitive');
    if (sensitives.length) translation.sensitives = sensitives;
    if (terms.length) translation.terminologies = terms;
    if (bool(values, 'keep-subjects')) translation.imageSegment = true;
    request.translation = translation;
    const inputs = list(values, 'image');
    request.images = inputs;
    const first = inputs[0];
    const stem = first ? posix.basename(first.replace(/\\/g, '/').replace(/[?#].*$/, '')).replace(/\.[^.]+$/, '') : 'image';
    return { spec, request, nameText: `${stem} ${to}`, ...(glossary ? { glossary: { path: glossary, terms: fromFile } } : {}) };
  }
  const prompt = await promptOf(values, positionals);
  if (prompt !== undefined) request.prompt = prompt;
  else if (spec.prompt.required) throw new UsageError(`${command} needs a prompt: \`${PROGRAM} ${command} "a red fox in the snow"\`, --prompt <text>, or - to read stdin.`);
  const negative = str(values, 'negative');
  if (negative !== undefined) request.negativePrompt = negative;
  const size = str(values, 'size');
  if (size !== undefined) request.size = size;
  const n = integer(values, 'n');
  if (n !== undefined) request.n = n;
  const extend = bool(values, 'prompt-extend');
  if (extend !== undefined) request.promptExtend = extend;
  const watermark = bool(values, 'watermark');
  if (watermark !== undefined) request.watermark = watermark;
  const maxImages = integer(values, 'max-images');
  if (maxImages !== undefined) request.maxImages = maxImages;
  const images = list(values, 'image');
  if (images.length) request.images = images;
  const imageSet = bool(values, 'image-set');
  if (imageSet !== undefined) request.enableSequential = imageSet;
  const thinking = bool(values, 'thinking');
  if (thinking !== undefined) request.thinkingMode = thinking;
  const palette = str(values, 'palette');
  if (palette !== undefined) request.colorPalette = parsePalette(palette);
  const boxes = list(values, 'box');
  if (boxes.length) request.bboxList = parseBoxes(boxes, images.length);
  const extendMode = str(values, 'prompt-extend-mode');
  if (extendMode !== undefined) request.promptExtendMode = extendMode as GenerationRequest['promptExtendMode'];
  const enableThinking = bool(values, 'enable-thinking');
  if (enableThinking !== undefined) request.enableThinking = enableThinking;
  const seed = integer(values, 'seed');
  if (seed !== undefined) request.seed = seed;
  return { spec, request, ...(prompt !== undefined ? { nameText: prompt } : {}) };
}


/** `--palette "#C2D1E6:23.5,#636574:76.5"`: colours with their share in percent (the client checks 3–10 and the sum). */
export function parsePalette(raw: string): NonNullable<GenerationRequest['colorPalette']> {
  return raw.split(',').map((part) => {
    const [hex, ratio] = part.split(':').map((s) => s.trim());
    if (!hex || !ratio || !/^#?[0-9a-f]{6}$/i.test(hex) || !/^\d+(\.\d+)?%?$/.test(ratio)) {
      throw new UsageError(`--palette takes hex:percent pairs separated by commas, e.g. "#C2D1E6:23.5,#636574:76.5"; "${part.trim()}" is not one.`);
    }
    return { hex: hex.startsWith('#') ? hex.toUpperCase() : `#${hex.toUpperCase()}`, ratio: ratio.endsWith('%') ? ratio : `${ratio}%` };
  });
}

/**
 * `--box N:x1,y1,x2,y2` (repeatable): a box on input image N (1-based) in that image's pixels.
 * Becomes bbox_list: one list per input image, in image order (empty for images without boxes).
 */
export function parseBoxes(raw: readonly string[], imageCount: number): NonNullable<GenerationRequest['bboxList']> {
  const lists: [number, number, number, number][][] = Array.from({ length: Math.max(imageCount, 1) }, () => []);
  for (const box of raw) {
    const m = /^\s*(\d+)\s*:\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*$/.exec(box);
    if (!m) throw new UsageError(`--box takes image:x1,y1,x2,y2 in that image's pixels, e.g. --box 1:10,20,300,400; "${box}" is not one.`);
    const image = Number(m[1]);
    if (image < 1 || image > imageCount) throw new UsageError(`--box ${box}: there is no input image ${image} (you gave ${imageCount} --image).`);
    lists[image - 1]!.push([Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])]);
  }
  return lists;
}
