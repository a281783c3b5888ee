/**
 * Shared helpers of the DashScope client tests: the captures folder, a tiny scripted HTTP server
 * for hand-made byte sequences, a fake clock, and small image makers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import type { Clock, Logger } from '../../src/dashscope/index';
import { CAPTURES_DIR } from '../fixtures/captures';

/** The repository root (this file is test/unit/…). */
export const repoRoot = resolve(__dirname, '..', '..');

/** The real-traffic captures (the repository's copy, see test/fixtures/captures.ts). */
export function capturesDir(): string {
  if (!existsSync(CAPTURES_DIR)) {
    throw new Error(`The DashScope captures folder is missing: expected ${CAPTURES_DIR}.`);
  }
  return CAPTURES_DIR;
}

/** A capture file's bytes (BOM and all). */
export function capture(name: string): Buffer {
  return readFileSync(join(capturesDir(), name));
}

/** The status code in a capture's `*.response.header.txt` first line. */
export function captureStatus(name: string): number {
  const text = capture(`${name}.response.header.txt`).toString('utf8').replace(/^\uFEFF/, '');
  const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
  if (!m) throw new Error(`no status line in ${name}`);
  return Number(m[1]);
}

/** A local server whose handler the test writes; `url` has no trailing slash. */
export interface ScriptedServer {
  url: string;
  requests: { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }[];
  close(): Promise<void>;
}

/** Starts a node:http server on a free port with the given handler (the request body is read first). */
export async function startScriptedServer(handler: (req: IncomingMessage, res: ServerResponse, body: Buffer) => void | Promise<void>): Promise<ScriptedServer> {
  const requests: ScriptedServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body });
      Promise.resolve(handler(req, res, body)).catch(() => res.destroy());
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}

/**
 * A server for one scripted task: `status(t)` says its state `t` ms after `origin()` on the test's
 * clock; every query's `t` is pushed to `queries`, then `afterArrival` runs (a test moves its clock
 * there to model an answer that takes time). SUCCEEDED carries one result URL.
 */
export function startTaskTimeline(origin: () => { clock: Clock; t0: number }, status: (t: number) => string, queries: number[], afterArrival?: () => void): Promise<ScriptedServer> {
  return startScriptedServer((_req, res) => {
    const { clock, t0 } = origin();
    const t = clock.now() - t0;
    queries.push(t);
    afterArrival?.();
    const s = status(t);
    const output: Record<string, unknown> = { task_id: 'task-1', task_status: s };
    if (s === 'SUCCEEDED') output.results = [{ url: 'https://r/1.png' }];
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ request_id: 'r', output }));
  });
}

/**
 * A fake clock: `sleep` resolves when `advance` moves time past its deadline, or at once when
 * `autoAdvance` is on (time jumps to the deadline). Records every sleep.
 */
export class JumpingClock implements Clock {
  time = 1_000_000;
  readonly sleeps: number[] = [];
  constructor(private readonly autoAdvance = true) {}
  now(): number {
    return this.time;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.sleeps.push(ms);
    if (this.autoAdvance) this.time += Math.max(0, ms);
  }
}

/** A logger that keeps every line (to assert the key never appears). */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const rec = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push(`${level} ${message} ${fields ? JSON.stringify(fields) : ''}`);
  };
  return { lines, debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error') };
}

/** An opaque RGB PNG of the given size (solid colour unless `noisy`); RGBA with `alpha`. */
export function makePng(width: number, height: number, noisy = true, alpha = false): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    const v = noisy ? (i * 37) % 251 : 90;
    png.data[i * 4] = v;
    png.data[i * 4 + 1] = (v * 3) % 256;
    png.data[i * 4 + 2] = 200;
    png.data[i * 4 + 3] = alpha ? 128 : 255;
  }
  return PNG.sync.write(png, { colorType: alpha ? 6 : 2 });
}

/**
 * Waits (bounded polling) until `predicate` holds. The bound counts 5 ms polls rather than reading
 * the wall clock: it is only a safety net, and a busy machine just stretches it.
 */
export async function waitUntil(predicate: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  for (let polls = Math.ceil(timeoutMs / 5); !predicate(); polls--) {
    if (polls <= 0) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
