/**
 * The studio's UI strings and model descriptions, localized on the host with `vscode.l10n.t`
 * (the webview has no l10n of its own). Placeholders `{0}` are filled in by the webview.
 */
import * as vscode from 'vscode';
import type { MtLanguage } from '../dashscope';
import { regionLabel } from '../host/errors';
import { mtLanguageLabel } from '../host/languages';
import { mtSources, mtTargetsFor } from '../pipeline/translate';
import type { StudioStrings } from '../protocol/messages';
import { studioModelOptions } from '../protocol/modelOptions';
import { extraOptionStrings } from './extraOptionStrings';
import { retouchOperationOptions } from '../protocol/retouchOptions';
import { teamStrings } from './teamStrings';
import { retouchOperationLabel, retouchOptionLabel, retouchStrings } from './retouchStrings';
import type { StaticInit } from './shell';

/** Every string the webview shows. */
export function studioStrings(): StudioStrings {
  const t = vscode.l10n.t;
  return {
    title: t('Bailian Studio'),
    modeGenerate: t('Generate'),
    modeEdit: t('Edit'),
    modeTranslate: t('Translate'),
    modeGuide: t('Illustrated guide'),
    modeHistory: t('History'),
    promptLabel: t('Prompt'),
    promptPlaceholder: t('Describe the image you want…'),
    editPromptPlaceholder: t('Say what to change, e.g. "put the cat from image 1 on the sofa of image 2"…'),
    guidePromptPlaceholder: t('What should the guide explain? e.g. "A 4-step guide to brewing pour-over coffee"'),
    modelLabel: t('Model'),
    sizeLabel: t('Size'),
    sizeCustom: t('Custom…'),
    sizeAuto: t('Automatic'),
    customSizePlaceholder: t('Width*Height'),
    countLabel: t('Images'),
    seedLabel: t('Seed'),
    seedPlaceholder: t('Random'),
    seedLock: t('Keep'),
    seedRandomize: t('Random seed'),
    negativePromptLabel: t('Negative prompt'),
    negativePromptPlaceholder: t('What the image should not contain (optional)'),
    promptExtend: t('Let the model rewrite the prompt'),
    watermark: t('Watermark'),
    maxImagesLabel: t('Pictures at most'),
    run: t('Run'),
    runGenerate: t('Generate'),
    runEdit: t('Edit'),
    runTranslate: t('Translate'),
    runGuide: t('Write Guide'),
    runHint: t('Ctrl+Enter runs'),
    cancel: t('Cancel'),
    stop: t('Stop'),
    inputsLabel: t('Input images'),
    addImages: t('Add Images…'),
    noInputs: t('No image yet: add one from the workspace, or use a result as reference.'),
    remove: t('Remove'),
    moveUp: t('Move earlier'),
    moveDown: t('Move later'),
    pickerTitle: t('Workspace images'),
    pickerEmpty: t('No images in the workspace.'),
    pickerDone: t('Done'),
    pickerFilter: t('Filter by name'),
    limitsCount: t('{0}–{1} images'),
    limitsFormats: t('formats {0}'),
    limitsSides: t('{0}–{1} px per side'),
    limitsBytes: t('up to {0} MB each'),
    limitsNoAlpha: t('no alpha (PNG transparency is refused)'),
    sourceLang: t('From'),
    targetLang: t('Into'),
    domainHint: t('Domain hint'),
    domainHintPlaceholder: t('In English, e.g. "e-commerce product poster" (optional)'),
    sensitives: t('Sensitive words'),
    sensitivesPlaceholder: t('Words to remove before translating, comma-separated (optional)'),
    terms: t('Terminology'),
    termSource: t('Source term'),
    termTarget: t('Translation'),
    addTerm: t('Add Term'),
    saveGlossary: t('Save to Glossary'),
    glossarySaved: t('Saved to {0}.'),
    noTerms: t('No terms: qwen-mt-image translates freely.'),
    open: t('Open'),
    reveal: t('Reveal in Explorer'),
    insertLink: t('Insert Link'),
    useAsReference: t('Use as Reference'),
    rerunSeed: t('Re-run with this Seed'),
    copyPrompt: t('Copy Prompt'),
    openDocument: t('Open Guide'),
    seedValue: t('Seed {0}'),
    seedNotReported: t('Seed not reported'),
    seedNotReportedWhy: t('For this model DashScope reports the seed of the first image only. To get images you can reproduce exactly, generate one at a time.'),
    rewrittenPrompt: t('Rewritten prompt: {0}'),
    noApiKey: t('Set your DashScope API key first (Bailian: Set API Key).'),
    pageIncomplete: t('Part of Bailian Studio did not load. Reload the window (Developer: Reload Window).'),
    requestId: t('Request id: {0}'),
    taskId: t('Task id: {0}'),
    elapsed: t('{0} s'),
    statusRunning: t('Running'),
    statusSucceeded: t('Done'),
    statusFailed: t('Failed'),
    statusCancelled: t('Cancelled'),
    statusStopped: t('Stopped'),
    statusInterrupted: t('Interrupted'),
    statusPartial: t('Partly done'),
    clearCards: t('Clear Finished'),
    imagesOne: t('1 image'),
    imagesMany: t('{0} images'),
    before: t('Before'),
    after: t('After'),
    errInvalidSeed: t('The seed must be a whole number from 0 to 2147483647.'),
    errPasteTooLarge: t('The pasted image is larger than 10 MB; save it as a file in the workspace and add it from there.'),
    errPromptRequired: t('Enter a prompt.'),
    errPromptTooLong: t('The prompt is too long: {0} characters at most.'),
    errInputsCount: t('This model takes {0}–{1} input images; {2} selected.'),
    errInputFormat: t('{0}: this model does not take this format ({1}).'),
    errSize: t('This size is not accepted: {0}'),
    errNegativeTooLong: t('The negative prompt is too long: {0} characters at most.'),
    errTerm: t('Every terminology row needs both a source term and a translation.'),
    errTermTwice: t('"{0}" is in the terminology table twice; keep one row for it.'),
    actionSetApiKey: t('Set API Key'),
    actionSwitchRegion: t('Switch to {0}'),
    actionOpenSettings: t('Open Settings'),
    actionShowLog: t('Show Log'),
    regionBeijing: regionLabel('beijing'),
    regionSingapore: regionLabel('singapore'),
    regionUs: regionLabel('us'),
    historySearch: t('Search prompts, models, files…'),
    historyEmpty: t('No jobs in this workspace yet.'),
    historyReuse: t('Reuse Settings'),
    historyOpenFiles: t('Open Files'),
    historyMore: t('Show more'),
    historyCount: t('{0} of {1} jobs'),
    ...extraOptionStrings(),
    ...retouchStrings(),
    ...teamStrings(),
  };
}

/** A one-line description per catalog model id. */
export function modelDescription(id: string): string | undefined {
  const t = vscode.l10n.t;
  switch (id) {
    case 'qwen-image-3.0-pro':
      return t('Newest Qwen image model, best quality; generates, or edits with reference images.');
    case 'qwen-image-3.0':
      return t('Newest Qwen image model; generates, or edits with reference images.');
    case 'qwen-image-2.0-pro':
      return t('High-quality generation and editing in one model, up to 2048×2048.');
    case 'qwen-image-2.0':
      return t('Generation and editing in one model, up to 2048×2048.');
    case 'wan2.7-image-pro':
      return t('Newest Wan model, best quality; generates, or edits with reference images.');
    case 'wan2.7-image':
      return t('Newest Wan model; generates, or edits with reference images.');
    case 'qwen-image-edit-max':
      return t('The strongest Qwen editor: precise edits of 1–3 images.');
    case 'qwen-image-max':
      return t('The most capable Qwen-Image: finest detail and text in images.');
    case 'qwen-image-plus':
      return t('Excellent at text inside images (Chinese and English posters).');
    case 'qwen-image':
      return t('Strong text rendering and detail; one image per call.');
    case 'wan2.6-t2i':
      return t('Photorealistic and artistic images, up to 4 per call.');
    case 'wan2.5-t2i-preview':
      return t('Earlier Wan preview with flexible sizes, up to 4 per call.');
    case 'wan2.2-t2i-flash':
      return t('Fast, inexpensive drafts, up to 4 per call.');
    case 'z-image-turbo':
      return t('Very fast photorealistic images from a short prompt.');
    case 'qwen-image-edit-plus':
      return t('Edits 1–3 images by instruction; keeps text and faces consistent.');
    case 'wan2.6-image':
      return t('Combines or restyles 1–4 reference images (no PNG transparency).');
    case 'wan2.6-image:interleave':
      return t('Writes an illustrated guide: text with pictures in place, streamed.');
    case 'qwen-mt-image':
      return t('Translates the text inside an image and keeps the layout.');
    default:
      return undefined;
  }
}

/** What the studio's `init` carries that never changes while the window lives: strings, models, languages. */
export function studioStaticInit(): StaticInit {
  const label = (code: MtLanguage | 'auto') => mtLanguageLabel(code);
  const sources = mtSources();
  const targets = [...new Set(sources.flatMap((s) => mtTargetsFor(s)))];
  return {
    type: 'init',
    strings: studioStrings(),
    models: studioModelOptions(vscode.env.language, modelDescription),
    retouch: retouchOperationOptions(vscode.env.language, retouchOperationLabel, retouchOptionLabel),
    languages: {
      sources: sources.map((code) => ({ code, label: label(code) })),
      targets: targets.map((code) => ({ code, label: label(code) })),
      pairs: Object.fromEntries(sources.map((s) => [s, mtTargetsFor(s)])),
    },
  };
}
