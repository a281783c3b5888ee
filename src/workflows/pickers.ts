/** Quick picks shared by the commands: workspace images (in the user's order), models, languages. */
import * as vscode from 'vscode';
import { IMAGE_EXTENSIONS } from '../constants';
import { REGION_NAMES, modelLabel, regionUnavailableReason, type ModelSpec, type Region } from '../dashscope';
import { regionLabel } from '../host/errors';
import { displayPath } from '../host/workspaceFs';

/** The workspace's image files (at most `limit`), newest first is not known cheaply: sorted by path. */
export async function findWorkspaceImages(limit = 2000): Promise<vscode.Uri[]> {
  const found = await vscode.workspace.findFiles(`**/*.{${IMAGE_EXTENSIONS.join(',')}}`, '**/{node_modules,.git,.vscode-test,dist,out}/**', limit);
  return found.sort((a, b) => a.path.localeCompare(b.path));
}

/** Whether a Uri names an image file the models take. */
export function isImageUri(uri: vscode.Uri): boolean {
  const ext = uri.path.slice(uri.path.lastIndexOf('.') + 1).toLowerCase();
  return (IMAGE_EXTENSIONS as readonly string[]).includes(ext);
}

interface ImageItem extends vscode.QuickPickItem {
  readonly uri?: vscode.Uri;
  readonly done?: boolean;
}

/**
 * Picks 1…max workspace images one after another, so their order is the user's ("image 1",
 * "image 2" in prompts). Undefined when dismissed.
 */
export async function pickImagesInOrder(options: { title: string; min: number; max: number }): Promise<vscode.Uri[] | undefined> {
  const all = await findWorkspaceImages();
  if (all.length === 0) {
    void vscode.window.showWarningMessage(vscode.l10n.t('No images in the workspace. Add a PNG or JPG first.'));
    return undefined;
  }
  const picked: vscode.Uri[] = [];
  while (picked.length < options.max) {
    const items: ImageItem[] = [];
    if (picked.length >= options.min) items.push({ label: `$(check) ${picked.length === 1 ? vscode.l10n.t('Done: use 1 image') : vscode.l10n.t('Done: use {0} images', picked.length)}`, done: true, alwaysShow: true });
    for (const uri of all) {
      if (picked.some((p) => p.toString() === uri.toString())) continue;
      items.push({ label: uri.path.slice(uri.path.lastIndexOf('/') + 1), description: displayPath(uri), iconPath: uri, uri });
    }
    const choice = await vscode.window.showQuickPick(items, {
      title: options.title,
      placeHolder:
        options.max === 1
          ? vscode.l10n.t('Pick the image')
          : picked.length === 0
          ? vscode.l10n.t('Image 1 (up to {0}): the first reference', options.max)
          : vscode.l10n.t('Image {0} of up to {1}, or Done. Chosen: {2}', picked.length + 1, options.max, picked.map((p) => p.path.slice(p.path.lastIndexOf('/') + 1)).join(', ')),
      matchOnDescription: true,
      ignoreFocusOut: true,
    });
    if (!choice) return undefined;
    if (choice.done || !choice.uri) break;
    picked.push(choice.uri);
  }
  return picked;
}

/**
 * A model pick with the last choice preselected. With a service region, only the models that
 * region serves are offered; one last row says which are missing there and why.
 */
export async function pickModel(models: readonly ModelSpec[], options: { title: string; placeHolder: string; last?: string | undefined; region?: string | undefined }): Promise<ModelSpec | undefined> {
  const region = options.region && options.region in REGION_NAMES ? (options.region as Region) : undefined;
  const served = region ? models.filter((m) => !regionUnavailableReason(m, region)) : [...models];
  const missing = region ? models.flatMap((m) => regionUnavailableReason(m, region) ?? []) : [];
  if (served.length === 1 && missing.length === 0) return served[0];
  type Item = vscode.QuickPickItem & { spec?: ModelSpec };
  const items: Item[] = served.map((spec) => ({ label: modelLabel(spec, vscode.env.language), description: spec.id, ...(spec.access ? { detail: spec.access[vscode.env.language.startsWith('zh') ? 'zh-cn' : 'en'] } : {}), spec }));
  if (missing.length) {
    items.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, { label: `$(info) ${vscode.l10n.t('{0} more not served in {1}', missing.length, region ? regionLabel(region) : '')}`, detail: missing.join(' '), alwaysShow: true });
  }
  const quickPick = vscode.window.createQuickPick<Item>();
  quickPick.title = options.title;
  quickPick.placeholder = options.placeHolder;
  quickPick.items = items;
  quickPick.matchOnDescription = true;
  quickPick.ignoreFocusOut = true;
  const remembered = items.find((item) => item.spec?.id === options.last);
  if (remembered) quickPick.activeItems = [remembered];
  const spec = await new Promise<ModelSpec | undefined>((resolve) => {
    quickPick.onDidAccept(() => {
      const item = quickPick.selectedItems[0] ?? quickPick.activeItems[0];
      if (!item?.spec) {
        void vscode.window.showInformationMessage(missing.join(' '));
        return;
      }
      resolve(item.spec);
      quickPick.hide();
    });
    quickPick.onDidHide(() => resolve(undefined));
    quickPick.show();
  });
  quickPick.dispose();
  return spec;
}

/** A plain pick among strings with labels; undefined when dismissed. */
export async function pickOne<T extends string>(choices: readonly { value: T; label: string; description?: string }[], options: { title: string; placeHolder: string; last?: string | undefined }): Promise<T | undefined> {
  const items = choices.map((c) => ({ label: c.label, ...(c.description ? { description: c.description } : {}), value: c.value, picked: c.value === options.last }));
  const sorted = options.last ? [...items.filter((i) => i.value === options.last), ...items.filter((i) => i.value !== options.last)] : items;
  const choice = await vscode.window.showQuickPick(sorted, { title: options.title, placeHolder: options.placeHolder, ignoreFocusOut: true, matchOnDescription: true });
  return choice?.value;
}
