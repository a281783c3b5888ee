// Loads a CommonJS bundle the way `require` does, with a V8 code cache next to it in the
// extension's storage: dist/services.js (333 KB) takes ~10 ms to compile in plain Node and its
// lazily compiled functions more on its first run; from a cache made after a first run, both
// are mostly skipped (a window's first Bailian command but "Open Studio" waits for this load). Part of the activation
// shim, so it imports Node built-ins only. Any problem with the cache (missing, unreadable,
// stale, rejected by V8) falls back to compiling the source; the cache is rewritten later.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';

export interface CachedLoad<T> {
  readonly exports: T;
  /** Whether V8 took the cache (false on a first load, or when it was stale or rejected). */
  readonly fromCache: boolean;
  /** Writes the cache for the next load, if this load did not use one; never throws. */
  saveCache(): void;
}

/**
 * The cache file for `file` in `cacheDir`: named after the bundle's size and mtime and V8's
 * version, so a rebuilt or updated bundle, or another VS Code, never meets an old cache. (V8
 * checks only the source's length itself.)
 */
export function cacheFileFor(file: string, cacheDir: string): string {
  const stat = statSync(file);
  return join(cacheDir, `${basename(file)}.${stat.size}-${Math.round(stat.mtimeMs)}-v8-${process.versions.v8}.cache`);
}

/** `require(file)` through a code cache in `cacheDir` (created when the cache is saved). */
export function requireCached<T>(file: string, cacheDir: string, parent: NodeModule | undefined = undefined): CachedLoad<T> {
  const source = readFileSync(file, 'utf8');
  let cacheFile: string | undefined;
  let cachedData: Buffer | undefined;
  try {
    cacheFile = cacheFileFor(file, cacheDir);
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(Module.wrap(source), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const fromCache = cachedData !== undefined && script.cachedDataRejected === false;
  // A module like the one `require` would make: its own `require`, resolving from its folder
  // (VS Code's interception of `require('vscode')` looks at the requiring module's file name).
  const loaded = new Module(file, parent);
  loaded.filename = file;
  loaded.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
  const wrapper = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: Module, filename: string, dirname: string) => void;
  const localRequire = ((id: string) => loaded.require(id)) as NodeJS.Require;
  wrapper.call(loaded.exports, loaded.exports, localRequire, loaded, file, dirname(file));
  loaded.loaded = true;
  return {
    exports: loaded.exports as T,
    fromCache,
    saveCache() {
      if (fromCache || !cacheFile) return;
      try {
        // Made now, after the first run, it holds the functions that run compiled too.
        const data = script.createCachedData();
        mkdirSync(cacheDir, { recursive: true });
        const temporary = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(temporary, data);
        renameSync(temporary, cacheFile);
        // Caches of earlier builds of this bundle are of no further use.
        const mine = basename(cacheFile);
        for (const name of readdirSync(cacheDir)) {
          if (name !== mine && name.startsWith(`${basename(file)}.`) && name.endsWith('.cache')) rmSync(join(cacheDir, name), { force: true });
        }
      } catch {
        // A cache is an optimization: without one the next load compiles, as now.
      }
    },
  };
}
