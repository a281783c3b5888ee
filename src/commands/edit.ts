/**
 * `bailian.editImage` ("Edit Image…"): 1–3 workspace images (4 for wan2.6-image), from the
 * Explorer selection (in the order selected) or picked one after another, so "image 1", "image 2"
 * in the prompt mean what the user thinks → an edit model that takes that many → the instruction
 * → the number of images → saved next to the first image's workspace folder → the result opens.
 *
 * Scripted: `{ images: [uri…], model, prompt, n?, size?, seed?, negativePrompt? }`.
 */
import * as vscode from 'vscode';
import { uriOfArgument } from '../host/workspacePaths';
import * as z from 'zod';
import { Commands } from '../constants';
import { modelsForTask, type ModelSpec } from '../dashscope';
import { MissingApiKeyError } from '../host/clients';
import { askSizeCountSeed, parseArgs } from './generate';
import { requireTrust, runWorkspaceImageJob } from '../workflows/workspaceJob';
import { type SharedServices } from '../workflows/context';
import { confirmCost } from '../workflows/cost';
import { failedOutcome, outcomeFile, type CommandOutcome } from '../workflows/outcome';
import { isImageUri, pickImagesInOrder, pickModel } from '../workflows/pickers';
import { announceSaved, describeProgress, withJobProgress } from '../workflows/progress';

/** Memento key of the last edit model. */
export const LAST_EDIT_MODEL_KEY = 'bailian.editImage.lastModel';

/** The scripted argument of `bailian.editImage`. */
export const EditImageArgs = z.strictObject({
  images: z.array(z.string().min(1)).min(1),
  model: z.string().min(1),
  prompt: z.string(),
  n: z.number().int().optional(),
  size: z.string().optional(),
  seed: z.number().int().optional(),
  negativePrompt: z.string().optional(),
});

/** The images a command was invoked on from the Explorer: the multi-selection, else the clicked one. */
export function explorerSelection(argument: unknown, selection: unknown): vscode.Uri[] {
  if (Array.isArray(selection) && selection.every((s) => s instanceof vscode.Uri) && selection.length > 0) return selection as vscode.Uri[];
  if (argument instanceof vscode.Uri) return [argument];
  return [];
}

/** The image under the cursor of an image preview (`editor/title`), if any. */
export function activeImageUri(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom && isImageUri(input.uri) ? input.uri : undefined;
}

/** Edit models that take `count` images. */
export function editModelsFor(count: number): ModelSpec[] {
  return modelsForTask('image-edit').filter((m) => m.images && count >= m.images.min && count <= m.images.max);
}

/** Runs the command. */
export async function editImageCommand(host: SharedServices, argument?: unknown, selection?: unknown): Promise<CommandOutcome> {
  try {
    requireTrust();
    const scripted = argument !== undefined && !(argument instanceof vscode.Uri);
    let images: vscode.Uri[];
    let request: { model: string; prompt: string; n?: number; size?: string; seed?: number; negativePrompt?: string };
    if (scripted) {
      const args = parseArgs(EditImageArgs, Commands.editImage, argument);
      const { images: refs, ...rest } = args;
      images = refs.map(uriOfArgument);
      request = rest;
    } else {
      if (!(await host.clients.hasApiKey())) throw new MissingApiKeyError();
      const asked = await askForEdit(host, explorerSelection(argument, selection).filter(isImageUri));
      if (!asked) return { status: 'cancelled' };
      ({ images, request } = asked);
    }
    const cost = await confirmCost(host, [request], { interactive: !scripted, what: vscode.l10n.t('This edit') });
    if (!cost.proceed) return { status: 'cancelled' };
    const run = await withJobProgress(vscode.l10n.t('Bailian: editing'), (signal, report) =>
      runWorkspaceImageJob(host, request, {
        kind: 'edit',
        source: scripted ? 'palette' : argument instanceof vscode.Uri ? 'explorer' : 'palette',
        signal,
        inputs: images,
        interactive: !scripted,
        onProgress: (event) => report(describeProgress(event)),
      }),
    );
    const uris = run.job.images.map((i) => i.file.uri);
    if (uris[0] && !scripted) await vscode.commands.executeCommand('vscode.open', uris[0], { preview: false });
    announceSaved(uris);
    return { status: 'succeeded', files: run.job.images.map((i) => outcomeFile(i.file.uri, i.seed)), folder: outcomeFile(run.location.folder).path, ...(run.job.lost.length || run.job.failures.length ? { partial: true } : {}) };
  } catch (error) {
    return failedOutcome(host, Commands.editImage, error);
  }
}

async function askForEdit(host: SharedServices, selected: vscode.Uri[]): Promise<{ images: vscode.Uri[]; request: { model: string; prompt: string; n?: number; size?: string; seed?: number } } | undefined> {
  const title = vscode.l10n.t('Edit Image');
  const maxImages = Math.max(...modelsForTask('image-edit').map((m) => m.images?.max ?? 1));
  let images = selected.slice(0, maxImages);
  if (selected.length > maxImages) void vscode.window.showWarningMessage(vscode.l10n.t('Edit models take at most {0} images; using the first {0}.', maxImages));
  if (images.length === 0) {
    const picked = await pickImagesInOrder({ title, min: 1, max: maxImages });
    if (!picked?.length) return undefined;
    images = picked;
  }
  const models = editModelsFor(images.length);
  if (models.length === 0) {
    void vscode.window.showErrorMessage(vscode.l10n.t('No edit model takes {0} images.', images.length));
    return undefined;
  }
  const spec = await pickModel(models, { title, placeHolder: images.length === 1 ? vscode.l10n.t('Choose an edit model (1 image)') : vscode.l10n.t('Choose an edit model ({0} images)', images.length), last: host.state.get<string>(LAST_EDIT_MODEL_KEY), region: host.config.read().region });
  if (!spec) return undefined;
  await host.state.update(LAST_EDIT_MODEL_KEY, spec.id);
  const names = images.map((uri, i) => `${i + 1}: ${uri.path.slice(uri.path.lastIndexOf('/') + 1)}`).join(', ');
  const prompt = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('What should change? Refer to the images as image 1, image 2 … ({0})', names),
    placeHolder: vscode.l10n.t('Put the cat from image 2 on the sofa in image 1'),
    ignoreFocusOut: true,
    validateInput: (text) => (text.trim() ? undefined : vscode.l10n.t('The instruction cannot be empty.')),
  });
  if (!prompt?.trim()) return undefined;
  const rest = await askSizeCountSeed({ ...spec, params: spec.params.filter((p) => p !== 'size') }, title);
  if (!rest) return undefined;
  return { images, request: { model: spec.id, prompt: prompt.trim(), ...rest } };
}
