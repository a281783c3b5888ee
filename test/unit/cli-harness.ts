/**
 * What the CLI's end-to-end tests share: the CLI bundled the way esbuild.mjs builds dist/cli.js
 * (into a private file, as dist/ may be in use), run as a real child process with a clean
 * environment, and small file helpers.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { imageSize } from 'image-size';
import { PNG } from 'pngjs';

const repoRoot = resolve(__dirname, '..', '..');
/** The CLI's cache (learned task durations) for this test process, never the user's. */
const cacheHome = join(tmpdir(), `bailian-cli-test-cache-${process.pid}`);

/** One run of the CLI. */
export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout's non-empty lines. */
  lines: string[];
}

/** Options of {@link runCli}. */
export interface RunOptions {
  cwd: string;
  /** Added to the environment (undefined removes a variable); proxies are always removed unless given. */
  env?: Record<string, string | undefined>;
  input?: string;
  /** Called with the child and the stderr seen so far, on every stderr chunk. */
  onStderr?: (child: ChildProcess, stderr: string) => void;
}

/** Bundles src/cli/main.ts into `dir/cli.js` (with undici inside: no dist/undici.js lies beside it) and returns its path. */
export async function buildCli(dir: string): Promise<string> {
  const cliJs = join(dir, 'cli.js');
  await esbuild.build({ entryPoints: [join(repoRoot, 'src/cli/main.ts')], outfile: cliJs, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent', banner: { js: '#!/usr/bin/env node' } });
  return cliJs;
}

/** Runs the bundled CLI with `args`; resolves when it exits. */
export function runCli(cliJs: string, args: string[], opts: RunOptions): Promise<Run> {
  const env: Record<string, string | undefined> = { ...process.env, BAILIAN_POLL_SCALE: '0.005', XDG_CACHE_HOME: cacheHome, ...opts.env };
  for (const k of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) if (!opts.env || !(k in opts.env)) delete env[k];
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [cliJs, ...args], { cwd: opts.cwd, env: env as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
      opts.onStderr?.(child, stderr);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolveRun({ code, signal, stdout, stderr, lines: stdout.split('\n').filter(Boolean) }));
    child.stdin.end(opts.input ?? '');
  });
}

/** A run's exit code and output, for assertion messages. */
export function describeRun(run: Run): string {
  return `exit ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
}

/** An opaque RGB PNG with a gradient (wan2.6-image refuses alpha). */
export function pngFile(width: number, height: number): Buffer {
  const p = new PNG({ width, height });
  for (let i = 0; i < p.data.length; i += 4) {
    const x = (i / 4) % width;
    p.data[i] = x % 256;
    p.data[i + 1] = 120;
    p.data[i + 2] = 200;
    p.data[i + 3] = 255;
  }
  return PNG.sync.write(p, { colorType: 2 });
}

/** Width, height and type of an image file. */
export function sizeOf(path: string): { width: number; height: number; type: string } {
  const r = imageSize(readFileSync(path));
  return { width: r.width!, height: r.height!, type: r.type! };
}

/** Asserts no output of a run contains any of the keys. */
export function assertNoKey(run: Run, keys: readonly string[]): void {
  for (const key of keys) assert.ok(!run.stdout.includes(key) && !run.stderr.includes(key), 'the key must never be printed');
}

/** A mask at `w`×`h`: the left third white (edit), the rest black (keep). */
export function maskPng(w: number, h: number): Buffer {
  const png = new PNG({ width: w, height: h });
  for (let i = 0; i < w * h; i++) {
    const v = i % w < w / 3 ? 255 : 0;
    png.data.set([v, v, v, 255], i * 4);
  }
  return PNG.sync.write(png);
}

/** An RGBA cut-out (background): the right half opaque, the left transparent. */
export function cutoutPng(w: number, h: number): Buffer {
  const png = new PNG({ width: w, height: h });
  for (let i = 0; i < w * h; i++) png.data.set([10, 200, 30, i % w > w / 2 ? 255 : 0], i * 4);
  return PNG.sync.write(png, { colorType: 6 });
}
