/**
 * The workspace glossary for image translation (qwen-mt-image `terminologies`, §4.3): terms the
 * model must translate one fixed way. Default file: `.bailian/glossary.txt` in the workspace
 * folder. Format (documented in the README), one term per line:
 *
 *     # comments start with #; blank lines are ignored
 *     千问 = Qwen
 *     一体化 = unified
 *     通义	Tongyi          (a tab works as the separator too)
 *
 * A line with a tab is split at the tab (so a source may contain "="; an "=" next to the tab is
 * part of the separator, for aligned columns), any other line at its first "=".
 *
 * JSON is accepted as well (`{"src": "tgt", …}`, `[{"src": …, "tgt": …}, …]`, or
 * `{"terminologies": [...]}`), for files made by other tools. Errors name the line to fix.
 *
 * Pure (no `vscode`, no Node built-ins).
 */

/** One glossary term. */
export interface GlossaryTerm {
  readonly src: string;
  readonly tgt: string;
}

/** Where the glossary lives, relative to the workspace folder. */
export const GLOSSARY_PATH = '.bailian/glossary.txt';

/** A glossary that does not parse; `line` is 1-based. */
export class GlossaryError extends Error {
  override readonly name = 'GlossaryError';
  constructor(
    message: string,
    readonly line: number | undefined,
  ) {
    super(message);
  }
}

/** A fresh glossary file's text, with the format explained. */
export const GLOSSARY_TEMPLATE = `# Bailian Image Studio glossary: terms qwen-mt-image must translate one fixed way.
# One term per line: source = target (a tab also separates). Lines starting with # are comments.
# 千问 = Qwen
`;

/** Parses glossary text (line format or JSON). Throws {@link GlossaryError} naming the line. */
export function parseGlossary(text: string): GlossaryTerm[] {
  const body = text.replace(/^\uFEFF/, '');
  const trimmed = body.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return parseJsonGlossary(body);
  const terms: GlossaryTerm[] = [];
  body.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    // A tab separates when there is one (so a source may contain "="), with an "=" next to it
    // belonging to the separator (aligned columns: `千问<TAB>= Qwen`); else the first "=".
    const tab = line.indexOf('\t');
    const at = tab >= 0 ? tab : line.indexOf('=');
    let src = at > 0 ? line.slice(0, at).trim() : '';
    let tgt = at > 0 ? line.slice(at + 1).trim() : '';
    if (tab >= 0) {
      src = src.replace(/\s*=$/, '');
      tgt = tgt.replace(/^=\s*/, '');
    }
    if (!src || !tgt) throw new GlossaryError(`Line ${i + 1}: expected "source = target", got "${line}".`, i + 1);
    terms.push({ src, tgt });
  });
  return terms;
}

function parseJsonGlossary(text: string): GlossaryTerm[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    // Some engines say "at position N", others (V8 for an unexpected token) do not: find it ourselves then.
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '');
    const offset = position ? Number(position[1]) : jsonErrorOffset(text);
    const line = offset !== undefined ? lineAt(text, offset) : undefined;
    throw new GlossaryError(`${line ? `Line ${line}: ` : ''}the glossary is not valid JSON (${error instanceof Error ? error.message : String(error)}).`, line);
  }
  const bad = (entry: string, near: string | undefined): never => {
    const at = near === undefined ? -1 : text.indexOf(JSON.stringify(near));
    const line = at >= 0 ? lineAt(text, at) : undefined;
    throw new GlossaryError(`${line ? `Line ${line}: ` : ''}${entry} is not a term: a JSON glossary must be {"source": "target", …} or [{"src": "…", "tgt": "…"}, …], with text on both sides.`, line);
  };
  const source = data && typeof data === 'object' && !Array.isArray(data) && 'terminologies' in data ? (data as { terminologies: unknown }).terminologies : data;
  if (Array.isArray(source)) {
    return source.map((e: unknown, i) => {
      const o = e as { src?: unknown; tgt?: unknown } | null;
      return typeof o?.src === 'string' && typeof o.tgt === 'string' && o.src.trim() && o.tgt.trim()
        ? { src: o.src.trim(), tgt: o.tgt.trim() }
        : bad(`entry ${i + 1}`, typeof o?.src === 'string' && o.src ? o.src : undefined);
    });
  }
  if (source && typeof source === 'object') {
    return Object.entries(source as Record<string, unknown>).map(([src, tgt]) => (typeof tgt === 'string' && src.trim() && tgt.trim() ? { src: src.trim(), tgt: tgt.trim() } : bad(JSON.stringify(src), src)));
  }
  return bad('the whole file', undefined);
}

/** The 1-based line of a character offset. */
function lineAt(text: string, offset: number): number {
  return text.slice(0, offset).split('\n').length;
}

/**
 * The offset where JSON text stops being valid (a small scanner, only for error messages), or
 * undefined when the scanner finds no error.
 */
function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const literal = (word: string): void => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = (): void => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) fail();
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        string();
        ws();
        if (text[i] !== ':') fail();
        i++;
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') return void i++;
        else fail();
      }
    } else if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') return void i++;
        else fail();
      }
    } else if (c === '"') {
      string();
    } else if (c !== undefined && /[-0-9]/.test(c)) {
      const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
      if (!m) fail();
      i += m![0].length;
    } else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else fail();
  };
  try {
    value();
    ws();
    return i < text.length ? i : undefined;
  } catch (offset) {
    return typeof offset === 'number' ? offset : undefined;
  }
}

/** Glossary text in the line format (the studio saves its terminology table with this). */
export function formatGlossary(terms: readonly GlossaryTerm[], header: string = GLOSSARY_TEMPLATE): string {
  // A source containing "=" is written with a tab, so it parses back the same.
  const lines = terms.filter((t) => t.src.trim() && t.tgt.trim()).map((t) => `${t.src.trim()}${t.src.includes('=') ? '\t' : ' = '}${t.tgt.trim()}`);
  return `${header}${lines.join('\n')}${lines.length ? '\n' : ''}`;
}

/**
 * What a translation job records about the glossary FILE it used (never its terms twice: the
 * terms themselves are in the request's `terminologies`, the file's last): its workspace path,
 * a digest of its terms, and how many of the request's terms came from it. `regenerate
 * --all-changed` reads the file again and compares digests, so an edit to the file's comments or
 * spacing is no change, and an edit to a term is one.
 */
export interface GlossaryRecord {
  /** Workspace-relative, `/`-separated. */
  readonly path: string;
  /** {@link glossaryDigest} of the file's terms when the job ran. */
  readonly digest: string;
  /** How many of the request's terms (the last ones) came from the file. */
  readonly terms: number;
}

/**
 * A digest of glossary terms (FNV-1a, 64 bits, over their canonical JSON): a change detector,
 * not a security hash. Pure, so the history and the CLI compute it the same way.
 */
export function glossaryDigest(terms: readonly GlossaryTerm[]): string {
  const text = JSON.stringify(terms.map((t) => [t.src, t.tgt]));
  const bytes = new TextEncoder().encode(text);
  let hash = 0xcbf29ce484222325n;
  for (const byte of bytes) hash = BigInt.asUintN(64, (hash ^ BigInt(byte)) * 0x100000001b3n);
  return `fnv1a64:${hash.toString(16).padStart(16, '0')}`;
}

/** The record of a glossary file a job used. */
export function glossaryRecord(path: string, terms: readonly GlossaryTerm[]): GlossaryRecord {
  return { path: path.replace(/\\/g, '/'), digest: glossaryDigest(terms), terms: terms.length };
}
