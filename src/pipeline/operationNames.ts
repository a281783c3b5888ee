/**
 * Names for results saved next to the original (image-processing): `banner.16x9.png` for an
 * out-painting ratio, `photo.x2.png` for an upscale, `scan.color.png`, `x.notext.png`,
 * `x.style-gold-foil.png`, `x.bg.png`, `x.edit.png`, `x.extend.png`, `x.sketch.png`. With several
 * images, `-<index>` follows (`x.bg-2.png`). The saver adds a number when the name is taken
 * (naming.ts `nextFreeName`), so nothing is overwritten. Pure.
 */
import type { GenerationRequest } from '../dashscope/requests/index.js';
import { sanitizeFileName } from './naming.js';
import { posix } from 'node:path';

/** The operation part of a result's name, for a processing request (`x2`, `16x9`, `color`…); undefined for other models. */
export function operationSuffix(request: Pick<GenerationRequest, 'model' | 'process'>): string | undefined {
  const p = request.process ?? {};
  switch (request.model) {
    case 'image-out-painting':
      return p.outputRatio ? p.outputRatio.replace(':', 'x') : 'extend';
    case 'wanx-background-generation-v2':
      return 'bg';
    case 'wanx2.1-imageedit':
      switch (p.function) {
        case 'super_resolution':
          return `x${p.upscaleFactor ?? 1}`;
        case 'expand':
          return 'extend';
        case 'remove_watermark':
          return 'notext';
        case 'colorization':
          return 'color';
        case 'stylization_all':
        case 'stylization_local':
          return `style-${slug(p.style ?? (p.function === 'stylization_all' ? 'french-picture-book' : 'ice'))}`;
        case 'doodle':
          return 'sketch';
        case 'control_cartoon_feature':
          return 'cartoon';
        default:
          return 'edit';
      }
    default:
      return undefined;
  }
}

/**
 * The stem (no extension) of result `index` (from 1) of `count` for a processing request on
 * `source` (a path; only its base name counts): `photo.x2`, or `photo.x2-2` when there are several.
 */
export function operationStem(source: string, request: Pick<GenerationRequest, 'model' | 'process'>, index = 1, count = 1): string {
  const base = posix.basename(source.replace(/\\/g, '/'));
  const stem = base.includes('.') ? base.slice(0, base.lastIndexOf('.')) : base;
  const suffix = operationSuffix(request) ?? 'out';
  return sanitizeFileName(`${stem || 'image'}.${suffix}${count > 1 ? `-${index}` : ''}`);
}

function slug(s: string): string {
  return s.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'style';
}
