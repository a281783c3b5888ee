// The activation shim: all that loads when VS Code activates the extension. It registers every
// command id, the studio serializer and the agent tools with handlers that load the real
// composition root (src/services.ts, bundled separately as dist/services.js with the client, zod
// and the pipeline) on first use, so activation costs next to nothing. Only vscode, Node
// built-ins, the constants, the bundle loader (src/loader.ts) and the studio's page
// (src/studio/shell.ts, for "Open Studio" before that bundle loaded) are imported at run time here.
import { join } from 'node:path';
import * as vscode from 'vscode';
import { Commands, STREAMS_STATE_KEY, TASKS_STATE_KEY, Tools, ViewTypes } from './constants';
import { requireCached } from './loader';
import type { BailianExtensionApi, Services } from './services';
import { EarlyStudio, createStudioWebviewPanel, staticInitCacheFor } from './studio/shell';

export type { BailianExtensionApi };

/** What other extensions get outside the test mode: where the key comes from, nothing else. */
export type BailianPublicApi = Pick<BailianExtensionApi, 'apiKeySource'>;

let loaded: Services | undefined;

/** After an early studio's page first speaks, how long the services wait before loading: its first paint comes first. */
const LOAD_AFTER_PAGE_MS = 100;
/** The longest an early studio waits for its services (a page that never speaks is the studio's watchdog's to handle). */
const LOAD_EARLY_STUDIO_MS = 2000;

export function activate(context: vscode.ExtensionContext): BailianPublicApi | BailianExtensionApi {
  let loading: Promise<Services> | undefined;
  let early: EarlyStudio | undefined;
  const services = (): Promise<Services> =>
    (loading ??= Promise.resolve().then(() => {
      const module = loadServicesBundle(context);
      loaded = module.startExtension(context);
      const handOver = early?.handOver();
      early = undefined;
      if (handOver) loaded.adoptStudio(handOver);
      return loaded;
    }));

  /**
   * "Open Studio" before the services loaded: the page opens from here (src/studio/shell.ts), and
   * the services load once it has drawn, then take it over. Loading them while VS Code builds the
   * webview would compete with it for the CPU. False when the usual way must be taken: loading
   * has begun, there is no saved static part of `init` yet, the page could not be made, or the
   * early studio was closed.
   */
  const openStudioEarly = (): boolean => {
    if (loading) return false;
    // Open already: shown again. Closed already: the usual way (which loads the services now).
    if (early) return early.reveal();
    const staticInit = staticInitCacheFor(context)?.read();
    if (!staticInit) return false;
    const panel = createStudioWebviewPanel(context.extensionUri);
    const timers: NodeJS.Timeout[] = [];
    const load = (): void => {
      for (const timer of timers.splice(0)) clearTimeout(timer);
      // The page is open and waits for them: say so if they cannot load (a command would fail the same way).
      services().catch((error: unknown) => void vscode.window.showErrorMessage(vscode.l10n.t('Bailian Image Studio could not start: {0}', error instanceof Error ? error.message : String(error))));
    };
    try {
      early = new EarlyStudio(panel, context.extensionUri, staticInit, () => timers.push(setTimeout(load, LOAD_AFTER_PAGE_MS)));
    } catch {
      panel.dispose();
      return false;
    }
    timers.push(setTimeout(load, LOAD_EARLY_STUDIO_MS));
    context.subscriptions.push({ dispose: () => timers.forEach(clearTimeout) });
    return true;
  };

  for (const id of Object.values(Commands)) {
    context.subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        if (id === Commands.openStudio && openStudioEarly()) return;
        return (await services()).run(id, args);
      }),
    );
  }
  context.subscriptions.push(
    vscode.window.registerWebviewPanelSerializer(ViewTypes.studio, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
        (await services()).revive(panel);
      },
    }),
  );
  // The API exists from VS Code 1.95 on; a host without it just gets no tools.
  if (typeof vscode.lm?.registerTool === 'function') {
    for (const name of Object.values(Tools)) {
      context.subscriptions.push(
        vscode.lm.registerTool<never>(name, {
          prepareInvocation: async (options, token) => (await services()).tools[name]?.prepareInvocation?.(options, token),
          invoke: async (options, token) => {
            const tool = (await services()).tools[name];
            if (!tool) throw new Error(`Unknown tool ${name}`);
            return tool.invoke(options, token);
          },
        }),
      );
    }
  }
  // Tasks submitted before a reload (DashScope keeps them 24 h) are resumed, and guides cut by it
  // marked: after activation, never in its way, and only when there is something to do.
  if (context.workspaceState.get(TASKS_STATE_KEY) !== undefined || context.workspaceState.get(STREAMS_STATE_KEY) !== undefined) {
    const timer = setTimeout(() => void services().then((s) => s.resume()), 0);
    context.subscriptions.push({ dispose: () => clearTimeout(timer) });
  }

  // Warm up in idle time after startup, so the first command or studio does not wait for the bundle to load.
  // An early studio loads them itself once its page has spoken: not while VS Code builds it.
  const warmUp = setTimeout(() => {
    if (!early) void services().catch(() => undefined);
  }, 3000);
  context.subscriptions.push({ dispose: () => clearTimeout(warmUp) });

  const apiKeySource = async (): Promise<Awaited<ReturnType<BailianExtensionApi['apiKeySource']>>> => (await services()).api.apiKeySource();
  // The rest records tasks whose results are written where the record says, and waits on the
  // studio: hooks for the integration tests, never handed to other extensions in real use.
  if (context.extensionMode !== vscode.ExtensionMode.Test) return { apiKeySource };
  return {
    apiKeySource,
    ignoredSettingsNotices: async () => (await services()).api.ignoredSettingsNotices(),
    whenStudioReady: async () => (await services()).api.whenStudioReady(),
    whenStudioHandshakesAgain: async () => (await services()).api.whenStudioHandshakesAgain(),
    whenStudioJobFinished: async () => (await services()).api.whenStudioJobFinished(),
    jobs: async () => (await services()).api.jobs(),
    whenJobsChange: async () => (await services()).api.whenJobsChange(),
    persistedTasks: async () => (await services()).api.persistedTasks(),
    persistTask: async (task) => (await services()).api.persistTask(task),
    forgetTask: async (taskId) => (await services()).api.forgetTask(taskId),
    resumeTasks: async () => (await services()).api.resumeTasks(),
    persistStream: async (uri) => (await services()).api.persistStream(uri),
    answerPresetQuestions: async (answers) => (await services()).api.answerPresetQuestions(answers),
    askedPresetQuestions: async () => (await services()).api.askedPresetQuestions(),
    provenanceFiles: async () => (await services()).api.provenanceFiles(),
  };
}

/**
 * dist/services.js, a separate bundle (esbuild leaves './services.js' external), loaded through
 * a V8 code cache in the extension's global storage (src/loader.ts), saved once the window has
 * settled; where that storage is not a local folder, a plain `require`.
 */
function loadServicesBundle(context: vscode.ExtensionContext): typeof import('./services') {
  if (context.globalStorageUri.scheme !== 'file') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('./services.js') as typeof import('./services');
  }
  const load = requireCached<typeof import('./services')>(join(__dirname, 'services.js'), join(context.globalStorageUri.fsPath, 'code-cache'), module);
  if (!load.fromCache) {
    const timer = setTimeout(() => load.saveCache(), 2_000);
    context.subscriptions.push({ dispose: () => clearTimeout(timer) });
  }
  return load.exports;
}

export function deactivate(): void {
  loaded?.deactivate();
}
