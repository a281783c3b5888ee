/**
 * Shared helpers of the pipeline tests: an in-memory {@link FileSystem} with failure hooks, the
 * two savers every saving test runs over (in-memory + saveAtomically, and nodeFileSystem on a
 * temporary folder), a client for the simulator, and a dispatcher that records every JSON body
 * the client sends (the simulator itself keeps no request bodies).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, type Dispatcher } from 'undici';
import { DashScopeClient, type DashScopeClientOptions } from '../../src/dashscope';
import { saveAtomically, type FileSystem } from '../../src/pipeline/files';
import type { ImageSaver, OutputFile, SavedFileRef } from '../../src/pipeline/images';
import { nodeFileSystem, type NodeFileSystemHooks } from '../../src/pipeline/nodeFs';
import type { Simulator } from '../sim/index';

/** The simulator's timing scale in these tests (and the client's poll scale to match). */
export const SCALE = 0.01;

/**
 * An in-memory {@link FileSystem} with hooks to inject races and failures. `append` exists only
 * when asked for, so both paths of appendFile (native append, atomic rewrite) can be tested.
 */
export class MemoryFs implements FileSystem {
  readonly files = new Map<string, Uint8Array>();
  readonly folders = new Set<string>(['']);
  /** Called before every rename (no-overwrite or replacing); may change the files. */
  beforeRename?: (from: string, to: string) => void | Promise<void>;
  /** Every write fails after writing 3 bytes (a full disk). */
  failWrite = false;
  /** Writes to paths this accepts fail the same way. */
  failWriteWhen?: (path: string) => boolean;
  failRename = false;
  append?: (path: string, bytes: Uint8Array) => Promise<void>;

  constructor(options: { append?: boolean } = {}) {
    if (options.append) {
      this.append = async (path, bytes) => {
        const old = this.files.get(path) ?? new Uint8Array();
        const joined = new Uint8Array(old.length + bytes.length);
        joined.set(old, 0);
        joined.set(bytes, old.length);
        this.files.set(path, joined);
      };
    }
  }

  async exists(path: string): Promise<boolean> {
    return this.files.has(path) || this.folders.has(path);
  }
  async createDirectory(path: string): Promise<void> {
    const segments = path.split('/');
    for (let i = 1; i <= segments.length; i++) this.folders.add(segments.slice(0, i).join('/'));
  }
  async readFile(path: string): Promise<Uint8Array> {
    const bytes = this.files.get(path);
    if (!bytes) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
    return bytes;
  }
  async writeFile(path: string, bytes: Uint8Array): Promise<void> {
    const fail = this.failWrite || this.failWriteWhen?.(path) === true;
    this.files.set(path, bytes.subarray(0, fail ? 3 : bytes.length));
    if (fail) throw Object.assign(new Error('ENOSPC: disk full'), { code: 'ENOSPC' });
  }
  async renameNoOverwrite(from: string, to: string): Promise<'renamed' | 'exists'> {
    await this.beforeRename?.(from, to);
    if (this.failRename) throw new Error('EACCES: permission denied');
    if (this.files.has(to)) return 'exists';
    this.move(from, to);
    return 'renamed';
  }
  async replace(from: string, to: string): Promise<void> {
    await this.beforeRename?.(from, to);
    if (this.failRename) throw new Error('EACCES: permission denied');
    this.move(from, to);
  }
  async delete(path: string): Promise<void> {
    this.files.delete(path);
  }
  /** Text of a file. */
  text(path: string): string {
    return new TextDecoder().decode(this.files.get(path));
  }
  private move(from: string, to: string): void {
    const bytes = this.files.get(from);
    if (!bytes) throw Object.assign(new Error(`ENOENT: ${from}`), { code: 'ENOENT' });
    this.files.set(to, bytes);
    this.files.delete(from);
  }
}

/** Every file under a folder, `/`-separated, sorted (folders not listed). */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1).split(/[\\/]/).join('/'))
    .sort();
}

/** One of the two savers under test, with a way to look at what it wrote. */
export interface SaverUnderTest {
  readonly label: 'memory' | 'node';
  readonly fs: FileSystem;
  readonly saver: ImageSaver;
  /** Every file saved so far, sorted. */
  list(): Promise<string[]>;
  read(name: string): Promise<Uint8Array>;
  /** Makes saves of files whose name matches fail (the bytes are written, then the disk is "full"). */
  failWritesOf(match: RegExp): void;
  dispose(): Promise<void>;
}

/** An {@link ImageSaver} over saveAtomically on a file system. */
export function atomicSaver(fs: FileSystem): ImageSaver {
  return { save: async (file: OutputFile): Promise<SavedFileRef> => ({ name: await saveAtomically(fs, file) }) };
}

/** In-memory FileSystem + saveAtomically. */
export function memorySaver(): SaverUnderTest {
  const fs = new MemoryFs();
  return {
    label: 'memory',
    fs,
    saver: atomicSaver(fs),
    list: async () => [...fs.files.keys()].sort(),
    read: async (name) => fs.readFile(name),
    failWritesOf: (match) => (fs.failWriteWhen = (path) => match.test(path)),
    dispose: async () => undefined,
  };
}

/** nodeFileSystem on a fresh temporary folder + saveAtomically. */
export async function nodeSaver(): Promise<SaverUnderTest> {
  const dir = await mkdtemp(join(tmpdir(), 'bailian-pipeline-test-'));
  let failing: RegExp | undefined;
  const hooks: NodeFileSystemHooks = {
    write: async (handle, data, path) => {
      if (failing?.test(path)) {
        await handle.write(data.subarray(0, 3));
        throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
      }
      await handle.writeFile(data);
    },
  };
  const fs = nodeFileSystem(dir, hooks);
  return {
    label: 'node',
    fs,
    saver: atomicSaver(fs),
    list: () => listFiles(dir),
    read: async (name) => new Uint8Array(await readFile(join(dir, ...name.split('/')))),
    failWritesOf: (match) => (failing = match),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Both savers, for `for (const make of SAVERS)` loops. */
export const SAVERS: readonly { label: 'memory' | 'node'; make: () => Promise<SaverUnderTest> }[] = [
  { label: 'memory', make: async () => memorySaver() },
  { label: 'node', make: nodeSaver },
];

/** A client for the simulator's Beijing region, without retries (faults show at once). */
export function simClient(sim: Simulator, extra: Partial<DashScopeClientOptions> = {}): DashScopeClient {
  return new DashScopeClient({ apiKey: sim.keys.beijing, baseUrl: sim.urls.beijing, poll: { durationScale: SCALE }, retry: { maxRetries: 0 }, ...extra });
}

/** A JSON request the client sent. */
export interface SentRequest {
  readonly method: string;
  readonly path: string;
  readonly body: unknown;
}

/** An undici dispatcher that records every JSON body sent through it (give it to the client as `dispatcher`). */
export function recordingDispatcher(): { dispatcher: Dispatcher; sent: SentRequest[]; close(): Promise<void> } {
  const agent = new Agent();
  const sent: SentRequest[] = [];
  const dispatcher = agent.compose((dispatch) => (opts, handler) => {
    if (typeof opts.body === 'string') {
      let body: unknown = opts.body;
      try {
        body = JSON.parse(opts.body);
      } catch {
        // Not JSON: kept as text.
      }
      sent.push({ method: opts.method, path: opts.path, body });
    }
    return dispatch(opts, handler);
  });
  return { dispatcher, sent, close: () => agent.close() };
}

/** Resolves with the first value `match` accepts; `listener` goes where the events come from. */
export function eventWaiter<E>(match: (event: E) => boolean): { listener: (event: E) => void; seen: Promise<E> } {
  let resolve!: (event: E) => void;
  const seen = new Promise<E>((r) => (resolve = r));
  return { listener: (event) => (match(event) ? resolve(event) : undefined), seen };
}

/** A result URL whose signature no longer matches (the result host answers 403, as for an expired URL). */
export function brokenUrl(url: string): string {
  const u = new URL(url);
  assert.ok(u.searchParams.has('Signature'), `a signed result URL: ${url}`);
  u.searchParams.set('Signature', 'not-the-signature');
  return u.toString();
}

/** Runs `body` with each saver, disposing of it afterwards. */
export async function withEachSaver(body: (s: SaverUnderTest) => Promise<void>): Promise<void> {
  for (const { label, make } of SAVERS) {
    const s = await make();
    try {
      await body(s);
    } catch (error) {
      if (error instanceof Error) error.message = `[${label} saver] ${error.message}`;
      throw error;
    } finally {
      await s.dispose();
    }
  }
}
