/**
 * `regenerate <file-or-history-entry-id>`: re-runs a job with the same model, prompt, negative
 * prompt, seed, size, parameters and input images, and writes a NEW file (saves never overwrite).
 *
 * - A PNG carries its provenance in a text chunk, a JPG in its `<file>.json` sidecar: that one
 *   image is regenerated (its own seed, one image).
 * - A history entry id (or a unique prefix of one, see `history`) re-runs the whole job as the
 *   manifest recorded it (its seed and n). A Variations line (`seeds`) is re-run as it was sent:
 *   one request of one image a recorded seed, each recorded as a line of its own.
 *
 * Input images are looked up relative to the workspace root (the folder holding
 * `.bailian/history.jsonl`), then relative to the file's folder. Works in CI with
 * DASHSCOPE_API_KEY like every other verb.
 */
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { DashScopeError, getModel, type GenerationRequest } from '../dashscope/index.js';
import type { GlossaryRecord } from '../pipeline/glossary.js';
import { newJobId, type HistoryEntry } from '../pipeline/history.js';
import { runImageJob, type ImageJobResult } from '../pipeline/images.js';
import { pathExists } from '../pipeline/nodeFs.js';
import { renderName } from '../pipeline/naming.js';
import type { ProvenanceRecord } from '../pipeline/provenance.js';
import { kindOfRequest, provenanceOfImage, requestOfParameters, requestOfRecord } from '../pipeline/reproduce.js';
import { bool, seconds, str, type Values } from './args.js';
import { DEFAULT_OUT, EXIT, PROGRAM, UsageError, cliOutput, createClient, progressPrinter, taskRecorder, recordImageJob, type CliSavedFile, type Io, type RunState } from './context.js';
import { printImageResult, templateOf } from './generate.js';
import { findEntry, findHistoryRoot, readWorkspaceHistory } from './history.js';
import { processSourcesOf } from './process.js';
import { isProcessingModel, placeProcessInputs, readRecord } from './regenerateProcess.js';
import { operationStem } from '../pipeline/operationNames.js';

/** What a regeneration re-runs, and where its files go by default. */
export interface Regeneration {
  request: GenerationRequest;
  kind: 'generate' | 'edit' | 'translate' | 'process';
  /** What it came from, for the progress line. */
  origin: string;
  /** Default output folder (relative to the cwd or absolute): where the original is. */
  outDir: string;
  /** The preset it was made from, recorded again with the new files. */
  preset?: { name: string; blanks?: Readonly<Record<string, string>> | undefined } | undefined;
  /** The glossary file whose terms end the request's, recorded again with the new files. */
  glossary?: GlossaryRecord | undefined;
}

function kindOf(request: GenerationRequest): Regeneration['kind'] {
  return kindOfRequest(request, request.images?.length ?? 0);
}

function refuseStreams(model: string): void {
  let spec;
  try {
    spec = getModel(model);
  } catch {
    throw new UsageError(`The recorded model "${model}" is not in this version's catalog (see \`${PROGRAM} models\`).`, 'regenerate', false);
  }
  if (spec.mode === 'stream') throw new UsageError(`${spec.id} wrote an illustrated guide; run it again with \`${PROGRAM} interleave\` (a stream cannot be regenerated image by image).`, 'regenerate', false);
}

/** Resolves recorded input images: URLs as they are, paths against each base folder in turn. */
export async function resolveInputs(sources: readonly string[], bases: readonly string[], cwd: string): Promise<string[]> {
  const out: string[] = [];
  for (const source of sources) {
    if (/^https?:\/\//i.test(source)) {
      out.push(source);
      continue;
    }
    let found: string | undefined;
    for (const base of isAbsolute(source) ? [''] : bases) {
      const candidate = resolve(base, source);
      if (await pathExists(candidate)) {
        found = candidate;
        break;
      }
    }
    if (!found) throw new UsageError(`The input image "${source}" of the original job is not there any more (looked in ${bases.join(', ')}).`, 'regenerate', false);
    const rel = relative(cwd, found);
    out.push(rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : found);
  }
  return out;
}

/** The provenance of an image file: embedded (PNG) or in its sidecar (`photo.jpg.json`). */
export async function provenanceOfFile(path: string): Promise<ProvenanceRecord | undefined> {
  const bytes = new Uint8Array(await readFile(path));
  return provenanceOfImage(path, bytes, async (sidecar) => ((await pathExists(sidecar)) ? readFile(sidecar, 'utf8') : undefined));
}

/** What regenerating one image file re-runs: its own seed, one image. */
export async function regenerationOfFile(path: string, io: Io): Promise<Regeneration> {
  const record = await provenanceOfFile(path);
  if (!record) throw new UsageError(`${path} has no Bailian provenance (a PNG text chunk or a .json sidecar), so it cannot be regenerated.`, 'regenerate', false);
  refuseStreams(record.model);
  const request = readRecord(() => requestOfRecord(record));
  const folder = dirname(path);
  const root = await findHistoryRoot(folder);
  const sources = record.sources ?? [];
  const inputs = sources.length ? await resolveInputs(sources, [...(root ? [root] : []), folder], io.cwd) : [];
  if (isProcessingModel(request.model)) placeProcessInputs(request, inputs, path);
  else if (inputs.length) request.images = inputs;
  const preset = record.preset && typeof record.preset.name === 'string' ? { name: record.preset.name, ...(record.preset.blanks ? { blanks: record.preset.blanks } : {}) } : undefined;
  return { request, kind: kindOf(request), origin: path, outDir: folder, ...(preset ? { preset } : {}) };
}

/** What re-running a history entry sends: the job as recorded (one regeneration a seed for Variations). */
export async function regenerationsOfEntry(entry: HistoryEntry, root: string, io: Io): Promise<Regeneration[]> {
  const whole = await regenerationOfEntry(entry, root, io);
  if (!entry.seeds?.length) return [whole];
  return entry.seeds.map((seed, i) => ({
    ...whole,
    request: { ...whole.request, seed, ...(whole.request.n !== undefined ? { n: 1 } : {}) },
    origin: `${whole.origin} (variation ${i + 1} of ${entry.seeds!.length})`,
  }));
}

/** What re-running a history entry sends: the job as recorded. */
export async function regenerationOfEntry(entry: HistoryEntry, root: string, io: Io): Promise<Regeneration> {
  if (entry.kind === 'guide') throw new UsageError(`Entry ${entry.id} is an illustrated guide; run it again with \`${PROGRAM} interleave\`.`, 'regenerate', false);
  refuseStreams(entry.model);
  const request = readRecord(() => requestOfParameters(entry.model, entry.prompt, entry.negativePrompt, entry.parameters));
  if (entry.size !== undefined) request.size = entry.size;
  if (entry.n !== undefined) request.n = entry.n;
  if (entry.seed !== undefined) request.seed = entry.seed;
  const inputs = entry.inputs.length ? await resolveInputs(entry.inputs, [root], io.cwd) : [];
  if (isProcessingModel(request.model)) placeProcessInputs(request, inputs, `History entry ${entry.id}`);
  else if (inputs.length) request.images = inputs;
  const first = entry.outputs[0]?.path;
  const outDir = first ? dirname(join(root, ...first.split('/'))) : DEFAULT_OUT;
  // The same terms as recorded, so the same glossary record: the new line says where they came from too.
  return { request, kind: kindOf(request), origin: `history entry ${entry.id}`, outDir, ...(entry.preset ? { preset: entry.preset } : {}), ...(entry.glossary ? { glossary: entry.glossary } : {}) };
}

/** Runs `regenerate <file | entry id>` (main.ts sends --all-changed to regenerateChanged.ts). */
export async function runRegenerate(values: Values, positionals: string[], io: Io, state: RunState): Promise<number> {
  if (bool(values, 'dry-run')) throw new UsageError('--dry-run goes with --all-changed (it lists the jobs that would run again).', 'regenerate');
  const [target, ...rest] = positionals;
  if (!target) throw new UsageError(`regenerate needs an image file or a history entry id (see \`${PROGRAM} history\`), or --all-changed.`, 'regenerate');
  if (rest.length) throw new UsageError(`Unexpected argument${rest.length === 1 ? '' : 's'}: ${rest.join(' ')}.`, 'regenerate');
  const path = resolve(io.cwd, target);
  if (await pathExists(path)) return runRegeneration(await regenerationOfFile(path, io), values, io, state);
  const { root, entries } = await readWorkspaceHistory(values, io, 'regenerate');
  const entry = findEntry(entries, target);
  if (!entry) throw new UsageError(`"${target}" is neither a file nor the id of an entry in ${join(root, '.bailian/history.jsonl')}.`, 'regenerate', false);
  return runRegenerations(await regenerationsOfEntry(entry, root, io), values, io, state);
}

/**
 * Runs regenerations one after the other (the requests of a Variations line); one that fails does
 * not hold the others back, and the run still exits non-zero.
 */
export async function runRegenerations(regenerations: readonly Regeneration[], values: Values, io: Io, state: RunState): Promise<number> {
  if (regenerations.length === 1) return runRegeneration(regenerations[0]!, values, io, state);
  let code: number = EXIT.ok;
  for (const regeneration of regenerations) {
    if (state.interrupted()) break;
    try {
      if ((await runRegeneration(regeneration, values, io, state)) !== EXIT.ok) code = EXIT.failure;
    } catch (error) {
      if (state.interrupted() || error instanceof UsageError) throw error;
      io.err(`error: ${regeneration.origin} failed: ${error instanceof Error ? error.message : String(error)}`);
      code = EXIT.failure;
    }
  }
  return code;
}

/** Runs one regeneration: a new file next to the original (or in --out), and its history line. */
export async function runRegeneration(regeneration: Regeneration, values: Values, io: Io, state: RunState): Promise<number> {
  const { request, kind } = regeneration;
  const quiet = bool(values, 'quiet') === true;
  const useAsync = bool(values, 'async') === true;
  const template = templateOf(values, { n: request.n ?? 1 });
  const timeoutMs = seconds(values, 'timeout');
  state.timeoutMs = timeoutMs;
  const client = createClient(values, io);
  const outValues: Values = { ...values, out: str(values, 'out') ?? relativeOrAbsolute(io.cwd, regeneration.outDir) };
  let result: ImageJobResult<CliSavedFile> | undefined;
  let failure: unknown;
  const started = new Date();
  const jobId = newJobId(started);
  const output = await cliOutput(outValues, io);
  const sources = kind === 'process' ? processSourcesOf(request, output) : (request.images ?? []).filter((i): i is string => typeof i === 'string').map(output.reference);
  const count = request.n ?? 1;
  try {
    client.validate(request, { async: useAsync });
    if (!quiet) io.err(`regenerating ${regeneration.origin} with ${request.model}${request.seed !== undefined ? ` (seed ${request.seed})` : ''}…`);
    const asyncRun = useAsync || getModel(request.model).mode === 'async';
    const signal = timeoutMs !== undefined && !asyncRun ? AbortSignal.any([state.signal, AbortSignal.timeout(timeoutMs)]) : state.signal;
    result = await runImageJob(request, {
      client,
      saver: output.saver,
      rescue: output.rescue,
      signal,
      async: useAsync,
      started,
      sources,
      jobId,
      ...(regeneration.preset ? { preset: regeneration.preset } : {}),
      // The seed is the original's; no new random one where the original had none.
      randomizeSeed: false,
      // A processing result is named for its operation next to the original (photo.x2-1.png once photo.x2.png exists).
      name: (image) =>
        kind === 'process' && typeof request.images?.[0] === 'string'
          ? operationStem(request.images[0], request, image.index, count)
          : renderName(template, { ...image, prompt: request.prompt ?? (request.translation ? `regenerated ${request.translation.targetLang}` : undefined) }),
      ...(timeoutMs !== undefined && asyncRun ? { waitTimeoutMs: timeoutMs } : {}),
      onClientProgress: progressPrinter(io, quiet, state),
      onSubmitted: taskRecorder(io, quiet, state),
    });
    return printImageResult(io, values, result, request.prompt);
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    await client.close();
    // A request refused before sending (usage, validation) is not a job of the history.
    if (result || failure instanceof DashScopeError || state.interrupted()) {
      const context = { id: jobId, kind, source: 'cli' as const, model: request.model, request, inputs: sources, started, taskId: state.task?.taskId, region: client.region ?? 'beijing', ...(regeneration.preset ? { preset: regeneration.preset } : {}), ...(regeneration.glossary ? { glossary: regeneration.glossary } : {}) };
      await recordImageJob(output, io, context, result, failure, state.interrupted());
    }
  }
}

function relativeOrAbsolute(cwd: string, dir: string): string {
  const abs = resolve(cwd, dir);
  const rel = relative(cwd, abs);
  return rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? abs : rel;
}

