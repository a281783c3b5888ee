// File names for captions: the name of a path, and the shortest names that tell a set of files apart.

/** The file name of a path. */
export function baseName(path: string): string {
  return path.slice(path.replace(/\\/g, '/').lastIndexOf('/') + 1);
}

/**
 * Captions for a set of files: each file name without the part all of them share at the start
 * (cut at a separator), so `20261201-0730-wan-a-red-lantern-1.png` and `…-2.png` read
 * `…lantern-1.png` and `…lantern-2.png` instead of the same truncated prefix. A single file keeps
 * its whole name.
 */
export function distinctNames(paths: readonly string[], maxLength = CAPTION_MAX): string[] {
  const names = paths.map(baseName);
  let from = 0;
  if (names.length > 1) {
    let common = names[0]!;
    for (const name of names.slice(1)) {
      let i = 0;
      while (i < common.length && i < name.length && common[i] === name[i]) i++;
      common = common.slice(0, i);
    }
    // Cut at a separator inside the shared part, keeping some words of context before the difference.
    from = startAtSeparator(common, Math.max(0, common.length - CAPTION_CONTEXT));
  }
  return names.map((name) => {
    let start = from;
    // Still too long (one long name): keep its end, where the index and extension are.
    if (name.length - start > maxLength) start = startAtSeparator(name, name.length - maxLength);
    return start > 0 ? `…${name.slice(start)}` : name;
  });
}

/** Longest caption before it is shortened from the start. */
export const CAPTION_MAX = 32;
/** Characters of the shared part kept before the part that differs. */
const CAPTION_CONTEXT = 12;

/** The first position at or after `at` that follows a separator (`-`, `_`, `.`, space), else `at`. */
function startAtSeparator(text: string, at: number): number {
  if (at <= 0) return 0;
  for (let i = at; i < Math.min(text.length, at + 12); i++) if ('-_. '.includes(text[i - 1]!)) return i;
  return at;
}
