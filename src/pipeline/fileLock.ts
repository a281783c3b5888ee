/**
 * A lock file for writers that cannot append natively (`workspace.fs` in a virtual workspace
 * rewrites the whole manifest): whoever creates `<name>.lock` first, by a rename that never
 * replaces, holds it; the others wait. A lock older than {@link STALE_LOCK_MS} is left from a
 * writer that died and is broken.
 *
 * Pure (no `vscode`, no Node built-ins).
 */
import { safeSegments, temporaryName, type FileSystem } from './files.js';

/** A lock held longer than this is taken to be left over from a writer that died. */
export const STALE_LOCK_MS = 10_000;
/** How long a writer waits for a lock before it gives up. */
export const LOCK_TIMEOUT_MS = 30_000;

/** Clock and waiting of {@link withFileLock} (injected by tests). */
export interface FileLockTiming {
  now?: () => number;
  /** Waits before the next try; `attempt` counts from 0. */
  wait?: (attempt: number) => Promise<void>;
}

const defaultWait = (attempt: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.min(200, 10 * 2 ** Math.min(attempt, 5))));

function suffix(): string {
  return Math.floor(Math.random() * 0xffffffff).toString(16).padStart(8, '0');
}

/** When a lock file says it was taken (ms since the epoch), or undefined when unreadable. */
async function takenAt(fs: FileSystem, lock: string): Promise<number | undefined> {
  try {
    const at = Number(JSON.parse(new TextDecoder().decode(await fs.readFile(lock))).at);
    return Number.isFinite(at) ? at : undefined;
  } catch {
    return undefined;
  }
}

/** Runs `work` while holding the lock file `lock`; throws when it stays held by a live writer. */
export async function withFileLock<T>(fs: FileSystem, lock: string, work: () => Promise<T>, timing: FileLockTiming = {}): Promise<T> {
  const now = timing.now ?? Date.now;
  const wait = timing.wait ?? defaultWait;
  const segments = safeSegments(lock);
  await fs.createDirectory(segments.slice(0, -1).join('/'));
  const since = now();
  for (let attempt = 0; ; attempt++) {
    const tmp = temporaryName(lock, suffix());
    let held = false;
    try {
      await fs.writeFile(tmp, new TextEncoder().encode(JSON.stringify({ at: now() })));
      held = (await fs.renameNoOverwrite(tmp, lock)) === 'renamed';
    } finally {
      if (!held) await fs.delete(tmp).catch(() => undefined);
    }
    if (held) {
      try {
        return await work();
      } finally {
        await fs.delete(lock).catch(() => undefined);
      }
    }
    const at = await takenAt(fs, lock);
    if (at !== undefined && now() - at > STALE_LOCK_MS) {
      await fs.delete(lock).catch(() => undefined);
      continue;
    }
    if (now() - since > LOCK_TIMEOUT_MS) {
      throw new Error(`${lock} has been held by another writer for over ${LOCK_TIMEOUT_MS / 1000} s; if no Bailian job is running, delete that file and try again.`);
    }
    await wait(attempt);
  }
}
