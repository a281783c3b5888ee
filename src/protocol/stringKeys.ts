// The keys of the studio's localized UI strings: the host fills each with `vscode.l10n.t` and
// sends them in `init`; the webview needs only their type, so the list is built in a
// `/* @__PURE__ */` function that esbuild drops from the webview's bundle.
import { EXTRA_STRING_KEYS } from './extraOptions';
import { RETOUCH_STRING_KEYS } from './retouch';
import { TEAM_STRING_KEYS } from './teamStrings';

/** Keys of the localized UI strings (the host fills each with `vscode.l10n.t`; the webview needs only their type). */
export const STRING_KEYS = /* @__PURE__ */ (() => [
  'title', 'modeGenerate', 'modeEdit', 'modeTranslate', 'modeGuide', 'modeHistory',
  'promptLabel', 'promptPlaceholder', 'editPromptPlaceholder', 'guidePromptPlaceholder', 'modelLabel', 'sizeLabel', 'sizeCustom', 'sizeAuto', 'customSizePlaceholder',
  'countLabel', 'seedLabel', 'seedPlaceholder', 'seedLock', 'seedRandomize', 'negativePromptLabel', 'negativePromptPlaceholder',
  'promptExtend', 'watermark', 'maxImagesLabel', 'run', 'runGenerate', 'runEdit', 'runTranslate', 'runGuide', 'runHint', 'cancel', 'stop',
  'inputsLabel', 'addImages', 'noInputs', 'remove', 'moveUp', 'moveDown', 'pickerTitle', 'pickerEmpty', 'pickerDone', 'pickerFilter',
  'limitsCount', 'limitsFormats', 'limitsSides', 'limitsBytes', 'limitsNoAlpha',
  'sourceLang', 'targetLang', 'domainHint', 'domainHintPlaceholder', 'sensitives', 'sensitivesPlaceholder',
  'terms', 'termSource', 'termTarget', 'addTerm', 'saveGlossary', 'glossarySaved', 'noTerms',
  'open', 'reveal', 'insertLink', 'useAsReference', 'rerunSeed', 'copyPrompt', 'openDocument',
  'seedValue', 'seedNotReported', 'seedNotReportedWhy', 'rewrittenPrompt', 'noApiKey', 'requestId', 'taskId', 'elapsed',
  'statusRunning', 'statusSucceeded', 'statusFailed', 'statusCancelled', 'statusStopped', 'statusInterrupted', 'statusPartial', 'clearCards',
  'imagesOne', 'imagesMany', 'before', 'after',
  'errInvalidSeed', 'errPasteTooLarge', 'errPromptRequired', 'errPromptTooLong', 'errInputsCount', 'errInputFormat', 'errSize', 'errNegativeTooLong', 'errTerm', 'errTermTwice',
  'actionSetApiKey', 'actionSwitchRegion', 'actionOpenSettings', 'actionShowLog', 'regionBeijing', 'regionSingapore', 'regionUs',
  'historySearch', 'historyEmpty', 'historyReuse', 'historyOpenFiles', 'historyMore', 'historyCount',
  'pageIncomplete',
  ...EXTRA_STRING_KEYS,
  ...RETOUCH_STRING_KEYS,
  ...TEAM_STRING_KEYS,
] as const)();
export type StringKey = (typeof STRING_KEYS)[number];
