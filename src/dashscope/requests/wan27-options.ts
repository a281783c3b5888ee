/** wan2.7 colour palettes and boxes (N§3): their wire form and their checks, shared with the studio and upload.ts. */
import type { ValidationIssue } from '../errors.js';
import type { PaletteColor } from './schema.js';

/** A palette ratio in hundredths of a percent (`"23.51%"` or 23.51 → 2351), or undefined when it is no percentage in (0, 100]. */
export function paletteRatioHundredths(ratio: string | number): number | undefined {
  let value: number;
  if (typeof ratio === 'number') value = ratio;
  else {
    const m = /^\s*(\d{1,3}(?:\.\d+)?)\s*%?\s*$/.exec(ratio);
    if (!m) return undefined;
    value = Number(m[1]);
  }
  if (!Number.isFinite(value) || value <= 0 || value > 100) return undefined;
  return Math.round(value * 100);
}

/** A palette colour as the wire wants it: the ratio as a string with two decimals and `%` (`"23.51%"`). */
export function wirePaletteColor(c: PaletteColor): { hex: string; ratio: string } {
  const h = paletteRatioHundredths(c.ratio);
  return { hex: c.hex, ratio: h === undefined ? String(c.ratio) : `${(h / 100).toFixed(2)}%` };
}

/** Checks a `color_palette`: count, `#RRGGBB` colours, ratios that add up to 100.00% (N§3). */
export function checkColorPalette(palette: readonly PaletteColor[], bounds: { min: number; max: number }, modelId: string): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (palette.length < bounds.min || palette.length > bounds.max) {
    issues.push({ path: 'colorPalette', message: `${modelId} takes ${bounds.min}–${bounds.max} palette colours (8 recommended); you gave ${palette.length}.` });
  }
  let sum = 0;
  let allRatios = true;
  palette.forEach((c, i) => {
    if (!/^#[0-9a-f]{6}$/i.test(c.hex)) issues.push({ path: `colorPalette.${i}.hex`, message: `Palette colours are #RRGGBB hex values such as #C2D1E6; "${c.hex}" is not.` });
    const h = paletteRatioHundredths(c.ratio);
    if (h === undefined) {
      allRatios = false;
      issues.push({ path: `colorPalette.${i}.ratio`, message: `A palette ratio is a percentage above 0 and at most 100, such as "23.51%" or 23.51; "${c.ratio}" is not.` });
    } else sum += h;
  });
  if (allRatios && palette.length > 0 && sum !== 10_000) {
    issues.push({ path: 'colorPalette', message: `The palette ratios must add up to 100.00%; yours add up to ${(sum / 100).toFixed(2)}%. Adjust them.` });
  }
  return issues;
}

/** A box must be four whole pixel numbers `[x1, y1, x2, y2]` with x1 < x2 and y1 < y2; returns the problem, if any. */
export function checkBoxShape(box: readonly number[]): string | undefined {
  const [x1, y1, x2, y2] = box;
  const whole = box.length === 4 && box.every((v) => Number.isInteger(v) && v >= 0);
  if (!whole || x1! >= x2! || y1! >= y2!) {
    return `A box is [x1, y1, x2, y2] in whole pixels of its image (origin top-left) with x1 < x2 and y1 < y2; [${box.join(', ')}] is not.`;
  }
  return undefined;
}

/** Checks that every box lies inside its image, where the image's size is known (N§3: absolute source-image pixels). */
export function checkBoxesInImages(bboxList: readonly (readonly (readonly number[])[])[], sizes: readonly ({ width: number; height: number } | undefined)[]): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  bboxList.forEach((boxes, i) => {
    const size = sizes[i];
    if (!size) return;
    boxes.forEach((box, j) => {
      const [, , x2, y2] = box;
      if (checkBoxShape(box) === undefined && (x2! > size.width || y2! > size.height)) {
        issues.push({ path: `bboxList.${i}.${j}`, message: `Box [${box.join(', ')}] reaches outside image ${i + 1}, which is ${size.width}×${size.height} px; boxes use that image's own pixel coordinates.` });
      }
    });
  });
  return issues;
}
