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
import type { HistoryLog, HistoryScanSummary } from './historyLog.js';

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

/**
 * Adds the images a folder's manifest records, oldest job first (so the cap drops the oldest
 * jobs' images), a page of entries at a time: the manifest's text is never held whole.
 */
export function addRecordedImages(index: ProvenanceIndex, log: Pick<HistoryLog, 'scan'>, folderPath: string): Promise<HistoryScanSummary> {
  return log.scan((page) => void index.add(...recordedImagePaths(page, folderPath)));
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
