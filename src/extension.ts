// Composition root: builds the services and registers commands and the studio serializer.
// Nothing here touches the network or the disk; real work starts when a command runs.
import * as vscode from 'vscode';
import { registerCommand } from './commands';
import { Config } from './config';
import { Commands } from './constants';
import { generateImageCommand } from './generation/command';
import { createLog } from './log';
import { ApiKeyStore, clearApiKeyCommand, setApiKeyCommand, type ApiKeySource } from './secrets';
import { DashScopeClientProvider } from './services/client';
import { StudioPanel, type StudioJobOutcome, type StudioServices } from './studio/panel';

/**
 * What `activate` returns (`extension.exports`). Deliberately small and key-free: other
 * extensions can read it, so it reports only where a key comes from, never the key.
 */
export interface BailianExtensionApi {
  /** Where the effective API key comes from, or undefined when none is configured. */
  apiKeySource(): Promise<ApiKeySource | undefined>;
  /** Resolves when the open studio finished its webview handshake; rejects if none is open. */
  whenStudioReady(): Promise<void>;
  /** Resolves with the outcome of the open studio's next generation (tests, automation). */
  whenStudioJobFinished(): Promise<StudioJobOutcome>;
}

export function activate(context: vscode.ExtensionContext): BailianExtensionApi {
  const log = createLog();
  const config = new Config();
  const apiKeys = new ApiKeyStore(context.secrets);
  const version = (context.extension.packageJSON as { version?: string }).version ?? '0';
  const clients = new DashScopeClientProvider(config, apiKeys, log, `bailian-image-studio/${version} vscode/${vscode.version}`);
  const generation = { clients, config, log };
  const studio: StudioServices = { ...generation, extensionUri: context.extensionUri, onDidChangeApiKey: apiKeys.onDidChange };

  context.subscriptions.push(
    log,
    config,
    apiKeys,
    clients,
    registerCommand(Commands.openStudio, log, () => {
      StudioPanel.createOrShow(studio);
    }),
    registerCommand(Commands.setApiKey, log, (key?: unknown) => setApiKeyCommand(apiKeys, log, key)),
    registerCommand(Commands.clearApiKey, log, () => clearApiKeyCommand(apiKeys, log)),
    registerCommand(Commands.generateImage, log, (argument?: unknown) => generateImageCommand(generation, context.globalState, argument)),
    vscode.window.registerWebviewPanelSerializer(StudioPanel.viewType, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel) {
        StudioPanel.revive(panel, studio);
      },
    }),
    { dispose: () => StudioPanel.currentPanel?.dispose() },
    config.onDidChange((settings) => log.info(`Settings changed: region=${settings.region}`)),
  );
  log.info(`Activated in ${vscode.env.appName} ${vscode.version} (${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'})`);

  return {
    apiKeySource: async () => (await apiKeys.get())?.source,
    whenStudioReady: () =>
      StudioPanel.currentPanel?.whenReady() ?? Promise.reject(new Error('The studio is not open')),
    whenStudioJobFinished: () => {
      const panel = StudioPanel.currentPanel;
      if (!panel) return Promise.reject(new Error('The studio is not open'));
      return new Promise((resolve) => {
        const subscription = panel.onDidFinishJob((outcome) => {
          subscription.dispose();
          resolve(outcome);
        });
      });
    },
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
