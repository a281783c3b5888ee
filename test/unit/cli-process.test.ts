/**
 * The image-processing verbs of the CLI against the simulator: upscale, extend (ratio and side
 * scales), retouch (mask and --op), background; results next to the original, named for the
 * operation, never overwriting; history lines of kind `process`.
 *
 *   node --import tsx --test test/unit/cli-process.test.ts
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PNG } from 'pngjs';
import { startSimulator, type Simulator } from '../sim/index';
import { buildCli, cutoutPng, describeRun, maskPng, pngFile, runCli as runCliProcess, type Run } from './cli-harness';

let work: string;
let cliJs: string;
let sim: Simulator;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'bailian-cli-process-'));
  cliJs = await buildCli(work);
  sim = await startSimulator({ rateLimits: false, timing: { scale: 0.002, pendingMs: 20, runningMs: 40 } });
});
after(async () => {
  await sim.stop();
  await rm(work, { recursive: true, force: true });
});

async function scratch(name: string): Promise<string> {
  const dir = join(work, name);
  await mkdir(join(dir, '.bailian'), { recursive: true });
  await writeFile(join(dir, '.bailian', 'history.jsonl'), '');
  return dir;
}

function run(dir: string, args: string[]): Promise<Run> {
  return runCliProcess(cliJs, [...args, '--base-url', sim.urls.beijing, '--region', 'beijing', '--quiet'], { cwd: dir, env: { DASHSCOPE_API_KEY: sim.keys.beijing } });
}



describe('bailian-image processing verbs', () => {
  test('upscale --factor 2 saves photo.x2.png next to the original, twice as large, and a second run does not overwrite', async () => {
    const dir = await scratch('upscale');
    await writeFile(join(dir, 'photo.png'), pngFile(600, 512));
    const first = await run(dir, ['upscale', '--image', 'photo.png', '--factor', '2']);
    assert.equal(first.code, 0, describeRun(first));
    assert.deepEqual(first.lines, ['photo.x2.png']);
    const out = PNG.sync.read(await readFile(join(dir, 'photo.x2.png')));
    assert.deepEqual([out.width, out.height], [1200, 1024]);
    const second = await run(dir, ['upscale', '--image', 'photo.png', '--factor', '2']);
    assert.equal(second.code, 0, describeRun(second));
    assert.notEqual(second.lines[0], 'photo.x2.png');
    const history = (await readFile(join(dir, '.bailian', 'history.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { kind: string; model: string; parameters: { process?: { function?: string } } });
    assert.equal(history.length, 2);
    assert.equal(history[0]!.kind, 'process');
    assert.equal(history[0]!.parameters.process?.function, 'super_resolution');
  });
  test('extend --ratio 16:9 (image-out-painting) and extend with side scales (wanx2.1 expand)', async () => {
    const dir = await scratch('extend');
    await writeFile(join(dir, 'banner.png'), pngFile(800, 600));
    const ratio = await run(dir, ['extend', '--image', 'banner.png', '--ratio', '16:9', '--json']);
    assert.equal(ratio.code, 0, describeRun(ratio));
    const json = JSON.parse(ratio.lines[0]!) as { paths: string[]; model: string };
    assert.deepEqual(json.paths, ['banner.16x9.png']);
    assert.equal(json.model, 'image-out-painting');
    const sides = await run(dir, ['extend', '--image', 'banner.png', '--top', '1.2', '--bottom', '1.2', '--left', '1.5', '--right', '1.5']);
    assert.equal(sides.code, 0, describeRun(sides));
    assert.deepEqual(sides.lines, ['banner.extend.png']);
  });
  test('retouch with a mask, retouch --op colorize / restyle, and background with n=2', async () => {
    const dir = await scratch('retouch');
    await writeFile(join(dir, 'street.png'), pngFile(640, 512));
    await writeFile(join(dir, 'mask.png'), maskPng(640, 512));
    const inpaint = await run(dir, ['retouch', 'remove the street sign', '--image', 'street.png', '--mask', 'mask.png']);
    assert.equal(inpaint.code, 0, describeRun(inpaint));
    assert.deepEqual(inpaint.lines, ['street.edit.png']);
    const color = await run(dir, ['retouch', '--image', 'street.png', '--op', 'colorize']);
    assert.deepEqual(color.lines, ['street.color.png'], describeRun(color));
    const restyle = await run(dir, ['retouch', '--image', 'street.png', '--op', 'restyle', '--style', 'gold-foil']);
    assert.deepEqual(restyle.lines, ['street.style-gold-foil.png'], describeRun(restyle));
    await writeFile(join(dir, 'product.png'), cutoutPng(640, 640));
    const bg = await run(dir, ['background', 'a sunny beach', '--image', 'product.png', '--n', '2']);
    assert.equal(bg.code, 0, describeRun(bg));
    assert.deepEqual(bg.lines, ['product.bg-1.png', 'product.bg-2.png']);
  });
  test('bad input is refused before anything is sent: factor out of range, an RGB cut-out, a wrong mask size', async () => {
    const dir = await scratch('bad');
    await writeFile(join(dir, 'photo.png'), pngFile(600, 512));
    await writeFile(join(dir, 'mask.png'), maskPng(600, 520));
    const factor = await run(dir, ['upscale', '--image', 'photo.png', '--factor', '5']);
    assert.equal(factor.code, 2, describeRun(factor));
    assert.match(factor.stderr, /upscaleFactor must be a whole number from 1 to 4; you gave 5/);
    const rgb = await run(dir, ['background', 'a beach', '--image', 'photo.png']);
    assert.notEqual(rgb.code, 0);
    assert.match(rgb.stderr, /no transparency/);
    const mask = await run(dir, ['retouch', 'x', '--image', 'photo.png', '--mask', 'mask.png']);
    assert.notEqual(mask.code, 0);
    assert.match(mask.stderr, /mask is 600×520 px but the image is 600×512 px/);
    assert.deepEqual((await readdir(dir)).sort(), ['.bailian', 'mask.png', 'photo.png']);
  });
});
