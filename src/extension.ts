// Composition root: builds the services and registers one table of commands and the studio
// serializer. Nothing here touches the network or the disk; real work starts when a command runs.
import * as vscode from 'vscode';
import { editImageCommand } from './commands/edit';
import { generateImageCommand } from './commands/generate';
import { generateGuideCommand } from './commands/guide';
import { WorkspaceHistory, type Host } from './commands/host';
import { clearApiKeyCommand, setApiKeyCommand, switchRegionCommand, testApiKeyCommand } from './commands/keys';
import { insertImageLinkCommand } from './commands/links';
import { translateFolderCommand, translateImageCommand } from './commands/translate';
import { Commands } from './constants';
import { DashScopeClientProvider } from './host/clients';
import { Config } from './host/config';
import { registerCommand } from './host/errors';
import { createLog } from './host/log';
import { ApiKeyStore, type ApiKeySource } from './host/secrets';
import { StudioPanel, type StudioJobOutcome, type StudioServices } from './studio/panel';

/**
 * What `activate` returns (`extension.exports`). Deliberately small and key-free: other
 * extensions can read it, so it reports only where a key comes from, never the key.
 */
export interface BailianExtensionApi {
  /** Where the effective API key (for the current region) comes from, or undefined when none is configured. */
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
  const history = new WorkspaceHistory();
  const host: Host = { clients, config, log, apiKeys, state: context.workspaceState, history };
  const studio: StudioServices = { ...host, extensionUri: context.extensionUri, onDidChangeApiKey: apiKeys.onDidChange };

  /** Every command, in one table: id → handler (arguments as VS Code passes them). */
  const commands: Record<(typeof Commands)[keyof typeof Commands], (...args: unknown[]) => unknown> = {
    [Commands.openStudio]: () => void StudioPanel.createOrShow(studio),
    [Commands.openInStudio]: () => void StudioPanel.createOrShow(studio),
    [Commands.setApiKey]: (argument) => setApiKeyCommand(host, argument),
    [Commands.testApiKey]: (argument) => testApiKeyCommand(host, argument),
    [Commands.clearApiKey]: (argument) => clearApiKeyCommand(host, argument),
    [Commands.switchRegion]: (argument) => switchRegionCommand(host, argument),
    [Commands.generateImage]: (argument) => generateImageCommand(host, argument),
    [Commands.editImage]: (argument, selection) => editImageCommand(host, argument, selection),
    [Commands.translateImage]: (argument, selection) => translateImageCommand(host, argument, selection),
    [Commands.translateFolder]: (argument) => translateFolderCommand(host, argument),
    [Commands.generateGuide]: (argument) => generateGuideCommand(host, argument),
    [Commands.insertImageLink]: (argument) => insertImageLinkCommand(argument),
  };

  context.subscriptions.push(
    log,
    config,
    apiKeys,
    clients,
    history,
    ...Object.entries(commands).map(([id, handler]) => registerCommand(id, log, handler)),
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
    apiKeySource: async () => (await apiKeys.get(config.read().region))?.source,
    whenStudioReady: () => StudioPanel.currentPanel?.whenReady() ?? Promise.reject(new Error('The studio is not open')),
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
