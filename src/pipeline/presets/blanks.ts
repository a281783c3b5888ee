/**
 * Named blanks in a preset's prompt template: `{subject}` is filled at use, `{{` and `}}` are
 * literal braces. A blank left unfilled, or a value for a blank the preset does not have, is an
 * error that names what to give.
 */
import { fillTemplate, templateBlanks } from '../../protocol/template.js';
import type { Preset } from './schema.js';

export { fillTemplate, templateBlanks };

/** Values for a preset's blanks, by name. */
export type BlankValues = Readonly<Record<string, string>>;

/** The blanks of a preset (prompt, then negative prompt), each once. */
export function presetBlanks(preset: Pick<Preset, 'prompt' | 'negativePrompt'>): string[] {
  const out: string[] = [];
  for (const t of [preset.prompt, preset.negativePrompt]) for (const b of t ? templateBlanks(t).blanks : []) if (!out.includes(b)) out.push(b);
  return out;
}

/** What is wrong with the values given for a preset's blanks: missing ones, unknown names. */
export interface BlankProblems {
  missing: string[];
  unknown: string[];
  known: string[];
}

/** Checks `values` against the preset's blanks (an empty or blank-only value counts as missing). */
export function checkBlankValues(preset: Pick<Preset, 'prompt' | 'negativePrompt'>, values: BlankValues): BlankProblems {
  const known = presetBlanks(preset);
  return {
    known,
    missing: known.filter((b) => !Object.hasOwn(values, b) || !values[b]!.trim()),
    unknown: Object.keys(values).filter((k) => !known.includes(k)),
  };
}

/** The sentence for blank problems, or undefined when there are none. `label` names a blank as the reader gives it. */
export function describeBlankProblems(problems: BlankProblems, label: (blank: string) => string = (b) => `{${b}}`): string | undefined {
  const parts: string[] = [];
  if (problems.unknown.length) {
    const has = problems.known.length ? `its blanks are ${problems.known.map(label).join(', ')}` : 'it has no blanks';
    parts.push(`there is no blank ${problems.unknown.map((u) => `"${u}"`).join(', ')}; ${has}.`);
  }
  if (problems.missing.length) parts.push(`a value is needed for ${problems.missing.map(label).join(', ')}.`);
  return parts.length ? parts.join(' ') : undefined;
}

/** Splits `name=value` (the CLI's --set); undefined when there is no `=` or no name. */
export function parseBlankAssignment(raw: string): { name: string; value: string } | undefined {
  const at = raw.indexOf('=');
  if (at <= 0) return undefined;
  return { name: raw.slice(0, at).trim(), value: raw.slice(at + 1) };
}
