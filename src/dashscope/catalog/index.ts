/**
 * The model catalog: every image model the extension speaks to, as data.
 *
 * One source of truth (house style §3): the client validates requests against it, the studio
 * gates its controls with it, the CLI documents its options from it. Adding a model is adding one
 * entry to {@link MODELS}.
 *
 * Facts come from ../shared/reference/dashscope-api.md (§ numbers), newer-models.md ("N§") and
 * prices.md. Where the reference lists a fact as unconfirmed, the entry says `assumed` (rate
 * limits) or carries a note (prices, regions).
 *
 * How the catalog is shaped, and why:
 * - **One entry per model family, snapshots as versions.** `qwen-image-2.0` lists its dated
 *   snapshots in `versions` (`qwen-image-2.0-2026-03-03`). {@link findModel} and {@link getModel}
 *   accept a snapshot id and return the family's entry, so callers that only look models up keep
 *   working; a request pins a snapshot with `model: '<snapshot id>'` or `version`, and the
 *   validated request carries the exact wire id it sends (`wireModel`) for provenance. Snapshots
 *   share the family's rules; where one differs (qwen-image-plus-2026-01-09 has no async variant)
 *   the version says so.
 * - **A model that does several things lists them in `tasks`.** qwen-image-2.0*, qwen-image-3.0*
 *   and wan2.7-image* take 0..N images: none is text-to-image, some is editing. They are ONE entry
 *   with `tasks: ['text-to-image', 'image-edit']` (the call is the same, only the images differ),
 *   and {@link modelsForTask} lists them under both. `task` is kept as the primary task (the first
 *   of `tasks`) for callers that group by one task. A separate catalog id is used only where the
 *   call itself differs: `wan2.6-image:interleave` streams with other parameters.
 * - **Order: newest of each kind first.** {@link MODELS} lists the newest model of each line
 *   first (Qwen image, Wan image, Z-Image, Qwen edit, …); older ones stay fully supported.
 *   {@link modelsForTask} puts the task's default ({@link DEFAULT_MODEL_IDS}) first and then follows
 *   {@link MODELS}, so a picker's first entry stays a generally available model with confirmed
 *   limits rather than whatever shipped last (qwen-image-3.0 may need access on the account).
 * - **Regions.** Beijing, Singapore and US (Virginia); `regions` follows the reference's tables
 *   (N§1) and {@link regionAvailability} says, per region, what is served and why the rest is not.
 * - **Prices are data** (`prices`, per region, CNY per successful image, {@link PRICE_LIST} date);
 *   an unknown price is `null`, never 0. prices.ts turns a request into an estimate.
 *
 * These modules import nothing (no `vscode`, no Node built-ins), so the webview can bundle it.
 */
export * from './types.js';
export * from './regions.js';
export { DEFAULT_MODEL_IDS, MODELS } from './models.js';
export { MT_LANGUAGES, MT_SOURCE_LANGUAGES, MT_TARGET_LANGUAGES, resolveMtLanguage, type MtLanguage } from './translate.js';
export * from './sizes.js';
export * from './lookups.js';
export { IMAGEEDIT_FUNCTION_SPECS, PROCESSING_MODELS, PROCESSING_REGION_NOTE, STYLIZATION_ALL_STYLES, STYLIZATION_LOCAL_STYLES } from './processing.js';
export * from './process-lookups.js';
