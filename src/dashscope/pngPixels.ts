/**
 * A small PNG pixel reader for the two questions validation asks before anything is sent: is a
 * mask all black (nothing to edit), and does a cut-out have a transparent pixel. Handles 8-bit,
 * non-interlaced PNGs of every colour type (the masks the studio paints and the cut-outs image
 * tools export); anything else answers `undefined` and the check is left to the service.
 */
import { inflateSync } from 'node:zlib';

/** RGBA of each pixel, row by row, or undefined when the PNG is not one this reader handles. */
export function decodePngRgba(bytes: Uint8Array): { width: number; height: number; rgba: Uint8Array } | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length < 33 || b.readUInt32BE(0) !== 0x89504e47) return undefined;
  let at = 8;
  let width = 0, height = 0, depth = 0, type = 0, interlace = 0;
  let palette: Buffer | undefined;
  let trns: Buffer | undefined;
  const idat: Buffer[] = [];
  while (at + 8 <= b.length) {
    const len = b.readUInt32BE(at);
    const kind = b.toString('latin1', at + 4, at + 8);
    const data = b.subarray(at + 8, at + 8 + len);
    if (kind === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      depth = data[8]!;
      type = data[9]!;
      interlace = data[12]!;
    } else if (kind === 'PLTE') palette = data;
    else if (kind === 'tRNS') trns = data;
    else if (kind === 'IDAT') idat.push(data);
    else if (kind === 'IEND') break;
    at += 12 + len;
  }
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[type];
  if (depth !== 8 || interlace !== 0 || !channels || !width || !height) return undefined;
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat));
  } catch {
    return undefined;
  }
  const stride = width * channels;
  if (raw.length < (stride + 1) * height) return undefined;
  const pixels = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = pixels.subarray(y * stride, (y + 1) * stride);
    const prev = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : undefined;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[x - channels]! : 0;
      const up = prev ? prev[x]! : 0;
      const c = prev && x >= channels ? prev[x - channels]! : 0;
      let v = row[x]!;
      if (filter === 1) v += a;
      else if (filter === 2) v += up;
      else if (filter === 3) v += (a + up) >> 1;
      else if (filter === 4) {
        const p = a + up - c;
        const pa = Math.abs(p - a), pb = Math.abs(p - up), pc = Math.abs(p - c);
        v += pa <= pb && pa <= pc ? a : pb <= pc ? up : c;
      }
      out[x] = v & 0xff;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const s = i * channels;
    let r: number, g: number, bl: number, al = 255;
    if (type === 0 || type === 4) {
      r = g = bl = pixels[s]!;
      if (type === 4) al = pixels[s + 1]!;
      else if (trns && trns.length >= 2 && trns.readUInt16BE(0) === r) al = 0;
    } else if (type === 3) {
      const idx = pixels[s]!;
      r = palette?.[idx * 3] ?? 0;
      g = palette?.[idx * 3 + 1] ?? 0;
      bl = palette?.[idx * 3 + 2] ?? 0;
      al = trns?.[idx] ?? 255;
    } else {
      r = pixels[s]!;
      g = pixels[s + 1]!;
      bl = pixels[s + 2]!;
      if (type === 6) al = pixels[s + 3]!;
    }
    rgba.set([r, g, bl, al], i * 4);
  }
  return { width, height, rgba };
}

/** Whether a decoded mask has any pixel that is not black (something to edit); undefined when it cannot be read. */
export function maskHasWhite(bytes: Uint8Array): boolean | undefined {
  const img = decodePngRgba(bytes);
  if (!img) return undefined;
  for (let i = 0; i < img.rgba.length; i += 4) if (img.rgba[i]! > 16 || img.rgba[i + 1]! > 16 || img.rgba[i + 2]! > 16) return true;
  return false;
}

/** Whether a PNG has at least one transparent (alpha < 255) pixel; undefined when it cannot be read. */
export function hasTransparentPixel(bytes: Uint8Array): boolean | undefined {
  const img = decodePngRgba(bytes);
  if (!img) return undefined;
  for (let i = 3; i < img.rgba.length; i += 4) if (img.rgba[i]! < 255) return true;
  return false;
}
