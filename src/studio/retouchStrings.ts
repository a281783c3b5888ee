/** The localized strings of the studio's Retouch mode (src/protocol/retouch.ts), filled with `vscode.l10n.t`. */
import * as vscode from 'vscode';
import type { RETOUCH_STRING_KEYS, RetouchOperation } from '../protocol/retouch';

/** Every string of the Retouch mode. */
export function retouchStrings(): Record<(typeof RETOUCH_STRING_KEYS)[number], string> {
  const t = vscode.l10n.t;
  return {
    modeRetouch: t('Retouch'),
    runRetouch: t('Retouch'),
    retouchPickImage: t('Pick an image to retouch: Add Images, drop one from the Explorer (Shift+drag), paste one, or Use as Reference on a result.'),
    retouchNoImage: t('No retouch operation is available.'),
    operationLabel: t('Operation'),
    variantLabel: t('How'),
    retouchPromptPlaceholder: t('Describe what should appear in the marked area or the result…'),
    retouchPromptOptional: t('Optional: describe the result; a suitable prompt is sent when this is empty'),
    maskBrush: t('Brush'),
    maskEraser: t('Eraser'),
    maskSize: t('Brush size'),
    maskUndo: t('Undo'),
    maskRedo: t('Redo'),
    maskClear: t('Clear'),
    maskInvert: t('Invert'),
    maskShow: t('Show mask'),
    maskHelp: t('Paint over what to change. Keys: B brush, E eraser, [ and ] size, Ctrl+Z undo, Ctrl+Shift+Z redo; arrow keys move the cursor (Shift: further), Space puts the brush down or lifts it.'),
    maskCanvas: t('Mask: paint over the part of the image to change'),
    errMaskEmpty: t('The mask is empty: paint over the part of the image to change, or turn Invert on.'),
    extendHelp: t('Pick a ratio, or drag the edges of the frame (or focus an edge and use the arrow keys) to draw the new canvas.'),
    extendFree: t('Free (drag the edges)'),
    extendCanvas: t('Canvas edge'),
    extendResult: t('{0} × {1} → about {2} × {3} ({4})'),
    extendClamped: t('The frame was stopped at the model\'s limit: each side can grow by at most {0}% of the image.'),
    upscaleResult: t('{0} × {1} → {2} × {3}'),
    upscaleTooLarge: t('A side of the result would exceed {0} px; pick a smaller factor or a smaller image.'),
    errAlphaRequired: t('{0} has no transparency: Replace Background needs a PNG cut-out with a transparent background.'),
    errRetouchImage: t('Pick an image to retouch.'),
    errRetouchRegion: t('These operations are served only in Beijing; your region is {0}. Run Bailian: Switch Region (or set bailian.region to beijing) and use a Beijing API key.'),
    optOutputRatio: t('Aspect ratio'),
  };
}

/** The name of a Retouch operation in the UI language. */
export function retouchOperationLabel(operation: RetouchOperation): string {
  const t = vscode.l10n.t;
  switch (operation) {
    case 'upscale':
      return t('Upscale');
    case 'extend':
      return t('Extend');
    case 'inpaint':
      return t('Inpaint / Erase with a mask');
    case 'removeText':
      return t('Remove Text');
    case 'colorize':
      return t('Colorize');
    case 'restyle':
      return t('Restyle');
    case 'editByDescription':
      return t('Edit by Description');
    case 'sketch':
      return t('Sketch to Image');
    case 'background':
      return t('Replace Background');
  }
}

/** The label of a Retouch option control in the UI language (the option's own name for any other). */
export function retouchOptionLabel(name: string): string {
  const t = vscode.l10n.t;
  const labels: Record<string, () => string> = {
    upscaleFactor: () => t('Factor'),
    strength: () => t('Strength'),
    isSketch: () => t('The image already is a sketch or line art'),
    style: () => t('Style'),
    outputRatio: () => t('Aspect ratio'),
    angle: () => t('Rotate first (degrees)'),
    bestQuality: () => t('Best quality (several times slower)'),
    limitImageSize: () => t('Keep the result under 5 MB'),
    modelVersion: () => t('Model version'),
    noiseLevel: () => t('Noise level'),
    refPromptWeight: () => t('Prompt weight'),
  };
  return labels[name]?.() ?? name;
}
