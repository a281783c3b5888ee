/**
 * `--preset NAME --set blank=value` end to end: the CLI bundle as a child process against the
 * simulator, in a workspace whose `.bailian/presets.json` it finds from a subfolder. A preset runs
 * with its blanks filled and its name in the provenance and the history line; every bad input of
 * issue 21 ("Bad input") exits 2 naming the file, the preset and the field, and sends nothing.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { glossaryDigest } from '../../src/pipeline/glossary';
import { parseHistory } from '../../src/pipeline/history';
import { readProvenance } from '../../src/pipeline/provenance';
import { startSimulator, type Simulator } from '../sim/index';
import { buildCli, describeRun, pngFile, runCli as runCliProcess, type Run } from './cli-harness';

let work: string;
let cliJs: string;
let sim: Simulator;
const simLog: string[] = [];

function runCli(args: string[], cwd: string): Promise<Run> {
  return runCliProcess(cliJs, [...args, '--base-url', sim.urls.beijing], { cwd, env: { DASHSCOPE_API_KEY: sim.keys.beijing } });
}

const PRESETS = {
  version: 1,
  presets: [
    { name: 'Product shot', mode: 'generate', model: 'qwen-image', prompt: 'Product shot of {subject} on {surface}', size: '1328*1328', seed: 99, outputTemplate: 'assets/${model}' },
    { name: 'Too many', mode: 'generate', model: 'wan2.2-t2i-flash', prompt: 'a {thing}', parameters: { n: 9 } },
    { name: 'Unknown model', mode: 'generate', model: 'qwen-image-99', prompt: 'a {thing}' },
    { name: 'Watercolour', mode: 'edit', model: 'qwen-image-edit-plus', prompt: 'Turn it into a watercolour of {mood} mood', parameters: { n: 1 } },
    { name: 'Upscale', mode: 'process', model: 'wanx2.1-imageedit', prompt: 'sharper', process: { function: 'super_resolution', upscaleFactor: 2 } },
  ],
};

/** A workspace with the presets file, a history manifest and a subfolder to run from. */
async function workspace(name: string, presets: string = JSON.stringify(PRESETS, null, 2)): Promise<{ root: string; sub: string }> {
  const root = join(work, name);
  await mkdir(join(root, '.bailian'), { recursive: true });
  await mkdir(join(root, 'src', 'deep'), { recursive: true });
  await writeFile(join(root, '.bailian', 'presets.json'), presets);
  await writeFile(join(root, '.bailian', 'history.jsonl'), '');
  return { root, sub: join(root, 'src', 'deep') };
}

function posts(from: number): number {
  return simLog.slice(from).filter((l) => / POST /.test(l)).length;
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'bailian-cli-presets-'));
  cliJs = await buildCli(work);
  sim = await startSimulator({ rateLimits: false, timing: { scale: 0.002, pendingMs: 30, runningMs: 60, streamEventMs: 5 }, log: (line) => simLog.push(line) });
});

after(async () => {
  await sim?.stop();
  await rm(work, { recursive: true, force: true });
});

describe('cli: --preset and --set', () => {
  test('a preset runs with its blanks filled, saves where its output template says, and records its name', async () => {
    const { root, sub } = await workspace('ok');
    const mark = simLog.length;
    const run = await runCli(['generate', '--preset', 'Product shot', '--set', 'subject=a teapot', '--set', 'surface=oak'], sub);
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(posts(mark), 1);
    assert.equal(run.lines.length, 1);
    const saved = join(sub, run.lines[0]!);
    assert.ok(saved.startsWith(join(root, 'assets', 'qwen-image')), saved);
    const record = readProvenance(readFileSync(saved))!;
    assert.equal(record.prompt, 'Product shot of a teapot on oak');
    assert.equal(record.seed, 99);
    assert.deepEqual(record.preset, { name: 'Product shot', blanks: { subject: 'a teapot', surface: 'oak' } });
    const { entries } = parseHistory(readFileSync(join(root, '.bailian', 'history.jsonl'), 'utf8'));
    assert.equal(entries.length, 1);
    assert.deepEqual(entries[0]!.preset, { name: 'Product shot', blanks: { subject: 'a teapot', surface: 'oak' } });
    assert.equal(entries[0]!.prompt, 'Product shot of a teapot on oak');
  });

  test('an edit preset takes its input images from --image; --out and --seed override the preset', async () => {
    const { root } = await workspace('edit');
    await writeFile(join(root, 'in.png'), pngFile(512, 512));
    const run = await runCli(['edit', '--preset', 'Watercolour', '--set', 'mood=a calm', '--image', 'in.png', '--seed', '5', '--out', 'edits'], root);
    assert.equal(run.code, 0, describeRun(run));
    const record = readProvenance(readFileSync(join(root, run.lines[0]!)))!;
    assert.ok(run.lines[0]!.startsWith('edits'));
    assert.equal(record.prompt, 'Turn it into a watercolour of a calm mood');
    assert.equal(record.seed, 5);
    assert.equal(record.preset?.name, 'Watercolour');
  });

  test('a translate preset reads its glossary file from the workspace and saves where ${lang} says', async () => {
    const presets = { version: 1, presets: [{ name: 'English', mode: 'translate', model: 'qwen-mt-image', translation: { sourceLang: 'zh', targetLang: 'en' }, glossary: '.bailian/glossary.txt', outputTemplate: 'translated/${lang}' }] };
    const { root } = await workspace('translate', JSON.stringify(presets));
    await writeFile(join(root, '.bailian', 'glossary.txt'), '千问\tQwen\n');
    await writeFile(join(root, 'poster.png'), pngFile(600, 400));
    const run = await runCli(['translate', '--preset', 'English', '--image', 'poster.png'], root);
    assert.equal(run.code, 0, describeRun(run));
    assert.ok(run.lines[0]!.startsWith('translated/en/'), run.lines[0]);
    const { entries } = parseHistory(readFileSync(join(root, '.bailian', 'history.jsonl'), 'utf8'));
    assert.equal(entries[0]!.preset?.name, 'English');
    assert.equal(entries[0]!.kind, 'translate');
    assert.deepEqual(entries[0]!.glossary, { path: '.bailian/glossary.txt', digest: glossaryDigest([{ src: '千问', tgt: 'Qwen' }]), terms: 1 }, 'the glossary file it read, for regenerate --all-changed');
  });

  test('a glossary path that leaves the workspace is refused before anything is sent', async () => {
    const presets = { version: 1, presets: [{ name: 'English', mode: 'translate', model: 'qwen-mt-image', translation: { targetLang: 'en' }, glossary: '../outside.txt' }] };
    const { root } = await workspace('translate-outside', JSON.stringify(presets));
    const mark = simLog.length;
    const run = await runCli(['translate', '--preset', 'English', '--image', 'poster.png'], root);
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /preset "English", glossary: glossary "\.\.\/outside\.txt" must be a path inside the workspace folder/);
    assert.equal(posts(mark), 0);
  });

  const badInput: { what: string; args: string[]; file?: string; expect: RegExp }[] = [
    { what: 'a preset file that does not parse', args: ['generate', '--preset', 'Product shot', '--set', 'subject=x'], file: '{ "version": 1, "presets": [ { "name": "a", } ] }', expect: /\.bailian\/presets\.json:1:\d+: the file is not valid JSON/ },
    { what: 'an out-of-range parameter', args: ['generate', '--preset', 'Too many', '--set', 'thing=x'], expect: /presets\.json:\d+:\d+: preset "Too many", parameters\.n: wan2\.2-t2i-flash accepts n from 1 to 4; you gave 9/ },
    { what: 'an unknown model', args: ['generate', '--preset', 'Unknown model', '--set', 'thing=x'], expect: /preset "Unknown model", model: Unknown model "qwen-image-99"/ },
    { what: 'a blank left unfilled', args: ['generate', '--preset', 'Product shot', '--set', 'subject=a teapot'], expect: /presets\.json: preset "Product shot", prompt: a value is needed for --set surface=…/ },
    { what: 'a --set for a blank that does not exist', args: ['generate', '--preset', 'Product shot', '--set', 'subject=a', '--set', 'surface=b', '--set', 'colour=red'], expect: /preset "Product shot", blanks: there is no blank "colour"; its blanks are --set subject=…, --set surface=…/ },
    { what: 'a preset that is not there', args: ['generate', '--preset', 'Nope'], expect: /preset "Nope": there is no preset "Nope"; the presets are "Product shot", "Watercolour"/ },
    { what: 'a preset of another verb', args: ['generate', '--preset', 'Watercolour', '--set', 'mood=x'], expect: /is a edit preset; run it with `bailian-image edit --preset "Watercolour"`/ },
    { what: 'an image-processing preset', args: ['generate', '--preset', 'Upscale'], expect: /preset "Upscale" in .*presets\.json is an image-processing preset \(wanx2\.1-imageedit super_resolution\); run it with `bailian-image upscale --preset "Upscale" --image <file>`/ },
    { what: 'a prompt or --model besides the preset', args: ['generate', '--preset', 'Product shot', '--model', 'qwen-image-plus', 'a cat'], expect: /drop --model, the prompt "a cat"/ },
    { what: '--set without --preset', args: ['generate', 'a cat', '--set', 'x=y'], expect: /--set fills the blanks of a preset; give --preset NAME as well/ },
    { what: '--set without a name', args: ['generate', '--preset', 'Product shot', '--set', 'teapot'], expect: /--set takes blank=value/ },
  ];
  for (const c of badInput) {
    test(`${c.what}: exit 2, the file, preset and field named, nothing sent`, async () => {
      const { sub } = await workspace(`bad-${badInput.indexOf(c)}`, c.file);
      const mark = simLog.length;
      const run = await runCli(c.args, sub);
      assert.equal(run.code, 2, describeRun(run));
      assert.match(run.stderr, c.expect);
      assert.equal(run.stdout, '');
      assert.equal(posts(mark), 0, 'nothing sent');
    });
  }

  test('no presets file at or above the folder: exit 2, saying where it looked', async () => {
    const dir = join(work, 'none');
    await mkdir(dir, { recursive: true });
    const run = await runCli(['generate', '--preset', 'Product shot'], dir);
    assert.equal(run.code, 2, describeRun(run));
    assert.match(run.stderr, /there is no \.bailian\/presets\.json in .*none or any folder above it/);
  });
});
