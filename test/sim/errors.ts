/**
 * The service's error envelope (reference §1.5) and the exact codes and messages the simulator
 * answers with (§1.6, captures). Messages the reference gives verbatim are used verbatim; the
 * others are marked "sim wording" and follow the style of the real ones.
 */
import { SERVICE_MESSAGES } from './models.js';

/** An error answered as `{"code","message","request_id"}` with HTTP `status`. */
export class SimError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra response headers (e.g. Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'SimError';
  }
}

export const MSG = {
  noApiKey: 'No API-key provided.',
  invalidApiKey: 'Invalid API-key provided.',
  illegalInput: 'The input parameter requires json format.',
  emptyModel: 'Required parameter "model" missing from request.',
  emptyInput: 'Required input parameter missing from request.',
  modelNotFound: 'Model can not be found.',
  asyncNotSupported: 'Current user api does not support asynchronous calls.',
  syncNotSupported: 'current user api does not support synchronous calls.',
  rateQuota: 'Requests rate limit exceeded, please try again later.',
  cancelNotPending: 'Failed to cancel the task, please confirm if the task is in PENDING status.',
  internalError: 'An internal error has occured, please try again later or contact service support.',
  modelUnavailable: 'Model is unavailable, please try again later.',
  /** API §1.6 403 AccessDenied.Unpurchased. */
  accessUnpurchased: 'Access to model denied. Please make sure you are eligible for using the model.',
  /** Gateway-level message for empty messages / content (captures parameter-error-*). */
  roleOrContent: 'Role must be user or assistant and Content length must be greater than 0',
  messagesLength: 'messages length only support 1',
  lackImageOrText: 'lack of image or text',
  fixedN: SERVICE_MESSAGES.fixedN,
  ossInvalidUrl: 'The provided URL does not appear to be valid. Ensure it is correctly formatted.',
  urlError: 'url error, please check url!',
  noTextDetected: 'No text detected for translation',
  payloadTooLarge: 'Payload Too Large',
  requiredMissing: 'Required parameter(s) missing or invalid, please check the request parameters.',
  notFound: 'Not Found.',
  /** §5.3 partial failure entry. */
  timeoutEntry: 'An internal timeout error has occurred during execution, please try again later or contact service support.',
} as const;

export const invalidParameter = (message: string): SimError => new SimError(400, 'InvalidParameter', message);

/** `The size is not match the allowed size ['1664*928', '1472*1104', …]` (reference API §1.6). */
export const sizeNotAllowedMessage = SERVICE_MESSAGES.sizeNotInList;
