import * as vscode from 'vscode';
import { ENV_API_KEY, SECRET_API_KEY } from './constants';
import type { Log } from './log';

/** Where the effective API key came from; the key itself never leaves this module's callers. */
export type ApiKeySource = 'secretStorage' | 'environment';

/** The effective DashScope API key and its origin. */
export interface ApiKey {
  readonly value: string;
  readonly source: ApiKeySource;
}

/**
 * The DashScope API key. SecretStorage wins; only when it holds nothing does the extension
 * host's `DASHSCOPE_API_KEY` apply (that is how `npm start` points at the simulator).
 * The key is never logged, never written to settings and never sent to the webview.
 */
export class ApiKeyStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscription: vscode.Disposable;

  /** Fires after the stored key was set or cleared (in this or another window). */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.subscription = secrets.onDidChange((event) => {
      if (event.key === SECRET_API_KEY) {
        this.changed.fire();
      }
    });
  }

  /** The effective key, or undefined when neither SecretStorage nor the environment has one. */
  async get(): Promise<ApiKey | undefined> {
    const stored = (await this.secrets.get(SECRET_API_KEY))?.trim();
    if (stored) {
      return { value: stored, source: 'secretStorage' };
    }
    const fromEnv = this.env[ENV_API_KEY]?.trim();
    return fromEnv ? { value: fromEnv, source: 'environment' } : undefined;
  }

  /** Stores a key in SecretStorage. */
  async set(value: string): Promise<void> {
    await this.secrets.store(SECRET_API_KEY, value.trim());
  }

  /** Removes the stored key; an environment key, if any, applies again afterwards. */
  async clear(): Promise<void> {
    await this.secrets.delete(SECRET_API_KEY);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/**
 * `bailian.setApiKey`: asks for the key in a password box, or takes it from the first
 * argument (for scripted and test use). Returns whether a key was stored.
 */
export async function setApiKeyCommand(store: ApiKeyStore, log: Log, argument?: unknown): Promise<boolean> {
  const provided = typeof argument === 'string' ? argument.trim() : undefined;
  const key =
    provided ||
    (await vscode.window.showInputBox({
      title: vscode.l10n.t('Set DashScope API Key'),
      prompt: vscode.l10n.t('Paste your DashScope API key. It is kept in VS Code secret storage.'),
      placeHolder: 'sk-…',
      password: true,
      ignoreFocusOut: true,
      validateInput: (text) => (text.trim() ? undefined : vscode.l10n.t('The API key cannot be empty.')),
    }))?.trim();
  if (!key) {
    return false;
  }
  await store.set(key);
  log.info('API key stored in secret storage');
  if (provided === undefined) {
    void vscode.window.showInformationMessage(vscode.l10n.t('DashScope API key saved.'));
  }
  return true;
}

/** `bailian.clearApiKey`: removes the stored key. */
export async function clearApiKeyCommand(store: ApiKeyStore, log: Log): Promise<void> {
  await store.clear();
  const remaining = await store.get();
  log.info(`API key removed from secret storage${remaining ? `; ${ENV_API_KEY} still applies` : ''}`);
  void vscode.window.showInformationMessage(
    remaining
      ? vscode.l10n.t('DashScope API key removed. The {0} environment variable still provides a key.', ENV_API_KEY)
      : vscode.l10n.t('DashScope API key removed.'),
  );
}
