/**
 * The local DashScope simulator. Start it from code:
 *
 *   const sim = await startSimulator({ timing: { scale: 0.01 } });
 *   // sim.urls.beijing = http://127.0.0.1:PORT/api/v1, key sim.keys.beijing
 *   await sim.stop();
 *
 * Regions are served on SEPARATE PORTS (separate origins, like the real hosts), each under
 * `/api/v1`: Beijing on `port` (0 = free port), Singapore on `singaporePort`, US (Virginia) on
 * `usPort` (defaults: port+1 and port+2 when a port is given, else free ports). Results and
 * temporary uploads live on two more hosts (`resultBaseUrl`, `uploadHostUrl`) run by test/sim/assets.
 *
 * Per-model rules come from the simulator's own table, models.ts (never from src/: the client and
 * the simulator must not share a table, see test/unit/catalog-agreement.test.ts). See server.ts
 * for the order of checks, validate.ts for the rules and messages, faults.ts for the fault knobs,
 * ratelimit.ts for limits.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startAssetHosts, type AssetHosts } from './assets/index.js';

import { KeyRegistry } from './auth.js';
import { realClock, type SimClock } from './clock.js';
import type { Region } from './models.js';
import { FaultStore, type FaultRule } from './faults.js';
import { RateLimiter, type LimiterClock } from './ratelimit.js';
import { API_PREFIX, createHandler, type SimCore, type TimingConfig } from './server.js';
import { TaskStore, type TaskRecord } from './tasks.js';

export type { FaultRule, FaultMatch, FaultAction } from './faults.js';
export { DEFAULT_KEYS } from './auth.js';
export type { Region } from './models.js';
export { FakeClock, realClock, type SimClock } from './clock.js';

export interface SimulatorOptions {
  /** Beijing port; 0/undefined = free port. Host 127.0.0.1. */
  port?: number;
  /** Singapore port; default port+1 when `port` is set, else a free port. */
  singaporePort?: number;
  /** US (Virginia) port; default port+2 when `port` is set, else a free port. */
  usPort?: number;
  /**
   * `scale` multiplies the model table's typicalDurationMs (default 1); the others override durations in ms.
   * `taskDurationMs(model)`, called once per submitted task, gives that task's whole duration
   * (unscaled ms, queue included) instead of the typical one (benchmarks draw it at random).
   */
  timing?: { scale?: number; pendingMs?: number; runningMs?: number; streamEventMs?: number; taskDurationMs?: (model: string) => number | undefined };
  faults?: FaultRule[];
  /** Result URL lifetime (default 24 h). */
  resultTtlMs?: number;
  /** Task lifetime before GET answers UNKNOWN (default 24 h). */
  taskRetentionMs?: number;
  keys?: { beijing?: string[]; singapore?: string[]; us?: string[] };
  /**
   * Per-key access to invite-only models (qwen-image-3.0*, NEW §5 "邀测阶段"): `false` for a key
   * makes them answer 403 AccessDenied.Unpurchased. Keys not listed are allowed.
   */
  modelAccess?: Record<string, boolean>;
  /** Default true. */
  rateLimits?: boolean;
  /** The clock the rate limiter counts its windows on (default the wall clock); tests drive a fake one. */
  rateLimitClock?: LimiterClock;
  /** Request log lines (method, path, status, time, masked key). Default: silent. */
  log?: (line: string) => void;
  /**
   * The time everything above is measured in (default the real clock); tests pass a `FakeClock`
   * to run the simulator on simulated time and assert its durations exactly.
   */
  clock?: SimClock;
}

export interface Simulator {
  urls: { beijing: string; singapore: string; us: string };
  keys: { beijing: string; singapore: string; us: string };
  resultBaseUrl: string;
  uploadHostUrl: string;
  faults: { add(rule: FaultRule): () => void; clear(): void };
  tasks: { get(id: string): unknown };
  /** The assets layer (result host, uploads), for tests that need to place input images. */
  assets: AssetHosts;
  /** Turns rate limiting on or off at run time. */
  setRateLimits(enabled: boolean): void;
  /** Grants or withdraws one key's access to the invite-only models at run time. */
  setModelAccess(key: string, allowed: boolean): void;
  /**
   * Changes the timing at run time (for requests that start after the call; a task keeps the
   * durations it was submitted with). Returns a function that restores the previous timing.
   */
  setTiming(patch: Partial<TimingConfig>): () => void;
  stop(): Promise<void>;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const clock = opts.clock ?? realClock;
  const assets = await startAssetHosts({ resultTtlMs: opts.resultTtlMs, host: '127.0.0.1', clock });
  const keys = new KeyRegistry(opts.keys ?? {});
  const tasks = new TaskStore(opts.taskRetentionMs, clock);
  // The limiter counts its windows on the simulator's clock unless a test gives it its own.
  const limiter = new RateLimiter(opts.rateLimits ?? true, opts.rateLimitClock ?? clock);
  const faults = new FaultStore((bps) => assets.setResultThrottle(bps));
  const access = new Map<string, boolean>(Object.entries(opts.modelAccess ?? {}));
  for (const f of opts.faults ?? []) faults.add(f);
  const core: SimCore = {
    keys,
    tasks,
    limiter,
    faults,
    assets: {
      putResult: (o) => assets.putResult(o),
      putResultBytes: (b, e, t) => assets.putResultBytes(b, e, t),
      createUploadPolicy: (o) => assets.createUploadPolicy(o),
      resolveImage: (r, o) => assets.resolveImage(r, o),
    },
    timing: { scale: 1, ...opts.timing },
    clock,
    modelAccess: (key) => access.get(key) !== false,
    log: opts.log,
  };

  const servers: Server[] = [];
  const start = async (region: Region, port: number): Promise<string> => {
    const server = createServer({ keepAliveTimeout: 5000 }, createHandler(core, region));
    servers.push(server);
    const p = await listen(server, port);
    return `http://127.0.0.1:${p}${API_PREFIX}`;
  };
  let beijing: string;
  let singapore: string;
  let us: string;
  try {
    beijing = await start('beijing', opts.port ?? 0);
    singapore = await start('singapore', opts.singaporePort ?? (opts.port ? opts.port + 1 : 0));
    us = await start('us', opts.usPort ?? (opts.port ? opts.port + 2 : 0));
  } catch (err) {
    await Promise.all(servers.map(close));
    await assets.stop();
    throw err;
  }

  let stopped: Promise<void> | undefined;
  return {
    urls: { beijing, singapore, us },
    keys: { beijing: keys.first('beijing'), singapore: keys.first('singapore'), us: keys.first('us') },
    resultBaseUrl: assets.resultBaseUrl,
    uploadHostUrl: assets.uploadHostUrl,
    faults: { add: (r) => faults.add(r), clear: () => faults.clear() },
    tasks: { get: (id: string): (TaskRecord & { view: unknown }) | undefined => tasks.snapshot(id) },
    assets,
    setRateLimits(enabled) {
      limiter.enabled = enabled;
    },
    setModelAccess(key, allowed) {
      access.set(key, allowed);
    },
    setTiming(patch) {
      const previous = { ...core.timing };
      Object.assign(core.timing, patch);
      return () => {
        for (const key of Object.keys(core.timing)) delete (core.timing as unknown as Record<string, unknown>)[key];
        Object.assign(core.timing, previous);
      };
    },
    stop() {
      stopped ??= (async () => {
        tasks.stop();
        await Promise.all(servers.map(close));
        await assets.stop();
      })();
      return stopped;
    },
  };
}
