/**
 * The one place the extension builds its {@link DashScopeClient}: base URL from `bailian.region`
 * (+ `bailian.customBaseUrl`), key from {@link ApiKeyStore}, proxy from VS Code's `http.proxy`.
 *
 * The client is cached and re-created after a relevant setting or the stored key changed. A job
 * holds a lease for its whole run, so a settings change never closes the connection pool under a
 * running job: the stale client is closed when its last lease is released.
 */
import * as vscode from 'vscode';
import { randomUUID } from 'node:crypto';
import { ConfigKeys, ENV_API_KEY, POLL_SCALE_ENV, type Region } from '../constants';
import { DashScopeClient, DashScopeError, REGION_BASE_URLS, assembleClientOptions, type AccountPacing, type ClientSetup, type DashScopeClientOptions, type DurationStore, type Logger } from '../dashscope';
import type { Config, Settings } from './config';
import { ActionableError } from './errors';
import type { Log } from './log';
import type { ApiKeyStore } from './secrets';
import { IgnoredSettingsNotifier } from './workspaceSettings';


/** In the test mode only: JSON `{ region: baseUrl }` standing in for the official endpoints (the simulator). */
export const TEST_OFFICIAL_ENDPOINTS_ENV = 'BAILIAN_TEST_OFFICIAL_ENDPOINTS';

/** No API key in secret storage nor in the environment. */
export class MissingApiKeyError extends ActionableError {
  constructor() {
    super('MissingApiKeyError', vscode.l10n.t('No DashScope API key is set. Set one with "Bailian: Set API Key" (or the {0} environment variable).', ENV_API_KEY), ['setApiKey']);
  }
}

/** A base URL setting that is empty, not a URL, or would send the key unencrypted (see dashscope/endpoints.ts). */
export class InvalidBaseUrlError extends ActionableError {
  constructor(setting: string, value: string, reason?: string) {
    super(
      'InvalidBaseUrlError',
      value
        ? vscode.l10n.t('The setting {0} cannot be used: {1}.', setting, reason ?? value)
        : vscode.l10n.t('The region is "custom" but bailian.customBaseUrl is empty.'),
      ['openSettings'],
    );
  }
}

/** What a key check found: accepted, refused (401), or it could not tell (network …). */
export type KeyCheck = { readonly status: 'valid' } | { readonly status: 'invalid' } | { readonly status: 'unknown'; readonly error: unknown };

/** The service regions (not `custom`). */
export const SERVICE_REGIONS = ['beijing', 'singapore', 'us'] as const;
export type ServiceRegion = (typeof SERVICE_REGIONS)[number];

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

/** Where the settings send the key: the region (with its `bailian.regionBaseUrls` override) or the custom endpoint. */
function endpointFromSettings(settings: Pick<Settings, 'region' | 'customBaseUrl'> & Partial<Pick<Settings, 'regionBaseUrls'>>): Pick<ClientSetup, 'region' | 'baseUrl'> {
  if (settings.region === 'custom') return { baseUrl: { value: settings.customBaseUrl, from: 'bailian.customBaseUrl' } };
  const override = settings.regionBaseUrls?.[settings.region];
  return { region: settings.region, ...(override ? { baseUrl: { value: override, from: `bailian.regionBaseUrls.${settings.region}` } } : {}) };
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
    /**
     * The job manager's account limits: every client built here polls within the one account-wide
     * query budget, and its 429s slow every job down (the limits are per account, not per client).
     */
    private readonly limits?: AccountPacing,
    /** What the account's tasks took, per model: the poll schedule learns from it and adds to it. */
    private readonly durations?: DurationStore,
    /**
     * Where "does this key belong to another region?" probes go: the official endpoints, never a
     * settings override (the integration tests point them at the simulator in the test mode).
     */
    private readonly officialEndpoints: Readonly<Record<ServiceRegion, string>> = REGION_BASE_URLS,
    /** Says when the workspace's settings files try to set what only the user may. */
    readonly ignoredSettings: IgnoredSettingsNotifier = new IgnoredSettingsNotifier(log),
  ) {
    this.subscriptions = [
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration(ConfigKeys.section) || event.affectsConfiguration('http.proxy')) this.invalidate('settings changed');
      }),
      apiKeys.onDidChange(() => this.invalidate('API key changed')),
    ];
  }

  /** Whether an API key is configured for the current region (without building a client). */
  async hasApiKey(): Promise<boolean> {
    return (await this.apiKeys.get(this.config.read().region)) !== undefined;
  }

  /**
   * Checks a key against a region with a call that costs nothing: querying a task id that cannot
   * exist answers `UNKNOWN` with a valid key and 401 `InvalidApiKey` with an invalid one (§5).
   * `where: 'settings'` asks the region as the user's settings reach it (the key is meant for it);
   * `'official'` asks the region's official endpoint, the only place a key meant for another
   * region may be tried.
   */
  async checkKey(region: Region, key: string, where: 'settings' | 'official' = 'settings'): Promise<KeyCheck> {
    let client: DashScopeClient;
    try {
      const endpoint =
        where === 'official' && region !== 'custom'
          ? { region, baseUrl: { value: this.officialEndpoints[region], from: `the official ${region} endpoint` } }
          : endpointFromSettings({ ...this.config.read(), region });
      client = new DashScopeClient(this.clientOptions(endpoint, key, { retry: { maxRetries: 1 } }));
    } catch (error) {
      return { status: 'unknown', error };
    }
    try {
      await client.getTask(`bailian-key-check-${randomUUID()}`, { signal: AbortSignal.timeout(15_000) });
      return { status: 'valid' };
    } catch (error) {
      if (error instanceof DashScopeError && (error.httpStatus === 401 || error.code === 'InvalidApiKey')) return { status: 'invalid' };
      return { status: 'unknown', error };
    } finally {
      await client.close().catch(() => undefined);
    }
  }

  /** The other service region whose endpoint accepts the current key, if any (for "Switch to …"). */
  async regionAcceptingCurrentKey(): Promise<ServiceRegion | undefined> {
    const settings = this.config.read();
    // A custom endpoint's key is the user's business with that endpoint; it is not tried elsewhere.
    if (settings.region === 'custom') return undefined;
    const key = await this.apiKeys.get(settings.region);
    if (!key) return undefined;
    for (const region of SERVICE_REGIONS) {
      if (region === settings.region) continue;
      if ((await this.checkKey(region, key.value, 'official')).status === 'valid') return region;
    }
    return undefined;
  }

  /** Borrows the current client. Throws {@link MissingApiKeyError} / {@link InvalidBaseUrlError}. */
  async acquire(): Promise<ClientLease> {
    await this.ignoredSettings.check();
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
    const settings = this.config.read();
    const key = await this.apiKeys.get(settings.region);
    if (!key) throw new MissingApiKeyError();
    const options = this.clientOptions(endpointFromSettings(settings), key.value, { durations: this.durations, account: this.limits, logger: logAdapter(this.log) });
    const client = new DashScopeClient(options);
    // Never the key: only where the key came from and where requests go.
    this.log.info(`DashScope client for ${client.baseUrl} (region ${settings.region}, key from ${key.source}${options.proxyUrl ? ', via the http.proxy setting' : ''})`);
    const entry: Entry = { client, leases: 0, stale: false };
    this.current = entry;
    return entry;
  }

  /**
   * The options of a client for `endpoint` with `key`, through VS Code's `http.proxy`; an address
   * that cannot carry the key is an {@link InvalidBaseUrlError} naming its setting.
   */
  private clientOptions(endpoint: Pick<ClientSetup, 'region' | 'baseUrl'>, key: string, more: Partial<ClientSetup>): DashScopeClientOptions {
    const proxy = vscode.workspace.getConfiguration('http').get<string>('proxy');
    const assembled = assembleClientOptions({ ...endpoint, apiKey: key, proxy, pollScale: process.env[POLL_SCALE_ENV], userAgent: this.userAgent, ...more });
    if (!assembled.ok) throw new InvalidBaseUrlError(assembled.from, assembled.value, assembled.reason);
    return assembled.options;
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
