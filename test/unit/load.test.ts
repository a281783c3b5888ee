/**
 * Load: 50 jobs started at once across eleven models through one JobManager, wired as
 * the extension wires it (src/extension.ts, src/host/clients.ts: the manager's AccountLimits is
 * the client's task-query `limiter` and hears its retries; src/commands/host.ts: each job runs
 * runImageJob under the job's signal and gives its slot back once downloads start), against a
 * simulator WITH its rate limits on and a short timing scale, in its own process like the real
 * service (in ours, its image rendering would stall our event loop and bunch requests up). One difference from host.ts today:
 * the submit is paced inside the run, right before the call (`submitPacing: 'in-run'` and
 * runImageJob's `beforeSubmit`); paced before the run, qwen-mt-image's upload sits between the
 * pacing and the submit and its 1/s limit answers 429.
 *
 * The simulator answers any excess (submits per window, calls or tasks at once, task queries per
 * second) with 429 Throttling.RateQuota, and its request log counts them. It counts a request
 * when it gets round to it, though, and on two shared cores that can be a few hundred ms after
 * it was sent (a large data: URI, its own rendering), so a request our pacing spaced correctly
 * can still be counted inside the previous window. The test therefore records every request as
 * the client sends it (our clock) and asserts there: no model's submits or task queries, nor the
 * account's queries, ever exceeded the limits (no 429 caused by our pacing); every 429 the
 * simulator answered is one of those recorded requests; the concurrency at the service per model
 * stayed within the catalog's; every job succeeded and every produced image is saved as a whole
 * file. The figures, 429s included, are printed.
 *
 *   node --import tsx --test test/unit/load.test.ts
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Agent, type Dispatcher } from 'undici';
import { DashScopeClient, getModel, systemClock, type Clock, type GenerationRequest } from '../../src/dashscope';
import { inspectImage } from '../../src/dashscope/upload';
import { saveAtomically, isTemporaryName } from '../../src/pipeline/files';
import { runImageJob, type ImageJobResult, type SavedFileRef } from '../../src/pipeline/images';
import { nodeFileSystem } from '../../src/pipeline/nodeFs';
import { ACCOUNT_QUERIES_PER_SECOND, AccountLimits } from '../../src/jobs/limits';
import { JobManager, type JobHandle } from '../../src/jobs/manager';
import { makePng, repoRoot } from './client-fixtures';
import { SCALE, listFiles } from './savers';

const JOBS = 50;

/** The simulator in its own process (`npm run sim`), as the service is: its rendering must not stall our event loop, nor ours its clock. */
interface SimulatorProcess {
  url: string;
  key: string;
  /** Its request log so far: `[sim beijing] POST /api/v1/… → 200 12ms key=…`. */
  log: string[];
  stop(): Promise<void>;
}

async function startSimulatorProcess(): Promise<SimulatorProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'test/sim/cli.ts'), '--scale', String(SCALE)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
  const log: string[] = [];
  let buffered = '';
  const ready = new Promise<{ url: string; key: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the simulator exited (${code}) before it was ready`)));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        log.push(line);
        const m = /Beijing\s+base URL: (\S+)\s+key: (\S+)/.exec(line);
        if (m) resolve({ url: m[1]!, key: m[2]! });
      }
    });
  });
  const { url, key } = await ready;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    key,
    log,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

let sim: SimulatorProcess;
let dir: string;
let inputPng: string;
/** One input file per job, for models without a seed (each job's body then differs: retries are recognized by their body). */
const inputs: string[] = [];

before(async () => {
  sim = await startSimulatorProcess();
  dir = await mkdtemp(join(tmpdir(), 'bailian-load-'));
  inputPng = join(dir, 'input.png');
  await writeFile(inputPng, makePng(512, 512));
  for (let i = 0; i < JOBS; i++) {
    inputs.push(join(dir, `input-${i + 1}.png`));
    await writeFile(inputs[i]!, makePng(512, 512));
  }
});
after(async () => {
  await sim.stop();
  await rm(dir, { recursive: true, force: true });
});

/**
 * One request per model, cycled over the 50 jobs: sync (unlimited and 2-at-once), async tasks,
 * an edit with a data: URI, and qwen-mt-image (upload, then 1 query/s). The models limited to 2
 * a minute are left out: five jobs of one would take two minutes.
 */
function requests(): GenerationRequest[] {
  return [
    { model: 'z-image-turbo', prompt: 'load: a red kite', size: '512*512' },
    { model: 'qwen-image-plus', prompt: 'load: a tea cup', size: '1328*1328' },
    { model: 'qwen-image-2.0', prompt: 'load: a canal boat', size: '512*512' },
    { model: 'qwen-image-3.0', prompt: 'load: a glass bird', size: '512*512' },
    { model: 'wan2.7-image', prompt: 'load: a paper crane', size: '768*768', thinkingMode: false },
    { model: 'wan2.6-t2i', prompt: 'load: a harbour', size: '1104*1472', n: 1 },
    { model: 'wan2.2-t2i-flash', prompt: 'load: two pears', size: '512*512', n: 2 },
    { model: 'qwen-image-edit-plus', prompt: 'load: make it blue', size: '512*512', images: [{ kind: 'file', path: inputPng }] },
    { model: 'qwen-mt-image', images: [{ kind: 'file', path: inputPng }], translation: { sourceLang: 'en', targetLang: 'zh' } },
  ];
}

/** `METHOD path → status` of each logged request. */
function parsedLog(): { method: string; path: string; status: number }[] {
  return sim.log.flatMap((line) => {
    const m = /\] (\w+) (\S+) → (\d+)/.exec(line);
    return m ? [{ method: m[1]!, path: m[2]!, status: Number(m[3]) }] : [];
  });
}

/** One request we handed to undici for the API host, and how the service answered it. */
interface Send {
  at: number;
  method: string;
  path: string;
  /** Model of the body, or of the task a query is about. */
  model: string | undefined;
  /** The body (POST) or the path (GET), to recognize the transport's retries of it. */
  key: string;
  status?: number;
  /** The connection broke before or while answering. */
  broken?: boolean;
  /** A repeat of a request the service refused (429, 5xx) or that broke: the transport's retry. */
  retry: boolean;
}

/**
 * An undici dispatcher that records every request to `origin` as the client sends it, on the
 * clock the pacing runs on, with the status it got: what our pacing actually let out, independent
 * of when the simulator, busy on the same two cores, got round to counting it.
 */
function recordingAgent(origin: string, taskModels: Map<string, string>, clock: Clock): { agent: Dispatcher; sends: Send[] } {
  const sends: Send[] = [];
  const agent = new Agent().compose((dispatch) => (opts, handler) => {
    if (String(opts.origin) !== origin) return dispatch(opts, handler);
    const path = opts.path.split('?')[0]!;
    let model: string | undefined;
    let key = `${opts.method} ${path}`;
    if (typeof opts.body === 'string') {
      key = createHash('sha1').update(opts.body).digest('hex');
      try {
        model = (JSON.parse(opts.body) as { model?: string }).model;
      } catch {
        // not JSON
      }
    }
    const task = /\/tasks\/([^/]+)$/.exec(path)?.[1];
    if (task) model = taskModels.get(decodeURIComponent(task));
    let previous: Send | undefined;
    for (let i = sends.length - 1; i >= 0 && !previous; i--) if (sends[i]!.key === key) previous = sends[i];
    const retry = previous !== undefined && (previous.broken === true || previous.status === 429 || (previous.status ?? 0) >= 500);
    const send: Send = { at: clock.now(), method: opts.method, path, model, key, retry };
    sends.push(send);
    const h = handler as Dispatcher.DispatchHandler & { onHeaders?: (status: number, ...rest: unknown[]) => boolean; onError?: (error: Error) => void };
    if (h.onResponseError) {
      const fail = h.onResponseError.bind(h);
      h.onResponseError = (controller, error) => {
        send.broken = true;
        fail(controller, error);
      };
    } else if (h.onError) {
      const fail = h.onError.bind(h);
      h.onError = (error) => {
        send.broken = true;
        fail(error);
      };
    }
    if (h.onResponseStart) {
      const start = h.onResponseStart.bind(h);
      h.onResponseStart = (controller, status, ...rest) => {
        send.status = status;
        return start(controller, status, ...rest);
      };
    } else if (h.onHeaders) {
      const start = h.onHeaders.bind(h);
      h.onHeaders = (status, ...rest) => {
        send.status = status;
        return start(status, ...rest);
      };
    }
    return dispatch(opts, handler);
  });
  return { agent, sends };
}

/** The most events within any window of `windowMs` (sorted times). */
function maxInWindow(times: readonly number[], windowMs: number): number {
  let best = 0;
  for (let lo = 0, hi = 0; hi < times.length; hi++) {
    while (times[hi]! - times[lo]! >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

test('50 jobs at once across models stay within every limit, and every image is saved', { timeout: 110_000 }, async () => {
  // The simulator runs in its own process on real time, so the pacing does too; every time below
  // is read from this one clock, the one the pacing's guarantees are stated in.
  const clock = systemClock;
  const limits = new AccountLimits({ clock });
  const jobs = new JobManager({ clock, limits });
  const taskModels = new Map<string, string>();
  const { agent, sends } = recordingAgent(new URL(sim.url).origin, taskModels, clock);
  // As src/host/clients.ts builds the client: the account's limits pace task queries and hear every retry.
  const client = new DashScopeClient({
    apiKey: sim.key,
    baseUrl: sim.url,
    dispatcher: agent,
    poll: { durationScale: SCALE },
    limiter: limits,
    onRetry: (event) => limits.observeRetry(event),
  });
  const fs = nodeFileSystem(join(dir, 'out'));
  const saver = { save: async (file: { stem: string; ext: string; bytes: Uint8Array }): Promise<SavedFileRef> => ({ name: await saveAtomically(fs, file) }) };

  /** Calls at the service per model: from the request until the service side is over (downloads start). */
  const active = new Map<string, number>();
  const maxActive = new Map<string, number>();
  const enter = (model: string): void => {
    const n = (active.get(model) ?? 0) + 1;
    active.set(model, n);
    maxActive.set(model, Math.max(maxActive.get(model) ?? 0, n));
  };
  const leave = (model: string): void => void active.set(model, (active.get(model) ?? 1) - 1);

  const all = requests();
  const started = clock.now();
  const handles: JobHandle<ImageJobResult<SavedFileRef>>[] = [];
  try {
    for (let i = 0; i < JOBS; i++) {
      const base = all[i % all.length]!;
      const spec = getModel(base.model);
      const request = spec.params.includes('seed') ? { ...base, seed: 1000 + i } : { ...base, images: [{ kind: 'file' as const, path: inputs[i]! }] };
      const mode = spec.mode === 'async' ? 'async' : 'sync';
      handles.push(
        jobs.enqueue({
          label: `${spec.id} #${i + 1}`,
          model: spec.id,
          source: 'batch',
          // Paced right before the call, after uploads (see ImageJobOptions.beforeSubmit).
          submitPacing: 'in-run',
          run: async (ctx) => {
            let inService = false;
            try {
              return await runImageJob(request, {
                client,
                saver,
                signal: ctx.signal,
                beforeSubmit: () => ctx.beforeSubmit(),
                onSubmitted: (task) => taskModels.set(task.taskId, task.model),
                onProgress: (event) => {
                  if (event.kind === 'request') {
                    inService = true;
                    enter(`${spec.id} (${mode})`);
                  }
                  // As runWorkspaceImageJob: the service side is over once downloads start.
                  if (event.kind === 'download' && event.done === 0) {
                    if (inService) leave(`${spec.id} (${mode})`);
                    inService = false;
                    ctx.releaseSlot();
                  }
                },
              });
            } finally {
              if (inService) leave(`${spec.id} (${mode})`);
            }
          },
        }),
      );
    }
    const settled = await Promise.allSettled(handles.map((h) => h.result));
    const wallMs = clock.now() - started;

    const seen = parsedLog().filter((r) => r.path.startsWith('/api/'));
    const throttled = seen.filter((r) => r.status === 429);
    const failed = settled.flatMap((s, i) => (s.status === 'rejected' ? [`${handles[i]!.info().label}: ${s.reason instanceof Error ? s.reason.message : String(s.reason)}`] : []));
    const results = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const produced = results.reduce((sum, r) => sum + r.produced, 0);
    const saved = results.flatMap((r) => r.images);

    // What our pacing let out, in our clock: per model, submits per window and queries per second.
    const violations: string[] = [];
    const firstAttempts = sends.filter((x) => !x.retry);
    const submitTimes = new Map<string, number[]>();
    const queryTimes = new Map<string, number[]>();
    for (const x of firstAttempts) {
      if (!x.model) continue;
      const into = x.method === 'GET' && x.path.includes('/tasks/') ? queryTimes : x.method === 'POST' ? submitTimes : undefined;
      if (into) into.set(x.model, [...(into.get(x.model) ?? []), x.at]);
    }
    for (const [model, times] of submitTimes) {
      const r = getModel(model).rateLimits;
      const [count, windowMs] = r.requestsPerMinute !== undefined ? [r.requestsPerMinute, 60_000] : [Math.floor(r.requestsPerSecond), 1000];
      const most = maxInWindow(times, windowMs);
      if (most > count) violations.push(`${model}: ${most} submits within ${windowMs} ms, limit ${count}`);
    }
    for (const [model, times] of queryTimes) {
      const qps = getModel(model).rateLimits.queryPerSecond;
      const most = maxInWindow(times, 1000);
      if (most > qps) violations.push(`${model}: ${most} task queries within 1 s, limit ${qps}`);
    }
    const allQueries = [...queryTimes.values()].flat().sort((a, b) => a - b);
    if (maxInWindow(allQueries, 1000) > ACCOUNT_QUERIES_PER_SECOND) violations.push(`account: ${maxInWindow(allQueries, 1000)} task queries within 1 s`);
    const retries = sends.filter((x) => x.retry);
    const throttledFirst = firstAttempts.filter((x) => x.status === 429);

    const figures = [
      `jobs: ${JOBS} (${results.length} succeeded, ${failed.length} failed) over ${all.length} models`,
      `wall time: ${(wallMs / 1000).toFixed(1)} s`,
      `requests at the simulator: ${seen.length} (${seen.filter((r) => r.path.includes('/tasks/')).length} task queries)`,
      `429s: ${throttled.length} (${throttledFirst.length} to requests our pacing had spaced within the limits, counted late by the busy simulator; ${retries.length} repeats of refused or broken requests by the transport, which the account's 429 pause does not hold back)`,
      `pacing violations in our own clock: ${violations.length}`,
      `images: ${produced} produced, ${saved.length} saved`,
      'max calls at the service at once, per model (catalog limit):',
      ...[...maxActive.entries()].sort().map(([model, n]) => {
        const spec = getModel(model.replace(/ \(.*$/, ''));
        const limit = model.endsWith('(async)') ? (spec.rateLimits.asyncConcurrent ?? spec.rateLimits.concurrent) : spec.rateLimits.concurrent;
        return `  ${model.padEnd(34)} ${n} (${Number.isFinite(limit) ? limit : 'unlimited'})`;
      }),
    ];
    console.log(`\nLoad\n${figures.join('\n')}\n`);

    assert.deepEqual(violations, [], 'no request of ours exceeded a model limit');
    assert.equal(sends.filter((x) => x.status === 429).length, throttled.length, 'every 429 the simulator answered is one of the requests recorded here');
    assert.ok(throttledFirst.every((x) => x.model !== undefined), 'every throttled first attempt is accounted to a model (and so checked above)');
    assert.deepEqual(failed, [], 'every job finished');
    assert.ok(jobs.list().every((j) => j.state === 'succeeded'), 'every job ended succeeded in the manager');
    for (const [model, n] of maxActive) {
      const spec = getModel(model.replace(/ \(.*$/, ''));
      const limit = model.endsWith('(async)') ? (spec.rateLimits.asyncConcurrent ?? spec.rateLimits.concurrent) : spec.rateLimits.concurrent;
      assert.ok(n <= limit, `${model}: ${n} at once, limit ${limit}`);
    }
    // Nothing lost: every produced image is a whole file in the output folder, nothing half-written.
    assert.equal(saved.length, produced, 'every produced image saved');
    assert.ok(results.every((r) => r.lost.length === 0 && r.failures.length === 0));
    const files = await listFiles(join(dir, 'out'));
    assert.deepEqual(files.filter(isTemporaryName), [], 'no temporary file left');
    for (const image of saved) {
      assert.ok(files.includes(image.file.name), `${image.file.name} on disk`);
      const info = inspectImage(new Uint8Array(await readFile(join(dir, 'out', ...image.file.name.split('/')))));
      assert.equal(info?.format, image.format, `${image.file.name} is a whole ${image.format}`);
    }
  } finally {
    jobs.dispose();
    await client.close();
    await agent.close();
  }
});

test('runImageJob paces after the upload: beforeSubmit comes between the upload and the submit', { timeout: 20_000 }, async () => {
  const client = new DashScopeClient({ apiKey: sim.key, baseUrl: sim.url, poll: { durationScale: SCALE } });
  const order: string[] = [];
  const fs = nodeFileSystem(join(dir, 'order'));
  try {
    const result = await runImageJob(
      { model: 'qwen-mt-image', images: [{ kind: 'file', path: inputPng }], translation: { sourceLang: 'en', targetLang: 'zh' } },
      {
        client,
        saver: { save: async (file) => ({ name: await saveAtomically(fs, file) }) },
        beforeSubmit: async () => void order.push('beforeSubmit'),
        onProgress: (event) => {
          if (event.kind === 'upload' || event.kind === 'request' || event.kind === 'submitted') order.push(event.kind);
        },
      },
    );
    assert.deepEqual(order, ['upload', 'beforeSubmit', 'request', 'submitted']);
    assert.equal(result.images.length, 1);
  } finally {
    await client.close();
  }
});

test('AccountLimits keeps slack for arrival jitter in every window the service counts', async () => {
  // A clock that jumps to the end of each sleep: the pacing's own schedule, without waiting.
  let now = 0;
  const clock = { now: () => now, sleep: async (ms: number) => void (now += Math.max(0, ms)) };
  for (const jitterMs of [0, 100]) {
    now = 0;
    const limits = new AccountLimits({ clock, jitterMs });
    const released: number[] = [];
    for (let i = 0; i < 5; i++) {
      await limits.acquireSubmit('wan2.6-t2i', { perSecond: 2 });
      released.push(now);
    }
    // Two per second: never more than two within any second, and with jitter the third waits a second plus the slack.
    assert.equal(maxInWindow(released, 1000), 2);
    assert.ok(released[2]! - released[0]! >= 1000 + jitterMs, `jitter ${jitterMs}: ${released.join(', ')}`);
  }
});
