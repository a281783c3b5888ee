/**
 * `bailian.generateFromPreset` ("Generate from Preset…"): pick a preset of the workspace or the
 * user, answer ONLY its blanks (and, for an edit or translate preset, which images), confirm the
 * cost, and run it through the same workspace job as Generate Image. A process preset whose
 * operation paints over part of the image also asks for the mask (presetMask.ts), or hands the
 * image and the preset to the studio's Retouch to draw one. With no preset anywhere it
 * offers to create `.bailian/presets.json` with an example. A preset with problems is listed
 * with them and refused when picked, never adjusted.
 *
 * Scripted use: `{ preset, blanks?, images?, mask? }` asks nothing.
 */
import * as vscode from 'vscode';
import * as z from 'zod';
import { Commands } from '../constants';
import { modelsForTask } from '../dashscope';
import { MissingApiKeyError } from '../host/clients';
import { resolveWorkspaceRef, uriOfArgument } from '../host/workspacePaths';
import { operationStem } from '../pipeline/operationNames';
import { PresetError, presetBlanks, type Preset } from '../pipeline/presets';
import { confirmCost } from '../workflows/cost';
import type { SharedServices } from '../workflows/context';
import { failedOutcome, outcomeFile, type CommandOutcome } from '../workflows/outcome';
import { isImageUri, pickImagesInOrder } from '../workflows/pickers';
import { NEXT_TO_ORIGINAL } from '../workflows/processJob';
import { createExamplePresets, readWindowPresets, windowPresetRequest, type WindowPreset } from '../workflows/presets';
import { announceSaved, describeProgress, withJobProgress } from '../workflows/progress';
import type { Questions } from '../workflows/questions';
import { requireTrust, runWorkspaceImageJob } from '../workflows/workspaceJob';
import { explorerSelection } from './edit';
import { parseArgs } from './generate';
import { askMask, needsMask } from './presetMask';

/** The scripted argument. */
export const GenerateFromPresetArgs = z.strictObject({
  preset: z.string().min(1),
  blanks: z.record(z.string(), z.string()).optional(),
  /** Workspace paths of the input images (edit, translate presets). */
  images: z.array(z.string().min(1)).optional(),
  /** Workspace path of the mask (a process preset that paints over part of the image). */
  mask: z.string().min(1).optional(),
});

/** What the command needs besides the shared services. */
export interface PresetCommandContext {
  readonly questions: Questions;
  /** Opens the studio's Retouch on `image` with `preset` picked (Draw a Mask in the Studio…). */
  readonly openRetouch: (image: vscode.Uri, preset: { name: string; blanks: Record<string, string> }) => void;
}

const KIND = { generate: 'generate', edit: 'edit', translate: 'translate', process: 'process' } as const;

/** Runs the command. */
export async function generateFromPresetCommand(host: SharedServices, context: PresetCommandContext, argument?: unknown, selection?: unknown): Promise<CommandOutcome | { status: 'opened' }> {
  try {
    requireTrust();
    const scripted = argument !== undefined && !(argument instanceof vscode.Uri);
    const args = scripted ? parseArgs(GenerateFromPresetArgs, Commands.generateFromPreset, argument) : undefined;
    if (!scripted && !(await host.clients.hasApiKey())) throw new MissingApiKeyError();
    const { presets, problems } = await readWindowPresets(host.globalState);
    const title = vscode.l10n.t('Generate from Preset');
    let entry: WindowPreset | undefined;
    if (args) {
      entry = presets.find((p) => p.preset.name === args.preset);
      if (!entry) {
        const own = problems.filter((p) => p.preset === args.preset);
        throw new PresetError(own.length ? own : [{ file: '.bailian/presets.json', preset: args.preset, message: `there is no preset "${args.preset}"; the presets are ${presets.map((p) => `"${p.preset.name}"`).join(', ') || 'none'}.` }]);
      }
    } else {
      if (!presets.length) return await offerExample(problems.length > 0);
      entry = await context.questions.pick(
        presets.map((p) => ({ value: p, label: p.preset.name, description: `${p.preset.mode} · ${p.preset.model}`, detail: p.preset.description ?? p.preset.prompt ?? '' })),
        { title, placeHolder: problems.length ? vscode.l10n.t('Choose a preset ({0} problems in the presets files: see the Problems panel)', problems.length) : vscode.l10n.t('Choose a preset') },
      );
      if (!entry) return { status: 'cancelled' };
    }
    if (entry.preset.mode === 'guide') {
      throw new Error(vscode.l10n.t('Preset "{0}" makes an illustrated guide: run it with bailian-image interleave --preset.', entry.preset.name));
    }
    const blanks = args ? (args.blanks ?? {}) : await askBlanks(context.questions, entry.preset, title);
    if (!blanks) return { status: 'cancelled' };
    const { request, outputTemplate, glossary } = await windowPresetRequest(entry, blanks);
    let inputs: vscode.Uri[] = [];
    if (entry.preset.mode !== 'generate') {
      inputs = args ? (args.images ?? []).map(uriOfArgument) : explorerSelection(argument, selection).filter(isImageUri);
      if (!inputs.length && !args) {
        const max = entry.preset.mode === 'translate' || entry.preset.mode === 'process' ? 1 : Math.max(...modelsForTask('image-edit').filter((m) => m.id === request.model || m.model === request.model).map((m) => m.images?.max ?? 1), 1);
        inputs = (await pickImagesInOrder({ title, min: 1, max })) ?? [];
        if (!inputs.length) return { status: 'cancelled' };
      }
    }
    const preset = { name: entry.preset.name, blanks };
    let mask: vscode.Uri | undefined;
    if (entry.preset.mode === 'process' && inputs[0] && needsMask(request)) {
      if (args) {
        if (args.mask) mask = await resolveWorkspaceRef(args.mask, vscode.l10n.t('The mask of preset "{0}"', preset.name), entry.folder);
      } else {
        const answer = await askMask(context.questions, inputs[0], title);
        if (!answer) return { status: 'cancelled' };
        if ('studio' in answer) {
          context.openRetouch(inputs[0], preset);
          return { status: 'opened' };
        }
        mask = answer.mask;
      }
    }
    // The mask's pixels are checked against the image (size, not all black) before anything is sent.
    if (mask) request.mask = { kind: 'bytes', bytes: await vscode.workspace.fs.readFile(mask), name: mask.path.slice(mask.path.lastIndexOf('/') + 1) };
    const cost = await confirmCost(host, [request], { interactive: !scripted, what: vscode.l10n.t('Preset "{0}"', entry.preset.name) });
    if (!cost.proceed) return { status: 'cancelled' };
    const run = await withJobProgress(vscode.l10n.t('Bailian: generating from preset "{0}"', entry.preset.name), (signal, report) =>
      runWorkspaceImageJob(host, request, {
        kind: KIND[entry.preset.mode as keyof typeof KIND],
        source: argument instanceof vscode.Uri ? 'explorer' : 'palette',
        signal,
        interactive: !scripted,
        pickAmongFolders: !entry.folder,
        inputs,
        mask,
        preset,
        ...(glossary ? { glossary } : {}),
        ...(entry.preset.mode === 'translate' && request.translation ? { lang: request.translation.targetLang } : {}),
        // An image operation saves next to its original (photo.x2.png), as from the Explorer, unless the preset names a place.
        ...(outputTemplate
          ? { template: outputTemplate }
          : entry.preset.mode === 'process' && inputs[0]
            ? { template: { value: NEXT_TO_ORIGINAL, setting: 'bailian.outputFolder' }, name: () => operationStem(inputs[0]!.path, request) }
            : {}),
        onProgress: (event) => report(describeProgress(event)),
      }),
    );
    const uris = run.job.images.map((image) => image.file.uri);
    if (uris[0] && !scripted) await vscode.commands.executeCommand('vscode.open', uris[0], { preview: false });
    announceSaved(uris);
    return { status: 'succeeded', files: run.job.images.map((i) => outcomeFile(i.file.uri, i.seed)), folder: outcomeFile(run.location.folder).path, ...(run.job.lost.length || run.job.failures.length ? { partial: true } : {}) };
  } catch (error) {
    return failedOutcome(host, Commands.generateFromPreset, error);
  }
}

/** One input box per blank, in the order the template names them; undefined when dismissed. */
async function askBlanks(questions: Questions, preset: Preset, title: string): Promise<Record<string, string> | undefined> {
  const values: Record<string, string> = {};
  const blanks = presetBlanks(preset);
  for (const [i, blank] of blanks.entries()) {
    const value = await questions.input({
      title: blanks.length > 1 ? `${title} (${i + 1}/${blanks.length})` : title,
      prompt: vscode.l10n.t('{0} — fill in {1}', preset.prompt ?? preset.name, `{${blank}}`),
      placeHolder: blank,
      validate: (text) => (text.trim() ? undefined : vscode.l10n.t('{0} cannot be empty.', `{${blank}}`)),
    });
    if (value === undefined || !value.trim()) return undefined;
    values[blank] = value.trim();
  }
  return values;
}

/** No usable preset: offer to create the example file (or to look at the problems). */
async function offerExample(hasProblems: boolean): Promise<CommandOutcome> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (hasProblems) {
    void vscode.commands.executeCommand('workbench.actions.view.problems');
    throw new Error(vscode.l10n.t('No preset can be used: the presets files have problems (see the Problems panel).'));
  }
  if (!folder) throw new Error(vscode.l10n.t('Open a folder first: presets live in .bailian/presets.json in the workspace.'));
  const create = vscode.l10n.t('Create .bailian/presets.json');
  const choice = await vscode.window.showInformationMessage(vscode.l10n.t('This workspace has no presets yet. Create .bailian/presets.json with an example to edit and commit?'), create);
  if (choice !== create) return { status: 'cancelled' };
  const uri = await createExamplePresets(folder, modelsForTask('text-to-image')[0]!.id);
  await vscode.window.showTextDocument(uri);
  return { status: 'cancelled' };
}
