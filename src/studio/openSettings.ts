/**
 * Open Settings in Studio (Explorer, on a generated image): the studio opens in the image's mode
 * with its form filled from the image's provenance (model, prompt, size, seed, parameters) and
 * its input images, ready to be changed and run.
 */
import * as vscode from 'vscode';
import { Commands } from '../constants';
import { retouchRunOf } from '../pipeline/presets';
import type { OpenSettings } from '../protocol/messages';
import { failedOutcome, type CommandOutcome } from '../workflows/outcome';
import { readImageRecipe } from '../workflows/provenance';
import { StudioPanel, type StudioServices } from './panel';

/** The form settings an image's recipe gives. */
export function settingsOfRecord(record: { model: string; prompt?: string; negative_prompt?: string; seed?: number; parameters?: Record<string, unknown> }): OpenSettings {
  const p = record.parameters ?? {};
  return {
    model: record.model,
    ...(record.prompt !== undefined ? { prompt: record.prompt } : {}),
    ...(record.negative_prompt ? { negativePrompt: record.negative_prompt } : {}),
    ...(typeof p.size === 'string' ? { size: p.size } : {}),
    ...(typeof p.n === 'number' ? { n: 1 } : {}),
    ...(record.seed !== undefined ? { seed: record.seed } : {}),
    parameters: p,
  };
}

/** Runs the command: the studio shows the image's settings (an image without provenance is refused with the reason). */
export async function openSettingsInStudio(services: StudioServices, argument: unknown): Promise<CommandOutcome | { status: 'opened' }> {
  try {
    if (!(argument instanceof vscode.Uri)) throw new Error(vscode.l10n.t('Run this from an image in the Explorer (right-click, Bailian).'));
    const recipe = await readImageRecipe(argument, vscode.l10n.t('Open Settings in Studio'), services.provenanceFiles);
    if (recipe.kind === 'process') {
      // Retouch: the image, then its operation and options, filled by the form's preset code once it draws (the mask is painted again).
      const retouch = retouchRunOf(recipe.request.model, recipe.request.process);
      const params = { mode: 'retouch' as const, model: recipe.request.model, ...(recipe.request.prompt ? { prompt: recipe.request.prompt } : {}), ...(retouch ? { retouch } : {}) };
      StudioPanel.createOrShow(services, { mode: 'retouch', uris: recipe.inputs.slice(0, 1), preset: { name: '', blanks: {}, params } });
      return { status: 'opened' };
    }
    const mode = recipe.fromGuide ? 'guide' : recipe.kind;
    StudioPanel.createOrShow(services, { mode, uris: recipe.inputs, settings: settingsOfRecord(recipe.record) });
    return { status: 'opened' };
  } catch (error) {
    return failedOutcome(services, Commands.openSettingsInStudio, error);
  }
}
