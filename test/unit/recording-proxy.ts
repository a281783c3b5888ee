/**
 * A small recording proxy in front of the simulator: it forwards everything and keeps every
 * request body (the simulator's own log has method, path and status only), so CLI tests can show
 * that two runs sent the very same request.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSimulator, type Simulator } from '../sim/index';
import { buildCli } from './cli-harness';

/** One request that went through the proxy. */
export interface RecordedRequest {
  method: string;
  path: string;
  body: string;
}

/** A running proxy: its base URL (the target's path kept), what it saw, and how to stop it. */
export interface RecordingProxy {
  readonly url: string;
  readonly recorded: RecordedRequest[];
  /** The generation requests (POSTs that are not uploads) recorded since `from`, bodies parsed. */
  generationBodies(from: number): unknown[];
  close(): Promise<void>;
}

/** Forwards everything to `target` (a simulator's regional base URL) and records method, path and body. */
export async function startRecordingProxy(target: URL): Promise<RecordingProxy> {
  const recorded: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      recorded.push({ method: req.method ?? 'GET', path: req.url ?? '/', body: body.toString('utf8') });
      const upstream = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      upstream.on('error', () => res.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', () => resolveListen()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${target.pathname}`,
    recorded,
    generationBodies: (from) =>
      recorded
        .slice(from)
        .filter((r) => r.method === 'POST' && !r.path.includes('/uploads'))
        .map((r) => JSON.parse(r.body) as unknown),
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

/** What a CLI test against the simulator runs in: a temporary folder, the bundled CLI, a simulator and the proxy in front of it. */
export interface CliSandbox {
  readonly work: string;
  readonly cliJs: string;
  readonly sim: Simulator;
  readonly proxy: RecordingProxy;
  stop(): Promise<void>;
}

/** Builds the CLI into a new temporary folder and starts a fast simulator (no rate limits) behind a recording proxy. */
export async function startCliSandbox(prefix: string): Promise<CliSandbox> {
  const work = await mkdtemp(join(tmpdir(), prefix));
  const cliJs = await buildCli(work);
  const sim = await startSimulator({ rateLimits: false, timing: { scale: 0.002, pendingMs: 30, runningMs: 60, streamEventMs: 5 } });
  const proxy = await startRecordingProxy(new URL(sim.urls.beijing));
  return {
    work,
    cliJs,
    sim,
    proxy,
    stop: async () => {
      await proxy.close();
      await sim.stop();
      await rm(work, { recursive: true, force: true });
    },
  };
}
