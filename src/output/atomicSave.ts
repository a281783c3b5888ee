/**
 * Atomic, never-overwriting saves over an abstract file system, so the same algorithm serves
 * `vscode.workspace.fs` (src/workspace/save.ts: remote and web workspaces) and plain Node tests.
 *
 * The bytes go to a hidden temporary name in the TARGET folder (`.name.png.tmp-<random>`), then
 * are renamed to the final name WITHOUT overwrite. A name taken in the meantime (another window,
 * a concurrent save) makes the rename fail; we move to the next free name and rename again. The
 * temporary is deleted on every failure, so no partial or temporary file is left behind.
 *
 * Pure (no `vscode`, no Node built-ins).
 */
import { candidateNumber, nextFreeName } from './naming.js';

/** The file operations a save needs, on `/`-separated paths relative to the output folder. */
export interface SaveFileSystem {
  /** Whether anything exists at `path`. */
  exists(path: string): Promise<boolean>;
  /** Creates a folder and its parents; no error when it exists. */
  createDirectory(path: string): Promise<void>;
  writeFile(path: string, bytes: Uint8Array): Promise<void>;
  /**
   * Renames without replacing: resolves `'exists'` (and changes nothing) when `to` is taken,
   * `'renamed'` on success; rejects on any other failure.
   */
  renameNoOverwrite(from: string, to: string): Promise<'renamed' | 'exists'>;
  /** Deletes a file; resolves even if it is already gone. */
  delete(path: string): Promise<void>;
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

/**
 * Saves `bytes` as `stem.ext`, or `stem-2.ext`, `-3` … when taken. Never overwrites, never leaves
 * the temporary behind. Returns the relative name actually used.
 */
export async function saveAtomically(fs: SaveFileSystem, options: AtomicSaveOptions): Promise<string> {
  const stem = options.stem.replace(/\\/g, '/');
  const segments = stem.split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    throw new Error(`Refusing to save outside the output folder: "${options.stem}".`);
  }
  const folder = segments.slice(0, -1).join('/');
  await fs.createDirectory(folder);
  let name = await nextFreeName(stem, options.ext, (candidate) => fs.exists(candidate));
  const suffix = options.randomSuffix?.() ?? Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, '0');
  const tmp = temporaryName(name, suffix);
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
