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
}

/** Default values; they mirror the `default`s in package.json. */
export const DEFAULT_SETTINGS: Settings = {
  region: 'beijing',
  customBaseUrl: '',
  outputFolder: 'generated-images',
  translationOutputFolder: '${fileDirname}',
  regionBaseUrls: {},
  glossaryFile: '.bailian/glossary.txt',
};

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
    const urls = section.get<Record<string, unknown>>(ConfigKeys.regionBaseUrls, {}) ?? {};
    const regionBaseUrls: Partial<Record<'beijing' | 'singapore' | 'us', string>> = {};
    for (const r of ['beijing', 'singapore', 'us'] as const) {
      const value = urls[r];
      if (typeof value === 'string' && value.trim()) regionBaseUrls[r] = value.trim();
    }
    return {
      region: isRegion(region) ? region : DEFAULT_SETTINGS.region,
      customBaseUrl: section.get<string>(ConfigKeys.customBaseUrl, '').trim(),
      outputFolder: text(ConfigKeys.outputFolder, DEFAULT_SETTINGS.outputFolder),
      translationOutputFolder: text(ConfigKeys.translationOutputFolder, DEFAULT_SETTINGS.translationOutputFolder),
      regionBaseUrls,
      glossaryFile: text(ConfigKeys.glossaryFile, DEFAULT_SETTINGS.glossaryFile),
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

function isRegion(value: string): value is Region {
  return (Regions as readonly string[]).includes(value);
}
