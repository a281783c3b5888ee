import * as vscode from 'vscode';
import { ENV_API_KEY, SECRET_API_KEY, secretKeyOf, type Region } from '../constants';

/** Where the effective API key came from; the key itself never leaves this module's callers. */
export type ApiKeySource = 'secretStorage' | 'environment';

/** The effective DashScope API key and its origin. */
export interface ApiKey {
  readonly value: string;
  readonly source: ApiKeySource;
}

/**
 * The DashScope API keys, one per region (a key belongs to one region). SecretStorage wins; the
 * single key of version 0.1 applies to every service region that has none; only when SecretStorage holds
 * nothing does the extension host's `DASHSCOPE_API_KEY` apply (that is how `npm start` points at
 * the simulator). Keys are never logged, never written to settings and never sent to the webview.
 */
export class ApiKeyStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscription: vscode.Disposable;

  /** Fires after a stored key was set or cleared (in this or another window). */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.subscription = secrets.onDidChange((event) => {
      if (event.key === SECRET_API_KEY || event.key.startsWith(`${SECRET_API_KEY}.`)) this.changed.fire();
    });
  }

  /**
   * The effective key for a region, or undefined when none is configured. The `custom` region
   * gets only the key stored for it (or the environment's): the address it points at is not
   * DashScope's own, so a key stored for a service region, or the 0.1 single key, never goes there.
   */
  async get(region: Region): Promise<ApiKey | undefined> {
    const own = (await this.secrets.get(secretKeyOf(region)))?.trim();
    const stored = own || (region === 'custom' ? undefined : (await this.secrets.get(SECRET_API_KEY))?.trim());
    if (stored) return { value: stored, source: 'secretStorage' };
    const fromEnv = this.env[ENV_API_KEY]?.trim();
    return fromEnv ? { value: fromEnv, source: 'environment' } : undefined;
  }

  /** Whether a key is stored for the region itself (not the fallback). */
  async hasOwn(region: Region): Promise<boolean> {
    return Boolean((await this.secrets.get(secretKeyOf(region)))?.trim());
  }

  /** Stores a region's key in SecretStorage. */
  async set(region: Region, value: string): Promise<void> {
    await this.secrets.store(secretKeyOf(region), value.trim());
  }

  /** Removes a region's stored key (and the 0.1 single key, which would otherwise still apply). */
  async clear(region: Region): Promise<void> {
    await this.secrets.delete(secretKeyOf(region));
    await this.secrets.delete(SECRET_API_KEY);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
