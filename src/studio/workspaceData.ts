/**
 * What the studio shows from the workspace besides runs: the history list (read from each
 * folder's manifest, its paths resolved inside that folder) and the terminology table of the
 * workspace glossary.
 */
import * as vscode from 'vscode';
import { displayPath, resolveInsideWorkspace, workspaceFileSystem } from '../host/workspaceFs';
import { readIfExists, replaceAtomically, saveAtomically } from '../pipeline/files';
import { formatDate, formatTime } from '../pipeline/naming';
import { requireTrust } from '../workflows/workspaceJob';
import { GLOSSARY_TEMPLATE, formatGlossary } from '../pipeline/glossary';
import { Commands } from '../constants';
import type { Log } from '../host/log';
import type { HistoryEntry } from '../pipeline/history';
import type { HistoryItem, HostMessage, StudioImage, Term, WorkspaceLocation } from '../protocol/messages';
import { activeLinkTarget } from '../workflows/progress';
import type { SharedServices } from '../workflows/context';
import { glossaryLocation, readWorkspaceGlossary } from '../workflows/glossary';
import type { ToStudioImage } from './runs';

/** The glossary as the Translate mode's table shows it. */
export interface GlossaryTable {
  terms: Term[];
  path?: string;
  error?: string;
}

/** Reads the workspace glossary; a problem (a line that does not parse, a bad path) is reported in `error`. */
export async function readGlossaryTable(services: SharedServices): Promise<GlossaryTable> {
  let path: string | undefined;
  try {
    const uri = (await glossaryLocation(services))?.uri;
    path = uri ? displayPath(uri) : undefined;
    const terms = (await readWorkspaceGlossary(services)) ?? [];
    return { terms: terms.map((t) => ({ src: t.src, tgt: t.tgt })), ...(path ? { path } : {}) };
  } catch (error) {
    return { terms: [], ...(path ? { path } : {}), error: error instanceof Error ? error.message : String(error) };
  }
}

/** Writes the table to the glossary, keeping the file's leading comments; false with no folder open. */
export async function saveGlossaryTable(services: SharedServices, terms: readonly Term[]): Promise<boolean> {
  const location = await glossaryLocation(services);
  if (!location) return false;
  const { uri, relative } = location;
  const fs = workspaceFileSystem(location.folder.uri);
  const old = await readIfExists(fs, relative);
  const comments = old ? new TextDecoder().decode(old).split(/\r?\n/).filter((line) => line.trim().startsWith('#')).join('\n') : '';
  const text = formatGlossary(terms, comments ? `${comments}\n` : GLOSSARY_TEMPLATE);
  await replaceAtomically(fs, relative, new TextEncoder().encode(text));
  services.log.info(`Glossary saved: ${displayPath(uri)} (${terms.length} term(s))`);
  return true;
}

/** Most history entries sent to the webview (newest first); the search covers all of them. */
const HISTORY_LIMIT = 100_000;
/** The first part: the list's first chunk, read from the end of the manifest and painted at once. */
const HISTORY_FIRST_PART = 50;
/** The parts after it, sent while the page already shows the first. */
const HISTORY_BATCH = 1000;

/** Thrown from a page handler to end a history read early (a newer read took over, or the cap). */
class HistoryReadStopped extends Error {}

/**
 * Posts the history newest first: the first part as soon as it is read from the end of the
 * manifest, then the rest in batches the page appends (`more`); every part but the last says
 * `done: false`. Stops quietly once `current` says a newer read took over.
 */
export async function postHistoryInParts(services: SharedServices, toImage: ToStudioImage, post: (message: Extract<HostMessage, { type: 'history' }>) => Promise<void>, current: () => boolean): Promise<void> {
  let sent = 0;
  try {
    await streamHistoryItems(
      services,
      toImage,
      async (items, { first, done, badLines }) => {
        if (!current()) throw new HistoryReadStopped();
        const room = items.slice(0, HISTORY_LIMIT - sent);
        sent += room.length;
        const last = done || sent >= HISTORY_LIMIT;
        await post({ type: 'history', items: room, badLines, ...(first ? {} : { more: true }), ...(last ? {} : { done: false }) });
        if (last && !done) throw new HistoryReadStopped();
      },
      { first: HISTORY_FIRST_PART, batch: HISTORY_BATCH },
    );
  } catch (error) {
    if (!(error instanceof HistoryReadStopped)) throw error;
  }
}

/**
 * Every folder's history, newest first, a page at a time, with the files as the webview shows
 * them: `onItems` gets the first page (`first`) as soon as it is read from the end of the
 * manifest, then the rest in larger batches, and may throw {@link HistoryReadStopped} to end the
 * read. The last call has `done` (its items may be none); `badLines` counts the lines that could
 * not be read so far.
 */
export async function streamHistoryItems(services: SharedServices, toImage: ToStudioImage, onItems: (items: HistoryItem[], part: { first: boolean; done: boolean; badLines: number }) => Promise<void>, sizes: { first: number; batch: number }): Promise<void> {
  let badLines = 0;
  let first = true;
  let batch: HistoryItem[] = [];
  const flush = async (done: boolean): Promise<void> => {
    const items = batch;
    batch = [];
    const wasFirst = first;
    first = false;
    await onItems(items, { first: wasFirst, done, badLines });
  };
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    try {
      const image = (path: string, facts?: { width?: number; height?: number; seed?: number }) => {
        const uri = resolveInsideWorkspace(folder.index, path);
        return uri ? toImage(uri, facts) : undefined;
      };
      const summary = await services.history.of(folder).scan(
        async (entries) => {
          for (const entry of entries) batch.push(historyItem(entry, image));
          if (batch.length >= (first ? sizes.first : sizes.batch)) await flush(false);
        },
        { newestFirst: true, pageSize: sizes.first },
      );
      badLines += summary.badLines.length;
    } catch (error) {
      if (error instanceof HistoryReadStopped) throw error;
      services.log.warn(`Could not read the history of ${folder.name}:`, error);
    }
  }
  await flush(true);
}

/** A history entry as the webview lists it, its paths resolved inside its workspace folder. */
function historyItem(entry: HistoryEntry, image: (path: string, facts?: { width?: number; height?: number; seed?: number }) => StudioImage | undefined): HistoryItem {
  const document = entry.document ? image(entry.document) : undefined;
  return {
    id: entry.id,
    kind: entry.kind,
    model: entry.model,
    ...(entry.prompt ? { prompt: entry.prompt } : {}),
    ...(entry.negativePrompt ? { negativePrompt: entry.negativePrompt } : {}),
    ...(entry.size ? { size: entry.size } : {}),
    ...(entry.n !== undefined ? { n: entry.n } : {}),
    ...(entry.seed !== undefined ? { seed: entry.seed } : {}),
    started: entry.started,
    outcome: entry.outcome,
    parameters: entry.parameters,
    inputs: entry.inputs.flatMap((path) => image(path) ?? []),
    outputs: entry.outputs.flatMap((o) => image(o.path, { ...(o.width ? { width: o.width } : {}), ...(o.height ? { height: o.height } : {}), ...(o.seed !== undefined ? { seed: o.seed } : {}) }) ?? []),
    ...(document ? { document } : {}),
    ...(entry.error ? { error: `${entry.error.code ? `${entry.error.code}: ` : ''}${entry.error.message}` } : {}),
  };
}

/** What the page asks to do with a file it shows. */
export type FileActionKind = 'open' | 'reveal' | 'insertLink' | 'copyPath';

/** Opens, reveals, copies or links a file the page names; only inside a workspace folder. */
export async function openWorkspaceFile(log: Log, action: FileActionKind, location: WorkspaceLocation): Promise<void> {
  const uri = resolveInsideWorkspace(location.folderIndex, location.path);
  if (!uri) {
    log.warn('Ignored a request for a file outside the workspace folders');
    return;
  }
  switch (action) {
    case 'open':
      await vscode.commands.executeCommand('vscode.open', uri, { preview: false, viewColumn: vscode.ViewColumn.Beside });
      return;
    case 'reveal':
      await vscode.commands.executeCommand('revealInExplorer', uri);
      return;
    case 'copyPath':
      await vscode.env.clipboard.writeText(displayPath(uri));
      return;
    case 'insertLink': {
      // The studio has the focus, so there is no active text editor: link into a visible Markdown/HTML one.
      const editor = activeLinkTarget() ?? vscode.window.visibleTextEditors.find((e) => ['markdown', 'html'].includes(e.document.languageId));
      await vscode.commands.executeCommand(Commands.insertImageLink, { image: uri.toString(), ...(editor ? { editor: editor.document.uri.toString() } : {}) });
      return;
    }
  }
}

/** Saves a pasted image as `.bailian/inputs/pasted-<date>-<time>.<ext>` (a new file); undefined with no folder open. */
export async function savePastedImage(log: Log, mime: string, data: string): Promise<vscode.Uri | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return undefined;
  requireTrust();
  const ext = mime === 'image/jpeg' ? 'jpg' : mime.slice('image/'.length);
  const now = new Date();
  const name = await saveAtomically(workspaceFileSystem(folder.uri), { stem: `.bailian/inputs/pasted-${formatDate(now)}-${formatTime(now)}`, ext, bytes: Buffer.from(data, 'base64') });
  const uri = vscode.Uri.joinPath(folder.uri, ...name.split('/'));
  log.info(`Pasted image saved as ${displayPath(uri)}`);
  return uri;
}

/** Writes the terminology table to the workspace glossary (keeping the file's leading comments) and tells the page how it went. */
export async function saveGlossaryFromStudio(services: SharedServices, terms: readonly Term[], post: (message: HostMessage) => Promise<void>): Promise<void> {
  try {
    if (!(await saveGlossaryTable(services, terms))) {
      await post({ type: 'notice', level: 'warning', text: vscode.l10n.t('Open a folder first: the glossary is saved in the workspace.') });
      return;
    }
    await post({ type: 'glossary', ...(await readGlossaryTable(services)), saved: true });
  } catch (error) {
    services.log.error('Saving the glossary failed:', error);
    await post({ type: 'notice', level: 'error', text: vscode.l10n.t('Could not save the glossary: {0}', error instanceof Error ? error.message : String(error)) });
  }
}

/** The URIs of files dropped from the Explorer (Shift+drag), as the page sent them; what does not parse is left out. */
export function parseDroppedUris(texts: readonly string[]): vscode.Uri[] {
  return texts.flatMap((text) => {
    try {
      return [vscode.Uri.parse(text.trim(), true)];
    } catch {
      return [];
    }
  });
}
