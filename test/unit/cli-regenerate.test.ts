/**
 * `regenerate` and `history` end to end, in the style of cli.test.ts: the esbuild bundle run as a
 * child process against a simulator. A small recording proxy in front of the simulator keeps
 * every request body (the simulator's own log has method, path and status only), so the test
 * can show that regenerating from a PNG's provenance, or from a history line, sends the very
 * request the original job sent — and writes a new file instead of touching the original.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PNG } from 'pngjs';
import { cliCommand, jobOfHistoryEntry } from '../../src/pipeline/cliCommand';
import { historyEntry, historyLine, keptFacts, parseHistoryLine } from '../../src/pipeline/history';
import { readProvenance } from '../../src/pipeline/provenance';
import { startSimulator, type Simulator } from '../sim/index';
import { startRecordingProxy, type RecordingProxy } from './recording-proxy';
import { buildCli, describeRun, pngFile, runCli as runCliProcess, type Run } from './cli-harness';


let work: string;
let cliJs: string;
let sim: Simulator;
/** Request lines the simulator logged (`[sim beijing] POST /api/v1/… → 200 …`). */
const simLog: string[] = [];
let recording: RecordingProxy;
let proxyUrl: string;
/** Every request that went through the proxy, in order. */
let recorded: RecordingProxy['recorded'];

function runCli(args: string[], cwd: string): Promise<Run> {
  return runCliProcess(cliJs, args, { cwd, env: { DASHSCOPE_API_KEY: sim.keys.beijing } });
}

/** The generation requests (POSTs that are not uploads) recorded since `from`, bodies parsed. */
function generationBodies(from: number): unknown[] {
  return recording.generationBodies(from);
}

/** A mask whose left third is white (edit) and the rest black (keep). */
function whiteLeftMask(width: number, height: number): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    const v = i % width < width / 3 ? 255 : 0;
    png.data.set([v, v, v, 255], i * 4);
  }
  return PNG.sync.write(png);
}

/** A workspace folder that keeps a history manifest (so the CLI appends to it). */
async function workspace(name: string): Promise<string> {
  const dir = join(work, name);
  await mkdir(join(dir, '.bailian'), { recursive: true });
  await writeFile(join(dir, '.bailian', 'history.jsonl'), '');
  return dir;
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'bailian-cli-regenerate-'));
  cliJs = await buildCli(work);
  sim = await startSimulator({ rateLimits: false, timing: { scale: 0.002, pendingMs: 30, runningMs: 60, streamEventMs: 5 }, log: (line) => simLog.push(line) });
  const target = new URL(sim.urls.beijing);
  recording = await startRecordingProxy(target);
  proxyUrl = recording.url;
  recorded = recording.recorded;
});

after(async () => {
  await recording?.close();
  await sim?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('cli: regenerate and history', () => {
  test('regenerate from a PNG provenance sends the same request and writes a new file', async () => {
    const cwd = await workspace('from-png');
    const first = await runCli(['generate', 'a lighthouse at dawn', '--model', 'qwen-image', '--seed', '4242', '--size', '1328*1328', '--negative', 'blurry', '--out', 'art', '--base-url', proxyUrl], cwd);
    assert.equal(first.code, 0, describeRun(first));
    assert.equal(first.lines.length, 1);
    const original = first.lines[0]!;
    const originalBytes = readFileSync(join(cwd, original));
    const sent = generationBodies(0);
    assert.equal(sent.length, 1, 'one generation request');

    const mark = recorded.length;
    const logMark = simLog.length;
    const again = await runCli(['regenerate', original, '--base-url', proxyUrl], cwd);
    assert.equal(again.code, 0, describeRun(again));
    assert.equal(again.lines.length, 1);
    const copy = again.lines[0]!;
    assert.notEqual(copy, original, 'a new file');
    assert.ok(copy.startsWith('art/'), `next to the original: ${copy}`);
    assert.deepEqual(generationBodies(mark), sent, 'the same request body');
    // The simulator saw the same call: same method and endpoint.
    const endpoint = (lines: string[]): string[] => lines.filter((l) => / POST /.test(l)).map((l) => l.replace(/ → .*$/, ''));
    assert.deepEqual(endpoint(simLog.slice(logMark)), endpoint(simLog.slice(0, logMark)).slice(-1));
    assert.deepEqual(readFileSync(join(cwd, original)), originalBytes, 'the original is untouched');
    const record = readProvenance(readFileSync(join(cwd, copy)))!;
    assert.equal(record.model, 'qwen-image');
    assert.equal(record.prompt, 'a lighthouse at dawn');
    assert.equal(record.seed, 4242);
  });

  test('regenerate an edit from its provenance sends the same input images', async () => {
    const cwd = await workspace('edit');
    await mkdir(join(cwd, 'in'));
    await writeFile(join(cwd, 'in', 'a.png'), pngFile(512, 512));
    const first = await runCli(['edit', '--image', 'in/a.png', 'make it a watercolour', '--model', 'qwen-image-edit-plus', '--seed', '77', '--n', '1', '--out', 'edits', '--base-url', proxyUrl], cwd);
    assert.equal(first.code, 0, describeRun(first));
    const mark = recorded.length;
    const sent = generationBodies(recorded.findIndex((r) => r.method === 'POST' && r.body.includes('make it a watercolour')));
    assert.equal(sent.length, 1);
    const again = await runCli(['regenerate', first.lines[0]!, '--base-url', proxyUrl], cwd);
    assert.equal(again.code, 0, describeRun(again));
    assert.deepEqual(generationBodies(mark), sent, 'same prompt, seed and image bytes');
    assert.deepEqual(readProvenance(readFileSync(join(cwd, again.lines[0]!)))!.sources, ['in/a.png'], 'inputs relative to the workspace root');
  });

  test('history lists the manifest from a subfolder; regenerate <entry id> re-runs the job as recorded', async () => {
    const cwd = await workspace('by-id');
    const first = await runCli(['generate', 'two paper cranes', '--model', 'wan2.2-t2i-flash', '--n', '2', '--seed', '7', '--out', 'cranes', '--base-url', proxyUrl], cwd);
    assert.equal(first.code, 0, describeRun(first));
    assert.equal(first.lines.length, 2);
    const sent = generationBodies(recorded.findIndex((r) => r.method === 'POST' && r.body.includes('two paper cranes')));
    assert.equal(sent.length, 1);

    const listed = await runCli(['history', '--json'], join(cwd, 'cranes'));
    assert.equal(listed.code, 0, describeRun(listed));
    const manifest = JSON.parse(listed.stdout) as { root: string; entries: { id: string; model: string; seed?: number; n?: number; outputs: { path: string }[] }[] };
    assert.equal(manifest.root, cwd);
    assert.equal(manifest.entries.length, 1);
    const entry = manifest.entries[0]!;
    assert.equal(entry.model, 'wan2.2-t2i-flash');
    assert.deepEqual(entry.outputs.map((o) => o.path), first.lines);

    const mark = recorded.length;
    const again = await runCli(['regenerate', entry.id.slice(0, 10), '--base-url', proxyUrl], cwd);
    assert.equal(again.code, 0, describeRun(again));
    assert.equal(again.lines.length, 2, 'both images again');
    assert.deepEqual(generationBodies(mark), sent, 'the same request body (seed 7, n 2)');
    for (const line of again.lines) assert.ok(!first.lines.includes(line), `${line} is a new file`);

    const filtered = await runCli(['history', '--model', 'qwen-image'], cwd);
    assert.equal(filtered.code, 0, describeRun(filtered));
    assert.equal(filtered.lines.length, 0, 'no qwen-image jobs here');
    const all = await runCli(['history'], cwd);
    assert.equal(all.lines.length, 2, 'the original and the regeneration');
    assert.match(all.lines[0]!, /\twan2\.2-t2i-flash\tsucceeded\t/);
  });

  test('regenerate an upscale from its provenance: the same super_resolution body, a new file next to the original', async () => {
    const cwd = await workspace('upscale');
    await writeFile(join(cwd, 'photo.png'), pngFile(600, 512));
    const mark0 = recorded.length;
    const first = await runCli(['upscale', '--image', 'photo.png', '--factor', '2', '--base-url', proxyUrl, '--quiet'], cwd);
    assert.equal(first.code, 0, describeRun(first));
    assert.deepEqual(first.lines, ['photo.x2.png']);
    const sent = generationBodies(mark0);
    assert.equal(sent.length, 1);
    const body = sent[0] as { input: { function: string; base_image_url: string }; parameters: { upscale_factor: number; seed: number } };
    assert.equal(body.input.function, 'super_resolution');
    assert.equal(body.parameters.upscale_factor, 2);
    assert.match(body.input.base_image_url, /^data:image\/png;base64,/);
    const originalBytes = readFileSync(join(cwd, 'photo.x2.png'));
    const record = readProvenance(originalBytes)!;
    assert.deepEqual(record.sources, ['photo.png']);
    assert.deepEqual(record.parameters.process, { function: 'super_resolution', upscaleFactor: 2 });

    const mark = recorded.length;
    const again = await runCli(['regenerate', 'photo.x2.png', '--base-url', proxyUrl, '--quiet'], cwd);
    assert.equal(again.code, 0, describeRun(again));
    assert.deepEqual(generationBodies(mark), sent, 'the same request body (function, factor, seed, image bytes)');
    assert.equal(again.lines.length, 1);
    assert.notEqual(again.lines[0], 'photo.x2.png', 'a new file');
    assert.match(again.lines[0]!, /^photo\.x2.*\.png$/, 'named for the operation, next to the original');
    assert.deepEqual(readFileSync(join(cwd, 'photo.x2.png')), originalBytes, 'the original is untouched');
    const history = await runCli(['history', '--kind', 'process'], cwd);
    assert.equal(history.code, 0, describeRun(history));
    assert.equal(history.lines.length, 2, 'the upscale and its regeneration');
    for (const line of history.lines) assert.match(line, /\tprocess\twanx2\.1-imageedit\tsucceeded\tphoto\.x2.*\.png\t\[x2\] photo\.png$/);
  });

  test('regenerate an inpaint by history entry id sends the same base image, mask and prompt', async () => {
    const cwd = await workspace('inpaint');
    await mkdir(join(cwd, 'in'));
    await writeFile(join(cwd, 'in', 'street.png'), pngFile(640, 512));
    await writeFile(join(cwd, 'in', 'mask.png'), whiteLeftMask(640, 512));
    const mark0 = recorded.length;
    const first = await runCli(['retouch', 'remove the street sign', '--image', 'in/street.png', '--mask', 'in/mask.png', '--seed', '9', '--base-url', proxyUrl, '--quiet'], cwd);
    assert.equal(first.code, 0, describeRun(first));
    assert.deepEqual(first.lines, ['in/street.edit.png']);
    const sent = generationBodies(mark0);
    assert.equal(sent.length, 1);
    assert.match((sent[0] as { input: { mask_image_url: string } }).input.mask_image_url, /^data:image\/png;base64,/);

    const listed = await runCli(['history', '--json'], cwd);
    const entry = (JSON.parse(listed.stdout) as { entries: { id: string; kind: string; inputs: string[] }[] }).entries[0]!;
    assert.equal(entry.kind, 'process');
    assert.deepEqual(entry.inputs, ['in/street.png', 'in/mask.png'], 'the base image, then the mask');
    const text = await runCli(['history'], cwd);
    assert.match(text.lines[0]!, /\t\[edit\] remove the street sign$/);

    const mark = recorded.length;
    const again = await runCli(['regenerate', entry.id, '--base-url', proxyUrl, '--quiet'], cwd);
    assert.equal(again.code, 0, describeRun(again));
    assert.deepEqual(generationBodies(mark), sent, 'the same body: function, prompt, seed, image and mask');
    assert.equal(again.lines.length, 1);
    assert.match(again.lines[0]!, /^in\/street\.edit.+\.png$/, 'a new file next to the original');
  });

  test('a Variations line (one request a seed): regenerate <entry id> sends each request again with its seed, regenerate <file> that one, and its CLI command is one command a seed', async () => {
    const cwd = await workspace('variations');
    // Three one-image requests with their own seeds, as Variations sends them (n = 1, a seed each) ...
    const seeds = [11, 22, 33];
    const mark = recorded.length;
    const files: string[] = [];
    for (const seed of seeds) {
      const run = await runCli(['generate', 'a tin robot', '--model', 'wan2.2-t2i-flash', '--n', '1', '--seed', String(seed), '--out', 'robots', '--base-url', proxyUrl], cwd);
      assert.equal(run.code, 0, describeRun(run));
      files.push(run.lines[0]!);
    }
    const sent = generationBodies(mark);
    // ... recorded as ONE job, the way workflows/variations.ts records them (keptFacts with `seeds`).
    const manifest = join(cwd, '.bailian', 'history.jsonl');
    const lines = readFileSync(manifest, 'utf8').split('\n').filter(Boolean).map((l) => parseHistoryLine(l)!);
    const context = { id: 'variations-1', kind: 'generate' as const, source: 'explorer' as const, model: 'wan2.2-t2i-flash', request: { model: 'wan2.2-t2i-flash', prompt: 'a tin robot', n: 3 }, seeds, inputs: [], started: new Date() };
    const images = lines.map((l) => ({ file: l.outputs[0]!.path, seed: l.outputs[0]!.seed, width: l.outputs[0]!.width!, height: l.outputs[0]!.height! }));
    await writeFile(manifest, historyLine(historyEntry(keptFacts(context, { model: 'wan2.2-t2i-flash', images, failures: [], lost: [] }, (f) => f))));
    const entry = parseHistoryLine(readFileSync(manifest, 'utf8'))!;
    assert.deepEqual(entry.seeds, seeds, 'the line records the seed of each request');
    assert.deepEqual(entry.outputs.map((o) => o.seed), seeds, 'and each output its seed');
    for (const [i, file] of files.entries()) assert.equal(readProvenance(readFileSync(join(cwd, file)))?.seed, seeds[i], 'each file records its own seed');

    const byEntry = recorded.length;
    const again = await runCli(['regenerate', 'variations-1', '--base-url', proxyUrl], cwd);
    assert.equal(again.code, 0, describeRun(again));
    assert.equal(again.lines.length, 3, 'one new file a seed');
    assert.deepEqual(generationBodies(byEntry), sent, 'the very requests Variations sent: each seed, one image');
    for (const [i, line] of again.lines.entries()) assert.equal(readProvenance(readFileSync(join(cwd, line)))?.seed, seeds[i]);

    const byFile = recorded.length;
    const one = await runCli(['regenerate', files[1]!, '--base-url', proxyUrl], cwd);
    assert.equal(one.code, 0, describeRun(one));
    assert.deepEqual(generationBodies(byFile), [sent[1]], 'that variation again: its seed');

    const command = cliCommand(jobOfHistoryEntry(entry));
    assert.deepEqual(command.split(' && ').map((c) => /--seed (\d+)/.exec(c)?.[1]), ['11', '22', '33'], command);
    for (const c of command.split(' && ')) assert.match(c, /^bailian-image generate --model wan2\.2-t2i-flash --prompt 'a tin robot' --n 1 --seed \d+ --out robots$/);
  });

  test('regenerate refuses a file without provenance and an unknown id (exit 2, nothing sent)', async () => {
    const cwd = await workspace('refuse');
    await writeFile(join(cwd, 'plain.png'), pngFile(64, 64));
    const mark = recorded.length;
    const plain = await runCli(['regenerate', 'plain.png', '--base-url', proxyUrl], cwd);
    assert.equal(plain.code, 2, describeRun(plain));
    assert.match(plain.stderr, /no Bailian provenance/);
    const unknown = await runCli(['regenerate', 'no-such-id', '--base-url', proxyUrl], cwd);
    assert.equal(unknown.code, 2, describeRun(unknown));
    assert.match(unknown.stderr, /neither a file nor the id/);
    assert.equal(recorded.length, mark, 'nothing was sent');
  });
});
