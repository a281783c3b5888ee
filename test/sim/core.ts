/** What the simulator's routes share: the stores, the hosts, the clock and the timing of one simulator. */
import type { KeyRegistry } from './auth.js';
import type { SimClock } from './clock.js';
import type { FaultStore } from './faults.js';
import type { RateLimiter } from './ratelimit.js';
import type { TaskStore } from './tasks.js';

/** What the core needs from the assets module (test/sim/assets). */
export interface AssetsLike {
  putResult(opts: { model: string; prompt: string; seed: number; width: number; height: number; format: 'png' | 'jpg'; index: number; ttlMs?: number }): Promise<string>;
  putResultBytes(bytes: Buffer, ext: 'png' | 'jpg', ttlMs?: number): string;
  createUploadPolicy(opts: { keyId: string; model: string; requestId?: string }): unknown;
  resolveImage(ref: string, opts: { model: string; ossResolve: boolean; maxBytes: number; keyId?: string }): Promise<{ bytes: Buffer; format: string; width: number; height: number }>;
}

export interface TimingConfig {
  scale: number;
  pendingMs?: number;
  runningMs?: number;
  streamEventMs?: number;
  /** Per submitted task: its whole duration (unscaled ms, queue included) in place of the catalog's; undefined = the catalog's. */
  taskDurationMs?: (model: string) => number | undefined;
}

export interface SimCore {
  keys: KeyRegistry;
  tasks: TaskStore;
  limiter: RateLimiter;
  faults: FaultStore;
  assets: AssetsLike;
  timing: TimingConfig;
  /** Every duration the simulator waits and every time it reports. */
  clock: SimClock;
  /** Whether a key may call invite-only models (`accessRestricted`, NEW §5); default allowed. */
  modelAccess: (key: string) => boolean;
  log?: (line: string) => void;
}

export const API_PREFIX = '/api/v1';
