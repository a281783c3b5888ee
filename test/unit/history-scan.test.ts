/**
 * src/pipeline/lineScan.ts and HistoryLog's reads and appends at team scale: the manifest read in
 * chunks, oldest or newest first, gives the same entries as a whole-file parse (chunk borders
 * inside lines and inside characters), bad lines are counted with their numbers, an unterminated
 * last line is an append in progress, and two writers (two processes over node fs, or two
 * lock-and-rewrite writers) never interleave or lose a line.
 *
 *   node --import tsx --test test/unit/history-scan.test.ts
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { STALE_LOCK_MS } from '../../src/pipeline/fileLock';
import { HISTORY_PATH, historyLine, parseHistory, type HistoryEntry, type HistoryEntryInput } from '../../src/pipeline/history';
import { HISTORY_LOCK_PATH, HistoryLog } from '../../src/pipeline/historyLog';
import { scanLines } from '../../src/pipeline/lineScan';
import { nodeFileSystem } from '../../src/pipeline/nodeFs';
import { MemoryFs } from './savers';

function entry(i: number, extra: Partial<HistoryEntryInput> = {}): HistoryEntryInput {
  const started = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
  return {
    version: 1,
    id: `job-${i}`,
    kind: 'generate',
    source: 'studio',
    model: i % 3 ? 'qwen-image' : 'wan2.2-t2i-flash',
    // Multi-byte text, so chunk borders fall inside characters too.
    prompt: `灯笼 ${i} ${'湖'.repeat(i % 7)}`,
    started,
    finished: started,
    durationMs: 1000,
    outcome: 'succeeded',
    ...extra,
  };
}

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

/** A manifest in a MemoryFs, without openRead (one whole read) or with it (reads by offset). */
function memoryWith(text: string, ranged: boolean): MemoryFs {
  const fs = new MemoryFs();
  fs.files.set(HISTORY_PATH, encode(text));
  if (ranged) {
    Object.assign(fs, {
      openRead: async (path: string) => {
        const bytes = await fs.readFile(path);
        return { size: bytes.length, read: async (offset: number, length: number) => bytes.slice(offset, offset + length), close: async () => undefined };
      },
    });
  }
  return fs;
}

async function scanAll(log: HistoryLog, options: Parameters<HistoryLog['scan']>[1] = {}): Promise<{ ids: string[]; pages: number[]; summary: Awaited<ReturnType<HistoryLog['scan']>> }> {
  const ids: string[] = [];
  const pages: number[] = [];
  const summary = await log.scan((page: HistoryEntry[]) => {
    pages.push(page.length);
    ids.push(...page.map((e) => e.id));
  }, options);
  return { ids, pages, summary };
}

describe('scanLines', () => {
  const text = 'one\n\ntwo 二\nthree';
  for (const chunkBytes of [1, 2, 3, 5, 64]) {
    test(`chunks of ${chunkBytes} byte(s): the same lines both ways, numbered from their end, the tail unterminated`, async () => {
      const fs = memoryWith(text, true);
      const forward: [string, number, boolean][] = [];
      const backward: [string, number, boolean][] = [];
      const decoder = new TextDecoder();
      assert.equal(await scanLines(fs, HISTORY_PATH, (l) => void forward.push([decoder.decode(l.bytes), l.index, l.terminated]), { chunkBytes }), 4);
      assert.equal(await scanLines(fs, HISTORY_PATH, (l) => void backward.push([decoder.decode(l.bytes), l.index, l.terminated]), { chunkBytes, newestFirst: true }), 4);
      assert.deepEqual(forward, [['one', 1, true], ['', 2, true], ['two 二', 3, true], ['three', 4, false]]);
      assert.deepEqual(backward, [['three', 1, false], ['two 二', 2, true], ['', 3, true], ['one', 4, true]]);
    });
  }

  test('a file that ends with a newline has no empty last line; one that starts with one has an empty first line; a missing file is undefined', async () => {
    const lines = async (t: string, newestFirst: boolean) => {
      const out: string[] = [];
      await scanLines(memoryWith(t, true), HISTORY_PATH, (l) => void out.push(new TextDecoder().decode(l.bytes)), { chunkBytes: 2, newestFirst });
      return out;
    };
    assert.deepEqual(await lines('a\nb\n', false), ['a', 'b']);
    assert.deepEqual(await lines('a\nb\n', true), ['b', 'a']);
    assert.deepEqual(await lines('\na\n', true), ['a', '']);
    assert.deepEqual(await lines('\na\n', false), ['', 'a']);
    assert.deepEqual(await lines('', true), []);
    assert.equal(await scanLines(new MemoryFs(), HISTORY_PATH, () => undefined), undefined);
  });
});

describe('HistoryLog.scan', () => {
  const good = Array.from({ length: 40 }, (_, i) => historyLine(entry(i)));
  // Lines 6 and 21 do not parse (not JSON; JSON that is not an entry), line 12 is blank.
  const lines = [...good.slice(0, 5), 'not json\n', ...good.slice(5, 10), '\n', ...good.slice(10, 18), '{"version":1}\n', ...good.slice(18)];
  const text = lines.join('');

  for (const ranged of [false, true]) {
    for (const chunkBytes of [7, 300, 1 << 16]) {
      test(`${ranged ? 'reads by offset' : 'one whole read'}, chunks of ${chunkBytes}: entries in order both ways, in pages, bad lines by number`, async () => {
        const log = new HistoryLog(memoryWith(text, ranged));
        const whole = parseHistory(text);
        const forward = await scanAll(log, { chunkBytes, pageSize: 15 });
        assert.deepEqual(forward.ids, whole.entries.map((e) => e.id));
        assert.deepEqual(forward.pages, [15, 15, 10]);
        assert.deepEqual(forward.summary, { count: 40, badLines: [6, 21], partialLastLine: false });
        assert.deepEqual(whole.badLines, [6, 21]);
        const backward = await scanAll(log, { chunkBytes, pageSize: 15, newestFirst: true });
        assert.deepEqual(backward.ids, [...forward.ids].reverse());
        assert.deepEqual(backward.summary, forward.summary);
      });
    }
  }

  test('an unterminated last line that does not parse is an append in progress, not a bad line; one that parses is an entry', async () => {
    const partial = `${good.slice(0, 3).join('')}${good[3]!.slice(0, 50)}`;
    for (const newestFirst of [false, true]) {
      const { ids, summary } = await scanAll(new HistoryLog(memoryWith(partial, true)), { newestFirst, chunkBytes: 64 });
      assert.deepEqual([...ids].sort(), ['job-0', 'job-1', 'job-2']);
      assert.deepEqual(summary, { count: 3, badLines: [], partialLastLine: true });
    }
    const handEdited = `${good.slice(0, 3).join('')}${good[3]!.trimEnd()}`;
    const { ids, summary } = await scanAll(new HistoryLog(memoryWith(handEdited, true)), { newestFirst: true });
    assert.deepEqual(ids, ['job-3', 'job-2', 'job-1', 'job-0']);
    assert.equal(summary.partialLastLine, false);
  });

  test('no manifest: no pages, nothing counted', async () => {
    const { pages, summary } = await scanAll(new HistoryLog(new MemoryFs()));
    assert.deepEqual(pages, []);
    assert.deepEqual(summary, { count: 0, badLines: [], partialLastLine: false });
  });

  test('a page handler that awaits holds the scan (no page is handed over before the last one was taken)', async () => {
    const log = new HistoryLog(memoryWith(good.join(''), true));
    let busy = false;
    let pages = 0;
    await log.scan(async () => {
      assert.equal(busy, false);
      busy = true;
      await new Promise<void>((resolve) => setImmediate(resolve));
      busy = false;
      pages++;
    }, { pageSize: 4, chunkBytes: 100, newestFirst: true });
    assert.equal(pages, 10);
  });
});

describe('HistoryLog appends from two writers', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bailian-history-writers-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('two processes (an editor-side and a CLI-side writer over node fs) append 300 long lines each at once: every line whole, none lost', async () => {
    const root = await mkdtemp(join(dir, 'ws-'));
    await mkdir(join(root, '.bailian'));
    const script = join(__dirname, 'history-writer.ts');
    const writers = ['studio', 'cli'].map((name) => spawn(process.execPath, ['--import', 'tsx', script, root, name, '300'], { stdio: ['ignore', 'pipe', 'inherit'] }));
    const outputs = writers.map((child) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      return once(child, 'exit').then(([code]) => ({ code, out }));
    });
    for (const { code, out } of await Promise.all(outputs)) assert.deepEqual({ code, out }, { code: 0, out: 'done\n' });
    const text = await readFile(join(root, '.bailian', 'history.jsonl'), 'utf8');
    const { entries, badLines } = parseHistory(text);
    assert.deepEqual(badLines, [], 'no line was torn or interleaved');
    assert.equal(entries.length, 600);
    assert.equal(new Set(entries.map((e) => e.id)).size, 600);
    for (const name of ['studio', 'cli']) {
      const mine = entries.filter((e) => e.id.startsWith(`${name}-`)).map((e) => Number(e.id.split('-')[1]));
      assert.deepEqual(mine, Array.from({ length: 300 }, (_, i) => i), `${name}'s lines, each whole and in its own order`);
    }
  });

  test('two writers without a native append (lock and rewrite, as two windows on a virtual workspace) lose no line', async () => {
    const fs = new MemoryFs();
    const timing = { wait: () => new Promise<void>((resolve) => setImmediate(resolve)) };
    const [a, b] = [new HistoryLog(fs, HISTORY_PATH, timing), new HistoryLog(fs, HISTORY_PATH, timing)];
    await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? a : b).append(entry(i))));
    const { entries, badLines } = parseHistory(fs.text(HISTORY_PATH));
    assert.deepEqual(badLines, []);
    assert.deepEqual(entries.map((e) => e.id).sort(), Array.from({ length: 60 }, (_, i) => `job-${i}`).sort());
    assert.deepEqual([...fs.files.keys()], [HISTORY_PATH], 'the lock and every temporary are gone');
  });

  test('a lock left by a writer that died is broken once stale; a live one held too long is an error naming the file', async () => {
    let now = Date.UTC(2026, 0, 1);
    const fs = new MemoryFs();
    await fs.createDirectory('.bailian');
    fs.files.set(HISTORY_LOCK_PATH, encode(JSON.stringify({ at: now - STALE_LOCK_MS - 1 })));
    const log = new HistoryLog(fs, HISTORY_PATH, { now: () => now, wait: async () => void (now += 1000) });
    await log.append(entry(1));
    assert.deepEqual(parseHistory(fs.text(HISTORY_PATH)).entries.map((e) => e.id), ['job-1']);
    assert.equal(fs.files.has(HISTORY_LOCK_PATH), false);

    // A lock that keeps being renewed (a live writer) is waited for, then reported.
    fs.files.set(HISTORY_LOCK_PATH, encode(JSON.stringify({ at: now })));
    const renewing = new HistoryLog(fs, HISTORY_PATH, { now: () => now, wait: async () => void ((now += 1000), fs.files.set(HISTORY_LOCK_PATH, encode(JSON.stringify({ at: now })))) });
    await assert.rejects(renewing.append(entry(2)), /\.bailian\/history\.lock has been held by another writer for over 30 s; if no Bailian job is running, delete that file/);
    assert.deepEqual(parseHistory(fs.text(HISTORY_PATH)).entries.map((e) => e.id), ['job-1'], 'nothing written without the lock');
  });

  test('a manifest whose last line lost its newline (a hand edit) gets the next line on a line of its own, on both paths', async () => {
    const root = await mkdtemp(join(dir, 'edited-'));
    await mkdir(join(root, '.bailian'));
    await writeFile(join(root, '.bailian', 'history.jsonl'), historyLine(entry(1)).trimEnd());
    await new HistoryLog(nodeFileSystem(root)).append(entry(2));
    assert.deepEqual(parseHistory(await readFile(join(root, '.bailian', 'history.jsonl'), 'utf8')).entries.map((e) => e.id), ['job-1', 'job-2']);
    const fs = memoryWith(historyLine(entry(1)).trimEnd(), false);
    await new HistoryLog(fs).append(entry(2));
    assert.deepEqual(parseHistory(fs.text(HISTORY_PATH)), { entries: parseHistory(historyLine(entry(1)) + historyLine(entry(2))).entries, badLines: [] });
  });
});
