import * as vscode from 'vscode';
import { runWorkspaceImageJob, type Host, type WorkspaceImageJob } from '../commands/host';
import { summarizeWithRegionHint } from '../commands/outcome';
import { describeProgress } from '../commands/progress';
import { ViewTypes } from '../constants';
import type { GenerationRequest } from '../dashscope';
import { isCancellation } from '../host/errors';
import { displayPath, resolveInsideWorkspace } from '../host/workspaceFs';
import { CancelledJobError } from '../pipeline/images';
import { WebviewMessage, type GenerateParams, type HostMessage, type StudioError, type StudioImage, type StudioStrings } from '../protocol';
import { buildStudioHtml } from './html';
import { textToImageOptions } from './models';

/** What the studio needs from the extension; owned by the composition root. */
export interface StudioServices extends Host {
  readonly extensionUri: vscode.Uri;
  /** Fires when the stored API key changed (the studio then updates its warning). */
  readonly onDidChangeApiKey: vscode.Event<void>;
}

/**
 * The studio webview panel: at most one per window. Created by `bailian.openStudio`, or
 * revived by the serializer after a reload. Disposing the panel disposes everything it owns,
 * including a running job (which is aborted).
 */
export class StudioPanel implements vscode.Disposable {
  /** The panel's view type, also registered as `onWebviewPanel:` activation event. */
  static readonly viewType = ViewTypes.studio;

  private static current: StudioPanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly readyEmitter = new vscode.EventEmitter<void>();
  private readonly jobEmitter = new vscode.EventEmitter<StudioJobOutcome>();
  private isReady = false;
  private isDisposed = false;
  /** The running job's abort handle (one job at a time per studio). */
  private job: AbortController | undefined;
  /** Folders outside the workspace that received images (no folder open): readable by the webview too. */
  private readonly extraRoots: vscode.Uri[] = [];

  /** Fires each time the webview finished its handshake (after `init` was posted). */
  readonly onDidBecomeReady = this.readyEmitter.event;
  /** Fires when a studio job ended (for tests and future history views). */
  readonly onDidFinishJob = this.jobEmitter.event;

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

  /**
   * Scripts enabled; local resources limited to the webview bundle, media, and the workspace
   * folders (saved images are shown from there, never from DashScope URLs).
   */
  static webviewOptions(extensionUri: vscode.Uri, extraRoots: readonly vscode.Uri[] = []): vscode.WebviewOptions {
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
      this.jobEmitter,
      panel.onDidDispose(() => this.dispose()),
      webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.refreshResourceRoots()),
      services.onDidChangeApiKey(async () => {
        if (this.isReady) await this.post({ type: 'apiKey', hasApiKey: await services.clients.hasApiKey() });
      }),
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
    this.isDisposed = true;
    if (StudioPanel.current === this) {
      StudioPanel.current = undefined;
    }
    this.job?.abort(new vscode.CancellationError());
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

  private refreshResourceRoots(): void {
    this.panel.webview.options = StudioPanel.webviewOptions(this.services.extensionUri, this.extraRoots);
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
          models: textToImageOptions(vscode.env.language),
          hasApiKey: await this.services.clients.hasApiKey(),
        });
        this.isReady = true;
        this.readyEmitter.fire();
        return;
      case 'generate':
        await this.generate(message.params);
        return;
      case 'cancel':
        this.job?.abort(new vscode.CancellationError());
        return;
      case 'openImage': {
        const uri = resolveInsideWorkspace(message.folderIndex, message.path);
        if (!uri) {
          this.services.log.warn('Ignored a request to open a file outside the workspace folders');
          return;
        }
        await vscode.commands.executeCommand('vscode.open', uri, { preview: false });
        return;
      }
    }
  }

  private async generate(params: GenerateParams): Promise<void> {
    if (this.job) {
      await this.post({ type: 'notice', level: 'warning', text: vscode.l10n.t('A generation is already running.') });
      return;
    }
    const abort = new AbortController();
    this.job = abort;
    const request: GenerationRequest = { ...params, prompt: params.prompt.trim() };
    if (!request.negativePrompt?.trim()) delete request.negativePrompt;
    let outcome: StudioJobOutcome;
    try {
      await this.post({ type: 'progress', text: vscode.l10n.t('Checking the request…') });
      const generation = await runWorkspaceImageJob(this.services, request, {
        kind: 'generate',
        source: 'studio',
        signal: abort.signal,
        interactive: true,
        pickAmongFolders: false,
        onProgress: (event) => void this.post({ type: 'progress', text: describeProgress(event) }),
      });
      const images = this.studioImages(generation);
      await this.post({
        type: 'result',
        text: vscode.l10n.t('Saved {0} image(s) to {1}.', images.length, displayPath(generation.location.folder)),
        images,
      });
      outcome = { status: 'saved', images };
    } catch (error) {
      if (isCancellation(error)) {
        this.services.log.info('Studio generation cancelled');
        const started = error instanceof CancelledJobError && (error.taskOutcome === 'started' || error.taskOutcome === 'failed');
        await this.post({
          type: 'cancelled',
          text: started ? vscode.l10n.t('Cancelled. The task had started; DashScope may still finish and bill it.') : vscode.l10n.t('Cancelled. Nothing was produced or saved.'),
        });
        outcome = { status: 'cancelled' };
      } else {
        const studioError: StudioError = await summarizeWithRegionHint(this.services, error);
        this.services.log.error('Studio generation failed:', error);
        await this.post({ type: 'error', error: studioError });
        outcome = { status: 'failed', error: studioError };
      }
    } finally {
      this.job = undefined;
    }
    this.jobEmitter.fire(outcome);
  }

  /** Saved files as the webview shows them; widens localResourceRoots for a folder outside the workspace. */
  private studioImages(generation: WorkspaceImageJob): StudioImage[] {
    const { location, job } = generation;
    if (!location.workspaceFolder && !this.extraRoots.some((root) => root.toString() === location.folder.toString())) {
      this.extraRoots.push(location.folder);
      this.refreshResourceRoots();
    }
    const webview = this.panel.webview;
    return job.images.map((image) => {
      const folder = vscode.workspace.getWorkspaceFolder(image.file.uri);
      const rootPath = folder ? (folder.uri.path.endsWith('/') ? folder.uri.path : `${folder.uri.path}/`) : undefined;
      return {
        src: webview.asWebviewUri(image.file.uri).toString(),
        displayPath: displayPath(image.file.uri),
        ...(folder && rootPath && image.file.uri.path.startsWith(rootPath) ? { location: { folderIndex: folder.index, path: image.file.uri.path.slice(rootPath.length) } } : {}),
        width: image.width,
        height: image.height,
        ...(image.seed !== undefined ? { seed: image.seed } : {}),
      } satisfies StudioImage;
    });
  }

  /** Posts to the webview; a no-op once the panel is gone (a job may end after its panel closed). */
  private async post(message: HostMessage): Promise<void> {
    if (this.isDisposed) return;
    try {
      await this.panel.webview.postMessage(message);
    } catch (error) {
      if (!this.isDisposed) throw error;
    }
  }
}

/** How a studio job ended. */
export type StudioJobOutcome =
  | { readonly status: 'saved'; readonly images: readonly StudioImage[] }
  | { readonly status: 'cancelled' }
  | { readonly status: 'failed'; readonly error: StudioError };

function studioStrings(): StudioStrings {
  return {
    title: vscode.l10n.t('Bailian Studio'),
    promptLabel: vscode.l10n.t('Prompt'),
    promptPlaceholder: vscode.l10n.t('Describe the image you want…'),
    modelLabel: vscode.l10n.t('Model'),
    sizeLabel: vscode.l10n.t('Size'),
    countLabel: vscode.l10n.t('Images'),
    seedLabel: vscode.l10n.t('Seed'),
    seedPlaceholder: vscode.l10n.t('Random'),
    negativePromptLabel: vscode.l10n.t('Negative prompt'),
    negativePromptPlaceholder: vscode.l10n.t('What the image should not contain (optional)'),
    generate: vscode.l10n.t('Generate'),
    cancel: vscode.l10n.t('Cancel'),
    open: vscode.l10n.t('Open'),
    seedValue: vscode.l10n.t('Seed {0}'),
    noApiKey: vscode.l10n.t('Set your DashScope API key first (Bailian: Set API Key).'),
    invalidSeed: vscode.l10n.t('The seed must be a whole number from 0 to 2147483647.'),
    requestId: vscode.l10n.t('Request id: {0}'),
  };
}
