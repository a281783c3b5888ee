// The studio's host ⇄ webview message contract. Both sides import this module (the webview
// bundle included), so it must not import `vscode` or Node built-ins. Every inbound message is
// `safeParse`d by its receiver; senders build messages that `satisfies` the inferred types.
//
// Handshake: the webview posts `ready` once its script runs (and again after a reload); the
// host answers with one `init` that carries all state the webview needs, so the webview never
// renders from guesses.
//
// A generation: `generate` → `progress`* → `result` | `error` | `cancelled`. The webview may
// post `cancel` at any time in between. Results carry webview URIs of the SAVED local files
// (never DashScope's expiring URLs) and workspace-relative paths.
import { z } from 'zod';

/** Localized UI strings, computed by the host with `vscode.l10n.t` and sent in `init`. */
export const StudioStrings = z.object({
  title: z.string(),
  promptLabel: z.string(),
  promptPlaceholder: z.string(),
  modelLabel: z.string(),
  sizeLabel: z.string(),
  countLabel: z.string(),
  seedLabel: z.string(),
  seedPlaceholder: z.string(),
  negativePromptLabel: z.string(),
  negativePromptPlaceholder: z.string(),
  generate: z.string(),
  cancel: z.string(),
  open: z.string(),
  seedValue: z.string(),
  noApiKey: z.string(),
  invalidSeed: z.string(),
  requestId: z.string(),
});
export type StudioStrings = z.infer<typeof StudioStrings>;

/** A model the studio offers, with the controls the catalog allows for it. */
export const ModelOption = z.object({
  id: z.string().min(1),
  label: z.string().min(1),
  /** Sizes to offer (`W*H` or presets); empty when the model takes no size. */
  sizes: z.array(z.string()),
  defaultSize: z.string().optional(),
  n: z.object({ min: z.number().int().min(1), max: z.number().int().min(1) }),
  /** Whether the model takes a seed. */
  seed: z.boolean(),
  /** Present when the model takes a negative prompt. */
  negativePromptMaxLength: z.number().int().positive().optional(),
});
export type ModelOption = z.infer<typeof ModelOption>;

/** Largest seed any model accepts (catalog SEED_MAX). */
const SEED_LIMIT = 2147483647;

/** What the studio asks the host to generate; the host validates it again against the catalog. */
export const GenerateParams = z.object({
  prompt: z.string().trim().min(1).max(8000),
  model: z.string().min(1).max(100),
  size: z.string().min(1).max(20).optional(),
  n: z.number().int().min(1).max(16).optional(),
  seed: z.number().int().min(0).max(SEED_LIMIT).optional(),
  negativePrompt: z.string().max(8000).optional(),
});
export type GenerateParams = z.infer<typeof GenerateParams>;

/** Messages from the webview to the extension host. */
export const WebviewMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('generate'), params: GenerateParams }),
  z.object({ type: z.literal('cancel') }),
  /** Open a saved image: a workspace folder index and a path relative to that folder. */
  z.object({ type: z.literal('openImage'), folderIndex: z.number().int().min(0), path: z.string().min(1).max(4000) }),
]);
export type WebviewMessage = z.infer<typeof WebviewMessage>;

/** One saved image as the studio shows it. */
export const StudioImage = z.object({
  /** `webview.asWebviewUri` of the saved file (served from localResourceRoots). */
  src: z.string(),
  /** Path for display, workspace-relative where possible. */
  displayPath: z.string(),
  /** Where to find it again for `openImage`; absent for files outside the workspace. */
  location: z.object({ folderIndex: z.number().int().min(0), path: z.string() }).optional(),
  width: z.number(),
  height: z.number(),
  seed: z.number().optional(),
});
export type StudioImage = z.infer<typeof StudioImage>;

/** What the user can do about an error, offered as a button (notifications and the studio alike). */
export const ErrorAction = z.enum(['setApiKey', 'switchRegion', 'openSettings', 'showLog', 'saveAs']);
export type ErrorAction = z.infer<typeof ErrorAction>;

/**
 * An error as plain data — the ONE summary type for notifications, the studio and tests: what
 * happened, what to do, the request id for support, and the buttons that fix it. Never contains
 * the key (DashScope messages never echo it, and ours are built from constants).
 */
export const ErrorSummary = z.object({
  /** `DashScopeError`, `RequestValidationError`, `MissingApiKeyError` … */
  name: z.string(),
  /** DashScope's code (`InvalidApiKey`), when there is one. */
  code: z.string().optional(),
  message: z.string(),
  /** What to do next. */
  hint: z.string().optional(),
  requestId: z.string().optional(),
  taskId: z.string().optional(),
  /** Validation problems, one sentence each, with the field they concern. */
  issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  actions: z.array(ErrorAction),
  /** For `switchRegion`: the region the key belongs to. */
  switchTo: z.string().optional(),
});
export type ErrorSummary = z.infer<typeof ErrorSummary>;
/** The studio's name for {@link ErrorSummary}. */
export const StudioError = ErrorSummary;
export type StudioError = ErrorSummary;

/** Messages from the extension host to the webview. */
export const HostMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('init'),
    strings: StudioStrings,
    models: z.array(ModelOption).min(1),
    /** Whether an API key is configured. The key itself never crosses into the webview. */
    hasApiKey: z.boolean(),
  }),
  z.object({ type: z.literal('apiKey'), hasApiKey: z.boolean() }),
  z.object({
    type: z.literal('notice'),
    level: z.enum(['info', 'warning', 'error']),
    text: z.string(),
  }),
  /** A job is running; `text` says what it is doing. */
  z.object({ type: z.literal('progress'), text: z.string() }),
  z.object({ type: z.literal('result'), text: z.string(), images: z.array(StudioImage) }),
  z.object({ type: z.literal('error'), error: StudioError }),
  z.object({ type: z.literal('cancelled'), text: z.string() }),
]);
export type HostMessage = z.infer<typeof HostMessage>;

/** The webview's persisted state (vscode.setState), restored when the panel is revived. */
export const StudioViewState = z.object({
  prompt: z.string().default(''),
  model: z.string().optional(),
  size: z.string().optional(),
  n: z.number().optional(),
  seed: z.string().optional(),
  negativePrompt: z.string().optional(),
});
export type StudioViewState = z.infer<typeof StudioViewState>;
