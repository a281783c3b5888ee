/**
 * Deterministic synthetic images for the simulator: real PNG / JPG files of exactly the requested
 * size, different for every (model, prompt, seed, index) and identical for the same inputs.
 *
 * The picture: a two-hue gradient (hues from the hash), one or two translucent stripe layers,
 * a few discs and rings, a mirrored 5×5 "identicon" of the prompt in the top-left corner, a
 * border in a colour that depends only on the model, and a barcode of the seed (32 bits) and
 * the index (4 bits) along the bottom edge.
 * The picture is picture.ts, the canvas and the encoders canvas.ts; this module renders, caches,
 * and makes the translated images of qwen-mt-image.
 */
import { deflate, deflateSync } from 'node:zlib';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { PNG_SIGNATURE, fillRect, hsv, jpgFile, newCanvas, pngFile, prng, sha256, subFilterInPlace } from './canvas.js';
import { LruBytes } from './lru.js';
import { paint, type RenderOptions } from './picture.js';

export type { RenderFormat } from './canvas.js';
export { LruBytes } from './lru.js';
export type { RenderOptions } from './picture.js';

/** Largest side the renderer accepts (the catalog's largest output is 2048; inputs go to 8192). */
export const MAX_RENDER_SIDE = 16384;
/** zlib level for PNG IDAT (1 is fast and, on these smooth pictures, small enough). */
const PNG_DEFLATE_LEVEL = 1;

const renderCache = new LruBytes(64, 256 * 1024 * 1024);
const inflight = new Map<string, Promise<Buffer>>();

/** Drops every cached rendering (tests use it to measure cold renders). */
export function clearRenderCache(): void {
  renderCache.clear();
}

export function renderCacheStats(): { entries: number; bytes: number } {
  return { entries: renderCache.size, bytes: renderCache.totalBytes };
}

function checkOptions(o: RenderOptions): void {
  for (const [k, v] of [['width', o.width], ['height', o.height]] as const) {
    if (!Number.isInteger(v) || v < 1 || v > MAX_RENDER_SIDE) {
      throw new RangeError(`renderImage: ${k} must be an integer in [1, ${MAX_RENDER_SIDE}], got ${v}`);
    }
  }
  if (o.format !== 'png' && o.format !== 'jpg') throw new RangeError(`renderImage: unknown format ${String(o.format)}`);
}

function cacheKey(o: RenderOptions): string {
  return JSON.stringify([o.model, o.prompt, o.seed, o.index ?? 0, o.width, o.height, o.format]);
}

/**
 * Renders the picture for (model, prompt, seed, index) at exactly width×height and encodes it.
 * Deterministic; cached (LRU, bounded) so repeated calls return the same Buffer.
 */
export function renderImage(o: RenderOptions): Buffer {
  checkOptions(o);
  const key = cacheKey(o);
  const hit = renderCache.get(key);
  if (hit) return hit;
  const cv = newCanvas(o.width, o.height, o.format);
  paint(cv, o);
  let out: Buffer;
  if (o.format === 'png') {
    subFilterInPlace(cv);
    out = pngFile(o.width, o.height, deflateSync(cv.data, { level: PNG_DEFLATE_LEVEL }));
  } else {
    out = jpgFile(cv);
  }
  renderCache.set(key, out);
  return out;
}

/**
 * Like {@link renderImage}, but the PNG compression runs on the libuv thread pool, so the event
 * loop (SSE pacing, other requests) is blocked only for the painting. Same bytes as renderImage.
 */
export function renderImageAsync(o: RenderOptions): Promise<Buffer> {
  try {
    checkOptions(o);
  } catch (e) {
    return Promise.reject(e);
  }
  const key = cacheKey(o);
  const hit = renderCache.get(key);
  if (hit) return Promise.resolve(hit);
  const pending = inflight.get(key);
  if (pending) return pending;
  if (o.format === 'jpg') {
    try {
      return Promise.resolve(renderImage(o));
    } catch (e) {
      return Promise.reject(e);
    }
  }
  const cv = newCanvas(o.width, o.height, 'png');
  paint(cv, o);
  subFilterInPlace(cv);
  const p = new Promise<Buffer>((resolve, reject) => {
    deflate(cv.data, { level: PNG_DEFLATE_LEVEL }, (err, idat) => {
      inflight.delete(key);
      if (err) return reject(err);
      const out = pngFile(o.width, o.height, idat);
      renderCache.set(key, out);
      resolve(out);
    });
  });
  inflight.set(key, p);
  return p;
}

// ---------------------------------------------------------------------------------------------
// Translation output (qwen-mt-image)

interface Rgba {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Decodes PNG or JPEG bytes to RGBA; undefined for other formats or broken files. */
export function decodeRgba(bytes: Buffer): Rgba | undefined {
  try {
    if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
      const png = PNG.sync.read(bytes);
      return { data: png.data, width: png.width, height: png.height };
    }
    if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
      const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: 128, maxMemoryUsageInMB: 2048 });
      return { data: img.data, width: img.width, height: img.height };
    }
  } catch {
    return undefined;
  }
  return undefined;
}

const translationCache = new LruBytes(32, 128 * 1024 * 1024);

/**
 * The qwen-mt-image result for an input image: a JPG of the input's width×height showing the
 * input (mosaic-downscaled and tinted with a hue from the target language) under bands of
 * pseudo-text, as if the text lines had been replaced. Deterministic for (bytes, size, language).
 * Inputs that are not PNG/JPEG (WEBP, BMP, …) are drawn as a gradient derived from their bytes.
 */
export function renderTranslation(input: { bytes: Buffer; width: number; height: number }, targetLang: string): Buffer {
  const W = input.width;
  const H = input.height;
  if (!Number.isInteger(W) || !Number.isInteger(H) || W < 1 || H < 1 || W > MAX_RENDER_SIDE || H > MAX_RENDER_SIDE) {
    throw new RangeError(`renderTranslation: bad size ${W}x${H}`);
  }
  const lang = targetLang.trim().toLowerCase();
  const inHash = sha256('input', input.bytes);
  const key = `${inHash.toString('hex')}:${W}x${H}:${lang}`;
  const hit = translationCache.get(key);
  if (hit) return hit;

  const src = decodeRgba(input.bytes);
  const lh = sha256('lang', lang);
  const tint = hsv((lh[0]! / 255) * 360, 0.55, 0.95);
  const cv = newCanvas(W, H, 'jpg');
  const { data } = cv;
  const S = Math.min(W, H);
  const block = Math.max(1, Math.round(S / 160));
  const rnd = prng(sha256('translate', inHash, lang));
  const fallbackA = hsv(rnd() * 360, 0.4, 0.8);
  const fallbackB = hsv(rnd() * 360, 0.4, 0.5);

  for (let y = 0; y < H; y++) {
    const by = Math.min(H - 1, Math.floor(y / block) * block + (block >> 1));
    let i = y * W * 4;
    for (let x = 0; x < W; x++, i += 4) {
      const bx = Math.min(W - 1, Math.floor(x / block) * block + (block >> 1));
      let r: number;
      let g: number;
      let b: number;
      if (src) {
        const sx = Math.min(src.width - 1, Math.floor((bx * src.width) / W));
        const sy = Math.min(src.height - 1, Math.floor((by * src.height) / H));
        const j = (sy * src.width + sx) * 4;
        const a = src.data[j + 3]! / 255;
        r = src.data[j]! * a + 255 * (1 - a);
        g = src.data[j + 1]! * a + 255 * (1 - a);
        b = src.data[j + 2]! * a + 255 * (1 - a);
      } else {
        const t = (bx + by) / (W + H);
        r = fallbackA[0] + (fallbackB[0] - fallbackA[0]) * t;
        g = fallbackA[1] + (fallbackB[1] - fallbackA[1]) * t;
        b = fallbackA[2] + (fallbackB[2] - fallbackA[2]) * t;
      }
      const lum = 0.299 * r + 0.587 * g + 0.114 * b;
      data[i] = lum * 0.55 + tint[0] * 0.45 * (lum / 255 + 0.3);
      data[i + 1] = lum * 0.55 + tint[1] * 0.45 * (lum / 255 + 0.3);
      data[i + 2] = lum * 0.55 + tint[2] * 0.45 * (lum / 255 + 0.3);
    }
  }

  // Bands of "translated text": a light band per line with dark word blocks.
  const lineH = Math.max(3, Math.round(H / 16));
  const bandFg = hsv((lh[1]! / 255) * 360, 0.8, 0.3);
  for (let line = 1; line * lineH * 2 < H; line++) {
    const y = line * lineH * 2 - lineH;
    const bh = Math.max(2, Math.round(lineH * 0.8));
    fillRect(cv, Math.round(W * 0.05), y, Math.round(W * 0.9), bh, [250, 250, 246]);
    let x = W * 0.07;
    const end = W * (0.6 + rnd() * 0.33);
    const gh = Math.max(1, Math.round(bh * 0.5));
    while (x < end) {
      const word = Math.max(2, W * (0.03 + rnd() * 0.09));
      fillRect(cv, x, y + (bh - gh) / 2, Math.min(word, end - x), gh, bandFg);
      x += word + Math.max(2, W * 0.015);
    }
  }
  // Language tag: a corner block in the language's colour.
  const tag = Math.max(2, Math.round(S / 12));
  fillRect(cv, W - tag - Math.round(S / 40), Math.round(S / 40), tag, tag, tint);

  const out = jpgFile(cv);
  translationCache.set(key, out);
  return out;
}
