/**
 * One text-to-image (or any image-producing) generation job, from request to saved files:
 * validate → call the model (sync or async task) → download every result AT ONCE (result URLs
 * expire after 24 h, §8) → embed provenance → hand the bytes to a saver.
 *
 * No `vscode` import: the extension plugs in a `workspace.fs` saver (src/workspace/save.ts), the
 * unit tests a fake one. Cancellation is one AbortSignal; aborting while an async task is still
 * PENDING also cancels it upstream (§5.4), so the user is not billed for an image nobody waits for.
 *
 * All-or-nothing: images are saved only after every download finished and the job was not
 * aborted, so a cancelled job never leaves a partial set behind.
 */
import { readFile, rm } from 'node:fs/promises';
import {
  SEED_MAX,
  getModel,
  isAbortError,
  type DashScopeClient,
  type GenerationRequest,
  type GenerationResult,
  type ModelSpec,
  type ResultFailure,
} from '../dashscope/index.js';
import { DEFAULT_NAME_TEMPLATE, renderName } from '../output/naming.js';
import { buildProvenance, embedProvenance } from '../output/provenance.js';

/** One file for a saver to write: a relative stem (may contain `/`), an extension, the bytes. */
export interface OutputFile {
  /** Relative path stem from the name template, `/`-separated, without extension. */
  readonly stem: string;
  /** Extension without the dot (`png`, `json`). */
  readonly ext: string;
  readonly bytes: Uint8Array;
}

/** What a saver reports for a written file. */
export interface SavedFileRef {
  /** Path relative to the saver's output folder, `/`-separated, with extension (as actually used). */
  readonly name: string;
}

/** Writes files somewhere, never overwriting; `T` carries whatever the caller needs back (a Uri). */
export interface ImageSaver<T extends SavedFileRef = SavedFileRef> {
  save(file: OutputFile): Promise<T>;
}

/** Progress of a job, in the order it happens; the host turns it into localized text. */
export type JobProgress =
  | { readonly kind: 'request'; readonly model: string; readonly mode: 'sync' | 'stream' | 'async' }
  | { readonly kind: 'submitted'; readonly taskId: string }
  | { readonly kind: 'task'; readonly taskId: string; readonly status: string; readonly elapsedMs: number }
  | { readonly kind: 'retry'; readonly message: string }
  | { readonly kind: 'download'; readonly done: number; readonly total: number }
  | { readonly kind: 'save'; readonly done: number; readonly total: number }
  | { readonly kind: 'cancelTask'; readonly taskId: string; readonly outcome: 'cancelled' | 'started' | 'failed' };

/** Options of {@link runGenerationJob}. */
export interface GenerationJobOptions<T extends SavedFileRef> {
  readonly client: DashScopeClient;
  readonly saver: ImageSaver<T>;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: JobProgress) => void;
  /** File name template (src/output/naming.ts); default {@link DEFAULT_NAME_TEMPLATE}. */
  readonly nameTemplate?: string;
  /** When the job started (names, provenance); default now. */
  readonly started?: Date;
  /**
   * Pick a random seed when the model takes one and the request has none, so every saved image
   * has a known, reusable seed. Default true.
   */
  readonly randomizeSeed?: boolean;
  /** Random source for the seed (tests); returns [0, 1). */
  readonly random?: () => number;
}

/** One saved image of a job. */
export interface SavedImage<T extends SavedFileRef> {
  /** 1-based position in the result. */
  readonly index: number;
  readonly file: T;
  /** The provenance sidecar (formats without embedded text, i.e. JPG). */
  readonly sidecar?: T;
  readonly format: string;
  readonly width: number;
  readonly height: number;
  /** Known when the request had (or was given) a seed and the model reports it per image. */
  readonly seed?: number;
}

/** What a finished job produced. */
export interface GenerationJobResult<T extends SavedFileRef> {
  readonly model: string;
  /** The request as sent (with the seed filled in). */
  readonly request: GenerationRequest;
  readonly images: readonly SavedImage<T>[];
  /** Per-image failures the service reported next to a success. */
  readonly failures: readonly ResultFailure[];
  readonly requestId?: string;
  readonly taskId?: string;
  /** The prompt after prompt_extend rewrote it, when the service said. */
  readonly actualPrompt?: string;
}

/** Thrown when the service answered successfully but with no image at all. */
export class NoImagesError extends Error {
  override readonly name = 'NoImagesError';
  constructor(readonly failures: readonly ResultFailure[], readonly requestId?: string) {
    super(failures.length ? `Every image failed: ${failures.map((f) => `${f.code}: ${f.message}`).join('; ')}` : 'The service returned no images.');
  }
}

/** The request with a random seed added where the model takes one and none was given. */
export function withSeed(request: GenerationRequest, random: () => number = Math.random): GenerationRequest {
  if (request.seed !== undefined) return request;
  const spec = getModel(request.model);
  if (!spec.params.includes('seed')) return request;
  return { ...request, seed: Math.floor(random() * (SEED_MAX + 1)) };
}

/** The request parameters worth keeping in provenance (what the user chose, not the prompt). */
export function provenanceParameters(request: GenerationRequest): Record<string, unknown> {
  const parameters: Record<string, unknown> = {};
  if (request.size !== undefined) parameters.size = request.size;
  if (request.n !== undefined) parameters.n = request.n;
  if (request.promptExtend !== undefined) parameters.prompt_extend = request.promptExtend;
  if (request.watermark !== undefined) parameters.watermark = request.watermark;
  return parameters;
}

/** Bytes of a downloaded result, read back by the job (the client writes to a temp file). */
interface DownloadedBytes {
  readonly index: number;
  readonly bytes: Uint8Array;
  readonly format: string;
  readonly width: number;
  readonly height: number;
  readonly seed?: number;
}

/**
 * Runs one generation job: validates (throws RequestValidationError before anything is sent),
 * generates, downloads all results at once, embeds provenance and saves through `saver`.
 * Rejects with the signal's reason when aborted; nothing is saved then.
 */
export async function runGenerationJob<T extends SavedFileRef>(
  input: GenerationRequest,
  options: GenerationJobOptions<T>,
): Promise<GenerationJobResult<T>> {
  const { client, saver, signal, onProgress } = options;
  const request = options.randomizeSeed === false ? input : withSeed(input, options.random);
  const validated = client.validate(request);
  const spec = validated.spec;
  const started = options.started ?? new Date();
  signal?.throwIfAborted();

  const task = { id: undefined as string | undefined, status: 'PENDING' };
  let result: GenerationResult;
  try {
    result = await client.generate(validated.request, {
      signal,
      onSubmitted: (submitted) => {
        task.id = submitted.taskId;
        task.status = submitted.status || 'PENDING';
        onProgress?.({ kind: 'submitted', taskId: submitted.taskId });
      },
      onProgress: (event) => {
        switch (event.type) {
          case 'request':
            onProgress?.({ kind: 'request', model: event.model, mode: event.mode });
            return;
          case 'status':
            task.status = event.status;
            onProgress?.({ kind: 'task', taskId: event.taskId, status: event.status, elapsedMs: event.elapsedMs });
            return;
          case 'retry':
            onProgress?.({ kind: 'retry', message: event.message });
            return;
          default:
            return;
        }
      },
    });
  } catch (error) {
    if (task.id && (signal?.aborted || isAbortError(error))) {
      await cancelPendingTask(client, task.id, task.status, onProgress);
    }
    throw error;
  }

  const downloaded = await downloadAll(client, spec, result, signal, onProgress);
  // The last point where cancelling still means "nothing was saved".
  signal?.throwIfAborted();
  if (downloaded.length === 0) throw new NoImagesError(result.failures, result.requestId);

  const images: SavedImage<T>[] = [];
  const template = options.nameTemplate ?? DEFAULT_NAME_TEMPLATE;
  for (const image of downloaded) {
    onProgress?.({ kind: 'save', done: images.length, total: downloaded.length });
    const record = buildProvenance({
      model: spec.id,
      prompt: validated.request.prompt,
      negativePrompt: validated.request.negativePrompt,
      actualPrompt: result.rewrittenPrompt,
      width: image.width,
      height: image.height,
      seed: image.seed,
      parameters: provenanceParameters(validated.request),
      requestId: result.requestId,
      taskId: result.taskId ?? task.id,
      created: started,
      index: image.index,
    });
    const embedded = embedProvenance(image.bytes, image.format, record);
    const stem = renderName(template, { model: spec.id, seed: image.seed, date: started, index: image.index, prompt: validated.request.prompt });
    const file = await saver.save({ stem, ext: image.format, bytes: embedded.bytes });
    const sidecar = embedded.sidecar === undefined ? undefined : await saver.save({ stem: file.name, ext: 'json', bytes: new TextEncoder().encode(embedded.sidecar) });
    images.push({
      index: image.index,
      file,
      format: image.format,
      width: image.width,
      height: image.height,
      ...(sidecar ? { sidecar } : {}),
      ...(image.seed !== undefined ? { seed: image.seed } : {}),
    });
  }
  onProgress?.({ kind: 'save', done: images.length, total: downloaded.length });

  return {
    model: spec.id,
    request: validated.request,
    images,
    failures: result.failures,
    ...(result.requestId ? { requestId: result.requestId } : {}),
    ...(result.taskId ?? task.id ? { taskId: result.taskId ?? task.id } : {}),
    ...(result.rewrittenPrompt ? { actualPrompt: result.rewrittenPrompt } : {}),
  };
}

/** Downloads every result image in parallel, verified as the model's output format, into memory. */
async function downloadAll(
  client: DashScopeClient,
  spec: ModelSpec,
  result: GenerationResult,
  signal: AbortSignal | undefined,
  onProgress: ((event: JobProgress) => void) | undefined,
): Promise<DownloadedBytes[]> {
  const total = result.images.length;
  let done = 0;
  onProgress?.({ kind: 'download', done, total });
  const downloads = result.images.map(async (image): Promise<DownloadedBytes> => {
    const file = await client.download(image.url, { expectedFormat: spec.outputFormat, ...(signal ? { signal } : {}) });
    try {
      const bytes = new Uint8Array(await readFile(file.path));
      onProgress?.({ kind: 'download', done: ++done, total });
      return {
        index: image.index + 1,
        bytes,
        format: file.format,
        width: file.width,
        height: file.height,
        ...(image.seed !== undefined ? { seed: image.seed } : {}),
      };
    } finally {
      await rm(file.path, { force: true });
    }
  });
  // Wait for every download to settle (so no temp file outlives the job), then fail on the first error.
  const settled = await Promise.allSettled(downloads);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<DownloadedBytes>).value).sort((a, b) => a.index - b.index);
}

/** After an abort: cancels the task upstream if it was still PENDING (§5.4); best effort, never throws. */
async function cancelPendingTask(
  client: DashScopeClient,
  taskId: string,
  status: string,
  onProgress: ((event: JobProgress) => void) | undefined,
): Promise<void> {
  if (status !== 'PENDING') {
    onProgress?.({ kind: 'cancelTask', taskId, outcome: 'started' });
    return;
  }
  try {
    await client.cancelTask(taskId, { signal: AbortSignal.timeout(10_000) });
    onProgress?.({ kind: 'cancelTask', taskId, outcome: 'cancelled' });
  } catch (error) {
    const started = typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'UnsupportedOperation';
    onProgress?.({ kind: 'cancelTask', taskId, outcome: started ? 'started' : 'failed' });
  }
}
