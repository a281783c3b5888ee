import * as vscode from 'vscode';
import { retouchRegionField } from './retouchRun';
import { findWorkspaceImages, isImageUri } from '../workflows/pickers';
import type { SharedServices } from '../workflows/context';
import { ViewTypes } from '../constants';
import { errorActionLabel, runErrorAction } from '../host/errors';
import {
  WebviewMessage,
  type HostMessage,
  type InitMessage,
  type JobSnapshot,
  type OpenSettings,
  type PickerImage,
  type StudioError,
  type StudioImage,
  type StudioMode,
} from '../protocol/messages';
import { runComparison } from './compare';
import { copyStudioCommand, presetsMessage, saveStudioPreset, type PresetPick } from './presetActions';
import { runStudioJob, studioImageOf, type StudioJobContext, type StudioJobOutcome } from './runs';
import { createStudioWebviewPanel, showStudioIcon, showStudioIconSoon, studioPageHtml, studioWebviewOptions, type EarlyStudioHandOver, type StaticInit, type StaticInitCache } from './shell';
import { LoadWatchdog } from './watchdog';
import { parseDroppedUris, postHistoryInParts, openWorkspaceFile, savePastedImage, readGlossaryTable, saveGlossaryFromStudio, type GlossaryTable } from './workspaceData';
import { studioStaticInit } from './strings';

/** What the studio needs from the extension; owned by the composition root. */
export interface StudioServices extends SharedServices {
  readonly extensionUri: vscode.Uri;
  /** Fires when the stored API key changed (the studio then updates its warning). */
  readonly onDidChangeApiKey: vscode.Event<void>;
  /** Where the static part of `init` is saved for the next window's early page (shell.ts); none when storage is not local. */
  readonly staticInitCache?: StaticInitCache;
}

/** "Open in Studio": the mode to start in and the Explorer selection (Uris; anything else is ignored). */
export interface StudioOpenRequest {
  readonly mode: StudioMode;
  readonly uris?: unknown;
  /** Open Settings in Studio: the form is filled with these. */
  readonly settings?: OpenSettings | undefined;
  /** Generate from Preset's Draw a Mask in the Studio: this preset is picked, its blanks filled. */
  readonly preset?: PresetPick | undefined;
}

/**
 * The studio webview panel: at most one per window. Created by `bailian.openStudio`, or
 * revived by the serializer after a reload. Several jobs may run at once, each under its own id;
 * the panel keeps every job's latest snapshot so a webview that was hidden (its document is
 * dropped without retainContextWhenHidden) gets them back with `init`. Disposing the panel (the
 * user closing it, a window reload) leaves its jobs running: they belong to the job manager,
 * save into the workspace and the history, and stay visible in Show Jobs; aborting them would
 * also cancel their queued tasks upstream, which a reload is meant to resume.
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
  /** Every job of this panel: the abort handle while it runs, and its latest snapshot. */
  private readonly jobs = new Map<string, { abort?: AbortController; snapshot: JobSnapshot }>();
  /** Folders outside the workspace that received images (no folder open): readable by the webview too. */
  private readonly extraRoots: vscode.Uri[] = [];
  /** "Open in Studio" waiting for the next `init`. */
  private pendingOpen: { mode: StudioMode; inputs: PickerImage[]; settings?: OpenSettings } | undefined;
  /** A preset to pick, sent with the next list of presets (the page asks for it once its form draws). */
  private pendingPick: PresetPick | undefined;
  /** Whether the webview shows the history (it then gets updates when the manifest grows). */
  private historyWanted = false;
  /** Counts history reads: a read whose number is no longer the latest stops sending. */
  private historyRead = 0;
  /** Whether the panel was visible at its last view-state change (showing a hidden one reloads its page). */
  private wasVisible: boolean;
  /** Loads the page again when a load never reports `ready` (see watchdog.ts). */
  private readonly watchdog = new LoadWatchdog({
    retry: (attempt, waitedMs) => {
      this.services.log.warn(`The studio page did not load within ${waitedMs / 1000} s; loading it again (retry ${attempt}).`);
      this.panel.webview.html = this.renderHtml(this.panel.webview);
    },
    giveUp: (attempts) => {
      this.services.log.error(`The studio page did not load after ${attempts} tries.`);
      void this.reportBlank();
    },
  });

  /** Fires each time the webview finished its handshake (after `init` was posted). */
  readonly onDidBecomeReady = this.readyEmitter.event;
  /** Fires when a studio job ended (for tests and automation). */
  readonly onDidFinishJob = this.jobEmitter.event;

  /** The open studio, if any. */
  static get currentPanel(): StudioPanel | undefined {
    return StudioPanel.current;
  }

  /** Reveals the open studio, or opens a new one in the active column; `open` preselects a mode and input images. */
  static createOrShow(services: StudioServices, open?: StudioOpenRequest): StudioPanel {
    let studio = StudioPanel.current;
    // A hidden studio has no document (no retainContextWhenHidden): revealing it reloads the page,
    // which then asks for `init`; the selection must ride on that instead of a message now.
    const live = studio?.panel.visible === true;
    if (studio) {
      studio.panel.reveal(vscode.window.activeTextEditor?.viewColumn ?? vscode.ViewColumn.One);
    } else {
      studio = new StudioPanel(createStudioWebviewPanel(services.extensionUri), services);
    }
    if (open) studio.openWith(open, live);
    return studio;
  }

  /** Adopts a panel VS Code restored after a reload (see registerWebviewPanelSerializer). */
  static revive(panel: vscode.WebviewPanel, services: StudioServices): StudioPanel {
    StudioPanel.current?.dispose();
    // Restored with the options of its last session (the workspace folders may have changed), and no icon.
    panel.webview.options = studioWebviewOptions(services.extensionUri);
    showStudioIcon(panel, services.extensionUri);
    return new StudioPanel(panel, services);
  }

  /**
   * Takes over the panel the activation shim opened before the services loaded (shell.ts): its
   * page stays, and the messages it sent meanwhile are handled now, in order (its `ready` first).
   */
  static adopt(early: EarlyStudioHandOver, services: StudioServices): StudioPanel {
    StudioPanel.current?.dispose();
    return new StudioPanel(early.panel, services, early.messages);
  }

  /** `early`: the messages of a page already loaded (adopt); otherwise the panel gets its page now. */
  private constructor(
    private readonly panel: vscode.WebviewPanel,
    private readonly services: StudioServices,
    early?: readonly unknown[],
  ) {
    StudioPanel.current = this;
    const { webview } = panel;
    // The options come with the panel (createStudioWebviewPanel, or revive); an adopted one has its page.
    if (!early) webview.html = this.renderHtml(webview);
    // A hidden panel has no page until it is shown.
    this.wasVisible = panel.visible;
    if (panel.visible) this.watchdog.loading();
    this.disposables.push(
      this.readyEmitter,
      this.jobEmitter,
      { dispose: () => this.watchdog.stop() },
      panel.onDidDispose(() => this.dispose()),
      panel.onDidChangeViewState(({ webviewPanel }) => {
        if (webviewPanel.visible === this.wasVisible) return;
        this.wasVisible = webviewPanel.visible;
        // Hidden, the page is dropped; shown again, VS Code loads it anew and it asks for `init`.
        this.isReady = false;
        if (webviewPanel.visible) this.watchdog.loading();
        else this.watchdog.stop();
      }),
      webview.onDidReceiveMessage((message: unknown) => void this.receive(message).catch((error: unknown) => services.log.error('Studio message failed:', error))),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.refreshResourceRoots()),
      services.onDidChangeApiKey(async () => {
        if (this.isReady) await this.post({ type: 'apiKey', hasApiKey: await services.clients.hasApiKey() });
      }),
      services.history.onDidAppend(() => {
        if (this.historyWanted && this.isReady) void this.sendHistory();
      }),
    );
    if (early) {
      services.log.info(`Studio opened before the services loaded; taken over with ${early.length === 1 ? '1 message' : `${early.length} messages`} from its page`);
      void (async () => {
        for (const message of early) await this.receive(message).catch((error: unknown) => services.log.error('Studio message failed:', error));
      })();
    } else {
      services.log.info('Studio opened');
    }
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
    // Disposing the panel fires onDidDispose again; the guard above makes that a no-op.
    const disposables = this.disposables.splice(0);
    this.panel.dispose();
    for (const disposable of disposables) {
      disposable.dispose();
    }
  }

  private renderHtml(webview: vscode.Webview): string {
    return studioPageHtml(webview, this.services.extensionUri, this.staticInit());
  }

  /** The page never loaded, after every retry: say so, with the ways out. */
  private async reportBlank(): Promise<void> {
    const reload = vscode.l10n.t('Reload Window');
    const showLog = errorActionLabel('showLog');
    const choice = await vscode.window.showErrorMessage(vscode.l10n.t('Bailian Studio did not load: VS Code did not deliver its page. Reload the window to try again.'), reload, showLog);
    if (choice === reload) await vscode.commands.executeCommand('workbench.action.reloadWindow');
    else if (choice === showLog) await runErrorAction('showLog', this.services.log);
  }

  private refreshResourceRoots(): void {
    this.panel.webview.options = studioWebviewOptions(this.services.extensionUri, this.extraRoots);
  }

  private toImage = (uri: vscode.Uri, facts?: { width?: number; height?: number; seed?: number | undefined }): StudioImage => studioImageOf(this.panel.webview, uri, facts);

  private pickerImage(uri: vscode.Uri): PickerImage | undefined {
    const image = this.toImage(uri);
    return image.location ? { src: image.src, displayPath: image.displayPath, location: image.location } : undefined;
  }

  private openWith(open: StudioOpenRequest, live: boolean): void {
    const flat = (Array.isArray(open.uris) ? open.uris.flat() : [open.uris]).filter((u): u is vscode.Uri => u instanceof vscode.Uri && isImageUri(u));
    const unique = [...new Map(flat.map((u) => [u.toString(), u])).values()];
    const inputs = unique.flatMap((uri) => this.pickerImage(uri) ?? []);
    const settings = open.settings ? { settings: open.settings } : {};
    if (this.isReady && live) void this.post({ type: 'open', mode: open.mode, inputs, ...settings });
    else this.pendingOpen = { mode: open.mode, inputs, ...settings };
    this.pendingPick = open.preset;
    // A live page asked for the presets already: they come again, with the one to pick.
    if (open.preset && this.isReady && live) void this.postPresets();
  }

  private async postPresets(): Promise<void> {
    const pick = this.pendingPick;
    this.pendingPick = undefined;
    await this.post(await presetsMessage(this.services, pick));
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
        void showStudioIconSoon(this.panel, this.services.extensionUri);
        this.isReady = false;
        await this.post(await this.initMessage());
        this.pendingOpen = undefined;
        this.isReady = true;
        this.watchdog.ready();
        this.readyEmitter.fire();
        return;
      case 'run':
        await this.run(message.jobId, (context) => runStudioJob({ ...context, jobId: message.jobId, params: message.params }));
        return;
      case 'compare': {
        const models = this.staticInit().models.filter((m) => m.mode === 'generate');
        await this.run(message.jobId, (context) => runComparison({ ...context, models }, message.jobId, message.params, message.models));
        return;
      }
      case 'loadPresets':
        await this.postPresets();
        return;
      case 'savePreset':
        await saveStudioPreset({ services: this.services, post: (m) => this.post(m) }, message.params);
        return;
      case 'copyCommand':
        await copyStudioCommand({ services: this.services, post: (m) => this.post(m) }, message);
        return;
      case 'cancel':
        this.jobs.get(message.jobId)?.abort?.abort(new vscode.CancellationError());
        return;
      case 'file':
        await openWorkspaceFile(this.services.log, message.action, message.location);
        return;
      case 'copyText':
        await vscode.env.clipboard.writeText(message.text);
        await this.post({ type: 'notice', level: 'info', text: vscode.l10n.t('Copied.') });
        return;
      case 'errorAction': {
        const summary: StudioError = { name: 'StudioError', message: '', actions: [message.action], ...(message.switchTo ? { switchTo: message.switchTo } : {}) };
        await runErrorAction(message.action, this.services.log, summary);
        return;
      }
      case 'listImages': {
        const images = (await findWorkspaceImages()).flatMap((uri) => this.pickerImage(uri) ?? []);
        await this.post({ type: 'images', images });
        return;
      }
      case 'dropUris':
        this.openWith({ mode: message.mode, uris: parseDroppedUris(message.uris) }, true);
        return;
      case 'pasteImage':
        await this.savePasted(message.mode, message.mime, message.data);
        return;
      case 'saveGlossary':
        await saveGlossaryFromStudio(this.services, message.terms, (m) => this.post(m));
        return;
      case 'loadHistory':
        this.historyWanted = true;
        await this.sendHistory();
        return;
      case 'forgetJobs':
        for (const id of message.jobIds) if (this.jobs.get(id)?.snapshot.status !== 'running') this.jobs.delete(id);
        return;
    }
  }

  /**
   * What `init` carries that does not change while the window lives: strings, models, languages
   * (built once per panel, and saved for the next window's early page).
   */
  private staticInit(): StaticInit {
    if (!this.builtStaticInit) {
      this.builtStaticInit = studioStaticInit();
      this.services.staticInitCache?.save(this.builtStaticInit);
    }
    return this.builtStaticInit;
  }

  private builtStaticInit: StaticInit | undefined;

  private async initMessage(): Promise<InitMessage> {
    return {
      ...this.staticInit(),
      hasApiKey: await this.services.clients.hasApiKey(),
      ...retouchRegionField(this.services.config.read().region),
      jobs: [...this.jobs.values()].map((job) => job.snapshot),
      glossary: await this.readGlossary(),
      ...(this.pendingOpen ? { open: this.pendingOpen } : {}),
    };
  }

  /** Runs one job of this panel (a form's run, or a comparison: one card) under `jobId`, its snapshots posted as they change. */
  private async run(jobId: string, start: (context: Omit<StudioJobContext, 'jobId' | 'params'>) => Promise<JobSnapshot>): Promise<void> {
    if (this.jobs.has(jobId)) {
      this.services.log.warn(`Ignored a second run with job id ${jobId}`);
      return;
    }
    const abort = new AbortController();
    const entry: { abort?: AbortController; snapshot: JobSnapshot } = { abort, snapshot: { jobId, status: 'running', text: '', images: [] } };
    this.jobs.set(jobId, entry);
    const snapshot = await start({
      host: this.services,
      signal: abort.signal,
      toImage: this.toImage,
      update: (next) => {
        entry.snapshot = next;
        void this.post({ type: 'job', job: next });
      },
      allowFolder: (folder) => {
        if (!this.extraRoots.some((root) => root.toString() === folder.toString())) {
          this.extraRoots.push(folder);
          this.refreshResourceRoots();
        }
      },
    });
    delete entry.abort;
    const { status, images, error } = snapshot;
    this.jobEmitter.fire(status === 'succeeded' ? { status, images } : status === 'failed' && error ? { status: 'failed', error } : { status: 'cancelled' });
  }

  /** Saves a pasted image as `.bailian/inputs/pasted-<date>-<time>.<ext>` (a new file) and adds it to the inputs. */
  private async savePasted(mode: StudioMode, mime: string, data: string): Promise<void> {
    const uri = await savePastedImage(this.services.log, mime, data);
    if (uri) this.openWith({ mode, uris: [uri] }, true);
    else await this.post({ type: 'notice', level: 'warning', text: vscode.l10n.t('Open a folder first: pasted images are saved in the workspace.') });
  }

  private readGlossary(): Promise<GlossaryTable> {
    return readGlossaryTable(this.services);
  }

  /** Sends the history in parts (workspaceData.ts); a newer read (the manifest grew) ends this one. */
  private async sendHistory(): Promise<void> {
    const read = ++this.historyRead;
    await postHistoryInParts(this.services, this.toImage, (message) => this.post(message), () => read === this.historyRead && !this.isDisposed);
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
