/**
 * src/pipeline/provenanceIndex.ts: which workspace images the Explorer enables Regenerate,
 * Variations…, Open Settings in Studio and Copy as CLI Command for, from the history manifest's
 * lines, kept current through renames and deletions, and bounded.
 *
 *   node --import tsx --test test/unit/provenance-index.test.ts
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { HISTORY_PATH, historyLine, type HistoryEntryInput } from '../../src/pipeline/history';
import { HistoryLog } from '../../src/pipeline/historyLog';
import { nodeFileSystem } from '../../src/pipeline/nodeFs';
import { PROVENANCE_INDEX_CAP, ProvenanceIndex, addRecordedImages, recordedImagePaths } from '../../src/pipeline/provenanceIndex';

const FOLDER = '/work/site';

function entry(id: string, outputs: string[], outcome: HistoryEntryInput['outcome'] = 'succeeded'): HistoryEntryInput {
  return {
    version: 1,
    id,
    kind: 'generate',
    source: 'cli',
    model: 'z-image-turbo',
    prompt: `job ${id}`,
    outputs: outputs.map((path, i) => ({ path, seed: i })),
    started: '2026-12-04T10:00:00.000Z',
    finished: '2026-12-04T10:00:05.000Z',
    durationMs: 5000,
    outcome,
  };
}

/** A manifest of these lines (a string is written as it is: a line that does not parse). */
async function withManifest<T>(lines: (HistoryEntryInput | string)[], run: (log: HistoryLog) => Promise<T>): Promise<T> {
  const root = await mkdtemp(join(tmpdir(), 'bailian-provenance-index-'));
  try {
    await mkdir(join(root, '.bailian'));
    await writeFile(join(root, HISTORY_PATH), lines.map((line) => (typeof line === 'string' ? `${line}\n` : historyLine(line))).join(''));
    return await run(new HistoryLog(nodeFileSystem(root)));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

describe('the images a history manifest records', () => {
  test('every output of every outcome, below the folder; not a guide document, nor a path that leaves the folder', () => {
    const paths = recordedImagePaths(
      [
        { outputs: [{ path: 'generated-images/a-1.png' }, { path: 'generated-images/a-2.JPG' }] },
        { outputs: [{ path: 'docs/guide.md' }, { path: 'docs/guide-1.png' }] },
        { outputs: [{ path: '../elsewhere/x.png' }, { path: '/etc/y.png' }, { path: 'file:///tmp/z.png' }, { path: 'nested/./b.jpeg' }] },
      ],
      `${FOLDER}/`,
    );
    assert.deepEqual(paths, [`${FOLDER}/generated-images/a-1.png`, `${FOLDER}/generated-images/a-2.JPG`, `${FOLDER}/docs/guide-1.png`, `${FOLDER}/nested/b.jpeg`]);
  });

  test('read from the manifest file a page at a time, failed and partial jobs included, bad lines skipped', async () => {
    await withManifest([entry('one', ['generated-images/one-1.png']), '{"version":1,"outputs":[{"path":"not-a-job.png"}]}', entry('two', ['generated-images/two-1.png', 'generated-images/two-2.png'], 'partial'), entry('three', [], 'failed')], async (log) => {
      const index = new ProvenanceIndex();
      const scan = await addRecordedImages(index, log, FOLDER);
      assert.deepEqual(scan, { newestId: 'three', entriesRead: 3 });
      assert.deepEqual([...index.values()], [`${FOLDER}/generated-images/one-1.png`, `${FOLDER}/generated-images/two-1.png`, `${FOLDER}/generated-images/two-2.png`]);
    });
  });

  test('read again after appends: only the jobs after the newest one read before', async () => {
    await withManifest([entry('one', ['gen/one.png'])], async (log) => {
      const index = new ProvenanceIndex();
      const first = await addRecordedImages(index, log, FOLDER);
      await log.append(entry('two', ['gen/two.png']));
      await log.append(entry('three', ['gen/three.png']));
      const again = await addRecordedImages(index, log, FOLDER, first.newestId);
      assert.deepEqual(again, { newestId: 'three', entriesRead: 2 });
      assert.deepEqual([...index.values()], [`${FOLDER}/gen/one.png`, `${FOLDER}/gen/two.png`, `${FOLDER}/gen/three.png`]);
      assert.deepEqual(await addRecordedImages(index, log, FOLDER, 'three'), { newestId: 'three', entriesRead: 0 }, 'nothing new: nothing read');
      assert.equal((await addRecordedImages(index, log, FOLDER, 'a job the manifest lost')).entriesRead, 3, 'a rewritten manifest is read whole');
    });
  });

  test('10,000 lines: every recorded image, oldest job first', async () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => entry(`job-${i}`, [`out/${i}.png`]));
    await withManifest(lines, async (log) => {
      const index = new ProvenanceIndex();
      await addRecordedImages(index, log, FOLDER);
      assert.equal(index.size, 10_000);
      const values = [...index.values()];
      assert.equal(values[0], `${FOLDER}/out/0.png`);
      assert.equal(values.at(-1), `${FOLDER}/out/9999.png`);
    });
  });
});

describe('the index kept current', () => {
  test('a renamed image moves; a renamed folder moves every image below it, and nothing beside it', () => {
    const index = new ProvenanceIndex();
    index.add('/w/gen/a.png', '/w/gen/b.png', '/w/general/c.png', '/w/top.png');
    assert.equal(index.rename('/w/top.png', '/w/assets/top.png'), true);
    assert.equal(index.rename('/w/gen', '/w/art/gen'), true);
    assert.deepEqual([...index.values()].sort(), ['/w/art/gen/a.png', '/w/art/gen/b.png', '/w/assets/top.png', '/w/general/c.png']);
    assert.equal(index.rename('/w/unknown.png', '/w/other.png'), false, 'an image the index does not know stays unknown');
    assert.equal(index.has('/w/other.png'), false);
  });

  test('a deleted image leaves; a deleted folder takes the images below it, and nothing beside it', () => {
    const index = new ProvenanceIndex();
    index.add('/w/gen/a.png', '/w/gen/sub/b.png', '/w/gen2/c.png', '/w/d.png');
    assert.equal(index.delete('/w/d.png'), true);
    assert.equal(index.delete('/w/gen'), true);
    assert.deepEqual([...index.values()], ['/w/gen2/c.png']);
    assert.equal(index.delete('/w/nothing.png'), false);
  });

  test('a history read after a rename adds the recorded path back only if the manifest still names it', async () => {
    await withManifest([entry('one', ['gen/one.png'])], async (log) => {
      const index = new ProvenanceIndex();
      await addRecordedImages(index, log, FOLDER);
      index.rename(`${FOLDER}/gen/one.png`, `${FOLDER}/art/one.png`);
      await addRecordedImages(index, log, FOLDER);
      assert.deepEqual([...index.values()].sort(), [`${FOLDER}/art/one.png`, `${FOLDER}/gen/one.png`], 'the moved file keeps its entry; the recorded path comes back (its file is gone, so the Explorer never shows it)');
    });
  });

  test('holds at most its cap: the paths added longest ago go first, one added again counts as new', () => {
    const index = new ProvenanceIndex(3);
    index.add('/w/1.png', '/w/2.png', '/w/3.png');
    assert.equal(index.add('/w/1.png'), false, 'adding a known path changes no membership');
    assert.equal(index.add('/w/4.png'), true);
    assert.deepEqual([...index.values()], ['/w/3.png', '/w/1.png', '/w/4.png']);
    index.add('/w/5.png', '/w/6.png');
    assert.equal(index.size, 3);
    assert.deepEqual([...index.values()], ['/w/4.png', '/w/5.png', '/w/6.png']);
  });

  test('the default cap is 20,000 paths, and a manifest larger than it keeps its newest jobs', async () => {
    assert.equal(PROVENANCE_INDEX_CAP, 20_000);
    const lines = Array.from({ length: 30 }, (_, i) => entry(`job-${i}`, [`out/${i}.png`]));
    await withManifest(lines, async (log) => {
      const index = new ProvenanceIndex(10);
      const scan = await addRecordedImages(index, log, FOLDER);
      assert.equal(scan.entriesRead, 10, 'the read stops once the cap is reached, newest job first');
      assert.equal(index.size, 10);
      assert.equal([...index.values()].at(-1), `${FOLDER}/out/29.png`, 'the newest job is the newest addition');
      assert.equal(index.has(`${FOLDER}/out/29.png`), true);
      assert.equal(index.has(`${FOLDER}/out/19.png`), false);
    });
    assert.throws(() => new ProvenanceIndex(0), /at least one path/);
  });
});
