/**
 * "Copy as CLI Command" (src/pipeline/cliCommand.ts): POSIX quoting, and the round trip: a job
 * run by the CLI against the simulator, the command built from its file's provenance or its
 * history line, split the way a POSIX shell splits it, parsed by the CLI's own argument parser
 * and run again, sends the very same request bodies (seen through a recording proxy).
 *
 *   node --import tsx --test test/unit/cli-command.test.ts
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLI_PROGRAM, cliArguments, cliCommand, jobOfHistoryEntry, jobOfProvenance, shellQuote } from '../../src/pipeline/cliCommand';
import { parseHistory, type HistoryEntry } from '../../src/pipeline/history';
import { readProvenance } from '../../src/pipeline/provenance';
import type { Simulator } from '../sim/index';
import { describeRun, pngFile, runCli as runCliProcess, type Run } from './cli-harness';
import { startCliSandbox, type CliSandbox, type RecordingProxy } from './recording-proxy';

/**
 * Splits a command line as a POSIX shell does for the words this builder writes: blanks
 * separate words, single quotes keep everything literally, a backslash outside quotes escapes
 * the next character. Anything else a shell would expand (`$`, backquotes, globs) must not
 * appear unquoted, and is refused here.
 */
function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'") {
      const end = line.indexOf("'", i + 1);
      assert.ok(end > i, 'an unterminated quote');
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '\\') {
      word = (word ?? '') + line[++i]!;
    } else if (c === ' ' || c === '\t' || c === '\n') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      assert.ok(!/[$`*?[\]{}~;&|<>()"!#]/.test(c), `"${c}" unquoted would be expanded by the shell: ${line}`);
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

let work: string;
let cliJs: string;
let sim: Simulator;
let proxy: RecordingProxy;

function runCli(args: string[], cwd: string): Promise<Run> {
  return runCliProcess(cliJs, args, { cwd, env: { DASHSCOPE_API_KEY: sim.keys.beijing } });
}

async function workspace(name: string): Promise<string> {
  const dir = join(work, name);
  await mkdir(join(dir, '.bailian'), { recursive: true });
  await writeFile(join(dir, '.bailian', 'history.jsonl'), '');
  return dir;
}

function historyOf(cwd: string): HistoryEntry[] {
  return parseHistory(readFileSync(join(cwd, '.bailian', 'history.jsonl'), 'utf8')).entries;
}

/** Runs `args`, then the copied command; returns both runs' request bodies and the command. */
async function roundTrip(cwd: string, args: string[], copy: (first: Run) => string): Promise<{ sent: unknown[]; again: unknown[]; command: string; second: Run }> {
  const mark = proxy.recorded.length;
  const first = await runCli([...args, '--base-url', proxy.url], cwd);
  assert.equal(first.code, 0, describeRun(first));
  const sent = proxy.generationBodies(mark);
  assert.ok(sent.length > 0);
  const command = copy(first);
  assert.ok(!command.includes(sim.keys.beijing) && !/sk-/.test(command), 'never the key');
  assert.ok(!command.includes('base-url') && !command.includes('127.0.0.1'), 'never the base URL');
  const words = shellWords(command);
  assert.equal(words[0], CLI_PROGRAM);
  const markAgain = proxy.recorded.length;
  const second = await runCli([...words.slice(1), '--base-url', proxy.url], cwd);
  assert.equal(second.code, 0, `${command}\n${describeRun(second)}`);
  return { sent: sent.map(withoutUploadIds), again: proxy.generationBodies(markAgain).map(withoutUploadIds), command, second };
}

/** A body with each temporary upload's random folder left out (`oss://…/<id>/poster.png` → `oss://upload/poster.png`). */
function withoutUploadIds(body: unknown): unknown {
  return JSON.parse(JSON.stringify(body).replace(/oss:\/\/[^"]*\/([^/"]+)"/g, 'oss://upload/$1"')) as unknown;
}

let sandbox: CliSandbox | undefined;

before(async () => {
  sandbox = await startCliSandbox('bailian-cli-command-');
  ({ work, cliJs, sim, proxy } = sandbox);
});

after(() => sandbox?.stop());

describe('Copy as CLI Command: quoting', () => {
  test('safe words stay bare; everything else is single-quoted, quotes included', () => {
    assert.equal(shellQuote('qwen-image'), 'qwen-image');
    assert.equal(shellQuote('art/2026/a.png'), 'art/2026/a.png');
    assert.equal(shellQuote(''), "''");
    assert.equal(shellQuote('a cat'), "'a cat'");
    assert.equal(shellQuote("it's $HOME `x` \"q\"\nnext"), "'it'\\''s $HOME `x` \"q\"\nnext'");
    for (const word of ["it's", '$(rm -rf /)', 'a\\b', '*.png', '--n=2', "'", "''", '中文 提示'] as const) assert.deepEqual(shellWords(shellQuote(word)), [word]);
  });

  test('a value starting with "-" is joined to its flag, so it is not read as a flag', () => {
    const words = cliArguments({ model: 'qwen-image', prompt: '-dark- mode icon', parameters: { seed: 3 }, inputs: [] });
    assert.deepEqual(words, ['generate', '--model', 'qwen-image', '--prompt=-dark- mode icon', '--seed', '3']);
  });

  test('a job from a preset is written as --preset and --set, with the seed that made the image', () => {
    const command = cliCommand({ model: 'qwen-image', prompt: 'Product shot of a teapot', parameters: { seed: 9, size: '1328*1328' }, inputs: [], outDir: 'assets', preset: { name: 'product shot', values: { subject: 'a teapot' } } });
    assert.equal(command, "bailian-image generate --preset 'product shot' --set 'subject=a teapot' --seed 9 --out assets");
  });
});

describe('Copy as CLI Command: the copied command reproduces the job on the simulator', () => {
  test('from a PNG provenance: same request body, quotes and newlines in the prompt survive', async () => {
    const cwd = await workspace('png');
    const prompt = "a lighthouse at dawn, 'rust' & \"salt\"\nsecond line: $HOME";
    let command = '';
    const { sent, again, second } = await roundTrip(cwd, ['generate', '--prompt', prompt, '--model', 'qwen-image', '--seed', '4242', '--size', '1328*1328', '--negative', 'blurry', '--out', 'art dir'], (first) => {
      const path = first.lines[0]!;
      command = cliCommand(jobOfProvenance(readProvenance(readFileSync(join(cwd, path)))!, path));
      return command;
    });
    assert.deepEqual(again, sent);
    assert.match(command, /--out 'art dir'$/);
    assert.ok(second.lines[0]!.startsWith('art dir/'), 'saved where the original is');
  });

  test('an edit with an input image and wan2.7 options, from its history line', async () => {
    const cwd = await workspace('edit');
    await mkdir(join(cwd, 'in'));
    await writeFile(join(cwd, 'in', 'a b.png'), pngFile(512, 512));
    const { sent, again, command } = await roundTrip(
      cwd,
      ['edit', '--image', 'in/a b.png', '--prompt=-make it a watercolour', '--model', 'wan2.7-image', '--n', '1', '--seed', '77', '--palette', '#C2D1E6:23.5,#636574:26.5,#112233:50', '--box', '1:10,20,300,400', '--no-watermark', '--out', 'edits'],
      () => cliCommand(jobOfHistoryEntry(historyOf(cwd).at(-1)!)),
    );
    assert.deepEqual(again, sent, command);
    assert.match(command, /--image 'in\/a b\.png'/);
  });

  test('a whole job of two images from its history line: seed and n as recorded', async () => {
    const cwd = await workspace('history');
    const { sent, again, second } = await roundTrip(cwd, ['generate', 'two paper cranes', '--model', 'wan2.2-t2i-flash', '--n', '2', '--seed', '7', '--prompt-extend', '--out', 'cranes'], () => cliCommand(jobOfHistoryEntry(historyOf(cwd).at(-1)!)));
    assert.deepEqual(again, sent);
    assert.equal(second.lines.length, 2);
  });

  test('a job from a preset: --preset and --set, from the file and from the history line', async () => {
    const cwd = await workspace('preset');
    const preset = { name: 'product shot', mode: 'generate', model: 'qwen-image', prompt: 'Product shot of {subject} on white', size: '1328*1328', parameters: { promptExtend: false } };
    await writeFile(join(cwd, '.bailian', 'presets.json'), JSON.stringify({ version: 1, presets: [preset] }));
    let fromFile = '';
    const { sent, again } = await roundTrip(cwd, ['generate', '--preset', 'product shot', '--set', "subject=a 'blue' teapot", '--out', 'assets'], (first) => {
      const path = first.lines[0]!;
      fromFile = cliCommand(jobOfProvenance(readProvenance(readFileSync(join(cwd, path)))!, path));
      return fromFile;
    });
    assert.deepEqual(again, sent);
    assert.match(fromFile, /^bailian-image generate --preset 'product shot' --set 'subject=a '\\''blue'\\'' teapot' --seed \d+ --out assets$/);
    const fromEntry = cliCommand(jobOfHistoryEntry(historyOf(cwd)[0]!));
    assert.equal(fromEntry, fromFile, 'the same command from the history line');
  });

  test('a translation with terms and a source language, from its history line', async () => {
    const cwd = await workspace('translate');
    await writeFile(join(cwd, 'poster.png'), pngFile(256, 256));
    const { sent, again } = await roundTrip(cwd, ['translate', '--image', 'poster.png', '--from', 'zh', '--to', 'en', '--term', '千问=Qwen', '--domain-hint', 'a menu, formal', '--keep-subjects'], () => cliCommand(jobOfHistoryEntry(historyOf(cwd).at(-1)!)));
    assert.deepEqual(again, sent);
  });
  test('an image operation made from a preset: its verb with --preset, --set, the seed, the image and the mask', async () => {
    const cwd = await workspace('process-preset');
    const preset = { name: 'repaint', mode: 'process', model: 'wanx2.1-imageedit', prompt: 'replace it with {thing}', process: { function: 'description_edit_with_mask' } };
    await writeFile(join(cwd, '.bailian', 'presets.json'), JSON.stringify({ version: 1, presets: [preset] }));
    await writeFile(join(cwd, 'street.png'), pngFile(640, 512));
    await writeFile(join(cwd, 'mask.png'), pngFile(640, 512));
    let fromFile = '';
    const { sent, again } = await roundTrip(cwd, ['retouch', '--preset', 'repaint', '--set', 'thing=a lamp', '--image', 'street.png', '--mask', 'mask.png', '--seed', '31'], (first) => {
      const path = first.lines[0]!;
      fromFile = cliCommand(jobOfProvenance(readProvenance(readFileSync(join(cwd, path)))!, path));
      return fromFile;
    });
    assert.deepEqual(again, sent);
    assert.equal(fromFile, "bailian-image retouch --preset repaint --set 'thing=a lamp' --seed 31 --image street.png --mask mask.png --out .");
    assert.equal(cliCommand(jobOfHistoryEntry(historyOf(cwd)[0]!)), fromFile, 'the same command from the history line');
  });

  test('an image operation without a preset is made again from what it recorded: regenerate <file | entry id>', async () => {
    const cwd = await workspace('process-plain');
    await writeFile(join(cwd, 'photo.png'), pngFile(640, 512));
    let command = '';
    const { sent, again } = await roundTrip(cwd, ['upscale', '--image', 'photo.png', '--factor', '3', '--seed', '5'], (first) => {
      const path = first.lines[0]!;
      command = cliCommand(jobOfProvenance(readProvenance(readFileSync(join(cwd, path)))!, path));
      return command;
    });
    assert.deepEqual(again, sent, 'the same factor and seed');
    assert.equal(command, 'bailian-image regenerate photo.x3.png');
    const entry = historyOf(cwd)[0]!;
    assert.equal(cliCommand(jobOfHistoryEntry(entry)), `bailian-image regenerate ${entry.id}`);
  });
});
