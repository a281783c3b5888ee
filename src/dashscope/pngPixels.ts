/**
 * A small PNG pixel reader for the two questions validation asks before anything is sent: is a
 * mask all black (nothing to edit), and does a cut-out have a transparent pixel. Handles 8-bit,
 * non-interlaced PNGs of every colour type (the masks the studio paints and the cut-outs image
 * tools export); anything else answers `undefined` and the check is left to the service.
 *
 * The image data is inflated as a stream and read one row at a time, stopping at the first row
 * that answers the question: a 2048×2048 RGBA cut-out is 16 MB decoded, and decoding it whole
 * would hold several times the file (issue 20 bounds a job at 3×; bench/memory-process.bench.ts);
 * row by row the check holds the file and two rows.
 */
import { Readable } from 'node:stream';
import { createInflate } from 'node:zlib';

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/**
 * Calls `visit` with each row's pixels as RGBA, top to bottom, until it returns true. Resolves
 * true when it did, false when no row did, undefined when the PNG is not one this reader handles
 * (or its data is cut short).
 */
export async function someRowRgba(bytes: Uint8Array, visit: (rgba: Uint8Array) => boolean): Promise<boolean | undefined> {
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
  const channels = CHANNELS[type];
  if (depth !== 8 || interlace !== 0 || !channels || !width || !height) return undefined;
  const stride = width * channels;
  let prev = Buffer.alloc(stride);
  let cur = Buffer.alloc(stride);
  const rgba = new Uint8Array(width * 4);
  let carry = Buffer.alloc(0);
  let rows = 0;
  // Views of the file's IDAT chunks; nothing is copied before the inflater reads it.
  const inflated = Readable.from(idat, { objectMode: false }).pipe(createInflate());
  try {
    for await (const chunk of inflated as AsyncIterable<Buffer>) {
      const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      let off = 0;
      for (; off + stride + 1 <= buf.length && rows < height; off += stride + 1, rows++) {
        unfilter(buf[off]!, buf.subarray(off + 1, off + 1 + stride), cur, rows > 0 ? prev : undefined, channels);
        toRgba(cur, rgba, type, palette, trns);
        if (visit(rgba)) return true;
        [prev, cur] = [cur, prev];
      }
      carry = Buffer.from(buf.subarray(off));
    }
  } catch {
    return undefined;
  } finally {
    inflated.destroy();
  }
  return rows >= height ? false : undefined;
}

/** Undoes a row's PNG filter into `out` (the previous row unfiltered in `prev`, none for the first). */
function unfilter(filter: number, row: Buffer, out: Buffer, prev: Buffer | undefined, channels: number): void {
  for (let x = 0; x < row.length; x++) {
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

/** One unfiltered row of colour type `type` as RGBA (tRNS applied). */
function toRgba(pixels: Buffer, rgba: Uint8Array, type: number, palette: Buffer | undefined, trns: Buffer | undefined): void {
  const channels = CHANNELS[type]!;
  for (let i = 0, s = 0; i < rgba.length; i += 4, s += channels) {
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
      else if (trns && trns.length >= 6 && trns.readUInt16BE(0) === r && trns.readUInt16BE(2) === g && trns.readUInt16BE(4) === bl) al = 0;
    }
    rgba[i] = r;
    rgba[i + 1] = g;
    rgba[i + 2] = bl;
    rgba[i + 3] = al;
  }
}

/** Whether a mask has any pixel that is not black (something to edit); undefined when it cannot be read. */
export function maskHasWhite(bytes: Uint8Array): Promise<boolean | undefined> {
  return someRowRgba(bytes, (row) => {
    for (let i = 0; i < row.length; i += 4) if (row[i]! > 16 || row[i + 1]! > 16 || row[i + 2]! > 16) return true;
    return false;
  });
}

/** Whether a PNG has at least one transparent (alpha < 255) pixel; undefined when it cannot be read. */
export function hasTransparentPixel(bytes: Uint8Array): Promise<boolean | undefined> {
  return someRowRgba(bytes, (row) => {
    for (let i = 3; i < row.length; i += 4) if (row[i]! < 255) return true;
    return false;
  });
}
