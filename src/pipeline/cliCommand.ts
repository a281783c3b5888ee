/**
 * "Copy as CLI Command": the `bailian-image` command line that runs a job again, built from a
 * file's provenance or a history line, for a CI step or a colleague's terminal.
 *
 * The command is meant to be run from the workspace folder's root: input images are workspace
 * paths, and `--out` is the folder the original landed in. A job that came from a preset is
 * written as `--preset NAME --set blank=value …`; any other job as its model and parameters as
 * recorded (the exact snapshot id when one was sent). Every word is quoted for a POSIX shell.
 *
 * It is built from explicit fields only, never from a whole record, so the API key (which no
 * record holds anyway), a base URL or a region never reaches it: those come from the
 * environment of whoever runs it (DASHSCOPE_API_KEY).
 *
 * Pure (no `vscode`, no Node built-ins).
 */
import { findModel } from '../dashscope/index.js';
import type { HistoryEntry } from './history.js';
import type { ProvenanceRecord } from './provenance.js';

/** The CLI's program name. */
export const CLI_PROGRAM = 'bailian-image';

/** A job as the command builder needs it: what was sent, where inputs and outputs are. */
export interface ReproducibleJob {
  /** `guide` becomes `interleave`; otherwise derived from the parameters and inputs. */
  readonly kind?: HistoryEntry['kind'] | undefined;
  /** Catalog id. */
  readonly model: string;
  readonly prompt?: string | undefined;
  readonly negativePrompt?: string | undefined;
  /** Request parameters as sent (snake_case, see provenanceParameters). */
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Input images: workspace paths or URLs, in request order. */
  readonly inputs: readonly string[];
  /** Workspace-relative folder the original was saved in (`''` for the root). */
  readonly outDir?: string | undefined;
  /** The preset the job came from and the values of its blanks. */
  readonly preset?: { readonly name: string; readonly values?: Readonly<Record<string, string>> | undefined } | undefined;
  /** A job of one-image requests, one a seed (Variations): one command per seed. */
  readonly seeds?: readonly number[] | undefined;
  /** What `regenerate` takes to make it again: the image's workspace path, or the history entry's id. */
  readonly origin?: string | undefined;
}

/** Characters a POSIX shell reads literally outside quotes. */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One word for a POSIX shell: bare when it is safe, else in single quotes (`'` as `'\''`). */
export function shellQuote(word: string): string {
  if (word !== '' && SAFE_WORD.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** `--flag value`, or `--flag=value` when the value starts with `-` (so it is not read as a flag). */
function option(flag: string, value: string | number): string[] {
  const text = String(value);
  return text.startsWith('-') ? [`--${flag}=${text}`] : [`--${flag}`, text];
}

function boolOption(flag: string, value: unknown): string[] {
  return typeof value === 'boolean' ? [value ? `--${flag}` : `--no-${flag}`] : [];
}

function numberOf(p: Readonly<Record<string, unknown>>, key: string): number | undefined {
  return typeof p[key] === 'number' && Number.isFinite(p[key]) ? (p[key] as number) : undefined;
}

function textOf(p: Readonly<Record<string, unknown>>, key: string): string | undefined {
  return typeof p[key] === 'string' ? (p[key] as string) : undefined;
}

/** The CLI verbs of the image operations. */
export type ProcessVerb = 'upscale' | 'extend' | 'retouch' | 'background';

/**
 * The verb of an image operation, from its model and function: image-out-painting and `expand`
 * extend, `super_resolution` upscales, wanx-background-generation-v2 replaces the background,
 * every other wanx2.1-imageedit function retouches.
 */
export function processVerbOf(model: string, fn: string | undefined): ProcessVerb {
  const id = findModel(model)?.id ?? model;
  if (id === 'image-out-painting') return 'extend';
  if (id === 'wanx-background-generation-v2') return 'background';
  if (fn === 'super_resolution') return 'upscale';
  if (fn === 'expand') return 'extend';
  return 'retouch';
}

function processFunctionOf(job: ReproducibleJob): string | undefined {
  const process = job.parameters.process;
  return process && typeof process === 'object' && typeof (process as { function?: unknown }).function === 'string' ? (process as { function: string }).function : undefined;
}

/** The verb that runs the job again. */
export function verbOf(job: ReproducibleJob): 'generate' | 'edit' | 'translate' | 'interleave' | ProcessVerb {
  if (job.kind === 'process' || findModel(job.model)?.processing) return processVerbOf(job.model, processFunctionOf(job));
  if (job.kind === 'guide' || findModel(job.model)?.mode === 'stream') return 'interleave';
  if (job.kind === 'translate' || textOf(job.parameters, 'target_lang') !== undefined) return 'translate';
  if (job.kind === 'edit' || job.inputs.length > 0) return 'edit';
  return 'generate';
}

/** `color_palette` back to `--palette "#hex:pct,…"`. */
function paletteOf(value: unknown): string | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const parts = value.map((c: { hex?: unknown; ratio?: unknown }) => (typeof c?.hex === 'string' && (typeof c.ratio === 'string' || typeof c.ratio === 'number') ? `${c.hex}:${String(c.ratio)}` : undefined));
  return parts.every((p) => p !== undefined) ? parts.join(',') : undefined;
}

/** `bbox_list` back to `--box N:x1,y1,x2,y2` words (one list per input image). */
function boxesOf(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((boxes: unknown, image) =>
    Array.isArray(boxes) ? boxes.filter((b): b is number[] => Array.isArray(b) && b.length === 4 && b.every((x) => typeof x === 'number')).map((b) => `${image + 1}:${b.join(',')}`) : [],
  );
}

/** The model and parameter flags of a job that did not come from a preset. */
function parameterWords(job: ReproducibleJob, verb: ReturnType<typeof verbOf>): string[] {
  const p = job.parameters;
  // The exact id sent when it was a dated snapshot, so the command reproduces that version.
  const words = option('model', textOf(p, 'model_version') ?? job.model);
  if (verb === 'translate') {
    const from = textOf(p, 'source_lang');
    if (from !== undefined && from !== 'auto') words.push(...option('from', from));
    words.push(...option('to', textOf(p, 'target_lang') ?? ''));
    const hint = textOf(p, 'domain_hint');
    if (hint) words.push(...option('domain-hint', hint));
    if (Array.isArray(p.sensitives)) for (const s of p.sensitives) if (typeof s === 'string') words.push(...option('sensitive', s));
    if (Array.isArray(p.terminologies)) for (const t of p.terminologies as { src?: unknown; tgt?: unknown }[]) if (typeof t?.src === 'string' && typeof t.tgt === 'string') words.push(...option('term', `${t.src}=${t.tgt}`));
    if (p.image_segment === true) words.push('--keep-subjects');
    return words;
  }
  if (job.prompt !== undefined) words.push(...option('prompt', job.prompt));
  if (job.negativePrompt) words.push(...option('negative', job.negativePrompt));
  const size = textOf(p, 'size');
  if (size !== undefined) words.push(...option('size', size));
  const n = numberOf(p, 'n');
  if (n !== undefined && verb !== 'interleave') words.push(...option('n', n));
  const seed = numberOf(p, 'seed');
  if (seed !== undefined) words.push(...option('seed', seed));
  const maxImages = numberOf(p, 'max_images');
  if (maxImages !== undefined && verb === 'interleave') words.push(...option('max-images', maxImages));
  if (verb === 'interleave') return words;
  words.push(...boolOption('prompt-extend', p.prompt_extend), ...boolOption('watermark', p.watermark));
  words.push(...boolOption('image-set', p.enable_sequential), ...boolOption('thinking', p.thinking_mode));
  const palette = paletteOf(p.color_palette);
  if (palette) words.push(...option('palette', palette));
  for (const box of boxesOf(p.bbox_list)) words.push(...option('box', box));
  const extendMode = textOf(p, 'prompt_extend_mode');
  if (extendMode !== undefined) words.push(...option('prompt-extend-mode', extendMode));
  words.push(...boolOption('enable-thinking', p.enable_thinking));
  return words;
}

/**
 * The argument words (without the program name) that run the job again: the verb, the preset or
 * the model and parameters, the input images and the output folder.
 */
export function cliArguments(job: ReproducibleJob): string[] {
  const verb = verbOf(job);
  if (isProcessVerb(verb)) return processArguments(job, verb);
  const words: string[] = [verb];
  // A preset fixes the model and parameters; the seed is what makes this very image.
  words.push(...(job.preset ? [...presetWords(job.preset), ...seedWords(job)] : parameterWords(job, verb)));
  for (const input of job.inputs) words.push(...option('image', input));
  if (job.outDir !== undefined) words.push(...option('out', job.outDir === '' ? '.' : job.outDir));
  return words;
}

/** Whether the verb is an image operation's. */
function isProcessVerb(verb: ReturnType<typeof verbOf>): verb is ProcessVerb {
  return verb === 'upscale' || verb === 'extend' || verb === 'retouch' || verb === 'background';
}

/** `--preset NAME --set blank=value …`. */
function presetWords(preset: NonNullable<ReproducibleJob['preset']>): string[] {
  return [...option('preset', preset.name), ...Object.entries(preset.values ?? {}).flatMap(([blank, value]) => option('set', `${blank}=${value}`))];
}

/** `--seed N` when the job recorded one. */
function seedWords(job: ReproducibleJob): string[] {
  const seed = numberOf(job.parameters, 'seed');
  return seed === undefined ? [] : option('seed', seed);
}

/** An image operation made without a preset, which is made again from its record (see {@link processArguments}). */
function madeAgainFromRecord(job: ReproducibleJob): boolean {
  return isProcessVerb(verbOf(job)) && !job.preset && job.origin !== undefined;
}

/**
 * The words of an image operation. One made from a preset runs the preset with the verb of its
 * operation: `upscale --preset NAME --image a.png`, the blanks and the seed, its mask or reference
 * (recorded after the image, in that order). One made without a preset may hold options no flag
 * of its verb takes (out-painting offsets, an angle): it is made again from what it recorded,
 * `regenerate <file | entry id>`, which maps every option back.
 */
function processArguments(job: ReproducibleJob, verb: ProcessVerb): string[] {
  if (madeAgainFromRecord(job)) return ['regenerate', job.origin!];
  const words: string[] = [verb, ...(job.preset ? presetWords(job.preset) : []), ...seedWords(job)];
  const [image, second, third] = job.inputs;
  if (image !== undefined) words.push(...option('image', image));
  if (second !== undefined) words.push(...option(findModel(job.model)?.id === 'wanx-background-generation-v2' ? 'ref' : 'mask', second));
  if (third !== undefined) words.push(...option('ref', third));
  if (job.outDir !== undefined) words.push(...option('out', job.outDir === '' ? '.' : job.outDir));
  return words;
}

/** The one-image job of each seed of a Variations job (its own seed, n = 1 where n was sent); the job itself otherwise. */
export function jobsOfSeeds(job: ReproducibleJob): ReproducibleJob[] {
  if (!job.seeds?.length) return [job];
  const { seeds, ...one } = job;
  return seeds.map((seed) => ({ ...one, parameters: { ...job.parameters, seed, ...(typeof job.parameters.n === 'number' ? { n: 1 } : {}) } }));
}

/**
 * The whole command line, quoted for a POSIX shell (sh, bash, zsh; Git Bash on Windows). A job of
 * one-image requests with a seed each (Variations) is one command per seed, joined by `&&`.
 */
export function cliCommand(job: ReproducibleJob): string {
  // An operation made again from its record: one `regenerate`, whatever its seeds.
  if (madeAgainFromRecord(job)) return [CLI_PROGRAM, ...cliArguments(job)].map(shellQuote).join(' ');
  return jobsOfSeeds(job)
    .map((one) => [CLI_PROGRAM, ...cliArguments(one)].map(shellQuote).join(' '))
    .join(' && ');
}

function folderOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/**
 * The job that reproduces ONE image from its provenance: its own seed and a single image (as
 * `regenerate <file>` does). `path` is the image's workspace-relative path.
 */
export function jobOfProvenance(record: ProvenanceRecord, path: string): ReproducibleJob {
  const parameters: Record<string, unknown> = { ...(record.parameters ?? {}) };
  if (record.seed !== undefined) parameters.seed = record.seed;
  if (typeof parameters.n === 'number') parameters.n = 1;
  const preset = presetOf(record as unknown as Record<string, unknown>);
  return {
    model: record.model,
    prompt: record.prompt,
    negativePrompt: record.negative_prompt,
    parameters,
    inputs: record.sources ?? [],
    outDir: folderOf(path),
    ...(preset ? { preset } : {}),
    origin: path,
  };
}

/** The job a history line recorded, whole (its seed and n, or the seed of each request of Variations). */
export function jobOfHistoryEntry(entry: HistoryEntry): ReproducibleJob {
  const parameters: Record<string, unknown> = { ...entry.parameters };
  if (entry.size !== undefined) parameters.size = entry.size;
  if (entry.n !== undefined) parameters.n = entry.n;
  if (entry.seed !== undefined) parameters.seed = entry.seed;
  const first = entry.outputs[0]?.path;
  const preset = presetOf(entry as unknown as Record<string, unknown>);
  return {
    kind: entry.kind,
    model: entry.model,
    prompt: entry.prompt,
    negativePrompt: entry.negativePrompt,
    parameters,
    inputs: entry.inputs,
    ...(first !== undefined ? { outDir: folderOf(first) } : {}),
    ...(preset ? { preset } : {}),
    ...(entry.seeds?.length ? { seeds: entry.seeds } : {}),
    origin: entry.id,
  };
}

/**
 * The preset a record names, when it has one: `preset` as a name (with the blanks in
 * `presetValues`, or `blanks`) or as `{ name, values }`.
 */
function presetOf(record: Record<string, unknown>): ReproducibleJob['preset'] {
  const raw = record.preset;
  const strings = (v: unknown): Record<string, string> | undefined =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === 'string')) : undefined;
  if (typeof raw === 'string' && raw) return { name: raw, values: strings(record.presetValues ?? record.blanks ?? record.preset_values) };
  if (raw && typeof raw === 'object' && typeof (raw as { name?: unknown }).name === 'string') {
    const r = raw as { name: string; values?: unknown; blanks?: unknown };
    return { name: r.name, values: strings(r.values ?? r.blanks) };
  }
  return undefined;
}
