/**
 * Security, the parts that run without an editor:
 * - key scan: a full CLI run end to end (the esbuild bundle, as test/unit/cli.test.ts builds it)
 *   with a distinctive key against the simulator — generate (sync and async), edit, translate,
 *   interleave, task wait, a failing call — then every file written (images with provenance,
 *   sidecars, Markdown, the history manifest, anything under HOME) and every stdout/stderr is
 *   searched for the key and its random part: zero hits;
 * - redirects: a result URL that redirects to another, plain-http host is refused (the other host
 *   is never asked), and no download ever carries the key;
 * - webview messages: the studio's message schema (what src/studio/panel.ts checks every message
 *   against before acting) refuses unknown types and bad shapes. Paths outside the workspace are
 *   checked by src/host/workspaceFs.ts (vscode), tested in test/suite/security.test.ts.
 * The CSP is checked in test/unit/studio-html.test.ts.
 *
 *   node --import tsx --test test/unit/security.test.ts
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as esbuild from 'esbuild';
import { DashScopeClient, DashScopeError } from '../../src/dashscope';
import { HISTORY_PATH, parseHistory } from '../../src/pipeline/history';
import { readProvenance } from '../../src/pipeline/provenance';
import { WebviewMessage } from '../../src/protocol/messages';
import { startSimulator, type Simulator } from '../sim/index';
import { makePng } from './client-fixtures';

const repoRoot = resolve(__dirname, '..', '..');
/** A key nobody else uses, so any hit is ours. */
const SECRET = randomBytes(12).toString('hex');
const KEY = `sk-leakcheck-${SECRET}`;

let work: string;
let cliJs: string;
let sim: Simulator;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'bailian-security-'));
  cliJs = join(work, 'cli.js');
  // esbuild.mjs's CLI target, with undici inside, into a private file (dist/ may be in use).
  await esbuild.build({ entryPoints: [join(repoRoot, 'src/cli/main.ts')], outfile: cliJs, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'silent', banner: { js: '#!/usr/bin/env node' } });
  sim = await startSimulator({ rateLimits: false, keys: { beijing: [KEY] }, timing: { scale: 0.002, pendingMs: 30, runningMs: 60, streamEventMs: 2 } });
});
after(async () => {
  await sim?.stop();
  await rm(work, { recursive: true, force: true });
});

interface Run {
  args: string[];
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], cwd: string, home: string, key = KEY): Promise<Run> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, USERPROFILE: home, DASHSCOPE_API_KEY: key, BAILIAN_POLL_SCALE: '0.005' };
  return new Promise((resolveRun, reject) => {
    const child = spawn(process.execPath, [cliJs, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code) => resolveRun({ args, code, stdout, stderr }));
  });
}

/** Every file under a folder (absolute paths). */
async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Where `needle` occurs in `haystack` (text, or the bytes of a file), as short labels. */
function hits(label: string, haystack: Buffer | string, needles: readonly string[]): string[] {
  const buffer = typeof haystack === 'string' ? Buffer.from(haystack) : haystack;
  return needles.flatMap((needle) => {
    // base64 at each of its three alignments inside a longer text: the stable middle of each.
    const base64 = [0, 1, 2].map((k) => Buffer.from('x'.repeat(k) + needle).toString('base64').slice(k ? 4 : 0, -4));
    const forms = [needle, encodeURIComponent(needle), ...base64];
    return forms.some((form) => buffer.includes(form)) ? [`${label} contains ${needle === KEY ? 'the key' : 'part of the key'}`] : [];
  });
}

describe('the key never leaves the process: a full CLI run, then a scan of everything it wrote', () => {
  test('generate, edit, translate, interleave, task wait and a failure: zero hits', { timeout: 120_000 }, async () => {
    const ws = join(work, 'workspace');
    const home = join(work, 'home');
    await mkdir(join(ws, '.bailian'), { recursive: true });
    await mkdir(join(ws, 'in'), { recursive: true });
    await mkdir(home, { recursive: true });
    // A workspace that keeps a history manifest: the CLI appends its lines to it.
    await writeFile(join(ws, HISTORY_PATH), '');
    await writeFile(join(ws, 'in', 'photo.png'), makePng(512, 512));
    await writeFile(join(ws, 'in', 'poster.png'), makePng(400, 300));
    const base = ['--base-url', sim.urls.beijing];

    const runs: Run[] = [];
    const ok = async (args: string[]): Promise<Run> => {
      const run = await runCli(args, ws, home);
      runs.push(run);
      assert.equal(run.code, 0, `${args.join(' ')}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
      return run;
    };
    await ok(['generate', 'a lighthouse at dawn', '--model', 'z-image-turbo', '--size', '512*512', ...base]);
    const asyncRun = await ok(['generate', 'a paper fox', '--model', 'wan2.2-t2i-flash', '--n', '1', '--size', '512*512', '--json', ...base]);
    const taskId = (JSON.parse(asyncRun.stdout) as { task_id: string }).task_id;
    await ok(['edit', '-i', 'in/photo.png', 'make it watercolour', '--n', '1', ...base]);
    await ok(['translate', '-i', 'in/poster.png', '--from', 'en', '--to', 'zh', ...base]);
    await ok(['interleave', 'three steps to fold a crane', '--max-images', '2', '--size', '1024*1024', ...base]);
    await ok(['task', 'wait', taskId, '--model', 'wan2.2-t2i-flash', '--out', 'again', ...base]);
    await ok(['task', 'status', taskId, '--json', ...base]);
    await ok(['history', '--json']);
    // Failures print the service's error: never the key, also when the key is the problem.
    const wrongRegion = await runCli(['generate', 'x', '--model', 'z-image-turbo', '--base-url', sim.urls.singapore], ws, home);
    runs.push(wrongRegion);
    assert.equal(wrongRegion.code, 1, wrongRegion.stderr);
    assert.match(wrongRegion.stderr, /InvalidApiKey/);
    const unknownTask = await runCli(['task', 'wait', 'no-such-task', '--model', 'wan2.2-t2i-flash', ...base], ws, home);
    runs.push(unknownTask);
    assert.equal(unknownTask.code, 1, unknownTask.stderr);

    // What was written: images with provenance, a JPG with its sidecar, the guide, the history.
    const files = await filesUnder(ws);
    const pngs = files.filter((f) => f.endsWith('.png') && !f.includes(`${join(ws, 'in')}`));
    assert.ok(pngs.length >= 5, `images written: ${pngs.length}`);
    for (const png of pngs) assert.ok(readProvenance(await readFile(png)), `${png} carries provenance`);
    assert.ok(files.some((f) => f.endsWith('.jpg')) && files.some((f) => f.endsWith('.jpg.json') || f.endsWith('.json')), 'the translation and its sidecar');
    assert.ok(files.some((f) => f.endsWith('.md')), 'the guide document');
    const history = parseHistory(await readFile(join(ws, HISTORY_PATH), 'utf8'));
    assert.deepEqual(history.badLines, []);
    assert.ok(history.entries.length >= 5, `history lines: ${history.entries.length}`);

    const needles = [KEY, SECRET, SECRET.slice(0, 12), SECRET.slice(-12)];
    // The scan finds the key in any of its forms (a scan that cannot find anything proves nothing).
    for (const sample of [`Authorization: Bearer ${KEY}`, Buffer.from(`{"k":"${KEY}"}`).toString('base64'), `?key=${encodeURIComponent(KEY)}`, `…${SECRET.slice(-12)}`]) {
      assert.notDeepEqual(hits('sample', sample, needles), [], sample);
    }
    const found: string[] = [];
    for (const file of [...files, ...(await filesUnder(home))]) found.push(...hits(file.slice(work.length + 1), await readFile(file), needles));
    for (const run of runs) found.push(...hits(`stdout of ${run.args[0]} ${run.args[1]}`, run.stdout, needles), ...hits(`stderr of ${run.args[0]} ${run.args[1]}`, run.stderr, needles));
    assert.deepEqual(found, [], 'the key appears nowhere');
    console.log(`\nKey scan: ${files.length} files in the workspace, ${runs.length} CLI runs (stdout and stderr): 0 hits for the key\n`);
  });
});

/** A local HTTP server that records every request's path and headers. */
async function recordingServer(handle: (path: string, res: import('node:http').ServerResponse) => void): Promise<{ url: string; requests: { path: string; headers: IncomingHttpHeaders }[]; server: Server }> {
  const requests: { path: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    requests.push({ path: req.url ?? '', headers: req.headers });
    handle(req.url ?? '', res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

describe('result downloads: redirects refused, never the key', () => {
  const png = makePng(64, 64);
  let elsewhere: Awaited<ReturnType<typeof recordingServer>>;
  let resultHost: Awaited<ReturnType<typeof recordingServer>>;
  let client: DashScopeClient;
  let dir: string;

  before(async () => {
    elsewhere = await recordingServer((_path, res) => res.writeHead(200, { 'content-type': 'image/png' }).end(png));
    resultHost = await recordingServer((path, res) => {
      if (path.startsWith('/ok.png')) res.writeHead(200, { 'content-type': 'image/png' }).end(png);
      else if (path.startsWith('/to-elsewhere')) res.writeHead(302, { location: `${elsewhere.url}/stolen.png` }).end();
      else if (path.startsWith('/to-self')) res.writeHead(301, { location: '/ok.png' }).end();
      else if (path.startsWith('/to-https')) res.writeHead(307, { location: 'https://example.invalid/result.png' }).end();
      else res.writeHead(404).end();
    });
    client = new DashScopeClient({ apiKey: KEY, baseUrl: sim.urls.beijing, retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2 } });
    dir = await mkdtemp(join(tmpdir(), 'bailian-security-download-'));
  });
  after(async () => {
    await client.close();
    await new Promise((r) => elsewhere.server.close(r));
    await new Promise((r) => resultHost.server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  test('a signed result URL is fetched without the key', async () => {
    const file = await client.download(`${resultHost.url}/ok.png?Expires=1&Signature=abc`, { dir, expectedFormat: 'png' });
    assert.equal(file.format, 'png');
    const request = resultHost.requests.at(-1)!;
    assert.equal(request.headers.authorization, undefined, 'no Authorization header');
    assert.ok(!JSON.stringify(request.headers).includes(SECRET), 'the key is in no header');
  });

  for (const [what, path] of [
    ['to a plain-http host other than the result host', '/to-elsewhere.png'],
    ['to an https host', '/to-https.png'],
    ['to the result host itself', '/to-self.png'],
  ] as const) {
    test(`a redirect ${what} is refused, and nothing else is asked`, async () => {
      const before = elsewhere.requests.length;
      await assert.rejects(client.download(`${resultHost.url}${path}?Signature=abc`, { dir, expectedFormat: 'png' }), (error: unknown) => {
        assert.ok(error instanceof DashScopeError);
        assert.equal(error.code, 'ResultRedirected');
        assert.match(error.message, /redirect \(HTTP 30\d\)/);
        assert.match(error.hint, /Generate the image again/);
        assert.equal(error.retriable, false);
        return true;
      });
      assert.equal(elsewhere.requests.length, before, 'the redirect target was never contacted');
      for (const request of resultHost.requests) {
        assert.equal(request.headers.authorization, undefined);
        assert.ok(!JSON.stringify(request.headers).includes(SECRET));
      }
      assert.deepEqual((await readdir(dir)).filter((f) => f.endsWith('.part')), [], 'no partial download left');
    });
  }
});

describe('webview messages: unknown types and bad shapes are refused before anything acts on them', () => {
  const location = { folderIndex: 0, path: 'images/cat.png' };
  const refused: [string, unknown][] = [
    ['an unknown type', { type: 'runShell', command: 'rm -rf /' }],
    ['a type in the wrong case', { type: 'Run', jobId: 'j', params: { mode: 'generate', model: 'm' } }],
    ['no type', { jobId: 'j' }],
    ['not an object', 'ready'],
    ['an array', [{ type: 'ready' }]],
    ['a run without params', { type: 'run', jobId: 'j1' }],
    ['a job id with a path in it', { type: 'run', jobId: '../../etc', params: { mode: 'generate', model: 'qwen-image' } }],
    ['a job id that is too long', { type: 'cancel', jobId: 'j'.repeat(65) }],
    ['inputs that are plain paths instead of locations', { type: 'run', jobId: 'j', params: { mode: 'edit', model: 'qwen-image-edit-plus', inputs: ['/etc/passwd'] } }],
    ['a location with a negative folder', { type: 'file', action: 'open', location: { folderIndex: -1, path: 'a.png' } }],
    ['a location in a fractional folder', { type: 'file', action: 'open', location: { folderIndex: 0.5, path: 'a.png' } }],
    ['a location without a path', { type: 'file', action: 'open', location: { folderIndex: 0, path: '' } }],
    ['a file action nobody offers', { type: 'file', action: 'delete', location }],
    ['an error action nobody offers', { type: 'errorAction', action: 'executeCommand' }],
    ['a paste of a type nobody takes', { type: 'pasteImage', mode: 'edit', mime: 'image/svg+xml', data: 'PHN2Zz4=' }],
    ['a paste over 10 MB', { type: 'pasteImage', mode: 'edit', mime: 'image/png', data: 'A'.repeat(14_000_000) }],
    ['too many dropped files', { type: 'dropUris', mode: 'edit', uris: Array.from({ length: 51 }, (_, i) => `file:///w/${i}.png`) }],
    ['a glossary term that is not text', { type: 'saveGlossary', terms: [{ src: 'a', tgt: 7 }] }],
    ['a seed out of range', { type: 'run', jobId: 'j', params: { mode: 'generate', model: 'qwen-image', seed: -5 } }],
  ];
  for (const [what, message] of refused) {
    test(what, () => {
      assert.equal(WebviewMessage.safeParse(message).success, false, JSON.stringify(message).slice(0, 200));
    });
  }

  test('a well-formed message still goes through (the schema is not simply closed)', () => {
    assert.ok(WebviewMessage.safeParse({ type: 'file', action: 'open', location }).success);
  });
});
