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
import { confirmCost, pricingRegion } from './cost';
import * as z from 'zod';
import { Commands } from '../constants';
import { modelsForTask } from '../dashscope';
import { MissingApiKeyError } from '../host/clients';
import { WorkspaceImageSaver, displayPath, resolveOutputLocation, workspaceFileSystem } from '../host/workspaceFs';
import { saveAtomically } from '../pipeline/files';
import { runGuide, type GuideResult } from '../pipeline/guide';
import { guideFacts } from '../pipeline/history';
import { renderName } from '../pipeline/naming';
import type { WorkspaceSavedFile } from '../host/workspaceFs';
import type { MarkdownSink } from '../pipeline/markdown';
import { parseArgs } from './generate';
import { jobLabel, readInputImages, requireTrust, rescueImage, workspaceReference, type Host } from './host';
import { failedOutcome, outcomeFile, type CommandOutcome } from './outcome';
import { pickOne } from './pickers';
import { describeProgress } from './progress';

/** The scripted argument of `bailian.generateGuide`. */
export const GenerateGuideArgs = z.strictObject({
  prompt: z.string().trim().min(1),
  maxImages: z.number().int().optional(),
  size: z.string().optional(),
  seed: z.number().int().optional(),
  images: z.array(z.string()).optional(),
});

/** File name template of a guide: date, time and the prompt's first words (the palette and the studio). */
export const GUIDE_NAME = '${date}-${time}-guide-${prompt}';

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
export async function generateGuideCommand(host: Host, argument?: unknown): Promise<CommandOutcome> {
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
    const lease = await host.clients.acquire();
    const started = new Date();
    const inputs = (args.images ?? []).map((ref) => (/^[a-z][a-z0-9+.-]*:/i.test(ref) ? vscode.Uri.parse(ref) : vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file('/'), ref)));
    try {
      const request = {
        model: spec.id,
        prompt: args.prompt,
        ...(args.maxImages !== undefined ? { maxImages: args.maxImages } : {}),
        ...(args.size ? { size: args.size } : {}),
        ...(args.seed !== undefined ? { seed: args.seed } : {}),
        ...(inputs.length ? { images: await readInputImages(inputs) } : {}),
      };
      lease.client.validate(request);
      const location = await resolveOutputLocation({ template: host.config.read().outputFolder, settingName: 'bailian.outputFolder', model: spec.id, date: started, interactive: !scripted, pickAmongFolders: true });
      if (!location) return { status: 'cancelled' };
      let document: vscode.TextDocument | undefined;
      let jobId: string | undefined;
      const result: GuideResult<WorkspaceSavedFile> = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Bailian: writing the guide'), cancellable: true },
        async (progress, token) => {
          const abort = new AbortController();
          const sub = token.onCancellationRequested(() => abort.abort(new vscode.CancellationError()));
          let images = 0;
          try {
            // A job of the manager like every other run: it waits for the model's stream slot and shows in the jobs list.
            const handle = host.jobs.enqueue({
              label: jobLabel(spec.id, request),
              model: spec.id,
              source: 'palette',
              signal: abort.signal,
              run: (ctx) =>
                runGuide(request, {
                  client: lease.client,
                  saver: new WorkspaceImageSaver(location.folder),
                  rescue: (file, error) => rescueImage(host.log, file, error),
                  signal: ctx.signal,
                  started,
                  sources: inputs.map(workspaceReference),
                  onProgress: (event) => {
                    ctx.setProgress(describeProgress(event));
                    progress.report({ message: describeProgress(event) });
                  },
                  onText: () => progress.report({ message: writingText(images) }),
                  onImage: () => {
                    ctx.setProgress(writingText(++images));
                    progress.report({ message: writingText(images) });
                  },
                  openDocument: async (header) => {
                    const name = await saveAtomically(workspaceFileSystem(location.folder), { stem: renderName(GUIDE_NAME, { date: started, prompt: args.prompt }), ext: 'md', bytes: new TextEncoder().encode(header) });
                    const uri = vscode.Uri.joinPath(location.folder, ...name.split('/'));
                    document = await vscode.workspace.openTextDocument(uri);
                    await host.streams?.add(uri);
                    await vscode.window.showTextDocument(document, { preview: false });
                    return { name, sink: documentSink(document) };
                  },
                }),
            });
            jobId = handle.id;
            return await handle.result;
          } finally {
            sub.dispose();
          }
        },
      );
      await document?.save();
      const docUri = vscode.Uri.joinPath(location.folder, ...result.document.name.split('/'));
      await host.streams?.remove(docUri);
      if (jobId) host.jobFiles?.set(jobId, docUri);
      await host.history.record(location.workspaceFolder, guideFacts({ source: 'palette', model: spec.id, request: result.request, inputs: inputs.map(workspaceReference), started, region: pricingRegion(host) }, result, (file) => workspaceReference(file.uri), workspaceReference(docUri)), host.log);
      host.log.info(`Guide ${displayPath(docUri)}: ${result.outcome}, ${result.images.length} image(s), ${result.textLength} characters`);
      const preview = vscode.l10n.t('Open Preview');
      const message =
        result.outcome === 'completed'
          ? vscode.l10n.t('The guide is ready: {0} ({1} images).', displayPath(docUri), result.images.length)
          : vscode.l10n.t('The guide stopped early; everything that arrived is kept in {0} ({1} images).', displayPath(docUri), result.images.length);
      void (result.outcome === 'failed' ? vscode.window.showWarningMessage(message, preview) : vscode.window.showInformationMessage(message, preview)).then((c) => c === preview && vscode.commands.executeCommand('markdown.showPreview', docUri));
      if (result.outcome === 'failed') host.log.warn('Guide stream failed:', result.error);
      return {
        status: 'saved',
        files: result.images.map((i) => outcomeFile(i.file.uri, i.seed)),
        folder: outcomeFile(location.folder).path,
        document: outcomeFile(docUri),
        ...(result.outcome !== 'completed' ? { partial: true } : {}),
      };
    } finally {
      lease.release();
    }
  } catch (error) {
    return failedOutcome(host, Commands.generateGuide, error);
  }
}

/** The guide's progress line while it streams. */
function writingText(images: number): string {
  if (images === 0) return vscode.l10n.t('Writing…');
  return images === 1 ? vscode.l10n.t('Writing… (1 image so far)') : vscode.l10n.t('Writing… ({0} images so far)', images);
}
