/**
 * Public API of the DashScope client (no `vscode` import anywhere below this folder): the
 * extension and the CLI import from here only.
 */
export * from './catalog/index.js';
export {
  DashScopeClient,
  describeRetry,
  type CallOptions,
  type DashScopeClientOptions,
  type GenerateOptions,
  type ProgressEvent,
  type SubmittedTask,
  type WaitForTaskOptions,
} from './client.js';
export {
  CLIENT_ERROR_CODES,
  DashScopeError,
  RequestValidationError,
  hintFor,
  hintOf,
  formatHint,
  l10nKey,
  type Hint,
  isAbortError,
  isRetriable,
  redactSecrets,
  type ValidationIssue,
} from './errors.js';
export {
  BoundingBoxSchema,
  GenerationRequestSchema,
  ImageInputSchema,
  PaletteColorSchema,
  TranslationOptionsSchema,
  buildWireBody,
  checkBoxShape,
  checkBoxesInImages,
  checkColorPalette,
  paletteRatioHundredths,
  requestedImageCount,
  routeOf,
  toImageInput,
  validateRequest,
  wirePaletteColor,
  type BoundingBox,
  type GenerationRequest,
  type ImageInput,
  type PaletteColor,
  type TranslationOptions,
  type ValidateOptions,
  type ValidatedRequest,
  type WireBody,
} from './requests/index.js';
export { estimateCost, type CostEstimate, type CostRequest } from './prices.js';
export {
  GenerationResultSchema,
  TERMINAL_TASK_STATUSES,
  TaskSnapshotSchema,
  normalizeResponse,
  parseServiceTime,
  type GenerationResult,
  type ResultFailure,
  type ResultImage,
  type ResultPart,
  type ResultUsage,
  type TaskSnapshot,
  type TaskStatus,
} from './schemas.js';
export { collectStream, readSseEvents, sseToDeltas, type SseEvent, type StreamDelta } from './stream.js';
export { nextPollDelay, pollBounds, sdkPollDelay, type TaskStatusEvent } from './tasks.js';
export {
  createDispatcher,
  silentLogger,
  systemClock,
  RATE_WINDOW_SLACK_MS,
  type Clock,
  type DispatcherOptions,
  type Logger,
  type RateWindow,
  type RetryEvent,
  type WaitEvent,
  type RetryPolicy,
  type Timeouts,
} from './transport.js';
export { inspectImage, type ImageInfo, type UploadEvent } from './upload.js';
export type { DownloadOptions, DownloadedImage } from './download.js';
export { modelLabel } from './labels.js';
export { checkBaseUrl, isLoopbackHost, type BaseUrlCheck } from './endpoints.js';
export { assembleClientOptions, type AccountPacing, type AssembledClientOptions, type ClientSetup } from './clientOptions.js';
export { DURATION_SIGMA, LearnedDurations, MAX_SAMPLES_PER_MODEL, durationScaleFrom, durationWindow, parseDurationSnapshot, type DurationSnapshot, type DurationStore, type DurationWindow } from './durations.js';
