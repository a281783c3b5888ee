/**
 * The inpainting mask of wanx2.1-imageedit `description_edit_with_mask`, made from the strokes a
 * user painted (image-processing.md §1: the base image's own resolution, pure white edits, pure
 * black keeps). The studio paints at display resolution and sends only the strokes; this module
 * draws them again at the image's resolution and encodes the result as an 8-bit greyscale PNG.
 * Pure (no vscode, no file system): the studio host, the CLI and the unit tests share it.
 *
 * Coordinates are normalized: a point's x and y are fractions (0–1) of the image's width and
 * height, a brush size is a diameter as a fraction of the image's width, so the strokes fit any
 * resolution the image is shown at. Each segment between two points is drawn as a capsule (a
 * round brush dragged in a straight line), one horizontal span per row: a segment on a 4096×4096
 * image costs at most a few thousand `fill` calls.
 */
import { deflateSync } from 'node:zlib';
import { PNG_SIGNATURE, encodePngChunk } from './png.js';

/** One stroke: the brush's path, its diameter, and whether it erases (paints black) instead of painting white. */
export interface MaskStroke {
  /** `[x, y]` fractions of the image's width and height. */
  readonly points: readonly (readonly [number, number])[];
  /** Brush diameter as a fraction of the image's width. */
  readonly size: number;
  readonly erase: boolean;
}

/** A painted mask: its strokes in order, and whether the whole is inverted at the end (paint what to keep). */
export interface MaskDrawing {
  readonly strokes: readonly MaskStroke[];
  readonly invert: boolean;
}

/** A mask at an image's resolution: one byte a pixel, 0 (keep) or 255 (edit). */
export interface MaskRaster {
  readonly width: number;
  readonly height: number;
  readonly pixels: Uint8Array;
}

/** The value of a painted (edit) pixel. */
export const MASK_EDIT = 255;
/** The value of a kept pixel. */
export const MASK_KEEP = 0;

/** A black (all keep) mask of the given size. */
export function blankMask(width: number, height: number): MaskRaster {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError(`A mask needs a positive whole size, not ${width}×${height}.`);
  return { width, height, pixels: new Uint8Array(width * height) };
}

/**
 * Draws one segment of a stroke (`from` to `to`, normalized) with a round brush into `mask`.
 * A stroke of one point is a dot: pass the same point twice.
 */
export function drawSegment(mask: MaskRaster, from: readonly [number, number], to: readonly [number, number], size: number, erase: boolean): void {
  const { width, height, pixels } = mask;
  const value = erase ? MASK_KEEP : MASK_EDIT;
  // At least half a pixel, so a tiny brush still leaves a mark on a large image.
  const r = Math.max(0.5, (size * width) / 2);
  const x0 = from[0] * width;
  const y0 = from[1] * height;
  const x1 = to[0] * width;
  const y1 = to[1] * height;
  const dx = x1 - x0;
  const dy = y1 - y0;
  const len2 = dx * dx + dy * dy;
  const r2 = r * r;
  const top = Math.max(0, Math.floor(Math.min(y0, y1) - r));
  const bottom = Math.min(height - 1, Math.ceil(Math.max(y0, y1) + r));
  const len = Math.sqrt(len2);
  for (let y = top; y <= bottom; y++) {
    const cy = y + 0.5;
    let left = Infinity;
    let right = -Infinity;
    // The two round ends.
    for (const [px, py] of [[x0, y0], [x1, y1]] as const) {
      const h = r2 - (cy - py) * (cy - py);
      if (h >= 0) {
        const w = Math.sqrt(h);
        if (px - w < left) left = px - w;
        if (px + w > right) right = px + w;
      }
    }
    // The band between them: 0 ≤ t ≤ 1 along the segment and |distance| ≤ r across it, both linear in x.
    if (len2 > 0) {
      let lo = -Infinity;
      let hi = Infinity;
      const narrow = (a: number, b: number, min: number, max: number) => {
        // min ≤ a·x + b ≤ max
        if (a === 0) {
          if (b < min || b > max) lo = Infinity;
          return;
        }
        const u = (min - b) / a;
        const v = (max - b) / a;
        lo = Math.max(lo, Math.min(u, v));
        hi = Math.min(hi, Math.max(u, v));
      };
      narrow(dx / len2, (-x0 * dx + (cy - y0) * dy) / len2, 0, 1);
      narrow(dy / len, (-x0 * dy - (cy - y0) * dx) / len, -r, r);
      if (lo <= hi) {
        if (lo < left) left = lo;
        if (hi > right) right = hi;
      }
    }
    if (left > right) continue;
    // Pixels whose centres lie inside: x + 0.5 in [left, right].
    const start = Math.max(0, Math.ceil(left - 0.5));
    const end = Math.min(width - 1, Math.floor(right - 0.5));
    if (start <= end) pixels.fill(value, y * width + start, y * width + end + 1);
  }
}

/** Draws a whole stroke (each segment; a single point is a dot). */
export function drawStroke(mask: MaskRaster, stroke: MaskStroke): void {
  const points = stroke.points;
  if (!points.length) return;
  if (points.length === 1) drawSegment(mask, points[0]!, points[0]!, stroke.size, stroke.erase);
  for (let i = 1; i < points.length; i++) drawSegment(mask, points[i - 1]!, points[i]!, stroke.size, stroke.erase);
}

/** Inverts a mask in place (what was kept is edited and the reverse). */
export function invertMask(mask: MaskRaster): void {
  const p = mask.pixels;
  for (let i = 0; i < p.length; i++) p[i] = MASK_EDIT - p[i]!;
}

/** The mask of a drawing at `width`×`height`: the strokes in order, then the inversion. */
export function rasterizeMask(drawing: MaskDrawing, width: number, height: number): MaskRaster {
  const mask = blankMask(width, height);
  for (const stroke of drawing.strokes) drawStroke(mask, stroke);
  if (drawing.invert) invertMask(mask);
  return mask;
}

/** Whether the mask edits nothing (no white pixel): the service would return the image unchanged, and bill it. */
export function isMaskEmpty(mask: MaskRaster): boolean {
  // Whole words at a time: a 16-megapixel mask is scanned in a few milliseconds.
  const p = mask.pixels;
  const words = Math.floor(p.byteLength / 4);
  const aligned = p.byteOffset % 4 === 0 ? new Uint32Array(p.buffer, p.byteOffset, words) : undefined;
  if (aligned) {
    for (let i = 0; i < words; i++) if (aligned[i] !== 0) return false;
    for (let i = words * 4; i < p.length; i++) if (p[i] !== 0) return false;
    return true;
  }
  for (let i = 0; i < p.length; i++) if (p[i] !== 0) return false;
  return true;
}

/**
 * Encodes a mask as an 8-bit greyscale PNG (colour type 0, no alpha), rows unfiltered: a mask is
 * long runs of 0 and 255, which deflate shrinks to almost nothing without a filter's cost.
 */
export function encodeMaskPng(mask: MaskRaster, level = 1): Uint8Array {
  const { width, height, pixels } = mask;
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  // compression 0, filter method 0, no interlace
  const raw = new Uint8Array((width + 1) * height);
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  const idat = deflateSync(raw, { level });
  const parts = [PNG_SIGNATURE, encodePngChunk('IHDR', ihdr), encodePngChunk('IDAT', idat), encodePngChunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Thrown when a painted mask edits nothing. */
export class EmptyMaskError extends Error {
  override readonly name = 'EmptyMaskError';
  constructor() {
    super('The mask is empty: paint over the part of the image to change (white edits, black keeps), or turn Invert on to change everything you did not paint.');
  }
}

/** The mask PNG of a drawing for an image of `width`×`height`; throws {@link EmptyMaskError} when it edits nothing. */
export function maskPngOf(drawing: MaskDrawing, width: number, height: number): Uint8Array {
  const mask = rasterizeMask(drawing, width, height);
  if (isMaskEmpty(mask)) throw new EmptyMaskError();
  return encodeMaskPng(mask);
}
