/**
 * src/pipeline/history.ts: a line never holds an API key, parseHistory skips and reports bad
 * lines, historyEntry builds the same line for every flow, and HistoryLog serializes appends over
 * both file systems (in-memory without `append`: atomic rewrites; node:fs with it: O_APPEND).
 *
 *   node --import tsx --test test/unit/pipeline-history.test.ts
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DashScopeError } from '../../src/dashscope';
import { isTemporaryName, type FileSystem } from '../../src/pipeline/files';
import { HISTORY_PATH, HistoryEntrySchema, historyEntry, historyError, historyLine, newJobId, parseHistory, type HistoryEntryInput } from '../../src/pipeline/history';
import { HistoryLog } from '../../src/pipeline/historyLog';
import { nodeFileSystem } from '../../src/pipeline/nodeFs';
import { MemoryFs, listFiles } from './savers';

const KEY = 'sk-test-not-a-key-0123456789abcdef';

function entry(extra: Partial<HistoryEntryInput> = {}): HistoryEntryInput {
  return {
    version: 1,
    id: 'job-1',
    kind: 'generate',
    source: 'palette',
    model: 'qwen-image',
    prompt: 'a red lantern',
    started: '2026-01-02T03:04:05.000Z',
    finished: '2026-01-02T03:04:15.000Z',
    durationMs: 10_000,
    outcome: 'succeeded',
    ...extra,
  };
}

describe('historyLine', () => {
  test('one JSON line with the schema defaults filled in', () => {
    const line = historyLine(entry());
    assert.ok(line.endsWith('\n') && !line.slice(0, -1).includes('\n'));
    const parsed = HistoryEntrySchema.parse(JSON.parse(line));
    assert.deepEqual(parsed.parameters, {});
    assert.deepEqual(parsed.inputs, []);
    assert.deepEqual(parsed.outputs, []);
  });

  test('never contains an API key: not from a prompt, an error, a path, nor a parameter named like a key', () => {
    const line = historyLine(
      entry({
        prompt: `a lantern, my key is ${KEY}`,
        negativePrompt: `Bearer ${KEY}`,
        parameters: { apiKey: KEY, api_key: 'plain-secret-value', Authorization: `Bearer ${KEY}`, nested: { secretToken: 'x', note: `key=${KEY}` }, size: '1328*1328' },
        inputs: [`in/${KEY}.png`],
        outputs: [{ path: `out/${KEY}.png` }],
        error: { code: 'InvalidApiKey', message: `Invalid API-key provided: ${KEY}` },
      }),
    );
    assert.ok(!line.includes(KEY), line);
    assert.ok(!line.includes('0123456789abcdef'), line);
    assert.ok(!line.includes('plain-secret-value'), 'a value under a key-like name is dropped whatever it looks like');
    const parsed = JSON.parse(line) as { parameters: Record<string, unknown>; prompt: string; error: { message: string } };
    assert.deepEqual(Object.keys(parsed.parameters).sort(), ['nested', 'size']);
    assert.deepEqual(parsed.parameters.nested, { note: 'key=sk-***' });
    assert.equal(parsed.prompt, 'a lantern, my key is sk-***');
    assert.equal(parsed.error.message, 'Invalid API-key provided: sk-***');
  });

  test('refuses an entry that does not fit the schema (nothing half-valid is written)', () => {
    assert.throws(() => historyLine(entry({ outcome: 'done' as never })));
    assert.throws(() => historyLine(entry({ model: '' })));
  });
});

describe('parseHistory', () => {
  test('skips bad lines and reports their 1-based numbers; blank lines and CRLF are fine', () => {
    const good = historyLine(entry({ id: 'a' })) + historyLine(entry({ id: 'b' }));
    const text = [
      historyLine(entry({ id: 'first' })).trimEnd(),
      '{"version": 1, "id": "half',
      '',
      JSON.stringify({ ...entry({ id: 'future' }), version: 2 }),
      'not json at all',
      `${historyLine(entry({ id: 'crlf' })).trimEnd()}\r`,
      '   ',
      good.trimEnd(),
    ].join('\n');
    const { entries, badLines } = parseHistory(text);
    assert.deepEqual(entries.map((e) => e.id), ['first', 'crlf', 'a', 'b']);
    assert.deepEqual(badLines, [2, 4, 5]);
    assert.deepEqual(parseHistory(''), { entries: [], badLines: [] });
  });
});

describe('historyEntry', () => {
  test('the same line for every flow: request parameters, outputs, duration, the error and its request id', () => {
    const started = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
    const finished = new Date(started.getTime() + 2500);
    const error = new DashScopeError({ httpStatus: 400, code: 'DataInspectionFailed', message: 'Input data may contain inappropriate content.', requestId: 'req-9', retriable: false });
    const e = HistoryEntrySchema.parse(
      JSON.parse(
        historyLine(
          historyEntry({
            kind: 'translate',
            source: 'explorer',
            model: 'qwen-mt-image',
            request: { translation: { sourceLang: 'zh', targetLang: 'en', terminologies: [{ src: '菜单', tgt: 'menu' }] } },
            inputs: ['assets/menu.png'],
            outputs: [{ path: 'assets/menu.en.jpg', width: 320, height: 0 }],
            started,
            finished,
            outcome: 'partial',
            taskId: 'task-1',
            error,
            produced: 1,
          }),
        ),
      ),
    );
    assert.match(e.id, /^[0-9a-z]+-[0-9a-z]{6}$/);
    assert.equal(e.started, started.toISOString());
    assert.equal(e.durationMs, 2500);
    assert.deepEqual(e.parameters, { source_lang: 'zh', target_lang: 'en', terminologies: [{ src: '菜单', tgt: 'menu' }] });
    assert.deepEqual(e.inputs, ['assets/menu.png']);
    assert.deepEqual(e.outputs, [{ path: 'assets/menu.en.jpg', width: 320 }], 'a zero size is not recorded');
    assert.deepEqual(e.error, { code: 'DataInspectionFailed', message: 'Input data may contain inappropriate content.', requestId: 'req-9' });
    assert.equal(e.taskId, 'task-1');
    assert.equal(e.produced, 1);
    assert.equal(e.prompt, undefined);
  });

  test('errors of any shape become code/message; a clock that goes backwards gives duration 0', () => {
    assert.deepEqual(historyError('plain text'), { message: 'plain text' });
    assert.deepEqual(historyError(new Error('boom')), { message: 'boom' });
    assert.equal(historyError(undefined), undefined);
    const now = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
    const e = historyEntry({ kind: 'generate', source: 'cli', model: 'qwen-image', request: { prompt: 'x', seed: 0, n: 1 }, started: now, finished: new Date(now.getTime() - 5), outcome: 'succeeded' });
    assert.equal(e.durationMs, 0);
    assert.equal(e.seed, 0, 'seed 0 is kept');
    assert.deepEqual(e.parameters, { n: 1, seed: 0 });
  });

  test('newJobId: sortable by start, distinct for one start', () => {
    const a = newJobId(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 999)), () => 0.99);
    const b = newJobId(new Date(Date.UTC(2026, 0, 2, 3, 4, 6)), () => 0.01);
    const c = newJobId(new Date(Date.UTC(2030, 11, 31)), () => 0);
    assert.ok(a < b && b < c, `${a} < ${b} < ${c}`);
    assert.notEqual(newJobId(new Date(1000), () => 0.1), newJobId(new Date(1000), () => 0.2));
  });
});

describe('HistoryLog', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bailian-history-test-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const cases: { label: string; make: () => Promise<{ fs: FileSystem; text: () => Promise<string>; files: () => Promise<string[]> }> }[] = [
    {
      label: 'in-memory, no append (atomic rewrites)',
      make: async () => {
        const fs = new MemoryFs();
        assert.equal(fs.append, undefined);
        return { fs, text: async () => fs.text(HISTORY_PATH), files: async () => [...fs.files.keys()] };
      },
    },
    {
      label: 'in-memory with append',
      make: async () => {
        const fs = new MemoryFs({ append: true });
        return { fs, text: async () => fs.text(HISTORY_PATH), files: async () => [...fs.files.keys()] };
      },
    },
    {
      label: 'node:fs (O_APPEND)',
      make: async () => {
        const root = await mkdtemp(join(dir, 'ws-'));
        const fs = nodeFileSystem(root);
        assert.ok(fs.append);
        return { fs, text: () => readFile(join(root, ...HISTORY_PATH.split('/')), 'utf8'), files: () => listFiles(root) };
      },
    },
  ];

  for (const { label, make } of cases) {
    test(`${label}: 20 concurrent appends give 20 whole lines, in call order, and no temporary`, async () => {
      const { fs, text, files } = await make();
      const log = new HistoryLog(fs);
      assert.equal(await log.exists(), false);
      await Promise.all(Array.from({ length: 20 }, (_, i) => log.append(entry({ id: `job-${i}`, prompt: `prompt ${i} ${'x'.repeat(i * 50)}` }))));
      const lines = (await text()).split('\n');
      assert.equal(lines.pop(), '', 'ends with a newline');
      assert.equal(lines.length, 20);
      assert.deepEqual(lines.map((l) => (JSON.parse(l) as { id: string }).id), Array.from({ length: 20 }, (_, i) => `job-${i}`));
      assert.deepEqual(await files(), [HISTORY_PATH]);
      assert.ok(!(await files()).some(isTemporaryName));
      assert.equal(await log.exists(), true);
      const read = await log.read();
      assert.equal(read.entries.length, 20);
      assert.deepEqual(read.badLines, []);
    });
  }

  test('read() waits for pending appends and reports bad lines; a failed append does not block the next', async () => {
    const fs = new MemoryFs();
    const log = new HistoryLog(fs);
    await fs.createDirectory('.bailian');
    fs.files.set(HISTORY_PATH, new TextEncoder().encode('garbage\n'));
    void log.append(entry({ id: 'pending' }));
    const read = await log.read();
    assert.deepEqual(read.entries.map((e) => e.id), ['pending']);
    assert.deepEqual(read.badLines, [1]);

    fs.failWrite = true;
    await assert.rejects(log.append(entry({ id: 'lost' })), /disk full/);
    fs.failWrite = false;
    await log.append(entry({ id: 'next' }));
    assert.deepEqual((await log.read()).entries.map((e) => e.id), ['pending', 'next']);
    assert.ok(![...fs.files.keys()].some(isTemporaryName), 'the failed rewrite left no temporary');
  });

  test('an invalid entry is refused before anything is written', async () => {
    const fs = new MemoryFs();
    const log = new HistoryLog(fs);
    assert.throws(() => log.append(entry({ kind: 'dance' as never })));
    assert.equal(await log.exists(), false);
  });

  test('appends to an existing manifest written by someone else (the CLI in a workspace)', async () => {
    const root = await mkdtemp(join(dir, 'existing-'));
    await mkdir(join(root, '.bailian'));
    await writeFile(join(root, '.bailian', 'history.jsonl'), historyLine(entry({ id: 'from-the-extension' })));
    const log = new HistoryLog(nodeFileSystem(root));
    await log.append(entry({ id: 'from-the-cli', source: 'cli' }));
    assert.deepEqual((await log.read()).entries.map((e) => [e.id, e.source]), [
      ['from-the-extension', 'palette'],
      ['from-the-cli', 'cli'],
    ]);
  });
});
