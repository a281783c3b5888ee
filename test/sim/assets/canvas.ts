/**
 * The renderer's tools: deterministic randomness, a canvas laid out for its encoder, shapes, and
 * the encoders. PNG is written here directly (RGB, 8 bit, Sub filter) because that is several
 * times faster than a generic encoder on large smooth images; JPG goes through jpeg-js.
 */
import { createHash } from 'node:crypto';
import * as jpeg from 'jpeg-js';

export type RenderFormat = 'png' | 'jpg';

/** JPEG quality of generated and translated images. */
export const JPEG_QUALITY = 90;

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

export function sha256(...parts: (string | number | Buffer)[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) {
    h.update(typeof p === 'number' ? String(p) : p);
    h.update('\0');
  }
  return h.digest();
}

/** sfc32, seeded from 16 bytes of a hash. Returns floats in [0, 1). */
export function prng(seed: Buffer): () => number {
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

export type Rgb = [number, number, number];

export function hsv(h: number, s: number, v: number): Rgb {
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

export interface Canvas {
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

export function newCanvas(width: number, height: number, format: RenderFormat): Canvas {
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

export function fillRect(cv: Canvas, x: number, y: number, w: number, h: number, c: Rgb): void {
  const y0 = Math.max(0, Math.floor(y));
  const y1 = Math.min(cv.height, Math.ceil(y + h));
  for (let yy = y0; yy < y1; yy++) fillSpan(cv, yy, x, x + w, c);
}

export function fillDisc(cv: Canvas, cx: number, cy: number, r: number, c: Rgb, inner = 0): void {
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
// Encoders

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
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
export function subFilterInPlace(cv: Canvas): void {
  const { data, stride, height } = cv;
  for (let y = 0; y < height; y++) {
    const o = y * stride;
    data[o] = 1;
    for (let i = o + stride - 1; i > o + 3; i--) data[i] = (data[i]! - data[i - 3]!) & 0xff;
  }
}

export function pngFile(width: number, height: number, idat: Buffer): Buffer {
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

export function jpgFile(cv: Canvas): Buffer {
  return jpeg.encode({ data: cv.data, width: cv.width, height: cv.height }, JPEG_QUALITY).data;
}
