/**
 * src/pipeline/files.ts beyond saveAtomically's basics (see generate-job.test.ts, output.test.ts):
 * the same behaviour over the in-memory FileSystem and nodeFileSystem — replaceAtomically,
 * appendFile with and without a native append, readIfExists, subFileSystem, temporary names,
 * and giving up after too many lost races.
 *
 *   node --import tsx --test test/unit/pipeline-files.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { MAX_SAVE_RACES, appendFile, isTemporaryName, readIfExists, replaceAtomically, safeSegments, saveAtomically, subFileSystem, temporaryName, type FileSystem } from '../../src/pipeline/files';
import { nodeFileSystem } from '../../src/pipeline/nodeFs';
import { MemoryFs, listFiles } from './savers';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array | undefined): string | undefined => (b ? new TextDecoder().decode(b) : undefined);

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bailian-files-test-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The file systems under test, each with a listing of every file. */
const SYSTEMS: { label: string; make: () => Promise<{ fs: FileSystem; list: () => Promise<string[]> }> }[] = [
  {
    label: 'in-memory (no append)',
    make: async () => {
      const fs = new MemoryFs();
      return { fs, list: async () => [...fs.files.keys()].sort() };
    },
  },
  {
    label: 'node:fs',
    make: async () => {
      const root = await mkdtemp(join(dir, 'fs-'));
      return { fs: nodeFileSystem(root), list: () => listFiles(root) };
    },
  },
];

describe('temporary names', () => {
  test('hidden, in the same folder, recognizable', () => {
    assert.equal(temporaryName('a/b/cat.png', 'ff00'), 'a/b/.cat.png.tmp-ff00');
    assert.equal(temporaryName('cat.png', '1'), '.cat.png.tmp-1');
    assert.ok(isTemporaryName('a/.cat.png.tmp-ff00'));
    assert.ok(!isTemporaryName('a/cat.png'));
    assert.ok(!isTemporaryName('.gitignore'));
  });

  test('safeSegments refuses anything that could leave the root', () => {
    assert.deepEqual(safeSegments('a\\b/c'), ['a', 'b', 'c']);
    for (const bad of ['', '..', 'a/../b', './a', '/a', 'a/', 'C:', 'c:/x']) assert.throws(() => safeSegments(bad), /outside the output folder/, bad);
  });
});

for (const { label, make } of SYSTEMS) {
  describe(`files over ${label}`, () => {
    test('replaceAtomically creates, then replaces, leaving no temporary', async () => {
      const { fs, list } = await make();
      await replaceAtomically(fs, '.bailian/history.jsonl', enc('one\n'));
      await replaceAtomically(fs, '.bailian/history.jsonl', enc('two\n'));
      assert.equal(dec(await readIfExists(fs, '.bailian/history.jsonl')), 'two\n');
      assert.deepEqual(await list(), ['.bailian/history.jsonl']);
    });

    test('appendFile creates the file and its folder, then appends', async () => {
      const { fs, list } = await make();
      await appendFile(fs, 'logs/a.txt', enc('1\n'));
      await appendFile(fs, 'logs/a.txt', enc('2\n'));
      assert.equal(dec(await fs.readFile('logs/a.txt')), '1\n2\n');
      assert.deepEqual(await list(), ['logs/a.txt']);
      await assert.rejects(appendFile(fs, '../escape.txt', enc('x')), /outside the output folder/);
    });

    test('readIfExists: undefined for a missing file, the bytes otherwise', async () => {
      const { fs } = await make();
      assert.equal(await readIfExists(fs, 'missing.txt'), undefined);
      await saveAtomically(fs, { stem: 'present', ext: 'txt', bytes: enc('here') });
      assert.equal(dec(await readIfExists(fs, 'present.txt')), 'here');
    });

    test('subFileSystem: every operation lands under the folder; it cannot be escaped', async () => {
      const { fs, list } = await make();
      const sub = subFileSystem(fs, 'out/2026');
      assert.equal(await saveAtomically(sub, { stem: 'day/cat', ext: 'png', bytes: enc('cat') }), 'day/cat.png');
      assert.equal(await saveAtomically(sub, { stem: 'day/cat', ext: 'png', bytes: enc('cat 2') }), 'day/cat-2.png');
      await appendFile(sub, 'log.txt', enc('a'));
      await appendFile(sub, 'log.txt', enc('b'));
      assert.equal(await sub.exists('day/cat.png'), true);
      assert.equal(await fs.exists('day/cat.png'), false);
      assert.equal(dec(await fs.readFile('out/2026/log.txt')), 'ab');
      await sub.delete('day/cat-2.png');
      assert.deepEqual(await list(), ['out/2026/day/cat.png', 'out/2026/log.txt']);
      assert.equal(subFileSystem(fs, ''), fs, 'the root itself');
      assert.equal(Boolean(sub.append), Boolean(fs.append), 'append only where the base has it');
      assert.throws(() => subFileSystem(fs, '../elsewhere'), /outside the output folder/);
      await assert.rejects(saveAtomically(sub, { stem: '../../cat', ext: 'png', bytes: enc('x') }), /outside the output folder/);
    });

    test('a file someone else wrote in the meantime is never replaced by saveAtomically', async () => {
      const { fs } = await make();
      await saveAtomically(fs, { stem: 'x', ext: 'md', bytes: enc('mine') });
      assert.equal(await saveAtomically(fs, { stem: 'x', ext: 'md', bytes: enc('second') }), 'x-2.md');
      assert.equal(dec(await fs.readFile('x.md')), 'mine');
    });
  });
}

describe('giving up', () => {
  test(`after ${MAX_SAVE_RACES} lost races the save fails, saying so, and leaves no temporary`, async () => {
    const fs = new MemoryFs();
    let races = 0;
    // Someone always takes the name just before our rename.
    fs.beforeRename = (_from, to) => {
      races++;
      fs.files.set(to, enc('theirs'));
    };
    await assert.rejects(saveAtomically(fs, { stem: 'busy', ext: 'png', bytes: enc('mine') }), new RegExp(`Could not find a free file name for busy after ${MAX_SAVE_RACES} attempts`));
    assert.equal(races, MAX_SAVE_RACES + 1);
    assert.deepEqual([...fs.files.keys()].filter(isTemporaryName), []);
  });

  test('a dangling symlink counts as taken (node:fs)', async () => {
    const root = await mkdtemp(join(dir, 'link-'));
    await symlink(join(root, 'nowhere'), join(root, 'cat.png'));
    assert.equal(await saveAtomically(nodeFileSystem(root), { stem: 'cat', ext: 'png', bytes: enc('x') }), 'cat-2.png');
  });
});
