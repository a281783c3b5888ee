/**
 * Which workspace images carry provenance, as far as the editor can know without reading every
 * image it shows: the outputs the history manifests record, the files a job saves, and the
 * images read since (a command, an image created or changed in the workspace). The Explorer's
 * Regenerate, Variations…, Open Settings in Studio and Copy as CLI Command are enabled for the
 * images in it (src/workflows/provenanceFiles.ts turns it into a context key).
 *
 * Paths are POSIX (`Uri.path` of the image). The index holds at most {@link PROVENANCE_INDEX_CAP}
 * of them: past that, the paths added longest ago are dropped first (the Explorer then shows their
 * entries disabled; the commands themselves still read the file and run).
 */
import { confinePath } from './confine.js';
import type { HistoryEntry } from './history.js';
import type { HistoryLog } from './historyLog.js';

/** Most paths the index holds (about 2 MB of context key at 100 characters a path). */
export const PROVENANCE_INDEX_CAP = 20_000;

/** Image files that can carry provenance: a PNG inside, a JPG in its `.json` sidecar. */
export const PROVENANCE_IMAGE = /\.(png|jpe?g)$/i;

/**
 * The image paths a folder's history entries record (outputs of every outcome: a partial or
 * cancelled job kept what it saved), below `folderPath` (the folder's `Uri.path`). An output path
 * that would leave the folder (`..`, absolute elsewhere) is skipped: a manifest is data from a file.
 */
export function recordedImagePaths(entries: readonly Pick<HistoryEntry, 'outputs'>[], folderPath: string): string[] {
  const root = folderPath.replace(/\/+$/, '');
  const paths: string[] = [];
  for (const entry of entries) {
    for (const output of entry.outputs) {
      if (!PROVENANCE_IMAGE.test(output.path)) continue;
      const confined = confinePath(output.path, root || '/');
      if (confined.ok) paths.push(`${root}/${confined.segments.join('/')}`);
    }
  }
  return paths;
}

/** What {@link addRecordedImages} read. */
export interface RecordedImagesScan {
  /** The id of the manifest's newest job (pass it as `since` next time), or undefined when it has none. */
  readonly newestId: string | undefined;
  /** Entries read (the scan stops at `since`, or once the index's cap is reached). */
  readonly entriesRead: number;
}

const STOP = Symbol('stop');

/**
 * Adds the images a folder's manifest records, reading it newest job first a page at a time (its
 * text is never held whole) and stopping at the job `since` (the newest one of the last read: a
 * manifest only grows by appends, so only the lines after it are read again) or once the index's
 * cap is reached. The paths are added oldest job first, so the cap drops the oldest jobs' images.
 */
export async function addRecordedImages(index: ProvenanceIndex, log: Pick<HistoryLog, 'scan'>, folderPath: string, since?: string): Promise<RecordedImagesScan> {
  const newestFirst: string[] = [];
  let newestId: string | undefined;
  let entriesRead = 0;
  try {
    await log.scan(
      (page) => {
        for (const entry of page) {
          if (since !== undefined && entry.id === since) throw STOP;
          entriesRead++;
          newestId ??= entry.id;
          newestFirst.push(...recordedImagePaths([entry], folderPath).reverse());
          if (newestFirst.length >= index.cap) throw STOP;
        }
      },
      { newestFirst: true },
    );
  } catch (error) {
    if (error !== STOP) throw error;
  }
  index.add(...newestFirst.reverse());
  return { newestId: newestId ?? since, entriesRead };
}

/** Whether `path` is `folder` or lies below it. */
function isAtOrBelow(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith('/') ? folder : `${folder}/`);
}

/** A bounded set of image paths known to carry provenance, oldest addition first. */
export class ProvenanceIndex {
  private readonly paths = new Set<string>();

  constructor(readonly cap: number = PROVENANCE_INDEX_CAP) {
    if (!Number.isInteger(cap) || cap < 1) throw new RangeError(`The provenance index holds at least one path (cap ${cap}).`);
  }

  get size(): number {
    return this.paths.size;
  }

  has(path: string): boolean {
    return this.paths.has(path);
  }

  /** The paths, oldest addition first. */
  values(): IterableIterator<string> {
    return this.paths.values();
  }

  /**
   * Adds paths (each one becomes the newest); past the cap the oldest are dropped. Returns
   * whether the set of paths changed.
   */
  add(...paths: readonly string[]): boolean {
    let changed = false;
    for (const path of paths) {
      if (this.paths.delete(path)) {
        this.paths.add(path);
        continue;
      }
      this.paths.add(path);
      changed = true;
    }
    for (const oldest of this.paths) {
      if (this.paths.size <= this.cap) break;
      this.paths.delete(oldest);
    }
    return changed;
  }

  /** Removes a file, or a folder and every path below it. Returns whether anything was removed. */
  delete(path: string): boolean {
    if (this.paths.delete(path)) return true;
    let removed = false;
    for (const known of this.paths) {
      if (isAtOrBelow(known, path)) {
        this.paths.delete(known);
        removed = true;
      }
    }
    return removed;
  }

  /** A file or folder moved from `from` to `to`: the paths at or below it move with it. Returns whether any did. */
  rename(from: string, to: string): boolean {
    if (from === to) return false;
    if (this.paths.has(from)) {
      this.paths.delete(from);
      this.add(to);
      return true;
    }
    const moved: string[] = [];
    for (const known of this.paths) {
      if (isAtOrBelow(known, from)) {
        this.paths.delete(known);
        moved.push(`${to.replace(/\/+$/, '')}${known.slice(from.replace(/\/+$/, '').length)}`);
      }
    }
    if (moved.length) this.add(...moved);
    return moved.length > 0;
  }

  /** Forgets every path (all folders closed). */
  clear(): void {
    this.paths.clear();
  }
}
