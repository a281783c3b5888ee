/**
 * The never-lose-a-paid-image rules of src/pipeline/images.ts (runImageJob, keepResult) against
 * the simulator, over both savers (in-memory FileSystem + saveAtomically, nodeFileSystem on a
 * temporary folder): one image failing keeps the others, `rescue` gets the bytes when a save
 * fails, a cancel after generation keeps the images, a cancel while PENDING saves nothing; and
 * the input images reach the service in the order given.
 *
 *   node --import tsx --test test/unit/pipeline-images.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DashScopeError, type DashScopeClient, type GenerationRequest, type GenerationResult } from '../../src/dashscope';
import { decodeDataUri } from '../../src/dashscope/upload';
import { isTemporaryName } from '../../src/pipeline/files';
import { CancelledJobError, NoImagesError, cancelPendingTask, jobProgressOf, keepResult, runImageJob, type JobProgress, type OutputFile, type SavedFileRef } from '../../src/pipeline/images';
import { isPng, readProvenance } from '../../src/pipeline/provenance';
import { startSimulator, type Simulator } from '../sim/index';
import { makePng } from './client-fixtures';
import { MemoryFs, SAVERS, SCALE, atomicSaver, brokenUrl, eventWaiter, recordingDispatcher, simClient, withEachSaver } from './savers';

/** A fixed start time: the names and records of kept images do not depend on when the test runs. */
const STARTED = new Date(2026, 5, 7, 8, 9, 10);

let sim: Simulator;
let client: DashScopeClient;
let dir: string;
before(async () => {
  sim = await startSimulator({ timing: { scale: SCALE }, rateLimits: false });
  client = simClient(sim);
  dir = await mkdtemp(join(tmpdir(), 'bailian-pipeline-images-'));
});
after(async () => {
  await client.close();
  await sim.stop();
  await rm(dir, { recursive: true, force: true });
});

/** The client, except that the result of `generate` has image `index` (1-based) behind a URL the result host refuses. */
function withBrokenImage(base: DashScopeClient, index: number): DashScopeClient {
  const wrapped = Object.create(base) as DashScopeClient;
  wrapped.generate = async (request, options) => {
    const result = await base.generate(request, options);
    return { ...result, images: result.images.map((image) => (image.index + 1 === index ? { ...image, url: brokenUrl(image.url) } : image)) };
  };
  return wrapped;
}

describe('one image failing keeps the others', () => {
  test('a later image whose result URL is refused (expired): the earlier one is saved, the lost one reported', async () => {
    await withEachSaver(async (s) => {
      const result = await runImageJob({ model: 'wan2.6-t2i', prompt: 'two lanterns', n: 2, seed: 5 }, { client: withBrokenImage(client, 2), saver: s.saver });
      assert.equal(result.produced, 2);
      assert.deepEqual(result.images.map((i) => i.index), [1]);
      assert.deepEqual(result.lost.map((l) => l.index), [2]);
      assert.ok(result.lost[0]!.error instanceof DashScopeError);
      assert.equal((result.lost[0]!.error as DashScopeError).code, 'ResultExpired');
      assert.deepEqual(await s.list(), [result.images[0]!.file.name]);
      const bytes = await s.read(result.images[0]!.file.name);
      assert.ok(isPng(bytes));
      assert.equal(readProvenance(bytes)?.seed, 5);
    });
  });

  test('a later image whose result URL expired (result-host ttl): the earlier one is saved, the lost one reported', async () => {
    await withEachSaver(async (s) => {
      const common = { model: 'wan2.2-t2i-flash', prompt: 'expiring', seed: 3, width: 512, height: 512, format: 'png' as const };
      const fresh = await sim.assets.putResult({ ...common, index: 1 });
      // ttl 0: expired the moment it is stored (the host refuses at expiresAtMs <= now), whatever the machine's speed.
      const expired = await sim.assets.putResult({ ...common, index: 2, ttlMs: 0 });
      const result: GenerationResult = {
        model: 'wan2.2-t2i-flash',
        images: [
          { index: 0, url: fresh, width: 512, height: 512, seed: 3 },
          { index: 1, url: expired, width: 512, height: 512, seed: 4 },
        ],
        text: '',
        parts: [],
        usage: {},
        failures: [],
        taskId: 'task-expiring',
      };
      const kept = await keepResult(result, { client, saver: s.saver, model: 'wan2.2-t2i-flash', request: { model: 'wan2.2-t2i-flash', prompt: 'expiring', seed: 3 }, outputFormat: 'png', started: STARTED });
      assert.deepEqual(kept.images.map((i) => i.index), [1]);
      assert.deepEqual(kept.lost.map((l) => l.index), [2]);
      assert.equal((kept.lost[0]!.error as DashScopeError).code, 'ResultExpired');
      assert.equal(kept.produced, 2);
      assert.deepEqual(await s.list(), [kept.images[0]!.file.name]);
    });
  });

  test('a transient result-host failure (fault knob) is retried: both images kept', async () => {
    await withEachSaver(async (s) => {
      const before = sim.assets.stats().results.downloads;
      sim.assets.failNextDownloads(1, '500');
      const result = await runImageJob({ model: 'wan2.6-t2i', prompt: 'a host that fails once', n: 2 }, { client, saver: s.saver });
      assert.equal(sim.assets.stats().results.downloads - before, 3, 'two downloads, one of them twice');
      assert.deepEqual(result.images.map((i) => i.index), [1, 2]);
      assert.deepEqual(result.lost, []);
      assert.equal((await s.list()).length, 2);
    });
  });

  test('a saver that fails for one file keeps the other image and leaves no temporary', async () => {
    await withEachSaver(async (s) => {
      s.failWritesOf(/-2\.png\.tmp-/);
      const events: JobProgress[] = [];
      const result = await runImageJob({ model: 'wan2.6-t2i', prompt: 'a full disk', n: 2 }, { client, saver: s.saver, onProgress: (e) => events.push(e) });
      assert.deepEqual(result.images.map((i) => i.index), [1]);
      assert.deepEqual(result.lost.map((l) => l.index), [2]);
      assert.match(String(result.lost[0]!.error), /ENOSPC/);
      assert.deepEqual(await s.list(), [result.images[0]!.file.name]);
      assert.ok(!(await s.list()).some(isTemporaryName));
      assert.deepEqual(events.filter((e) => e.kind === 'download').map((e) => (e.kind === 'download' ? e.done : -1)), [0, 1, 2], 'both were downloaded');
    });
  });

  test('no image kept at all: n=1 rejects with the save error, n=2 with NoImagesError naming each', async () => {
    await withEachSaver(async (s) => {
      s.failWritesOf(/\.png\.tmp-/);
      await assert.rejects(runImageJob({ model: 'wan2.6-t2i', prompt: 'nothing fits', n: 1 }, { client, saver: s.saver }), /ENOSPC/);
      await assert.rejects(runImageJob({ model: 'wan2.6-t2i', prompt: 'nothing fits', n: 2 }, { client, saver: s.saver }), (error: unknown) => {
        assert.ok(error instanceof NoImagesError);
        assert.deepEqual(error.lost.map((l) => l.index).sort(), [1, 2]);
        assert.match(error.message, /image 1: .*ENOSPC.*image 2: .*ENOSPC|image 2: .*ENOSPC.*image 1: .*ENOSPC/);
        return true;
      });
      assert.deepEqual(await s.list(), []);
    });
  });
});

describe('rescue', () => {
  test('receives the bytes (with provenance) and the error when the save fails, and its file is reported', async () => {
    await withEachSaver(async (s) => {
      s.failWritesOf(/-2\.png\.tmp-/);
      const fallback = new MemoryFs();
      const rescued: { file: OutputFile; error: unknown }[] = [];
      const result = await runImageJob(
        { model: 'wan2.6-t2i', prompt: 'save me', n: 2, seed: 9 },
        {
          client,
          saver: s.saver,
          rescue: async (file, error) => {
            rescued.push({ file, error });
            return atomicSaver(fallback).save(file);
          },
        },
      );
      assert.equal(rescued.length, 1);
      const [{ file, error }] = rescued as [{ file: OutputFile; error: unknown }];
      assert.match(file.stem, /-2$/);
      assert.equal(file.ext, 'png');
      assert.ok(isPng(file.bytes));
      assert.equal(readProvenance(file.bytes)?.index, 2, 'the second image, with its provenance');
      assert.equal(readProvenance(file.bytes)?.prompt, 'save me');
      assert.match(String(error), /ENOSPC/);
      assert.deepEqual(result.lost, []);
      assert.deepEqual(result.images.map((i) => [i.index, i.rescued === true]), [[1, false], [2, true]]);
      assert.deepEqual([...fallback.files.keys()], [`${file.stem}.png`]);
      assert.deepEqual(fallback.files.get(`${file.stem}.png`), file.bytes);
      assert.deepEqual(await s.list(), [result.images[0]!.file.name], 'nothing partial left in the failing folder');
    });
  });

  test('a rescue that fails or declines leaves the image lost with the original error', async () => {
    for (const rescue of [async () => undefined, async () => Promise.reject(new Error('Save As cancelled'))]) {
      await withEachSaver(async (s) => {
        s.failWritesOf(/-2\.png\.tmp-/);
        const result = await runImageJob({ model: 'wan2.6-t2i', prompt: 'no way out', n: 2 }, { client, saver: s.saver, rescue });
        assert.deepEqual(result.images.map((i) => i.index), [1]);
        assert.deepEqual(result.lost.map((l) => l.index), [2]);
        assert.match(String(result.lost[0]!.error), /ENOSPC/);
      });
    }
  });
});

describe('cancelling', () => {
  test('a cancel after the service produced the images keeps them all (they are billed)', async () => {
    await withEachSaver(async (s) => {
      const controller = new AbortController();
      const waiter = eventWaiter<JobProgress>((e) => e.kind === 'download' && e.done === 0);
      const job = runImageJob({ model: 'wan2.6-t2i', prompt: 'too late to cancel', n: 2 }, { client, saver: s.saver, signal: controller.signal, onProgress: waiter.listener });
      await waiter.seen;
      controller.abort(new Error('user cancelled'));
      const result = await job;
      assert.equal(result.cancelledAfterGeneration, true);
      assert.deepEqual(result.images.map((i) => i.index), [1, 2]);
      assert.deepEqual(await s.list(), result.images.map((i) => i.file.name).sort());
    });
  });

  test('a cancel before anything is sent rejects and saves nothing', async () => {
    await withEachSaver(async (s) => {
      const controller = new AbortController();
      controller.abort(new Error('changed my mind'));
      await assert.rejects(runImageJob({ model: 'wan2.6-t2i', prompt: 'never sent', n: 1 }, { client, saver: s.saver, signal: controller.signal }), /changed my mind/);
      assert.deepEqual(await s.list(), []);
    });
  });
});

describe('cancelling async tasks', () => {
  let slow: Simulator;
  let slowClient: DashScopeClient;
  before(async () => {
    // Long queue: the abort surely lands while the task is PENDING.
    slow = await startSimulator({ timing: { scale: SCALE, pendingMs: 60_000 }, rateLimits: false });
    slowClient = simClient(slow);
  });
  after(async () => {
    await slowClient.close();
    await slow.stop();
  });

  test('while PENDING: the task is cancelled upstream, nothing is saved, CancelledJobError says so', async () => {
    await withEachSaver(async (s) => {
      const controller = new AbortController();
      const events: JobProgress[] = [];
      const submitted = eventWaiter<JobProgress>((e) => e.kind === 'submitted');
      const job = runImageJob(
        { model: 'wan2.2-t2i-flash', prompt: 'queued forever', n: 2 },
        {
          client: slowClient,
          saver: s.saver,
          signal: controller.signal,
          onProgress: (e) => {
            events.push(e);
            submitted.listener(e);
          },
        },
      );
      const event = await submitted.seen;
      const taskId = event.kind === 'submitted' ? event.taskId : '';
      controller.abort(new Error('user cancelled'));
      await assert.rejects(job, (error: unknown) => {
        assert.ok(error instanceof CancelledJobError);
        assert.equal(error.name, 'AbortError');
        assert.equal(error.taskOutcome, 'cancelled');
        assert.equal(error.taskId, taskId);
        assert.match(String((error.cause as Error).message), /user cancelled/);
        return true;
      });
      assert.deepEqual(events.at(-1), { kind: 'cancelTask', taskId, outcome: 'cancelled' });
      assert.equal((slow.tasks.get(taskId) as { status: string }).status, 'CANCELED');
      assert.deepEqual(await s.list(), []);
    });
  });

  test('while RUNNING: the task cannot be cancelled; the error says it may still be billed', async () => {
    const running = await startSimulator({ timing: { scale: SCALE, pendingMs: 5, runningMs: 60_000 }, rateLimits: false });
    const c = simClient(running);
    try {
      const s = await SAVERS[0]!.make();
      const controller = new AbortController();
      const waiter = eventWaiter<JobProgress>((e) => e.kind === 'task' && e.status === 'RUNNING');
      const job = runImageJob({ model: 'wan2.2-t2i-flash', prompt: 'already running', n: 1 }, { client: c, saver: s.saver, signal: controller.signal, onProgress: waiter.listener });
      await waiter.seen;
      controller.abort(new Error('user cancelled'));
      await assert.rejects(job, (error: unknown) => {
        assert.ok(error instanceof CancelledJobError);
        assert.equal(error.taskOutcome, 'started');
        assert.match(error.message, /may still finish and bill it/);
        assert.equal((running.tasks.get(error.taskId!) as { status: string }).status, 'RUNNING');
        return true;
      });
      assert.deepEqual(await s.list(), []);
    } finally {
      await c.close();
      await running.stop();
    }
  });
});

describe('input images', () => {
  /** Every data: URI in a JSON value, in document order. */
  function dataUris(value: unknown): string[] {
    if (typeof value === 'string') return value.startsWith('data:') ? [value] : [];
    if (Array.isArray(value)) return value.flatMap(dataUris);
    if (value && typeof value === 'object') return Object.values(value).flatMap(dataUris);
    return [];
  }

  for (const model of ['qwen-image-edit-plus', 'wan2.6-image']) {
    test(`${model}: two local images reach the service in the order given, and provenance keeps that order`, async () => {
      const a = join(dir, `${model}-a.png`);
      const b = join(dir, `${model}-b.png`);
      await writeFile(a, makePng(640, 480));
      await writeFile(b, makePng(512, 512));
      const recorder = recordingDispatcher();
      const c = simClient(sim, { dispatcher: recorder.dispatcher });
      try {
        const orders = [
          [a, b],
          [b, a],
        ];
        for (const [k, order] of orders.entries()) {
          recorder.sent.length = 0;
          // Each order with the other saver, so both write what the order test reads back.
          const s = await SAVERS[k % SAVERS.length]!.make();
          const sources = order.map((p) => (p === a ? 'in/a.png' : 'in/b.png'));
          const result = await runImageJob({ model, prompt: 'put the first into the second', images: order, n: 1 }, { client: c, saver: s.saver, sources });
          const generation = recorder.sent.filter((r) => r.method === 'POST' && dataUris(r.body).length > 0);
          assert.equal(generation.length, 1, 'one generation request with the images inline');
          const sent = dataUris(generation[0]!.body).map((uri) => Buffer.from(decodeDataUri(uri)!.bytes));
          const expected = await Promise.all(order.map((p) => readFile(p)));
          assert.equal(sent.length, 2);
          assert.ok(sent[0]!.equals(expected[0]!) && sent[1]!.equals(expected[1]!), `sent in the order ${sources.join(', ')}`);
          const record = readProvenance(await s.read(result.images[0]!.file.name));
          assert.deepEqual(record?.sources, sources);
          await s.dispose();
        }
      } finally {
        await c.close();
        await recorder.close();
      }
    });
  }
});

describe('keepResult (task wait, resumed tasks)', () => {
  test('saves every image of a task result with the task id, the caller\'s names and provenance', async () => {
    await withEachSaver(async (s) => {
      const request = { model: 'wan2.2-t2i-flash', prompt: 'waited for elsewhere', n: 2, seed: 20 };
      const submitted = await client.submitTask(request);
      // A resumed task knows its request (PersistedTaskStore); that fills in the seeds.
      const result = await client.resumeTask(submitted.taskId, 'wan2.2-t2i-flash', { request });
      const events: JobProgress[] = [];
      const kept = await keepResult(result, {
        client,
        saver: s.saver,
        model: 'wan2.2-t2i-flash',
        request,
        outputFormat: 'png',
        started: STARTED,
        taskId: submitted.taskId,
        name: (image) => `waited/task-${image.index}`,
        onProgress: (e) => events.push(e),
      });
      assert.equal(kept.taskId, submitted.taskId);
      assert.equal(kept.produced, 2);
      assert.deepEqual(kept.images.map((i) => i.file.name), ['waited/task-1.png', 'waited/task-2.png']);
      assert.deepEqual(kept.images.map((i) => i.seed), [20, 21]);
      assert.deepEqual(await s.list(), ['waited/task-1.png', 'waited/task-2.png']);
      for (const image of kept.images) {
        const record = readProvenance(await s.read(image.file.name));
        assert.equal(record?.task_id, submitted.taskId);
        assert.equal(record?.model, 'wan2.2-t2i-flash');
        assert.equal(record?.prompt, 'waited for elsewhere');
        assert.equal(record?.seed, image.seed);
        assert.equal(record?.index, image.index);
        assert.equal(record?.created, STARTED.toISOString());
      }
      assert.deepEqual(events.filter((e) => e.kind === 'save').map((e) => (e.kind === 'save' ? e.done : -1)), [1, 2]);
    });
  });

  // One translation (qwen-mt-image is polled at most once a second) for every JPG test: its URL stays valid.
  const translation = async (): Promise<{ request: GenerationRequest; result: GenerationResult }> => {
    const menu = join(dir, 'menu.png');
    await writeFile(menu, makePng(320, 200));
    const request: GenerationRequest = { model: 'qwen-mt-image', images: [menu], translation: { sourceLang: 'zh', targetLang: 'en' } };
    return { request, result: await client.generate(request) };
  };
  let translated: Promise<{ request: GenerationRequest; result: GenerationResult }> | undefined;

  test('a JPG result gets its provenance in a .json sidecar next to it', async () => {
    await withEachSaver(async (s) => {
      const { request, result } = await (translated ??= translation());
      const kept = await keepResult(result, { client, saver: s.saver, model: 'qwen-mt-image', request, outputFormat: 'jpg', started: STARTED, name: () => 'menu.en' });
      const [image] = kept.images;
      assert.equal(image!.file.name, 'menu.en.jpg');
      assert.equal(image!.sidecar?.name, 'menu.en.jpg.json');
      assert.deepEqual(await s.list(), ['menu.en.jpg', 'menu.en.jpg.json']);
      const sidecar = JSON.parse(new TextDecoder().decode(await s.read('menu.en.jpg.json'))) as { model: string; parameters: Record<string, unknown> };
      assert.equal(sidecar.model, 'qwen-mt-image');
      assert.equal(sidecar.parameters.target_lang, 'en');
    });
  });

  test('an image saved whose sidecar cannot be written is still kept (the file is there)', async () => {
    await withEachSaver(async (s) => {
      s.failWritesOf(/\.json\.tmp-/);
      const { request, result } = await (translated ??= translation());
      const kept = await keepResult(result, { client, saver: s.saver, model: 'qwen-mt-image', request, outputFormat: 'jpg', started: STARTED, name: () => 'menu.en' });
      assert.deepEqual(kept.images.map((i) => i.file.name), ['menu.en.jpg']);
      assert.equal(kept.images[0]!.sidecar, undefined);
      assert.match(String(kept.images[0]!.sidecarError), /ENOSPC/, 'the caller can say the provenance is missing');
      assert.deepEqual(kept.lost, []);
      assert.deepEqual(await s.list(), ['menu.en.jpg']);
    });
  });

  test('throws NoImagesError when the result has no image, without saving', async () => {
    const empty: GenerationResult = { model: 'wan2.2-t2i-flash', images: [], text: '', parts: [], usage: {}, failures: [{ index: 0, code: 'DataInspectionFailed', message: 'Output data may contain inappropriate content.' }], requestId: 'req-empty' };
    const saver = { save: async (): Promise<SavedFileRef> => assert.fail('nothing to save') };
    await assert.rejects(keepResult(empty, { client, saver, model: 'wan2.2-t2i-flash', request: { model: 'wan2.2-t2i-flash' }, started: STARTED }), (error: unknown) => {
      assert.ok(error instanceof NoImagesError);
      assert.equal(error.requestId, 'req-empty');
      assert.match(error.message, /Every image failed: DataInspectionFailed/);
      return true;
    });
  });
});

describe('cancelPendingTask and jobProgressOf', () => {
  /** A client whose cancelTask does what the test says, counting calls. */
  function cancelling(behaviour: () => Promise<{ requestId?: string }>): { client: DashScopeClient; calls: string[] } {
    const calls: string[] = [];
    const fake = { cancelTask: async (taskId: string) => (calls.push(taskId), behaviour()) } as unknown as DashScopeClient;
    return { client: fake, calls };
  }

  test('only a PENDING task is cancelled; a refused cancel means it started, any other failure is reported as such', async () => {
    const events: JobProgress[] = [];
    const ok = cancelling(async () => ({ requestId: 'r' }));
    assert.equal(await cancelPendingTask(ok.client, 't1', 'PENDING', (e) => events.push(e)), 'cancelled');
    assert.equal(await cancelPendingTask(ok.client, 't2', 'RUNNING', (e) => events.push(e)), 'started');
    assert.deepEqual(ok.calls, ['t1'], 'a RUNNING task is not even asked');
    const started = cancelling(async () => Promise.reject(new DashScopeError({ httpStatus: 400, code: 'UnsupportedOperation', message: 'Failed to cancel the task, please confirm if the task is in PENDING status.', retriable: false })));
    assert.equal(await cancelPendingTask(started.client, 't3', 'PENDING'), 'started');
    const down = cancelling(async () => Promise.reject(new Error('connect ECONNREFUSED')));
    assert.equal(await cancelPendingTask(down.client, 't4', 'PENDING', (e) => events.push(e)), 'failed');
    assert.deepEqual(events, [
      { kind: 'cancelTask', taskId: 't1', outcome: 'cancelled' },
      { kind: 'cancelTask', taskId: 't2', outcome: 'started' },
      { kind: 'cancelTask', taskId: 't4', outcome: 'failed' },
    ]);
  });

  test('client progress becomes job progress; upload phases other than the upload itself are dropped', () => {
    assert.deepEqual(jobProgressOf({ type: 'request', model: 'qwen-image', mode: 'sync', endpoint: '/x' }), { kind: 'request', model: 'qwen-image', mode: 'sync' });
    assert.deepEqual(jobProgressOf({ type: 'status', taskId: 't', status: 'RUNNING', elapsedMs: 5, queries: 1 }), { kind: 'task', taskId: 't', status: 'RUNNING', elapsedMs: 5 });
    assert.deepEqual(jobProgressOf({ type: 'upload', index: 0, phase: 'upload', name: 'a.png', bytes: 10 }), { kind: 'upload', name: 'a.png', bytes: 10 });
    assert.equal(jobProgressOf({ type: 'upload', index: 0, phase: 'done', name: 'a.png', bytes: 10 }), undefined);
    // A rate window's wait counts down in whole seconds; a short backoff's wait is left to the retry line.
    const window = { model: 'qwen-image-max', requests: 2, windowMs: 60_000 };
    assert.deepEqual(jobProgressOf({ type: 'wait', remainingMs: 42_500, code: 'Throttling.RateQuota', rateWindow: window }), { kind: 'rateWait', model: 'qwen-image-max', seconds: 43 });
    assert.equal(jobProgressOf({ type: 'wait', remainingMs: 2000, code: 'InternalError' }), undefined);
  });
});
