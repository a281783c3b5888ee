/**
 * The one file-system interface of the pipeline, and the one never-overwrite atomic save
 * algorithm over it. Node's `fs` (src/pipeline/nodeFs.ts, the CLI) and `vscode.workspace.fs`
 * (src/host/workspaceFs.ts, the extension: local, remote and web workspaces) both implement
 * {@link FileSystem}, so the CLI and the editor save files the same way.
 *
 * The bytes go to a hidden temporary name in the TARGET folder (`.name.png.tmp-<random>`), then
 * are renamed to the final name WITHOUT overwrite. A name taken in the meantime (another window,
 * a concurrent save) makes the rename fail; we move to the next free name and rename again. The
 * temporary is deleted on every failure, so no partial or temporary file is left behind.
 *
 * Pure (no `vscode`, no Node built-ins).
 */
import { candidateNumber, nextFreeName } from './naming.js';

/** File operations on `/`-separated paths relative to the root the implementation was made for. */
export interface FileSystem {
  /** Whether anything exists at `path`. */
  exists(path: string): Promise<boolean>;
  /** Creates a folder and its parents; no error when it exists. `''` is the root. */
  createDirectory(path: string): Promise<void>;
  readFile(path: string): Promise<Uint8Array>;
  /** Writes a whole file (created or replaced); durable when it resolves. */
  writeFile(path: string, bytes: Uint8Array): Promise<void>;
  /**
   * Renames without replacing: resolves `'exists'` (and changes nothing) when `to` is taken,
   * `'renamed'` on success; rejects on any other failure.
   */
  renameNoOverwrite(from: string, to: string): Promise<'renamed' | 'exists'>;
  /** Renames, replacing `to` if it exists (for files the pipeline owns, such as the history). */
  replace(from: string, to: string): Promise<void>;
  /** Deletes a file; resolves even if it is already gone. */
  delete(path: string): Promise<void>;
  /** Appends to a file, creating it when missing. Optional: {@link appendFile} falls back to rewrite. */
  append?(path: string, bytes: Uint8Array): Promise<void>;
  /**
   * Opens a file for reads at any offset (a manifest read in chunks, newest first). Optional:
   * where it is missing, readers read the whole file once.
   */
  openRead?(path: string): Promise<ReadableFile>;
}

/** A file open for reading by offset; its size is taken when it is opened. */
export interface ReadableFile {
  readonly size: number;
  /** Up to `length` bytes from `offset` (fewer only at the end of the file). */
  read(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Options of {@link saveAtomically}. */
export interface AtomicSaveOptions {
  /** Relative stem (may contain sub-folders), `/`-separated, no extension. */
  stem: string;
  /** Extension with or without the dot. */
  ext: string;
  bytes: Uint8Array;
  /** Random suffix of the temporary name; default 8 hex digits from Math.random (uniqueness, not secrecy). */
  randomSuffix?: () => string;
}

/** Lost races tolerated before giving up (each one means someone else took the name). */
export const MAX_SAVE_RACES = 100;

/** The hidden temporary name for `name` in the same folder. */
export function temporaryName(name: string, suffix: string): string {
  const slash = name.lastIndexOf('/');
  return `${name.slice(0, slash + 1)}.${name.slice(slash + 1)}.tmp-${suffix}`;
}

/** Whether a file name is one of our temporaries (for cleanup checks and tests). */
export function isTemporaryName(name: string): boolean {
  return /^\..+\.tmp-[0-9a-z]+$/i.test(name.slice(name.lastIndexOf('/') + 1));
}

function randomSuffix(): string {
  return Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, '0');
}

/** Splits a relative path into segments; throws for anything that could leave the root. */
export function safeSegments(path: string): string[] {
  const segments = path.replace(/\\/g, '/').split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..') || /^[a-z]:$/i.test(segments[0] ?? '')) {
    throw new Error(`Refusing to write outside the output folder: "${path}".`);
  }
  return segments;
}

/**
 * Saves `bytes` as `stem.ext`, or `stem-2.ext`, `-3` … when taken. Never overwrites, never leaves
 * the temporary behind. Returns the relative name actually used.
 */
export async function saveAtomically(fs: FileSystem, options: AtomicSaveOptions): Promise<string> {
  const segments = safeSegments(options.stem);
  const stem = segments.join('/');
  await fs.createDirectory(segments.slice(0, -1).join('/'));
  let name = await nextFreeName(stem, options.ext, (candidate) => fs.exists(candidate));
  const tmp = temporaryName(name, options.randomSuffix?.() ?? randomSuffix());
  let renamed = false;
  try {
    await fs.writeFile(tmp, options.bytes);
    for (let race = 0; ; race++) {
      if ((await fs.renameNoOverwrite(tmp, name)) === 'renamed') {
        renamed = true;
        return name;
      }
      if (race >= MAX_SAVE_RACES) throw new Error(`Could not find a free file name for ${stem} after ${MAX_SAVE_RACES} attempts.`);
      // Someone took the name between our check and the rename: continue after it.
      name = await nextFreeName(stem, options.ext, (candidate) => fs.exists(candidate), (candidateNumber(stem, options.ext, name) ?? 1) + 1);
    }
  } finally {
    if (!renamed) await fs.delete(tmp).catch(() => undefined);
  }
}

/**
 * Replaces a file the pipeline owns (the history manifest) atomically: temporary, then rename
 * over the old one, so a reader never sees half a file.
 */
export async function replaceAtomically(fs: FileSystem, path: string, bytes: Uint8Array): Promise<void> {
  const segments = safeSegments(path);
  await fs.createDirectory(segments.slice(0, -1).join('/'));
  const tmp = temporaryName(segments.join('/'), randomSuffix());
  let done = false;
  try {
    await fs.writeFile(tmp, bytes);
    await fs.replace(tmp, path);
    done = true;
  } finally {
    if (!done) await fs.delete(tmp).catch(() => undefined);
  }
}

/** Reads a file, or undefined when it does not exist. */
export async function readIfExists(fs: FileSystem, path: string): Promise<Uint8Array | undefined> {
  if (!(await fs.exists(path))) return undefined;
  return fs.readFile(path);
}

/**
 * Appends to a file: natively where the file system can (Node's O_APPEND), else by an atomic
 * rewrite. Callers serialize their appends (see src/pipeline/history.ts).
 */
export async function appendFile(fs: FileSystem, path: string, bytes: Uint8Array): Promise<void> {
  if (fs.append) {
    const segments = safeSegments(path);
    await fs.createDirectory(segments.slice(0, -1).join('/'));
    await fs.append(path, bytes);
    return;
  }
  const old = (await readIfExists(fs, path)) ?? new Uint8Array();
  const joined = new Uint8Array(old.length + bytes.length);
  joined.set(old, 0);
  joined.set(bytes, old.length);
  await replaceAtomically(fs, path, joined);
}

/** A file-system view rooted at a sub-folder of another one. */
export function subFileSystem(fs: FileSystem, folder: string): FileSystem {
  if (!folder) return fs;
  const base = safeSegments(folder).join('/');
  const at = (path: string): string => (path ? `${base}/${path}` : base);
  return {
    exists: (p) => fs.exists(at(p)),
    createDirectory: (p) => fs.createDirectory(at(p)),
    readFile: (p) => fs.readFile(at(p)),
    writeFile: (p, b) => fs.writeFile(at(p), b),
    renameNoOverwrite: (f, t) => fs.renameNoOverwrite(at(f), at(t)),
    replace: (f, t) => fs.replace(at(f), at(t)),
    delete: (p) => fs.delete(at(p)),
    ...(fs.append ? { append: (p: string, b: Uint8Array) => fs.append!(at(p), b) } : {}),
  };
}
