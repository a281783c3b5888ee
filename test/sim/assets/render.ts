/**
 * Deterministic synthetic images for the simulator: real PNG / JPG files of exactly the requested
 * size, different for every (model, prompt, seed, index) and identical for the same inputs.
 *
 * The picture: a two-hue gradient (hues from the hash), one or two translucent stripe layers,
 * a few discs and rings, a mirrored 5×5 "identicon" of the prompt in the top-left corner, a
 * border in a colour that depends only on the model, and a barcode of the seed (32 bits) and
 * the index (4 bits) along the bottom edge.
 *
 * PNG is written here directly (RGB, 8 bit, Sub filter, zlib level 1) because that is several
 * times faster than a generic encoder on large smooth images; JPG goes through jpeg-js.
 */
import { createHash } from 'node:crypto';
import { deflate, deflateSync } from 'node:zlib';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';

export type RenderFormat = 'png' | 'jpg';

export interface RenderOptions {
  model: string;
  prompt: string;
  seed: number;
  width: number;
  height: number;
  format: RenderFormat;
  index?: number;
}

/** Largest side the renderer accepts (the catalog's largest output is 2048; inputs go to 8192). */
export const MAX_RENDER_SIDE = 16384;
/** JPEG quality of generated and translated images. */
const JPEG_QUALITY = 90;
/** zlib level for PNG IDAT (1 is fast and, on these smooth pictures, small enough). */
const PNG_DEFLATE_LEVEL = 1;

// ---------------------------------------------------------------------------------------------
// LRU cache of encoded images (bounded by entries and bytes)

export class LruBytes {
  private readonly map = new Map<string, Buffer>();
  private bytes = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  get(key: string): Buffer | undefined {
    const v = this.map.get(key);
    if (v) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: string, value: Buffer): void {
    const old = this.map.get(key);
    if (old) {
      this.bytes -= old.length;
      this.map.delete(key);
    }
    if (value.length > this.maxBytes) return;
    this.map.set(key, value);
    this.bytes += value.length;
    while (this.map.size > this.maxEntries || this.bytes > this.maxBytes) {
      const first = this.map.keys().next();
      if (first.done) break;
      const evicted = this.map.get(first.value)!;
      this.map.delete(first.value);
      this.bytes -= evicted.length;
    }
  }

  clear(): void {
    this.map.clear();
    this.bytes = 0;
  }

  get size(): number {
    return this.map.size;
  }

  get totalBytes(): number {
    return this.bytes;
  }
}

const renderCache = new LruBytes(64, 256 * 1024 * 1024);
const inflight = new Map<string, Promise<Buffer>>();

/** Drops every cached rendering (tests use it to measure cold renders). */
export function clearRenderCache(): void {
  renderCache.clear();
}

export function renderCacheStats(): { entries: number; bytes: number } {
  return { entries: renderCache.size, bytes: renderCache.totalBytes };
}

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

function sha256(...parts: (string | number | Buffer)[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(typeof p === 'number' ? String(p) : p);
    h.update('\0');
  }
  return h.digest();
}

/** sfc32, seeded from 16 bytes of a hash. Returns floats in [0, 1). */
function prng(seed: Buffer): () => number {
  let a = seed.readUInt32LE(0);
  let b = seed.readUInt32LE(4);
  let c = seed.readUInt32LE(8);
  let d = seed.readUInt32LE(12);
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

type Rgb = [number, number, number];

function hsv(h: number, s: number, v: number): Rgb {
  const hh = (((h % 360) + 360) % 360) / 60;
  const i = Math.floor(hh);
  const f = hh - i;
  const p = v * (1 - s);
  const q = v * (1 - s * f);
  const t = v * (1 - s * (1 - f));
  let r: number;
  let g: number;
  let b: number;
  switch (i) {
    case 0: [r, g, b] = [v, t, p]; break;
    case 1: [r, g, b] = [q, v, p]; break;
    case 2: [r, g, b] = [p, v, t]; break;
    case 3: [r, g, b] = [p, q, v]; break;
    case 4: [r, g, b] = [t, p, v]; break;
    default: [r, g, b] = [v, p, q]; break;
  }
  return [Math.round(r * 255), Math.round(g * 255), Math.round(b * 255)];
}

// ---------------------------------------------------------------------------------------------
// Canvas: a view on a pixel buffer laid out for the target encoder

interface Canvas {
  data: Uint8Array;
  width: number;
  height: number;
  /** Bytes per row, including any per-row prefix (the PNG filter byte). */
  stride: number;
  /** Byte offset of pixel 0 in a row. */
  offset: number;
  /** Bytes per pixel (3 for PNG RGB, 4 for jpeg-js RGBA). */
  bpp: number;
}

function newCanvas(width: number, height: number, format: RenderFormat): Canvas {
  if (format === 'png') {
    const stride = 1 + width * 3;
    return { data: Buffer.alloc(stride * height), width, height, stride, offset: 1, bpp: 3 };
  }
  const stride = width * 4;
  const data = Buffer.alloc(stride * height, 255); // alpha 255 everywhere
  return { data, width, height, stride, offset: 0, bpp: 4 };
}

function fillSpan(cv: Canvas, y: number, x0: number, x1: number, c: Rgb): void {
  if (y < 0 || y >= cv.height) return;
  const a = Math.max(0, Math.floor(x0));
  const b = Math.min(cv.width, Math.ceil(x1));
  const { data, bpp } = cv;
  let i = y * cv.stride + cv.offset + a * bpp;
  for (let x = a; x < b; x++, i += bpp) {
    data[i] = c[0];
    data[i + 1] = c[1];
    data[i + 2] = c[2];
  }
}

function fillRect(cv: Canvas, x: number, y: number, w: number, h: number, c: Rgb): void {
  const y0 = Math.max(0, Math.floor(y));
  const y1 = Math.min(cv.height, Math.ceil(y + h));
  for (let yy = y0; yy < y1; yy++) fillSpan(cv, yy, x, x + w, c);
}

function fillDisc(cv: Canvas, cx: number, cy: number, r: number, c: Rgb, inner = 0): void {
  const y0 = Math.max(0, Math.floor(cy - r));
  const y1 = Math.min(cv.height - 1, Math.ceil(cy + r));
  for (let y = y0; y <= y1; y++) {
    const dy = y + 0.5 - cy;
    const o2 = r * r - dy * dy;
    if (o2 <= 0) continue;
    const ho = Math.sqrt(o2);
    const i2 = inner * inner - dy * dy;
    if (inner > 0 && i2 > 0) {
      const hi = Math.sqrt(i2);
      fillSpan(cv, y, cx - ho, cx - hi, c);
      fillSpan(cv, y, cx + hi, cx + ho, c);
    } else {
      fillSpan(cv, y, cx - ho, cx + ho, c);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The picture

function paint(cv: Canvas, o: RenderOptions): void {
  const index = o.index ?? 0;
  const h = sha256('bailian-sim-render-v1', o.model, o.prompt, o.seed, index);
  const rnd = prng(h);
  const { width: W, height: H, data, stride, offset, bpp } = cv;
  const S = Math.min(W, H);

  // Background: a linear gradient between two hues, in a direction from the hash.
  const hueA = rnd() * 360;
  const hueB = hueA + 60 + rnd() * 150;
  const cA = hsv(hueA, 0.45 + rnd() * 0.4, 0.55 + rnd() * 0.4);
  const cB = hsv(hueB, 0.45 + rnd() * 0.4, 0.35 + rnd() * 0.5);
  const ang = rnd() * Math.PI * 2;
  const gx = Math.cos(ang);
  const gy = Math.sin(ang);
  const corners = [0, W * gx, H * gy, W * gx + H * gy];
  const tMin = Math.min(...corners);
  const tSpan = Math.max(...corners) - tMin || 1;

  // Stripe layers: direction, period, duty cycle, colour, opacity.
  const layers = 1 + Math.floor(rnd() * 2);
  const stripes: { nx: number; ny: number; inv: number; duty: number; c: Rgb; a: number }[] = [];
  for (let k = 0; k < layers; k++) {
    const sa = rnd() * Math.PI;
    const period = S * (0.06 + rnd() * 0.22);
    stripes.push({
      nx: Math.cos(sa),
      ny: Math.sin(sa),
      inv: 1 / Math.max(2, period),
      duty: 0.15 + rnd() * 0.35,
      c: hsv(hueA + 180 + rnd() * 60, 0.3 + rnd() * 0.5, 0.5 + rnd() * 0.5),
      a: 0.18 + rnd() * 0.27,
    });
  }

  const dr = cB[0] - cA[0];
  const dg = cB[1] - cA[1];
  const db = cB[2] - cA[2];
  const s0 = stripes[0]!;
  const s1 = stripes[1];
  for (let y = 0; y < H; y++) {
    let i = y * stride + offset;
    const tRow = (y * gy - tMin) / tSpan;
    const tStep = gx / tSpan;
    const p0Row = y * s0.ny * s0.inv;
    const p0Step = s0.nx * s0.inv;
    const p1Row = s1 ? y * s1.ny * s1.inv : 0;
    const p1Step = s1 ? s1.nx * s1.inv : 0;
    for (let x = 0; x < W; x++, i += bpp) {
      const t = tRow + x * tStep;
      let r = cA[0] + dr * t;
      let g = cA[1] + dg * t;
      let b = cA[2] + db * t;
      const p0 = p0Row + x * p0Step;
      if (p0 - Math.floor(p0) < s0.duty) {
        r += (s0.c[0] - r) * s0.a;
        g += (s0.c[1] - g) * s0.a;
        b += (s0.c[2] - b) * s0.a;
      }
      if (s1) {
        const p1 = p1Row + x * p1Step;
        if (p1 - Math.floor(p1) < s1.duty) {
          r += (s1.c[0] - r) * s1.a;
          g += (s1.c[1] - g) * s1.a;
          b += (s1.c[2] - b) * s1.a;
        }
      }
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
    }
  }

  // Discs and rings.
  const discs = 3 + Math.floor(rnd() * 5);
  for (let k = 0; k < discs; k++) {
    const cx = rnd() * W;
    const cy = rnd() * H;
    const r = S * (0.04 + rnd() * 0.2);
    const c = hsv(hueA + rnd() * 360, 0.5 + rnd() * 0.5, 0.4 + rnd() * 0.6);
    const ring = rnd() < 0.4;
    fillDisc(cv, cx, cy, r, c, ring ? r * (0.55 + rnd() * 0.3) : 0);
  }

  // Border in a colour that depends only on the model.
  const mh = sha256('model', o.model);
  const border = hsv((mh[0]! / 255) * 360, 0.7, 0.85);
  const bw = Math.max(1, Math.round(S / 96));
  fillRect(cv, 0, 0, W, bw, border);
  fillRect(cv, 0, H - bw, W, bw, border);
  fillRect(cv, 0, 0, bw, H, border);
  fillRect(cv, W - bw, 0, bw, H, border);

  // Identicon of the prompt (5×5, mirrored), top-left, on a plate.
  const ph = sha256('prompt', o.prompt);
  const cell = Math.max(1, Math.floor(S / 28));
  const margin = bw + cell;
  const fg = hsv((ph[1]! / 255) * 360, 0.75, 0.35);
  fillRect(cv, margin - cell / 2, margin - cell / 2, cell * 6, cell * 6, [245, 245, 240]);
  for (let row = 0; row < 5; row++) {
    for (let col = 0; col < 3; col++) {
      const bit = (ph[2 + row]! >> col) & 1;
      if (!bit) continue;
      fillRect(cv, margin + col * cell, margin + row * cell, cell, cell, fg);
      fillRect(cv, margin + (4 - col) * cell, margin + row * cell, cell, cell, fg);
    }
  }

  // Barcode of the seed (32 bits) and the index (4 bits) along the bottom.
  const bits = 36;
  const barH = Math.max(2, Math.round(H / 24));
  const barW = Math.max(1, Math.floor((W - 2 * bw) / (bits + 2)));
  const barY = H - bw - barH - Math.max(1, Math.round(barH / 3));
  const x0 = bw + barW;
  const seed32 = o.seed >>> 0;
  fillRect(cv, x0 - barW / 2, barY - 1, barW * (bits + 1), barH + 2, [255, 255, 255]);
  for (let k = 0; k < bits; k++) {
    const on = k < 32 ? (seed32 >>> (31 - k)) & 1 : (index >>> (35 - k)) & 1;
    const c: Rgb = on ? (k < 32 ? [20, 20, 20] : [200, 30, 30]) : [235, 235, 235];
    fillRect(cv, x0 + k * barW, barY, Math.max(1, barW - (barW > 2 ? 1 : 0)), barH, c);
  }
}

// ---------------------------------------------------------------------------------------------
// Encoders

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf: Uint8Array, start = 0): number {
  let c = 0xffffffff;
  for (let i = start; i < buf.length; i++) c = CRC_TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, payload: Buffer): Buffer {
  const out = Buffer.alloc(12 + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.write(type, 4, 'latin1');
  payload.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + payload.length)), 8 + payload.length);
  return out;
}

/** Applies the PNG Sub filter to every row in place (right to left, so no copy is needed). */
function subFilterInPlace(cv: Canvas): void {
  const { data, stride, height } = cv;
  for (let y = 0; y < height; y++) {
    const o = y * stride;
    data[o] = 1;
    for (let i = o + stride - 1; i > o + 3; i--) data[i] = (data[i]! - data[i - 3]!) & 0xff;
  }
}

function pngFile(width: number, height: number, idat: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  ihdr[10] = 0;
  ihdr[11] = 0;
  ihdr[12] = 0;
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
}

function jpgFile(cv: Canvas): Buffer {
  return jpeg.encode({ data: cv.data, width: cv.width, height: cv.height }, JPEG_QUALITY).data;
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
