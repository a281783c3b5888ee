/**
 * Saving files with node:fs (the CLI; the extension uses `workspace.fs` instead): atomic and
 * never overwriting.
 *
 * The bytes go to a temporary file in the TARGET folder (`.name.png.tmp-<random>`, same file
 * system), are fsynced, then hard-linked to the final name. `link` fails with EEXIST instead of
 * replacing, so a name taken by anyone in the meantime (another process, a concurrent save) is
 * never overwritten: we move to the next free name and link again. The temporary is always
 * removed, also on failure, so no partial or temporary file is left behind. Where hard links are
 * not supported (FAT, some network shares) the fallback is an exclusive create (`wx`) of the final
 * name, removed again if writing fails.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, lstat, mkdir, open, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { candidateNumber, nextFreeName } from './naming.js';

/** Options of {@link saveNoOverwrite}. */
export interface SaveOptions {
  /** The output folder; created (with parents) when missing. */
  dir: string;
  /** Relative stem from the naming template, `/`-separated (may contain sub-folders). */
  base: string;
  /** Extension, with or without the dot. */
  ext: string;
  data: Uint8Array | string;
  /** Test hook: called with the temporary file's path after it is written, before it is linked. */
  beforeLink?: (tmpPath: string) => Promise<void> | void;
  /** Test hook: replaces the write of the data (to simulate a failing disk). */
  write?: (handle: FileHandle, data: Uint8Array) => Promise<void>;
}

/** A saved file. */
export interface SavedFile {
  /** Absolute or `dir`-relative path as `join(dir, name)` gives it. */
  path: string;
  /** Path relative to `dir`, `/`-separated. */
  name: string;
}

/** Whether a path exists (a dangling symlink counts as existing: its name is taken). */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);
const MAX_RACES = 100;

/**
 * Saves `data` as `dir/base.ext`, or `dir/base-2.ext`, `-3` … if taken; never overwrites, never
 * leaves a partial or temporary file. Returns the path actually used.
 */
export async function saveNoOverwrite(options: SaveOptions): Promise<SavedFile> {
  const data = typeof options.data === 'string' ? Buffer.from(options.data, 'utf8') : options.data;
  const base = options.base.replace(/\\/g, '/');
  if (base.split('/').some((segment) => segment === '..' || segment === '')) throw new Error(`Refusing to save outside the output folder: "${options.base}".`);
  const targetDir = join(options.dir, posix.dirname(base) === '.' ? '' : posix.dirname(base));
  await mkdir(targetDir, { recursive: true });
  const exists = (name: string): Promise<boolean> => pathExists(join(options.dir, name));
  let name = await nextFreeName(base, options.ext, exists);

  const tmp = join(targetDir, `.${posix.basename(name)}.tmp-${randomBytes(4).toString('hex')}`);
  let handle: FileHandle | undefined;
  try {
    handle = await open(tmp, 'wx');
    if (options.write) await options.write(handle, data);
    else await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await options.beforeLink?.(tmp);
    for (let race = 0; ; race++) {
      try {
        await link(tmp, join(options.dir, name));
        break;
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EEXIST' && race < MAX_RACES) {
          // Someone took the name between our check and the link: continue after it.
          name = await nextFreeName(base, options.ext, exists, (candidateNumber(base, options.ext, name) ?? 1) + 1);
          continue;
        }
        if (code && LINK_UNSUPPORTED.has(code)) {
          name = await createExclusive(options.dir, base, options.ext, name, data, exists);
          break;
        }
        throw err;
      }
    }
    await syncDir(dirname(join(options.dir, name)));
    return { path: join(options.dir, name), name };
  } finally {
    await handle?.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
  }
}

/** Fallback without hard links: create the final name exclusively and write into it. */
async function createExclusive(dir: string, base: string, ext: string, first: string, data: Uint8Array, exists: (n: string) => Promise<boolean>): Promise<string> {
  let name = first;
  for (let race = 0; race < MAX_RACES; race++) {
    let handle: FileHandle;
    try {
      handle = await open(join(dir, name), 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      name = await nextFreeName(base, ext, exists, (candidateNumber(base, ext, name) ?? 1) + 1);
      continue;
    }
    try {
      await handle.writeFile(data);
      await handle.sync();
      await handle.close();
      return name;
    } catch (err) {
      await handle.close().catch(() => undefined);
      await unlink(join(dir, name)).catch(() => undefined);
      throw err;
    }
  }
  throw new Error(`Could not find a free name for ${base}.`);
}

/** Makes the new directory entry durable; best effort (Windows cannot open directories). */
async function syncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, constants.O_RDONLY);
    await handle.sync();
  } catch {
    // Not supported here; the file data itself is already synced.
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Creates `dir/base.ext` (or the next free name) exclusively and returns an open handle, for
 * files that are written progressively (the interleave Markdown). The caller appends and closes.
 */
export async function createNoOverwrite(dir: string, base: string, ext: string): Promise<SavedFile & { handle: FileHandle }> {
  const b = base.replace(/\\/g, '/');
  await mkdir(join(dir, posix.dirname(b) === '.' ? '' : posix.dirname(b)), { recursive: true });
  const exists = (name: string): Promise<boolean> => pathExists(join(dir, name));
  let name = await nextFreeName(b, ext, exists);
  for (let race = 0; race < MAX_RACES; race++) {
    try {
      const handle = await open(join(dir, name), 'wx');
      return { path: join(dir, name), name, handle };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      name = await nextFreeName(b, ext, exists, (candidateNumber(b, ext, name) ?? 1) + 1);
    }
  }
  throw new Error(`Could not find a free name for ${b}.`);
}
