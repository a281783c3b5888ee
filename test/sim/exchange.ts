/** One HTTP exchange of the simulator: the response headers and envelopes, SSE framing, body faults; and reading the request. */
import type { FaultRule } from './faults.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { SimClock } from './clock.js';
import type { SimError } from './errors.js';
import type { Json } from './responses.js';
import { SSE_CONTENT_TYPE, sseFrame } from './sse.js';
import { newId } from './service-formats.js';

const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** An input image as the routes see it once resolved. */
export type ImgInfo = { bytes: Buffer; format: string; width: number; height: number };

/** One request/response exchange: headers, error envelopes, SSE framing, body faults. */
export class Exchange {
  readonly requestId = newId();
  readonly arrive: number;
  /** 400/404 errors go out as SSE error events. */
  sseMode = false;
  private sseStarted = false;
  private sseId = 0;
  readonly abort = new AbortController();
  fault: { midBody?: boolean; midStreamAfter?: number; malformed?: boolean; afterCount?: Extract<FaultRule, { kind: 'status' | 'resetBeforeHeaders' }> } = {};
  extraHeaders: Record<string, string> = {};
  status = 0;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    private readonly clock: SimClock,
  ) {
    this.arrive = clock.now();
    res.on('close', () => {
      if (!res.writableFinished) this.abort.abort();
    });
  }

  get gone(): boolean {
    return this.abort.signal.aborted || this.res.destroyed;
  }

  private baseHeaders(contentType: string): Record<string, string> {
    const now = this.clock.now();
    return {
      date: new Date(now).toUTCString(),
      'content-type': contentType,
      'x-request-id': this.requestId,
      'x-dashscope-call-gateway': 'true',
      'req-cost-time': String(now - this.arrive),
      'req-arrive-time': String(this.arrive),
      'resp-start-time': String(now),
      server: 'istio-envoy',
      vary: 'Accept-Encoding',
      ...this.extraHeaders,
    };
  }

  json(status: number, body: unknown, opts: { contentType?: string; headers?: Record<string, string> } = {}): void {
    if (this.gone || this.res.headersSent) return;
    this.status = status;
    const headers = { ...this.baseHeaders(opts.contentType ?? 'application/json'), ...opts.headers };
    let buf = Buffer.from(JSON.stringify(body));
    if (this.fault.malformed) {
      buf = Buffer.concat([buf.subarray(0, Math.max(1, Math.floor(buf.length / 2))), Buffer.from('\u0000<html>upstream')]);
    }
    if (this.fault.midBody || this.fault.midStreamAfter !== undefined) {
      // Promise the whole body, send half, cut the connection.
      headers['content-length'] = String(buf.length);
      this.res.writeHead(status, headers);
      const half = buf.subarray(0, Math.max(1, Math.floor(buf.length / 2)));
      this.res.write(half, () => this.res.socket?.destroy());
      return;
    }
    const acceptGzip = /\bgzip\b/i.test(String(this.req.headers['accept-encoding'] ?? ''));
    if (acceptGzip && !this.fault.malformed) {
      buf = gzipSync(buf);
      headers['content-encoding'] = 'gzip';
    }
    headers['content-length'] = String(buf.length);
    this.res.writeHead(status, headers);
    this.res.end(buf);
  }

  /** The §1.5 envelope; `requestIdFirst` mimics the key order of the cancel capture. */
  error(err: SimError, opts: { contentType?: string; requestIdFirst?: boolean } = {}): void {
    if (this.sseStarted || (this.sseMode && (err.status === 400 || err.status === 404))) {
      this.sseError(err);
      return;
    }
    const body = opts.requestIdFirst
      ? { request_id: this.requestId, code: err.code, message: err.message }
      : { code: err.code, message: err.message, request_id: this.requestId };
    this.json(err.status, body, { contentType: opts.contentType, headers: err.headers });
  }

  startSse(): void {
    if (this.sseStarted || this.gone) return;
    this.sseStarted = true;
    this.status = 200;
    this.res.writeHead(200, { ...this.baseHeaders(SSE_CONTENT_TYPE), 'cache-control': 'no-cache', 'x-dashscope-finished': 'false' });
    this.res.flushHeaders();
    if (this.fault.midStreamAfter === 0) this.res.socket?.destroy();
  }

  /** One `event:result` frame. Returns false when the stream is gone. */
  event(data: Json): boolean {
    if (!this.sseStarted) this.startSse();
    if (this.gone) return false;
    this.sseId += 1;
    let text = JSON.stringify(data);
    if (this.fault.malformed && this.sseId === 1) text = text.slice(0, Math.floor(text.length / 2));
    const frame = sseFrame(this.sseId, 'result', 200, text);
    if (this.fault.midStreamAfter !== undefined && this.sseId >= this.fault.midStreamAfter) {
      this.res.write(frame, () => this.res.socket?.destroy());
      this.abort.abort();
      return false;
    }
    this.res.write(frame);
    return true;
  }

  sseError(err: SimError): void {
    if (!this.sseStarted) this.startSse();
    if (this.gone) return;
    this.sseId += 1;
    const data = JSON.stringify({ code: err.code, message: err.message, request_id: this.requestId });
    this.res.end(sseFrame(this.sseId, 'error', err.status, data));
  }

  endSse(): void {
    if (!this.gone) this.res.end();
  }
}

export const header = (req: IncomingMessage, name: string): string => {
  const v = req.headers[name];
  return (Array.isArray(v) ? v[0] : (v ?? '')).trim();
};
export const isEnabled = (req: IncomingMessage, name: string) => header(req, name).toLowerCase() === 'enable';
/** SSE: `X-DashScope-Sse: enable` (any case) or `Accept: text/event-stream` (§1.3). */
export const sseRequested = (req: IncomingMessage) => isEnabled(req, 'x-dashscope-sse') || /text\/event-stream/i.test(header(req, 'accept'));

export function readBody(req: IncomingMessage): Promise<{ buf: Buffer; tooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(c);
    });
    req.on('end', () => resolve({ buf: Buffer.concat(chunks), tooLarge }));
    req.on('error', reject);
  });
}

/** The assets module's input errors (SimInputError) carry their own status and code. */
export function isInputError(err: unknown): err is { status: number; code: string; message: string } {
  return err instanceof Error && err.name === 'SimInputError' && typeof (err as { status?: unknown }).status === 'number';
}
