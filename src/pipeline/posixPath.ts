/**
 * The two `/`-path helpers the pipeline needs, without node:path, so the pure modules also bundle
 * for the webview and behave the same on Windows (paths here are always `/`-separated).
 */

function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '.' : i === 0 ? '/' : path.slice(0, i);
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '' && s !== '.');
}

/** The relative path from folder `from` to `to` (both relative to the same root). */
function relative(from: string, to: string): string {
  const a = split(from);
  const b = split(to);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return [...a.slice(common).map(() => '..'), ...b.slice(common)].join('/');
}

/** `/`-path helpers (a subset of node:path's posix). */
export const posix = { dirname, relative };
