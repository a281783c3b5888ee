/**
 * Writing presets: a preset added to (or replacing one in) a presets file's text with jsonc-parser
 * edits, so the rest of the file (comments, order, formatting) stays as the team wrote it. The
 * caller writes the text atomically (workspace) or keeps the list (the user's global state).
 */
import { applyEdits, modify, parseTree, findNodeAtLocation } from 'jsonc-parser/lib/esm/main.js';
import { PresetError, parsePresetsText } from './file.js';
import { PRESETS_PATH, PRESETS_VERSION, PresetSchema, type Preset } from './schema.js';
import { validatePreset } from './validate.js';

const FORMAT = { insertSpaces: true, tabSize: 2, eol: '\n' } as const;

/** A preset checked before it is saved: schema and catalog, with every problem in the error. */
export function checkPresetForSave(preset: Preset, file: string = PRESETS_PATH): Preset {
  const parsed = PresetSchema.safeParse(preset);
  if (!parsed.success) throw new PresetError(parsed.error.issues.map((i) => ({ file, preset: preset.name, field: i.path.join('.'), message: i.message })));
  const issues = validatePreset(parsed.data);
  if (issues.length) throw new PresetError(issues.map((i) => ({ file, preset: preset.name, field: i.field.join('.'), message: i.message })));
  return parsed.data;
}

/**
 * The text of a presets file with `preset` in it: appended, or in place of the preset of the same
 * name when `replace` is set (else a name that exists is an error). A missing or empty file
 * starts a new one; a file that does not parse is refused (a hand edit is never overwritten).
 */
export function addPresetToText(text: string | undefined, preset: Preset, options: { replace?: boolean; file?: string } = {}): string {
  const file = options.file ?? PRESETS_PATH;
  const checked = checkPresetForSave(preset, file);
  if (text === undefined || !text.trim()) return `${JSON.stringify({ version: PRESETS_VERSION, presets: [checked] }, null, 2)}\n`;
  const current = parsePresetsText(text, file);
  const unparsable = current.problems.filter((p) => p.preset === undefined && p.field === undefined);
  if (unparsable.length) throw new PresetError(unparsable);
  const root = parseTree(text);
  const list = root ? findNodeAtLocation(root, ['presets']) : undefined;
  const names = (list?.children ?? []).map((n) => findNodeAtLocation(n, ['name'])?.value as unknown);
  const index = names.findIndex((n) => typeof n === 'string' && n.trim() === checked.name);
  if (index >= 0 && !options.replace) {
    throw new PresetError([{ file, preset: checked.name, field: 'name', message: `a preset named "${checked.name}" exists already; choose another name or replace it.` }]);
  }
  const path = list ? ['presets', index >= 0 ? index : list.children?.length ?? 0] : ['presets'];
  const value = list ? checked : [checked];
  const edits = modify(text, path, value, { formattingOptions: FORMAT, ...(index < 0 && list ? { isArrayInsertion: true } : {}) });
  return applyEdits(text, edits);
}

/** A user's preset list (global state) with `preset` added or replaced; the same checks as a file. */
export function addPresetToList(list: readonly Preset[], preset: Preset, options: { replace?: boolean } = {}): Preset[] {
  const checked = checkPresetForSave(preset, 'user presets');
  const index = list.findIndex((p) => p.name === checked.name);
  if (index >= 0 && !options.replace) throw new PresetError([{ file: 'user presets', preset: checked.name, field: 'name', message: `a preset named "${checked.name}" exists already; choose another name or replace it.` }]);
  return index >= 0 ? list.map((p, i) => (i === index ? checked : p)) : [...list, checked];
}

/** A first presets file, offered when a workspace has none: one preset with one blank. */
export function examplePresetsText(model: string): string {
  const example: Preset = {
    name: 'Product shot',
    description: 'A product on a white background; fill in the subject.',
    mode: 'generate',
    model,
    prompt: 'Product shot of {subject} on a white background, soft light, high detail',
    negativePrompt: 'text, watermark, blurry',
    parameters: { n: 1 },
  };
  return `${JSON.stringify({ version: PRESETS_VERSION, presets: [example] }, null, 2)}\n`;
}
