// The activation shim: all that loads when VS Code activates the extension. It registers every
// command id, the studio serializer and the agent tools with handlers that load the real
// composition root (src/services.ts, bundled separately as dist/services.js with the client, zod
// and the pipeline) on first use, so activation costs next to nothing. Only vscode and the
// constants module are imported at run time here.
import * as vscode from 'vscode';
import { Commands, STREAMS_STATE_KEY, TASKS_STATE_KEY, Tools, ViewTypes } from './constants';
import type { BailianExtensionApi, Services } from './services';

export type { BailianExtensionApi };

let loaded: Services | undefined;

export function activate(context: vscode.ExtensionContext): BailianExtensionApi {
  let loading: Promise<Services> | undefined;
  const services = (): Promise<Services> =>
    (loading ??= Promise.resolve().then(() => {
      // A separate bundle, required at run time (esbuild leaves './services.js' external).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const module = require('./services.js') as typeof import('./services');
      loaded = module.startExtension(context);
      return loaded;
    }));

  for (const id of Object.values(Commands)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, async (...args: unknown[]) => (await services()).run(id, args)));
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
  const warmUp = setTimeout(() => void services().catch(() => undefined), 3000);
  context.subscriptions.push({ dispose: () => clearTimeout(warmUp) });

  return {
    apiKeySource: async () => (await services()).api.apiKeySource(),
    whenStudioReady: async () => (await services()).api.whenStudioReady(),
    whenStudioHandshakesAgain: async () => (await services()).api.whenStudioHandshakesAgain(),
    whenStudioJobFinished: async () => (await services()).api.whenStudioJobFinished(),
    jobs: async () => (await services()).api.jobs(),
    persistedTasks: async () => (await services()).api.persistedTasks(),
    persistTask: async (task) => (await services()).api.persistTask(task),
    resumeTasks: async () => (await services()).api.resumeTasks(),
    persistStream: async (uri) => (await services()).api.persistStream(uri),
  };
}

export function deactivate(): void {
  loaded?.deactivate();
}
