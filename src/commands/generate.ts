/**
 * `bailian.generateImage` ("Generate Image…"): prompt (prefilled from the editor selection) →
 * text-to-image model → size → number of images → optional seed → cancellable progress → images
 * saved into the workspace → the first one opened, with Open / Reveal / Copy Path / Insert Link.
 *
 * Scripted use (tests, other extensions, agent tools): pass `{ prompt, model, size?, n?, seed?,
 * negativePrompt?, nameTemplate? }` and no question is asked.
 */
import * as vscode from 'vscode';
import * as z from 'zod';
import { Commands } from '../constants';
import { getModel, modelsForTask, type GenerationRequest, type ModelSpec } from '../dashscope';
import { MissingApiKeyError } from '../host/clients';
import { unknownTemplateVariables } from '../pipeline/naming';
import { sizeChoices } from '../protocol/modelOptions';
import { requireTrust, runWorkspaceImageJob } from '../workflows/workspaceJob';
import { type SharedServices } from '../workflows/context';
import { confirmCost } from '../workflows/cost';
import { failedOutcome, outcomeFile, type CommandOutcome } from '../workflows/outcome';
import { pickModel, pickOne } from '../workflows/pickers';
import { announceSaved, describeProgress, withJobProgress } from '../workflows/progress';

/** Memento key of the last model picked in the command. */
export const LAST_MODEL_KEY = 'bailian.generateImage.lastModel';

/** A file-name template argument (src/pipeline/naming.ts), e.g. a fixed name to test collisions. */
export const NameTemplateArg = z
  .string()
  .min(1)
  .refine((t) => unknownTemplateVariables(t).length === 0, 'unknown template variable');

/** The scripted argument of `bailian.generateImage`. */
export const GenerateImageArgs = z.strictObject({
  prompt: z.string().trim().min(1),
  model: z.string().min(1),
  size: z.string().optional(),
  n: z.number().int().optional(),
  seed: z.number().int().optional(),
  negativePrompt: z.string().optional(),
  promptExtend: z.boolean().optional(),
  watermark: z.boolean().optional(),
  nameTemplate: NameTemplateArg.optional(),
});
export type GenerateImageArgs = z.infer<typeof GenerateImageArgs>;

/** Parses a scripted argument or throws saying what is wrong. */
export function parseArgs<T>(schema: z.ZodType<T>, command: string, argument: unknown): T {
  const parsed = schema.safeParse(argument);
  if (!parsed.success) throw new Error(`Invalid arguments for ${command}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'argument'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** Runs the command. `argument` skips every question (see the module comment). */
export async function generateImageCommand(host: SharedServices, argument?: unknown): Promise<CommandOutcome> {
  try {
    requireTrust();
    let args: GenerateImageArgs | undefined;
    if (argument !== undefined && !(argument instanceof vscode.Uri)) {
      args = parseArgs(GenerateImageArgs, Commands.generateImage, argument);
    } else {
      if (!(await host.clients.hasApiKey())) throw new MissingApiKeyError();
      args = await askForRequest(host);
      if (!args) return { status: 'cancelled' };
    }
    const { nameTemplate, ...request } = args;
    const cost = await confirmCost(host, [request], { interactive: argument === undefined, what: vscode.l10n.t('This generation') });
    if (!cost.proceed) return { status: 'cancelled' };
    const run = await withJobProgress(vscode.l10n.t('Bailian: generating'), (signal, report) =>
      runWorkspaceImageJob(host, request satisfies GenerationRequest, {
        kind: 'generate',
        source: 'palette',
        signal,
        interactive: argument === undefined,
        pickAmongFolders: true,
        nameTemplate,
        onProgress: (event) => report(describeProgress(event)),
      }),
    );
    const uris = run.job.images.map((image) => image.file.uri);
    if (uris[0] && argument === undefined) await vscode.commands.executeCommand('vscode.open', uris[0], { preview: false });
    announceSaved(uris, run.job.cancelledAfterGeneration ? vscode.l10n.t('They were already generated (and billed), so they were kept.') : undefined);
    return { status: 'succeeded', files: run.job.images.map((i) => outcomeFile(i.file.uri, i.seed)), folder: outcomeFile(run.location.folder).path, ...(run.job.lost.length || run.job.failures.length ? { partial: true } : {}) };
  } catch (error) {
    return failedOutcome(host, Commands.generateImage, error);
  }
}

/** The prompt: the editor's selection if any, else empty. */
function selectedText(): string {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.selection.isEmpty) return '';
  return editor.document.getText(editor.selection).trim().slice(0, 2000);
}

/** Size, count and seed questions for a model; undefined when dismissed. */
export async function askSizeCountSeed(spec: ModelSpec, title: string): Promise<{ size?: string; n?: number; seed?: number } | undefined> {
  const out: { size?: string; n?: number; seed?: number } = {};
  if (spec.params.includes('size')) {
    const { sizes, defaultSize } = sizeChoices(spec.size);
    if (sizes.length > 1) {
      const size = await pickOne(
        sizes.map((s) => ({ value: s, label: s.replace('*', ' × '), ...(s === defaultSize ? { description: vscode.l10n.t('default') } : {}) })),
        { title, placeHolder: vscode.l10n.t('Image size'), last: defaultSize },
      );
      if (!size) return undefined;
      out.size = size;
    }
  }
  if (spec.params.includes('n') && spec.n.max > 1) {
    const counts = Array.from({ length: spec.n.max - spec.n.min + 1 }, (_, i) => spec.n.min + i);
    const n = await pickOne(
      counts.map((c) => ({ value: String(c), label: c === 1 ? vscode.l10n.t('1 image') : vscode.l10n.t('{0} images', c), description: c > 1 ? vscode.l10n.t('each image is billed') : '' })),
      { title, placeHolder: vscode.l10n.t('Number of images'), last: '1' },
    );
    if (!n) return undefined;
    out.n = Number(n);
  }
  if (spec.params.includes('seed')) {
    const seed = await vscode.window.showInputBox({
      title,
      prompt: vscode.l10n.t('Seed (optional): the same seed and prompt give a similar image. Leave empty for a random one.'),
      placeHolder: vscode.l10n.t('random'),
      ignoreFocusOut: true,
      validateInput: (text) => (!text.trim() || (/^\d+$/.test(text.trim()) && Number(text) <= 2147483647) ? undefined : vscode.l10n.t('A whole number from 0 to 2147483647, or empty.')),
    });
    if (seed === undefined) return undefined;
    if (seed.trim()) out.seed = Number(seed.trim());
  }
  return out;
}

/** Asks for the prompt, the model, size, count and seed; undefined when the user dismissed a question. */
async function askForRequest(host: SharedServices): Promise<GenerateImageArgs | undefined> {
  const title = vscode.l10n.t('Generate Image');
  const prompt = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('Describe the image you want'),
    value: selectedText(),
    placeHolder: vscode.l10n.t('A red lantern over a misty lake at dawn'),
    ignoreFocusOut: true,
    validateInput: (text) => (text.trim() ? undefined : vscode.l10n.t('The prompt cannot be empty.')),
  });
  if (!prompt?.trim()) return undefined;
  const spec = await pickModel(modelsForTask('text-to-image'), { title, placeHolder: vscode.l10n.t('Choose a text-to-image model'), last: host.state.get<string>(LAST_MODEL_KEY), region: host.config.read().region });
  if (!spec) return undefined;
  await host.state.update(LAST_MODEL_KEY, spec.id);
  const rest = await askSizeCountSeed(getModel(spec.id), title);
  if (!rest) return undefined;
  return { prompt: prompt.trim(), model: spec.id, ...rest };
}
