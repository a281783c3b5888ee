/**
 * One image operation (upscale, extend, remove text, colorize, restyle, replace the background)
 * run into the workspace: the result is saved NEXT TO THE ORIGINAL, named for the operation
 * (`photo.x2.png`, `banner.16x9.png`), never overwriting, with provenance and a history line, as
 * a job of the job manager. The Explorer and palette commands, the folder batches and the agent
 * tool all come through here.
 */
import * as vscode from 'vscode';
import { PROCESS_MODEL_IDS, findModel, inspectImage, regionUnavailableReason, type Region } from '../dashscope';
import type { ClientLease } from '../host/clients';
import { ActionableError, regionLabel } from '../host/errors';
import { displayPath } from '../host/workspaceFs';
import { operationStem } from '../pipeline/operationNames';
import { processRequest, type ImageOperationChoice } from '../pipeline/processOperations';
import type { HistoryFacts } from '../pipeline/history';
import type { SharedServices } from './context';
import { describeProgress } from './progress';
import { runWorkspaceImageJob, type WorkspaceImageJob } from './workspaceJob';

/** Results go into the original's folder. */
export const NEXT_TO_ORIGINAL = '${fileDirname}';

/** The processing models are served only in Beijing: with another region's key they are not offered, and this says why. */
export class ProcessingRegionError extends ActionableError {
  constructor(region: string) {
    super(
      'ProcessingRegionError',
      vscode.l10n.t('These models (upscale, extend, remove text, colorize, restyle, replace background) are served only in Beijing; switch the region to Beijing and use a Beijing API key. The current region is {0}.', regionLabel(region)),
      ['switchRegion', 'setApiKey'],
      vscode.l10n.t('Switch to Beijing, then set a Beijing (Chinese Mainland) API key if you have none.'),
      'beijing',
    );
  }
}

/** The region the calls go to, when it is an official one (a custom base URL has none: the catalog does not decide there). */
function serviceRegion(host: SharedServices): Region | undefined {
  const region = host.config.read().region;
  return region === 'beijing' || region === 'singapore' || region === 'us' ? region : undefined;
}

/** Throws {@link ProcessingRegionError} when the region does not serve the processing models. */
export function requireProcessingRegion(host: SharedServices): void {
  const region = serviceRegion(host);
  if (!region) return;
  const missing = PROCESS_MODEL_IDS.some((id) => {
    const spec = findModel(id);
    return spec ? regionUnavailableReason(spec, region) !== undefined : false;
  });
  if (missing) throw new ProcessingRegionError(region);
}

/** An image the background generation cannot take (it needs a cut-out with transparency). */
export class NotTransparentError extends ActionableError {
  constructor(what: string, reason: 'notPng' | 'noAlpha') {
    super(
      'NotTransparentError',
      reason === 'notPng'
        ? vscode.l10n.t('Replace Background needs a PNG cut-out with a transparent background; {0} is not a PNG.', what)
        : vscode.l10n.t('Replace Background needs a PNG cut-out with a transparent background; {0} has no transparency (no alpha channel).', what),
      [],
      vscode.l10n.t('Remove the background first (any image editor can), save it as a PNG with transparency, and run Replace Background on that file.'),
    );
  }
}

/** Checks that `image` is a PNG with an alpha channel, reading only its head. */
export async function requireTransparentPng(image: vscode.Uri): Promise<void> {
  const bytes = await vscode.workspace.fs.readFile(image);
  const info = inspectImage(bytes.subarray(0, Math.min(bytes.length, 256 * 1024)));
  if (info?.format !== 'png') throw new NotTransparentError(displayPath(image), 'notPng');
  if (!info.hasAlpha) throw new NotTransparentError(displayPath(image), 'noAlpha');
}

/** Options of {@link runProcessJob}. */
export interface ProcessJobOptions {
  readonly source: HistoryFacts['source'];
  readonly signal?: AbortSignal | undefined;
  readonly report?: ((text: string) => void) | undefined;
  readonly interactive: boolean;
  readonly lease?: ClientLease | undefined;
  readonly onValidated?: (() => void) | undefined;
}

/**
 * Runs one operation on `image` and saves the result next to it. The request is checked by the
 * catalog before anything is sent (sizes, ranges, formats, region); a background replacement
 * first checks the image is a transparent PNG.
 */
export async function runProcessJob(host: SharedServices, image: vscode.Uri, choice: ImageOperationChoice, options: ProcessJobOptions): Promise<WorkspaceImageJob> {
  requireProcessingRegion(host);
  if (choice.operation === 'replaceBackground') await requireTransparentPng(image);
  // The image itself is added by the runner (read when the job runs, not while it is queued).
  const { images: _none, ...request } = processRequest(choice, '');
  return runWorkspaceImageJob(host, request, {
    kind: 'process',
    source: options.source,
    signal: options.signal,
    inputs: [image],
    template: { value: NEXT_TO_ORIGINAL, setting: 'bailian.outputFolder' },
    name: () => operationStem(image.path, request),
    interactive: options.interactive,
    lease: options.lease,
    onValidated: options.onValidated,
    onProgress: (event) => options.report?.(describeProgress(event)),
  });
}
