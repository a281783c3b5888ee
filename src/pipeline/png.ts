/**
 * PNG text chunks (tEXt / iTXt) read and written by hand: what provenance needs of PNG and no
 * more. Pure (no `vscode`, no Node built-ins): CRC32 is a small table-based implementation because
 * Node 20 has no `zlib.crc32` and the extension must not depend on Node-only code here.
 */

/** The 8-byte PNG signature. */
export const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

let crcTable: Uint32Array | undefined;

/** CRC-32 (ISO 3309 / ITU-T V.42, polynomial 0xEDB88320) as PNG uses it; `crc` continues a running value. */
export function crc32(bytes: Uint8Array, crc = 0): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = (crc ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One chunk of a PNG file. */
export interface PngChunk {
  type: string;
  data: Uint8Array;
  /** Offset of the chunk's length field in the file. */
  offset: number;
  /** Whether the stored CRC matches type + data. */
  crcOk: boolean;
}

/** Whether the bytes start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

/** Walks the chunks of a PNG. Throws on a missing signature or a chunk that runs past the end. */
export function readPngChunks(png: Uint8Array): PngChunk[] {
  if (!isPng(png)) throw new Error('Not a PNG file (bad signature).');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: PngChunk[] = [];
  let offset = 8;
  while (offset < png.length) {
    if (offset + 12 > png.length) throw new Error(`Truncated PNG chunk header at byte ${offset}.`);
    const length = view.getUint32(offset);
    const end = offset + 12 + length;
    if (end > png.length) throw new Error(`PNG chunk at byte ${offset} runs past the end of the file.`);
    const typeBytes = png.subarray(offset + 4, offset + 8);
    const type = String.fromCharCode(...typeBytes);
    const data = png.subarray(offset + 8, offset + 8 + length);
    const stored = view.getUint32(offset + 8 + length);
    chunks.push({ type, data, offset, crcOk: crc32(png.subarray(offset + 4, offset + 8 + length)) === stored });
    offset = end;
    if (type === 'IEND') break;
  }
  return chunks;
}

/** Encodes one chunk: length, type, data, CRC over type + data. */
export function encodePngChunk(type: string, data: Uint8Array): Uint8Array {
  if (!/^[A-Za-z]{4}$/.test(type)) throw new Error(`Invalid PNG chunk type "${type}".`);
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** A text entry: keyword (1–79 Latin-1 characters) and text. */
export interface PngTextEntry {
  keyword: string;
  text: string;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8');
const latin1Decoder = new TextDecoder('latin1');

function isLatin1(s: string): boolean {
  // tEXt is ISO 8859-1 without controls other than newline (PNG spec 11.3.4.3).
  return /^[\n\x20-\x7e\xa0-\xff]*$/.test(s);
}

function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

/** A `tEXt` chunk when the text is Latin-1, else an uncompressed UTF-8 `iTXt` chunk. */
export function textChunk(entry: PngTextEntry): Uint8Array {
  const { keyword, text } = entry;
  if (!/^[\x20-\x7e\xa1-\xff]{1,79}$/.test(keyword) || /^ | $| {2}/.test(keyword)) {
    throw new Error(`Invalid PNG text keyword "${keyword}" (1–79 Latin-1 characters, no leading, trailing or double spaces).`);
  }
  const key = latin1Bytes(keyword);
  if (isLatin1(text)) {
    const body = latin1Bytes(text);
    const data = new Uint8Array(key.length + 1 + body.length);
    data.set(key, 0);
    data.set(body, key.length + 1);
    return encodePngChunk('tEXt', data);
  }
  // iTXt: keyword \0, compression flag 0, method 0, language tag "" \0, translated keyword "" \0, UTF-8 text.
  const body = utf8.encode(text);
  const data = new Uint8Array(key.length + 5 + body.length);
  data.set(key, 0);
  data.set(body, key.length + 5);
  return encodePngChunk('iTXt', data);
}

/** Reads `tEXt` and uncompressed `iTXt` chunks (compressed ones are skipped: no zlib here). */
export function readPngText(png: Uint8Array): PngTextEntry[] {
  const out: PngTextEntry[] = [];
  for (const chunk of readPngChunks(png)) {
    const entry = decodeTextChunk(chunk);
    if (entry) out.push(entry);
  }
  return out;
}

function decodeTextChunk(chunk: Pick<PngChunk, 'type' | 'data'>): PngTextEntry | undefined {
  const { data } = chunk;
  const nul = data.indexOf(0);
  if (nul <= 0) return undefined;
  const keyword = latin1Decoder.decode(data.subarray(0, nul));
  if (chunk.type === 'tEXt') return { keyword, text: latin1Decoder.decode(data.subarray(nul + 1)) };
  if (chunk.type !== 'iTXt') return undefined;
  if (data[nul + 1] !== 0) return undefined; // compressed
  const langEnd = data.indexOf(0, nul + 3);
  if (langEnd < 0) return undefined;
  const transEnd = data.indexOf(0, langEnd + 1);
  if (transEnd < 0) return undefined;
  return { keyword, text: utf8Decoder.decode(data.subarray(transEnd + 1)) };
}

/**
 * Inserts text chunks just before IEND. Existing `tEXt`/`iTXt`/`zTXt` chunks with the same
 * keywords are removed first, so embedding twice replaces instead of duplicating. Everything else
 * is copied byte for byte. Throws if the input is not a well-formed PNG.
 */
export function embedPngText(png: Uint8Array, entries: readonly PngTextEntry[]): Uint8Array {
  const chunks = readPngChunks(png);
  const iend = chunks[chunks.length - 1];
  if (!iend || iend.type !== 'IEND') throw new Error('PNG has no IEND chunk.');
  const replaced = new Set(entries.map((e) => e.keyword));
  const parts: Uint8Array[] = [PNG_SIGNATURE];
  for (const chunk of chunks) {
    if (chunk.type === 'IEND') {
      for (const entry of entries) parts.push(textChunk(entry));
    } else if ((chunk.type === 'tEXt' || chunk.type === 'iTXt' || chunk.type === 'zTXt') && replaced.has(keywordOf(chunk.data))) {
      continue;
    }
    parts.push(png.subarray(chunk.offset, chunk.offset + 12 + chunk.data.length));
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function keywordOf(data: Uint8Array): string {
  const nul = data.indexOf(0);
  return latin1Decoder.decode(data.subarray(0, nul < 0 ? data.length : nul));
}
