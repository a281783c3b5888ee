/**
 * Image-processing presets run from the CLI: `upscale | extend | retouch | background --preset
 * NAME [--set blank=value] --image <file> [--mask <png>]` against the simulator. Each runs the
 * preset's operation and options (its name in the provenance and the history line), only from the
 * verb of its operation; a mismatch, a missing mask and flags the preset replaces exit 2, naming
 * the preset, its mode and the verb to use, and send nothing.
 *
 *   node --import tsx --test test/unit/cli-process-presets.test.ts
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { PNG } from 'pngjs';
import { processVerbOfPreset } from '../../src/cli/presetVerbs';
import { parseHistory } from '../../src/pipeline/history';
import { readProvenance } from '../../src/pipeline/provenance';
import { startSimulator, type Simulator } from '../sim/index';
import { buildCli, cutoutPng, describeRun, maskPng, pngFile, runCli as runCliProcess, type Run } from './cli-harness';

let work: string;
let cliJs: string;
let sim: Simulator;
const simLog: string[] = [];

const PRESETS = {
  version: 1,
  presets: [
    { name: 'Double', mode: 'process', model: 'wanx2.1-imageedit', process: { function: 'super_resolution', upscaleFactor: 2 } },
    { name: 'Repaint', mode: 'process', model: 'wanx2.1-imageedit', prompt: 'replace it with {thing}', process: { function: 'description_edit_with_mask' } },
    { name: 'Colour', mode: 'process', model: 'wanx2.1-imageedit', process: { function: 'colorization' } },
    { name: 'Widescreen', mode: 'process', model: 'image-out-painting', process: { outputRatio: '16:9' } },
    { name: 'Beach', mode: 'process', model: 'wanx-background-generation-v2', prompt: 'a sunny beach with {extra}' },
    { name: 'Shot', mode: 'generate', model: 'qwen-image', prompt: 'a {thing}' },
  ],
};

function posts(from: number): number {
  return simLog.slice(from).filter((l) => / POST /.test(l)).length;
}

/** A workspace with the presets file, a history manifest and the images the verbs take. */
async function workspace(name: string): Promise<string> {
  const root = join(work, name);
  await mkdir(join(root, '.bailian'), { recursive: true });
  await writeFile(join(root, '.bailian', 'presets.json'), JSON.stringify(PRESETS, null, 2));
  await writeFile(join(root, '.bailian', 'history.jsonl'), '');
  await writeFile(join(root, 'photo.png'), pngFile(640, 512));
  await writeFile(join(root, 'mask.png'), maskPng(640, 512));
  await writeFile(join(root, 'product.png'), cutoutPng(640, 640));
  return root;
}

function run(cwd: string, args: string[]): Promise<Run> {
  return runCliProcess(cliJs, [...args, '--base-url', sim.urls.beijing, '--quiet'], { cwd, env: { DASHSCOPE_API_KEY: sim.keys.beijing } });
}



before(async () => {
  work = await mkdtemp(join(tmpdir(), 'bailian-cli-process-presets-'));
  cliJs = await buildCli(work);
  sim = await startSimulator({ rateLimits: false, timing: { scale: 0.002, pendingMs: 20, runningMs: 40 }, log: (line) => simLog.push(line) });
});
after(async () => {
  await sim?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('cli: image-processing presets', () => {
  test('each process preset belongs to the verb of its operation', () => {
    const verbs = PRESETS.presets.filter((p) => p.mode === 'process').map((p) => [p.name, processVerbOfPreset(p as Parameters<typeof processVerbOfPreset>[0])]);
    assert.deepEqual(verbs, [['Double', 'upscale'], ['Repaint', 'retouch'], ['Colour', 'retouch'], ['Widescreen', 'extend'], ['Beach', 'background']]);
    assert.equal(processVerbOfPreset({ model: 'wanx2.1-imageedit', process: { function: 'expand', topScale: 1.5 } }), 'extend');
  });

  test('upscale --preset runs the preset\'s operation next to the original and records the preset', async () => {
    const root = await workspace('upscale');
    const done = await run(root, ['upscale', '--preset', 'Double', '--image', 'photo.png', '--seed', '8']);
    assert.equal(done.code, 0, describeRun(done));
    assert.deepEqual(done.lines, ['photo.x2.png']);
    const out = PNG.sync.read(readFileSync(join(root, 'photo.x2.png')));
    assert.deepEqual([out.width, out.height], [1280, 1024], 'twice as large: the preset\'s factor');
    const record = readProvenance(readFileSync(join(root, 'photo.x2.png')))!;
    assert.deepEqual(record.preset, { name: 'Double' });
    assert.deepEqual(record.parameters.process, { function: 'super_resolution', upscaleFactor: 2 });
    assert.equal(record.seed, 8, '--seed overrides what the preset leaves open');
    const { entries } = parseHistory(readFileSync(join(root, '.bailian', 'history.jsonl'), 'utf8'));
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.kind, 'process');
    assert.deepEqual(entries[0]!.preset, { name: 'Double' });
    assert.deepEqual(entries[0]!.inputs, ['photo.png']);
  });

  test('retouch --preset with a mask fills the blank; extend and background presets run from their verbs', async () => {
    const root = await workspace('retouch');
    const inpaint = await run(root, ['retouch', '--preset', 'Repaint', '--set', 'thing=a red lamp', '--image', 'photo.png', '--mask', 'mask.png']);
    assert.equal(inpaint.code, 0, describeRun(inpaint));
    assert.deepEqual(inpaint.lines, ['photo.edit.png']);
    const record = readProvenance(readFileSync(join(root, 'photo.edit.png')))!;
    assert.equal(record.prompt, 'replace it with a red lamp');
    assert.deepEqual(record.preset, { name: 'Repaint', blanks: { thing: 'a red lamp' } });
    assert.deepEqual(record.sources, ['photo.png', 'mask.png'], 'the base image, then the mask');

    const colour = await run(root, ['retouch', '--preset', 'Colour', '--image', 'photo.png']);
    assert.deepEqual(colour.lines, ['photo.color.png'], describeRun(colour));
    const wide = await run(root, ['extend', '--preset', 'Widescreen', '--image', 'photo.png']);
    assert.deepEqual(wide.lines, ['photo.16x9.png'], describeRun(wide));
    const beach = await run(root, ['background', '--preset', 'Beach', '--set', 'extra=palm trees', '--image', 'product.png']);
    assert.equal(beach.code, 0, describeRun(beach));
    assert.equal(readProvenance(readFileSync(join(root, beach.lines[0]!)))?.prompt, 'a sunny beach with palm trees');
    const { entries } = parseHistory(readFileSync(join(root, '.bailian', 'history.jsonl'), 'utf8'));
    assert.deepEqual(entries.map((e) => e.preset?.name), ['Repaint', 'Colour', 'Widescreen', 'Beach']);
  });

  const badInput: { what: string; args: string[]; expect: RegExp }[] = [
    { what: 'a process preset given to another processing verb', args: ['retouch', '--preset', 'Double', '--image', 'photo.png'], expect: /preset "Double" in \.bailian\/presets\.json is an image-processing preset \(wanx2\.1-imageedit super_resolution\); run it with `bailian-image upscale --preset "Double" --image <file>`/ },
    { what: 'an extend preset given to upscale', args: ['upscale', '--preset', 'Widescreen', '--image', 'photo.png'], expect: /preset "Widescreen" .* \(image-out-painting\); run it with `bailian-image extend --preset "Widescreen" --image <file>`/ },
    { what: 'a generate preset given to a processing verb', args: ['upscale', '--preset', 'Shot', '--set', 'thing=cat', '--image', 'photo.png'], expect: /preset "Shot" in \.bailian\/presets\.json is a generate preset; run it with `bailian-image generate --preset "Shot"`/ },
    { what: 'an inpainting preset without --mask', args: ['retouch', '--preset', 'Repaint', '--set', 'thing=a lamp', '--image', 'photo.png'], expect: /preset "Repaint" in \.bailian\/presets\.json paints where a mask says \(wanx2\.1-imageedit description_edit_with_mask\); give --mask <png>/ },
    { what: 'a --mask for a preset that takes none', args: ['retouch', '--preset', 'Colour', '--image', 'photo.png', '--mask', 'mask.png'], expect: /preset "Colour" .* takes no mask; drop --mask/ },
    { what: 'a flag the preset sets', args: ['upscale', '--preset', 'Double', '--image', 'photo.png', '--factor', '4'], expect: /--preset Double sets the operation, its options and the prompt; drop --factor/ },
    { what: 'a blank left unfilled', args: ['retouch', '--preset', 'Repaint', '--image', 'photo.png', '--mask', 'mask.png'], expect: /preset "Repaint", prompt: a value is needed for --set thing=…/ },
    { what: 'no image', args: ['upscale', '--preset', 'Double'], expect: /upscale needs --image <file>/ },
    { what: '--set without --preset', args: ['upscale', '--image', 'photo.png', '--set', 'x=y'], expect: /--set fills the blanks of a preset; give --preset NAME as well/ },
  ];
  for (const c of badInput) {
    test(`${c.what}: exit 2 with what to change, nothing sent`, async () => {
      const root = await workspace(`bad-${badInput.indexOf(c)}`);
      const mark = simLog.length;
      const done = await run(root, c.args);
      assert.equal(done.code, 2, describeRun(done));
      assert.match(done.stderr, c.expect);
      assert.equal(done.stdout, '');
      assert.equal(posts(mark), 0, 'nothing sent');
    });
  }
});
