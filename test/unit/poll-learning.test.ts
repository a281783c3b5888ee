/**
 * The poll schedule with learned durations, on a fake clock against a scripted task endpoint:
 * history of early and late tasks moves the dense window to them (within 2 queries/s per task and
 * the model's query rate), the client records what a task took, and both stores (the extension's
 * over global state, the CLI's cache file) keep model ids and durations and nothing else.
 *
 *   node --import tsx --test test/unit/poll-learning.test.ts
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { durationCachePath, fileDurationStore, writeFileAtomically } from '../../src/cli/durationCache';
import { getModel } from '../../src/dashscope/catalog';
import { DashScopeClient, LearnedDurations, MAX_SAMPLES_PER_MODEL, durationWindow, parseDurationSnapshot, pollBounds, type DurationStore } from '../../src/dashscope/index';
import { DURATION_SIGMA } from '../../src/dashscope/tasks';
import { DURATIONS_STATE_KEY, globalStateDurations } from '../../src/host/durations';
import { JumpingClock, startTaskTimeline, type ScriptedServer } from './client-fixtures';

let endAt = 0;
let clock: JumpingClock;
let t0 = 0;
const queryTimes: number[] = [];
let server: ScriptedServer;

before(async () => {
  server = await startTaskTimeline(() => ({ clock, t0 }), (t) => (t < 300 ? 'PENDING' : t < endAt ? 'RUNNING' : 'SUCCEEDED'), queryTimes);
});
after(async () => {
  await server.close();
});

/** Waits for one task of `model` that ends `endMs` after submit, with `store` as the client's durations. */
async function measure(model: string, endMs: number, store?: DurationStore, opts: { resumed?: boolean; durationScale?: number } = {}): Promise<{ queries: number[]; latency: number }> {
  endAt = endMs;
  clock = new JumpingClock();
  t0 = clock.now();
  queryTimes.length = 0;
  const poll = { ...(store ? { durations: store } : {}), ...(opts.durationScale ? { durationScale: opts.durationScale } : {}) };
  const c = new DashScopeClient({ apiKey: 'sk-poll-test', baseUrl: `${server.url}/api/v1`, clock, poll });
  try {
    await c.waitForTask('task-1', model, opts.resumed ? {} : { submittedAt: t0 });
  } finally {
    await c.close();
  }
  return { queries: [...queryTimes], latency: queryTimes.at(-1)! - endMs };
}

const gapsOf = (times: readonly number[]): number[] => times.slice(1).map((t, i) => t - times[i]!);

/** An account whose tasks of `model` took 0.3×, 0.5×, 1×, 2× and 3× the typical duration, four times each. */
function spreadHistory(model: string): LearnedDurations {
  const T = getModel(model).typicalDurationMs;
  const store = new LearnedDurations();
  for (let round = 0; round < 4; round++) for (const f of [0.3, 0.5, 1, 2, 3]) store.record(model, f * T + (round - 1.5) * 100);
  return store;
}

describe('learned durations: the schedule', () => {
  test('with no history the window is the prior: the 6.7th to 99th percentile of σ 0.4 around the typical duration', () => {
    const w = durationWindow(15_000);
    assert.ok(Math.abs(w.startMs - 15_000 * Math.exp(-1.5 * DURATION_SIGMA)) < 15, `start ${w.startMs}`);
    assert.ok(Math.abs(w.endMs - 15_000 * Math.exp(2.33 * DURATION_SIGMA)) < 40, `end ${w.endMs}`);
    assert.ok(Math.abs(w.medianMs - 15_000) < 1);
  });

  test('history of early and late tasks stretches the window to cover them; a steady model narrows it', () => {
    const T = 15_000;
    const spread = durationWindow(T, spreadHistory('wan2.5-t2i-preview').samples('wan2.5-t2i-preview'));
    assert.ok(spread.startMs < 0.3 * T && spread.endMs > 3 * T, `window ${spread.startMs}–${spread.endMs}`);
    const steady = durationWindow(T, Array.from({ length: MAX_SAMPLES_PER_MODEL }, () => T));
    const prior = durationWindow(T);
    assert.ok(steady.startMs > prior.startMs && steady.endMs < prior.endMs, `steady ${steady.startMs}–${steady.endMs} vs prior ${prior.startMs}–${prior.endMs}`);
  });

  for (const f of [0.3, 3]) {
    test(`wan2.5-t2i-preview ending at ${f}× typical: found within the floor after learning, later without`, async () => {
      const model = 'wan2.5-t2i-preview';
      const spec = getModel(model);
      const { minIntervalMs } = pollBounds(spec);
      // Ends spread over 2 s, so that no lucky phase of either schedule decides.
      const withoutLatencies: number[] = [];
      for (const offset of [0, 500, 1000, 1500, 2000]) {
        const end = Math.round(f * spec.typicalDurationMs) + offset;
        withoutLatencies.push((await measure(model, end)).latency);
        const learned = await measure(model, end, new LearnedDurations(spreadHistory(model).snapshot()));
        assert.ok(learned.latency >= 0 && learned.latency <= minIntervalMs * 1.03 + 1, `latency ${learned.latency} ms after learning (end ${end})`);
        for (const g of gapsOf(learned.queries)) assert.ok(g >= minIntervalMs - 1, `gap ${g} < ${minIntervalMs}`);
        for (const t of learned.queries) assert.ok(learned.queries.filter((u) => u >= t && u < t + 1000).length <= 2, `more than 2 queries in the second after ${t}`);
      }
      const meanWithout = withoutLatencies.reduce((a, x) => a + x, 0) / withoutLatencies.length;
      assert.ok(meanWithout > minIntervalMs * 1.5, `mean latency ${meanWithout} ms without history (${withoutLatencies})`);
    });
  }

  test('qwen-mt-image with learned early tasks stays at its 1 query/s', async () => {
    const model = 'qwen-mt-image';
    const m = await measure(model, Math.round(0.3 * getModel(model).typicalDurationMs), new LearnedDurations(spreadHistory(model).snapshot()));
    assert.ok(m.latency <= 1000 * 1.03 + 1, `latency ${m.latency}`);
    for (const g of gapsOf(m.queries)) assert.ok(g >= 999, `gap ${g} < 1000 ms`);
  });

  test('the client records what a task took (between its last two queries), in real-service ms; a resumed task records nothing', async () => {
    const store = new LearnedDurations();
    const m = await measure('wan2.2-t2i-flash', 5_000, store);
    const [d] = store.samples('wan2.2-t2i-flash');
    const [before, last] = m.queries.slice(-2) as [number, number];
    assert.ok(d !== undefined && d >= before && d <= last, `recorded ${d}, queries ${before}, ${last}`);

    const scaled = new LearnedDurations();
    const s = await measure('wan2.2-t2i-flash', 50, scaled, { durationScale: 0.01 });
    const [ds] = scaled.samples('wan2.2-t2i-flash');
    assert.ok(ds !== undefined && ds >= s.queries.at(-2)! / 0.01 && ds <= s.queries.at(-1)! / 0.01, `scaled ${ds}`);

    const resumed = new LearnedDurations();
    await measure('wan2.2-t2i-flash', 2_000, resumed, { resumed: true });
    assert.deepEqual(resumed.samples('wan2.2-t2i-flash'), []);
  });

  test('a store that throws does not fail the wait', async () => {
    const broken: DurationStore = {
      samples: () => {
        throw new Error('unreadable');
      },
      record: () => {
        throw new Error('unwritable');
      },
    };
    const m = await measure('wan2.2-t2i-flash', 5_000, broken);
    assert.ok(m.latency <= 501, `latency ${m.latency}`);
  });
});

describe('learned durations: what is stored', () => {
  test('only model ids mapped to valid durations, the newest few', () => {
    const raw = {
      version: 1,
      apiKey: 'sk-secret',
      models: { 'wan2.5-t2i-preview': [1000, -5, 'x', Infinity, 2e9, 1500.4], 'bad id with spaces': [1000], prompt: 'a cat', 'qwen-mt-image': Array.from({ length: 100 }, (_, i) => i + 1) },
    };
    const parsed = parseDurationSnapshot(raw);
    assert.deepEqual(Object.keys(parsed), ['version', 'models']);
    assert.deepEqual(parsed.models['wan2.5-t2i-preview'], [1000, 1500]);
    assert.equal(parsed.models['bad id with spaces'], undefined);
    assert.equal(parsed.models.prompt, undefined);
    assert.equal(parsed.models['qwen-mt-image']!.length, MAX_SAMPLES_PER_MODEL);
    assert.equal(parsed.models['qwen-mt-image']!.at(-1), 100);
    for (const junk of [undefined, null, 'text', 42, [], { models: [1, 2] }, { models: 'x' }]) assert.deepEqual(parseDurationSnapshot(junk), { version: 1, models: {} });
    const store = new LearnedDurations(raw);
    store.record('sk-not-a-model id', 1000);
    store.record('wan2.5-t2i-preview', Number.NaN);
    assert.equal(JSON.stringify(store.snapshot()).includes('sk-'), false);
    assert.deepEqual(store.samples('wan2.5-t2i-preview'), [1000, 1500]);
  });

  test('the extension store reads corrupt global state as empty and writes only the snapshot', async () => {
    const updates: [string, unknown][] = [];
    const state = {
      get: <T>(key: string): T | undefined => (key === DURATIONS_STATE_KEY ? ('{not json' as T) : undefined),
      update: (key: string, value: unknown) => {
        updates.push([key, value]);
        return Promise.resolve();
      },
    };
    const errors: unknown[] = [];
    const store = globalStateDurations(state as never, (e) => errors.push(e));
    assert.deepEqual(store.samples('wan2.2-t2i-flash'), []);
    store.record('wan2.2-t2i-flash', 6100);
    assert.deepEqual(updates, [[DURATIONS_STATE_KEY, { version: 1, models: { 'wan2.2-t2i-flash': [6100] } }]]);
    const failing = globalStateDurations({ get: () => undefined, update: () => Promise.reject(new Error('disk full')) } as never, (e) => errors.push(e));
    failing.record('wan2.2-t2i-flash', 6000);
    await new Promise<void>((r) => setImmediate(r));
    assert.equal(errors.length, 1);
    assert.deepEqual(failing.samples('wan2.2-t2i-flash'), [6000]);
  });
});

describe('learned durations: the CLI cache file', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'bailian-durations-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('lives in XDG_CACHE_HOME, ~/.cache or %LOCALAPPDATA%', () => {
    assert.equal(durationCachePath({ XDG_CACHE_HOME: '/x/cache', HOME: '/home/u' }, 'linux'), join('/x/cache', 'bailian-image', 'task-durations.json'));
    assert.equal(durationCachePath({ HOME: '/home/u' }, 'linux'), join('/home/u', '.cache', 'bailian-image', 'task-durations.json'));
    assert.equal(durationCachePath({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local', HOME: '/h' }, 'win32'), join('C:\\Users\\u\\AppData\\Local', 'bailian-image', 'task-durations.json'));
  });

  test('a corrupt file reads as no history and is replaced by a valid one holding only durations', () => {
    const path = join(dir, 'corrupt', 'task-durations.json');
    mkdirSync(join(dir, 'corrupt'));
    writeFileSync(path, '{"version":1,"models":{"wan2.2-t2i-flash":[10');
    const store = fileDurationStore(path);
    assert.deepEqual(store.samples('wan2.2-t2i-flash'), []);
    store.record('wan2.2-t2i-flash', 6200);
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), { version: 1, models: { 'wan2.2-t2i-flash': [6200] } });
    assert.deepEqual(readdirSync(join(dir, 'corrupt')), ['task-durations.json']);
    assert.deepEqual(fileDurationStore(path).samples('wan2.2-t2i-flash'), [6200]);
  });

  test('two runs writing side by side both keep their samples', () => {
    const path = join(dir, 'shared', 'task-durations.json');
    const a = fileDurationStore(path);
    const b = fileDurationStore(path);
    a.record('wan2.5-t2i-preview', 14_000);
    b.record('wan2.5-t2i-preview', 16_000);
    assert.deepEqual(fileDurationStore(path).samples('wan2.5-t2i-preview'), [14_000, 16_000]);
  });

  test('a write that cannot be renamed into place leaves the target and no temporary file; the run goes on', () => {
    const folder = join(dir, 'blocked');
    const path = join(folder, 'task-durations.json');
    // A non-empty folder where the file should be: the rename fails.
    mkdirSync(join(path, 'inside'), { recursive: true });
    assert.throws(() => writeFileAtomically(path, '{}'));
    assert.deepEqual(readdirSync(folder), ['task-durations.json']);
    assert.ok(existsSync(join(path, 'inside')));
    const errors: unknown[] = [];
    const store = fileDurationStore(path, (e) => errors.push(e));
    store.record('wan2.2-t2i-flash', 6000);
    assert.equal(errors.length, 1);
    assert.deepEqual(store.samples('wan2.2-t2i-flash'), [6000]);
    assert.deepEqual(readdirSync(folder), ['task-durations.json']);
  });
});
