/** The localized strings of the controls for the options only some models have (src/protocol/extraOptions.ts), filled with `vscode.l10n.t`. */
import * as vscode from 'vscode';
import type { EXTRA_STRING_KEYS } from '../protocol/extraOptions';

/** Every string of the wan2.7 / qwen-image-3.0 controls. */
export function extraOptionStrings(): Record<(typeof EXTRA_STRING_KEYS)[number], string> {
  const t = vscode.l10n.t;
  return {
    imageSet: t('Image set'),
    imageSetHint: t('One run makes a set of related images (up to {0}), shown in one card.'),
    thinkingMode: t('Think before drawing'),
    promptExtendMode: t('Prompt extension'),
    promptExtendDirect: t('Direct'),
    promptExtendAgent: t('Agent (plans the picture first)'),
    enableThinking: t('Think while extending the prompt'),
    palette: t('Colour palette'),
    paletteAdd: t('Add Colour'),
    paletteEven: t('Distribute Evenly'),
    paletteColour: t('Colour {0}'),
    paletteRatio: t('Share of colour {0} in %'),
    paletteSum: t('Total {0}%'),
    errPaletteSum: t('The colour shares must add up to 100% (now {0}%). Adjust them or distribute evenly.'),
    errPaletteCount: t('A palette has {0} to {1} colours; this one has {2}.'),
    errPaletteColour: t('Colour {0} is not a #RRGGBB value.'),
    errPaletteRatio: t('The share of colour {0} must be a number above 0 and at most 100.'),
    errPaletteImageSet: t('A colour palette cannot be used with an image set; turn one of them off.'),
    boxes: t('Boxes…'),
    boxesTitle: t('Boxes on {0}'),
    boxesHint: t('Drag on the image to mark up to {0} regions to edit. Boxes are sent in the image\'s own pixels ({1} × {2}).'),
    boxesEmpty: t('No box yet.'),
    boxesOne: t('1 box'),
    boxesMany: t('{0} boxes'),
    boxesDone: t('Done'),
    boxItem: t('Box {0}: {1}, {2} – {3}, {4}'),
    errBoxesMany: t('{0} has more than {1} boxes.'),
    paramsImageSet: t('image set'),
    paramsPalette: t('palette of {0}'),
  };
}
