/**
 * Reads a file of lines (the history manifest) in fixed-size chunks, oldest line first or newest
 * first, so a reader holds one chunk and the line it is in, never the whole file. Lines are split
 * on the newline byte before they are decoded: in UTF-8 that byte never occurs inside a
 * character, so a chunk boundary can fall anywhere.
 *
 * Pure (no `vscode`, no Node built-ins): it reads through {@link FileSystem.openRead} where the
 * file system has it, and from one whole-file read where it has not (`workspace.fs` in a virtual
 * workspace).
 */
import type { FileSystem, ReadableFile } from './files.js';

/** How much a scan reads at a time. */
export const LINE_SCAN_CHUNK_BYTES = 64 * 1024;

const NEWLINE = 0x0a;
const EMPTY: Uint8Array = new Uint8Array(0);

/** One line as a scan hands it over. */
export interface ScannedLine {
  /** The line's bytes without the newline (valid only during the callback). */
  readonly bytes: Uint8Array;
  /** 1-based from the start of the file when scanning forward; from the end when scanning newest first. */
  readonly index: number;
  /** False for a last line that has no newline yet (an append in progress, or a hand edit). */
  readonly terminated: boolean;
}

/** Options of {@link scanLines}. */
export interface LineScanOptions {
  /** Newest (last) line first; default oldest first. */
  readonly newestFirst?: boolean;
  readonly chunkBytes?: number;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b.slice();
  if (b.length === 0) return a;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** The file opened for reading: by offset where the file system can, else read once. */
async function openForScan(fs: FileSystem, path: string): Promise<ReadableFile | undefined> {
  if (!(await fs.exists(path))) return undefined;
  if (fs.openRead) return fs.openRead(path);
  const bytes = await fs.readFile(path);
  return { size: bytes.length, read: async (offset, length) => bytes.subarray(offset, offset + length), close: async () => undefined };
}

/**
 * Calls `visit` for every line of the file as it was when opened (bytes appended later are not
 * read), in the order asked for; `visit` may be async (the scan waits). Resolves with the number
 * of lines, or undefined when the file does not exist.
 */
export async function scanLines(fs: FileSystem, path: string, visit: (line: ScannedLine) => void | Promise<void>, options: LineScanOptions = {}): Promise<number | undefined> {
  const file = await openForScan(fs, path);
  if (!file) return undefined;
  const chunkBytes = Math.max(1, options.chunkBytes ?? LINE_SCAN_CHUNK_BYTES);
  try {
    return options.newestFirst ? await scanBackward(file, chunkBytes, visit) : await scanForward(file, chunkBytes, visit);
  } finally {
    await file.close();
  }
}

async function scanForward(file: ReadableFile, chunkBytes: number, visit: (line: ScannedLine) => void | Promise<void>): Promise<number> {
  let carry = EMPTY;
  let index = 0;
  for (let offset = 0; offset < file.size; offset += chunkBytes) {
    const chunk = await file.read(offset, Math.min(chunkBytes, file.size - offset));
    if (chunk.length === 0) break;
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      const bytes = carry.length ? concat(carry, chunk.subarray(start, nl)) : chunk.subarray(start, nl);
      carry = EMPTY;
      await visit({ bytes, index: ++index, terminated: true });
      start = nl + 1;
    }
    carry = concat(carry, chunk.subarray(start));
  }
  if (carry.length) await visit({ bytes: carry, index: ++index, terminated: false });
  return index;
}

async function scanBackward(file: ReadableFile, chunkBytes: number, visit: (line: ScannedLine) => void | Promise<void>): Promise<number> {
  // `carry` is the start of the file's text after the last newline found so far: the end of a
  // line whose beginning lies in an earlier chunk.
  let carry = EMPTY;
  let index = 0;
  let atEnd = true;
  for (let end = file.size; end > 0; ) {
    const offset = Math.max(0, end - chunkBytes);
    const chunk = await file.read(offset, end - offset);
    end = offset;
    const text = concat(chunk, carry);
    let stop = text.length;
    for (let nl = text.lastIndexOf(NEWLINE, stop - 1); nl !== -1; nl = stop > 0 ? text.lastIndexOf(NEWLINE, stop - 1) : -1) {
      const bytes = text.subarray(nl + 1, stop);
      // The file's tail after its last newline is a line only if it holds something.
      if (!atEnd || bytes.length) await visit({ bytes, index: ++index, terminated: !atEnd });
      atEnd = false;
      stop = nl;
    }
    carry = text.slice(0, stop);
  }
  // What is left is the first line (empty too, when the file starts with a newline); in a file
  // without any newline it is the only line, unterminated.
  if (!atEnd || carry.length) await visit({ bytes: carry, index: ++index, terminated: !atEnd });
  return index;
}
