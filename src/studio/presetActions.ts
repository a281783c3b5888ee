/**
 * The studio's team actions on the host side: the preset picker's list, Save as Preset (from the
 * form, a card or a compared model's column) and Copy as CLI Command (a card's image, a history
 * entry). Presets are read and saved through workflows/presets.ts, the command is built by the
 * Copy as CLI Command command itself (its id; commands/ is not imported here), so the studio
 * holds no second copy of either.
 */
import * as vscode from 'vscode';
import { Commands } from '../constants';
import { resolveInsideWorkspace } from '../host/workspaceFs';
import { formatProblem, PresetError, presetFromRun, presetOption, templateBlanks } from '../pipeline/presets';
import type { HostMessage, PresetOption, RunParams, WorkspaceLocation } from '../protocol/messages';
import type { SharedServices } from '../workflows/context';
import { presetsUri, readWindowPresets, savePresetToUser, savePresetToWorkspace } from '../workflows/presets';

/** What the actions need from the panel. */
export interface PresetActionsContext {
  readonly services: SharedServices;
  readonly post: (message: HostMessage) => Promise<void>;
}

/** A preset for the page to pick, with the values of its blanks (Generate from Preset's Draw a Mask in the Studio). */
export type PresetPick = NonNullable<Extract<HostMessage, { type: 'presets' }>['pick']>;

/** The picker's presets (workspace ones first) and every problem of the presets files, as sentences; `pick` for the page to pick. */
export async function presetsMessage(services: SharedServices, pick?: PresetPick): Promise<Extract<HostMessage, { type: 'presets' }>> {
  const { presets, problems } = await readWindowPresets(services.globalState);
  const options = presets.flatMap((entry): PresetOption[] => { const option = presetOption(entry); return option ? [option] : []; });
  return { type: 'presets', presets: options, problems: problems.map(formatProblem), ...(pick ? { pick } : {}) };
}

/** Save as Preset: asks the name, the prompt template (blanks may be added) and where; never replaces one without asking. */
export async function saveStudioPreset(context: PresetActionsContext, params: RunParams): Promise<boolean> {
  const { services } = context;
  const title = vscode.l10n.t('Save as Preset');
  const name = await vscode.window.showInputBox({
    title,
    prompt: vscode.l10n.t('Name of the preset ({0})', params.model),
    validateInput: (value) => (value.trim() ? (value.trim().length > 80 ? vscode.l10n.t('A preset name has at most 80 characters.') : undefined) : vscode.l10n.t('A preset needs a name.')),
  });
  if (name === undefined) return false;
  let template = params.prompt;
  if (params.mode !== 'translate' && params.prompt !== undefined) {
    template = await vscode.window.showInputBox({
      title,
      value: params.preset?.template ?? params.prompt,
      prompt: vscode.l10n.t('The prompt template: put a blank such as {subject} where the prompt changes from use to use.'),
      validateInput: (value) => {
        const invalid = templateBlanks(value).invalid;
        return invalid.length ? vscode.l10n.t('{0} is not a blank name: use letters, digits, _ and -, starting with a letter.', invalid.join(', ')) : undefined;
      },
    });
    if (template === undefined) return false;
  }
  const folders = vscode.workspace.workspaceFolders ?? [];
  type Where = { label: string; description?: string; folder?: vscode.WorkspaceFolder };
  const places: Where[] = [
    ...folders.map((folder) => ({ label: vscode.l10n.t('Workspace: {0}', folder.name), description: vscode.l10n.t('{0}, shared with the team', vscode.workspace.asRelativePath(presetsUri(folder), folders.length > 1)), folder })),
    { label: vscode.l10n.t('Only me'), description: vscode.l10n.t('your own presets, in every window') },
  ];
  const where = places.length === 1 ? places[0] : await vscode.window.showQuickPick(places, { title, placeHolder: vscode.l10n.t('Where to save preset "{0}"?', name.trim()) });
  if (!where) return false;
  const preset = presetFromRun(params, name, template);
  const save = (replace: boolean) => (where.folder ? savePresetToWorkspace(where.folder, preset, { replace }) : savePresetToUser(services.globalState, preset, { replace }));
  try {
    try {
      await save(false);
    } catch (error) {
      if (!(error instanceof PresetError) || !error.problems.some((p) => p.field === 'name')) throw error;
      const replace = vscode.l10n.t('Replace');
      const choice = await vscode.window.showWarningMessage(vscode.l10n.t('A preset named "{0}" exists already. Replace it?', preset.name), { modal: true }, replace);
      if (choice !== replace) return false;
      await save(true);
    }
  } catch (error) {
    services.log.error('Saving a preset failed:', error);
    await context.post({ type: 'notice', level: 'error', text: vscode.l10n.t('Could not save the preset: {0}', error instanceof Error ? error.message : String(error)) });
    return false;
  }
  services.log.info(`Saved preset "${preset.name}" (${where.folder ? 'workspace' : 'user'})`);
  await context.post({ type: 'notice', level: 'info', text: vscode.l10n.t('Saved preset "{0}".', preset.name) });
  await context.post(await presetsMessage(services));
  return true;
}

/** Copy as CLI Command of a saved image (read from its provenance) or of a history entry, through the command. */
export async function copyStudioCommand(context: PresetActionsContext, target: { location?: WorkspaceLocation | undefined; entryId?: string | undefined }): Promise<void> {
  if (target.entryId) {
    await vscode.commands.executeCommand(Commands.copyAsCliCommand, target.entryId);
    return;
  }
  const uri = target.location ? resolveInsideWorkspace(target.location.folderIndex, target.location.path) : undefined;
  if (!uri) {
    await context.post({ type: 'notice', level: 'warning', text: vscode.l10n.t('Input images must be files inside the workspace folders.') });
    return;
  }
  const outcome = (await vscode.commands.executeCommand(Commands.copyAsCliCommand, uri)) as { status?: string } | undefined;
  if (outcome?.status === 'copied') await context.post({ type: 'notice', level: 'info', text: vscode.l10n.t('Copied the CLI command. Run it from the workspace folder with DASHSCOPE_API_KEY set.') });
}
