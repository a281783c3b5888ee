/**
 * Agent tools (`languageModelTools` in package.json, registered with `vscode.lm.registerTool`):
 * `bailian_generate_image` makes an image from a prompt, `bailian_translate_image` translates the
 * text in a workspace image. Both run through the same runner and job manager as the palette
 * commands (limits, queue, history, persisted tasks), with source `agent`, and answer with the
 * saved workspace path and the relative Markdown link to paste into a document.
 * `prepareInvocation` states what will be sent, and that it is billed, and asks the user to
 * confirm unless `bailian.agentTools.confirm` is off (outside chat VS Code asks in a modal dialog,
 * which nobody answers in automated runs).
 */
import * as vscode from 'vscode';
import * as z from 'zod';
import { Tools } from '../constants';
import { estimateCost, modelsForTask, type GenerationRequest } from '../dashscope';
import { describeCost, pricingRegion, totalOf } from '../workflows/cost';
import { displayPath } from '../host/workspaceFs';
import { resolveWorkspaceRef } from '../host/workspacePaths';
import { escapeMarkdown } from '../pipeline/markdown';
import { GenerateImageArgs } from './generate';
import { PRESETS_PATH, PresetError } from '../pipeline/presets';
import { readWindowPresets, windowPresetRequest } from '../workflows/presets';
import { requireTrust, runWorkspaceImageJob, workspaceReference, type WorkspaceImageJob } from '../workflows/workspaceJob';
import { type SharedServices } from '../workflows/context';
import { imageLinkText } from './links';
import { scriptedOptions, translateOne, TranslateOptionsArgs } from './translate';

export { Tools };

/**
 * Input of the generate tool: the generate command's scripted argument with the model optional,
 * or a generate `preset` and the values of its `blanks` instead of the prompt and the model.
 */
export const GenerateToolInput = GenerateImageArgs.extend({
  prompt: z.string().trim().min(1).optional(),
  model: z.string().min(1).optional(),
  /** Workspace path of the Markdown file the link is for (default: the workspace folder root). */
  markdownFile: z.string().optional(),
  preset: z.string().min(1).optional(),
  blanks: z.record(z.string(), z.string()).optional(),
})
  .refine((i) => i.preset !== undefined || i.prompt !== undefined, { message: 'Give a prompt, or a preset and its blanks.', path: ['prompt'] })
  .refine((i) => i.preset === undefined || (i.prompt === undefined && i.model === undefined && i.negativePrompt === undefined), { message: 'A preset sets the model and the prompt: give its blanks instead of prompt, model and negativePrompt.', path: ['preset'] })
  .refine((i) => i.blanks === undefined || i.preset !== undefined, { message: 'blanks fill a preset\'s prompt: give the preset too.', path: ['blanks'] });
/** Input of the translate tool. */
export const TranslateToolInput = TranslateOptionsArgs.extend({
  /** Workspace path (or Uri) of the image. */
  image: z.string().min(1),
  markdownFile: z.string().optional(),
});

/** What a tool answers (as JSON text), one entry per saved image. */
export interface ToolAnswer {
  files: { path: string; uri: string; markdown: string; seed?: number }[];
  folder: string;
}

/** A path an agent named, resolved inside the workspace (an agent is not the user: it may be steered by what it read). */
async function workspaceUri(ref: string, argument: string): Promise<vscode.Uri> {
  if (!vscode.workspace.workspaceFolders?.length) throw new Error(vscode.l10n.t('Open a folder first: generated images are saved into the workspace.'));
  return resolveWorkspaceRef(ref, vscode.l10n.t('The agent tool\'s {0} argument', argument));
}

function defaultTextToImageModel(): string {
  return modelsForTask('text-to-image')[0]!.id;
}

/** The answer: each saved file's workspace path and its Markdown link relative to `markdownFile` (or the folder root). */
export function toolAnswer(run: WorkspaceImageJob, markdownDocument: vscode.Uri | undefined): ToolAnswer {
  return {
    folder: displayPath(run.location.folder),
    files: run.job.images.map((image) => {
      const folder = vscode.workspace.getWorkspaceFolder(image.file.uri);
      const document = markdownDocument ?? (folder ? vscode.Uri.joinPath(folder.uri, 'README.md') : vscode.Uri.joinPath(image.file.uri, '..', 'README.md'));
      return {
        path: workspaceReference(image.file.uri),
        uri: image.file.uri.toString(),
        markdown: imageLinkText(document, image.file.uri, 'markdown'),
        ...(image.seed !== undefined ? { seed: image.seed } : {}),
      };
    }),
  };
}

function answer(result: ToolAnswer): vscode.LanguageModelToolResult {
  const lines = result.files.map((f) => `${f.path}\n${f.markdown}`);
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(`${lines.join('\n\n')}\n\n${JSON.stringify(result)}`)]);
}

/** "1 image, ≈ CNY 0.20 (estimate from list prices, …)" for a request, or undefined when it cannot be estimated. */
function costText(host: SharedServices, request: GenerationRequest): string | undefined {
  try {
    return describeCost(totalOf([estimateCost(request, pricingRegion(host))]));
  } catch {
    return undefined;
  }
}

/** Whether the tools ask before they spend (`bailian.agentTools.confirm`, default true; the user's own settings only). */
function confirmationWanted(host: SharedServices): boolean {
  return host.config.read().agentToolsConfirm;
}

/** Confirmation text with the model's or the user's words shown literally. */
function markdown(text: string): vscode.MarkdownString {
  return new vscode.MarkdownString(text);
}

function signalOf(token: vscode.CancellationToken): AbortSignal {
  const abort = new AbortController();
  if (token.isCancellationRequested) abort.abort(new vscode.CancellationError());
  token.onCancellationRequested(() => abort.abort(new vscode.CancellationError()));
  return abort.signal;
}

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new Error(`Invalid input: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** The generate tool. */
export function generateImageTool(host: SharedServices): vscode.LanguageModelTool<z.input<typeof GenerateToolInput>> {
  return {
    prepareInvocation: (options) => {
      const preset = options.input.preset;
      const model = options.input.model ?? (preset !== undefined ? vscode.l10n.t('preset "{0}"', preset) : defaultTextToImageModel());
      const n = options.input.n ?? 1;
      const promptText = options.input.prompt ?? (preset !== undefined ? `${preset} ${JSON.stringify(options.input.blanks ?? {})}` : '');
      const cost = preset !== undefined ? undefined : costText(host, { model, prompt: promptText, ...(options.input.n !== undefined ? { n: options.input.n } : {}), ...(options.input.promptExtend !== undefined ? { promptExtend: options.input.promptExtend } : {}) });
      return {
        invocationMessage: markdown(cost ? vscode.l10n.t('Generating with {0}: {1}…', escapeMarkdown(model), escapeMarkdown(cost)) : n === 1 ? vscode.l10n.t('Generating 1 image with {0}…', escapeMarkdown(model)) : vscode.l10n.t('Generating {0} images with {1}…', n, escapeMarkdown(model))),
        ...(confirmationWanted(host)
          ? {
              confirmationMessages: {
                title: vscode.l10n.t('Generate an image with Bailian?'),
                message: markdown(
                  (n === 1
                    ? vscode.l10n.t('1 image with **{0}** from the prompt: "{1}". DashScope bills every image it produces; the file is saved into the workspace.', escapeMarkdown(model), escapeMarkdown(promptText))
                    : vscode.l10n.t('{0} images with **{1}** from the prompt: "{2}". DashScope bills every image it produces; the files are saved into the workspace.', n, escapeMarkdown(model), escapeMarkdown(promptText))) +
                    (cost ? `\n\n${vscode.l10n.t('Estimate: {0}.', escapeMarkdown(cost))}` : ''),
                ),
              },
            }
          : {}),
      };
    },
    invoke: async (options, token) => {
      requireTrust();
      const { markdownFile, nameTemplate, model, preset, blanks, prompt, ...rest } = parse(GenerateToolInput, options.input);
      // Checked before anything is paid for.
      const markdownDocument = markdownFile ? await workspaceUri(markdownFile, 'markdownFile') : undefined;
      const fromPreset = preset !== undefined ? await agentPresetRequest(host, preset, blanks ?? {}) : undefined;
      const request: GenerationRequest = fromPreset ? { ...fromPreset.request, ...rest } : { ...rest, prompt: prompt!, model: model ?? defaultTextToImageModel() };
      const run = await runWorkspaceImageJob(host, request, {
        kind: 'generate',
        source: 'agent',
        signal: signalOf(token),
        interactive: false,
        pickAmongFolders: false,
        nameTemplate,
        ...(fromPreset ? { preset: { name: preset!, blanks: blanks ?? {} } } : {}),
        ...(fromPreset?.outputTemplate ? { template: fromPreset.outputTemplate } : {}),
      });
      return answer(toolAnswer(run, markdownDocument));
    },
  };
}

/** A generate preset's request for an agent: the preset must exist, be usable and make images from text. */
async function agentPresetRequest(host: SharedServices, name: string, blanks: Record<string, string>): Promise<Awaited<ReturnType<typeof windowPresetRequest>>> {
  const { presets, problems } = await readWindowPresets(host.globalState);
  const entry = presets.find((p) => p.preset.name === name);
  if (!entry) {
    const own = problems.filter((p) => p.preset === name);
    throw new PresetError(own.length ? own : [{ file: PRESETS_PATH, preset: name, message: `there is no preset "${name}"; the presets are ${presets.map((p) => `"${p.preset.name}"`).join(', ') || 'none'}.` }]);
  }
  if (entry.preset.mode !== 'generate') throw new PresetError([{ file: entry.file ?? PRESETS_PATH, preset: name, field: 'mode', message: `this tool runs generate presets; "${name}" is a ${entry.preset.mode} preset.` }]);
  return windowPresetRequest(entry, blanks);
}

/** The translate tool. */
export function translateImageTool(host: SharedServices): vscode.LanguageModelTool<z.input<typeof TranslateToolInput>> {
  return {
    prepareInvocation: (options) => {
      const cost = costText(host, { model: modelsForTask('translate')[0]!.id, translation: { sourceLang: options.input.from ?? 'auto', targetLang: options.input.to } });
      return {
        invocationMessage: markdown(vscode.l10n.t('Translating {0} into {1}…', escapeMarkdown(options.input.image), escapeMarkdown(options.input.to))),
        ...(confirmationWanted(host)
          ? {
              confirmationMessages: {
                title: vscode.l10n.t('Translate an image with Bailian?'),
                message: markdown(
                  vscode.l10n.t('The text in **{0}** is translated into {1} with qwen-mt-image. DashScope bills the image (also when it finds no text); the result is saved next to the original.', escapeMarkdown(options.input.image), escapeMarkdown(options.input.to)) +
                    (cost ? `\n\n${vscode.l10n.t('Estimate: {0}.', escapeMarkdown(cost))}` : ''),
                ),
              },
            }
          : {}),
      };
    },
    invoke: async (options, token) => {
      requireTrust();
      const { markdownFile, image, ...args } = parse(TranslateToolInput, options.input);
      const markdownDocument = markdownFile ? await workspaceUri(markdownFile, 'markdownFile') : undefined;
      const uri = await workspaceUri(image, 'image');
      const translation = await scriptedOptions(host, args, uri);
      const run = await translateOne(host, uri, translation, { signal: signalOf(token), source: 'agent', interactive: false });
      return answer(toolAnswer(run, markdownDocument));
    },
  };
}

/** The tools by name, for the activation shim that registers them before this bundle loads. */
export function toolsByName(host: SharedServices): Record<string, vscode.LanguageModelTool<never>> {
  return { [Tools.generateImage]: generateImageTool(host) as vscode.LanguageModelTool<never>, [Tools.translateImage]: translateImageTool(host) as vscode.LanguageModelTool<never> };
}
