// The vscode-free image job (src/pipeline/images.ts runImageJob) against the simulator with a fake
// saver, and the atomic save algorithm (src/pipeline/files.ts saveAtomically) over an in-memory
// file system.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RequestValidationError, type DashScopeClient } from '../../src/dashscope';
import { isTemporaryName, saveAtomically } from '../../src/pipeline/files';
import { CancelledJobError, runImageJob, withSeed, type ImageSaver, type JobProgress, type OutputFile, type SavedFileRef } from '../../src/pipeline/images';
import { isPng, readPngText, readProvenance } from '../../src/pipeline/provenance';
import { startSimulator, type Simulator } from '../sim/index';
import { MemoryFs, SCALE, eventWaiter, simClient } from './savers';

/** A saver that keeps files in memory, in save order. */
class MemorySaver implements ImageSaver {
  readonly files = new Map<string, Uint8Array>();
  async save(file: OutputFile): Promise<SavedFileRef> {
    const name = `${file.stem}.${file.ext}`;
    assert.ok(!this.files.has(name), `${name} saved once`);
    this.files.set(name, file.bytes);
    return { name };
  }
}

describe('image job against the simulator', () => {
  let sim: Simulator;
  let client: DashScopeClient;
  before(async () => {
    sim = await startSimulator({ timing: { scale: SCALE }, rateLimits: false });
    client = simClient(sim);
  });
  after(async () => {
    await client.close();
    await sim.stop();
  });

  test('sync model: downloads the result and saves a PNG with provenance', async () => {
    const saver = new MemorySaver();
    const events: JobProgress[] = [];
    const started = new Date(2026, 0, 2, 3, 4, 5);
    const result = await runImageJob(
      { model: 'qwen-image', prompt: 'A red lantern over West Lake', size: '1328*1328' },
      { client, saver, started, random: () => 0.5, onProgress: (e) => events.push(e) },
    );
    assert.equal(result.images.length, 1);
    assert.equal(result.produced, 1);
    assert.deepEqual(result.lost, []);
    assert.equal(result.cancelledAfterGeneration, false);
    const [image] = result.images;
    assert.equal(image!.format, 'png');
    assert.equal(image!.seed, Math.floor(0.5 * 2147483648), 'a random seed was chosen and reported');
    assert.equal(image!.file.name, '20260102-030405-qwen-image-a-red-lantern-over-west-lake-1.png');
    const bytes = saver.files.get(image!.file.name)!;
    assert.ok(isPng(bytes));
    const record = readProvenance(bytes);
    assert.ok(record, 'the bailian provenance chunk is embedded');
    assert.equal(record.model, 'qwen-image');
    assert.equal(record.prompt, 'A red lantern over West Lake');
    assert.equal(record.seed, image!.seed);
    assert.equal(record.parameters.size, '1328*1328');
    assert.ok(record.request_id);
    assert.equal(record.request_id, result.requestId);
    assert.ok(readPngText(bytes).some((e) => e.keyword === 'parameters'));
    assert.ok(!JSON.stringify(record).includes('http'), 'no (expiring) URL is kept');
    assert.ok(!JSON.stringify(record).includes(sim.keys.beijing), 'the key is never kept');
    assert.deepEqual(
      events.filter((e) => e.kind === 'download').map((e) => (e.kind === 'download' ? e.done : -1)),
      [0, 1],
    );
    assert.deepEqual(events.filter((e) => e.kind === 'save'), [{ kind: 'save', done: 1, total: 1 }]);
  });

  test('async model: every image downloaded and saved, seeds seed and seed+1', async () => {
    const saver = new MemorySaver();
    const events: JobProgress[] = [];
    const result = await runImageJob({ model: 'wan2.2-t2i-flash', prompt: 'two cats', n: 2, seed: 42 }, { client, saver, onProgress: (e) => events.push(e) });
    assert.deepEqual(result.images.map((i) => i.seed), [42, 43]);
    assert.deepEqual(result.images.map((i) => i.index), [1, 2]);
    assert.equal(saver.files.size, 2);
    assert.ok(result.taskId);
    assert.ok(events.some((e) => e.kind === 'submitted'));
    for (const [name, bytes] of saver.files) {
      assert.ok(isPng(bytes), name);
      assert.equal(readProvenance(bytes)?.task_id, result.taskId);
    }
  });

  test('an invalid request is refused before anything is sent or saved', async () => {
    const saver = new MemorySaver();
    await assert.rejects(
      runImageJob({ model: 'qwen-image', prompt: 'x', negativePrompt: 'n'.repeat(501) }, { client, saver }),
      (error: unknown) => error instanceof RequestValidationError && error.issues.some((i) => i.path === 'negativePrompt'),
    );
    assert.equal(saver.files.size, 0);
  });

  test('aborting during the download keeps the images: they are produced and billed', async () => {
    const saver = new MemorySaver();
    // Slow enough that the abort surely lands while the bytes are still coming, fast enough to finish.
    const removeFault = sim.faults.add({ kind: 'slowDownload', bytesPerSecond: 300_000 });
    try {
      const controller = new AbortController();
      const events: JobProgress[] = [];
      const waiter = eventWaiter<JobProgress>((e) => e.kind === 'download' && e.done === 0);
      const job = runImageJob(
        { model: 'z-image-turbo', prompt: 'a slow download' },
        {
          client,
          saver,
          signal: controller.signal,
          onProgress: (e) => {
            events.push(e);
            waiter.listener(e);
          },
        },
      );
      await waiter.seen;
      controller.abort(new Error('user cancelled'));
      const result = await job;
      assert.equal(result.cancelledAfterGeneration, true);
      assert.equal(result.images.length, 1);
      assert.equal(saver.files.size, 1);
      assert.ok(isPng(saver.files.get(result.images[0]!.file.name)!));
      assert.ok(events.some((e) => e.kind === 'download' && e.done === 1), 'the download went on after the abort');
    } finally {
      removeFault();
    }
  });

  test('withSeed leaves seedless models and given seeds alone', () => {
    assert.equal(withSeed({ model: 'qwen-mt-image' }).seed, undefined);
    assert.equal(withSeed({ model: 'qwen-image', prompt: 'x', seed: 7 }).seed, 7);
    const seed = withSeed({ model: 'qwen-image', prompt: 'x' }, () => 0.999999999).seed!;
    assert.ok(Number.isInteger(seed) && seed >= 0 && seed <= 2147483647);
  });

  test('randomizeSeed: false sends the request without a seed', async () => {
    const saver = new MemorySaver();
    const result = await runImageJob({ model: 'qwen-image', prompt: 'no seed please' }, { client, saver, randomizeSeed: false });
    assert.equal(result.request.seed, undefined);
    assert.equal(saver.files.size, 1);
  });
});

describe('cancelling a job whose task is still queued', () => {
  let sim: Simulator;
  let client: DashScopeClient;
  before(async () => {
    // Tasks stay PENDING for a long time, so the abort surely lands while queued.
    sim = await startSimulator({ timing: { scale: SCALE, pendingMs: 60_000 }, rateLimits: false });
    client = simClient(sim);
  });
  after(async () => {
    await client.close();
    await sim.stop();
  });

  test('aborts the wait, cancels the PENDING task upstream and saves nothing', async () => {
    const saver = new MemorySaver();
    const controller = new AbortController();
    const events: JobProgress[] = [];
    const submitted = eventWaiter<JobProgress>((e) => e.kind === 'submitted');
    const job = runImageJob(
      { model: 'wan2.2-t2i-flash', prompt: 'never mind', n: 1 },
      {
        client,
        saver,
        signal: controller.signal,
        onProgress: (e) => {
          events.push(e);
          submitted.listener(e);
        },
      },
    );
    const event = await submitted.seen;
    assert.equal(event.kind, 'submitted');
    const cause = new Error('user cancelled');
    controller.abort(cause);
    const taskId = event.kind === 'submitted' ? event.taskId : '';
    await assert.rejects(job, (error: unknown) => {
      assert.ok(error instanceof CancelledJobError);
      assert.equal(error.taskOutcome, 'cancelled');
      assert.equal(error.taskId, taskId);
      assert.match(error.message, /nothing was produced/);
      return true;
    });
    assert.equal(saver.files.size, 0);
    assert.deepEqual(events.at(-1), { kind: 'cancelTask', taskId, outcome: 'cancelled' });
    assert.equal((sim.tasks.get(taskId) as { status: string }).status, 'CANCELED');
  });
});

describe('atomic save without overwrite', () => {
  const bytes = Uint8Array.of(1, 2, 3, 4, 5);

  test('writes a hidden temporary in the target folder, then renames it', async () => {
    const fs = new MemoryFs();
    let temporary = '';
    fs.beforeRename = (from) => void (temporary = from);
    const name = await saveAtomically(fs, { stem: 'day/cat', ext: 'png', bytes, randomSuffix: () => 'abc123' });
    assert.equal(name, 'day/cat.png');
    assert.equal(temporary, 'day/.cat.png.tmp-abc123');
    assert.ok(isTemporaryName(temporary));
    assert.ok(fs.folders.has('day'));
    assert.deepEqual([...fs.files.keys()], ['day/cat.png']);
    assert.deepEqual(fs.files.get('day/cat.png'), bytes);
  });

  test('an existing name is never overwritten: the next free name is used', async () => {
    const fs = new MemoryFs();
    fs.files.set('cat.png', Uint8Array.of(9));
    fs.files.set('cat-2.png', Uint8Array.of(9));
    assert.equal(await saveAtomically(fs, { stem: 'cat', ext: 'png', bytes }), 'cat-3.png');
    assert.deepEqual(fs.files.get('cat.png'), Uint8Array.of(9));
  });

  test('a name taken between the check and the rename (a race) moves on to the next one', async () => {
    const fs = new MemoryFs();
    let raced = false;
    fs.beforeRename = (_from, to) => {
      if (!raced) {
        raced = true;
        fs.files.set(to, Uint8Array.of(7));
      }
    };
    assert.equal(await saveAtomically(fs, { stem: 'cat', ext: 'png', bytes }), 'cat-2.png');
    assert.deepEqual(fs.files.get('cat.png'), Uint8Array.of(7), 'the racing file is intact');
    assert.deepEqual([...fs.files.keys()].filter(isTemporaryName), []);
  });

  test('a failing write or rename leaves no temporary and no partial file', async () => {
    for (const failure of ['failWrite', 'failRename'] as const) {
      const fs = new MemoryFs();
      fs[failure] = true;
      await assert.rejects(saveAtomically(fs, { stem: 'cat', ext: 'png', bytes }), /disk full|permission denied/);
      assert.deepEqual([...fs.files.keys()], [], failure);
    }
  });

  test('refuses stems that leave the output folder', async () => {
    for (const stem of ['../cat', 'a/../../cat', '/abs', 'a//b', 'C:', 'a\\..\\..\\cat']) {
      await assert.rejects(saveAtomically(new MemoryFs(), { stem, ext: 'png', bytes }), /outside the output folder/, stem);
    }
  });
});
