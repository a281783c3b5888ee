/**
 * {@link FileSystem} over node:fs, rooted at a folder (the CLI; the extension uses `workspace.fs`).
 *
 * Never-overwrite rename: the temporary is hard-linked to the final name (`link` fails with
 * EEXIST instead of replacing, even against another process), then unlinked. Where hard links
 * are not supported (FAT, some network shares) an exclusive copy (`COPYFILE_EXCL`) takes its
 * place. Written files are fsynced, and so is their folder where the OS allows it.
 */
import { constants } from 'node:fs';
import { copyFile, link, lstat, mkdir, open, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { FileSystem } from './files.js';

const LINK_UNSUPPORTED = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/** Test hooks of {@link nodeFileSystem}: replace a write to simulate a failing or full disk. */
export interface NodeFileSystemHooks {
  /** Replaces the data write of {@link FileSystem.writeFile} (e.g. to throw ENOSPC). */
  write?: (handle: FileHandle, data: Uint8Array, path: string) => Promise<void>;
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

/** A {@link FileSystem} rooted at `root` (absolute, or relative to the process's cwd). */
export function nodeFileSystem(root: string, hooks: NodeFileSystemHooks = {}): FileSystem {
  const base = resolve(root);
  const at = (path: string): string => (path ? join(base, ...path.split('/')) : base);
  return {
    exists: (path) => pathExists(at(path)),
    createDirectory: async (path) => {
      await mkdir(at(path), { recursive: true });
    },
    readFile: async (path) => new Uint8Array(await readFile(at(path))),
    writeFile: async (path, bytes) => {
      const handle = await open(at(path), 'w');
      try {
        if (hooks.write) await hooks.write(handle, bytes, path);
        else await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
    renameNoOverwrite: async (from, to) => {
      try {
        await link(at(from), at(to));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') return 'exists';
        if (!code || !LINK_UNSUPPORTED.has(code)) throw err;
        try {
          await copyFile(at(from), at(to), constants.COPYFILE_EXCL);
        } catch (copyErr) {
          if ((copyErr as NodeJS.ErrnoException).code === 'EEXIST') return 'exists';
          throw copyErr;
        }
      }
      await unlink(at(from));
      await syncDir(dirname(at(to)));
      return 'renamed';
    },
    replace: async (from, to) => {
      await rename(at(from), at(to));
      await syncDir(dirname(at(to)));
    },
    delete: async (path) => {
      try {
        await unlink(at(path));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    },
    append: async (path, bytes) => {
      // O_APPEND: each write lands at the end, also with another process (the CLI) appending.
      const handle = await open(at(path), 'a');
      try {
        await handle.writeFile(bytes);
        // The history promises "on disk when it resolves", like writeFile.
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
    openRead: async (path) => {
      const handle = await open(at(path), 'r');
      try {
        const { size } = await handle.stat();
        return {
          size,
          read: async (offset, length) => {
            const buffer = new Uint8Array(length);
            let filled = 0;
            while (filled < length) {
              const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
              if (bytesRead === 0) break;
              filled += bytesRead;
            }
            return buffer.subarray(0, filled);
          },
          close: () => handle.close(),
        };
      } catch (err) {
        await handle.close();
        throw err;
      }
    },
  };
}

/** Makes a new directory entry durable; best effort (Windows cannot open directories). */
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
