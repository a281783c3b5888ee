/**
 * Reading `.bailian/presets.json`: the text is parsed with jsonc-parser so that every problem
 * (JSON syntax, schema, catalog) carries where it is in the file (offset, line, column) for the
 * editor's Problems panel, and the preset's name and field for every other reader (CLI, palette).
 * Presets are checked one by one: a bad preset is reported and left out, the others stay usable.
 */
import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser/lib/esm/main.js';
import type * as z from 'zod';
import { PRESETS_PATH, PresetFileSchema, PresetSchema, type Preset, type PresetEntry, type PresetOrigin } from './schema.js';
import { validatePreset, type PresetField } from './validate.js';

/** Where a problem is in the file: 0-based offset and length, 1-based line and column. */
export interface PresetLocation {
  readonly offset: number;
  readonly length: number;
  readonly line: number;
  readonly column: number;
}

/** One problem of a presets file or of one preset in it. */
export interface PresetProblem {
  /** The file as the reader knows it (workspace-relative, or `user presets`). */
  readonly file: string;
  /** The preset's name, when the problem belongs to one (or `#3` when it has none). */
  readonly preset?: string;
  /** The field, dotted (`parameters.n`); absent for the file as a whole. */
  readonly field?: string;
  readonly message: string;
  readonly location?: PresetLocation;
}

/** A problem as one line: `.bailian/presets.json:4:15: preset "Hero", size: …`. */
export function formatProblem(p: PresetProblem): string {
  const where = p.location ? `${p.file}:${p.location.line}:${p.location.column}` : p.file;
  const who = [p.preset !== undefined ? `preset "${p.preset}"` : '', p.field ?? ''].filter(Boolean).join(', ');
  return `${where}: ${who ? `${who}: ` : ''}${p.message}`;
}

/** Problems that make a preset unusable, with all of them in the message. */
export class PresetError extends Error {
  override readonly name = 'PresetError';
  constructor(readonly problems: readonly PresetProblem[]) {
    super(problems.map(formatProblem).join('\n'));
  }
}

/** A presets file read: the presets that passed, and every problem. */
export interface PresetFileResult {
  readonly presets: Preset[];
  readonly problems: PresetProblem[];
}

function locate(text: string, offset: number, length: number): PresetLocation {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset, length, line, column: offset - lineStart + 1 };
}

/** The node of `path`, or its nearest ancestor (a missing field points at the preset's name, else its object). */
function nodeOf(root: Node | undefined, path: readonly (string | number)[]): Node | undefined {
  if (!root) return undefined;
  const exact = findNodeAtLocation(root, [...path]);
  if (exact) return exact;
  if (path[0] === 'presets' && typeof path[1] === 'number' && path.length > 2) {
    const name = findNodeAtLocation(root, ['presets', path[1], 'name']);
    if (name) return name;
  }
  for (let n = path.length - 1; n >= 0; n--) {
    const node = findNodeAtLocation(root, [...path.slice(0, n)]);
    if (node) return node;
  }
  return root;
}

function zodField(issue: z.core.$ZodIssue): (string | number)[] {
  const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
  if (issue.code === 'unrecognized_keys' && issue.keys.length) return [...path, issue.keys[0]!];
  return path;
}

function zodMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => `"${k}"`).join(', ')}; check the spelling.`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'this field is required.';
  return issue.message;
}

function dotted(field: PresetField): string {
  return field.map((p) => (typeof p === 'number' ? `[${p}]` : p)).join('.').replace(/\.\[/g, '[');
}

/**
 * Reads presets from a file's text. `file` names it in messages. `origin` is for the entries;
 * user presets (global state) go through {@link readPresetList} instead.
 */
export function parsePresetsText(text: string, file: string = PRESETS_PATH): PresetFileResult {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: false });
  if (errors.length || !root) {
    // The first syntax error: the ones after it mostly follow from it.
    const problems = (errors.length ? errors.slice(0, 1) : [{ error: 0, offset: 0, length: 0 }]).map((e) => ({
      file,
      message: `the file is not valid JSON (${errors.length ? printParseErrorCode(e.error) : 'empty'}); nothing in it can be used until it parses.`,
      location: locate(text, e.offset, e.length),
    }));
    return { presets: [], problems };
  }
  const at = (path: readonly (string | number)[]): PresetLocation | undefined => {
    const node = nodeOf(root, path);
    return node ? locate(text, node.offset, node.length) : undefined;
  };
  return readPresetList(getNodeValue(root), file, at);
}

/** Reads a parsed presets document (a file's, or the user's list from global state). */
export function readPresetList(document: unknown, file: string, at: (path: readonly (string | number)[]) => PresetLocation | undefined = () => undefined): PresetFileResult {
  const problems: PresetProblem[] = [];
  const add = (path: readonly (string | number)[], message: string, preset?: string): void => {
    const field = path[0] === 'presets' ? path.slice(2) : path;
    const location = at(path);
    problems.push({ file, ...(preset !== undefined ? { preset } : {}), ...(field.length ? { field: dotted(field) } : {}), message, ...(location ? { location } : {}) });
  };
  const outer = PresetFileSchema.safeParse(document);
  if (!outer.success) {
    for (const issue of outer.error.issues) add(zodField(issue), zodMessage(issue));
    if (!document || typeof document !== 'object' || !Array.isArray((document as { presets?: unknown }).presets)) return { presets: [], problems };
  }
  const list = (document as { presets: unknown[] }).presets;
  const presets: Preset[] = [];
  const seen = new Set<string>();
  list.forEach((raw, i) => {
    const rawName = raw && typeof raw === 'object' && typeof (raw as { name?: unknown }).name === 'string' ? (raw as { name: string }).name.trim() : '';
    const label = rawName || `#${i + 1}`;
    const parsed = PresetSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) add(['presets', i, ...zodField(issue)], zodMessage(issue), label);
      return;
    }
    const preset = parsed.data;
    if (seen.has(preset.name)) {
      add(['presets', i, 'name'], `another preset above is already named "${preset.name}"; names must differ.`, label);
      return;
    }
    seen.add(preset.name);
    const issues = validatePreset(preset);
    for (const issue of issues) add(['presets', i, ...issue.field], issue.message, label);
    if (!issues.length) presets.push(preset);
  });
  return { presets, problems };
}

/** The presets of the workspace and the user, workspace first; a user preset with a workspace preset's name is shadowed. */
export function listPresets(workspace: readonly Preset[], user: readonly Preset[], file: string = PRESETS_PATH): PresetEntry[] {
  const entries: PresetEntry[] = workspace.map((preset) => ({ preset, origin: 'workspace' as PresetOrigin, file }));
  for (const preset of user) if (!workspace.some((w) => w.name === preset.name)) entries.push({ preset, origin: 'user' });
  return entries;
}

/**
 * The preset called `name` for use: an error that says what is wrong with it (from `problems`)
 * when it is there but broken, or lists the usable names when it is not there at all.
 */
export function findPreset(name: string, result: PresetFileResult, file: string = PRESETS_PATH): Preset {
  const preset = result.presets.find((p) => p.name === name);
  if (preset) return preset;
  const own = result.problems.filter((p) => p.preset === name);
  if (own.length) throw new PresetError(own);
  const unparsed = result.problems.filter((p) => p.preset === undefined);
  if (unparsed.length && !result.presets.length) throw new PresetError(unparsed);
  const names = result.presets.map((p) => `"${p.name}"`);
  throw new PresetError([{ file, preset: name, message: `there is no preset "${name}"; ${names.length ? `the presets are ${names.join(', ')}` : 'the file has no usable preset'}.` }]);
}
