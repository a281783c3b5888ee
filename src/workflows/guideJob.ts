/**
 * The illustrated-guide runner the palette command and the studio share: the request is checked
 * and the output folder chosen at once, then the vscode-free guide pipeline (src/pipeline/guide.ts)
 * runs as a job of the job manager, the Markdown document is created without overwriting and
 * recorded while it streams (a reload marks it interrupted), and the job gets one history line.
 * Callers decide only how the document is written (an open editor, or the file itself) and what
 * they show while it streams.
 */
import * as vscode from 'vscode';
import type { GenerationRequest } from '../dashscope';
import { WorkspaceImageSaver, displayPath, resolveOutputLocation, workspaceFileSystem, type OutputLocation, type WorkspaceSavedFile } from '../host/workspaceFs';
import { saveAtomically, type FileSystem } from '../pipeline/files';
import { runGuide, type GuideResult } from '../pipeline/guide';
import { guideFacts } from '../pipeline/history';
import type { JobProgress, SavedImage } from '../pipeline/images';
import type { MarkdownSink } from '../pipeline/markdown';
import { renderName } from '../pipeline/naming';
import type { SharedServices } from './context';
import { pricingRegion } from './cost';
import { describeProgress } from './progress';
import { jobLabel, readInputImages, requireTrust, rescueImage, workspaceReference } from './workspaceJob';

/** File name template of a guide: date, time and the prompt's first words. */
export const GUIDE_NAME = '${date}-${time}-guide-${prompt}';

/** One image of a guide as it arrives. */
export type GuideImageArrival = SavedImage<WorkspaceSavedFile>;

/** Options of {@link runWorkspaceGuideJob}. */
export interface GuideJobOptions {
  readonly source: 'palette' | 'studio';
  /** Input images, in order. */
  readonly inputs: readonly vscode.Uri[];
  readonly signal?: AbortSignal | undefined;
  /** May the user be asked where to save? */
  readonly interactive: boolean;
  readonly pickAmongFolders: boolean;
  /** The folder is chosen (nothing has been sent yet). */
  readonly onLocation?: ((location: OutputLocation) => void) | undefined;
  /** How the guide's text reaches its new document (`name` in `fs`, at `uri`). */
  readonly openSink: (document: { uri: vscode.Uri; name: string; fs: FileSystem }) => Promise<MarkdownSink>;
  /** After the stream ended, before the document is recorded as complete (save an open editor). */
  readonly finishDocument?: (() => Promise<void>) | undefined;
  readonly onProgress?: ((event: JobProgress, text: string) => void) | undefined;
  readonly onText?: ((text: string, progress: string) => void) | undefined;
  readonly onImage?: ((image: GuideImageArrival, progress: string) => void) | undefined;
}

/** A finished guide: the pipeline's result, where it went, and its job. */
export interface WorkspaceGuideJob {
  readonly result: GuideResult<WorkspaceSavedFile>;
  readonly location: OutputLocation;
  readonly document: vscode.Uri;
  readonly jobId: string;
}

/** The guide's progress line while it streams. */
export function writingText(images: number): string {
  if (images === 0) return vscode.l10n.t('Writing…');
  return images === 1 ? vscode.l10n.t('Writing… (1 image so far)') : vscode.l10n.t('Writing… ({0} images so far)', images);
}

/**
 * Runs one guide into the workspace. Undefined when the user dismissed the folder question.
 * Throws RequestValidationError before anything is sent, MissingApiKeyError without a key; a
 * stream that breaks off is a result with outcome `failed` (what arrived is kept).
 */
export async function runWorkspaceGuideJob(host: SharedServices, request: GenerationRequest, options: GuideJobOptions): Promise<WorkspaceGuideJob | undefined> {
  requireTrust();
  const lease = await host.clients.acquire();
  const started = new Date();
  try {
    const withImages: GenerationRequest = options.inputs.length ? { ...request, images: await readInputImages(options.inputs) } : request;
    lease.client.validate(withImages);
    const location = await resolveOutputLocation({ template: host.config.read().outputFolder, settingName: 'bailian.outputFolder', model: request.model, date: started, interactive: options.interactive, pickAmongFolders: options.pickAmongFolders });
    if (!location) return undefined;
    options.onLocation?.(location);
    const fs = workspaceFileSystem(location.folder);
    const sources = options.inputs.map(workspaceReference);
    let documentUri: vscode.Uri | undefined;
    let images = 0;
    // A job of the manager like every other run: it waits for the model's stream slot and shows in Show Jobs.
    const handle = host.jobs.enqueue({
      label: jobLabel(request.model, request),
      model: request.model,
      source: options.source,
      ...(options.signal ? { signal: options.signal } : {}),
      run: (ctx) =>
        runGuide(withImages, {
          client: lease.client,
          saver: new WorkspaceImageSaver(location.folder),
          rescue: (file, error) => rescueImage(host.log, file, error),
          signal: ctx.signal,
          started,
          sources,
          onProgress: (event) => {
            const text = describeProgress(event);
            ctx.setProgress(text);
            options.onProgress?.(event, text);
          },
          onText: (text) => options.onText?.(text, writingText(images)),
          onImage: (image) => {
            const text = writingText(++images);
            ctx.setProgress(text);
            options.onImage?.(image, text);
          },
          openDocument: async (header) => {
            // The guide is a new file (never overwriting); later text is appended to it.
            const name = await saveAtomically(fs, { stem: renderName(GUIDE_NAME, { date: started, prompt: request.prompt ?? '' }), ext: 'md', bytes: new TextEncoder().encode(header) });
            documentUri = vscode.Uri.joinPath(location.folder, ...name.split('/'));
            await host.streams?.add(documentUri);
            return { name, sink: await options.openSink({ uri: documentUri, name, fs }) };
          },
        }),
    });
    const result = await handle.result;
    const document = documentUri ?? vscode.Uri.joinPath(location.folder, ...result.document.name.split('/'));
    await options.finishDocument?.();
    await host.streams?.remove(document);
    host.jobFiles?.set(handle.id, document);
    await host.history.record(
      location.workspaceFolder,
      guideFacts({ source: options.source, model: request.model, request: result.request, inputs: sources, started, region: pricingRegion(host) }, result, (file) => workspaceReference(file.uri), workspaceReference(document)),
      host.log,
    );
    host.log.info(`Guide ${displayPath(document)} (${options.source}): ${result.outcome}, ${result.images.length} image(s), ${result.textLength} characters`);
    if (result.outcome === 'failed') host.log.warn('Guide stream failed:', result.error);
    return { result, location, document, jobId: handle.id };
  } finally {
    lease.release();
  }
}
