// The studio's host ⇄ webview message contract. Both sides import this module (the webview
// bundle included), so it must not import `vscode` or Node built-ins, and it uses `zod/mini`
// (tree-shakable; the full zod would be most of the webview bundle). Every inbound message is
// `safeParse`d by its receiver; senders build messages that `satisfies` the inferred types.
// What only the host needs (the schemas of the webview's messages, the string keys) is built in
// a `/* @__PURE__ */` function called at once: esbuild drops such a call when its value is
// unused, which a plain `z.object(...)` with checks inside it never is (the webview's bundle has
// a size budget; a test checks they stay out of it).
//
// Handshake: the webview posts `ready` once it has drawn (and again after a reload or a tab
// switch, since the studio does not use retainContextWhenHidden); the host answers with one
// `init` that carries all state the webview needs, including a snapshot of every job this panel
// ran, so results that arrived while the tab was hidden are not lost.
//
// A run: the webview picks a job id and posts `run`; the host answers with `job` messages that
// each carry the job's full snapshot (status, progress text, images, guide segments, error).
// `cancel` names the job. Results carry webview URIs of the SAVED local files (never
// DashScope's expiring URLs) and workspace-relative locations the host resolves again.
import * as z from 'zod/mini';
import { EXTRA_MODEL_FIELDS, EXTRA_RUN_FIELDS, PixelsRule } from './extraOptions';
import { RetouchOperationData, RetouchRun } from './retouch';
import type { StringKey } from './stringKeys';

export { STRING_KEYS, type StringKey } from './stringKeys';

/** The studio's modes; each lists the catalog models of one task. */
export const StudioMode = z.enum(['generate', 'edit', 'translate', 'guide', 'retouch']);
export type StudioMode = z.infer<typeof StudioMode>;

/** Localized UI strings, computed by the host and sent in `init`. */
export const StudioStrings = z.record(z.string(), z.string());
export type StudioStrings = Record<StringKey, string>;

/** The catalog's size rule, as plain data (the webview checks custom sizes with it). */
export const SizeRuleData = z.union([
  z.object({ kind: z.literal('list'), sizes: z.array(z.string()), default: z.string() }),
  PixelsRule,
  z.object({ kind: z.literal('sides'), minSide: z.number(), maxSide: z.number(), default: z.nullable(z.string()), recommended: z.array(z.string()) }),
  z.object({ kind: z.literal('none') }),
]);
export type SizeRuleData = z.infer<typeof SizeRuleData>;

/** A model's input-image limits (catalog `images` rule). */
export const InputLimits = z.object({
  min: z.number(),
  max: z.number(),
  formats: z.array(z.string()),
  minSide: z.number(),
  maxSide: z.number(),
  maxBytes: z.number(),
  /** false for wan2.6-image: PNGs with an alpha channel are refused. */
  alphaAllowed: z.boolean(),
});
export type InputLimits = z.infer<typeof InputLimits>;

const IntRange = z.object({ min: z.number(), max: z.number() });

/** A model the studio offers, with the controls the catalog allows for it. */
export const ModelOption = z.object({
  id: z.string().check(z.minLength(1)),
  label: z.string().check(z.minLength(1)),
  /** One line on what the model is good at. */
  description: z.string(),
  mode: StudioMode,
  /** Sizes to offer (`W*H` or presets); empty when the model takes no size. */
  sizes: z.array(z.string()),
  defaultSize: z.optional(z.string()),
  sizeRule: SizeRuleData,
  n: IntRange,
  /** Whether the model takes a seed. */
  seed: z.boolean(),
  /** Present when the model takes a negative prompt. */
  negativePromptMaxLength: z.optional(z.number()),
  promptMaxLength: z.number(),
  promptRequired: z.boolean(),
  /** Present when the model takes prompt_extend: its default. */
  promptExtend: z.optional(z.boolean()),
  watermark: z.boolean(),
  /** Interleave: the max_images range and default. */
  maxImages: z.optional(z.object({ min: z.number(), max: z.number(), default: z.number() })),
  inputs: z.optional(InputLimits),
  ...EXTRA_MODEL_FIELDS,
});
export type ModelOption = z.infer<typeof ModelOption>;

/** Largest seed any model accepts (catalog SEED_MAX). */
export const SEED_LIMIT = 2147483647;

/** A file inside a workspace folder, as the webview names it (resolved again by the host). */
export const WorkspaceLocation = z.object({
  folderIndex: z.number().check(z.int(), z.minimum(0)),
  path: z.string().check(z.minLength(1), z.maxLength(4000)),
});
export type WorkspaceLocation = z.infer<typeof WorkspaceLocation>;

/** One glossary term. */
export const Term = z.object({ src: z.string().check(z.maxLength(500)), tgt: z.string().check(z.maxLength(500)) });
export type Term = z.infer<typeof Term>;

/** Translate mode's options. */
export const TranslateParams = /* @__PURE__ */ (() => z.object({
  sourceLang: z.string().check(z.minLength(1), z.maxLength(20)),
  targetLang: z.string().check(z.minLength(1), z.maxLength(20)),
  domainHint: z.optional(z.string().check(z.maxLength(2000))),
  sensitives: z.optional(z.array(z.string().check(z.maxLength(200))).check(z.maxLength(200))),
  terms: z.optional(z.array(Term).check(z.maxLength(2000))),
}))();
export type TranslateParams = z.infer<typeof TranslateParams>;

/** What the studio asks the host to run; the host validates it again against the catalog. */
export const RunParams = /* @__PURE__ */ (() => z.object({
  mode: StudioMode,
  model: z.string().check(z.minLength(1), z.maxLength(100)),
  prompt: z.optional(z.string().check(z.maxLength(8000))),
  size: z.optional(z.string().check(z.minLength(1), z.maxLength(20))),
  n: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(16))),
  seed: z.optional(z.number().check(z.int(), z.minimum(0), z.maximum(SEED_LIMIT))),
  negativePrompt: z.optional(z.string().check(z.maxLength(8000))),
  promptExtend: z.optional(z.boolean()),
  watermark: z.optional(z.boolean()),
  maxImages: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(16))),
  /** Input images in order (edit, translate, guide). */
  inputs: z.optional(z.array(WorkspaceLocation).check(z.maxLength(16))),
  translation: z.optional(TranslateParams),
  /** Retouch: the operation, its options and the painted mask; the image is `inputs[0]`. */
  retouch: z.optional(RetouchRun),
  /** The preset the form was filled from, with its blanks' values (provenance and history record it). */
  preset: z.optional(
    z.object({ name: z.string().check(z.minLength(1), z.maxLength(80)), blanks: z.record(z.string().check(z.maxLength(100)), z.string().check(z.maxLength(2000))), template: z.optional(z.string().check(z.maxLength(8000))) }),
  ),
  ...EXTRA_RUN_FIELDS,
}))();
export type RunParams = z.infer<typeof RunParams>;

/** A job id the webview picks (unique per panel). */
export const JobId = z.string().check(z.minLength(1), z.maxLength(64), z.regex(/^[A-Za-z0-9_-]+$/));

/** Largest pasted image, base64 (≈10 MB of bytes, the edit models' per-image limit). */
export const MAX_PASTE_BASE64 = Math.ceil((10 * 1024 * 1024) / 3) * 4;

/** What the user can do about an error, offered as a button (notifications and the studio alike). */
export const ErrorAction = z.enum(['setApiKey', 'switchRegion', 'openSettings', 'showLog', 'saveAs']);
export type ErrorAction = z.infer<typeof ErrorAction>;

/** Actions on one saved file. */
export const FileAction = /* @__PURE__ */ (() => z.enum(['open', 'reveal', 'insertLink', 'copyPath']))();
export type FileAction = z.infer<typeof FileAction>;

/**
 * Messages from the webview to the extension host. Built in a pure-annotated function: the
 * webview only sends them (typed by this schema) and never parses one, so its bundle drops the
 * schema and does not build it before its first paint.
 */
export const WebviewMessage = /* @__PURE__ */ (() =>
  z.discriminatedUnion('type', [
    z.object({ type: z.literal('ready') }),
    z.object({ type: z.literal('run'), jobId: JobId, params: RunParams }),
    z.object({ type: z.literal('cancel'), jobId: JobId }),
    /** Open / reveal / link a saved file. */
    z.object({ type: z.literal('file'), action: FileAction, location: WorkspaceLocation }),
    z.object({ type: z.literal('copyText'), text: z.string().check(z.maxLength(20000)) }),
    /** One of an error's buttons; `switchTo` for switchRegion. */
    z.object({ type: z.literal('errorAction'), action: ErrorAction, switchTo: z.optional(z.string().check(z.maxLength(40))) }),
    z.object({ type: z.literal('listImages') }),
    /** Files dropped from the Explorer (Shift+drag), as URIs; the host keeps only workspace images. */
    z.object({ type: z.literal('dropUris'), mode: StudioMode, uris: z.array(z.string().check(z.maxLength(4000))).check(z.maxLength(50)) }),
    /** An image pasted from the clipboard, base64; the host saves it in the workspace (never overwriting). */
    z.object({
      type: z.literal('pasteImage'),
      mode: StudioMode,
      mime: z.enum(['image/png', 'image/jpeg', 'image/webp', 'image/bmp']),
      data: z.string().check(z.minLength(1), z.maxLength(MAX_PASTE_BASE64)),
    }),
    z.object({ type: z.literal('saveGlossary'), terms: z.array(Term).check(z.maxLength(2000)) }),
    z.object({ type: z.literal('loadHistory') }),
    /** The presets of the window for the picker (answered with `presets`). */
    z.object({ type: z.literal('loadPresets') }),
    /** Save as Preset: the host asks the name, the template and where, then saves these settings. */
    z.object({ type: z.literal('savePreset'), params: RunParams }),
    /** Copy as CLI Command of a saved image (its provenance) or of a history entry. */
    z.object({ type: z.literal('copyCommand'), location: z.optional(WorkspaceLocation), entryId: z.optional(z.string().check(z.minLength(1), z.maxLength(100))) }),
    /** Compare: one prompt on 2–4 generate models, one card; each model's own size rule applied by the host. */
    z.object({ type: z.literal('compare'), jobId: JobId, params: RunParams, models: z.array(z.string().check(z.minLength(1), z.maxLength(100))).check(z.minLength(2), z.maxLength(4)) }),
    /** Forget the snapshots of finished jobs (the user cleared the cards). */
    z.object({ type: z.literal('forgetJobs'), jobIds: z.array(JobId).check(z.maxLength(1000)) }),
  ]))();
export type WebviewMessage = z.infer<typeof WebviewMessage>;

/** One saved image as the studio shows it. */
export const StudioImage = z.object({
  /** `webview.asWebviewUri` of the saved file (served from localResourceRoots). */
  src: z.string(),
  /** Path for display, workspace-relative where possible. */
  displayPath: z.string(),
  /** Where to find it again; absent for files outside the workspace. */
  location: z.optional(WorkspaceLocation),
  width: z.optional(z.number()),
  height: z.optional(z.number()),
  seed: z.optional(z.number()),
});
export type StudioImage = z.infer<typeof StudioImage>;

/**
 * An error as plain data — the ONE summary type for notifications, the studio and tests: what
 * happened, what to do, the request id for support, and the buttons that fix it. Never contains
 * the key (DashScope messages never echo it, and ours are built from constants).
 */
export const ErrorSummary = z.object({
  /** `DashScopeError`, `RequestValidationError`, `MissingApiKeyError` … */
  name: z.string(),
  /** DashScope's code (`InvalidApiKey`), when there is one. */
  code: z.optional(z.string()),
  message: z.string(),
  /** What to do next. */
  hint: z.optional(z.string()),
  requestId: z.optional(z.string()),
  taskId: z.optional(z.string()),
  /** Validation problems, one sentence each, with the field they concern. */
  issues: z.optional(z.array(z.object({ field: z.string(), message: z.string() }))),
  actions: z.array(ErrorAction),
  /** For `switchRegion`: the region the key belongs to. */
  switchTo: z.optional(z.string()),
});
export type ErrorSummary = z.infer<typeof ErrorSummary>;
/** The studio's name for {@link ErrorSummary}. */
export const StudioError = ErrorSummary;
export type StudioError = ErrorSummary;

/** A piece of a streaming guide: text as it arrived, or an image in place. */
export const GuideSegment = z.union([
  z.object({ kind: z.literal('text'), text: z.string() }),
  z.object({ kind: z.literal('image'), image: StudioImage }),
]);
export type GuideSegment = z.infer<typeof GuideSegment>;

/** How a job stands. */
export const JobStatus = z.enum(['running', 'succeeded', 'failed', 'cancelled', 'stopped', 'interrupted']);
export type JobStatus = z.infer<typeof JobStatus>;

/**
 * Run parameters the host sends back to the page (a preset's fields, a compared model's): the
 * host built them from checked data, and the page checks a run again when it sends one, so they
 * are checked as an object here (the full RunParams schema would grow the schemas bundle by a fifth).
 */
const SentRunParams = z.record(z.string(), z.unknown()) as unknown as z.ZodMiniType<RunParams>;

/** One model's column of a comparison: what it was asked, what it made, how long and what it costs. */
export const CompareColumn = z.object({
  jobId: JobId,
  modelLabel: z.string(),
  params: SentRunParams,
  /** The estimate of this column, as a sentence. */
  cost: z.string(),
  /** The form's size replaced by this model's nearest valid one. */
  sizeNote: z.optional(z.string()),
  startedAt: z.number(),
  endedAt: z.optional(z.number()),
  status: JobStatus,
  text: z.string(),
  images: z.array(StudioImage),
  error: z.optional(ErrorSummary),
});
export type CompareColumn = z.infer<typeof CompareColumn>;

/** Everything the host knows about one job: each `job` message carries the whole of it. */
export const JobSnapshot = z.object({
  jobId: JobId,
  status: JobStatus,
  /** Progress or outcome line. */
  text: z.string(),
  /** When the job ended (epoch ms), for the frozen elapsed time. */
  endedAt: z.optional(z.number()),
  images: z.array(StudioImage),
  /** Edit and translate: the input images (before/after). */
  inputs: z.optional(z.array(StudioImage)),
  /** Guide: text and images in order. */
  segments: z.optional(z.array(GuideSegment)),
  /** Guide: the saved Markdown document. */
  document: z.optional(StudioImage),
  /** The prompt after prompt_extend rewrote it. */
  actualPrompt: z.optional(z.string()),
  /** The seed the request was sent with (filled in when the user left it empty). */
  seed: z.optional(z.number()),
  error: z.optional(ErrorSummary),
  /** A cancel after the task had started: DashScope may still finish and bill it. */
  mayBeBilled: z.optional(z.boolean()),
  /** Compare: a column per model. */
  columns: z.optional(z.array(CompareColumn)),
});
export type JobSnapshot = z.infer<typeof JobSnapshot>;

/** A workspace image the picker offers. */
export const PickerImage = z.object({ src: z.string(), displayPath: z.string(), location: WorkspaceLocation });
export type PickerImage = z.infer<typeof PickerImage>;

/**
 * The settings a job was made with, as the form takes them: a history entry's Reuse, and "Open
 * Settings in Studio" (from an image's provenance).
 */
export const OpenSettings = z.object({
  model: z.string(),
  prompt: z.optional(z.string()),
  negativePrompt: z.optional(z.string()),
  size: z.optional(z.string()),
  n: z.optional(z.number()),
  seed: z.optional(z.number()),
  parameters: z.record(z.string(), z.unknown()),
});
export type OpenSettings = z.infer<typeof OpenSettings>;

/** A preset as the studio's picker offers it: the form's fields, its blanks, and its problems (shown, never adjusted). */
export const PresetOption = z.object({
  name: z.string(),
  origin: z.enum(['workspace', 'user']),
  mode: StudioMode,
  model: z.string(),
  description: z.optional(z.string()),
  /** The form's fields; `prompt` is the template, with its blanks. */
  params: SentRunParams,
  blanks: z.array(z.string()),
  problems: z.array(z.string()),
});

/** One past job from the history manifest, as the history view lists it. */
export const HistoryItem = z.object({
  ...OpenSettings.shape,
  id: z.string(),
  kind: z.string(),
  started: z.string(),
  outcome: z.string(),
  inputs: z.array(StudioImage),
  outputs: z.array(StudioImage),
  document: z.optional(StudioImage),
  error: z.optional(z.string()),
});
export type HistoryItem = z.infer<typeof HistoryItem>;

/** A language the translate pickers offer. */
export const Language = z.object({ code: z.string(), label: z.string() });

/** Messages from the extension host to the webview. */
export const HostMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('init'),
    strings: StudioStrings,
    models: z.array(ModelOption).check(z.minLength(1)),
    /** Whether an API key is configured. The key itself never crosses into the webview. */
    hasApiKey: z.boolean(),
    /** Translate: sources (auto first) and the targets each source may go to. */
    languages: z.object({ sources: z.array(Language), targets: z.array(Language), pairs: z.record(z.string(), z.array(z.string())) }),
    /** Every job this panel ran (the webview may have missed their last messages while hidden). */
    jobs: z.array(JobSnapshot),
    /** The workspace glossary, when there is one (translate's terminology table). */
    glossary: z.object({ terms: z.array(Term), path: z.optional(z.string()), error: z.optional(z.string()) }),
    /** Retouch: the operations the catalog offers in this region, with their options. */
    retouch: z.optional(z.array(RetouchOperationData)),
    /** Retouch: the current region's name when it does not serve the processing models (they are Beijing only). */
    retouchRegion: z.optional(z.string()),
    /** "Open in Studio": start in this mode with these inputs (and, from Open Settings in Studio, these settings). */
    open: z.optional(z.object({ mode: StudioMode, inputs: z.array(PickerImage), settings: z.optional(OpenSettings) })),
  }),
  z.object({ type: z.literal('apiKey'), hasApiKey: z.boolean() }),
  z.object({ type: z.literal('notice'), level: z.enum(['info', 'warning', 'error']), text: z.string() }),
  z.object({ type: z.literal('job'), job: JobSnapshot }),
  z.object({ type: z.literal('images'), images: z.array(PickerImage) }),
  /** "Open in Studio" (or Open Settings in Studio, with `settings`) while the studio is open. */
  z.object({ type: z.literal('open'), mode: StudioMode, inputs: z.array(PickerImage), settings: z.optional(OpenSettings) }),
  z.object({ type: z.literal('glossary'), terms: z.array(Term), path: z.optional(z.string()), error: z.optional(z.string()), saved: z.optional(z.boolean()) }),
  /** `pick`: the preset to pick, with its blanks' values (the palette's Draw a Mask in the Studio). */
  z.object({ type: z.literal('presets'), presets: z.array(PresetOption), problems: z.array(z.string()), pick: z.optional(z.object({ name: z.string(), blanks: z.record(z.string(), z.string()), params: z.optional(SentRunParams) })) }),
  /**
   * The history, newest first, in parts: the first part replaces what the page had; `more` parts
   * append to it; every part but the last has `done: false` (the search then covers what came).
   */
  z.object({ type: z.literal('history'), items: z.array(HistoryItem), badLines: z.number(), more: z.optional(z.boolean()), done: z.optional(z.boolean()) }),
]);
export type HostMessage = z.infer<typeof HostMessage>;
export type PresetOption = z.infer<typeof PresetOption>;
export type InitMessage = Extract<HostMessage, { type: 'init' }>;
