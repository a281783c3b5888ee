/** Size rules at work: parsing `W*H`, checking a size against a rule, saying what a rule accepts. */
import type { ModelSpec, SizeRule } from './types.js';

/** Parses `W*H` (the wire form; `x` and `×` are accepted for convenience). */
export function parseSize(size: string): { width: number; height: number } | undefined {
  const m = /^\s*(\d{1,5})\s*[*x×]\s*(\d{1,5})\s*$/i.exec(size);
  if (!m) return undefined;
  const width = Number(m[1]);
  const height = Number(m[2]);
  if (width <= 0 || height <= 0) return undefined;
  return { width, height };
}

/** Formats a size in the wire form `W*H`. */
export function formatSize(width: number, height: number): string {
  return `${width}*${height}`;
}

/**
 * Checks a size against a rule. Returns undefined when it is acceptable, else a sentence that
 * says what the model accepts, suitable for the user ("… accepts 1664*928, 1472*1104 …").
 */
export function checkSize(rule: SizeRule, size: string, modelId: string): string | undefined {
  if (rule.kind === 'none') return `${modelId} takes no size: the output has the size of the input image.`;
  if (rule.kind === 'pixels' && rule.presets?.includes(size.trim().toUpperCase())) return undefined;
  if (rule.kind === 'list') {
    const wanted = parseSize(size);
    const normalized = wanted ? formatSize(wanted.width, wanted.height) : size;
    return rule.sizes.includes(normalized) ? undefined : `${modelId} accepts only these sizes: ${rule.sizes.join(', ')}.`;
  }
  const wh = parseSize(size);
  if (!wh && rule.kind === 'pixels' && rule.presets?.length && /^\s*\d+\s*K\s*$/i.test(size)) {
    return `${modelId} accepts the presets ${rule.presets.join(', ')} or WIDTH*HEIGHT; "${size}" is not one of them.`;
  }
  if (!wh) return `Size "${size}" is not of the form WIDTH*HEIGHT (for example ${rule.default ?? rule.recommended[0]}).`;
  if (rule.kind === 'sides') {
    if (wh.width < rule.minSide || wh.width > rule.maxSide || wh.height < rule.minSide || wh.height > rule.maxSide) {
      return `${modelId} needs width and height each between ${rule.minSide} and ${rule.maxSide} pixels; ${size} is outside.`;
    }
    return undefined;
  }
  const pixels = wh.width * wh.height;
  if (pixels < rule.minPixels || pixels > rule.maxPixels) {
    const bound = (n: number) => describePixels(n, rule.recommended);
    return `${modelId} needs a total pixel count between ${bound(rule.minPixels)} and ${bound(rule.maxPixels)}; ${size} has ${pixels}. Try ${rule.recommended.slice(0, 3).join(', ')}.`;
  }
  const aspect = wh.width / wh.height;
  if ((rule.minAspect !== undefined && aspect < rule.minAspect - 1e-9) || (rule.maxAspect !== undefined && aspect > rule.maxAspect + 1e-9)) {
    return `${modelId} needs an aspect ratio between ${describeAspect(rule.minAspect ?? 0)} and ${describeAspect(rule.maxAspect ?? Infinity)}; ${size} is outside.`;
  }
  return undefined;
}

/** A pixel count as `S*S` when square, else as a recommended size of that area, else a number. */
function describePixels(pixels: number, recommended: readonly string[]): string {
  const side = Math.round(Math.sqrt(pixels));
  if (side * side === pixels) return `${side}*${side}`;
  const named = recommended.find((r) => {
    const wh = parseSize(r);
    return wh !== undefined && wh.width * wh.height === pixels;
  });
  return named ? `${named} (${pixels} px)` : `${pixels} px`;
}

function describeAspect(aspect: number): string {
  if (aspect === 0) return 'any';
  if (!Number.isFinite(aspect)) return 'any';
  return aspect >= 1 ? `${aspect}:1` : `1:${Math.round(1 / aspect)}`;
}

/** One line on what sizes a rule accepts, for help texts and pickers. */
export function describeSizeRule(rule: SizeRule): string {
  const fallback = rule.kind !== 'list' && rule.kind !== 'none' && rule.default ? ` (default ${rule.default})` : '';
  switch (rule.kind) {
    case 'list':
      return rule.sizes.join(', ');
    case 'none':
      return 'same as the input image';
    case 'sides':
      return `each side ${rule.minSide}–${rule.maxSide}${fallback}`;
    case 'pixels': {
      const bound = (n: number) => describePixels(n, rule.recommended);
      const presets = rule.presets?.length ? `, or ${rule.presets.join('/')}` : '';
      const aspect = rule.minAspect !== undefined && rule.maxAspect !== undefined ? `, aspect ${describeAspect(rule.minAspect)}–${describeAspect(rule.maxAspect)}` : '';
      return `${bound(rule.minPixels)}…${bound(rule.maxPixels)} pixels${aspect}${presets}${fallback}`;
    }
  }
}

/**
 * The size rule that applies to a request: `editSize` with input images or in image-set mode
 * (wan2.7-image-pro: no 4K there, N§3), else the text-to-image rule `size`.
 */
export function sizeRuleFor(spec: Pick<ModelSpec, 'size' | 'editSize'>, context: { imageCount: number; imageSet?: boolean }): SizeRule {
  return spec.editSize && (context.imageCount > 0 || context.imageSet) ? spec.editSize : spec.size;
}

/** The n range that applies: the image-set range with `enable_sequential`, else the model's. */
export function nRangeFor(spec: Pick<ModelSpec, 'n' | 'imageSet'>, imageSet: boolean | undefined): ModelSpec['n'] {
  return imageSet && spec.imageSet ? spec.imageSet.n : spec.n;
}
