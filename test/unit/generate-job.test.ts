// The vscode-free generation job (src/jobs/generate.ts) against the simulator with a fake saver,
// and the atomic save algorithm (src/output/atomicSave.ts) over an in-memory file system.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DashScopeClient, RequestValidationError } from '../../src/dashscope';
import { runGenerationJob, withSeed, type ImageSaver, type JobProgress, type OutputFile, type SavedFileRef } from '../../src/jobs/generate';
import { isTemporaryName, saveAtomically, type SaveFileSystem } from '../../src/output/atomicSave';
import { isPng, readPngText, readProvenance } from '../../src/output/provenance';
import { startSimulator, type Simulator } from '../sim/index';

const SCALE = 0.01;

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

function clientFor(sim: Simulator): DashScopeClient {
  return new DashScopeClient({ apiKey: sim.keys.beijing, baseUrl: sim.urls.beijing, poll: { durationScale: SCALE }, retry: { maxRetries: 0 } });
}

/** Resolves with the first progress event `match` accepts. */
function progressWaiter(match: (event: JobProgress) => boolean): { onProgress: (event: JobProgress) => void; seen: Promise<JobProgress> } {
  let resolve!: (event: JobProgress) => void;
  const seen = new Promise<JobProgress>((r) => (resolve = r));
  return { onProgress: (event) => (match(event) ? resolve(event) : undefined), seen };
}

describe('generation job against the simulator', () => {
  let sim: Simulator;
  let client: DashScopeClient;
  before(async () => {
    sim = await startSimulator({ timing: { scale: SCALE }, rateLimits: false });
    client = clientFor(sim);
  });
  after(async () => {
    await client.close();
    await sim.stop();
  });

  test('sync model: downloads the result and saves a PNG with provenance', async () => {
    const saver = new MemorySaver();
    const events: JobProgress[] = [];
    const started = new Date(2026, 0, 2, 3, 4, 5);
    const result = await runGenerationJob(
      { model: 'qwen-image', prompt: 'A red lantern over West Lake', size: '1328*1328' },
      { client, saver, started, random: () => 0.5, onProgress: (e) => events.push(e) },
    );
    assert.equal(result.images.length, 1);
    const [image] = result.images;
    assert.equal(image.format, 'png');
    assert.equal(image.seed, Math.floor(0.5 * 2147483648), 'a random seed was chosen and reported');
    assert.equal(image.file.name, '20260102-030405-qwen-image-a-red-lantern-over-west-lake-1.png');
    const bytes = saver.files.get(image.file.name)!;
    assert.ok(isPng(bytes));
    const record = readProvenance(bytes);
    assert.ok(record, 'the bailian provenance chunk is embedded');
    assert.equal(record.model, 'qwen-image');
    assert.equal(record.prompt, 'A red lantern over West Lake');
    assert.equal(record.seed, image.seed);
    assert.equal(record.parameters.size, '1328*1328');
    assert.ok(record.request_id);
    assert.ok(readPngText(bytes).some((e) => e.keyword === 'parameters'));
    assert.ok(!JSON.stringify(record).includes('http'), 'no (expiring) URL is kept');
    assert.ok(!JSON.stringify(record).includes(sim.keys.beijing), 'the key is never kept');
    assert.deepEqual(
      events.filter((e) => e.kind === 'download').map((e) => (e.kind === 'download' ? e.done : -1)),
      [0, 1],
    );
  });

  test('async model: every image downloaded and saved, seeds seed and seed+1', async () => {
    const saver = new MemorySaver();
    const events: JobProgress[] = [];
    const result = await runGenerationJob(
      { model: 'wan2.2-t2i-flash', prompt: 'two cats', n: 2, seed: 42 },
      { client, saver, onProgress: (e) => events.push(e) },
    );
    assert.deepEqual(result.images.map((i) => i.seed), [42, 43]);
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
      runGenerationJob({ model: 'qwen-image', prompt: 'x', negativePrompt: 'n'.repeat(501) }, { client, saver }),
      (error: unknown) => error instanceof RequestValidationError && error.issues.some((i) => i.path === 'negativePrompt'),
    );
    assert.equal(saver.files.size, 0);
  });

  test('aborting during the download saves nothing', async () => {
    const saver = new MemorySaver();
    const removeFault = sim.faults.add({ kind: 'slowDownload', bytesPerSecond: 2_000 });
    try {
      const controller = new AbortController();
      const waiter = progressWaiter((e) => e.kind === 'download' && e.done === 0);
      const job = runGenerationJob({ model: 'z-image-turbo', prompt: 'a slow download' }, { client, saver, signal: controller.signal, onProgress: waiter.onProgress });
      await waiter.seen;
      controller.abort(new Error('user cancelled'));
      await assert.rejects(job, /user cancelled/);
      assert.equal(saver.files.size, 0);
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
});

describe('cancelling a job whose task is still queued', () => {
  let sim: Simulator;
  let client: DashScopeClient;
  before(async () => {
    // Tasks stay PENDING for a long time, so the abort surely lands while queued.
    sim = await startSimulator({ timing: { scale: SCALE, pendingMs: 60_000 }, rateLimits: false });
    client = clientFor(sim);
  });
  after(async () => {
    await client.close();
    await sim.stop();
  });

  test('aborts the wait, cancels the PENDING task upstream and saves nothing', async () => {
    const saver = new MemorySaver();
    const controller = new AbortController();
    const events: JobProgress[] = [];
    const submitted = progressWaiter((e) => e.kind === 'submitted');
    const job = runGenerationJob(
      { model: 'wan2.2-t2i-flash', prompt: 'never mind', n: 1 },
      {
        client,
        saver,
        signal: controller.signal,
        onProgress: (e) => {
          events.push(e);
          submitted.onProgress(e);
        },
      },
    );
    const event = await submitted.seen;
    assert.equal(event.kind, 'submitted');
    controller.abort(new Error('user cancelled'));
    await assert.rejects(job, /user cancelled/);
    assert.equal(saver.files.size, 0);
    const taskId = event.kind === 'submitted' ? event.taskId : '';
    assert.deepEqual(events.at(-1), { kind: 'cancelTask', taskId, outcome: 'cancelled' });
    assert.equal((sim.tasks.get(taskId) as { status: string }).status, 'CANCELED');
  });
});

/** An in-memory {@link SaveFileSystem} with hooks to inject races and failures. */
class MemoryFs implements SaveFileSystem {
  readonly files = new Map<string, Uint8Array>();
  readonly folders = new Set<string>(['']);
  beforeRename?: (from: string, to: string) => void;
  failWrite = false;
  failRename = false;
  async exists(path: string) {
    return this.files.has(path) || this.folders.has(path);
  }
  async createDirectory(path: string) {
    this.folders.add(path);
  }
  async writeFile(path: string, bytes: Uint8Array) {
    this.files.set(path, bytes.subarray(0, this.failWrite ? 3 : bytes.length));
    if (this.failWrite) throw new Error('disk full');
  }
  async renameNoOverwrite(from: string, to: string): Promise<'renamed' | 'exists'> {
    this.beforeRename?.(from, to);
    if (this.failRename) throw new Error('permission denied');
    if (this.files.has(to)) return 'exists';
    this.files.set(to, this.files.get(from)!);
    this.files.delete(from);
    return 'renamed';
  }
  async delete(path: string) {
    this.files.delete(path);
  }
}

describe('atomic save without overwrite', () => {
  const bytes = Uint8Array.of(1, 2, 3, 4, 5);

  test('writes a hidden temporary in the target folder, then renames it', async () => {
    const fs = new MemoryFs();
    let temporary = '';
    fs.beforeRename = (from) => (temporary = from);
    const name = await saveAtomically(fs, { stem: 'day/cat', ext: 'png', bytes, randomSuffix: () => 'abc123' });
    assert.equal(name, 'day/cat.png');
    assert.equal(temporary, 'day/.cat.png.tmp-abc123');
    assert.ok(isTemporaryName(temporary));
    assert.ok(fs.folders.has('day'));
    assert.deepEqual([...fs.files.keys()], ['day/cat.png']);
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
    for (const stem of ['../cat', 'a/../../cat', '/abs', 'a//b']) {
      await assert.rejects(saveAtomically(new MemoryFs(), { stem, ext: 'png', bytes }), /outside the output folder/, stem);
    }
  });
});
