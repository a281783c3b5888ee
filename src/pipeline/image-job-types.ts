/** What an image job takes and gives: its options, the saver it writes through, its progress, its result, and its errors. */
import type { DashScopeClient, GenerationRequest, ProgressEvent, ResultFailure, SubmittedTask } from '../dashscope/index.js';

/** One file for a saver to write: a relative stem (may contain `/`), an extension, the bytes. */
export interface OutputFile {
  /** Relative path stem, `/`-separated, without extension. */
  readonly stem: string;
  /** Extension without the dot (`png`, `json`). */
  readonly ext: string;
  readonly bytes: Uint8Array;
}

/** What a saver reports for a written file. */
export interface SavedFileRef {
  /** Path relative to the saver's folder, `/`-separated, with extension (as actually used). */
  readonly name: string;
}

/** Writes files somewhere, never overwriting; `T` carries whatever the caller needs back (a Uri, a path). */
export interface ImageSaver<T extends SavedFileRef = SavedFileRef> {
  save(file: OutputFile): Promise<T>;
}

/** Progress of a job, in the order it happens; the host turns it into localized text. */
export type JobProgress =
  | { readonly kind: 'upload'; readonly name: string; readonly bytes: number }
  | { readonly kind: 'request'; readonly model: string; readonly mode: 'sync' | 'stream' | 'async' }
  | { readonly kind: 'submitted'; readonly taskId: string }
  | { readonly kind: 'task'; readonly taskId: string; readonly status: string; readonly elapsedMs: number }
  | { readonly kind: 'retry'; readonly message: string }
  | { readonly kind: 'download'; readonly done: number; readonly total: number }
  | { readonly kind: 'save'; readonly done: number; readonly total: number }
  | { readonly kind: 'cancelTask'; readonly taskId: string; readonly outcome: 'cancelled' | 'started' | 'failed' };

/** Names the files of one image (the default: the name template). */
export type NameImage = (image: { index: number; seed?: number | undefined; model: string; date: Date; prompt?: string | undefined }) => string;

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
  /** Pick a random seed when the model takes one and the request has none, so every image has a known seed. Default true. */
  readonly randomizeSeed?: boolean | undefined;
  /** Random source for the seed (tests); returns [0, 1). */
  readonly random?: (() => number) | undefined;
  /** Input images as they should be recorded in provenance (workspace paths, URLs), in request order. */
  readonly sources?: readonly string[] | undefined;
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
