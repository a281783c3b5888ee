/**
 * What the image-processing verbs (`upscale`, `extend`, `retouch`, `background`) share: their
 * flags, and running a processing request through the pipeline's image job with results saved
 * next to the original (`photo.x2.png`, pipeline/operationNames.ts) unless `--out` says otherwise.
 * Their flags are in args.ts `COMMAND_OPTIONS`.
 */
import { dirname } from 'node:path';
import type { DashScopeClient, GenerationRequest } from '../dashscope/index.js';
import { runImageJob, type ImageJobResult } from '../pipeline/images.js';
import { operationStem } from '../pipeline/operationNames.js';
import { bool, integer, seconds, str, type Values } from './args.js';
import { PROGRAM, UsageError, cliOutput, type CliOutput, createClient, progressPrinter, taskRecorder, recordImageJob, type CliSavedFile, type Io, type RunState } from './context.js';
import { printImageResult } from './generate.js';

/** A number flag (decimals allowed). */
export function decimal(values: Values, name: string): number | undefined {
  const raw = str(values, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--${name} must be a number; got "${raw}".`);
  return n;
}

/** The base image (--image), required. */
export function imageOf(values: Values, command: string): string {
  const image = str(values, 'image');
  if (!image) throw new UsageError(`${command} needs --image <file>: the image to work on.`, command);
  return image;
}

/** The request fields every processing verb sets from the common flags. */
export function commonFields(values: Values): Pick<GenerationRequest, 'n' | 'seed' | 'watermark'> {
  const out: Pick<GenerationRequest, 'n' | 'seed' | 'watermark'> = {};
  const n = integer(values, 'n');
  const seed = integer(values, 'seed');
  const watermark = bool(values, 'watermark');
  if (n !== undefined) out.n = n;
  if (seed !== undefined) out.seed = seed;
  if (watermark !== undefined) out.watermark = watermark;
  return out;
}

/**
 * The input images of a processing request as provenance and history record them, in a fixed
 * order regenerate reads back: the base image, then the mask, then the reference image (local
 * paths relative to the workspace, or URLs). A mask or reference given as bytes is not recorded.
 */
export function processSourcesOf(request: GenerationRequest, output: Pick<CliOutput, 'reference'>): string[] {
  const images = [...(request.images ?? []), request.mask, request.process?.refImage];
  return images.filter((i): i is string => typeof i === 'string').map(output.reference);
}

/** What a processing run records besides the request: the preset it came from. */
export interface ProcessRunOptions {
  readonly preset?: { name: string; blanks?: Readonly<Record<string, string>> | undefined } | undefined;
}

/** Runs a processing request: validated first, then the pipeline's image job; results named for the operation. */
export async function runProcess(request: GenerationRequest, values: Values, io: Io, state: RunState, options: ProcessRunOptions = {}): Promise<number> {
  const preset = options.preset ? { preset: options.preset } : {};
  const source = typeof request.images?.[0] === 'string' ? request.images[0] : 'image';
  // Default: next to the original.
  const effective: Values = str(values, 'out') === undefined && /^[a-z][a-z0-9+.-]*:\/\//i.test(source) === false ? { ...values, out: dirname(source) } : values;
  const useAsync = bool(values, 'async') === true;
  const timeoutMs = seconds(values, 'timeout');
  state.timeoutMs = timeoutMs;
  const quiet = bool(values, 'quiet') === true;
  const client = createClient(values, io);
  client.validate(request);
  const output = await cliOutput(effective, io);
  const started = new Date();
  const sources = processSourcesOf(request, output);
  const count = request.n ?? 1;
  let result: ImageJobResult<CliSavedFile> | undefined;
  let failure: unknown;
  try {
    if (useAsync) {
      const task = await client.submitTask(request, { signal: state.signal });
      state.task = { taskId: task.taskId, model: task.model, status: task.status };
      if (bool(values, 'json')) io.out(JSON.stringify({ task_id: task.taskId, model: task.model, status: task.status, request_id: task.requestId ?? null }));
      else io.out(task.taskId);
      if (!quiet) io.err(`fetch it with: ${PROGRAM} task wait ${task.taskId} --model ${task.model}`);
      return 0;
    }
    result = await runImageJob(request, {
      client: client as DashScopeClient,
      saver: output.saver,
      rescue: output.rescue,
      signal: state.signal,
      started,
      sources,
      ...preset,
      name: (image) => operationStem(source, request, image.index, count),
      ...(timeoutMs !== undefined ? { waitTimeoutMs: timeoutMs } : {}),
      onClientProgress: progressPrinter(io, quiet, state),
      onSubmitted: taskRecorder(io, quiet, state),
    });
    return printImageResult(io, values, result, request.prompt);
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    await client.close();
    if (!useAsync) await recordImageJob(output, io, { kind: 'process', source: 'cli', model: request.model, request, ...preset, inputs: sources, started, taskId: state.task?.taskId, region: client.region ?? 'beijing' }, result, failure, state.interrupted());
  }
}
