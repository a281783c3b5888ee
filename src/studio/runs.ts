/**
 * The studio's jobs: each run goes through the SAME shared runners as the commands —
 * {@link runWorkspaceImageJob} for generate, edit and translate, {@link runGuide} for the
 * illustrated guide — and reports its whole state as a {@link JobSnapshot} after every change.
 * The studio only turns requests from the webview into runner calls and runner events into
 * snapshots; it never talks to DashScope or writes files itself.
 */
import * as vscode from 'vscode';
import { modelsForTask, type GenerationRequest, type TranslationOptions } from '../dashscope';
import { isCancellation } from '../host/errors';
import { displayPath, resolveInsideWorkspace, workspacePathOf } from '../host/workspaceFs';
import { appendFile } from '../pipeline/files';
import { CancelledJobError } from '../pipeline/images';
import { operationStem } from '../pipeline/operationNames';
import { translatedStem } from '../pipeline/translate';
import { extraRequestFields } from '../protocol/extraOptions';
import { MODE_TASKS } from '../protocol/modelOptions';
import type { SharedServices } from '../workflows/context';
import { confirmCost } from '../workflows/cost';
import { runWorkspaceGuideJob } from '../workflows/guideJob';
import { summarizeWithRegionHint } from '../workflows/outcome';
import { describeProgress } from '../workflows/progress';
import { runWorkspaceImageJob } from '../workflows/workspaceJob';
import { studioRetouchRequest } from './retouchRun';
import type { JobSnapshot, RunParams, StudioError, StudioImage } from '../protocol/messages';

/** File name template of a studio guide (the same as the guide command's). */

/** Turns a saved file into what the webview shows (a webview URI and a workspace location). */
export type ToStudioImage = (uri: vscode.Uri, facts?: { width?: number; height?: number; seed?: number | undefined }) => StudioImage;

/** Builds the StudioImage of a file for a webview. */
export function studioImageOf(webview: vscode.Webview, uri: vscode.Uri, facts: { width?: number; height?: number; seed?: number | undefined } = {}): StudioImage {
  const where = workspacePathOf(uri);
  return {
    src: webview.asWebviewUri(uri).toString(),
    displayPath: displayPath(uri),
    ...(where && where.path ? { location: { folderIndex: where.folder.index, path: where.path } } : {}),
    ...(facts.width ? { width: facts.width } : {}),
    ...(facts.height ? { height: facts.height } : {}),
    ...(facts.seed !== undefined ? { seed: facts.seed } : {}),
  };
}

/** A folder for people: its workspace-relative path, the workspace folder's name for its root, else the full path. */
export function folderLabel(uri: vscode.Uri): string {
  const root = vscode.workspace.workspaceFolders?.find((f) => f.uri.toString() === uri.toString());
  return root ? root.name : displayPath(uri);
}

/** Thrown when the webview names a file outside the workspace folders. */
export class OutsideWorkspaceError extends Error {
  override readonly name = 'OutsideWorkspaceError';
  constructor() {
    super(vscode.l10n.t('Input images must be files inside the workspace folders.'));
  }
}

/** Options of {@link runStudioJob}. */
export interface StudioJobContext {
  readonly host: SharedServices;
  readonly jobId: string;
  readonly params: RunParams;
  readonly signal: AbortSignal;
  readonly toImage: ToStudioImage;
  /** Called with the job's full state after each change. */
  readonly update: (snapshot: JobSnapshot) => void;
  /** A folder outside the workspace received files (no folder open): the webview must be able to read it. */
  readonly allowFolder: (folder: vscode.Uri) => void;
  /** The estimate was confirmed already, for a whole comparison (compare.ts). */
  readonly costConfirmed?: boolean;
}

/** The request of an image run (generate, edit, translate), without its input images. */
export function imageRequestOf(params: RunParams): GenerationRequest {
  if (params.mode === 'translate') {
    const t = params.translation;
    const terms = (t?.terms ?? []).map((term) => ({ src: term.src.trim(), tgt: term.tgt.trim() })).filter((term) => term.src && term.tgt);
    const sensitives = (t?.sensitives ?? []).map((s) => s.trim()).filter(Boolean);
    const translation: TranslationOptions = {
      sourceLang: t?.sourceLang ?? 'auto',
      targetLang: t?.targetLang ?? 'en',
      ...(t?.domainHint?.trim() ? { domainHint: t.domainHint.trim() } : {}),
      ...(sensitives.length ? { sensitives } : {}),
      ...(terms.length ? { terminologies: terms } : {}),
    };
    return { model: params.model, translation };
  }
  const request: GenerationRequest = { model: params.model };
  if (params.prompt?.trim()) request.prompt = params.prompt.trim();
  if (params.negativePrompt?.trim()) request.negativePrompt = params.negativePrompt.trim();
  if (params.size) request.size = params.size;
  if (params.n !== undefined) request.n = params.n;
  if (params.seed !== undefined) request.seed = params.seed;
  if (params.promptExtend !== undefined) request.promptExtend = params.promptExtend;
  if (params.watermark !== undefined) request.watermark = params.watermark;
  if (params.mode === 'guide' && params.maxImages !== undefined) request.maxImages = params.maxImages;
  if (params.mode !== 'guide') Object.assign(request, extraRequestFields(params));
  return request;
}

/** Resolves the webview's input locations inside the workspace; throws for anything else. */
export function resolveInputs(params: RunParams): vscode.Uri[] {
  return (params.inputs ?? []).map((location) => {
    const uri = resolveInsideWorkspace(location.folderIndex, location.path);
    if (!uri) throw new OutsideWorkspaceError();
    return uri;
  });
}

/** The webview asked for a model outside the mode's list (the catalog groups models by task). */
export class WrongModeError extends Error {
  override readonly name = 'WrongModeError';
  constructor(mode: string, model: string) {
    super(vscode.l10n.t('{0} is not a model for this mode ({1}).', model, mode));
  }
}

/** Runs one studio job to its end; never throws (failures end up in the snapshot). */
export async function runStudioJob(context: StudioJobContext): Promise<JobSnapshot> {
  const { params, jobId } = context;
  let snapshot: JobSnapshot = { jobId, status: 'running', text: vscode.l10n.t('Checking the request…'), images: [] };
  const set = (patch: Partial<JobSnapshot>): JobSnapshot => {
    snapshot = { ...snapshot, ...patch };
    context.update(snapshot);
    return snapshot;
  };
  set({});
  try {
    if (!modelsForTask(MODE_TASKS[params.mode]).some((m) => m.id === params.model)) throw new WrongModeError(params.mode, params.model);
    const inputs = resolveInputs(params);
    if (inputs.length) set({ inputs: inputs.map((uri) => context.toImage(uri)) });
    // Retouch: the operation's options and the mask drawn from the strokes (refused when empty).
    const request = params.mode === 'retouch' ? await studioRetouchRequest(params, imageRequestOf(params), inputs) : imageRequestOf(params);
    // More than one image: the estimate first, and a question above the threshold.
    const cost = context.costConfirmed ? { proceed: true } : await confirmCost(context.host, [request], { interactive: true, what: vscode.l10n.t('This run') });
    if (!cost.proceed) throw new vscode.CancellationError();
    if (params.mode === 'guide') return await runGuideJob(context, inputs, set);
    return await runImageRun(context, inputs, set, request);
  } catch (error) {
    if (isCancellation(error)) {
      const started = error instanceof CancelledJobError && (error.taskOutcome === 'started' || error.taskOutcome === 'failed');
      context.host.log.info('Studio job cancelled');
      return set({
        status: 'cancelled',
        endedAt: Date.now(),
        text: started ? vscode.l10n.t('Cancelled. The task had started; DashScope may still finish and bill it.') : vscode.l10n.t('Cancelled. Nothing was produced or saved.'),
        ...(started ? { mayBeBilled: true } : {}),
      });
    }
    context.host.log.error('Studio job failed:', error);
    const summary = await summarizeWithRegionHint(context.host, error);
    return set({ status: 'failed', endedAt: Date.now(), text: '', error: summary });
  }
}

async function runImageRun(context: StudioJobContext, inputs: vscode.Uri[], set: (patch: Partial<JobSnapshot>) => JobSnapshot, request: GenerationRequest): Promise<JobSnapshot> {
  const { params, host } = context;
  const kind = params.mode === 'retouch' ? 'process' : params.mode === 'edit' ? 'edit' : params.mode === 'translate' ? 'translate' : 'generate';
  const translation = request.translation;
  const first = inputs[0];
  const translateOptions =
    kind === 'translate' && translation && first
      ? {
          lang: translation.targetLang,
          template: { value: host.config.read(first).translationOutputFolder, setting: 'bailian.translationOutputFolder' },
          name: () => translatedStem(first.path, translation.targetLang),
        }
      : kind === 'process' && first
        ? // Next to the original, named for the operation (`street.edit.png`, `photo.x2.png`), as the Explorer commands and the CLI save.
          { template: { value: '${fileDirname}', setting: 'bailian.outputFolder' }, name: (image: { index: number }) => operationStem(first.path, request, image.index, request.n ?? 1) }
        : {};
  const run = await runWorkspaceImageJob(host, request, {
    kind,
    source: 'studio',
    signal: context.signal,
    interactive: true,
    pickAmongFolders: false,
    inputs,
    ...(params.preset ? { preset: { name: params.preset.name, blanks: params.preset.blanks } } : {}),
    ...translateOptions,
    onProgress: (event) => set({ text: describeProgress(event) }),
  });
  if (!run.location.workspaceFolder) context.allowFolder(run.location.folder);
  const images = run.job.images.map((image) => context.toImage(image.file.uri, { width: image.width, height: image.height, seed: image.seed }));
  const failed = run.job.failures.length + run.job.lost.length;
  const text =
    (images.length === 1 ? vscode.l10n.t('Saved 1 image to {0}.', folderLabel(run.location.folder)) : vscode.l10n.t('Saved {0} images to {1}.', images.length, folderLabel(run.location.folder))) +
    (failed ? ` ${vscode.l10n.t('{0} more could not be produced or kept (see the log).', failed)}` : '') +
    (run.job.cancelledAfterGeneration ? ` ${vscode.l10n.t('The cancel came after the images were made, so they were kept.')}` : '');
  return set({
    status: 'succeeded',
    endedAt: Date.now(),
    text,
    images,
    ...(run.job.actualPrompt ? { actualPrompt: run.job.actualPrompt } : {}),
    ...(run.job.request.seed !== undefined ? { seed: run.job.request.seed } : {}),
  });
}

async function runGuideJob(context: StudioJobContext, inputs: vscode.Uri[], set: (patch: Partial<JobSnapshot>) => JobSnapshot): Promise<JobSnapshot> {
  const { host, params } = context;
  const segments: NonNullable<JobSnapshot['segments']> = [];
  const encoder = new TextEncoder();
  const run = await runWorkspaceGuideJob(host, imageRequestOf(params), {
    source: 'studio',
    inputs,
    signal: context.signal,
    interactive: true,
    pickAmongFolders: false,
    onLocation: (location) => {
      if (!location.workspaceFolder) context.allowFolder(location.folder);
    },
    onProgress: (_event, text) => set({ text }),
    onText: (text) => {
      const last = segments.at(-1);
      if (last?.kind === 'text') segments[segments.length - 1] = { kind: 'text', text: last.text + text };
      else segments.push({ kind: 'text', text });
      set({ text: vscode.l10n.t('Writing…'), segments: [...segments] });
    },
    onImage: (image) => {
      segments.push({ kind: 'image', image: context.toImage(image.file.uri, { width: image.width, height: image.height, seed: image.seed }) });
      set({ segments: [...segments], images: [...snapshotImages(segments)] });
    },
    // The card shows the stream; the document is appended to as a file.
    openSink: async ({ uri, name, fs }) => {
      set({ document: context.toImage(uri) });
      return { append: (text) => appendFile(fs, name, encoder.encode(text)) };
    },
  });
  if (!run) throw new vscode.CancellationError();
  const { result, document: docUri } = run;
  const base = {
    endedAt: Date.now(),
    images: snapshotImages(segments),
    segments: [...segments],
    document: context.toImage(docUri),
    ...(result.request.seed !== undefined ? { seed: result.request.seed } : {}),
  };
  if (result.outcome === 'succeeded') return set({ ...base, status: 'succeeded', text: vscode.l10n.t('The guide is saved as {0}.', displayPath(docUri)) });
  if (result.outcome === 'stopped') return set({ ...base, status: 'stopped', text: vscode.l10n.t('Stopped. Everything that arrived is kept in {0}.', displayPath(docUri)) });
  const summary = await summarizeWithRegionHint(host, result.error);
  return set({ ...base, status: 'failed', text: vscode.l10n.t('The stream broke off; everything that arrived is kept in {0}.', displayPath(docUri)), error: summary });
}

function snapshotImages(segments: NonNullable<JobSnapshot['segments']>): StudioImage[] {
  return segments.flatMap((s) => (s.kind === 'image' ? [s.image] : []));
}
/** How a studio job ended. */
export type StudioJobOutcome =
  | { readonly status: 'succeeded'; readonly images: readonly StudioImage[] }
  | { readonly status: 'cancelled' }
  | { readonly status: 'failed'; readonly error: StudioError };
