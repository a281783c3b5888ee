import * as vscode from 'vscode';
import { ConfigKeys, Regions, type Region } from './constants';

/** A snapshot of the `bailian.*` settings, typed and defaulted. */
export interface Settings {
  readonly region: Region;
  /** Base URL used when `region` is `custom` (e.g. the local simulator); '' when unset. */
  readonly customBaseUrl: string;
  /** Workspace-relative folder that receives generated images. */
  readonly outputFolder: string;
}

/** Default values; they mirror the `default`s in package.json. */
export const DEFAULT_SETTINGS: Settings = {
  region: 'beijing',
  customBaseUrl: '',
  outputFolder: 'generated-images',
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
  read(): Settings {
    const section = vscode.workspace.getConfiguration(ConfigKeys.section);
    const region = section.get<string>(ConfigKeys.region, DEFAULT_SETTINGS.region);
    const outputFolder = section.get<string>(ConfigKeys.outputFolder, '').trim();
    return {
      region: isRegion(region) ? region : DEFAULT_SETTINGS.region,
      customBaseUrl: section.get<string>(ConfigKeys.customBaseUrl, '').trim(),
      outputFolder: outputFolder || DEFAULT_SETTINGS.outputFolder,
    };
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function isRegion(value: string): value is Region {
  return (Regions as readonly string[]).includes(value);
}
