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
  type ValidatedRequest,
} from '../dashscope/index.js';
import { DEFAULT_NAME_TEMPLATE, renderName } from './naming.js';
import { buildProvenance, embedProvenance, provenanceParameters } from './provenance.js';

import {
  CancelledJobError,
  NoImagesError,
  type CancelOutcome,
  type ImageJobOptions,
  type ImageJobResult,
  type JobProgress,
  type NameImage,
  type OutputFile,
  type SavedFileRef,
  type SavedImage,
} from './image-job-types.js';

export type {
  CancelOutcome,
  ImageJobOptions,
  ImageJobResult,
  ImageSaver,
  JobProgress,
  LostImage,
  NameImage,
  OutputFile,
  SavedFileRef,
  SavedImage,
} from './image-job-types.js';
export { CancelledJobError, NoImagesError } from './image-job-types.js';

/** The request with a random seed in [0, SEED_MAX] where the model takes one and none was given. */
export function withSeed(request: GenerationRequest, random: () => number = Math.random): GenerationRequest {
  if (request.seed !== undefined) return request;
  const spec = getModel(request.model);
  if (!spec.params.includes('seed')) return request;
  return { ...request, seed: Math.floor(random() * (SEED_MAX + 1)) };
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
 * (qwen-mt-image), so that nothing but the call itself follows `beforeSubmit`. Images the model
 * takes inline stay as they are (inlining sends nothing of its own).
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
      });
      const embedded = embedProvenance(bytes, file.format, record);
      const stem = name({ model: options.model, seed: image.seed, date: started, index, prompt: request.prompt });
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

/** The client's progress as job progress (what the UI shows). */
export function jobProgressOf(event: ProgressEvent): JobProgress | undefined {
  switch (event.type) {
    case 'upload':
      return event.phase === 'upload' ? { kind: 'upload', name: event.name, bytes: event.bytes } : undefined;
    case 'request':
      return { kind: 'request', model: event.model, mode: event.mode };
    case 'status':
      return { kind: 'task', taskId: event.taskId, status: event.status, elapsedMs: event.elapsedMs };
    case 'retry':
      return { kind: 'retry', message: event.message };
    default:
      return undefined;
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
