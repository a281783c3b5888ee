// Every identifier the extension shares with package.json, the webview host and the tests.
// package.json `contributes` must use the same strings; test/unit/manifest.test.ts checks that.

/** Command ids, all under the `Bailian` category in package.json. */
export const Commands = {
  openStudio: 'bailian.openStudio',
  openInStudio: 'bailian.openInStudio',
  setApiKey: 'bailian.setApiKey',
  testApiKey: 'bailian.testApiKey',
  clearApiKey: 'bailian.clearApiKey',
  switchRegion: 'bailian.switchRegion',
  generateImage: 'bailian.generateImage',
  generateFromPreset: 'bailian.generateFromPreset',
  editImage: 'bailian.editImage',
  translateImage: 'bailian.translateImage',
  translateFolder: 'bailian.translateFolder',
  upscaleImage2x: 'bailian.upscaleImage2x',
  upscaleImage4x: 'bailian.upscaleImage4x',
  extendImage: 'bailian.extendImage',
  removeText: 'bailian.removeText',
  colorizeImage: 'bailian.colorizeImage',
  restyleImage: 'bailian.restyleImage',
  replaceBackground: 'bailian.replaceBackground',
  upscaleFolder: 'bailian.upscaleFolder',
  extendFolder: 'bailian.extendFolder',
  generateGuide: 'bailian.generateGuide',
  insertImageLink: 'bailian.insertImageLink',
  showJobs: 'bailian.showJobs',
  showSpend: 'bailian.showSpend',
  regenerateImage: 'bailian.regenerateImage',
  imageVariations: 'bailian.imageVariations',
  openSettingsInStudio: 'bailian.openSettingsInStudio',
  copyAsCliCommand: 'bailian.copyAsCliCommand',
  /** Never runs (`enablement: false`): the Explorer's greyed entry on an image without a generation record. */
  noGenerationRecord: 'bailian.noGenerationRecord',
} as const;

/** Context keys the extension sets (package.json `when` clauses read them). */
export const ContextKeys = {
  /**
   * The workspace images known to carry provenance: an object whose keys are their
   * `resourcePath` (the file path for `file:` resources, else `Uri.path`), for
   * `resourcePath in bailian.provenanceFiles`.
   */
  provenanceFiles: 'bailian.provenanceFiles',
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
  translationOutputFolder: 'translationOutputFolder',
  regionBaseUrls: 'regionBaseUrls',
  glossaryFile: 'glossaryFile',
  agentToolsConfirm: 'agentTools.confirm',
  costConfirmThreshold: 'costConfirmThreshold',
} as const;

/** The regions `bailian.region` accepts, in the order package.json lists them. */
export const Regions = ['beijing', 'singapore', 'us', 'custom'] as const;
/** A value of `bailian.region`. */
export type Region = (typeof Regions)[number];

/**
 * Key of the API key inside the extension's SecretStorage: one per region (`…ApiKey.beijing`),
 * because a key belongs to one region. The bare key is the single key of version 0.1, still read
 * as a fallback for every region.
 */
export const SECRET_API_KEY = 'bailian.dashscopeApiKey';
/** SecretStorage key of a region's API key. */
export const secretKeyOf = (region: string): string => `${SECRET_API_KEY}.${region}`;

/** Image file extensions the models accept as input (Explorer menus, pickers). */
export const IMAGE_EXTENSIONS = ['png', 'jpg', 'jpeg', 'bmp', 'webp', 'tiff', 'tif', 'gif'] as const;

/**
 * Environment variable read when SecretStorage holds no key. `npm start` sets it on the
 * code-server process so the extension host talks to the local simulator.
 */
export const ENV_API_KEY = 'DASHSCOPE_API_KEY';

/** Multiplies every model's typical duration in the poll schedule (simulators with scaled timing); the CLI and the extension read it. */
export const POLL_SCALE_ENV = 'BAILIAN_POLL_SCALE';

/** Name of the extension's single log output channel. */
export const LOG_CHANNEL_NAME = 'Bailian Image Studio';

/** Agent tool names, as package.json `languageModelTools` declares them. */
export const Tools = {
  generateImage: 'bailian_generate_image',
  translateImage: 'bailian_translate_image',
  processImage: 'bailian_process_image',
} as const;

/** workspaceState key of the persisted async tasks (read at activation to decide whether to resume). */
export const TASKS_STATE_KEY = 'bailian.tasks';

/** workspaceState key of the guide documents still being streamed (marked interrupted after a reload). */
export const STREAMS_STATE_KEY = 'bailian.streams';
