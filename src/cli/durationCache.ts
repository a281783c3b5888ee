/**
 * The CLI's store of learned task durations: a small JSON file in the user's cache folder
 * (`$XDG_CACHE_HOME/bailian-image/`, else `~/.cache/bailian-image/`; `%LOCALAPPDATA%` on Windows),
 * so each run polls with what the account's earlier tasks took. Only model ids and durations go
 * in (LearnedDurations refuses anything else). A missing or corrupt file reads as no history; a
 * write goes to a temporary file renamed over the old one, so a crash never leaves half a file,
 * and it merges with what other runs wrote since this one started.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { LearnedDurations, type DurationStore } from '../dashscope/durations.js';

const FOLDER = 'bailian-image';
const FILE = 'task-durations.json';

/** Where the file lives for this environment. */
export function durationCachePath(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  const base = env.XDG_CACHE_HOME?.trim() || (platform === 'win32' ? env.LOCALAPPDATA?.trim() : undefined) || join(env.HOME?.trim() || homedir(), '.cache');
  return join(base, FOLDER, FILE);
}

/** The file's content, or undefined when it is missing, unreadable or not JSON. */
function readSnapshot(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Replaces `path` with `text` through a temporary file in the same folder (a rename is atomic there). */
export function writeFileAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, text, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}

/** A {@link DurationStore} over the cache file at `path`; `onError` hears a failed write (the run goes on). */
export function fileDurationStore(path: string, onError: (error: unknown) => void = () => undefined): DurationStore {
  const memory = new LearnedDurations(readSnapshot(path));
  return {
    samples: (model) => memory.samples(model),
    record: (model, durationMs) => {
      memory.record(model, durationMs);
      // Re-read so that runs writing side by side each add their sample rather than drop the other's.
      const merged = new LearnedDurations(readSnapshot(path));
      merged.record(model, durationMs);
      try {
        writeFileAtomically(path, `${JSON.stringify(merged.snapshot())}\n`);
      } catch (error) {
        onError(error);
      }
    },
  };
}
