/**
 * `bailian-image regenerate --all-changed [--dry-run]` end to end: the CLI bundle as a child
 * process, a workspace with `.bailian/presets.json` and a history manifest, the simulator behind
 * a recording proxy.
 *
 *   node --import tsx --test test/unit/cli-regenerate-changed.test.ts
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { glossaryDigest } from '../../src/pipeline/glossary';
import { historyEntry, parseHistory } from '../../src/pipeline/history';
import { readProvenance } from '../../src/pipeline/provenance';
import type { Simulator } from '../sim/index';
import { describeRun, pngFile, runCli as runCliProcess, type Run } from './cli-harness';
import { startCliSandbox, type CliSandbox, type RecordingProxy } from './recording-proxy';

let work: string;
let cliJs: string;
let sim: Simulator;
let proxy: RecordingProxy;

function runCli(args: string[], cwd: string): Promise<Run> {
  return runCliProcess(cliJs, [...args, '--base-url', proxy.url], { cwd, env: { DASHSCOPE_API_KEY: sim.keys.beijing } });
}

const PRESET = { name: 'product shot', mode: 'generate', model: 'qwen-image', prompt: 'Product shot of {subject} on white', size: '1328*1328' };

/** A workspace whose history holds one job made from PRESET (as it was) with subject "a teapot". */
async function workspace(name: string, presetNow: Record<string, unknown>): Promise<string> {
  const dir = join(work, name);
  await mkdir(join(dir, '.bailian'), { recursive: true });
  await mkdir(join(dir, 'assets'), { recursive: true });
  await writeFile(join(dir, '.bailian', 'presets.json'), JSON.stringify({ version: 1, presets: [presetNow] }, null, 2));
  const started = new Date(Date.UTC(2026, 10, 1));
  const line = historyEntry({
    kind: 'generate',
    source: 'cli',
    model: 'qwen-image',
    request: { prompt: 'Product shot of a teapot on white', size: '1328*1328', seed: 1234 },
    preset: { name: 'product shot', blanks: { subject: 'a teapot' } },
    outputs: [{ path: 'assets/teapot.png', seed: 1234 }],
    started,
    finished: started,
    outcome: 'succeeded',
  });
  await writeFile(join(dir, '.bailian', 'history.jsonl'), `${JSON.stringify(line)}\n`);
  return dir;
}

let sandbox: CliSandbox | undefined;

before(async () => {
  sandbox = await startCliSandbox('bailian-cli-changed-');
  ({ work, cliJs, sim, proxy } = sandbox);
});

after(() => sandbox?.stop());

describe('cli: regenerate --all-changed', () => {
  test('--dry-run lists the changed job with what changed and the estimate, and sends nothing', async () => {
    const cwd = await workspace('dry', { ...PRESET, prompt: 'Studio shot of {subject}, soft light' });
    const mark = proxy.recorded.length;
    const run = await runCli(['regenerate', '--all-changed', '--dry-run'], cwd);
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(run.lines.length, 1);
    const [id, preset, model, changes, cost] = run.lines[0]!.split('\t');
    assert.match(id!, /^[a-z0-9]+-[a-z0-9]+$/);
    assert.deepEqual([preset, model, changes], ['product shot', 'qwen-image', 'prompt']);
    assert.match(cost!, /^\d+\.\d\d CNY$/);
    assert.match(run.stderr, /1 job would run again \(0 up to date\); estimated \d+\.\d\d CNY at beijing list prices\. Nothing was sent\./);
    const json = await runCli(['regenerate', '--all-changed', '--dry-run', '--json'], cwd);
    const parsed = JSON.parse(json.stdout) as { jobs: { preset: string; changes: string[]; images: number }[]; unchanged: number };
    assert.deepEqual(parsed.jobs.map((j) => [j.preset, j.changes, j.images]), [['product shot', ['prompt'], 1]]);
    assert.equal(proxy.recorded.length, mark, 'nothing was sent');
  });

  test('re-runs the changed asset with the new prompt and the old seed into a new file; a second run finds nothing', async () => {
    const cwd = await workspace('run', { ...PRESET, prompt: 'Studio shot of {subject}, soft light' });
    const mark = proxy.recorded.length;
    const run = await runCli(['regenerate', '--all-changed'], cwd);
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(run.lines.length, 1);
    assert.ok(run.lines[0]!.startsWith('assets/'), 'next to the original');
    const [body] = proxy.generationBodies(mark) as { input: { messages: { content: { text?: string }[] }[] }; parameters: { seed: number; size: string } }[];
    assert.equal(body!.parameters.seed, 1234);
    assert.equal(body!.parameters.size, '1328*1328');
    assert.match(JSON.stringify(body!.input), /Studio shot of a teapot, soft light/);
    const record = readProvenance(readFileSync(join(cwd, run.lines[0]!)))!;
    assert.deepEqual(record.preset, { name: 'product shot', blanks: { subject: 'a teapot' } });
    const { entries } = parseHistory(readFileSync(join(cwd, '.bailian', 'history.jsonl'), 'utf8'));
    assert.equal(entries.length, 2);
    assert.deepEqual(entries[1]!.preset, { name: 'product shot', blanks: { subject: 'a teapot' } }, 'the new line names the preset');

    const again = await runCli(['regenerate', '--all-changed'], cwd);
    assert.equal(again.code, 0, describeRun(again));
    assert.equal(again.lines.length, 0);
    assert.match(again.stderr, /nothing to regenerate: every job made from a preset matches it \(1 checked\)/);
  });

  test('a translation whose glossary file changed: --dry-run lists it, the run sends the new terms, a second run finds nothing; a deleted file is reported with its path', async () => {
    const cwd = join(work, 'glossary');
    await mkdir(join(cwd, '.bailian'), { recursive: true });
    await writeFile(join(cwd, '.bailian', 'history.jsonl'), '');
    await writeFile(join(cwd, '.bailian', 'glossary.txt'), '# terms\n千问 = Qwen\n');
    await writeFile(join(cwd, 'poster.png'), pngFile(600, 400));
    const first = await runCli(['translate', '--image', 'poster.png', '--from', 'zh', '--to', 'en', '--term', '百炼=Bailian', '--glossary', '.bailian/glossary.txt', '--out', 'translated', '--quiet'], cwd);
    assert.equal(first.code, 0, describeRun(first));
    const made = parseHistory(readFileSync(join(cwd, '.bailian', 'history.jsonl'), 'utf8')).entries[0]!;
    assert.deepEqual(made.glossary, { path: '.bailian/glossary.txt', digest: glossaryDigest([{ src: '千问', tgt: 'Qwen' }]), terms: 1 }, 'the line records the file, never its text');

    // A comment edit is no change; a new term is one.
    await writeFile(join(cwd, '.bailian', 'glossary.txt'), '# our terms, reviewed\n千问 = Qwen\n');
    const same = await runCli(['regenerate', '--all-changed', '--dry-run'], cwd);
    assert.equal(same.code, 0, describeRun(same));
    assert.deepEqual(same.lines, []);
    await writeFile(join(cwd, '.bailian', 'glossary.txt'), '千问 = Qwen\n通义 = Tongyi\n');
    const mark = proxy.recorded.length;
    const dry = await runCli(['regenerate', '--all-changed', '--dry-run'], cwd);
    assert.equal(dry.code, 0, describeRun(dry));
    assert.equal(dry.lines.length, 1);
    const [id, preset, model, changes] = dry.lines[0]!.split('\t');
    assert.deepEqual([id, preset, model, changes], [made.id, '-', 'qwen-mt-image', 'glossary .bailian/glossary.txt changed (1 → 2 terms)']);
    assert.equal(proxy.recorded.length, mark, 'a dry run sends nothing');

    const run = await runCli(['regenerate', '--all-changed', '--quiet'], cwd);
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(run.lines.length, 1);
    assert.match(JSON.stringify(proxy.generationBodies(mark)), /"src":"百炼","tgt":"Bailian"\},\{"src":"千问","tgt":"Qwen"\},\{"src":"通义","tgt":"Tongyi"/, 'its own --term, then the file\'s terms now');
    const again = await runCli(['regenerate', '--all-changed', '--dry-run'], cwd);
    assert.deepEqual(again.lines, [], describeRun(again));

    await rm(join(cwd, '.bailian', 'glossary.txt'));
    const gone = await runCli(['regenerate', '--all-changed', '--dry-run', '--json'], cwd);
    assert.equal(gone.code, 0, describeRun(gone));
    const report = JSON.parse(gone.stdout) as { jobs: unknown[]; skipped: { reason: string }[] };
    assert.deepEqual(report.jobs, []);
    assert.match(report.skipped[0]!.reason, /its glossary file \.bailian\/glossary\.txt is not there any more/);
    assert.match(gone.stderr, /skipped .*: its glossary file \.bailian\/glossary\.txt is not there any more/);
  });

  test('an old translate line of a preset with a glossary file (no record) is reported as unknown in --dry-run and not re-run', async () => {
    const cwd = join(work, 'glossary-old');
    await mkdir(join(cwd, '.bailian'), { recursive: true });
    await writeFile(join(cwd, '.bailian', 'glossary.txt'), '千问 = Qwen\n');
    await writeFile(join(cwd, '.bailian', 'presets.json'), JSON.stringify({ version: 1, presets: [{ name: 'english', mode: 'translate', model: 'qwen-mt-image', translation: { sourceLang: 'zh', targetLang: 'en' }, glossary: '.bailian/glossary.txt' }] }));
    const started = new Date(Date.UTC(2026, 10, 1));
    const old = historyEntry({ kind: 'translate', source: 'cli', model: 'qwen-mt-image', request: { translation: { sourceLang: 'zh', targetLang: 'en', terminologies: [{ src: '千问', tgt: 'Qwen' }] } }, preset: { name: 'english' }, inputs: ['poster.png'], outputs: [{ path: 'poster.en.jpg' }], started, finished: started, outcome: 'succeeded' });
    await writeFile(join(cwd, '.bailian', 'history.jsonl'), `${JSON.stringify(old)}\n`);
    const dry = await runCli(['regenerate', '--all-changed', '--dry-run', '--json'], cwd);
    assert.equal(dry.code, 0, describeRun(dry));
    const report = JSON.parse(dry.stdout) as { jobs: unknown[]; unknown: { id: string; reason: string }[]; unchanged: number };
    assert.deepEqual(report.jobs, []);
    assert.deepEqual(report.unknown.map((u) => u.id), [old.id]);
    assert.match(report.unknown[0]!.reason, /whether \.bailian\/glossary\.txt changed since is unknown/);
    const text = await runCli(['regenerate', '--all-changed', '--dry-run'], cwd);
    assert.match(text.stderr, new RegExp(`unknown ${old.id}: the job did not record its glossary file`));
    assert.match(text.stderr, /0 jobs would run again \(0 up to date, 1 unknown\)/);
  });

  test('an image operation made from a preset whose options changed is made again from the same image and mask', async () => {
    const cwd = join(work, 'process');
    await mkdir(join(cwd, '.bailian'), { recursive: true });
    await writeFile(join(cwd, '.bailian', 'history.jsonl'), '');
    const repaint = { name: 'repaint', mode: 'process', model: 'wanx2.1-imageedit', prompt: 'replace it with {thing}', process: { function: 'description_edit_with_mask' } };
    await writeFile(join(cwd, '.bailian', 'presets.json'), JSON.stringify({ version: 1, presets: [repaint] }));
    await writeFile(join(cwd, 'street.png'), pngFile(640, 512));
    await writeFile(join(cwd, 'mask.png'), pngFile(640, 512));
    const first = await runCli(['retouch', '--preset', 'repaint', '--set', 'thing=a lamp', '--image', 'street.png', '--mask', 'mask.png', '--seed', '12', '--quiet'], cwd);
    assert.equal(first.code, 0, describeRun(first));
    await writeFile(join(cwd, '.bailian', 'presets.json'), JSON.stringify({ version: 1, presets: [{ ...repaint, prompt: 'paint {thing} there' }] }));
    const mark = proxy.recorded.length;
    const run = await runCli(['regenerate', '--all-changed', '--quiet'], cwd);
    assert.equal(run.code, 0, describeRun(run));
    assert.equal(run.lines.length, 1);
    assert.match(run.lines[0]!, /^street\.edit-\d+\.png$/, 'named for the operation, next to the original, never over it');
    const [body] = proxy.generationBodies(mark) as { input: { prompt: string; function: string; base_image_url: string; mask_image_url: string }; parameters: { seed: number } }[];
    assert.equal(body!.input.prompt, 'paint a lamp there');
    assert.equal(body!.input.function, 'description_edit_with_mask');
    assert.ok(body!.input.base_image_url && body!.input.mask_image_url, 'the image and the mask, each in its place');
    assert.equal(body!.parameters.seed, 12, 'the seed it had');
  });

  test('a missing presets file, an id with --all-changed and a lone --dry-run are usage errors (exit 2)', async () => {
    const cwd = await workspace('bad', PRESET);
    const withId = await runCli(['regenerate', '--all-changed', 'abc'], cwd);
    assert.equal(withId.code, 2, describeRun(withId));
    assert.match(withId.stderr, /--all-changed takes no file or entry id/);
    const lone = await runCli(['regenerate', 'abc', '--dry-run'], cwd);
    assert.equal(lone.code, 2);
    assert.match(lone.stderr, /--dry-run goes with --all-changed/);
    await rm(join(cwd, '.bailian', 'presets.json'));
    const none = await runCli(['regenerate', '--all-changed', '--dry-run'], cwd);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /presets\.json does not exist/);
  });
});
