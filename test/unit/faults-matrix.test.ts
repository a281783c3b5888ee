/**
 * The fault matrix: every fault knob of the simulator against every kind of call,
 * through the pipeline as the editor uses it — runImageJob / keepResult and runGuide over
 * nodeFileSystem on a temporary workspace, the real DashScopeClient against the simulator, and a
 * history line written the way src/commands/host.ts writes it (historyEntry via HistoryLog).
 *
 * Calls: sync (z-image-turbo), stream (wan2.6-image:interleave through runGuide), async
 * (wan2.2-t2i-flash, n=2), upload (qwen-mt-image with a local file: getPolicy, OSS form POST,
 * then the task) and download (the result host). Each case asserts: retriable faults are retried
 * within the policy's bounds and then succeed, or fail cleanly; the error has a code, message,
 * request id (when the service answered) and a hint; no partial, zero-byte or temporary file is
 * left; every image already paid for is kept (by `rescue` when the folder refuses it); the
 * history line records the outcome; and no case hangs (each has a timeout). A table of faults ×
 * calls (tried / survived) is printed at the end.
 *
 *   node --import tsx --test test/unit/faults-matrix.test.ts
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DashScopeClient, DashScopeError, type DashScopeClientOptions, type GenerationRequest, type RetryEvent } from '../../src/dashscope';
import { inspectImage } from '../../src/dashscope/upload';
import { appendFile, isTemporaryName, saveAtomically, subFileSystem } from '../../src/pipeline/files';
import { runGuide, type GuideResult } from '../../src/pipeline/guide';
import { historyEntry, type HistoryEntry, type HistoryFacts } from '../../src/pipeline/history';
import { HistoryLog } from '../../src/pipeline/historyLog';
import { runImageJob, type ImageJobResult, type ImageSaver, type OutputFile, type SavedFileRef } from '../../src/pipeline/images';
import { nodeFileSystem, type NodeFileSystemHooks } from '../../src/pipeline/nodeFs';
import { isPng } from '../../src/pipeline/provenance';
import { startSimulator, type FaultRule, type Simulator } from '../sim/index';
import { makePng } from './client-fixtures';
import { SCALE, brokenUrl, listFiles } from './savers';

type Call = 'sync' | 'stream' | 'async' | 'upload' | 'download';
const CALLS: readonly Call[] = ['sync', 'stream', 'async', 'upload', 'download'];

const SYNC_PATH = '/services/aigc/multimodal-generation/generation';
const T2I_PATH = '/services/aigc/text2image/image-synthesis';
const UPLOAD_PATH = '/uploads';
/** The path each call's first API request goes to (where request faults are injected). */
const FIRST_PATH: Record<Exclude<Call, 'download'>, string> = { sync: SYNC_PATH, stream: SYNC_PATH, async: T2I_PATH, upload: UPLOAD_PATH };

/** Retry policy of the client under test: the default's bounds, with short delays. */
const MAX_RETRIES = 3;
const RETRY = { maxRetries: MAX_RETRIES, baseDelayMs: 10, maxDelayMs: 40 };

let sim: Simulator;
/** A second simulator whose tasks are forgotten at once (GET answers UNKNOWN). */
let forgetful: Simulator;
/** A third one whose tasks stay PENDING for a minute (a wait that times out). */
let stuck: Simulator;
let scratch: string;
let inputPng: string;

before(async () => {
  sim = await startSimulator({ timing: { scale: SCALE, streamEventMs: 1 }, rateLimits: false });
  forgetful = await startSimulator({ timing: { scale: SCALE }, rateLimits: false, taskRetentionMs: 1 });
  stuck = await startSimulator({ timing: { scale: SCALE, pendingMs: 60_000 }, rateLimits: false });
  scratch = await mkdtemp(join(tmpdir(), 'bailian-faults-'));
  inputPng = join(scratch, 'poster.png');
  await writeFile(inputPng, makePng(256, 256));
});

/** tried / survived per fault and call, printed at the end. */
const table = new Map<string, Map<Call, { tried: number; survived: number }>>();
const faultOrder: string[] = [];
function tally(fault: string, call: Call, survived: boolean): void {
  if (!table.has(fault)) {
    table.set(fault, new Map());
    faultOrder.push(fault);
  }
  const row = table.get(fault)!;
  const cell = row.get(call) ?? { tried: 0, survived: 0 };
  cell.tried++;
  if (survived) cell.survived++;
  row.set(call, cell);
}

after(async () => {
  await sim.stop();
  await forgetful.stop();
  await stuck.stop();
  await rm(scratch, { recursive: true, force: true });
  const width = Math.max(...faultOrder.map((f) => f.length), 'fault'.length);
  const lines = [`${'fault'.padEnd(width)} | ${CALLS.map((c) => c.padEnd(8)).join(' | ')}`, `${'-'.repeat(width)}-|-${CALLS.map(() => '-'.repeat(8)).join('-|-')}`];
  let tried = 0;
  let survived = 0;
  for (const fault of faultOrder) {
    const row = table.get(fault)!;
    lines.push(`${fault.padEnd(width)} | ${CALLS.map((c) => {
      const cell = row.get(c);
      if (!cell) return '—'.padEnd(8);
      tried += cell.tried;
      survived += cell.survived;
      return `${cell.survived}/${cell.tried}`.padEnd(8);
    }).join(' | ')}`);
  }
  lines.push(`(cells: survived/tried; survived = the outcome the user should get: success after retries, a clean failure, or everything paid for kept) total ${survived}/${tried}`);
  console.log(`\nFault matrix\n${lines.join('\n')}\n`);
});

/** What a case expects to see. */
type Expect =
  /** Every image saved (after retries, when the fault was retriable). */
  | 'ok'
  /** Some images saved, the rest reported (failures or lost). */
  | 'partial'
  /** The job throws a clean error; nothing is left on disk. */
  | 'fail'
  /** The stream broke midway: the guide ends `failed` but keeps what arrived. */
  | 'broken'
  /** The folder refused the guide's document: the guide fails with the disk's error, and rescue kept every image. */
  | 'rescued';

interface Case {
  fault: string;
  call: Call;
  expect: Expect;
  /** Request faults to add to the simulator for this case. */
  faults?: FaultRule[];
  /** Retries the client must report: at least `min`, at most `max` (default: none when undefined). */
  retries?: { min: number; max: number };
  /** The code of the error (fail) or of the lost image / failure (partial). */
  code?: string | RegExp;
  /** Fails every file write in the output folder with this errno (the rescue hook must keep the images). */
  disk?: 'EACCES' | 'ENOSPC';
  client?: Partial<DashScopeClientOptions>;
  /** Use the simulator that forgets tasks at once. */
  forgetful?: boolean;
  /** Use the simulator whose tasks never leave PENDING. */
  stuck?: boolean;
  /** Runs before the job (download faults on the result host). */
  prepare?: () => void;
  /** Wraps the client (a result URL broken between generate and download). */
  wrap?: (client: DashScopeClient) => DashScopeClient;
  /** Extra request fields for this call. */
  request?: Partial<GenerationRequest>;
  waitTimeoutMs?: number;
  /** Every retry's delay must equal this (Retry-After honoured). */
  retryDelayMs?: number;
}

const retried = { min: 1, max: MAX_RETRIES };
const requestFault = (kind: FaultRule, call: Exclude<Call, 'download'>): FaultRule => ({ ...kind, path: FIRST_PATH[call], times: 1 } as FaultRule);
const apiCalls: Exclude<Call, 'download'>[] = ['sync', 'stream', 'async', 'upload'];

const CASES: Case[] = [
  ...apiCalls.map((call): Case => ({ fault: '429 (no Retry-After)', call, expect: 'ok', faults: [requestFault({ kind: 'throttle' }, call)], retries: retried })),
  ...apiCalls.map((call): Case => ({ fault: '429 + Retry-After: 1', call, expect: 'ok', faults: [requestFault({ kind: 'throttle', retryAfter: 1 }, call)], retries: { min: 1, max: 1 }, retryDelayMs: 1000 })),
  ...apiCalls.map((call): Case => ({ fault: '500', call, expect: 'ok', faults: [requestFault({ kind: 'status', status: 500 }, call)], retries: retried })),
  { fault: '500', call: 'download', expect: 'ok', prepare: () => sim.assets.failNextDownloads(1, '500'), retries: retried },
  ...apiCalls.map((call): Case => ({ fault: '503', call, expect: 'ok', faults: [requestFault({ kind: 'status', status: 503 }, call)], retries: retried })),
  { fault: '503 every time', call: 'sync', expect: 'fail', faults: [{ kind: 'status', status: 503, path: SYNC_PATH }], retries: { min: MAX_RETRIES, max: MAX_RETRIES }, code: 'ModelUnavailable' },
  ...apiCalls.map((call): Case => ({ fault: 'reset before headers', call, expect: 'ok', faults: [requestFault({ kind: 'resetBeforeHeaders' }, call)], retries: retried })),
  // A POST whose 200 body broke may have been billed: not repeated, a clean failure.
  { fault: 'reset mid-body', call: 'sync', expect: 'fail', faults: [requestFault({ kind: 'resetMidBody' }, 'sync')], code: 'NetworkError' },
  // GETs (task query, upload policy) are repeated.
  { fault: 'reset mid-body', call: 'async', expect: 'ok', faults: [{ kind: 'resetMidBody', path: /\/tasks\//, method: 'GET', times: 1 }], retries: retried },
  { fault: 'reset mid-body', call: 'upload', expect: 'ok', faults: [requestFault({ kind: 'resetMidBody' }, 'upload')], retries: retried },
  { fault: 'reset mid-body', call: 'download', expect: 'ok', prepare: () => sim.assets.failNextDownloads(1, 'reset') },
  { fault: 'reset mid-stream', call: 'stream', expect: 'broken', faults: [{ kind: 'resetMidStream', afterEvents: 30, path: SYNC_PATH, times: 1 }], code: /StreamIncomplete|NetworkError/ },
  { fault: 'malformed JSON', call: 'sync', expect: 'fail', faults: [requestFault({ kind: 'malformedJson' }, 'sync')], code: 'MalformedResponse' },
  { fault: 'malformed JSON', call: 'stream', expect: 'fail', faults: [requestFault({ kind: 'malformedJson' }, 'stream')], code: 'MalformedResponse' },
  { fault: 'malformed JSON', call: 'async', expect: 'ok', faults: [{ kind: 'malformedJson', path: /\/tasks\//, method: 'GET', times: 1 }], retries: retried },
  { fault: 'malformed JSON', call: 'upload', expect: 'ok', faults: [requestFault({ kind: 'malformedJson' }, 'upload')], retries: retried },
  // The simulator cannot fetch this input, and answers a stream request with HTTP 200 + event:error.
  { fault: 'SSE event:error', call: 'stream', expect: 'fail', request: { images: ['http://127.0.0.1:9/unreachable.png'] }, code: /^InvalidParameter/ },
  { fault: 'task FAILED', call: 'async', expect: 'fail', faults: [{ kind: 'taskFail', code: 'InternalError.Algo', message: 'Algorithm process error.', path: T2I_PATH, times: 1 }], code: 'InternalError.Algo' },
  { fault: 'task FAILED', call: 'upload', expect: 'fail', faults: [{ kind: 'taskFail', code: 'InternalError.Algo', message: 'Algorithm process error.', model: 'qwen-mt-image', times: 1 }], code: 'InternalError.Algo' },
  { fault: 'partial failure', call: 'async', expect: 'partial', faults: [{ kind: 'taskFail', failedImages: 1, path: T2I_PATH, times: 1 }] },
  { fault: 'task UNKNOWN', call: 'async', expect: 'fail', forgetful: true, code: 'TaskUnknown' },
  { fault: 'task UNKNOWN', call: 'upload', expect: 'fail', forgetful: true, code: 'TaskUnknown' },
  // The first answer is later than the client waits for headers (undici's timers tick about once a second): retried, then answered.
  { fault: 'timeout', call: 'sync', expect: 'ok', faults: [{ kind: 'delay', ms: 2500, path: SYNC_PATH, times: 1 }], client: { timeouts: { headersMs: 300 } }, retries: retried },
  { fault: 'timeout', call: 'stream', expect: 'ok', faults: [{ kind: 'delay', ms: 2500, path: SYNC_PATH, times: 1 }], client: { timeouts: { headersMs: 300 } }, retries: retried },
  // The task never leaves the queue: the job stops waiting (the task may still finish; its id is kept).
  { fault: 'timeout', call: 'async', expect: 'fail', stuck: true, waitTimeoutMs: 300, code: 'WaitTaskTimeout' },
  { fault: 'expired result URL', call: 'download', expect: 'partial', wrap: (c) => withBrokenImage(c, 2), code: 'ResultExpired' },
  ...(['sync', 'async', 'upload'] as const).map((call): Case => ({ fault: 'unwritable folder', call, expect: 'ok', disk: 'EACCES' })),
  { fault: 'unwritable folder', call: 'stream', expect: 'rescued', disk: 'EACCES' },
  ...(['sync', 'async', 'upload'] as const).map((call): Case => ({ fault: 'full disk', call, expect: 'ok', disk: 'ENOSPC' })),
  { fault: 'full disk', call: 'stream', expect: 'rescued', disk: 'ENOSPC' },
];

/** The client, except that image `index` (1-based) of every result sits behind a URL the result host refuses (expired). */
function withBrokenImage(base: DashScopeClient, index: number): DashScopeClient {
  const wrapped = Object.create(base) as DashScopeClient;
  wrapped.generate = async (request, options) => {
    const result = await base.generate(request, options);
    return { ...result, images: result.images.map((image) => (image.index + 1 === index ? { ...image, url: brokenUrl(image.url) } : image)) };
  };
  return wrapped;
}

/** The request of each call. */
function requestOf(call: Call, extra: Partial<GenerationRequest> = {}): GenerationRequest {
  switch (call) {
    case 'sync':
      return { model: 'z-image-turbo', prompt: 'a lighthouse in fog', size: '512*512', seed: 7, ...extra };
    case 'stream':
      return { model: 'wan2.6-image:interleave', prompt: 'a two-step recipe for tea', size: '768*768', maxImages: 2, seed: 9, ...extra };
    case 'async':
    case 'download':
      return { model: 'wan2.2-t2i-flash', prompt: 'two paper boats', size: '512*512', n: 2, seed: 3, ...extra };
    case 'upload':
      return { model: 'qwen-mt-image', images: [{ kind: 'file', path: inputPng }], translation: { sourceLang: 'en', targetLang: 'zh' }, ...extra };
  }
}

/** One case's workspace: the output folder (with the disk fault), the fallback folder rescue saves into, downloads, history. */
interface Workspace {
  root: string;
  saver: ImageSaver;
  rescue: (file: OutputFile, error: unknown) => Promise<SavedFileRef | undefined>;
  rescued: { file: OutputFile; error: unknown }[];
  history: HistoryLog;
  downloads: string;
  openDocument: (header: string) => Promise<{ name: string; sink: { append(text: string): Promise<void> } }>;
}

async function workspace(disk: Case['disk']): Promise<Workspace> {
  const root = await mkdtemp(join(scratch, 'ws-'));
  const downloads = join(root, '.downloads');
  await mkdir(downloads);
  const hooks: NodeFileSystemHooks = disk
    ? {
        write: async (handle, data, path) => {
          if (disk === 'ENOSPC') {
            // A full disk takes a few bytes, then refuses the rest.
            await handle.write(data.subarray(0, 3));
            throw Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), { code: 'ENOSPC', errno: -28 });
          }
          throw Object.assign(new Error(`EACCES: permission denied, open '${path}'`), { code: 'EACCES', errno: -13 });
        },
      }
    : {};
  // The output folder `out/` refuses writes; the workspace root (history) and the fallback do not.
  const out = subFileSystem(nodeFileSystem(root, hooks), 'out');
  const fallback = subFileSystem(nodeFileSystem(root), 'fallback');
  const rescued: Workspace['rescued'] = [];
  return {
    root,
    downloads,
    rescued,
    saver: { save: async (file) => ({ name: `out/${await saveAtomically(out, file)}` }) },
    rescue: async (file, error) => {
      rescued.push({ file, error });
      return { name: `fallback/${await saveAtomically(fallback, file)}` };
    },
    history: new HistoryLog(nodeFileSystem(root)),
    openDocument: async (header) => {
      // The editor opens the guide as a workspace document; a refused folder refuses it too.
      const name = await saveAtomically(out, { stem: 'guide', ext: 'md', bytes: new TextEncoder().encode(header) });
      return { name, sink: { append: (text) => appendFile(out, name, new TextEncoder().encode(text)) } };
    },
  };
}

/** The client of one case: retries counted, downloads into the case's own folder. */
function caseClient(target: Simulator, c: Case, ws: Workspace, retries: RetryEvent[]): { client: DashScopeClient; close(): Promise<void> } {
  const base = new DashScopeClient({
    apiKey: target.keys.beijing,
    baseUrl: target.urls.beijing,
    poll: { durationScale: SCALE },
    retry: RETRY,
    timeouts: { headersMs: 10_000, bodyMs: 10_000, ...c.client?.timeouts },
    onRetry: (event) => retries.push(event),
  });
  const downloading = Object.create(base) as DashScopeClient;
  downloading.download = (url, options = {}) => base.download(url, { ...options, dir: ws.downloads });
  return { client: c.wrap ? c.wrap(downloading) : downloading, close: () => base.close() };
}

/** What one case produced, as the editor would record it. */
interface Outcome {
  job?: ImageJobResult<SavedFileRef>;
  guide?: GuideResult<SavedFileRef>;
  error?: unknown;
}

async function run(c: Case, client: DashScopeClient, ws: Workspace): Promise<Outcome> {
  const request = requestOf(c.call, c.request);
  // Fixed times: the history records must not depend on when the test runs.
  const started = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
  const kind: HistoryFacts['kind'] = c.call === 'stream' ? 'guide' : c.call === 'upload' ? 'translate' : 'generate';
  const sources = c.call === 'upload' ? ['poster.png'] : [];
  const record = (facts: Omit<HistoryFacts, 'kind' | 'source' | 'started' | 'finished' | 'inputs'>): Promise<void> =>
    ws.history.append(historyEntry({ ...facts, kind, source: 'palette', inputs: sources, started, finished: new Date(started.getTime() + 1500) }));
  try {
    if (c.call === 'stream') {
      const guide = await runGuide(request, { client, saver: ws.saver, rescue: ws.rescue, openDocument: ws.openDocument, started });
      // As src/commands/guide.ts records a guide.
      await record({
        model: guide.model,
        request: guide.request,
        outputs: guide.images.map((i) => ({ path: i.file.name, seed: i.seed, width: i.width, height: i.height })),
        document: guide.document.name,
        outcome: guide.outcome,
        requestId: guide.requestId,
        error: guide.error,
        produced: guide.images.length + guide.lost.length,
      });
      return { guide };
    }
    const job = await runImageJob(request, {
      client,
      saver: ws.saver,
      rescue: ws.rescue,
      sources,
      started,
      async: c.call !== 'sync',
      ...(c.waitTimeoutMs !== undefined ? { waitTimeoutMs: c.waitTimeoutMs } : {}),
    });
    // As runWorkspaceImageJob records a finished job.
    await record({
      model: job.model,
      request: job.request,
      outputs: job.images.map((i) => ({ path: i.file.name, seed: i.seed, width: i.width, height: i.height })),
      outcome: job.failures.length || job.lost.length ? 'partial' : 'succeeded',
      requestId: job.requestId,
      taskId: job.taskId,
      produced: job.produced,
    });
    return { job };
  } catch (error) {
    // As runWorkspaceImageJob records a job that was sent and failed.
    await record({
      model: request.model,
      request,
      outcome: 'failed',
      requestId: (error as { requestId?: string }).requestId,
      taskId: (error as { taskId?: string }).taskId,
      error,
    });
    return { error };
  }
}

function matches(code: string | undefined, expected: string | RegExp | undefined): boolean {
  if (expected === undefined) return true;
  return typeof expected === 'string' ? code === expected : expected.test(code ?? '');
}

/** Asserts a user-facing error: code, message, hint, and the request id when the service answered. */
function assertCleanError(error: unknown, expected: string | RegExp | undefined, label: string): void {
  assert.ok(error instanceof DashScopeError, `${label}: a DashScopeError, got ${String(error)}`);
  assert.ok(matches(error.code, expected), `${label}: code ${error.code}, expected ${String(expected)}`);
  assert.ok(error.message.length > 0, `${label}: a message`);
  assert.ok(error.hint.length > 0, `${label}: a hint (the next step)`);
  if (error.httpStatus !== undefined && error.httpStatus >= 400 && error.code !== 'ResultExpired') {
    assert.match(error.requestId ?? '', /\S/, `${label}: the service answered ${error.httpStatus}, so the error names its request id`);
  }
}

/** Every file left in the workspace: no temporary, no zero-byte file, no leftover download. */
async function assertNoDebris(ws: Workspace, label: string): Promise<string[]> {
  const files = await listFiles(ws.root);
  for (const f of files) {
    assert.ok(!isTemporaryName(f), `${label}: temporary file left: ${f}`);
    assert.ok(!/\.part$/.test(f), `${label}: partial download left: ${f}`);
    assert.ok((await stat(join(ws.root, f))).size > 0, `${label}: zero-byte file: ${f}`);
  }
  assert.deepEqual(files.filter((f) => f.startsWith('.downloads/')), [], `${label}: downloads cleaned up`);
  return files;
}

/** Whether bytes are a whole image (a truncated file does not decode its size, or is shorter than its header says). */
function isWholeImage(bytes: Uint8Array): boolean {
  const info = inspectImage(bytes);
  if (!info) return false;
  if (info.format === 'png') return isPng(bytes) && Buffer.from(bytes.subarray(-8, -4)).toString('latin1') === 'IEND';
  // JPEG: ends with the EOI marker.
  return bytes[bytes.length - 2] === 0xff && bytes[bytes.length - 1] === 0xd9;
}

/** Every saved image is a whole image on disk, where the job says it is. */
async function assertKept(ws: Workspace, images: readonly { file: SavedFileRef }[], label: string): Promise<void> {
  for (const image of images) {
    const bytes = new Uint8Array(await readFile(join(ws.root, ...image.file.name.split('/'))));
    assert.ok(isWholeImage(bytes), `${label}: ${image.file.name} is a whole image`);
  }
}

async function historyOf(ws: Workspace): Promise<HistoryEntry> {
  const { entries, badLines } = await ws.history.read();
  assert.deepEqual(badLines, []);
  assert.equal(entries.length, 1, 'one history line per job');
  return entries[0]!;
}

describe('fault matrix: every fault against every call, through the pipeline', () => {
  for (const c of CASES) {
    test(`${c.fault} × ${c.call} → ${c.expect}`, { timeout: 30_000 }, async () => {
      const label = `${c.fault} × ${c.call}`;
      const target = c.forgetful ? forgetful : c.stuck ? stuck : sim;
      const ws = await workspace(c.disk);
      const retries: RetryEvent[] = [];
      const { client, close } = caseClient(target, c, ws, retries);
      const removers = (c.faults ?? []).map((rule) => target.faults.add(rule));
      const downloadsBefore = target.assets.stats().results.downloads;
      let survived = false;
      try {
        c.prepare?.();
        const outcome = await run(c, client, ws);
        const files = await assertNoDebris(ws, label);
        const entry = await historyOf(ws);

        if (c.retries) {
          assert.ok(retries.length >= c.retries.min && retries.length <= c.retries.max, `${label}: ${retries.length} retries, expected ${c.retries.min}..${c.retries.max}`);
        }
        if (c.retryDelayMs !== undefined) assert.deepEqual(retries.map((r) => r.delayMs), retries.map(() => c.retryDelayMs), `${label}: Retry-After honoured`);
        if (c.call === 'download' && c.expect === 'ok') {
          assert.ok(target.assets.stats().results.downloads - downloadsBefore > 2, `${label}: the broken download was tried again`);
        }

        switch (c.expect) {
          case 'ok': {
            const images = outcome.job?.images ?? outcome.guide?.images;
            assert.equal(outcome.error, undefined, `${label}: no error, got ${outcome.error instanceof Error ? outcome.error.message : String(outcome.error)}`);
            assert.ok(images && images.length > 0, `${label}: images saved`);
            if (outcome.job) {
              assert.deepEqual(outcome.job.lost, [], `${label}: nothing lost`);
              assert.equal(outcome.job.images.length, outcome.job.produced, `${label}: every produced image saved`);
            }
            if (outcome.guide) {
              assert.equal(outcome.guide.outcome, 'succeeded', `${label}: the guide completed`);
              assert.deepEqual(outcome.guide.lost, [], `${label}: nothing lost`);
            }
            await assertKept(ws, images, label);
            assert.equal(entry.outcome, 'succeeded');
            assert.deepEqual(entry.outputs.map((o) => o.path), images.map((i) => i.file.name), `${label}: the history lists the saved files`);
            if (c.disk) {
              // The folder refused every file: each image went to rescue with its bytes, into the fallback folder.
              assert.ok(ws.rescued.length >= images.length, `${label}: rescue got every image`);
              for (const r of ws.rescued.filter((x) => x.file.ext !== 'json')) {
                assert.ok(isWholeImage(r.file.bytes), `${label}: rescue got the image bytes`);
                assert.equal((r.error as { code?: string }).code, c.disk, `${label}: rescue was told why`);
              }
              assert.ok(images.every((i) => i.file.name.startsWith('fallback/')), `${label}: saved in the fallback folder`);
              assert.deepEqual(files.filter((f) => f.startsWith('out/') && !f.endsWith('.md')), [], `${label}: nothing half-written in the refused folder`);
            } else {
              assert.deepEqual(ws.rescued, [], `${label}: rescue not needed`);
            }
            break;
          }
          case 'partial': {
            const job = outcome.job;
            assert.ok(job, `${label}: the job resolved, got ${String(outcome.error)}`);
            assert.ok(job.images.length >= 1 && job.images.length < 2, `${label}: one of two images saved`);
            const problems = [...job.failures.map((f) => f.code), ...job.lost.map((l) => (l.error as DashScopeError).code)];
            assert.equal(problems.length, 1, `${label}: the other one reported`);
            if (c.code) assert.ok(matches(problems[0], c.code), `${label}: reported as ${problems[0]}`);
            for (const l of job.lost) assertCleanError(l.error, c.code, label);
            await assertKept(ws, job.images, label);
            assert.equal(entry.outcome, 'partial');
            assert.equal(entry.outputs.length, job.images.length);
            assert.equal(entry.produced, job.produced);
            break;
          }
          case 'fail': {
            assert.ok(outcome.error !== undefined, `${label}: the job failed`);
            assertCleanError(outcome.error, c.code, label);
            assert.deepEqual(files.filter((f) => f.startsWith('out/')), [], `${label}: nothing written for a failed job`);
            assert.equal(entry.outcome, 'failed');
            assert.equal(entry.error?.code, (outcome.error as DashScopeError).code, `${label}: the history names the error`);
            const requestId = (outcome.error as DashScopeError).requestId;
            if (requestId) assert.equal(entry.error?.requestId, requestId);
            break;
          }
          case 'broken': {
            const guide = outcome.guide;
            assert.ok(guide, `${label}: the guide resolved with what arrived, got ${String(outcome.error)}`);
            assert.equal(guide.outcome, 'failed');
            assertCleanError(guide.error, c.code, label);
            assert.ok(guide.textLength > 0, `${label}: the text that arrived is kept`);
            const doc = await readFile(join(ws.root, 'out', guide.document.name), 'utf8');
            assert.match(doc, /stopped before the model finished/, `${label}: the document says it is incomplete`);
            await assertKept(ws, guide.images, label);
            assert.deepEqual(guide.lost, [], `${label}: every image that arrived is saved`);
            assert.equal(entry.outcome, 'failed');
            assert.equal(entry.outputs.length, guide.images.length);
            break;
          }
          case 'rescued': {
            const error = outcome.error as NodeJS.ErrnoException;
            assert.equal(error?.code, c.disk, `${label}: the guide fails with the disk's error`);
            const images = ws.rescued.filter((r) => r.file.ext === 'png');
            assert.equal(images.length, 2, `${label}: rescue got both billed images`);
            for (const r of images) assert.ok(isWholeImage(r.file.bytes), `${label}: rescue got the image bytes`);
            assert.equal(files.filter((f) => f.startsWith('fallback/') && f.endsWith('.png')).length, 2, `${label}: both saved in the fallback folder`);
            assert.deepEqual(files.filter((f) => f.startsWith('out/')), [], `${label}: nothing half-written in the refused folder`);
            assert.equal(entry.outcome, 'failed');
            assert.equal(entry.error?.code, c.disk);
            break;
          }
        }
        survived = true;
      } finally {
        for (const remove of removers) remove();
        await close();
        tally(c.fault, c.call, survived);
      }
    });
  }
});
