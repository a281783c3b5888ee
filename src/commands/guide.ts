/**
 * `bailian.generateGuide` ("Generate Illustrated Guide…"): wan2.6-image's interleaved text and
 * images (§3) streamed into a NEW Markdown file in the workspace that opens in an editor. Text
 * appears as it arrives; each image is saved into `<name>-images/` and linked in place with a
 * relative path the moment it lands (never a DashScope URL). Stop keeps everything that arrived
 * and marks the document as stopped.
 *
 * Scripted: `{ prompt, maxImages?, size?, seed?, images?: [uri] }`.
 */
import * as vscode from 'vscode';
import { uriOfArgument } from '../host/workspacePaths';
import * as z from 'zod';
import { Commands } from '../constants';
import { modelsForTask } from '../dashscope';
import { MissingApiKeyError } from '../host/clients';
import { displayPath } from '../host/workspaceFs';
import type { MarkdownSink } from '../pipeline/markdown';
import type { SharedServices } from '../workflows/context';
import { confirmCost } from '../workflows/cost';
import { runWorkspaceGuideJob } from '../workflows/guideJob';
import { failedOutcome, outcomeFile, type CommandOutcome } from '../workflows/outcome';
import { pickOne } from '../workflows/pickers';
import { withJobProgress } from '../workflows/progress';
import { requireTrust } from '../workflows/workspaceJob';
import { parseArgs } from './generate';

/** The scripted argument of `bailian.generateGuide`. */
export const GenerateGuideArgs = z.strictObject({
  prompt: z.string().trim().min(1),
  maxImages: z.number().int().optional(),
  size: z.string().optional(),
  seed: z.number().int().optional(),
  images: z.array(z.string()).optional(),
});

/** How long text may sit unsaved in the document while it streams (a reload then loses at most this much). */
const SAVE_EVERY_MS = 1000;

/**
 * A sink that appends to an open TextDocument (what the user watches), saving it at most every
 * second, so what arrived is on disk even if the window is reloaded mid-stream.
 */
export function documentSink(document: vscode.TextDocument): MarkdownSink {
  let lastSave = 0;
  return {
    append: async (text) => {
      const edit = new vscode.WorkspaceEdit();
      const last = document.lineAt(document.lineCount - 1);
      edit.insert(document.uri, last.range.end, text);
      if (!(await vscode.workspace.applyEdit(edit))) throw new Error(vscode.l10n.t('Could not write into {0}.', displayPath(document.uri)));
      if (Date.now() - lastSave >= SAVE_EVERY_MS) {
        lastSave = Date.now();
        await document.save();
      }
    },
  };
}

/** Runs the command. */
export async function generateGuideCommand(host: SharedServices, argument?: unknown): Promise<CommandOutcome> {
  try {
    requireTrust();
    const scripted = argument !== undefined && !(argument instanceof vscode.Uri);
    const spec = modelsForTask('interleave')[0]!;
    let args: z.infer<typeof GenerateGuideArgs>;
    if (scripted) {
      args = parseArgs(GenerateGuideArgs, Commands.generateGuide, argument);
    } else {
      if (!(await host.clients.hasApiKey())) throw new MissingApiKeyError();
      const title = vscode.l10n.t('Generate Illustrated Guide');
      const prompt = await vscode.window.showInputBox({
        title,
        prompt: vscode.l10n.t('What should the guide explain? Text and pictures are written into a new Markdown file.'),
        placeHolder: vscode.l10n.t('A 4-step guide to brewing pour-over coffee'),
        ignoreFocusOut: true,
        validateInput: (text) => (text.trim() ? undefined : vscode.l10n.t('The prompt cannot be empty.')),
      });
      if (!prompt?.trim()) return { status: 'cancelled' };
      const range = spec.maxImages ?? { min: 1, max: 5, default: 5 };
      const counts = Array.from({ length: range.max - range.min + 1 }, (_, i) => String(range.max - i));
      const max = await pickOne(counts.map((c) => ({ value: c, label: vscode.l10n.t('Up to {0} images', c), description: vscode.l10n.t('each image is billed') })), { title, placeHolder: vscode.l10n.t('How many pictures at most?'), last: String(range.default) });
      if (!max) return { status: 'cancelled' };
      args = { prompt: prompt.trim(), maxImages: Number(max) };
    }
    const cost = await confirmCost(host, [{ model: spec.id, ...(args.maxImages !== undefined ? { maxImages: args.maxImages } : {}) }], { interactive: !scripted, what: vscode.l10n.t('This guide') });
    if (!cost.proceed) return { status: 'cancelled' };
    const inputs = (args.images ?? []).map(uriOfArgument);
    const request = {
      model: spec.id,
      prompt: args.prompt,
      ...(args.maxImages !== undefined ? { maxImages: args.maxImages } : {}),
      ...(args.size ? { size: args.size } : {}),
      ...(args.seed !== undefined ? { seed: args.seed } : {}),
    };
    let document: vscode.TextDocument | undefined;
    const run = await withJobProgress(vscode.l10n.t('Bailian: writing the guide'), (signal, report) =>
      runWorkspaceGuideJob(host, request, {
        source: 'palette',
        inputs,
        signal,
        interactive: !scripted,
        pickAmongFolders: true,
        onProgress: (_event, text) => report(text),
        onText: (_text, progress) => report(progress),
        onImage: (_image, progress) => report(progress),
        // The user watches the guide fill in an editor.
        openSink: async ({ uri }) => {
          document = await vscode.workspace.openTextDocument(uri);
          await vscode.window.showTextDocument(document, { preview: false });
          return documentSink(document);
        },
        finishDocument: async () => {
          await document?.save();
        },
      }),
    );
    if (!run) return { status: 'cancelled' };
    const { result, location, document: docUri } = run;
    const preview = vscode.l10n.t('Open Preview');
    const message =
      result.outcome === 'succeeded'
        ? vscode.l10n.t('The guide is ready: {0} ({1} images).', displayPath(docUri), result.images.length)
        : vscode.l10n.t('The guide stopped early; everything that arrived is kept in {0} ({1} images).', displayPath(docUri), result.images.length);
    void (result.outcome === 'failed' ? vscode.window.showWarningMessage(message, preview) : vscode.window.showInformationMessage(message, preview)).then((c) => c === preview && vscode.commands.executeCommand('markdown.showPreview', docUri));
    return {
      status: 'succeeded',
      files: result.images.map((i) => outcomeFile(i.file.uri, i.seed)),
      folder: outcomeFile(location.folder).path,
      document: outcomeFile(docUri),
      ...(result.outcome !== 'succeeded' ? { partial: true } : {}),
    };
  } catch (error) {
    return failedOutcome(host, Commands.generateGuide, error);
  }
}
