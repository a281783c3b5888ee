/**
 * DashScope SSE → typed deltas, on `eventsource-parser` (not a hand-written line splitter).
 *
 * The surprises this handles (§3.2–§3.5 and captures/):
 * - errors arrive as `event:error` under HTTP 200, with the "real" status in a `:HTTP_STATUS/400`
 *   comment line (parameter-error-sse);
 * - that capture starts with a UTF-8 BOM and its last event has no terminating blank line;
 * - `finish_reason` is the STRING `"null"` until the last chunk, which says `"stop"`; there is no
 *   `[DONE]`, so a body that simply ends without `"stop"` was cut off and is an error;
 * - CRLF line endings and events split across network chunks are the parser's job.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { parseSize } from './catalog/index.js';
import { CLIENT_ERROR_CODES, DashScopeError, errorFromEnvelope, isAbortError, networkError } from './errors.js';
import { ResponseEnvelopeSchema, normalizeUsage, type GenerationResult, type ResultImage, type ResultPart, type ResultUsage } from './schemas.js';
import { abortReason } from './transport.js';

/** One raw SSE event with the status from its `:HTTP_STATUS/…` comment, if any. */
export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
  /** From the `:HTTP_STATUS/NNN` comment preceding the data (§3.2). */
  httpStatus?: number;
}

/** What a stream yields, in arrival order. */
export type StreamDelta =
  /** A piece of text; concatenate consecutive ones (§3.3 "text arrives as deltas"). */
  | { type: 'text'; text: string }
  /** A whole image; `index` counts images of this stream from 0. */
  | { type: 'image'; url: string; index: number; width?: number; height?: number }
  /** Cumulative usage, when it changed (§3.3 "usage is cumulative"). */
  | { type: 'usage'; usage: ResultUsage }
  /** The final chunk said `finish_reason: "stop"`. */
  | { type: 'done'; requestId?: string };

/**
 * Yields the SSE events of a byte stream. Stops the body on abort. Network failures become
 * retriable {@link DashScopeError}s (`NetworkError` / `Timeout`).
 */
export async function* readSseEvents(body: AsyncIterable<Uint8Array | string>, signal?: AbortSignal): AsyncGenerator<SseEvent> {
  const queue: SseEvent[] = [];
  let pendingStatus: number | undefined;
  const parser = createParser({
    onEvent(msg: EventSourceMessage) {
      const ev: SseEvent = { data: msg.data };
      if (msg.id !== undefined) ev.id = msg.id;
      if (msg.event !== undefined) ev.event = msg.event;
      if (pendingStatus !== undefined) ev.httpStatus = pendingStatus;
      pendingStatus = undefined;
      queue.push(ev);
    },
    onComment(comment: string) {
      const m = /HTTP_STATUS\/(\d{3})/.exec(comment);
      if (m) pendingStatus = Number(m[1]);
    },
  });
  // TextDecoder (fatal: false) drops a leading BOM by default and keeps multi-byte characters
  // that straddle two chunks intact (stream: true).
  const decoder = new TextDecoder('utf-8');
  const destroy = (): void => {
    const b = body as { destroy?: (e?: Error) => void };
    b.destroy?.();
  };
  signal?.addEventListener('abort', destroy, { once: true });
  try {
    if (signal?.aborted) throw abortReason(signal);
    let first = true;
    for await (const chunk of body) {
      if (signal?.aborted) throw abortReason(signal);
      let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
      if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text) first = false;
      parser.feed(text);
      while (queue.length) yield queue.shift()!;
    }
    const rest = decoder.decode();
    if (rest) parser.feed(rest);
    // The error capture ends right after its data line, without the blank line that dispatches
    // an event; two newlines flush a pending event (and are harmless otherwise).
    parser.feed('\n\n');
    while (queue.length) yield queue.shift()!;
  } catch (err) {
    if (signal?.aborted) throw abortReason(signal);
    if (isAbortError(err)) throw err;
    throw networkError(err, { phase: 'while reading the stream' }) ?? err;
  } finally {
    signal?.removeEventListener('abort', destroy);
    destroy();
  }
}

/**
 * Turns SSE events into {@link StreamDelta}s. Throws {@link DashScopeError} for `event:error`
 * (with the code, message and request_id from its data) and `StreamIncomplete` when the events end
 * without `finish_reason: "stop"`; the partial text and images ride along in `details`.
 */
export async function* sseToDeltas(events: AsyncIterable<SseEvent>): AsyncGenerator<StreamDelta> {
  let imageIndex = 0;
  let lastUsage = '';
  let requestId: string | undefined;
  let text = '';
  const images: string[] = [];
  for await (const ev of events) {
    let data: unknown;
    try {
      data = JSON.parse(ev.data);
    } catch (cause) {
      throw new DashScopeError({
        httpStatus: ev.httpStatus,
        code: CLIENT_ERROR_CODES.malformed,
        message: `A stream event${ev.id ? ` (id ${ev.id})` : ''} is not JSON.`,
        requestId,
        cause,
      });
    }
    const obj = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
    // §3.4 / [CNB]: an error is `event:error`; a data line that is an error envelope is one too.
    if (ev.event === 'error' || (typeof obj.code === 'string' && obj.code !== '' && obj.output === undefined)) {
      throw errorFromEnvelope(ev.httpStatus ?? 400, obj, { requestId });
    }
    const parsed = ResponseEnvelopeSchema.safeParse(obj);
    if (!parsed.success) {
      throw new DashScopeError({ code: CLIENT_ERROR_CODES.malformed, message: 'A stream event has no `output`.', requestId, httpStatus: ev.httpStatus });
    }
    const chunk = parsed.data;
    requestId = chunk.request_id ?? requestId;
    const usageSize = chunk.usage?.size ? parseSize(chunk.usage.size) : undefined;
    let stopped = false;
    for (const choice of chunk.output.choices ?? []) {
      const content = choice.message?.content;
      if (typeof content === 'string') {
        if (content) {
          text += content;
          yield { type: 'text', text: content };
        }
      } else {
        for (const item of content ?? []) {
          if (item.image) {
            const delta: StreamDelta = { type: 'image', url: item.image, index: imageIndex++ };
            if (usageSize && usageSize.width > 0) {
              delta.width = usageSize.width;
              delta.height = usageSize.height;
            }
            images.push(item.image);
            yield delta;
          } else if (typeof item.text === 'string' && item.text) {
            text += item.text;
            yield { type: 'text', text: item.text };
          }
        }
      }
      if (choice.finish_reason === 'stop') stopped = true;
    }
    if (chunk.usage) {
      const usage = normalizeUsage(chunk.usage);
      const key = JSON.stringify(usage);
      if (key !== lastUsage && key !== '{}') {
        lastUsage = key;
        yield { type: 'usage', usage };
      }
    }
    if (stopped) {
      yield requestId ? { type: 'done', requestId } : { type: 'done' };
      return;
    }
  }
  throw new DashScopeError({
    code: CLIENT_ERROR_CODES.streamIncomplete,
    message: `The stream ended before the model finished (no finish_reason "stop"); received ${images.length === 1 ? '1 image' : `${images.length} images`} and ${text.length} characters of text.`,
    requestId,
    details: { text, images },
  });
}

/** Context for {@link collectStream}. */
export interface CollectContext {
  model: string;
  seed?: number;
  onDelta?: (delta: StreamDelta) => void;
}

/** Consumes a delta stream into a {@link GenerationResult} (ordered parts, images, text, usage). */
export async function collectStream(deltas: AsyncIterable<StreamDelta>, ctx: CollectContext): Promise<GenerationResult> {
  const images: ResultImage[] = [];
  const parts: ResultPart[] = [];
  let usage: ResultUsage = {};
  let requestId: string | undefined;
  for await (const d of deltas) {
    ctx.onDelta?.(d);
    switch (d.type) {
      case 'text': {
        const last = parts[parts.length - 1];
        if (last && last.type === 'text') last.text += d.text;
        else parts.push({ type: 'text', text: d.text });
        break;
      }
      case 'image': {
        const img: ResultImage = { index: images.length, url: d.url };
        if (d.width && d.height) {
          img.width = d.width;
          img.height = d.height;
        }
        if (ctx.seed !== undefined && images.length === 0) img.seed = ctx.seed;
        images.push(img);
        parts.push({ type: 'image', imageIndex: img.index });
        break;
      }
      case 'usage':
        usage = d.usage;
        break;
      case 'done':
        requestId = d.requestId;
        break;
    }
  }
  const result: GenerationResult = {
    model: ctx.model,
    images,
    text: parts.map((p) => (p.type === 'text' ? p.text : '')).join(''),
    parts,
    usage,
    failures: [],
  };
  if (requestId) result.requestId = requestId;
  return result;
}
