/**
 * `generate`, `edit` and `translate`: flags → request → the pipeline's image job (the same one the
 * extension runs) → saved paths on stdout (or one JSON object), with the history line appended
 * when the output folder lies in a workspace that keeps one.
 */
import { MODELS, type DashScopeClient, type GenerationRequest } from '../dashscope/index.js';
import { glossaryRecord, type GlossaryRecord } from '../pipeline/glossary.js';
import { newJobId } from '../pipeline/history.js';
import { CancelledJobError, runImageJob, type ImageJobResult } from '../pipeline/images.js';
import { DEFAULT_NAME_TEMPLATE, TEMPLATE_VARIABLES, nameCollision, renderName, unknownTemplateVariables, type JobShape } from '../pipeline/naming.js';
import { bool, seconds, str, type UsedGlossary, type Values } from './args.js';
import { requestOfVerb } from './presets.js';
import { EXIT, PROGRAM, UsageError, cliOutput, createClient, progressPrinter, taskRecorder, recordImageJob, type CliOutput, type CliSavedFile, type Io, type RunState } from './context.js';

/** The name template from --template, checked (against the job's shape when it is known). */
export function templateOf(values: Values, job?: JobShape): string {
  const template = str(values, 'template') ?? DEFAULT_NAME_TEMPLATE;
  const unknown = unknownTemplateVariables(template);
  if (unknown.length) throw new UsageError(`--template: unknown variable${unknown.length === 1 ? '' : 's'} ${unknown.map((u) => '${' + u + '}').join(', ')}; use ${TEMPLATE_VARIABLES.map((v) => '${' + v + '}').join(' ')}.`);
  const collision = job ? nameCollision(template, job) : undefined;
  if (collision) throw new UsageError(`--template: ${collision}.`);
  return template;
}

/** Local input paths as provenance and history record them; URLs as they are. */
export function sourcesOf(request: GenerationRequest, output: CliOutput): string[] {
  return (request.images ?? []).filter((i): i is string => typeof i === 'string').map(output.reference);
}

/** After Ctrl-C: says what happened to a task this run submitted (the pipeline cancelled it if it was PENDING). */
function reportCancelledTask(io: Io, error: unknown, model: string): void {
  if (!(error instanceof CancelledJobError) || !error.taskId) return;
  if (error.taskOutcome === 'cancelled') io.err(`cancelled pending task ${error.taskId}`);
  else io.err(`task ${error.taskId} may still finish on the service (and be billed); fetch it within 24 h with: ${PROGRAM} task wait ${error.taskId} --model ${model}`);
}

/** Prints a finished job: paths (or JSON), warnings for failed or lost images. */
export function printImageResult(io: Io, values: Values, result: Omit<ImageJobResult<CliSavedFile>, 'cancelledAfterGeneration'>, prompt: string | undefined): number {
  const quiet = bool(values, 'quiet') === true;
  if (!quiet && result.actualPrompt && result.actualPrompt !== prompt) io.err(`actual prompt (prompt_extend): ${result.actualPrompt}`);
  for (const f of result.failures) io.err(`warning: image ${f.index + 1} failed: ${f.code}: ${f.message}`);
  for (const l of result.lost) io.err(`warning: image ${l.index} could not be kept: ${l.error instanceof Error ? l.error.message : String(l.error)}`);
  if (bool(values, 'json')) {
    io.out(
      JSON.stringify({
        model: result.model,
        paths: result.images.map((s) => s.file.path),
        seeds: result.images.map((s) => s.seed ?? null),
        images: result.images.map((s) => ({ path: s.file.path, index: s.index, seed: s.seed ?? null, width: s.width, height: s.height, format: s.format, ...(s.sidecar ? { sidecar: s.sidecar.path } : {}) })),
        request_id: result.requestId ?? null,
        task_id: result.taskId ?? null,
        ...(result.actualPrompt ? { actual_prompt: result.actualPrompt } : {}),
        failures: result.failures,
      }),
    );
  } else {
    for (const s of result.images) io.out(s.file.path);
  }
  return result.failures.length || result.lost.length ? EXIT.failure : EXIT.ok;
}

/** Runs `generate`, `edit` or `translate`. */
export async function runGeneration(command: string, flags: Values, positionals: string[], io: Io, state: RunState): Promise<number> {
  const { spec, request, nameText, preset, glossary: usedGlossary, values } = await requestOfVerb(command, flags, positionals, io.cwd);
  const useAsync = bool(values, 'async') === true;
  if (useAsync && spec.mode !== 'async' && !spec.asyncVariant) {
    const withAsync = MODELS.filter((m) => m.asyncVariant || m.mode === 'async').map((m) => m.id);
    throw new UsageError(`${spec.id} has no async variant; models that run as tasks: ${withAsync.join(', ')}.`);
  }
  const template = templateOf(values, { n: request.n ?? 1 });
  const timeoutMs = seconds(values, 'timeout');
  state.timeoutMs = timeoutMs;
  const quiet = bool(values, 'quiet') === true;
  const client = createClient(values, io);
  // Validate before anything is uploaded or sent (exit 2 with what to change).
  client.validate(request, { async: useAsync });
  const output = await cliOutput(values, io);
  const asyncRun = useAsync || spec.mode === 'async';
  const signal = timeoutMs !== undefined && !asyncRun ? AbortSignal.any([state.signal, AbortSignal.timeout(timeoutMs)]) : state.signal;
  const started = new Date();
  const sources = sourcesOf(request, output);
  const glossary = usedGlossary ? recordedGlossary(usedGlossary, output) : undefined;
  const kind = command === 'generate' ? 'generate' : command === 'edit' ? 'edit' : 'translate';
  const jobId = newJobId(started);
  let result: ImageJobResult<CliSavedFile> | undefined;
  let failure: unknown;
  try {
    result = await runImageJob(request, {
      client: client as DashScopeClient,
      saver: output.saver,
      rescue: output.rescue,
      signal,
      async: useAsync,
      started,
      sources,
      jobId,
      ...(preset ? { preset } : {}),
      name: (image) => renderName(template, { ...image, prompt: nameText }),
      ...(timeoutMs !== undefined && asyncRun ? { waitTimeoutMs: timeoutMs } : {}),
      onClientProgress: progressPrinter(io, quiet, state),
      onSubmitted: taskRecorder(io, quiet, state),
    });
    if (result.cancelledAfterGeneration) io.err('the images were already generated (and billed), so they were saved.');
    return printImageResult(io, values, result, request.prompt);
  } catch (error) {
    failure = error;
    if (state.interrupted()) reportCancelledTask(io, error, spec.id);
    throw error;
  } finally {
    await client.close();
    await recordImageJob(output, io, { id: jobId, kind, source: 'cli', model: spec.id, request, ...(preset ? { preset } : {}), inputs: sources, started, taskId: state.task?.taskId, region: client.region ?? 'beijing', ...(glossary ? { glossary } : {}) }, result, failure, state.interrupted());
  }
}

/**
 * The record of the glossary file a translation read, for its history line: its path inside the
 * workspace (a file outside it is not recorded: `regenerate --all-changed` could not read it).
 */
export function recordedGlossary(used: UsedGlossary, output: Pick<CliOutput, 'reference' | 'history'>): GlossaryRecord | undefined {
  if (!output.history) return undefined;
  const path = output.reference(used.path);
  if (path.startsWith('../') || path === '..' || /^([a-z]:)?\//i.test(path)) return undefined;
  return glossaryRecord(path, used.terms);
}
