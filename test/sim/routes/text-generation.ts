/** `POST …/text-generation/generation`: only its gateway checks, for the captured error cases. */
import { MSG, SimError, invalidParameter } from '../errors.js';
import { sseRequested } from '../exchange.js';
import { checkEnvelope } from '../validate.js';
import type { RouteCall } from './shared.js';

/**
 * `text-generation/generation` is not an image endpoint; the simulator serves it only so the
 * captured error cases (parameter-error-*, auth-error-*) replay unchanged: it runs the envelope
 * and `messages` gateway checks, then answers 404 ModelNotFound (the sim has no text models).
 */
export function textGeneration({ ex, body, parseError }: RouteCall): void {
  ex.sseMode = sseRequested(ex.req);
  if (parseError) throw new SimError(400, 'BadRequest.IllegalInput', MSG.illegalInput);
  const env = checkEnvelope(body);
  const messages = env.input.messages;
  if (messages !== undefined) {
    const ok = Array.isArray(messages) && messages.length > 0 && messages.every((m) => typeof m === 'object' && m !== null && ['user', 'assistant', 'system'].includes((m as { role?: string }).role ?? '') && (m as { content?: unknown }).content);
    if (!ok) throw invalidParameter(MSG.roleOrContent);
  }
  throw new SimError(404, 'ModelNotFound', MSG.modelNotFound);
}
