/**
 * `bailian.generateImage` ("Generate Image…"): prompt → text-to-image model → cancellable
 * progress notification → images saved into the workspace → the first one opened.
 *
 * Scripted use (tests, other extensions): pass `{ prompt, model, size?, n?, seed?,
 * negativePrompt?, nameTemplate? }` and no question is asked. The command resolves with a
 * {@link GenerateImageOutcome} either way; failures are also shown to the user.
 */
import * as vscode from 'vscode';
import { z } from 'zod';
import { isCancellation, reportError, type ErrorSummary } from '../commands';
import { Commands } from '../constants';
import { findModel, modelsForTask } from '../dashscope';
import { unknownTemplateVariables } from '../output/naming';
import { modelLabel } from '../studio/models';
import { MissingApiKeyError } from '../services/client';
import { displayPath } from '../workspace/save';
import { describeProgress, generateIntoWorkspace, type GenerationHost } from './service';

/** globalState key of the last model picked in the command. */
export const LAST_MODEL_KEY = 'bailian.generateImage.lastModel';

/** The scripted argument of `bailian.generateImage`. */
export const GenerateImageArgs = z.strictObject({
  prompt: z.string().trim().min(1),
  model: z.string().min(1),
  size: z.string().optional(),
  n: z.number().int().optional(),
  seed: z.number().int().optional(),
  negativePrompt: z.string().optional(),
  /** File name template (src/output/naming.ts), e.g. a fixed name to test collisions. */
  nameTemplate: z
    .string()
    .min(1)
    .refine((t) => unknownTemplateVariables(t).length === 0, 'unknown template variable')
    .optional(),
});
export type GenerateImageArgs = z.infer<typeof GenerateImageArgs>;

/** What the command resolves with (for scripts and tests; the key never appears). */
export type GenerateImageOutcome =
  | { readonly status: 'saved'; readonly files: readonly { uri: string; path: string; seed?: number }[]; readonly folder: string }
  | { readonly status: 'cancelled' }
  | { readonly status: 'failed'; readonly error: ErrorSummary };

/** Runs the command. `argument` skips every question (see the module comment). */
export async function generateImageCommand(host: GenerationHost, state: vscode.Memento, argument?: unknown): Promise<GenerateImageOutcome> {
  try {
    let args: GenerateImageArgs | undefined;
    if (argument !== undefined) {
      const parsed = GenerateImageArgs.safeParse(argument);
      if (!parsed.success) throw new Error(`Invalid arguments for ${Commands.generateImage}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'argument'}: ${i.message}`).join('; ')}`);
      args = parsed.data;
    } else {
      if (!(await host.clients.hasApiKey())) throw new MissingApiKeyError();
      args = await askForRequest(state);
      if (!args) return { status: 'cancelled' };
    }
    const { nameTemplate, ...request } = args;
    const generation = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Bailian'), cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const subscription = token.onCancellationRequested(() => abort.abort(new vscode.CancellationError()));
        try {
          progress.report({ message: vscode.l10n.t('Checking the request…') });
          return await generateIntoWorkspace(host, request, {
            signal: abort.signal,
            interactive: argument === undefined,
            pickAmongFolders: true,
            ...(nameTemplate ? { nameTemplate } : {}),
            onProgress: (event) => progress.report({ message: describeProgress(event) }),
          });
        } finally {
          subscription.dispose();
        }
      },
    );
    const files = generation.job.images.map((image) => ({
      uri: image.file.uri.toString(),
      path: displayPath(image.file.uri),
      ...(image.seed !== undefined ? { seed: image.seed } : {}),
    }));
    const folder = displayPath(generation.location.folder);
    const first = generation.job.images[0];
    if (first) await vscode.commands.executeCommand('vscode.open', first.file.uri, { preview: false });
    void announceSaved(files.length, folder, first?.file.uri ?? generation.location.folder);
    return { status: 'saved', files, folder };
  } catch (error) {
    const summary = reportError(host.log, Commands.generateImage, error);
    return isCancellation(error) ? { status: 'cancelled' } : { status: 'failed', error: summary };
  }
}

/** Asks for the prompt and the model; undefined when the user dismissed a question. */
async function askForRequest(state: vscode.Memento): Promise<GenerateImageArgs | undefined> {
  const prompt = await vscode.window.showInputBox({
    title: vscode.l10n.t('Generate Image'),
    prompt: vscode.l10n.t('Describe the image you want'),
    placeHolder: vscode.l10n.t('A red lantern over a misty lake at dawn'),
    ignoreFocusOut: true,
    validateInput: (text) => (text.trim() ? undefined : vscode.l10n.t('The prompt cannot be empty.')),
  });
  if (!prompt?.trim()) return undefined;
  const last = state.get<string>(LAST_MODEL_KEY);
  const items = modelsForTask('text-to-image').map((spec) => ({ label: modelLabel(spec, vscode.env.language), description: spec.id, id: spec.id }));
  const quickPick = vscode.window.createQuickPick<(typeof items)[number]>();
  quickPick.title = vscode.l10n.t('Generate Image');
  quickPick.placeholder = vscode.l10n.t('Choose a text-to-image model');
  quickPick.items = items;
  quickPick.ignoreFocusOut = true;
  const remembered = items.find((item) => item.id === last && findModel(item.id));
  if (remembered) quickPick.activeItems = [remembered];
  const model = await new Promise<string | undefined>((resolve) => {
    quickPick.onDidAccept(() => {
      resolve(quickPick.selectedItems[0]?.id ?? quickPick.activeItems[0]?.id);
      quickPick.hide();
    });
    quickPick.onDidHide(() => resolve(undefined));
    quickPick.show();
  });
  quickPick.dispose();
  if (!model) return undefined;
  await state.update(LAST_MODEL_KEY, model);
  return { prompt: prompt.trim(), model };
}

/** "Saved N image(s) to …" with a button that reveals the folder in the Explorer. */
async function announceSaved(count: number, folder: string, reveal: vscode.Uri): Promise<void> {
  const button = vscode.l10n.t('Reveal in Explorer');
  const choice = await vscode.window.showInformationMessage(vscode.l10n.t('Saved {0} image(s) to {1}.', count, folder), button);
  if (choice === button) await vscode.commands.executeCommand('revealInExplorer', reveal);
}

