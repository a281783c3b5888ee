/**
 * The Explorer's entries on a generated image (one that carries provenance), in the Bailian
 * submenu:
 *
 * - `bailian.regenerateImage` (Regenerate): the same model, prompt, seed, size and inputs; a new file.
 * - `bailian.imageVariations` (Variations…): the same settings with k new seeds (k from 2 to the
 *   model's n limit), after the cost estimate; k files and one history line.
 * - `bailian.copyAsCliCommand` (Copy as CLI Command): the `bailian-image` command that makes the
 *   image again, on the clipboard. Also takes a history entry id, for the studio's history.
 *
 * (Open Settings in Studio is routed to the studio by services.ts.) The Explorer shows them on the
 * images known to carry provenance (workflows/provenanceFiles.ts, the `bailian.provenanceFiles`
 * context key); other images get one greyed entry that says why. That set is what the editor
 * knows without reading every image, so a command run on any image still reads the file itself:
 * one without provenance is refused with the reason (NoProvenanceError), one with it runs (and
 * joins the set).
 *
 * Scripted: `{ file: uri-or-path }`, plus `count` for Variations and `{ entryId }` for Copy as CLI Command.
 */
import * as vscode from 'vscode';
import * as z from 'zod';
import { Commands } from '../constants';
import { estimateCost, findModel, nRangeFor } from '../dashscope';
import { resolveWorkspaceRef } from '../host/workspacePaths';
import { cliCommand, jobOfHistoryEntry, jobOfProvenance } from '../pipeline/cliCommand';
import { variationsLimit } from '../pipeline/reproduce';
import type { SharedServices } from '../workflows/context';
import { confirmCost, describeCost, pricingRegion, totalOf } from '../workflows/cost';
import { failedOutcome, outcomeFile, type CommandOutcome } from '../workflows/outcome';
import { announceSaved, withJobProgress } from '../workflows/progress';
import { NoProvenanceError, readImageProvenance, readImageRecipe, type ImageRecipe } from '../workflows/provenance';
import { regenerateImage, runVariations, variationRequest } from '../workflows/variations';
import { requireTrust } from '../workflows/workspaceJob';
import { parseArgs } from './generate';

const FileArgs = z.strictObject({ file: z.string().min(1) });
const VariationsArgs = z.strictObject({ file: z.string().min(1), count: z.number().int() });
const CopyArgs = z.union([z.strictObject({ file: z.string().min(1) }), z.strictObject({ entryId: z.string().min(1) })]);

/** The image a command runs on: the Explorer's Uri, or a scripted `file` resolved inside the workspace. */
async function imageOf(argument: unknown, scripted: { file: string } | undefined): Promise<vscode.Uri> {
  if (argument instanceof vscode.Uri) return argument;
  if (scripted) return resolveWorkspaceRef(scripted.file, vscode.l10n.t('The command\'s file argument'));
  throw new Error(vscode.l10n.t('Run this from an image in the Explorer (right-click, Bailian).'));
}

/** A guide's images come from a stream: there is no request that makes one of them alone. */
function refuseGuide(recipe: ImageRecipe): void {
  if (recipe.fromGuide) throw new Error(vscode.l10n.t('{0} was made by an illustrated guide ({1}); run the guide again to make its images again.', recipe.path, recipe.record.model));
}

/** Regenerate: the image's own request again, into a new file. */
export async function regenerateImageCommand(host: SharedServices, argument?: unknown): Promise<CommandOutcome> {
  try {
    const scripted = argument instanceof vscode.Uri ? undefined : parseArgs(FileArgs, Commands.regenerateImage, argument);
    const recipe = await readImageRecipe(await imageOf(argument, scripted), vscode.l10n.t('Regenerate'), host.provenanceFiles);
    refuseGuide(recipe);
    requireTrust();
    const cost = await confirmCost(host, [recipe.request], { interactive: !scripted, what: vscode.l10n.t('Regenerating {0}', recipe.path) });
    if (!cost.proceed) return { status: 'cancelled' };
    const run = await withJobProgress(vscode.l10n.t('Bailian: regenerating'), (signal, report) => regenerateImage(host, recipe, { signal, interactive: !scripted, onProgress: report }));
    const uris = run.job.images.map((i) => i.file.uri);
    if (uris[0] && !scripted) await vscode.commands.executeCommand('vscode.open', uris[0], { preview: false });
    announceSaved(uris);
    return { status: 'succeeded', files: run.job.images.map((i) => outcomeFile(i.file.uri, i.seed)), folder: outcomeFile(run.location.folder).path, ...(run.job.lost.length || run.job.failures.length ? { partial: true } : {}) };
  } catch (error) {
    return failedOutcome(host, Commands.regenerateImage, error);
  }
}

/** How many variations, with the estimate of each choice; undefined when dismissed. */
async function askCount(host: SharedServices, recipe: ImageRecipe, limit: number): Promise<number | undefined> {
  const items = Array.from({ length: limit - 1 }, (_, i) => i + 2).map((k) => {
    const total = totalOf(Array.from({ length: k }, (_, i) => estimateCost(variationRequest(recipe, i), pricingRegion(host))));
    return { label: vscode.l10n.t('{0} variations', k), description: describeCost(total), k };
  });
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Variations of {0}', recipe.path), placeHolder: vscode.l10n.t('How many images, each with a new seed? (same model, prompt, size and inputs)'), ignoreFocusOut: true });
  return picked?.k;
}

/** Variations…: the same settings with k new seeds; k files, one history line. */
export async function imageVariationsCommand(host: SharedServices, argument?: unknown): Promise<CommandOutcome> {
  try {
    const scripted = argument instanceof vscode.Uri ? undefined : parseArgs(VariationsArgs, Commands.imageVariations, argument);
    const recipe = await readImageRecipe(await imageOf(argument, scripted), vscode.l10n.t('Variations'), host.provenanceFiles);
    refuseGuide(recipe);
    requireTrust();
    const spec = findModel(recipe.request.model);
    const limit = variationsLimit(spec ? nRangeFor(spec, recipe.request.enableSequential).max : 1);
    let count: number | undefined = scripted?.count;
    if (count !== undefined && (count < 2 || count > limit)) {
      throw new Error(vscode.l10n.t('Variations of {0} take from 2 to {1} images; you asked for {2}.', recipe.record.model, limit, count));
    }
    count ??= await askCount(host, recipe, limit);
    if (count === undefined) return { status: 'cancelled' };
    const k = count;
    const requests = Array.from({ length: k }, (_, i) => variationRequest(recipe, i));
    const cost = await confirmCost(host, requests, { interactive: !scripted, what: vscode.l10n.t('{0} variations of {1}', k, recipe.path) });
    if (!cost.proceed) return { status: 'cancelled' };
    const result = await withJobProgress(vscode.l10n.t('Bailian: {0} variations', k), (signal, report) => runVariations(host, recipe, k, { signal, interactive: !scripted, onProgress: report }));
    const images = result.jobs.flatMap((j) => j.job.images);
    const uris = images.map((i) => i.file.uri);
    announceSaved(uris);
    const partial = result.errors.length > 0 || result.jobs.some((j) => j.job.lost.length || j.job.failures.length);
    return { status: 'succeeded', files: images.map((i) => outcomeFile(i.file.uri, i.seed)), folder: outcomeFile(result.jobs[0]!.location.folder).path, ...(partial ? { partial: true } : {}) };
  } catch (error) {
    return failedOutcome(host, Commands.imageVariations, error);
  }
}

/** What Copy as CLI Command resolves with. */
export type CopyCommandOutcome = { readonly status: 'copied'; readonly command: string } | Extract<CommandOutcome, { status: 'failed' | 'cancelled' }>;

/** The command for a history entry id, looked up in the workspace folders' manifests. */
async function commandOfEntry(host: SharedServices, entryId: string): Promise<string> {
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const { entries } = await host.history.of(folder).read();
    const entry = entries.find((e) => e.id === entryId);
    if (entry) return cliCommand(jobOfHistoryEntry(entry));
  }
  throw new Error(vscode.l10n.t('There is no history entry {0} in this workspace.', entryId));
}

/** Copy as CLI Command: the `bailian-image` command that makes the image (or the history entry's job) again. */
export async function copyAsCliCommand(host: SharedServices, argument?: unknown): Promise<CopyCommandOutcome> {
  try {
    let command: string;
    if (typeof argument === 'string' || (argument && typeof argument === 'object' && 'entryId' in argument)) {
      const entryId = typeof argument === 'string' ? argument : (parseArgs(CopyArgs, Commands.copyAsCliCommand, argument) as { entryId: string }).entryId;
      command = await commandOfEntry(host, entryId);
    } else {
      const scripted = argument instanceof vscode.Uri ? undefined : (parseArgs(CopyArgs, Commands.copyAsCliCommand, argument) as { file: string });
      const uri = await imageOf(argument, scripted);
      const record = await readImageProvenance(uri, host.provenanceFiles);
      if (!record) throw new NoProvenanceError(uri.path.slice(uri.path.lastIndexOf('/') + 1), vscode.l10n.t('Copy as CLI Command'));
      const path = vscode.workspace.asRelativePath(uri, false);
      command = cliCommand(jobOfProvenance(record, path));
    }
    await vscode.env.clipboard.writeText(command);
    host.log.info(`Copied the CLI command (${command.length} characters)`);
    void vscode.window.setStatusBarMessage(vscode.l10n.t('Bailian: CLI command copied. Run it from the workspace folder with DASHSCOPE_API_KEY set.'), 8000);
    return { status: 'copied', command };
  } catch (error) {
    return (await failedOutcome(host, Commands.copyAsCliCommand, error)) as CopyCommandOutcome;
  }
}
