import * as vscode from 'vscode';
import { ViewTypes } from '../constants';
import type { Log } from '../log';
import { WebviewMessage, type HostMessage, type ModelOption, type StudioStrings } from '../protocol';
import type { ApiKeyStore } from '../secrets';
import { buildStudioHtml } from './html';

/** What the studio needs from the extension; owned by the composition root. */
export interface StudioServices {
  readonly extensionUri: vscode.Uri;
  readonly log: Log;
  readonly apiKeys: ApiKeyStore;
}

/**
 * Placeholder model list until the DashScope catalog (src/dashscope/catalog.ts) lands;
 * the studio will then take its options from the catalog, the single source of truth.
 */
const PROVISIONAL_MODELS: readonly ModelOption[] = [
  { id: 'qwen-image', label: 'Qwen-Image' },
  { id: 'wan2.2-t2i-flash', label: 'Wan 2.2 Flash' },
];

/**
 * The studio webview panel: at most one per window. Created by `bailian.openStudio`, or
 * revived by the serializer after a reload. Disposing the panel disposes everything it owns.
 */
export class StudioPanel implements vscode.Disposable {
  /** The panel's view type, also registered as `onWebviewPanel:` activation event. */
  static readonly viewType = ViewTypes.studio;

  private static current: StudioPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly readyEmitter = new vscode.EventEmitter<void>();
  private isReady = false;

  /** Fires each time the webview finished its handshake (after `init` was posted). */
  readonly onDidBecomeReady = this.readyEmitter.event;

  /** The open studio, if any. */
  static get currentPanel(): StudioPanel | undefined {
    return StudioPanel.current;
  }

  /** Reveals the open studio, or opens a new one in the active column. */
  static createOrShow(services: StudioServices): StudioPanel {
    const column = vscode.window.activeTextEditor?.viewColumn ?? vscode.ViewColumn.One;
    if (StudioPanel.current) {
      StudioPanel.current.panel.reveal(column);
      return StudioPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(
      StudioPanel.viewType,
      vscode.l10n.t('Bailian Studio'),
      column,
      { ...StudioPanel.webviewOptions(services.extensionUri), retainContextWhenHidden: false },
    );
    return new StudioPanel(panel, services);
  }

  /** Adopts a panel VS Code restored after a reload (see registerWebviewPanelSerializer). */
  static revive(panel: vscode.WebviewPanel, services: StudioServices): StudioPanel {
    StudioPanel.current?.dispose();
    return new StudioPanel(panel, services);
  }

  /** Scripts enabled; local resources limited to the webview bundle and media. */
  static webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
    return {
      enableScripts: true,
      localResourceRoots: [
        vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
        vscode.Uri.joinPath(extensionUri, 'media'),
      ],
    };
  }

  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly services: StudioServices,
  ) {
    StudioPanel.current = this;
    const { webview } = panel;
    webview.options = StudioPanel.webviewOptions(services.extensionUri);
    panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'icon.svg');
    webview.html = this.renderHtml(webview);
    this.disposables.push(
      this.readyEmitter,
      panel.onDidDispose(() => this.dispose()),
      webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
    );
    services.log.debug('Studio panel opened');
  }

  /** Resolves once the webview has completed its `ready`/`init` handshake. */
  whenReady(): Promise<void> {
    if (this.isReady) {
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const subscription = this.onDidBecomeReady(() => {
        subscription.dispose();
        resolve();
      });
    });
  }

  dispose(): void {
    if (StudioPanel.current === this) {
      StudioPanel.current = undefined;
    }
    // Disposing the panel fires onDidDispose again; the guard above makes that a no-op.
    const disposables = this.disposables.splice(0);
    this.panel.dispose();
    for (const disposable of disposables) {
      disposable.dispose();
    }
  }

  private renderHtml(webview: vscode.Webview): string {
    const { extensionUri } = this.services;
    return buildStudioHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', 'main.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', 'studio.css')).toString(),
      language: vscode.env.language,
      title: vscode.l10n.t('Bailian Studio'),
    });
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = WebviewMessage.safeParse(raw);
    if (!parsed.success) {
      this.services.log.warn('Ignored an invalid message from the studio webview:', parsed.error.message);
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'ready':
        await this.post({
          type: 'init',
          strings: studioStrings(),
          models: [...PROVISIONAL_MODELS],
          hasApiKey: (await this.services.apiKeys.get()) !== undefined,
        });
        this.isReady = true;
        this.readyEmitter.fire();
        return;
      case 'generate': {
        this.services.log.info(`Generate requested with ${message.model} (${message.prompt.length} characters)`);
        const hasKey = (await this.services.apiKeys.get()) !== undefined;
        await this.post(
          hasKey
            ? { type: 'notice', level: 'info', text: studioStrings().notAvailableYet }
            : { type: 'notice', level: 'warning', text: studioStrings().noApiKey },
        );
        return;
      }
    }
  }

  private async post(message: HostMessage): Promise<void> {
    await this.panel.webview.postMessage(message);
  }
}

function studioStrings(): StudioStrings {
  return {
    title: vscode.l10n.t('Bailian Studio'),
    promptLabel: vscode.l10n.t('Prompt'),
    promptPlaceholder: vscode.l10n.t('Describe the image you want…'),
    modelLabel: vscode.l10n.t('Model'),
    generate: vscode.l10n.t('Generate'),
    noApiKey: vscode.l10n.t('Set your DashScope API key first (Bailian: Set API Key).'),
    notAvailableYet: vscode.l10n.t('Image generation is not available in this build yet.'),
  };
}
