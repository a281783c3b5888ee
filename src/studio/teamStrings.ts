/** The localized strings of presets, Compare and Copy as CLI Command in the studio (src/protocol/compare.ts), filled with `vscode.l10n.t`. */
import * as vscode from 'vscode';
import type { TEAM_STRING_KEYS } from '../protocol/teamStrings';

/** Every string of the studio's team features. */
export function teamStrings(): Record<(typeof TEAM_STRING_KEYS)[number], string> {
  const t = vscode.l10n.t;
  return {
    presetLabel: t('Preset'),
    presetNone: t('No preset'),
    presetShared: t('{0} (shared)'),
    presetMine: t('{0} (mine)'),
    presetBlank: t('Fill in {0}'),
    presetBlankMissing: t('Fill in {0}: the preset\'s prompt has this blank.'),
    presetModelMissing: t('Preset "{0}" names {1}, which this mode does not offer.'),
    presetSizeNotOffered: t('Preset "{0}" pins the size {1}, which {2} does not offer; change the preset or pick a size.'),
    presetProblems: t('Problems in the presets files'),
    savePreset: t('Save as Preset'),
    keepPreset: t('Keep as Preset'),
    copyCliCommand: t('Copy as CLI Command'),
    compareLabel: t('Compare models'),
    compareHint: t('Tick 2 to 4 models: one prompt, each model\'s own size.'),
    compareRun: t('Compare'),
    compareCount: t('Tick 2 to 4 models to compare ({0} ticked).'),
    compareSize: t('size {0}'),
    compareCost: t('estimate: {0}'),
    compareTime: t('{0} s to result'),
    compareTitle: t('Compare: {0}'),
  };
}
