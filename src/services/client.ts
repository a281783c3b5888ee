/**
 * The one place the extension builds its {@link DashScopeClient}: base URL from `bailian.region`
 * (+ `bailian.customBaseUrl`), key from {@link ApiKeyStore}, proxy from VS Code's `http.proxy`.
 *
 * The client is cached and re-created after a relevant setting or the stored key changed. A job
 * holds a lease for its whole run, so a settings change never closes the connection pool under a
 * running job: the stale client is closed when its last lease is released.
 */
import * as vscode from 'vscode';
import type { Config } from '../config';
import { ConfigKeys, ENV_API_KEY } from '../constants';
import { DashScopeClient, type DashScopeClientOptions, type Logger } from '../dashscope';
import type { Log } from '../log';
import type { ApiKeyStore } from '../secrets';

/** Environment variable that scales the task poll schedule (simulators with scaled timing; as in the CLI). */
export const POLL_SCALE_ENV = 'BAILIAN_POLL_SCALE';

/** No API key in secret storage nor in the environment. */
export class MissingApiKeyError extends Error {
  override readonly name = 'MissingApiKeyError';
  constructor() {
    super(vscode.l10n.t('No DashScope API key is set. Set one with "Bailian: Set API Key" (or the {0} environment variable).', ENV_API_KEY));
  }
}

/** `bailian.region` is `custom` but `bailian.customBaseUrl` is empty or not an http(s) URL. */
export class InvalidBaseUrlError extends Error {
  override readonly name = 'InvalidBaseUrlError';
  constructor(value: string) {
    super(
      value
        ? vscode.l10n.t('The setting bailian.customBaseUrl must be an http(s) URL ending in /api/v1; "{0}" is not.', value)
        : vscode.l10n.t('The region is "custom" but bailian.customBaseUrl is empty.'),
    );
  }
}

/** A client borrowed for one job; call `release` when the job is over. */
export interface ClientLease {
  readonly client: DashScopeClient;
  release(): void;
}

interface Entry {
  readonly client: DashScopeClient;
  leases: number;
  stale: boolean;
}

/** Builds the client options from settings; exported for tests of the mapping. */
export function clientOptionsFromSettings(
  settings: { region: string; customBaseUrl: string },
  apiKey: string,
  proxy: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): DashScopeClientOptions {
  const options: DashScopeClientOptions = { apiKey };
  if (settings.region === 'custom') {
    if (!/^https?:\/\/[^/\s]+/i.test(settings.customBaseUrl)) throw new InvalidBaseUrlError(settings.customBaseUrl);
    options.baseUrl = settings.customBaseUrl;
  } else {
    options.region = settings.region === 'singapore' ? 'singapore' : 'beijing';
  }
  if (proxy?.trim()) options.proxyUrl = proxy.trim();
  const scale = Number(env[POLL_SCALE_ENV] ?? '1');
  if (Number.isFinite(scale) && scale > 0 && scale !== 1) options.poll = { durationScale: scale };
  return options;
}

/** Owns the extension's DashScope client (see the module comment). */
export class DashScopeClientProvider implements vscode.Disposable {
  private current: Entry | undefined;
  private building: Promise<Entry> | undefined;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly config: Config,
    private readonly apiKeys: ApiKeyStore,
    private readonly log: Log,
    private readonly userAgent: string,
  ) {
    this.subscriptions = [
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(ConfigKeys.section) || event.affectsConfiguration('http.proxy')) this.invalidate('settings changed');
      }),
      apiKeys.onDidChange(() => this.invalidate('API key changed')),
    ];
  }

  /** Whether an API key is configured (without building a client). */
  async hasApiKey(): Promise<boolean> {
    return (await this.apiKeys.get()) !== undefined;
  }

  /** Borrows the current client. Throws {@link MissingApiKeyError} / {@link InvalidBaseUrlError}. */
  async acquire(): Promise<ClientLease> {
    let entry = this.current;
    if (!entry || entry.stale) {
      this.building ??= this.build().finally(() => (this.building = undefined));
      entry = await this.building;
    }
    entry.leases++;
    let released = false;
    return {
      client: entry.client,
      release: () => {
        if (released) return;
        released = true;
        entry.leases--;
        this.closeIfUnused(entry);
      },
    };
  }

  /** Drops the cached client; the next {@link acquire} builds a new one. */
  invalidate(reason: string): void {
    const entry = this.current;
    this.current = undefined;
    if (!entry) return;
    this.log.debug(`DashScope client will be re-created (${reason})`);
    entry.stale = true;
    this.closeIfUnused(entry);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.invalidate('extension deactivated');
  }

  private async build(): Promise<Entry> {
    const key = await this.apiKeys.get();
    if (!key) throw new MissingApiKeyError();
    const proxy = vscode.workspace.getConfiguration('http').get<string>('proxy');
    const options = clientOptionsFromSettings(this.config.read(), key.value, proxy);
    const client = new DashScopeClient({ ...options, userAgent: this.userAgent, logger: logAdapter(this.log) });
    // Never the key: only where the key came from and where requests go.
    this.log.info(`DashScope client for ${client.baseUrl} (key from ${key.source}${options.proxyUrl ? ', via the http.proxy setting' : ''})`);
    const entry: Entry = { client, leases: 0, stale: false };
    this.current = entry;
    return entry;
  }

  private closeIfUnused(entry: Entry): void {
    if (entry.stale && entry.leases === 0) {
      entry.client.close().catch((error: unknown) => this.log.warn('Closing the DashScope client failed:', error));
    }
  }
}

/** The client's logger on the extension's LogOutputChannel (the client never logs the key). */
function logAdapter(log: Log): Logger {
  const line = (message: string, fields?: Record<string, unknown>): string => (fields && Object.keys(fields).length ? `${message} ${JSON.stringify(fields)}` : message);
  return {
    debug: (message, fields) => log.debug(line(message, fields)),
    info: (message, fields) => log.info(line(message, fields)),
    warn: (message, fields) => log.warn(line(message, fields)),
    error: (message, fields) => log.error(line(message, fields)),
  };
}
