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
    const at = line.includes('\t') ? line.indexOf('\t') : line.indexOf('=');
    const src = at > 0 ? line.slice(0, at).trim() : '';
    const tgt = at > 0 ? line.slice(at + 1).trim() : '';
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
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '');
    const line = position ? text.slice(0, Number(position[1])).split('\n').length : undefined;
    throw new GlossaryError(`${line ? `Line ${line}: ` : ''}the glossary is not valid JSON (${error instanceof Error ? error.message : String(error)}).`, line);
  }
  const bad = (): never => {
    throw new GlossaryError('A JSON glossary must be {"source": "target", …} or [{"src": "…", "tgt": "…"}, …].', undefined);
  };
  const source = data && typeof data === 'object' && !Array.isArray(data) && 'terminologies' in data ? (data as { terminologies: unknown }).terminologies : data;
  if (Array.isArray(source)) {
    return source.map((e: unknown) => {
      const o = e as { src?: unknown; tgt?: unknown } | null;
      return typeof o?.src === 'string' && typeof o.tgt === 'string' && o.src.trim() && o.tgt.trim() ? { src: o.src.trim(), tgt: o.tgt.trim() } : bad();
    });
  }
  if (source && typeof source === 'object') {
    return Object.entries(source as Record<string, unknown>).map(([src, tgt]) => (typeof tgt === 'string' && src.trim() && tgt.trim() ? { src: src.trim(), tgt: tgt.trim() } : bad()));
  }
  return bad();
}

/** Glossary text in the line format (the studio saves its terminology table with this). */
export function formatGlossary(terms: readonly GlossaryTerm[], header: string = GLOSSARY_TEMPLATE): string {
  const lines = terms.filter((t) => t.src.trim() && t.tgt.trim()).map((t) => `${t.src.trim()} = ${t.tgt.trim()}`);
  return `${header}${lines.join('\n')}${lines.length ? '\n' : ''}`;
}
