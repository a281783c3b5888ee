/**
 * `bailian.translateImage` ("Translate Image…", also on images in the Explorer and the image
 * preview's title bar) and `bailian.translateFolder` ("Translate Images in Folder…"): qwen-mt-image
 * (§4.3, async; local files go through the temporary upload). The source and target languages
 * offered are only the pairs the model accepts; an optional domain hint; terminology from the
 * workspace glossary (`.bailian/glossary.txt`, created on request); sensitive words. Results are
 * saved next to the original by default (`poster.en.jpg`, from `bailian.translationOutputFolder`).
 *
 * The folder batch translates every image inside the folder, paced to the model's limits
 * (1 submit/s, 2 concurrent tasks, 1 task query/s), under one progress with a counter; cancel
 * stops the rest (queued tasks are cancelled); non-images are skipped and counted; one failure
 * does not stop the others; a summary says what was translated, skipped and failed, with codes.
 */
import * as vscode from 'vscode';
import { uriOfArgument } from '../host/workspacePaths';
import * as z from 'zod';
import { Commands } from '../constants';
import { MT_LANGUAGES, modelsForTask, type MtLanguage, type TranslationOptions } from '../dashscope';
import { MissingApiKeyError, type ClientLease } from '../host/clients';
import { mtLanguageLabel, mtLanguageName } from '../host/languages';
import { glossaryLocation, readWorkspaceGlossaryRecord } from '../workflows/glossary';
import { displayPath } from '../host/workspaceFs';
import { GLOSSARY_TEMPLATE, type GlossaryRecord } from '../pipeline/glossary';
import { mtSources, mtTargetsFor, translatedStem } from '../pipeline/translate';
import { announceBatch, runFolderBatch, type BatchFailure } from '../workflows/folderBatch';
import { activeImageUri, explorerSelection } from './edit';
import { parseArgs } from './generate';
import { requireTrust, runWorkspaceImageJob } from '../workflows/workspaceJob';
import { type SharedServices } from '../workflows/context';
import { failedOutcome, outcomeFile, type CommandOutcome, type OutcomeFile } from '../workflows/outcome';
import { isImageUri, pickImagesInOrder, pickOne } from '../workflows/pickers';
import { announceSaved, describeProgress, withJobProgress } from '../workflows/progress';

const LAST_SOURCE_KEY = 'bailian.translate.source';
const LAST_TARGET_KEY = 'bailian.translate.target';
const LAST_HINT_KEY = 'bailian.translate.domainHint';
const GLOSSARY_OFFERED_KEY = 'bailian.translate.glossaryOffered';

/** The scripted options of both translate commands. */
export const TranslateOptionsArgs = z.strictObject({
  from: z.string().default('auto'),
  to: z.string().min(1),
  domainHint: z.string().optional(),
  sensitives: z.array(z.string()).optional(),
  /** Read the workspace glossary (default true when it exists). */
  useGlossary: z.boolean().optional(),
  terms: z.array(z.strictObject({ src: z.string().min(1), tgt: z.string().min(1) })).optional(),
  keepSubjects: z.boolean().optional(),
});
export const TranslateImageArgs = TranslateOptionsArgs.extend({ image: z.string().min(1) });
export const TranslateFolderArgs = TranslateOptionsArgs.extend({ folder: z.string().min(1) });

const languageLabel = mtLanguageLabel;


/** Offers to create the glossary with its format explained, and opens it. */
async function offerGlossary(host: SharedServices, near?: vscode.Uri): Promise<void> {
  const uri = (await glossaryLocation(host, near).catch(() => undefined))?.uri;
  // Offered once per workspace: a tip, not a nag.
  if (!uri || host.state.get<boolean>(GLOSSARY_OFFERED_KEY)) return;
  await host.state.update(GLOSSARY_OFFERED_KEY, true);
  const create = vscode.l10n.t('Create Glossary');
  const choice = await vscode.window.showInformationMessage(vscode.l10n.t('No glossary yet. A glossary ({0}) makes qwen-mt-image translate your terms one fixed way.', displayPath(uri)), create);
  if (choice !== create) return;
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(GLOSSARY_TEMPLATE));
  }
  await vscode.window.showTextDocument(uri, { preview: false });
}

/** Asks for languages, domain hint, glossary use and sensitive words; undefined when dismissed. */
async function askOptions(host: SharedServices, near: vscode.Uri | undefined, title: string): Promise<TranslationChoice | undefined> {
  const from = await pickOne(
    mtSources().map((code) => ({ value: code, label: languageLabel(code) })),
    { title, placeHolder: vscode.l10n.t('Language of the text in the image'), last: host.state.get<string>(LAST_SOURCE_KEY) ?? 'auto' },
  );
  if (!from) return undefined;
  const targets = mtTargetsFor(from);
  const to = await pickOne(
    targets.map((code) => ({ value: code, label: languageLabel(code) })),
    { title, placeHolder: from === 'auto' || from === 'zh' || from === 'en' ? vscode.l10n.t('Translate into') : vscode.l10n.t('Translate into (from {0}, only Chinese or English)', mtLanguageName(from)), last: host.state.get<string>(LAST_TARGET_KEY) },
  );
  if (!to) return undefined;
  const hint = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('Domain hint in English (optional), e.g. "e-commerce product poster"'),
    value: host.state.get<string>(LAST_HINT_KEY) ?? '',
    ignoreFocusOut: true,
  });
  if (hint === undefined) return undefined;
  const sensitive = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('Words to remove before translating (optional, comma-separated)'),
    ignoreFocusOut: true,
  });
  if (sensitive === undefined) return undefined;
  await host.state.update(LAST_SOURCE_KEY, from);
  await host.state.update(LAST_TARGET_KEY, to);
  await host.state.update(LAST_HINT_KEY, hint.trim());
  const glossary = await readWorkspaceGlossaryRecord(host, near);
  if (!glossary) void offerGlossary(host, near);
  const terms = glossary?.terms;
  const sensitives = sensitive.split(/[,，]/).map((s) => s.trim()).filter(Boolean);
  return {
    translation: {
      sourceLang: from,
      targetLang: to,
      ...(hint.trim() ? { domainHint: hint.trim() } : {}),
      ...(sensitives.length ? { sensitives } : {}),
      ...(terms?.length ? { terminologies: terms } : {}),
    },
    ...(glossary ? { glossary: glossary.record } : {}),
  };
}

/**
 * The options of a translation, and the workspace glossary file whose terms end its terminologies
 * (kept in the history line, so `regenerate --all-changed` sees when the file changes).
 */
export interface TranslationChoice {
  readonly translation: TranslationOptions;
  readonly glossary?: GlossaryRecord | undefined;
}

/** Scripted options → TranslationOptions (also the agent tool's) (the glossary read unless `useGlossary: false`). */
export async function scriptedOptions(host: SharedServices, args: z.infer<typeof TranslateOptionsArgs>, near: vscode.Uri): Promise<TranslationChoice> {
  const glossary = args.useGlossary === false ? undefined : await readWorkspaceGlossaryRecord(host, near);
  const terms = [...(args.terms ?? []), ...(glossary?.terms ?? [])];
  return {
    translation: {
      sourceLang: args.from,
      targetLang: args.to,
      ...(args.domainHint ? { domainHint: args.domainHint } : {}),
      ...(args.sensitives?.length ? { sensitives: args.sensitives } : {}),
      ...(terms.length ? { terminologies: terms } : {}),
      ...(args.keepSubjects ? { imageSegment: true } : {}),
    },
    ...(glossary ? { glossary: glossary.record } : {}),
  };
}

function translationModel(): string {
  return modelsForTask('translate')[0]!.id;
}

/** Translates one image into the workspace (shared by the single command, the folder batch and the agent tool). */
export async function translateOne(host: SharedServices, image: vscode.Uri, choice: TranslationChoice, options: { signal?: AbortSignal; source: 'palette' | 'explorer' | 'batch' | 'agent'; report?: (text: string) => void; interactive: boolean; lease?: ClientLease; onValidated?: () => void }) {
  const settings = host.config.read(image);
  const { translation } = choice;
  return runWorkspaceImageJob(host, { model: translationModel(), translation }, {
    ...(choice.glossary ? { glossary: choice.glossary } : {}),
    kind: 'translate',
    source: options.source,
    signal: options.signal,
    inputs: [image],
    lang: translation.targetLang,
    template: { value: settings.translationOutputFolder, setting: 'bailian.translationOutputFolder' },
    name: () => translatedStem(image.path, translation.targetLang),
    interactive: options.interactive,
    lease: options.lease,
    onValidated: options.onValidated,
    onProgress: (event) => options.report?.(describeProgress(event)),
  });
}

/** `bailian.translateImage`. */
export async function translateImageCommand(host: SharedServices, argument?: unknown, selection?: unknown): Promise<CommandOutcome> {
  try {
    requireTrust();
    const scripted = argument !== undefined && !(argument instanceof vscode.Uri);
    let image: vscode.Uri | undefined;
    let translation: TranslationChoice | undefined;
    const title = vscode.l10n.t('Translate Image');
    if (scripted) {
      const args = parseArgs(TranslateImageArgs, Commands.translateImage, argument);
      image = uriOfArgument(args.image);
      translation = await scriptedOptions(host, args, image);
    } else {
      if (!(await host.clients.hasApiKey())) throw new MissingApiKeyError();
      image = explorerSelection(argument, selection).find(isImageUri) ?? activeImageUri();
      if (!image) {
        image = (await pickImagesInOrder({ title, min: 1, max: 1 }))?.[0];
      }
      if (!image) return { status: 'cancelled' };
      translation = await askOptions(host, image, title);
      if (!translation) return { status: 'cancelled' };
    }
    const target = image;
    const options = translation;
    const run = await withJobProgress(vscode.l10n.t('Bailian: translating {0}', target.path.slice(target.path.lastIndexOf('/') + 1)), (signal, report) =>
      translateOne(host, target, options, { signal, source: argument instanceof vscode.Uri ? 'explorer' : 'palette', report, interactive: !scripted }),
    );
    const uris = run.job.images.map((i) => i.file.uri);
    announceSaved(uris);
    return { status: 'succeeded', files: run.job.images.map((i) => outcomeFile(i.file.uri)), folder: outcomeFile(run.location.folder).path };
  } catch (error) {
    return failedOutcome(host, Commands.translateImage, error);
  }
}

/** What a folder batch did. */
export interface BatchOutcome {
  readonly status: 'succeeded' | 'cancelled' | 'failed';
  readonly translated: readonly OutcomeFile[];
  readonly skipped: readonly string[];
  readonly failed: readonly BatchFailure[];
  readonly notStarted: number;
}

/** A file this batch produced itself (`x.en.jpg` and its sidecar), so a rerun does not translate translations. */
function isTranslationOutput(uri: vscode.Uri, target: string): boolean {
  const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
  return new RegExp(`\\.${target}(-\\d+)?\\.(jpg|png)(\\.json)?$`, 'i').test(name);
}

/** `bailian.translateFolder`. */
export async function translateFolderCommand(host: SharedServices, argument?: unknown): Promise<BatchOutcome | CommandOutcome> {
  try {
    requireTrust();
    const scripted = argument !== undefined && !(argument instanceof vscode.Uri);
    const title = vscode.l10n.t('Translate Images in Folder');
    let folder: vscode.Uri | undefined;
    let translation: TranslationChoice | undefined;
    if (scripted) {
      const args = parseArgs(TranslateFolderArgs, Commands.translateFolder, argument);
      folder = uriOfArgument(args.folder);
      translation = await scriptedOptions(host, args, folder);
    } else {
      if (!(await host.clients.hasApiKey())) throw new MissingApiKeyError();
      folder = argument instanceof vscode.Uri ? argument : (await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri, title }))?.[0];
      if (!folder) return { status: 'cancelled' };
      translation = await askOptions(host, folder, title);
      if (!translation) return { status: 'cancelled' };
    }
    const options = translation;
    const target = folder;
    const batch = await runFolderBatch(host, {
      folder: target,
      title,
      isOwnOutput: (f) => isTranslationOutput(f, options.translation.targetLang),
      costRequest: { model: translationModel() },
      what: (n) => vscode.l10n.t('Translating {0} images', n),
      noImages: (where, skipped) => (skipped === 1 ? vscode.l10n.t('No images to translate in {0} (1 other file skipped).', where) : vscode.l10n.t('No images to translate in {0} ({1} other files skipped).', where, skipped)),
      interactive: !scripted,
      run: (image, batchContext) => translateOne(host, image, options, { ...batchContext, source: 'batch', interactive: false }),
    });
    const outcome: BatchOutcome = { status: batch.status, translated: batch.saved, skipped: batch.skipped, failed: batch.failed, notStarted: batch.notStarted };
    if (batch.images === 0 || batch.declined) return outcome;
    const cancelled = batch.status === 'cancelled';
    const summary = vscode.l10n.t('Translated {0} of {1} images into {2}; {3} failed, {4} other files skipped{5}.', batch.saved.length, batch.images, (options.translation.targetLang in MT_LANGUAGES ? mtLanguageName(options.translation.targetLang as MtLanguage) : options.translation.targetLang), batch.failed.length, batch.skipped.length, cancelled ? vscode.l10n.t(', {0} not started (cancelled)', batch.notStarted) : '');
    announceBatch(host, summary, batch.failed);
    return outcome;
  } catch (error) {
    return failedOutcome(host, Commands.translateFolder, error);
  }
}
