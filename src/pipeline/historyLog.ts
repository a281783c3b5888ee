/**
 * Reading and appending one history manifest (`.bailian/history.jsonl`, lines built by
 * src/pipeline/history.ts). Reads go through the file in chunks, oldest or newest line first, a
 * page of entries at a time, so a manifest of tens of thousands of lines is never held as text.
 * Appends are one O_APPEND write of a whole line where the file system appends natively, so the
 * editor and a CLI run in CI never interleave a line; elsewhere a lock file guards a rewrite.
 */
import { appendFile, readIfExists, replaceAtomically, type FileSystem } from './files.js';
import { withFileLock, type FileLockTiming } from './fileLock.js';
import { HISTORY_PATH, historyLine, parseHistoryLine, type HistoryEntry, type HistoryEntryInput } from './history.js';
import { scanLines } from './lineScan.js';

/** Where the lock of writers that cannot append natively lives, next to the manifest. */
export const HISTORY_LOCK_PATH = '.bailian/history.lock';

/** Options of {@link HistoryLog.scan}. */
export interface HistoryScanOptions {
  /** Newest (last appended) first; default oldest first. */
  newestFirst?: boolean;
  /** Entries per call of `onPage`; default 200. */
  pageSize?: number;
  /** Bytes read at a time (tests use small ones). */
  chunkBytes?: number;
}

/** What a scan found besides the entries it handed over. */
export interface HistoryScanSummary {
  /** Entries that parsed. */
  count: number;
  /** 1-based numbers (from the start of the file) of lines that did not parse, ascending. */
  badLines: number[];
  /** The last line has no newline and does not parse: an append in progress (not counted as bad). */
  partialLastLine: boolean;
}

/** Appends to and reads one manifest; appends from one process are serialized. */
export class HistoryLog {
  private queue: Promise<void> = Promise.resolve();

  constructor(
    /** Rooted at the workspace folder. */
    private readonly fs: FileSystem,
    readonly path: string = HISTORY_PATH,
    /** Clock and waits of the lock that writers without a native append take. */
    private readonly lockTiming: FileLockTiming = {},
  ) {}

  /**
   * Appends one line; resolves once it is on disk. Where the file system appends natively (node
   * fs: the CLI, and the extension in a local or remote workspace) the line is one O_APPEND
   * write, which never interleaves with another process's line; elsewhere the manifest is
   * rewritten under {@link HISTORY_LOCK_PATH}.
   */
  append(entry: HistoryEntryInput): Promise<void> {
    const line = new TextEncoder().encode(historyLine(entry));
    const next = this.queue.then(() => this.appendLine(line));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async appendLine(line: Uint8Array): Promise<void> {
    if (this.fs.append) {
      // A last line left without its newline (a hand edit) would swallow ours.
      await appendFile(this.fs, this.path, (await this.endsInNewline()) ? line : withNewlineFirst(line));
      return;
    }
    await withFileLock(
      this.fs,
      this.path === HISTORY_PATH ? HISTORY_LOCK_PATH : `${this.path}.lock`,
      async () => {
        const old = (await readIfExists(this.fs, this.path)) ?? new Uint8Array();
        const add = old.length === 0 || old[old.length - 1] === NEWLINE ? line : withNewlineFirst(line);
        const joined = new Uint8Array(old.length + add.length);
        joined.set(old, 0);
        joined.set(add, old.length);
        await replaceAtomically(this.fs, this.path, joined);
      },
      this.lockTiming,
    );
  }

  /** Whether the manifest is missing, empty or ends with a newline (one byte read). */
  private async endsInNewline(): Promise<boolean> {
    if (!this.fs.openRead || !(await this.fs.exists(this.path))) return true;
    const file = await this.fs.openRead(this.path);
    try {
      return file.size === 0 || (await file.read(file.size - 1, 1))[0] === NEWLINE;
    } finally {
      await file.close();
    }
  }

  /**
   * Reads the manifest in chunks and hands its entries over a page at a time (awaiting each),
   * so no more than a chunk of text and a page of entries is held at once.
   */
  async scan(onPage: (entries: HistoryEntry[]) => void | Promise<void>, options: HistoryScanOptions = {}): Promise<HistoryScanSummary> {
    await this.queue;
    const pageSize = Math.max(1, options.pageSize ?? 200);
    const decoder = new TextDecoder();
    let page: HistoryEntry[] = [];
    let count = 0;
    const bad: number[] = [];
    let partialLastLine = false;
    const total = await scanLines(
      this.fs,
      this.path,
      async ({ bytes, index, terminated }) => {
        const text = decoder.decode(bytes);
        if (!text.trim()) return;
        const entry = parseHistoryLine(text);
        if (!entry) {
          if (terminated) bad.push(index);
          else partialLastLine = true;
          return;
        }
        count++;
        page.push(entry);
        if (page.length >= pageSize) {
          const full = page;
          page = [];
          await onPage(full);
        }
      },
      { ...(options.newestFirst ? { newestFirst: true } : {}), ...(options.chunkBytes ? { chunkBytes: options.chunkBytes } : {}) },
    );
    if (page.length) await onPage(page);
    const badLines = options.newestFirst && total !== undefined ? bad.map((fromEnd) => total - fromEnd + 1).reverse() : bad;
    return { count, badLines, partialLastLine };
  }

  /** Every entry that parses, oldest first. */
  async read(): Promise<{ entries: HistoryEntry[]; badLines: number[] }> {
    const entries: HistoryEntry[] = [];
    const { badLines } = await this.scan((page) => void entries.push(...page));
    return { entries, badLines };
  }

  /** Whether the manifest exists (the CLI appends only to an existing one). */
  exists(): Promise<boolean> {
    return this.fs.exists(this.path);
  }
}

const NEWLINE = 0x0a;

function withNewlineFirst(line: Uint8Array): Uint8Array {
  const out = new Uint8Array(line.length + 1);
  out[0] = NEWLINE;
  out.set(line, 1);
  return out;
}
