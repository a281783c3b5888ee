/**
 * Output file names: a template with `${model}`, `${seed}`, `${date}`, `${time}`, `${index}`,
 * `${prompt}`, `${preset}` and `${jobId}`, made safe for every OS, {@link nameCollision} which
 * refuses a template that would give two images of one job the same name, and
 * {@link nextFreeName} which never picks a taken name.
 *
 * Pure (no `vscode`, no Node built-ins): the CLI uses it with node:fs, the extension will use it
 * with `workspace.fs`. The caller supplies `exists`, so the same logic works on both.
 */

/** The template the CLI and the extension use unless the user sets one. */
export const DEFAULT_NAME_TEMPLATE = '${date}-${time}-${model}-${prompt}-${index}';

/** Variables a template may use. */
export const TEMPLATE_VARIABLES = ['model', 'seed', 'date', 'time', 'index', 'prompt', 'preset', 'jobId'] as const;
/** One template variable name. */
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

/** Values for {@link renderName}. Missing ones render as nothing (and the separators around them collapse). */
export interface NameValues {
  /** Catalog id; `:` (as in `wan2.6-image:interleave`) becomes `-`. */
  model?: string;
  seed?: number;
  /** When the generation started; `${date}` = YYYYMMDD, `${time}` = HHmmss, local time. */
  date?: Date;
  /** 1-based position of the image in its result. */
  index?: number;
  /** The prompt; only a short slug of its first words is used. */
  prompt?: string | undefined;
  /** Name of the preset the job came from. */
  preset?: string | undefined;
  /** The job's id (its history line's `id`). */
  jobId?: string | undefined;
}

/** Longest `${prompt}` slug, in characters. */
export const PROMPT_SLUG_MAX = 40;

/**
 * Longest file-name stem in UTF-8 bytes. File systems allow 255 bytes per name; this leaves room
 * for a `-NNN` suffix, the extension, and the `.NAME.tmp-XXXXXXXX` temporary of the atomic save.
 */
export const NAME_MAX_BYTES = 160;

/** Characters no OS accepts in a name (Windows is the strictest), plus ASCII controls. */
// eslint-disable-next-line no-control-regex
const RESERVED_CHARS = /[<>:"/\\|?*\u0000-\u001f\u007f]/g;

/** Windows device names, reserved with any extension and case (`con.png`, `LPT1.txt`, `COM¹`). */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i;

/** YYYYMMDD in local time. */
export function formatDate(d: Date): string {
  return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}`;
}

/** HHmmss in local time. */
export function formatTime(d: Date): string {
  return `${pad(d.getHours())}${pad(d.getMinutes())}${pad(d.getSeconds())}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * A short, file-name-safe slug of the prompt's first words: lower-case, words joined by `-`,
 * accents folded to ASCII (é → e), letters of other scripts (CJK, Cyrillic …) kept as they are,
 * everything else dropped; at most {@link PROMPT_SLUG_MAX} characters, cut at a word boundary
 * when one is near. Empty when nothing usable is left.
 */
export function slugifyPrompt(prompt: string, maxLength = PROMPT_SLUG_MAX): string {
  const folded = prompt
    .normalize('NFKD')
    // Combining marks left by NFKD (the accents of é, ü …).
    .replace(/\p{M}+/gu, '')
    .normalize('NFC')
    .toLowerCase();
  // Words are runs of letters/digits; CJK has no spaces, so each run of ideographs is one "word".
  const words = folded.match(/[\p{L}\p{N}]+/gu) ?? [];
  let slug = '';
  for (const word of words) {
    const next = slug ? `${slug}-${word}` : word;
    if ([...next].length > maxLength) {
      // The first word alone is too long (a CJK sentence): cut it by characters.
      if (!slug) slug = [...word].slice(0, maxLength).join('');
      break;
    }
    slug = next;
  }
  return slug;
}

/**
 * Makes one path segment safe on Windows, macOS and Linux: reserved characters and controls
 * become `-`, leading dots/dashes/spaces and trailing dots/spaces go, Windows device names get a
 * `_` prefix, and the result fits {@link NAME_MAX_BYTES} UTF-8 bytes (cut on a character
 * boundary). Never returns an empty string, `.` or `..`.
 */
export function sanitizeFileName(name: string, maxBytes = NAME_MAX_BYTES): string {
  let s = name.normalize('NFC').replace(RESERVED_CHARS, '-');
  s = s.replace(/-{2,}/g, '-');
  s = truncateUtf8(s, maxBytes);
  // Leading dots would hide the file; leading dashes read as options in shells.
  s = s.replace(/^[\s.-]+/, '').replace(/[\s.-]+$/, '');
  if (!s) s = 'image';
  if (WINDOWS_RESERVED.test(s)) s = `_${s}`;
  return s;
}

/** Cuts `s` to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(s: string, maxBytes: number): string {
  let bytes = 0;
  let out = '';
  for (const ch of s) {
    const n = utf8Length(ch);
    if (bytes + n > maxBytes) break;
    bytes += n;
    out += ch;
  }
  return out;
}

function utf8Length(ch: string): number {
  const cp = ch.codePointAt(0)!;
  return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/** Names of `${…}` variables in a template that are not {@link TEMPLATE_VARIABLES}. */
export function unknownTemplateVariables(template: string): string[] {
  const unknown: string[] = [];
  for (const m of template.matchAll(/\$\{([^}]*)\}/g)) {
    const name = m[1]!.trim();
    if (!(TEMPLATE_VARIABLES as readonly string[]).includes(name) && !unknown.includes(name)) unknown.push(name);
  }
  return unknown;
}

/**
 * Renders a name template into a relative path stem (no extension). `/` (or `\`) in the TEMPLATE
 * makes sub-folders (`${date}/${model}-${index}`); in VALUES it is just a character and gets
 * replaced. Each segment is sanitized; `.`/`..` segments are dropped, so the result never leaves
 * the output folder. Empty variables collapse with their neighbouring `-`/`_`.
 * Throws on unknown variables, listing the known ones.
 */
export function renderName(template: string, values: NameValues): string {
  const unknown = unknownTemplateVariables(template);
  if (unknown.length) {
    throw new Error(`Unknown name template variable${unknown.length === 1 ? '' : 's'} ${unknown.map((u) => '${' + u + '}').join(', ')}; use ${TEMPLATE_VARIABLES.map((v) => '${' + v + '}').join(', ')}.`);
  }
  const date = values.date ?? new Date();
  const vars: Record<TemplateVariable, string> = {
    model: values.model ? values.model.replace(/:/g, '-') : '',
    seed: values.seed === undefined ? '' : String(values.seed),
    date: formatDate(date),
    time: formatTime(date),
    index: values.index === undefined ? '' : String(values.index),
    prompt: values.prompt ? slugifyPrompt(values.prompt) : '',
    preset: values.preset ?? '',
    jobId: values.jobId ?? '',
  };
  const segments = template
    .split(/[/\\]+/)
    .map((segment) => {
      const rendered = segment.replace(/\$\{\s*([a-zA-Z]+)\s*\}/g, (_m, name: TemplateVariable) => (vars[name] ?? '').replace(/[/\\]/g, '-'));
      // Separators left dangling by empty variables: "a--b" → "a-b", "a-" → "a".
      return rendered.replace(/([-_ ])[-_ ]+/g, '$1');
    })
    .filter((segment) => segment.replace(/[\s.]/g, '') !== '');
  if (segments.length === 0) return 'image';
  return segments.map((segment) => sanitizeFileName(segment)).join('/');
}

/** How the images of one job get their seeds, for {@link nameCollision}. */
export interface JobShape {
  /** Images the job makes. */
  readonly n: number;
  /**
   * True when every image of the job is sent with a seed of its own (Variations: one request per
   * seed). One request for n images is never assumed to report a distinct seed per image: the
   * reference gives seed, seed+1 … for some models only, so `${seed}` cannot tell them apart.
   */
  readonly distinctSeeds?: boolean | undefined;
}

const USES = (template: string, name: TemplateVariable): boolean => new RegExp(`\\$\\{\\s*${name}\\s*\\}`).test(template);

/**
 * Why `template` could give two images of one job the same name, with what to add; undefined
 * when it cannot. A job of one image never collides; n images need `${index}`, or `${seed}` when
 * each image has a seed of its own. (A taken name still gets `-2`, so nothing is overwritten: this
 * refuses a template whose names would not say which image is which.)
 */
export function nameCollision(template: string, job: JobShape): string | undefined {
  if (job.n <= 1 || USES(template, 'index')) return undefined;
  if (job.distinctSeeds && USES(template, 'seed')) return undefined;
  const add = job.distinctSeeds ? '${index} or ${seed}' : '${index}';
  return `the template "${template}" gives the ${job.n} images of one job the same name; add ${add} to it${job.distinctSeeds ? '' : ' (${seed} is not enough: one request for several images does not report a seed for each)'}`;
}

/** Normalizes an extension to `.ext` lower-case (`PNG` → `.png`, `jpeg` → `.jpg`); '' stays ''. */
export function normalizeExtension(ext: string): string {
  const e = ext.replace(/^\.+/, '').toLowerCase();
  if (!e) return '';
  return `.${e === 'jpeg' ? 'jpg' : e}`;
}

/** The `n`-th candidate for a stem: `name.png`, `name-2.png`, `name-3.png` … */
export function candidateName(base: string, ext: string, n: number): string {
  return `${base}${n <= 1 ? '' : `-${n}`}${normalizeExtension(ext)}`;
}

/** How many candidates {@link nextFreeName} tries before giving up. */
export const MAX_NAME_ATTEMPTS = 10_000;

/**
 * The first of `base.ext`, `base-2.ext`, `base-3.ext` … for which `exists` says false. `start`
 * skips candidates already known to be taken (after a lost race). Never overwrites: the caller
 * still creates the file exclusively and comes back here if it lost a race.
 */
export async function nextFreeName(base: string, ext: string, exists: (name: string) => Promise<boolean>, start = 1): Promise<string> {
  for (let n = Math.max(1, start); n < start + MAX_NAME_ATTEMPTS; n++) {
    const name = candidateName(base, ext, n);
    if (!(await exists(name))) return name;
  }
  throw new Error(`No free file name for ${base}${normalizeExtension(ext)} after ${MAX_NAME_ATTEMPTS} attempts.`);
}

/** The candidate number of `name` for `base`/`ext` (1 for `base.ext`, 3 for `base-3.ext`), or undefined. */
export function candidateNumber(base: string, ext: string, name: string): number | undefined {
  const e = normalizeExtension(ext);
  if (name === `${base}${e}`) return 1;
  if (!name.startsWith(`${base}-`) || !name.endsWith(e)) return undefined;
  const middle = name.slice(base.length + 1, name.length - e.length);
  return /^[1-9]\d*$/.test(middle) ? Number(middle) : undefined;
}
