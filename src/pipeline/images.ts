/**
 * The image flows — generate, edit, translate — from a validated request to saved files:
 * validate → call the model (sync or async task) → download every result AT ONCE (result URLs
 * expire after 24 h, §8) → embed provenance → save each image through an {@link ImageSaver} as
 * soon as it is downloaded.
 *
 * No `vscode` import: the CLI saves with node:fs, the extension with `workspace.fs`, both through
 * the one atomic save of src/pipeline/files.ts.
 *
 * Never lose a paid image:
 * - cancelling before the service produced anything saves nothing, and aborting while an async
 *   task is still PENDING cancels it upstream (§5.4);
 * - once the service has produced images they are billed, so a cancel from then on no longer
 *   stops their downloads: every image that can be downloaded is saved;
 * - one image failing (download or save) does not discard the others; when saving fails, the
 *   bytes go to the caller's `rescue` (Save As, a fallback folder) before they are given up.
 */
import { readFile, rm } from 'node:fs/promises';
import {
  SEED_MAX,
  findModel,
  getModel,
  isAbortError,
  type DashScopeClient,
  type GenerationRequest,
  type GenerationResult,
  type ImageInput,
  type ProgressEvent,
  type ResultFailure,
  type SubmittedTask,
  type ValidatedRequest,
} from '../dashscope/index.js';
import { DEFAULT_NAME_TEMPLATE, renderName } from './naming.js';
import { jobProgressOf, type JobProgress } from './progress.js';

export { jobProgressOf, type JobProgress } from './progress.js';
import { buildProvenance, embedProvenance, provenanceParameters } from './provenance.js';

export type { ImageSaver, OutputFile, SavedFileRef } from './saver.js';
import type { ImageSaver, OutputFile, SavedFileRef } from './saver.js';

/** Names the files of one image (the default: the name template). */
export type NameImage = (image: { index: number; seed?: number | undefined; model: string; date: Date; prompt?: string | undefined; preset?: string | undefined; jobId?: string | undefined }) => string;

/** Options of {@link runImageJob}. */
export interface ImageJobOptions<T extends SavedFileRef> {
  readonly client: DashScopeClient;
  readonly saver: ImageSaver<T>;
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((event: JobProgress) => void) | undefined;
  /** File name template (src/pipeline/naming.ts); default {@link DEFAULT_NAME_TEMPLATE}. Ignored with `name`. */
  readonly nameTemplate?: string | undefined;
  /** Names each image's file stem instead of the template (translations: `poster.en`). */
  readonly name?: NameImage | undefined;
  /** When the job started (names, provenance); default now. */
  readonly started?: Date | undefined;
  /** The job's history id, for `${jobId}` in names. */
  readonly jobId?: string | undefined;
  /** Pick a random seed when the model takes one and the request has none, so every image has a known seed. Default true. */
  readonly randomizeSeed?: boolean | undefined;
  /** Random source for the seed (tests); returns [0, 1). */
  readonly random?: (() => number) | undefined;
  /** Input images as they should be recorded in provenance (workspace paths, URLs), in request order. */
  readonly sources?: readonly string[] | undefined;
  /** The preset the job came from (provenance records it). */
  readonly preset?: { name: string; blanks?: Readonly<Record<string, string>> | undefined } | undefined;
  /** Use the model's async task variant. */
  readonly async?: boolean | undefined;
  /** Give up waiting for an async task after this long. */
  readonly waitTimeoutMs?: number | undefined;
  /** Called once an async task is submitted (persist it, show how to resume it). */
  readonly onSubmitted?: ((task: SubmittedTask) => void) | undefined;
  /** Raw client progress, for callers that want more than {@link JobProgress} (the CLI). */
  readonly onClientProgress?: ((event: ProgressEvent) => void) | undefined;
  /**
   * Last chance for an image whose save failed (unwritable folder, full disk): save it somewhere
   * else (Save As, a fallback folder) and return the file, or undefined to give it up.
   */
  readonly rescue?: ((file: OutputFile, error: unknown) => Promise<T | undefined>) | undefined;
  /**
   * Awaited right before the request that makes the service work (the call, or the task submit),
   * after the temporary uploads of local images: the job manager's submit pacing
   * (`JobContext.beforeSubmit` with `submitPacing: 'in-run'`). Paced before the run instead, an
   * upload of varying length in between lets two submits of qwen-mt-image (1/s) arrive closer
   * than allowed, and the service answers 429.
   */
  readonly beforeSubmit?: (() => Promise<void>) | undefined;
}

/** One saved image of a job. */
export interface SavedImage<T extends SavedFileRef> {
  /** 1-based position in the result. */
  readonly index: number;
  readonly file: T;
  /** The provenance sidecar (formats without embedded text, i.e. JPG). */
  readonly sidecar?: T;
  /** Why the sidecar could not be written (the image itself was saved). */
  readonly sidecarError?: unknown;
  readonly format: string;
  readonly width: number;
  readonly height: number;
  /** Known when the request had (or was given) a seed and the model reports it per image. */
  readonly seed?: number;
  /** Saved by `rescue` after the normal save failed. */
  readonly rescued?: boolean;
}

/** An image the service produced that could not be kept, and why. */
export interface LostImage {
  /** 1-based position in the result. */
  readonly index: number;
  readonly error: unknown;
}

/** What a finished job produced. */
export interface ImageJobResult<T extends SavedFileRef> {
  /** Catalog id. */
  readonly model: string;
  /** The request as sent (with the seed filled in). */
  readonly request: GenerationRequest;
  readonly images: readonly SavedImage<T>[];
  /** Per-image failures the service reported next to a success. */
  readonly failures: readonly ResultFailure[];
  /** Images produced (and billed) that could not be downloaded or saved. */
  readonly lost: readonly LostImage[];
  readonly requestId?: string;
  readonly taskId?: string;
  /** The prompt after prompt_extend rewrote it, when the service said. */
  readonly actualPrompt?: string;
  /** The user cancelled after the service had produced the images; they were kept anyway. */
  readonly cancelledAfterGeneration: boolean;
  /** Images the service produced (what is billed). */
  readonly produced: number;
}

/** Thrown when the service answered successfully but with no image at all, or none could be kept. */
export class NoImagesError extends Error {
  override readonly name = 'NoImagesError';
  constructor(
    readonly failures: readonly ResultFailure[],
    readonly requestId?: string,
    readonly lost: readonly LostImage[] = [],
  ) {
    super(
      lost.length
        ? `No image could be kept: ${lost.map((l) => `image ${l.index}: ${l.error instanceof Error ? l.error.message : String(l.error)}`).join('; ')}`
        : failures.length
          ? `Every image failed: ${failures.map((f) => `${f.code}: ${f.message}`).join('; ')}`
          : 'The service returned no images.',
    );
  }
}

/** The request with a random seed in [0, SEED_MAX] where the model takes one and none was given. */
export function withSeed(request: GenerationRequest, random: () => number = Math.random): GenerationRequest {
  if (request.seed !== undefined) return request;
  const spec = getModel(request.model);
  if (!spec.params.includes('seed')) return request;
  return { ...request, seed: Math.floor(random() * (SEED_MAX + 1)) };
}

/** What a task's cancel achieved, for the message the user gets. */
export type CancelOutcome = 'cancelled' | 'started' | 'failed';

/** Thrown (instead of the abort reason) when a cancelled job had a task that may still be billed. */
export class CancelledJobError extends Error {
  override readonly name = 'AbortError';
  constructor(
    /** What happened to the upstream task, when there was one. */
    readonly taskOutcome: CancelOutcome | undefined,
    readonly taskId: string | undefined,
    override readonly cause: unknown,
  ) {
    super(taskOutcome === 'started' || taskOutcome === 'failed' ? 'Cancelled; the task had started, so DashScope may still finish and bill it.' : 'Cancelled; nothing was produced.');
  }
}

/**
 * Runs one image job: validates (throws RequestValidationError before anything is sent),
 * generates, downloads every result at once and saves each with provenance. Rejects with a
 * {@link CancelledJobError} when cancelled before the service produced anything.
 */
export async function runImageJob<T extends SavedFileRef>(input: GenerationRequest, options: ImageJobOptions<T>): Promise<ImageJobResult<T>> {
  const { client, signal, onProgress } = options;
  const request = options.randomizeSeed === false ? input : withSeed(input, options.random);
  const validated = client.validate(request, { async: options.async === true });
  const spec = validated.spec;
  const started = options.started ?? new Date();
  signal?.throwIfAborted();

  const task = { id: undefined as string | undefined, status: 'PENDING' };
  let result: GenerationResult;
  try {
    let toSend = validated.request;
    if (options.beforeSubmit) {
      toSend = await uploadFirst(client, validated, options);
      await options.beforeSubmit();
      signal?.throwIfAborted();
    }
    result = await client.generate(toSend, {
      ...(signal ? { signal } : {}),
      ...(options.async ? { async: true } : {}),
      ...(options.waitTimeoutMs !== undefined ? { waitTimeoutMs: options.waitTimeoutMs } : {}),
      onSubmitted: (submitted) => {
        task.id = submitted.taskId;
        task.status = submitted.status || 'PENDING';
        onProgress?.({ kind: 'submitted', taskId: submitted.taskId });
        options.onSubmitted?.(submitted);
      },
      onProgress: (event) => {
        options.onClientProgress?.(event);
        const mapped = jobProgressOf(event);
        if (event.type === 'status') task.status = event.status;
        if (mapped) onProgress?.(mapped);
      },
    });
  } catch (error) {
    if (signal?.aborted || isAbortError(error)) {
      const outcome = task.id ? await cancelPendingTask(client, task.id, task.status, onProgress) : undefined;
      throw new CancelledJobError(outcome, task.id, error);
    }
    throw error;
  }

  const kept = await keepResult(result, {
    ...options,
    model: spec.id,
    request: validated.request,
    outputFormat: spec.outputFormat,
    started,
    ...(task.id ? { taskId: task.id } : {}),
  });
  return { ...kept, cancelledAfterGeneration: signal?.aborted === true };
}

/**
 * The request with its local images already uploaded where the model takes no `data:` URI
 * (qwen-mt-image), so that nothing but the call itself follows `beforeSubmit`. Where the model
 * takes `data:` URIs the request stays as it is: inlining sends nothing of its own, and an image
 * above `INLINE_MAX_BYTES` (dashscope/upload.ts) is uploaded after `beforeSubmit`, which only
 * sends the submit later than its slot, never sooner.
 */
async function uploadFirst<T extends SavedFileRef>(client: DashScopeClient, validated: ValidatedRequest, options: ImageJobOptions<T>): Promise<GenerationRequest> {
  const rule = validated.spec.images;
  if (!rule || rule.accepts.includes('data') || validated.images.length === 0) return validated.request;
  const images: ImageInput[] = [];
  for (const image of validated.images) {
    if (image.kind === 'url' || image.kind === 'oss') {
      images.push(image);
      continue;
    }
    const uploaded = await client.uploadLocalImage(validated.spec.id, image, {
      ...(options.signal ? { signal: options.signal } : {}),
      onProgress: (event) => {
        options.onClientProgress?.(event);
        const mapped = jobProgressOf(event);
        if (mapped) options.onProgress?.(mapped);
      },
    });
    images.push({ kind: 'oss', url: uploaded.ref });
  }
  return { ...validated.request, images };
}

/** What {@link keepResult} needs besides the saver options. */
export interface KeepResultOptions<T extends SavedFileRef> extends Omit<ImageJobOptions<T>, 'client'> {
  readonly client: Pick<DashScopeClient, 'download'>;
  /** Catalog id. */
  readonly model: string;
  /** The request as sent (prompts, seed, parameters for provenance); may be partial for a resumed task. */
  readonly request: GenerationRequest;
  readonly outputFormat?: string | undefined;
  readonly started: Date;
  readonly taskId?: string | undefined;
}

/**
 * Downloads every image of a result at once and saves each with provenance as soon as it is
 * downloaded (used by {@link runImageJob}, by `task wait` and by resumed tasks). Throws only when
 * no image could be kept.
 */
export async function keepResult<T extends SavedFileRef>(result: GenerationResult, options: KeepResultOptions<T>): Promise<Omit<ImageJobResult<T>, 'cancelledAfterGeneration'>> {
  const { onProgress, request, started } = options;
  const template = options.nameTemplate ?? DEFAULT_NAME_TEMPLATE;
  const name: NameImage = options.name ?? ((image) => renderName(template, image));
  const total = result.images.length;
  const taskId = result.taskId ?? options.taskId;
  // A dated snapshot is recorded by its exact id, so the file says which version made it.
  const snapshot = result.wireModel && result.wireModel !== findModel(options.model)?.model ? result.wireModel : undefined;
  let downloaded = 0;
  let savedCount = 0;
  onProgress?.({ kind: 'download', done: 0, total });
  const kept = await Promise.allSettled(
    result.images.map(async (image): Promise<SavedImage<T>> => {
      // No user signal here: these images are produced and billed; keep every one we can.
      const file = await options.client.download(image.url, options.outputFormat ? { expectedFormat: options.outputFormat } : {});
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(file.path));
      } finally {
        await rm(file.path, { force: true });
      }
      onProgress?.({ kind: 'download', done: ++downloaded, total });
      const index = image.index + 1;
      const record = buildProvenance({
        model: options.model,
        prompt: request.prompt,
        negativePrompt: request.negativePrompt,
        actualPrompt: result.rewrittenPrompt,
        width: file.width,
        height: file.height,
        seed: image.seed,
        parameters: provenanceParameters({ ...request, ...(snapshot ? { wireModel: snapshot } : {}) }),
        requestId: result.requestId,
        taskId,
        created: started,
        index,
        ...(options.sources ? { sources: options.sources } : {}),
        ...(options.preset ? { preset: options.preset } : {}),
      });
      const embedded = embedProvenance(bytes, file.format, record);
      const stem = name({ model: options.model, seed: image.seed, date: started, index, prompt: request.prompt, jobId: options.jobId, preset: options.preset?.name });
      const saved = await saveOrRescue(options, { stem, ext: file.format, bytes: embedded.bytes });
      // The image is on disk by now: a sidecar that cannot be written must not make it "lost".
      let sidecar: T | undefined;
      let sidecarError: unknown;
      if (embedded.sidecar !== undefined) {
        try {
          sidecar = (await saveOrRescue(options, { stem: saved.file.name, ext: 'json', bytes: new TextEncoder().encode(embedded.sidecar) })).file;
        } catch (error) {
          sidecarError = error;
        }
      }
      onProgress?.({ kind: 'save', done: ++savedCount, total });
      return {
        index,
        file: saved.file,
        format: file.format,
        width: file.width,
        height: file.height,
        ...(sidecar ? { sidecar } : {}),
        ...(sidecarError !== undefined ? { sidecarError } : {}),
        ...(image.seed !== undefined ? { seed: image.seed } : {}),
        ...(saved.rescued ? { rescued: true } : {}),
      };
    }),
  );
  const images = kept.flatMap((k) => (k.status === 'fulfilled' ? [k.value] : [])).sort((a, b) => a.index - b.index);
  const lost = kept.flatMap((k, i) => (k.status === 'rejected' ? [{ index: result.images[i]!.index + 1, error: k.reason as unknown }] : []));
  if (images.length === 0) {
    if (lost.length === 1) throw lost[0]!.error;
    throw new NoImagesError(result.failures, result.requestId, lost);
  }
  return {
    model: options.model,
    request,
    images,
    failures: result.failures,
    lost,
    produced: total,
    ...(result.requestId ? { requestId: result.requestId } : {}),
    ...(taskId ? { taskId } : {}),
    ...(result.rewrittenPrompt ? { actualPrompt: result.rewrittenPrompt } : {}),
  };
}

/** Saves through the saver; on failure hands the bytes to `rescue` before giving up. */
async function saveOrRescue<T extends SavedFileRef>(options: Pick<ImageJobOptions<T>, 'saver' | 'rescue'>, file: OutputFile): Promise<{ file: T; rescued: boolean }> {
  try {
    return { file: await options.saver.save(file), rescued: false };
  } catch (error) {
    const rescued = options.rescue ? await options.rescue(file, error).catch(() => undefined) : undefined;
    if (rescued) return { file: rescued, rescued: true };
    throw error;
  }
}

/** After an abort: cancels the task upstream if it was still PENDING (§5.4); best effort, never throws. */
export async function cancelPendingTask(
  client: DashScopeClient,
  taskId: string,
  status: string,
  onProgress?: (event: JobProgress) => void,
): Promise<CancelOutcome> {
  let outcome: CancelOutcome;
  if (status !== 'PENDING') {
    outcome = 'started';
  } else {
    try {
      await client.cancelTask(taskId, { signal: AbortSignal.timeout(10_000) });
      outcome = 'cancelled';
    } catch (error) {
      const started = typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'UnsupportedOperation';
      outcome = started ? 'started' : 'failed';
    }
  }
  onProgress?.({ kind: 'cancelTask', taskId, outcome });
  return outcome;
}
