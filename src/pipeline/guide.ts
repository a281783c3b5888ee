/**
 * The illustrated guide (wan2.6-image interleave over SSE, §3): text is appended to a Markdown
 * document as it streams in; each image is downloaded and saved the moment it arrives — while
 * the stream goes on — and linked in place with a relative path. The document never contains a
 * DashScope URL. Stop (abort) or a broken stream keeps everything that arrived, waits for the
 * images already announced (they are billed) and marks the document as incomplete.
 *
 * No `vscode` import: the CLI writes the document with node:fs, the editor into an open
 * TextDocument; images go through the same {@link ImageSaver} as every other flow.
 */
import { readFile, rm } from 'node:fs/promises';
import { DashScopeError, isAbortError, type DashScopeClient, type GenerationRequest, type ProgressEvent } from '../dashscope/index.js';
import { withSeed, type ImageJobOptions, type ImageSaver, type JobProgress, type OutputFile, type SavedFileRef, type SavedImage } from './images.js';
import { MarkdownWriter, guideHeader, type MarkdownSink } from './markdown.js';
import { buildProvenance, embedProvenance, provenanceParameters } from './provenance.js';

/** The document a guide writes into, opened by the caller when the first delta arrives. */
export interface GuideDocument {
  /** Name of the document relative to the saver's folder (`2026…-guide.md`). */
  readonly name: string;
  readonly sink: MarkdownSink;
}

/** Options of {@link runGuide}. */
export interface GuideOptions<T extends SavedFileRef> {
  readonly client: DashScopeClient;
  /** Saves the images; its folder is the one `document.name` is relative to. */
  readonly saver: ImageSaver<T>;
  /** Creates the document (never overwriting) with its first text; called once, on the first delta. */
  readonly openDocument: (header: string) => Promise<GuideDocument>;
  readonly signal?: AbortSignal | undefined;
  readonly started?: Date | undefined;
  readonly random?: (() => number) | undefined;
  readonly sources?: readonly string[] | undefined;
  readonly onProgress?: ((event: JobProgress) => void) | undefined;
  readonly onClientProgress?: ((event: ProgressEvent) => void) | undefined;
  /** Every piece of text as it is written (the studio renders it live). */
  readonly onText?: ((text: string) => void) | undefined;
  /** Every image once it is saved and linked. */
  readonly onImage?: ((image: SavedImage<T>) => void) | undefined;
  /**
   * Last chance for an image whose save failed (unwritable folder, full disk), as in
   * {@link ImageJobOptions.rescue}: the image is billed, so it goes somewhere else before it is given up.
   */
  readonly rescue?: ImageJobOptions<T>['rescue'];
}

/** How a guide ended. */
export type GuideOutcome = 'succeeded' | 'stopped' | 'failed';

/** What a guide produced. */
export interface GuideResult<T extends SavedFileRef> {
  readonly model: string;
  readonly request: GenerationRequest;
  /** Undefined only when the stream failed before anything arrived (then runGuide throws instead). */
  readonly document: GuideDocument;
  readonly images: readonly SavedImage<T>[];
  /** Images that arrived but could not be kept. */
  readonly lost: readonly { index: number; error: unknown }[];
  readonly textLength: number;
  readonly requestId?: string;
  readonly outcome: GuideOutcome;
  /** Why it did not complete (a DashScopeError, the abort reason). */
  readonly error?: unknown;
}

/**
 * Streams a guide into a new document. Throws (and writes nothing) when the request is invalid
 * or the stream fails before its first delta; otherwise resolves with what was kept, also when
 * stopped or broken midway.
 */
export async function runGuide<T extends SavedFileRef>(input: GenerationRequest, options: GuideOptions<T>): Promise<GuideResult<T>> {
  const { client, signal } = options;
  const request = withSeed(input, options.random);
  const validated = client.validate(request);
  const spec = validated.spec;
  const started = options.started ?? new Date();
  let writer: MarkdownWriter | undefined;
  let document: GuideDocument | undefined;
  let chain: Promise<void> = Promise.resolve();
  const images: SavedImage<T>[] = [];
  const lost: { index: number; error: unknown }[] = [];
  /** Every image save started; awaited before the guide ends, also when the document never opened. */
  const savings: Promise<unknown>[] = [];
  let textLength = 0;
  let requestId: string | undefined;

  let opening: Promise<MarkdownWriter> | undefined;
  // Memoized: the first text step and the first image's download may both ask for it.
  const ensureDocument = (): Promise<MarkdownWriter> =>
    (opening ??= (async () => {
      document = await options.openDocument(guideHeader({ model: spec.id, started, seed: validated.request.seed, prompt: validated.request.prompt }));
      writer = new MarkdownWriter(document.sink, document.name);
      return writer;
    })());
  // The chain never rejects: a failing document (disk full, closed editor) must neither leave an
  // unhandled rejection while the stream goes on nor stop the bookkeeping of the images still
  // being saved. The first such error ends the guide as failed.
  let documentError: unknown;
  const enqueue = (step: (w: MarkdownWriter) => Promise<void>): void => {
    chain = chain
      .then(async () => step(await ensureDocument()))
      .catch((error: unknown) => {
        documentError ??= error;
      });
  };

  let failure: unknown;
  try {
    for await (const delta of client.stream(validated.request, {
      ...(signal ? { signal } : {}),
      onProgress: (event) => {
        options.onClientProgress?.(event);
        if (event.type === 'request') options.onProgress?.({ kind: 'request', model: event.model, mode: event.mode });
        if (event.type === 'retry') options.onProgress?.({ kind: 'retry', message: event.message });
      },
    })) {
      if (delta.type === 'text') {
        textLength += delta.text.length;
        const text = delta.text;
        enqueue(async (w) => {
          await w.text(text);
          options.onText?.(text);
        });
      } else if (delta.type === 'image') {
        const index = delta.index + 1;
        // Start the download now, so it overlaps the rest of the stream; link it in order.
        const saving = (async (): Promise<SavedImage<T>> => {
          // A document that cannot be created (the folder refuses it) must not cost the billed image: it is still saved, or rescued.
          const opened = await ensureDocument().catch(() => undefined);
          const mdStem = opened ? opened.documentName.replace(/\.md$/i, '') : `guide-${started.getTime()}`;
          return saveGuideImage(options, { url: delta.url, index, stem: `${mdStem}-images/image-${index}`, seed: delta.index === 0 ? validated.request.seed : undefined, request: validated.request, model: spec.id, started, expectedFormat: spec.outputFormat });
        })();
        saving.catch(() => undefined);
        savings.push(saving);
        enqueue(async (w) => {
          let saved: SavedImage<T>;
          try {
            saved = await saving;
          } catch (error) {
            lost.push({ index, error });
            await w.missingImage(index, error instanceof Error ? error.message : String(error));
            return;
          }
          // Saved is kept, even if the link cannot be written.
          images.push(saved);
          try {
            await w.image(saved.file.name, index);
          } finally {
            options.onImage?.(saved);
          }
        });
      } else if (delta.type === 'done') {
        requestId = delta.requestId;
      }
    }
  } catch (error) {
    failure = error;
  }

  // Everything that arrived is written (and every announced image saved) before we finish.
  await chain;
  await Promise.allSettled(savings);
  failure ??= documentError;
  if (!writer || !document) {
    if (failure !== undefined) throw failure;
    throw new DashScopeError({ code: 'NoContent', message: 'The stream ended without any text or image.', retriable: true, hint: 'Try again, or with another prompt.' });
  }
  const stoppedByUser = failure !== undefined && (signal?.aborted === true || isAbortError(failure));
  if (failure === undefined) {
    await writer.finish({ model: spec.id, request_id: requestId ?? null, seed: validated.request.seed ?? null, images: images.length });
  } else {
    const why = stoppedByUser
      ? 'stopped before the model finished'
      : failure instanceof DashScopeError
        ? `the stream stopped before the model finished (${failure.code}: ${failure.message}${failure.requestId ? `, request_id ${failure.requestId}` : ''})`
        : `stopped by an error (${failure instanceof Error ? failure.message : String(failure)})`;
    await writer.stopped(why).catch(() => undefined);
  }
  return {
    model: spec.id,
    request: validated.request,
    document,
    images,
    lost,
    textLength,
    ...(requestId ?? (failure instanceof DashScopeError ? failure.requestId : undefined) ? { requestId: requestId ?? (failure as DashScopeError).requestId } : {}),
    outcome: failure === undefined ? 'succeeded' : stoppedByUser ? 'stopped' : 'failed',
    ...(failure !== undefined ? { error: failure } : {}),
  };
}

/** Downloads (without the user's signal: the image is billed) and saves one guide image with provenance. */
async function saveGuideImage<T extends SavedFileRef>(
  options: GuideOptions<T>,
  image: { url: string; index: number; stem: string; seed: number | undefined; request: GenerationRequest; model: string; started: Date; expectedFormat: string },
): Promise<SavedImage<T>> {
  const file = await options.client.download(image.url, { expectedFormat: image.expectedFormat });
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file.path));
  } finally {
    await rm(file.path, { force: true });
  }
  const record = buildProvenance({
    model: image.model,
    prompt: image.request.prompt,
    negativePrompt: image.request.negativePrompt,
    width: file.width,
    height: file.height,
    seed: image.seed,
    parameters: provenanceParameters(image.request),
    created: image.started,
    index: image.index,
    ...(options.sources ? { sources: options.sources } : {}),
  });
  const embedded = embedProvenance(bytes, file.format, record);
  const save = async (out: OutputFile): Promise<T> => {
    try {
      return await options.saver.save(out);
    } catch (error) {
      const rescued = options.rescue ? await options.rescue(out, error).catch(() => undefined) : undefined;
      if (rescued) return rescued;
      throw error;
    }
  };
  const saved = await save({ stem: image.stem, ext: file.format, bytes: embedded.bytes });
  const sidecar = embedded.sidecar === undefined ? undefined : await save({ stem: saved.name, ext: 'json', bytes: new TextEncoder().encode(embedded.sidecar) });
  return {
    index: image.index,
    file: saved,
    format: file.format,
    width: file.width,
    height: file.height,
    ...(sidecar ? { sidecar } : {}),
    ...(image.seed !== undefined ? { seed: image.seed } : {}),
  };
}
