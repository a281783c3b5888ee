/**
 * Requests: the one request type ({@link GenerationRequest}), its validation against the model
 * catalog, and the wire body per input shape.
 *
 * Section numbers refer to ../shared/reference/dashscope-api.md; "N§" to newer-models.md.
 */
export * from './schema.js';
export type { ValidateOptions } from './checks.js';
export { validateRequest } from './validate.js';
export * from './wire.js';
export * from './wan27-options.js';
export { checkOutpaintOffsets, effectiveProcessPrompt } from './check-process.js';
