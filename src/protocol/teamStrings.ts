/** Keys of the strings of presets, Compare and Copy as CLI Command in the studio (src/studio/teamStrings.ts fills them). */
export const TEAM_STRING_KEYS = [
  'presetLabel', 'presetNone', 'presetShared', 'presetMine', 'presetBlank', 'presetBlankMissing', 'presetModelMissing', 'presetSizeNotOffered', 'presetProblems',
  'savePreset', 'keepPreset', 'copyCliCommand', 'compareLabel', 'compareHint', 'compareRun', 'compareCount', 'compareSize', 'compareCost', 'compareTime', 'compareTitle',
] as const;
