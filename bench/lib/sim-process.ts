/** The benchmark side of sim-child.ts: start a simulator in a child process and talk to it. */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

/** What the child knows about one task: times in epoch ms, query arrivals in epoch ms. */
export interface TaskReport {
  accountId: string;
  model: string;
  submitMs: number;
  scheduledMs?: number;
  endMs?: number;
  queries: number[];
}

/** A simulator running in a child process. */
export interface SimProcess {
  url: string;
  key: string;
  /** The next submitted task of `model` lasts `ms` (unscaled, queue included). */
  setNextDuration(model: string, ms: number): Promise<void>;
  report(ids: readonly string[]): Promise<Record<string, TaskReport>>;
  /** A result URL serving the bytes of a local file. */
  hostFile(path: string, ext: 'png' | 'jpg'): Promise<string>;
  /** A result URL of a freshly rendered PNG of this size. */
  render(width: number, height: number): Promise<string>;
  /** Adds a fault rule (plain data: no RegExp), e.g. `{ kind: 'slowDownload', bytesPerSecond }`. */
  fault(rule: Record<string, unknown>): Promise<void>;
  clearFaults(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the simulator at `scale`; rate limits off (the benchmark counts queries itself) unless `rateLimits`. */
export async function startSimProcess(opts: { scale: number; keys?: string[]; rateLimits?: boolean }): Promise<SimProcess> {
  const child: ChildProcess = fork(join(__dirname, 'sim-child.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let seq = 0;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on('message', (m: { id: number; result?: unknown; error?: string }) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error !== undefined) w?.reject(new Error(m.error));
    else w?.resolve(m.result);
  });
  child.on('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`simulator process exited (${code})`));
    waiting.clear();
  });
  const call = <T>(type: string, payload: Record<string, unknown> = {}): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = ++seq;
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, type, ...payload });
    });
  const { url, key } = await call<{ url: string; key: string }>('start', { scale: opts.scale, rateLimits: opts.rateLimits === true, ...(opts.keys ? { keys: opts.keys } : {}) });
  return {
    url,
    key,
    setNextDuration: async (model, ms) => {
      await call('duration', { model, ms });
    },
    report: (ids) => call('report', { ids }),
    hostFile: (path, ext) => call('hostFile', { path, ext }),
    render: (width, height) => call('render', { width, height }),
    fault: async (rule) => {
      await call('fault', { rule });
    },
    clearFaults: async () => {
      await call('clearFaults');
    },
    stop: async () => {
      const exited = new Promise((r) => child.once('exit', r));
      await call('stop').catch(() => undefined);
      await exited;
    },
  };
}
