/**
 * The rule for every path that does not come from the user's own hand — a workspace setting, a
 * persisted record, an agent tool's argument: it must name something inside a workspace folder.
 * A repository the user trusts can still be hostile, and these paths are read and written
 * without a dialog, so `..`, absolute paths elsewhere, other schemes and symbolic links that lead
 * out of the folder are all refused with a reason the user can act on.
 *
 * Paths here are POSIX-style (`/`-separated, as `Uri.path` is); the caller maps them to Uris.
 */
import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative as relativePath, resolve as resolvePath, sep } from 'node:path';

/** A path confined to a folder: its segments below the folder, or why it is refused. */
export type Confined = { readonly ok: true; readonly segments: readonly string[] } | { readonly ok: false; readonly reason: string };

const SCHEME = /^([a-z][a-z0-9+.-]+):/i;
const DRIVE = /^[a-z]:(?:[\\/]|$)/i;

/** Whether `path` is `root` or below it (both POSIX, no trailing slash needed; case-sensitive). */
function isBelow(path: string, root: string): boolean {
  return path === root || path.startsWith(root.endsWith('/') ? root : `${root}/`);
}

/** Splits a POSIX path into segments without `.` and empty ones. */
function segmentsOf(path: string): string[] {
  return path.split('/').filter((s) => s !== '' && s !== '.');
}

/**
 * Confines `ref` (a relative path, an absolute path or a `file:` URI) to the folder whose
 * `Uri.path` is `rootPath`. `..` is refused anywhere, even where it would stay inside, so that
 * what a reader sees in a settings file is where the file goes.
 */
export function confinePath(ref: string, rootPath: string): Confined {
  let path = ref.trim();
  if (!path) return { ok: false, reason: 'the path is empty' };
  const scheme = SCHEME.exec(path)?.[1];
  if (scheme && !DRIVE.test(path)) {
    if (scheme.toLowerCase() !== 'file') return { ok: false, reason: `only workspace paths and file: URIs are accepted, not ${scheme}: URIs` };
    try {
      const url = new URL(path);
      if (url.hostname && url.hostname !== 'localhost') return { ok: false, reason: `the file: URI names another machine (${url.hostname})` };
      path = decodeURIComponent(url.pathname);
    } catch {
      return { ok: false, reason: 'the file: URI does not parse' };
    }
  }
  path = path.replace(/\\/g, '/');
  // A Windows drive path is absolute; Uri.path writes it as /c:/…
  if (DRIVE.test(path)) path = `/${path}`;
  if (segmentsOf(path).includes('..')) return { ok: false, reason: 'it must not leave the workspace folder ("..")' };
  if (!path.startsWith('/')) {
    const segments = segmentsOf(path);
    return segments.length ? { ok: true, segments } : { ok: false, reason: 'the path names no file' };
  }
  const root = rootPath.replace(/\/+$/, '') || '/';
  const sameCase = /^\/[a-z]:/i.test(root) ? (p: string) => p.toLowerCase() : (p: string) => p;
  const absolute = `/${segmentsOf(path).join('/')}`;
  if (!isBelow(sameCase(absolute), sameCase(root))) return { ok: false, reason: 'it lies outside the workspace folder' };
  const segments = segmentsOf(absolute.slice(root.length));
  return segments.length ? { ok: true, segments } : { ok: false, reason: 'the path names the workspace folder itself, not a file in it' };
}

/**
 * Whether the local file or folder `target` (which need not exist yet) stays inside `root` once
 * symbolic links are followed: the nearest existing ancestor of `target` is resolved with
 * `realpath` and must lie in the real root. Returns the reason when it does not.
 */
export async function symlinkEscape(root: string, target: string): Promise<string | undefined> {
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch {
    return undefined; // No local folder to compare with (a virtual workspace): nothing to follow.
  }
  let existing = resolvePath(target);
  for (;;) {
    let real: string;
    try {
      real = await realpath(existing);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
      // Not there yet: what will be created below an existing folder holds no link.
      const parent = dirname(existing);
      if (parent === existing) return undefined;
      existing = parent;
      continue;
    }
    const inside = relativePath(realRoot, real);
    const escapes = inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside);
    return escapes ? `a symbolic link in the path leads out of the workspace folder (to ${real})` : undefined;
  }
}
