/**
 * `bailian.insertImageLink` ("Insert Image Link"): pick a workspace image and insert a Markdown
 * (`![alt](path)`) or HTML (`<img src alt>`) link at the cursor, relative to the document, with
 * each path segment URL-encoded so spaces and CJK names work in every previewer.
 */
import * as vscode from 'vscode';
import * as z from 'zod';
import { markdownLink } from '../pipeline/markdown';
import { findWorkspaceImages } from '../workflows/pickers';
import { displayPath } from '../host/workspaceFs';

const InsertLinkArgs = z.strictObject({ image: z.string().min(1), editor: z.string().optional() });

/** The link text for `image` inserted into `document` (relative, encoded). */
export function imageLinkText(document: vscode.Uri, image: vscode.Uri, languageId: string): string {
  const from = document.path;
  const to = image.path;
  const target = document.scheme === image.scheme && document.authority === image.authority ? markdownLink(from.slice(1), to.slice(1)) : image.toString();
  const alt = image.path.slice(image.path.lastIndexOf('/') + 1).replace(/\.[^.]+$/, '').replace(/[[\]"<>]/g, '');
  return languageId === 'html' ? `<img src="${target}" alt="${alt}">` : `![${alt}](${target})`;
}

/** Runs the command; returns the inserted text. */
export async function insertImageLinkCommand(argument?: unknown): Promise<string | undefined> {
  const parsed = argument === undefined ? undefined : InsertLinkArgs.safeParse(argument);
  const editor = (parsed?.success && parsed.data.editor ? vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === parsed.data.editor) : undefined) ?? vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showWarningMessage(vscode.l10n.t('Open a Markdown or HTML document first: the link goes at the cursor.'));
    return undefined;
  }
  let image: vscode.Uri | undefined = parsed?.success ? vscode.Uri.parse(parsed.data.image) : undefined;
  if (!image) {
    const images = await findWorkspaceImages();
    const choice = await vscode.window.showQuickPick(
      images.map((uri) => ({ label: uri.path.slice(uri.path.lastIndexOf('/') + 1), description: displayPath(uri), iconPath: uri, uri })),
      { title: vscode.l10n.t('Insert Image Link'), placeHolder: vscode.l10n.t('Image to link'), matchOnDescription: true },
    );
    image = choice?.uri;
  }
  if (!image) return undefined;
  const text = imageLinkText(editor.document.uri, image, editor.document.languageId);
  await editor.edit((edit) => {
    for (const selection of editor.selections) edit.replace(selection, text);
  });
  return text;
}
