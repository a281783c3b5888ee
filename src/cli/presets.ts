/**
 * `--preset NAME` with `--set blank=value`: the request comes from the workspace's
 * `.bailian/presets.json` (found at or above the working folder, like the history manifest) instead
 * of the model and prompt flags. Every problem (a file that does not parse, an unknown preset, an
 * unknown model or an out-of-range parameter in it, a blank left unfilled, a `--set` for a blank
 * that does not exist) is a usage error naming the file, the preset and the field: exit 2, nothing
 * sent. Flags the preset does not pin may still be given (`--seed`, `--n`, `--size`, inputs).
 */
import { readFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { findModel, type GenerationRequest, type ModelSpec } from '../dashscope/index.js';
import { confinePath } from '../pipeline/confine.js';
import { GlossaryError, parseGlossary } from '../pipeline/glossary.js';
import { OutputTemplateError, renderOutputFolder } from '../pipeline/outputTemplate.js';
import { PRESETS_PATH, PresetError, findPreset, parseBlankAssignment, parsePresetsText, usePreset, withGlossaryTerms, type Preset } from '../pipeline/presets/index.js';
import { bool, buildRequest, integer, list, str, type UsedGlossary, type Values } from './args.js';
import { findWorkspaceRoot } from './historyRoot.js';
import { checkPresetVerb } from './presetVerbs.js';
import { PROGRAM, UsageError } from './usage.js';

/** A request built from a preset, with what the run records and where it saves. */
export interface PresetRun {
  spec: ModelSpec;
  request: GenerationRequest;
  nameText?: string;
  /** For provenance and history. */
  preset: { name: string; blanks: Record<string, string> };
  /** The output folder the preset's outputTemplate gives (absolute), unless --out was given. */
  outDir?: string;
  /** The preset's glossary file (absolute) and its terms, when it names one. */
  glossary?: UsedGlossary;
}

/** Flags that the preset replaces: giving them with --preset is an error rather than a silent choice. */
const REPLACED_BY_PRESET = ['model', 'prompt', 'negative', 'from', 'to', 'glossary', 'term', 'domain-hint', 'sensitive', 'keep-subjects', 'palette', 'prompt-extend-mode'];

function presetUsageError(error: PresetError, command: string): UsageError {
  return new UsageError(error.message, command, false);
}

/** Refuses flags (and a prompt) that the preset sets, rather than choosing between them silently. */
export function refuseReplacedFlags(name: string, sets: string, flags: readonly string[], values: Values, positionals: readonly string[], command: string): void {
  const given = flags.filter((f) => values[f] !== undefined);
  if (!given.length && !positionals.length) return;
  const what = [...given.map((f) => `--${f}`), ...(positionals.length ? [`the prompt "${positionals.join(' ')}"`] : [])];
  throw new UsageError(`--preset ${name} sets ${sets}; drop ${what.join(', ')} (fill the prompt's blanks with --set blank=value).`, command);
}

/** The `--set` values by blank name. */
export function blankValuesOf(values: Values, command: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of list(values, 'set')) {
    const parsed = parseBlankAssignment(raw);
    if (!parsed || !parsed.name) throw new UsageError(`--set takes blank=value, e.g. --set subject="a teapot"; got "${raw}".`, command);
    if (Object.hasOwn(out, parsed.name)) throw new UsageError(`--set ${parsed.name} is given twice; give each blank once.`, command);
    out[parsed.name] = parsed.value;
  }
  return out;
}

/** Reads the preset NAME from the presets file at or above `cwd`. */
export async function loadPreset(name: string, cwd: string, command: string): Promise<{ preset: Preset; root: string; file: string }> {
  const root = await findWorkspaceRoot(cwd, PRESETS_PATH);
  if (!root) {
    throw new UsageError(`--preset ${name}: there is no ${PRESETS_PATH} in ${cwd} or any folder above it; run ${PROGRAM} from the workspace that has one.`, command, false);
  }
  const path = join(root, ...PRESETS_PATH.split('/'));
  const shown = relative(cwd, path).split(sep).join('/') || PRESETS_PATH;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new UsageError(`Cannot read ${shown}: ${(err as Error).message}`, command, false);
  }
  try {
    return { preset: findPreset(name, parsePresetsText(text, shown), shown), root, file: shown };
  } catch (err) {
    if (err instanceof PresetError) throw presetUsageError(err, command);
    throw err;
  }
}

/** The request of `--preset` for `command`, with the overrides the flags give. */
export async function buildPresetRequest(command: string, values: Values, positionals: string[], cwd: string): Promise<PresetRun> {
  const name = str(values, 'preset')!;
  refuseReplacedFlags(name, 'the model, the prompt and its options', REPLACED_BY_PRESET, values, positionals, command);
  const { preset, root, file } = await loadPreset(name, cwd, command);
  checkPresetVerb(preset, file, command);
  const blanks = blankValuesOf(values, command);
  let request: GenerationRequest;
  let glossaryFile: string | undefined;
  let outputTemplate: string | undefined;
  try {
    ({ request, glossaryFile, outputTemplate } = usePreset(preset, blanks, { file, blankLabel: (b) => `--set ${b}=…` }));
  } catch (err) {
    if (err instanceof PresetError) throw presetUsageError(err, command);
    throw err;
  }
  let glossary: UsedGlossary | undefined;
  if (glossaryFile) {
    glossary = await readPresetGlossary(root, glossaryFile, preset, file, command);
    request = withGlossaryTerms(request, glossary.terms);
  }
  applyOverrides(request, values);
  const images = list(values, 'image');
  if (images.length) request.images = images;
  const spec = findModel(request.model)!;
  const outDir = str(values, 'out') === undefined && outputTemplate ? presetOutDir(outputTemplate, preset, spec, root, images[0] ? resolve(cwd, images[0]) : undefined, request, file, command) : undefined;
  const nameText = preset.mode === 'translate' ? `${stemOf(images[0])} ${request.translation?.targetLang ?? ''}`.trim() : request.prompt;
  return { spec, request, ...(nameText ? { nameText } : {}), preset: { name: preset.name, blanks }, ...(outDir ? { outDir } : {}), ...(glossary ? { glossary } : {}) };
}

function stemOf(path: string | undefined): string {
  if (!path) return 'image';
  return path.replace(/\\/g, '/').replace(/[?#].*$/, '').split('/').pop()!.replace(/\.[^.]+$/, '');
}

/** Flags that refine what the preset leaves open (or override its seed, size and count for this run). */
function applyOverrides(request: GenerationRequest, values: Values): void {
  const size = str(values, 'size');
  if (size !== undefined) request.size = size;
  const n = integer(values, 'n');
  if (n !== undefined) request.n = n;
  const seed = integer(values, 'seed');
  if (seed !== undefined) request.seed = seed;
  const maxImages = integer(values, 'max-images');
  if (maxImages !== undefined) request.maxImages = maxImages;
  for (const [flag, field] of [['prompt-extend', 'promptExtend'], ['watermark', 'watermark'], ['image-set', 'enableSequential'], ['thinking', 'thinkingMode'], ['enable-thinking', 'enableThinking']] as const) {
    const v = bool(values, flag);
    if (v !== undefined) request[field] = v;
  }
}

async function readPresetGlossary(root: string, ref: string, preset: Preset, file: string, command: string): Promise<UsedGlossary> {
  const confined = confinePath(ref, root.split(sep).join('/'));
  if (!confined.ok) throw new UsageError(`${file}: preset "${preset.name}", glossary: "${ref}" cannot be used: ${confined.reason}.`, command, false);
  const path = join(root, ...confined.segments);
  try {
    return { path, terms: parseGlossary(await readFile(path, 'utf8')) };
  } catch (err) {
    const why = err instanceof GlossaryError ? err.message : `cannot read it (${(err as Error).message})`;
    throw new UsageError(`${file}: preset "${preset.name}", glossary: ${ref}: ${why}`, command, false);
  }
}

/** The output folder a preset's outputTemplate gives (absolute), for a run on `source` (absolute, when the verb takes an image). */
export function presetOutDir(template: string, preset: Preset, spec: ModelSpec, root: string, source: string | undefined, request: GenerationRequest, file: string, command: string): string {
  const rel = source ? relative(root, source).split(sep).join('/') : undefined;
  const inside = rel !== undefined && !rel.startsWith('..') && !/^[a-z]:/i.test(rel) && !rel.startsWith('/');
  try {
    const folder = renderOutputFolder(
      template,
      {
        date: new Date(),
        model: spec.id,
        ...(inside ? { fileDirname: rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '', fileBasenameNoExtension: stemOf(rel) } : {}),
        ...(preset.mode === 'translate' && request.translation ? { lang: request.translation.targetLang } : {}),
      },
      `outputTemplate of preset "${preset.name}" in ${file}`,
    );
    return join(root, ...folder.split('/').filter(Boolean));
  } catch (err) {
    if (err instanceof OutputTemplateError) throw new UsageError(err.message, command, false);
    throw err;
  }
}

/** What a generating verb runs: the flags' request, or the preset's with `--preset`. */
export interface VerbRequest {
  spec: ModelSpec;
  request: GenerationRequest;
  nameText?: string;
  preset?: PresetRun['preset'];
  /** The glossary file a translation read (--glossary, or the preset's), to record with the job. */
  glossary?: UsedGlossary;
  /** The flags with --out set to the preset's output folder, when it has one. */
  values: Values;
}

/** The request of a generating verb, from its flags or from `--preset`. */
export async function requestOfVerb(command: string, values: Values, positionals: string[], cwd: string): Promise<VerbRequest> {
  if (str(values, 'preset') === undefined) {
    if (list(values, 'set').length) throw new UsageError(`--set fills the blanks of a preset; give --preset NAME as well.`, command);
    return { ...(await buildRequest(command, values, positionals)), values };
  }
  const run = await buildPresetRequest(command, values, positionals, cwd);
  const out = run.outDir !== undefined ? relative(cwd, run.outDir).split(sep).join('/') || '.' : undefined;
  return { spec: run.spec, request: run.request, ...(run.nameText ? { nameText: run.nameText } : {}), preset: run.preset, ...(run.glossary ? { glossary: run.glossary } : {}), values: out !== undefined ? { ...values, out } : values };
}
