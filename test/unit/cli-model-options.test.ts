/**
 * Today's model line-up end to end through the CLI (the bundle as a child process) against the
 * simulator: qwen-image-2.0(-pro) text-to-image, edit and a pinned snapshot; qwen-image-edit-max;
 * wan2.7-image(-pro) text-to-image, an image set, a colour palette and a box edit; qwen-image-3.0
 * with its options; and the US region, which serves wan2.6 only.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { readProvenance } from '../../src/pipeline/provenance';
import { startSimulator, type Simulator } from '../sim/index';
import { buildCli, describeRun, pngFile, runCli as runCliProcess, sizeOf, type Run } from './cli-harness';

let work: string;
let cliJs: string;
let sim: Simulator;

function runCli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Run> {
  return runCliProcess(cliJs, [...args, '--json'], { cwd, env: { DASHSCOPE_API_KEY: sim.keys.beijing, ...env } });
}

async function scratch(name: string): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir, { recursive: true });
  return dir;
}

interface Out {
  paths: string[];
  seeds: (number | null)[];
  request_id: string | null;
}

function parsed(run: Run): Out {
  assert.equal(run.code, 0, describeRun(run));
  return JSON.parse(run.stdout) as Out;
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'bailian-cli-model-options-'));
  cliJs = await buildCli(work);
  sim = await startSimulator({ rateLimits: false, timing: { scale: 0.002, pendingMs: 30, runningMs: 60, streamEventMs: 5 } });
});

after(async () => {
  await sim?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('cli: today\'s models', { concurrency: true }, () => {
  test('qwen-image-2.0-pro: text to image, two images within its pixel range', async () => {
    const cwd = await scratch('q2-t2i');
    const out = parsed(await runCli(['generate', 'a tea house in the rain', '--model', 'qwen-image-2.0-pro', '--n', '2', '--size', '1024*1024', '--base-url', sim.urls.beijing], cwd));
    assert.equal(out.paths.length, 2);
    for (const p of out.paths) assert.deepEqual(sizeOf(resolve(cwd, p)), { width: 1024, height: 1024, type: 'png' });
  });

  test('qwen-image-2.0 pinned to a dated snapshot: sent as given, recorded in provenance', async () => {
    const cwd = await scratch('q2-snapshot');
    const out = parsed(await runCli(['generate', 'a paper lantern', '--model', 'qwen-image-2.0-2026-03-03', '--size', '1024*1024', '--base-url', sim.urls.beijing], cwd));
    const record = readProvenance(readFileSync(resolve(cwd, out.paths[0]!)))!;
    assert.equal(record.model, 'qwen-image-2.0');
    assert.equal(record.parameters.model_version, 'qwen-image-2.0-2026-03-03');
  });

  test('qwen-image-2.0 edits a local image; a size outside 512²…2048² is refused before sending', async () => {
    const cwd = await scratch('q2-edit');
    await writeFile(join(cwd, 'in.png'), pngFile(640, 480));
    const out = parsed(await runCli(['edit', 'make it autumn', '--model', 'qwen-image-2.0', '--image', 'in.png', '--base-url', sim.urls.beijing], cwd));
    assert.equal(out.paths.length, 1);
    const refused = await runCliProcess(cliJs, ['generate', 'x', '--model', 'qwen-image-2.0', '--size', '256*256', '--base-url', sim.urls.beijing], { cwd, env: { DASHSCOPE_API_KEY: sim.keys.beijing } });
    assert.equal(refused.code, 2, describeRun(refused));
    assert.match(refused.stderr, /--size/);
  });

  test('qwen-image-edit-max composes two references', async () => {
    const cwd = await scratch('edit-max');
    await writeFile(join(cwd, 'a.png'), pngFile(600, 600));
    await writeFile(join(cwd, 'b.png'), pngFile(700, 500));
    const out = parsed(await runCli(['edit', 'put the pattern of image 2 on image 1', '--model', 'qwen-image-edit-max', '--image', 'a.png', '--image', 'b.png', '--base-url', sim.urls.beijing], cwd));
    assert.equal(out.paths.length, 1);
  });

  test('wan2.7-image-pro: text to image at 2K, an image set, a colour palette', async () => {
    const cwd = await scratch('wan27');
    const plain = parsed(await runCli(['generate', 'a lighthouse', '--model', 'wan2.7-image-pro', '--size', '2K', '--base-url', sim.urls.beijing], cwd));
    assert.equal(plain.paths.length, 1);
    const set = parsed(await runCli(['generate', 'four seasons of one tree', '--model', 'wan2.7-image', '--image-set', '--n', '4', '--size', '1024*1024', '--base-url', sim.urls.beijing], cwd));
    assert.equal(set.paths.length, 4, 'one run makes the whole set');
    const palette = parsed(await runCli(['generate', 'a poster', '--model', 'wan2.7-image', '--palette', '#C2D1E6:30,#636574:50,#F2E8DC:20', '--base-url', sim.urls.beijing], cwd));
    const record = readProvenance(readFileSync(resolve(cwd, palette.paths[0]!)))!;
    assert.deepEqual(record.parameters.color_palette, [
      { hex: '#C2D1E6', ratio: '30%' },
      { hex: '#636574', ratio: '50%' },
      { hex: '#F2E8DC', ratio: '20%' },
    ]);
    const badSum = await runCliProcess(cliJs, ['generate', 'a poster', '--model', 'wan2.7-image', '--palette', '#C2D1E6:30,#636574:50,#F2E8DC:10', '--base-url', sim.urls.beijing], { cwd, env: { DASHSCOPE_API_KEY: sim.keys.beijing } });
    assert.equal(badSum.code, 2, describeRun(badSum));
    assert.match(badSum.stderr, /100/);
  });

  test('wan2.7-image box edit: boxes in the image\'s own pixels; a box outside the image is refused before sending', async () => {
    const cwd = await scratch('wan27-box');
    await writeFile(join(cwd, 'room.png'), pngFile(800, 600));
    const out = parsed(await runCli(['edit', 'replace the object in the box with a plant', '--model', 'wan2.7-image', '--image', 'room.png', '--box', '1:100,100,300,400', '--base-url', sim.urls.beijing], cwd));
    const record = readProvenance(readFileSync(resolve(cwd, out.paths[0]!)))!;
    assert.deepEqual(record.parameters.bbox_list, [[[100, 100, 300, 400]]]);
    const outside = await runCliProcess(cliJs, ['edit', 'x', '--model', 'wan2.7-image', '--image', 'room.png', '--box', '1:100,100,900,400', '--base-url', sim.urls.beijing], { cwd, env: { DASHSCOPE_API_KEY: sim.keys.beijing } });
    assert.equal(outside.code, 2, describeRun(outside));
    assert.match(outside.stderr, /--box|box/i);
  });

  test('qwen-image-3.0 with prompt_extend_mode and enable_thinking', async () => {
    const cwd = await scratch('q3');
    const out = parsed(await runCli(['generate', 'a dragon kite', '--model', 'qwen-image-3.0', '--prompt-extend-mode', 'agent', '--enable-thinking', '--size', '1024*1024', '--base-url', sim.urls.beijing], cwd));
    const record = readProvenance(readFileSync(resolve(cwd, out.paths[0]!)))!;
    assert.equal(record.parameters.prompt_extend_mode, 'agent');
    assert.equal(record.parameters.enable_thinking, true);
  });

  test('the US region serves wan2.6-t2i, and refuses other models before sending', async () => {
    const cwd = await scratch('us');
    const out = parsed(await runCli(['generate', 'a canyon', '--model', 'wan2.6-t2i', '--region', 'us', '--base-url', sim.urls.us, '--size', '1280*1280', '--n', '1'], cwd, { DASHSCOPE_API_KEY: sim.keys.us }));
    assert.equal(out.paths.length, 1);
    const refused = await runCliProcess(cliJs, ['generate', 'a canyon', '--model', 'qwen-image-max', '--region', 'us'], { cwd, env: { DASHSCOPE_API_KEY: sim.keys.us } });
    assert.equal(refused.code, 2, describeRun(refused));
    assert.match(refused.stderr, /US \(Virginia\)|us/);
  });
});
