/**
 * The mask of a process preset whose operation paints over part of the image (wanx2.1-imageedit
 * `description_edit_with_mask`), asked by Generate from Preset…: a PNG of the workspace (those at
 * the image's own size first; another size is named as such, and the job refuses it with what to
 * change before anything is sent), or "Draw a Mask in the Studio…", which hands the image and the
 * preset to the studio's Retouch mode instead of running anything here.
 */
import * as vscode from 'vscode';
import { inspectImage, processFunctionSpec, type GenerationRequest } from '../dashscope';
import { displayPath } from '../host/workspaceFs';
import { findWorkspaceImages } from '../workflows/pickers';
import type { Choice, Questions } from '../workflows/questions';

/** At most this many PNGs are read for their size, likely masks first (the rest of a large workspace is not offered). */
const MAX_MASK_CANDIDATES = 300;

/** The answer: a mask file, the studio, or nothing (dismissed). */
export type MaskAnswer = { readonly mask: vscode.Uri } | { readonly studio: true } | undefined;

/** Whether the request's operation needs a mask. */
export function needsMask(request: GenerationRequest): boolean {
  return processFunctionSpec(request.model, request.process?.function)?.mask === 'required';
}

/** The row that opens the studio instead (its label is what a scripted answer names). */
export function drawInStudioLabel(): string {
  return vscode.l10n.t('Draw a Mask in the Studio…');
}

async function sizeOf(uri: vscode.Uri): Promise<{ width: number; height: number } | undefined> {
  try {
    const info = inspectImage(await vscode.workspace.fs.readFile(uri));
    return info ? { width: info.width, height: info.height } : undefined;
  } catch {
    return undefined;
  }
}

/** Asks for the mask of `image`: the workspace's PNGs (same size first) and Draw a Mask in the Studio. */
export async function askMask(questions: Questions, image: vscode.Uri, title: string): Promise<MaskAnswer> {
  const base = await sizeOf(image);
  // Likely masks first, so that a large workspace still offers them: beside the image, then named "mask".
  const folder = image.path.slice(0, image.path.lastIndexOf('/') + 1);
  const rank = (uri: vscode.Uri) => (uri.path.startsWith(folder) && !uri.path.slice(folder.length).includes('/') ? 0 : 2) + (/mask/i.test(uri.path.slice(uri.path.lastIndexOf('/') + 1)) ? 0 : 1);
  const pngs = (await findWorkspaceImages())
    .filter((uri) => uri.path.toLowerCase().endsWith('.png') && uri.toString() !== image.toString())
    .sort((a, b) => rank(a) - rank(b) || a.path.localeCompare(b.path))
    .slice(0, MAX_MASK_CANDIDATES);
  const sized = await Promise.all(pngs.map(async (uri) => ({ uri, size: await sizeOf(uri) })));
  const same = (size: { width: number; height: number } | undefined) => !!size && !!base && size.width === base.width && size.height === base.height;
  const name = image.path.slice(image.path.lastIndexOf('/') + 1);
  const rows: Choice<MaskAnswer>[] = [
    { label: drawInStudioLabel(), description: vscode.l10n.t('paint it over {0} in Retouch, with this preset picked', name), value: { studio: true }, alwaysShow: true },
    ...sized
      .filter((c) => c.size)
      .sort((a, b) => Number(same(b.size)) - Number(same(a.size)))
      .map((c): Choice<MaskAnswer> => ({
        label: displayPath(c.uri),
        description: same(c.size)
          ? vscode.l10n.t('{0}×{1}, the size of {2}', c.size!.width, c.size!.height, name)
          : vscode.l10n.t('{0}×{1}: not the size of {2} ({3}), so it would be refused', c.size!.width, c.size!.height, name, base ? `${base.width}×${base.height}` : '?'),
        value: { mask: c.uri },
      })),
  ];
  return questions.pick(rows, { title, placeHolder: vscode.l10n.t('The mask for {0}: a PNG at its size, white where to change and black where to keep', name) });
}
