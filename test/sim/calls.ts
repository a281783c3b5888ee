/**
 * Test helpers for the simulator's own tests (not part of the simulator).
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { startSimulator, type Region, type Simulator, type SimulatorOptions } from './index.js';

export const SYNC = '/services/aigc/multimodal-generation/generation';
export const T2I = '/services/aigc/text2image/image-synthesis';
export const I2I = '/services/aigc/image2image/image-synthesis';
export const IMGGEN = '/services/aigc/image-generation/generation';

export function start(opts: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ rateLimits: false, ...opts, timing: { scale: 0.002, pendingMs: 30, runningMs: 40, streamEventMs: 2, ...opts.timing } });
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** fetch against a region base URL with the sim key; parses JSON when possible. */
export async function api(
  sim: Simulator,
  path: string,
  opts: { method?: string; body?: unknown; rawBody?: string; headers?: Record<string, string>; key?: string | null; region?: Region } = {},
): Promise<ApiResponse> {
  const region = opts.region ?? 'beijing';
  const headers: Record<string, string> = { 'content-type': 'application/json', ...opts.headers };
  const key = opts.key === undefined ? sim.keys[region] : opts.key;
  if (key !== null) headers.authorization = `Bearer ${key}`;
  const method = opts.method ?? (opts.body !== undefined || opts.rawBody !== undefined ? 'POST' : 'GET');
  const res = await fetch(sim.urls[region] + path, {
    method,
    headers,
    body: opts.rawBody ?? (opts.body !== undefined ? JSON.stringify(opts.body) : undefined),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export const asyncHeaders = { 'X-DashScope-Async': 'enable' };
export const sseHeaders = { 'X-DashScope-Sse': 'enable' };

/** A messages body for the sync / image-generation endpoints. */
export function msgBody(model: string, text: string | string[] | null, images: string[] = [], parameters?: Record<string, unknown>) {
  const content: Record<string, string>[] = images.map((image) => ({ image }));
  for (const t of text === null ? [] : Array.isArray(text) ? text : [text]) content.push({ text: t });
  return { model, input: { messages: [{ role: 'user', content }] }, ...(parameters ? { parameters } : {}) };
}

/** Asserts an error envelope {code, message, request_id}. */
export function assertError(r: ApiResponse, status: number, code: string, message?: string | RegExp): void {
  assert.equal(r.status, status, `status; body: ${r.text}`);
  assert.equal(r.json?.code, code, `code; body: ${r.text}`);
  if (typeof message === 'string') assert.equal(r.json.message, message);
  else if (message) assert.match(r.json.message, message);
  assert.match(r.json.request_id, /^[0-9a-f-]{36}$/);
}

/** A solid or striped opaque PNG (RGB, no alpha channel: wan2.6-image refuses alpha). */
export function png(width: number, height: number, opts: { flat?: boolean; color?: [number, number, number]; alpha?: boolean } = {}): Buffer {
  const p = new PNG({ width, height });
  const [r, g, b] = opts.color ?? [200, 40, 90];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const stripe = !opts.flat && Math.floor(y / 8) % 2 === 0 && x % 16 < 10;
      p.data[i] = stripe ? 20 : r;
      p.data[i + 1] = stripe ? 20 : g;
      p.data[i + 2] = stripe ? 20 : b;
      p.data[i + 3] = opts.alpha ? 128 : 255;
    }
  }
  return PNG.sync.write(p, { colorType: opts.alpha ? 6 : 2 });
}

export const dataUri = (bytes: Buffer, mime = 'image/png') => `data:${mime};base64,${bytes.toString('base64')}`;

export function pngSize(bytes: Buffer): { width: number; height: number } {
  const p = PNG.sync.read(bytes);
  return { width: p.width, height: p.height };
}

export function jpgSize(bytes: Buffer): { width: number; height: number } {
  assert.deepEqual([...bytes.subarray(0, 3)], [0xff, 0xd8, 0xff], 'JPEG magic');
  const j = jpeg.decode(bytes, { useTArray: true });
  return { width: j.width, height: j.height };
}

export async function download(url: string): Promise<{ status: number; bytes: Buffer; contentType: string | null; text: string }> {
  const r = await fetch(url);
  const bytes = Buffer.from(await r.arrayBuffer());
  return { status: r.status, bytes, contentType: r.headers.get('content-type'), text: bytes.toString('utf8') };
}

/**
 * Polls GET /tasks/{id} until `until(status)` holds, at most about `timeoutMs` (counted in 5 ms
 * polls, a safety net that reads no clock). Returns every body seen.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function pollTask(sim: Simulator, id: string, until: (s: string) => boolean = isTerminal, timeoutMs = 10_000, key?: string, region?: Region): Promise<any[]> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const seen: any[] = [];
  for (let polls = Math.ceil(timeoutMs / 5); ; polls--) {
    const r = await api(sim, `/tasks/${id}`, { key, region });
    assert.equal(r.status, 200, r.text);
    seen.push(r.json);
    if (until(r.json.output.task_status)) return seen;
    if (polls <= 0) throw new Error(`task ${id} still ${r.json.output.task_status} after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 5));
  }
}

export const isTerminal = (s: string) => ['SUCCEEDED', 'FAILED', 'CANCELED', 'UNKNOWN'].includes(s);

export interface SseEvent {
  id?: string;
  event?: string;
  comments: string[];
  data: string;
}

/**
 * Parses raw SSE bytes strictly in the service's framing (LF, no space after the colon).
 * Returns the events and asserts every line is one of id:/event:/:comment/data:.
 */
export function parseSse(raw: string): SseEvent[] {
  assert.ok(!raw.startsWith('\uFEFF'), 'no BOM');
  assert.ok(!raw.includes('\r'), 'LF line endings');
  const events: SseEvent[] = [];
  for (const block of raw.split('\n\n')) {
    if (block.trim() === '') continue;
    const ev: SseEvent = { comments: [], data: '' };
    for (const line of block.split('\n')) {
      if (line.startsWith('id:')) ev.id = line.slice(3);
      else if (line.startsWith('event:')) ev.event = line.slice(6);
      else if (line.startsWith(':')) ev.comments.push(line.slice(1));
      else if (line.startsWith('data:')) ev.data += line.slice(5);
      else assert.fail(`unexpected SSE line ${JSON.stringify(line)}`);
    }
    events.push(ev);
  }
  return events;
}

/** A raw HTTP request that reports what happened on the socket (for reset faults). */
export function rawRequest(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status?: number; headers?: Record<string, unknown>; body: Buffer; error?: Error; completed: boolean }> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let status: number | undefined;
    let headers: Record<string, unknown> | undefined;
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      status = res.statusCode;
      headers = res.headers;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status, headers, body: Buffer.concat(chunks), completed: res.complete }));
      res.on('error', (error) => resolve({ status, headers, body: Buffer.concat(chunks), error, completed: false }));
      res.on('aborted', () => resolve({ status, headers, body: Buffer.concat(chunks), error: new Error('aborted'), completed: false }));
    });
    req.on('error', (error) => resolve({ status, headers, body: Buffer.concat(chunks), error, completed: false }));
    if (opts.body) req.write(opts.body);
    req.end();
  });
}
