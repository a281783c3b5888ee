/**
 * The CLI in a pipeline: a reader that closes stdout early (`bailian-image models | head -3`)
 * ends the output quietly, and the process exits with the run's own code, 0 here, with nothing
 * on stderr but the run's own lines (no EPIPE stack trace). Checked on the built bundle for
 * `models`, `history` (text and --json) and `generate --json` against the simulator, where the
 * paid image is still saved although nobody reads the answer.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { HistoryEntrySchema } from '../../src/pipeline/history';
import { startSimulator, type Simulator } from '../sim/index';
import { buildCli } from './cli-harness';

let work: string;
let cliJs: string;
let sim: Simulator;

/** How a child ended, and what it wrote to stderr. */
interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI with stdout into a reader that closes it: at once (`afterBytes` 0: before the
 * CLI writes anything) or after reading at least `afterBytes`.
 */
function runIntoClosingReader(args: string[], opts: { cwd: string; env?: Record<string, string>; afterBytes: number }): Promise<Ended> {
  const env: NodeJS.ProcessEnv = { ...process.env, BAILIAN_POLL_SCALE: '0.005', XDG_CACHE_HOME: join(work, 'cache'), ...opts.env };
  for (const k of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) delete env[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliJs, ...args], { cwd: opts.cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    if (opts.afterBytes === 0) child.stdout.destroy();
    else
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        stdout += chunk;
        if (stdout.length >= opts.afterBytes) child.stdout.destroy();
      });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

function describeEnd(end: Ended): string {
  return `exit ${end.code} (signal ${end.signal})\nstderr:\n${end.stderr}`;
}

/** A workspace whose history manifest holds `count` entries, with long prompts. */
async function workspaceWithHistory(name: string, count: number): Promise<string> {
  const root = join(work, name);
  await mkdir(join(root, '.bailian'), { recursive: true });
  const lines: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const entry = HistoryEntrySchema.parse({
      version: 1,
      id: `m${i}-pipe`,
      kind: 'generate',
      source: 'cli',
      model: 'qwen-image',
      prompt: `entry ${i}: a lighthouse at dawn over a calm sea, soft light, wide shot, film grain`,
      outputs: [{ path: `generated-images/lighthouse-${i}.png`, seed: i }],
      started: '2026-11-01T10:00:00.000Z',
      finished: '2026-11-01T10:00:05.000Z',
      durationMs: 5000,
      outcome: 'succeeded',
    });
    lines.push(JSON.stringify(entry));
  }
  await writeFile(join(root, '.bailian', 'history.jsonl'), `${lines.join('\n')}\n`);
  return root;
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'bailian-cli-pipe-'));
  cliJs = await buildCli(work);
  sim = await startSimulator({ rateLimits: false, timing: { scale: 0.002, pendingMs: 30, runningMs: 60, streamEventMs: 5 } });
});

after(async () => {
  await sim?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('cli: a closed stdout ends the output quietly, with status 0', { concurrency: true }, () => {
  test('models, its reader gone before the first line', async () => {
    const end = await runIntoClosingReader(['models'], { cwd: work, afterBytes: 0 });
    assert.equal(end.code, 0, describeEnd(end));
    assert.equal(end.stderr, '', describeEnd(end));
  });

  test('models --json, its reader gone before the answer', async () => {
    const end = await runIntoClosingReader(['models', '--json'], { cwd: work, afterBytes: 0 });
    assert.equal(end.code, 0, describeEnd(end));
    assert.equal(end.stderr, '', describeEnd(end));
  });

  test('`models | head -3` in a shell: three lines, status 0, nothing on stderr', () => {
    const shell = spawnSync('bash', ['-c', `"${process.execPath}" "${cliJs}" models | head -3; echo "status \${PIPESTATUS[0]}" >&2`], { cwd: work, encoding: 'utf8' });
    assert.equal(shell.stdout.split('\n').filter(Boolean).length, 3, shell.stdout);
    assert.match(shell.stdout, /^MODEL\s+COMMAND/);
    assert.equal(shell.stderr, 'status 0\n');
  });

  test('history, its reader gone after the first lines of 3,000 (far more than a pipe buffers)', async () => {
    const root = await workspaceWithHistory('history-text', 3000);
    const end = await runIntoClosingReader(['history', '--quiet'], { cwd: root, afterBytes: 300 });
    assert.equal(end.code, 0, describeEnd(end));
    assert.equal(end.stderr, '', describeEnd(end));
    assert.match(end.stdout, /^m2999-pipe\t/, 'the reader got the newest entry first');
  });

  test('history --json, its reader gone before the answer', async () => {
    const root = await workspaceWithHistory('history-json', 500);
    const end = await runIntoClosingReader(['history', '--json'], { cwd: root, afterBytes: 0 });
    assert.equal(end.code, 0, describeEnd(end));
    assert.equal(end.stderr, '', describeEnd(end));
  });

  test('generate --json against the simulator: the image is saved, the logs stay on stderr, status 0', async () => {
    const cwd = join(work, 'generate');
    await mkdir(cwd, { recursive: true });
    const end = await runIntoClosingReader(['generate', 'a lighthouse at dawn', '--model', 'qwen-image-plus', '--seed', '7', '--base-url', sim.urls.beijing, '--json'], {
      cwd,
      env: { DASHSCOPE_API_KEY: sim.keys.beijing },
      afterBytes: 0,
    });
    assert.equal(end.code, 0, describeEnd(end));
    assert.doesNotMatch(end.stderr, /EPIPE|Error:|at \S+ \(/, describeEnd(end));
    const saved = readdirSync(join(cwd, 'bailian-output')).filter((name) => name.endsWith('.png'));
    assert.equal(saved.length, 1, `one image kept (got ${saved.join(', ')})`);
  });
});

describe('cli: any other stdout failure is still a failure', () => {
  test('models into a full device: the error on stderr, status 1', () => {
    const full = openSync('/dev/full', 'w');
    try {
      const run = spawnSync(process.execPath, [cliJs, 'models'], { cwd: work, stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
      assert.equal(run.status, 1, run.stderr);
      assert.match(run.stderr, /^error: cannot write to stdout: ENOSPC/);
    } finally {
      closeSync(full);
    }
  });
});
