/**
 * What the agent tools share: resolving a path an agent named inside the workspace, parsing the
 * input, the cancellation signal, the confirmation's Markdown, and the answer (each saved file's
 * workspace path and its relative Markdown link).
 */
import * as vscode from 'vscode';
import type * as z from 'zod';
import { displayPath } from '../host/workspaceFs';
import { resolveWorkspaceRef } from '../host/workspacePaths';
import { workspaceReference, type WorkspaceImageJob } from '../workflows/workspaceJob';
import { imageLinkText } from './links';

/** What a tool answers (as JSON text), one entry per saved image. */
export interface ToolAnswer {
  files: { path: string; uri: string; markdown: string; seed?: number }[];
  folder: string;
}

/** A path an agent named, resolved inside the workspace (an agent is not the user: it may be steered by what it read). */
export async function workspaceUri(ref: string, argument: string): Promise<vscode.Uri> {
  if (!vscode.workspace.workspaceFolders?.length) throw new Error(vscode.l10n.t('Open a folder first: generated images are saved into the workspace.'));
  return resolveWorkspaceRef(ref, vscode.l10n.t('The agent tool\'s {0} argument', argument));
}

/** The answer: each saved file's workspace path and its Markdown link relative to `markdownFile` (or the folder root). */
export function toolAnswer(run: WorkspaceImageJob, markdownDocument: vscode.Uri | undefined): ToolAnswer {
  return {
    folder: displayPath(run.location.folder),
    files: run.job.images.map((image) => {
      const folder = vscode.workspace.getWorkspaceFolder(image.file.uri);
      const document = markdownDocument ?? (folder ? vscode.Uri.joinPath(folder.uri, 'README.md') : vscode.Uri.joinPath(image.file.uri, '..', 'README.md'));
      return {
        path: workspaceReference(image.file.uri),
        uri: image.file.uri.toString(),
        markdown: imageLinkText(document, image.file.uri, 'markdown'),
        ...(image.seed !== undefined ? { seed: image.seed } : {}),
      };
    }),
  };
}

/** Confirmation text with the model's or the user's words shown literally. */
export function markdown(text: string): vscode.MarkdownString {
  return new vscode.MarkdownString(text);
}

/** The tool call's cancellation as a signal. */
export function signalOf(token: vscode.CancellationToken): AbortSignal {
  const abort = new AbortController();
  if (token.isCancellationRequested) abort.abort(new vscode.CancellationError());
  token.onCancellationRequested(() => abort.abort(new vscode.CancellationError()));
  return abort.signal;
}

/** The tool's input checked against its schema, with every issue named. */
export function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new Error(`Invalid input: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** The tool's result: each file's path and link, then the whole answer as JSON. */
export function answer(result: ToolAnswer): vscode.LanguageModelToolResult {
  const lines = result.files.map((f) => `${f.path}\n${f.markdown}`);
  return new vscode.LanguageModelToolResult([new vscode.LanguageModelTextPart(`${lines.join('\n\n')}\n\n${JSON.stringify(result)}`)]);
}
