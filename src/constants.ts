// Every identifier the extension shares with package.json, the webview host and the tests.
// package.json `contributes` must use the same strings; test/unit/manifest.test.ts checks that.

/** Command ids, all under the `Bailian` category in package.json. */
export const Commands = {
  openStudio: 'bailian.openStudio',
  setApiKey: 'bailian.setApiKey',
  clearApiKey: 'bailian.clearApiKey',
  generateImage: 'bailian.generateImage',
} as const;

/** Webview panel view types (also the `onWebviewPanel:` activation event). */
export const ViewTypes = {
  studio: 'bailian.studio',
} as const;

/** The settings section and its keys, relative to the section. */
export const ConfigKeys = {
  section: 'bailian',
  region: 'region',
  customBaseUrl: 'customBaseUrl',
  outputFolder: 'outputFolder',
} as const;

/** The regions `bailian.region` accepts, in the order package.json lists them. */
export const Regions = ['beijing', 'singapore', 'custom'] as const;
/** A value of `bailian.region`. */
export type Region = (typeof Regions)[number];

/** Key of the API key inside the extension's SecretStorage. */
export const SECRET_API_KEY = 'bailian.dashscopeApiKey';

/**
 * Environment variable read when SecretStorage holds no key. `npm start` sets it on the
 * code-server process so the extension host talks to the local simulator.
 */
export const ENV_API_KEY = 'DASHSCOPE_API_KEY';

/** Name of the extension's single log output channel. */
export const LOG_CHANNEL_NAME = 'Bailian Image Studio';
