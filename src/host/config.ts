import * as vscode from 'vscode';
import { ConfigKeys, Regions, type Region } from '../constants';

/** A snapshot of the `bailian.*` settings, typed and defaulted. */
export interface Settings {
  readonly region: Region;
  /** Base URL used when `region` is `custom` (e.g. the local simulator); '' when unset. */
  readonly customBaseUrl: string;
  /** Output-folder template for generate, edit and guides (src/pipeline/outputTemplate.ts). */
  readonly outputFolder: string;
  /** Output-folder template for translations; by default next to the original. */
  readonly translationOutputFolder: string;
  /** Per-region base URL overrides (gateways, proxies, the simulator); empty for the official endpoints. */
  readonly regionBaseUrls: Readonly<Partial<Record<'beijing' | 'singapore' | 'us', string>>>;
  /** Workspace-relative glossary file for translations. */
  readonly glossaryFile: string;
  /** Above this estimate (CNY) a run that makes several images asks first. */
  readonly costConfirmThreshold: number;
  /** Whether the agent tools ask before each run. */
  readonly agentToolsConfirm: boolean;
}

/**
 * Settings that decide where the API key is sent, or whether the user is asked before money is
 * spent. package.json declares them `"scope": "application"`, so VS Code takes them from the
 * user's own settings only; {@link Config.read} reads them from there explicitly too, so a
 * workspace (even a trusted one: most people trust what they clone) can never change them.
 */
export const USER_ONLY_SETTINGS = [ConfigKeys.customBaseUrl, ConfigKeys.regionBaseUrls, ConfigKeys.costConfirmThreshold, ConfigKeys.agentToolsConfirm] as const;

/** Default values; they mirror the `default`s in package.json. */
export const DEFAULT_SETTINGS: Settings = {
  region: 'beijing',
  customBaseUrl: '',
  outputFolder: 'generated-images',
  translationOutputFolder: '${fileDirname}',
  regionBaseUrls: {},
  glossaryFile: '.bailian/glossary.txt',
  costConfirmThreshold: 2,
  agentToolsConfirm: true,
};

/** The value the user's own settings give (or the default); workspace and folder values never count. */
function userValue<T>(section: vscode.WorkspaceConfiguration, key: string): T | undefined {
  const inspected = section.inspect<T>(key);
  return inspected?.globalValue ?? inspected?.defaultValue;
}

/**
 * Typed access to the `bailian.*` settings. Reads are always fresh; `onDidChange` fires only
 * when a `bailian.*` setting changed, so listeners need not filter.
 */
export class Config implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Settings>();
  private readonly subscription: vscode.Disposable;

  /** Fires with the new settings after any `bailian.*` setting changed. */
  readonly onDidChange = this.changed.event;

  constructor() {
    this.subscription = vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration(ConfigKeys.section)) {
        this.changed.fire(this.read());
      }
    });
  }

  /** Current settings; invalid values fall back to the defaults. */
  read(scope?: vscode.Uri): Settings {
    const section = vscode.workspace.getConfiguration(ConfigKeys.section, scope);
    const region = section.get<string>(ConfigKeys.region, DEFAULT_SETTINGS.region);
    const text = (key: string, fallback: string): string => section.get<string>(key, '').trim() || fallback;
    const urls = userValue<Record<string, unknown>>(section, ConfigKeys.regionBaseUrls) ?? {};
    const regionBaseUrls: Partial<Record<'beijing' | 'singapore' | 'us', string>> = {};
    for (const r of ['beijing', 'singapore', 'us'] as const) {
      const value = typeof urls === 'object' ? urls[r] : undefined;
      if (typeof value === 'string' && value.trim()) regionBaseUrls[r] = value.trim();
    }
    return {
      region: isRegion(region) ? region : DEFAULT_SETTINGS.region,
      customBaseUrl: (userValue<string>(section, ConfigKeys.customBaseUrl) ?? '').trim(),
      outputFolder: text(ConfigKeys.outputFolder, DEFAULT_SETTINGS.outputFolder),
      translationOutputFolder: text(ConfigKeys.translationOutputFolder, DEFAULT_SETTINGS.translationOutputFolder),
      regionBaseUrls,
      glossaryFile: text(ConfigKeys.glossaryFile, DEFAULT_SETTINGS.glossaryFile),
      costConfirmThreshold: nonNegative(userValue<unknown>(section, ConfigKeys.costConfirmThreshold)) ?? DEFAULT_SETTINGS.costConfirmThreshold,
      agentToolsConfirm: userValue<unknown>(section, ConfigKeys.agentToolsConfirm) !== false,
    };
  }

  /** Changes the region where the user keeps it (workspace if set there, else user settings). */
  async setRegion(region: Region): Promise<void> {
    const section = vscode.workspace.getConfiguration(ConfigKeys.section);
    const inspected = section.inspect<string>(ConfigKeys.region);
    const target = inspected?.workspaceValue !== undefined ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    await section.update(ConfigKeys.region, region, target);
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function nonNegative(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function isRegion(value: string): value is Region {
  return (Regions as readonly string[]).includes(value);
}
