/**
 * The image operations on one image, in the Explorer's Bailian submenu and the palette: Upscale
 * ×2 and ×4, Extend to Aspect Ratio…, Remove Text, Colorize, Restyle…, Replace Background… (a
 * transparent PNG only); and on a folder, Upscale Images in Folder… and Extend Images in Folder…
 * (the shared folder batch: paced, counted, cancellable, summarized, the estimate first).
 *
 * Results are saved next to the original, named for the operation (`photo.x2.png`,
 * `banner.16x9.png`), and open beside it. The models are served only in Beijing: with another
 * region the commands say so at once and offer the switch. A scripted argument
 * (`{ image: 'a.png', ratio: '16:9' }`, `{ folder: 'shots', factor: 4 }`) skips every question.
 */
import * as vscode from 'vscode';
import * as z from 'zod';
import { Commands } from '../constants';
import { MissingApiKeyError } from '../host/clients';
import { displayPath } from '../host/workspaceFs';
import { uriOfArgument } from '../host/workspacePaths';
import { isProcessedOutput, operationModel, processRequest, type ImageOperation, type ImageOperationChoice } from '../pipeline/processOperations';
import type { SharedServices } from '../workflows/context';
import { confirmCost } from '../workflows/cost';
import { announceBatch, runFolderBatch, type FolderBatchResult } from '../workflows/folderBatch';
import { failedOutcome, outcomeFile, type CommandOutcome } from '../workflows/outcome';
import { isImageUri, pickImagesInOrder } from '../workflows/pickers';
import { requireProcessingRegion, requireTransparentPng, runProcessJob } from '../workflows/processJob';
import { announceSaved, withJobProgress } from '../workflows/progress';
import { requireTrust } from '../workflows/workspaceJob';
import { activeImageUri, explorerSelection } from './edit';
import { parseArgs } from './generate';
import { askChoice, askFactor, askRatio, choiceFromArgs, ProcessOptionsArgs } from './processOptions';

/** The scripted argument of the single-image commands. */
export const ProcessImageArgs = ProcessOptionsArgs.extend({ image: z.string().min(1) });
/** The scripted argument of the folder commands. */
export const ProcessFolderArgs = ProcessOptionsArgs.pick({ factor: true, ratio: true }).extend({ folder: z.string().min(1) });

/** Each single-image command: its operation and what the palette calls it. */
export type ImageCommand = { readonly id: string; readonly operation: ImageOperation; readonly factor?: 2 | 4 };

/** The single-image commands. */
export const IMAGE_COMMANDS = {
  upscale2x: { id: Commands.upscaleImage2x, operation: 'upscale', factor: 2 },
  upscale4x: { id: Commands.upscaleImage4x, operation: 'upscale', factor: 4 },
  extend: { id: Commands.extendImage, operation: 'extend' },
  removeText: { id: Commands.removeText, operation: 'removeText' },
  colorize: { id: Commands.colorizeImage, operation: 'colorize' },
  restyle: { id: Commands.restyleImage, operation: 'restyle' },
  replaceBackground: { id: Commands.replaceBackground, operation: 'replaceBackground' },
} as const satisfies Record<string, ImageCommand>;

/** The command's title, for pickers and the progress. */
function titleOf(command: ImageCommand): string {
  switch (command.operation) {
    case 'upscale':
      return command.factor === 4 ? vscode.l10n.t('Upscale ×4') : vscode.l10n.t('Upscale ×2');
    case 'extend':
      return vscode.l10n.t('Extend to Aspect Ratio');
    case 'removeText':
      return vscode.l10n.t('Remove Text');
    case 'colorize':
      return vscode.l10n.t('Colorize');
    case 'restyle':
      return vscode.l10n.t('Restyle');
    case 'replaceBackground':
      return vscode.l10n.t('Replace Background');
  }
}

/** The choice an interactive call makes, the image chosen already. */
async function askFor(host: SharedServices, command: ImageCommand, title: string): Promise<ImageOperationChoice | undefined> {
  if (command.operation === 'upscale') return { operation: 'upscale', factor: command.factor ?? 2 };
  return askChoice(host, command.operation, title);
}

/** Runs one of the single-image commands (`argument` is the Explorer's Uri or a scripted argument). */
export async function processImageCommand(host: SharedServices, command: ImageCommand, argument?: unknown, selection?: unknown): Promise<CommandOutcome> {
  try {
    requireTrust();
    requireProcessingRegion(host);
    const scripted = argument !== undefined && !(argument instanceof vscode.Uri);
    const title = titleOf(command);
    let image: vscode.Uri | undefined;
    let choice: ImageOperationChoice | undefined;
    if (scripted) {
      const args = parseArgs(ProcessImageArgs, command.id, argument);
      image = uriOfArgument(args.image);
      choice = choiceFromArgs(command.operation, command.factor ? { ...args, factor: command.factor } : args);
    } else {
      if (!(await host.clients.hasApiKey())) throw new MissingApiKeyError();
      image = explorerSelection(argument, selection).find(isImageUri) ?? activeImageUri();
      image ??= (await pickImagesInOrder({ title, min: 1, max: 1 }))?.[0];
      if (!image) return { status: 'cancelled' };
      // Said before any question: a cut-out is needed, and an RGB file cannot become one here.
      if (command.operation === 'replaceBackground') await requireTransparentPng(image);
      choice = await askFor(host, command, title);
      if (!choice) return { status: 'cancelled' };
    }
    const target = image;
    const chosen = choice;
    await confirmCost(host, [processRequest(chosen, '')], { interactive: !scripted, what: title });
    const run = await withJobProgress(vscode.l10n.t('Bailian: {0} {1}', title, target.path.slice(target.path.lastIndexOf('/') + 1)), (signal, report) =>
      runProcessJob(host, target, chosen, { signal, report, source: argument instanceof vscode.Uri ? 'explorer' : 'palette', interactive: !scripted }),
    );
    const uris = run.job.images.map((i) => i.file.uri);
    if (!scripted && uris[0]) await vscode.commands.executeCommand('vscode.open', uris[0], { viewColumn: vscode.ViewColumn.Beside, preview: false });
    announceSaved(uris);
    return { status: 'succeeded', files: run.job.images.map((i) => outcomeFile(i.file.uri)), folder: outcomeFile(run.location.folder).path };
  } catch (error) {
    return failedOutcome(host, command.id, error);
  }
}

/** What a folder batch of an operation did. */
export type ProcessFolderOutcome = Omit<FolderBatchResult, 'images' | 'declined'>;

/** `bailian.upscaleFolder` and `bailian.extendFolder`. */
export async function processFolderCommand(host: SharedServices, operation: 'upscale' | 'extend', argument?: unknown): Promise<ProcessFolderOutcome | CommandOutcome> {
  const id = operation === 'upscale' ? Commands.upscaleFolder : Commands.extendFolder;
  try {
    requireTrust();
    requireProcessingRegion(host);
    const scripted = argument !== undefined && !(argument instanceof vscode.Uri);
    const title = operation === 'upscale' ? vscode.l10n.t('Upscale Images in Folder') : vscode.l10n.t('Extend Images in Folder');
    let folder: vscode.Uri | undefined;
    let choice: ImageOperationChoice | undefined;
    if (scripted) {
      const args = parseArgs(ProcessFolderArgs, id, argument);
      folder = uriOfArgument(args.folder);
      choice = choiceFromArgs(operation, args);
    } else {
      if (!(await host.clients.hasApiKey())) throw new MissingApiKeyError();
      folder = argument instanceof vscode.Uri ? argument : (await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri, title }))?.[0];
      if (!folder) return { status: 'cancelled' };
      if (operation === 'upscale') {
        const factor = await askFactor(title);
        choice = factor ? { operation, factor } : undefined;
      } else {
        const ratio = await askRatio(host, title);
        choice = ratio ? { operation, ratio } : undefined;
      }
      if (!choice) return { status: 'cancelled' };
    }
    const chosen = choice;
    const batch = await runFolderBatch(host, {
      folder,
      title,
      isOwnOutput: (f) => isProcessedOutput(f.path),
      costRequest: processRequest(chosen, ''),
      what: (n) => (operation === 'upscale' ? vscode.l10n.t('Upscaling {0} images', n) : vscode.l10n.t('Extending {0} images', n)),
      noImages: (where, skipped) => (skipped === 1 ? vscode.l10n.t('No images to process in {0} (1 other file skipped).', where) : vscode.l10n.t('No images to process in {0} ({1} other files skipped).', where, skipped)),
      interactive: !scripted,
      run: (image, context) => runProcessJob(host, image, chosen, { ...context, source: 'batch', interactive: false }),
    });
    const outcome: ProcessFolderOutcome = { status: batch.status, saved: batch.saved, skipped: batch.skipped, failed: batch.failed, notStarted: batch.notStarted };
    if (batch.images === 0 || batch.declined) return outcome;
    const cancelled = batch.status === 'cancelled' ? vscode.l10n.t(', {0} not started (cancelled)', batch.notStarted) : '';
    announceBatch(
      host,
      vscode.l10n.t('{0}: {1} of {2} images done with {3} in {4}; {5} failed, {6} other files skipped{7}.', title, batch.saved.length, batch.images, operationModel(operation), displayPath(folder), batch.failed.length, batch.skipped.length, cancelled),
      batch.failed,
    );
    return outcome;
  } catch (error) {
    return failedOutcome(host, id, error);
  }
}
