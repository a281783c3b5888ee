/**
 * The presets of this window: `.bailian/presets.json` in each workspace folder (committed,
 * shared) and the user's own list in global state (same schema), read with the pure module
 * (src/pipeline/presets/). What the palette, the agent tools and the studio use: list them, turn
 * one and its blank values into a request (with the glossary file and output template it pins),
 * save one. Problems carry the file, the preset and the field (the Problems panel shows them too:
 * presetDiagnostics.ts).
 */
import * as vscode from 'vscode';
import type { GenerationRequest } from '../dashscope';
import { displayPath, workspacePathOf } from '../host/workspaceFs';
import { resolveWorkspaceRef } from '../host/workspacePaths';
import { GlossaryError, glossaryRecord, parseGlossary, type GlossaryRecord } from '../pipeline/glossary';
import {
  PRESETS_PATH,
  PRESETS_VERSION,
  PresetError,
  addPresetToList,
  addPresetToText,
  examplePresetsText,
  listPresets,
  parsePresetsText,
  readPresetList,
  usePreset,
  withGlossaryTerms,
  type BlankValues,
  type Preset,
  type PresetEntry,
  type PresetProblem,
} from '../pipeline/presets';

/** globalState key of the user's own presets (`{version, presets}`, the file's schema). */
export const USER_PRESETS_KEY = 'bailian.userPresets';

/** A preset of this window, with the folder whose file holds it (workspace presets). */
export interface WindowPreset extends PresetEntry {
  readonly folder?: vscode.WorkspaceFolder;
}

/** The presets file of a folder. */
export function presetsUri(folder: vscode.WorkspaceFolder): vscode.Uri {
  return vscode.Uri.joinPath(folder.uri, ...PRESETS_PATH.split('/'));
}

async function readText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

/** Every usable preset (workspace folders first, in folder order, then the user's) and every problem. */
export async function readWindowPresets(globalState: vscode.Memento): Promise<{ presets: WindowPreset[]; problems: PresetProblem[] }> {
  const presets: WindowPreset[] = [];
  const problems: PresetProblem[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const uri = presetsUri(folder);
    const text = await readText(uri);
    if (text === undefined) continue;
    const read = parsePresetsText(text, displayPath(uri));
    problems.push(...read.problems);
    for (const entry of listPresets(read.presets, [], displayPath(uri))) if (!presets.some((p) => p.preset.name === entry.preset.name)) presets.push({ ...entry, folder });
  }
  const user = readPresetList(globalState.get(USER_PRESETS_KEY) ?? { version: PRESETS_VERSION, presets: [] }, vscode.l10n.t('user presets'));
  problems.push(...user.problems);
  for (const entry of listPresets([], user.presets)) if (!presets.some((p) => p.preset.name === entry.preset.name)) presets.push(entry);
  return { presets, problems };
}

/** A preset's request with `values` in its blanks, its glossary file read, and its output folder template. */
export async function windowPresetRequest(entry: WindowPreset, values: BlankValues): Promise<{ request: GenerationRequest; outputTemplate?: { value: string; setting: string }; glossary?: GlossaryRecord }> {
  const used = usePreset(entry.preset, values, entry.file ? { file: entry.file } : {});
  let request = used.request;
  let glossary: GlossaryRecord | undefined;
  if (used.glossaryFile) {
    const where = vscode.l10n.t('The glossary of preset "{0}"', entry.preset.name);
    const uri = await resolveWorkspaceRef(used.glossaryFile, where, entry.folder);
    const text = await readText(uri);
    if (text === undefined) throw new PresetError([{ file: entry.file ?? PRESETS_PATH, preset: entry.preset.name, field: 'glossary', message: `${used.glossaryFile} cannot be read.` }]);
    try {
      const terms = parseGlossary(text);
      request = withGlossaryTerms(request, terms);
      const path = workspacePathOf(uri)?.path;
      if (path !== undefined) glossary = glossaryRecord(path, terms);
    } catch (error) {
      if (error instanceof GlossaryError) throw new PresetError([{ file: entry.file ?? PRESETS_PATH, preset: entry.preset.name, field: 'glossary', message: `${used.glossaryFile}: ${error.message}` }]);
      throw error;
    }
  }
  return { request, ...(used.outputTemplate ? { outputTemplate: { value: used.outputTemplate, setting: `outputTemplate of preset "${entry.preset.name}"` } } : {}), ...(glossary ? { glossary } : {}) };
}

/** Saves a preset into a folder's presets file (created when missing; a preset of the same name only with `replace`). */
export async function savePresetToWorkspace(folder: vscode.WorkspaceFolder, preset: Preset, options: { replace?: boolean } = {}): Promise<vscode.Uri> {
  const uri = presetsUri(folder);
  const text = addPresetToText(await readText(uri), preset, { ...options, file: displayPath(uri) });
  await writeReplacing(uri, text);
  return uri;
}

/** Saves a preset into the user's own list (global state). */
export async function savePresetToUser(globalState: vscode.Memento, preset: Preset, options: { replace?: boolean } = {}): Promise<void> {
  const current = readPresetList(globalState.get(USER_PRESETS_KEY) ?? { version: PRESETS_VERSION, presets: [] }, 'user presets');
  await globalState.update(USER_PRESETS_KEY, { version: PRESETS_VERSION, presets: addPresetToList(current.presets, preset, options) });
}

/** Creates `.bailian/presets.json` with an example preset; refuses to touch one that exists. */
export async function createExamplePresets(folder: vscode.WorkspaceFolder, model: string): Promise<vscode.Uri> {
  const uri = presetsUri(folder);
  if ((await readText(uri)) !== undefined) return uri;
  await writeReplacing(uri, examplePresetsText(model));
  return uri;
}

/** Writes a hidden temporary file next to `uri` and renames it over `uri`: a reader never sees half a file. */
async function writeReplacing(uri: vscode.Uri, text: string): Promise<void> {
  const temp = vscode.Uri.joinPath(uri, '..', `.${uri.path.slice(uri.path.lastIndexOf('/') + 1)}.${Date.now().toString(36)}.tmp`);
  await vscode.workspace.fs.writeFile(temp, new TextEncoder().encode(text));
  try {
    await vscode.workspace.fs.rename(temp, uri, { overwrite: true });
  } catch (error) {
    await vscode.workspace.fs.delete(temp).then(undefined, () => undefined);
    throw error;
  }
}
