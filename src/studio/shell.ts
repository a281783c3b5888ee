// The studio's page without the studio: what opening it needs before dist/services.js has loaded.
// The activation shim (src/extension.ts) imports this module, so it imports only vscode, Node
// built-ins, the constants and html.ts. The panel (panel.ts) uses the same functions, so the
// early page and every later one are the same page.
//
// The page carries the static part of `init` (strings, models, languages), which only the
// services bundle can build. The panel saves it in the extension's global storage the first time
// it builds it, under a name made of what it depends on: the bundle that built it (size, mtime),
// the UI language and its translation bundle. With that file present, "Open Studio" puts the page
// on screen from the shim, and the services load after the page has drawn, taking the panel over
// with every message the page sent meanwhile (EarlyStudio). Without it (the first open after an
// install or an update) the command takes the usual way.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import { ViewTypes } from '../constants';
import { buildStudioHtml } from './html';
import type { InitMessage } from '../protocol/messages';

/** What the page carries of `init` and never changes while the window lives. */
export type StaticInit = Pick<InitMessage, 'type' | 'strings' | 'models' | 'languages' | 'retouch'>;

/**
 * Scripts enabled; local resources limited to the webview bundle, media, and the workspace
 * folders (saved images are shown from there, never from DashScope URLs).
 */
export function studioWebviewOptions(extensionUri: vscode.Uri, extraRoots: readonly vscode.Uri[] = []): vscode.WebviewOptions {
  return {
    enableScripts: true,
    localResourceRoots: [
      vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
      vscode.Uri.joinPath(extensionUri, 'media'),
      ...(vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri),
      ...extraRoots,
    ],
  };
}

/** A new studio panel in the active editor's column, with its options (no page yet; the icon comes with {@link showStudioIconSoon}). */
export function createStudioWebviewPanel(extensionUri: vscode.Uri): vscode.WebviewPanel {
  const column = vscode.window.activeTextEditor?.viewColumn ?? vscode.ViewColumn.One;
  return vscode.window.createWebviewPanel(ViewTypes.studio, vscode.l10n.t('Bailian Studio'), column, { ...studioWebviewOptions(extensionUri), retainContextWhenHidden: false });
}

/**
 * How long after its page first speaks a studio tab gets its icon. Setting a webview panel's
 * icon makes the workbench rewrite the style sheet of every webview icon and restyle itself
 * (measured: the page's frame started ~25 ms later with the icon set at creation), which would
 * hold back the page's first paint.
 */
export const ICON_AFTER_PAGE_MS = 200;
const iconShown = new WeakMap<vscode.WebviewPanel, Promise<void>>();

function setStudioIcon(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
}

/** Gives the studio's tab its icon now (a panel restored after a reload, often in a background tab). */
export function showStudioIcon(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): void {
  if (iconShown.has(panel)) return;
  setStudioIcon(panel, extensionUri);
  iconShown.set(panel, Promise.resolve());
}

/** Gives the studio's tab its icon shortly after its page spoke (once per panel); resolves when it has it, or was closed first. */
export function showStudioIconSoon(panel: vscode.WebviewPanel, extensionUri: vscode.Uri): Promise<void> {
  let shown = iconShown.get(panel);
  if (!shown) {
    shown = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        subscription.dispose();
        setStudioIcon(panel, extensionUri);
        resolve();
      }, ICON_AFTER_PAGE_MS);
      const subscription = panel.onDidDispose(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    iconShown.set(panel, shown);
  }
  return shown;
}

/** The studio page for `webview`: the app and its styles inline, the static part of `init` as its bootstrap. */
export function studioPageHtml(webview: vscode.Webview, extensionUri: vscode.Uri, staticInit: StaticInit): string {
  // Read for every page (a rebuilt bundle shows on the next load; ~0.3 ms for the two files).
  return buildStudioHtml({
    cspSource: webview.cspSource,
    script: readFileSync(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'main.js').fsPath, 'utf8'),
    style: readFileSync(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'studio.css').fsPath, 'utf8'),
    toolkitUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'toolkit.js')).toString(),
    schemasUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'schemas.js')).toString(),
    retouchUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'retouch.js')).toString(),
    teamUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'team.js')).toString(),
    language: vscode.env.language,
    title: vscode.l10n.t('Bailian Studio'),
    bootstrap: { ...staticInit, hasApiKey: true, jobs: [], glossary: { terms: [] } } satisfies InitMessage,
  });
}

/** Where the static part of `init` is kept between windows; every call checks it anew. */
export class StaticInitCache {
  constructor(
    private readonly directory: string,
    private readonly extensionUri: vscode.Uri,
  ) {}

  /** The file for the bundle, language and translations of now; undefined when one cannot be stat'ed. */
  file(): string | undefined {
    try {
      const stamp = (path: string) => {
        const stat = statSync(path);
        return `${stat.size}-${Math.round(stat.mtimeMs)}`;
      };
      const services = stamp(vscode.Uri.joinPath(this.extensionUri, 'dist', 'services.js').fsPath);
      const translations = vscode.l10n.uri?.scheme === 'file' ? stamp(vscode.l10n.uri.fsPath) : 'none';
      const language = vscode.env.language.replace(/[^A-Za-z0-9-]/g, '_');
      return join(this.directory, `static-init.${language}.${services}.${translations}.json`);
    } catch {
      return undefined;
    }
  }

  /** The saved static part of `init`, or undefined (none, unreadable, or not of that shape). */
  read(): StaticInit | undefined {
    const file = this.file();
    if (!file) return undefined;
    try {
      const value = JSON.parse(readFileSync(file, 'utf8')) as Partial<StaticInit> | null;
      // The page checks it fully (it drops a bootstrap that does not parse); this keeps out the
      // truncated and the foreign, so such a file never replaces the usual way.
      if (value?.type !== 'init' || typeof value.strings !== 'object' || !Array.isArray(value.models) || typeof value.languages !== 'object') return undefined;
      return value as StaticInit;
    } catch {
      return undefined;
    }
  }

  /** Saves it if not saved yet (atomically), and removes those of other builds; never throws. */
  save(value: StaticInit): void {
    const file = this.file();
    if (!file) return;
    try {
      statSync(file);
      return;
    } catch {
      // Not there yet.
    }
    try {
      mkdirSync(this.directory, { recursive: true });
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, JSON.stringify(value));
      renameSync(temporary, file);
      const language = basename(file).split('.')[1];
      for (const name of readdirSync(this.directory)) {
        if (name !== basename(file) && name.startsWith(`static-init.${language}.`) && name.endsWith('.json')) rmSync(join(this.directory, name), { force: true });
      }
    } catch {
      // Only the next first open is slower without it.
    }
  }
}

/** The extension's cache of the static part of `init`, in its global storage; none when that storage is not a local folder. */
export function staticInitCacheFor(context: Pick<vscode.ExtensionContext, 'globalStorageUri' | 'extensionUri'>): StaticInitCache | undefined {
  return context.globalStorageUri.scheme === 'file' ? new StaticInitCache(join(context.globalStorageUri.fsPath, 'studio-page'), context.extensionUri) : undefined;
}

/** An early studio's panel and what its page sent before the studio took it over. */
export interface EarlyStudioHandOver {
  readonly panel: vscode.WebviewPanel;
  readonly messages: readonly unknown[];
}

/**
 * A studio panel opened by the shim: its page, and every message the page sends, kept in order
 * until {@link handOver}. `onFirstMessage` runs once, when the page first speaks (its `ready`,
 * sent once it has drawn the form).
 */
export class EarlyStudio {
  private readonly messages: unknown[] = [];
  private readonly subscriptions: vscode.Disposable[];
  private disposed = false;

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    staticInit: StaticInit,
    onFirstMessage: () => void,
  ) {
    this.subscriptions = [
      panel.webview.onDidReceiveMessage((message: unknown) => {
        this.messages.push(message);
        if (this.messages.length > 1) return;
        void showStudioIconSoon(panel, extensionUri);
        onFirstMessage();
      }),
      panel.onDidDispose(() => {
        this.disposed = true;
        this.stop();
      }),
    ];
    panel.webview.html = studioPageHtml(panel.webview, extensionUri, staticInit);
  }

  /** Brings it to the front (a second "Open Studio" before the studio took it over); false when the user closed it. */
  reveal(): boolean {
    if (this.disposed) return false;
    this.panel.reveal(vscode.window.activeTextEditor?.viewColumn ?? vscode.ViewColumn.One);
    return true;
  }

  /** Stops listening and hands the panel over, or undefined when the user closed it already. */
  handOver(): EarlyStudioHandOver | undefined {
    this.stop();
    return this.disposed ? undefined : { panel: this.panel, messages: this.messages.splice(0) };
  }

  private stop(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
  }
}
