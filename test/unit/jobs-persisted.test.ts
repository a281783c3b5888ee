/**
 * The persisted record of submitted async tasks: round-trip, credentials never stored, unreadable
 * state reported and moved aside (never thrown), and planResume's 24 h rule.
 *
 *   node --import tsx --test test/unit/jobs-persisted.test.ts
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RESULT_RETENTION_MS } from '../../src/dashscope/catalog';
import {
  PERSISTED_TASKS_VERSION,
  PersistedTaskStore,
  planResume,
  stripCredentials,
  type NewPersistedTask,
  type PersistedTask,
  type StateFile,
  type StoreProblem,
} from '../../src/jobs/persisted';

/** A StateFile in memory that keeps what was moved aside. */
class MemoryFile implements StateFile {
  aside: Array<{ text: string; reason: string }> = [];
  writes = 0;
  constructor(public text: string | undefined = undefined) {}
  async read(): Promise<string | undefined> {
    return this.text;
  }
  async write(text: string): Promise<void> {
    this.writes++;
    this.text = text;
  }
  async moveAside(text: string, reason: string): Promise<void> {
    this.aside.push({ text, reason });
  }
}

const KEY = 'sk-test-not-a-key-0123456789abcdef';

function task(id: string, submittedAt = 1_700_000_000_000): NewPersistedTask {
  return {
    taskId: id,
    modelId: 'wan2.2-t2i-flash',
    region: 'beijing',
    request: { model: 'wan2.2-t2i-flash', input: { prompt: 'a red fox' }, parameters: { size: '1024*1024', n: 1 } },
    destination: { kind: 'folder', uri: 'file:///work/images', template: '{date}-{prompt}' },
    submittedAt,
    label: 'a red fox',
  };
}

function store(file: MemoryFile): { store: PersistedTaskStore; problems: StoreProblem[] } {
  const problems: StoreProblem[] = [];
  return { store: new PersistedTaskStore(file, { onProblem: (p) => problems.push(p) }), problems };
}

describe('persisted task store', () => {
  test('add, update, remove and list round-trip through the text, with a version field', async () => {
    const file = new MemoryFile();
    const { store: s, problems } = store(file);
    assert.deepEqual(await s.list(), []);
    await s.add(task('t-1'));
    await s.add({ ...task('t-2'), region: undefined, baseUrl: 'http://127.0.0.1:8080/api/v1' });
    const parsed = JSON.parse(file.text!) as { version: number; tasks: PersistedTask[] };
    assert.equal(parsed.version, PERSISTED_TASKS_VERSION);
    assert.deepEqual(
      parsed.tasks.map((t) => t.taskId),
      ['t-1', 't-2'],
    );
    // A fresh store over the same text sees the same records.
    const again = new PersistedTaskStore(file);
    const listed = await again.list();
    assert.deepEqual(listed[0], task('t-1'));
    assert.equal(listed[1]!.baseUrl, 'http://127.0.0.1:8080/api/v1');

    const updated = await again.update('t-1', { destination: { kind: 'folder', uri: 'file:///elsewhere' } });
    assert.deepEqual(updated?.destination, { kind: 'folder', uri: 'file:///elsewhere' });
    assert.equal(await again.update('t-404', { label: 'x' }), undefined);
    assert.equal(await again.remove('t-2'), true);
    assert.equal(await again.remove('t-2'), false);
    assert.deepEqual(
      (await s.list()).map((t) => [t.taskId, t.destination.uri]),
      [['t-1', 'file:///elsewhere']],
    );
    // Adding the same task id again replaces it.
    await s.add({ ...task('t-1'), label: 'renamed' });
    assert.deepEqual(
      (await s.list()).map((t) => t.label),
      ['renamed'],
    );
    assert.deepEqual(problems, []);
  });

  test('concurrent operations are serialized: none is lost', async () => {
    const file = new MemoryFile();
    const { store: s } = store(file);
    await Promise.all(Array.from({ length: 10 }, (_, i) => s.add(task(`t-${i}`))));
    await Promise.all([s.remove('t-3'), s.add(task('t-10')), s.remove('t-7')]);
    assert.deepEqual(
      (await s.list()).map((t) => t.taskId),
      ['t-0', 't-1', 't-2', 't-4', 't-5', 't-6', 't-8', 't-9', 't-10'],
    );
  });

  test('the API key never reaches the stored text: credential fields stripped, key-like values redacted, and reported', async () => {
    const file = new MemoryFile();
    const { store: s, problems } = store(file);
    const saved = await s.add({
      ...task('t-key'),
      request: {
        model: 'wan2.2-t2i-flash',
        apiKey: KEY,
        headers: { Authorization: `Bearer ${KEY}`, 'X-DashScope-Async': 'enable' },
        input: { prompt: `oops ${KEY}` },
        parameters: { api_key: KEY, n: 1 },
      },
      destination: { uri: 'file:///x', token: 'abc' },
    });
    assert.ok(!file.text!.includes(KEY), 'key in the stored text');
    assert.ok(!/authorization|api_?key|"token"/i.test(file.text!));
    assert.deepEqual(saved.request, { model: 'wan2.2-t2i-flash', headers: { 'X-DashScope-Async': 'enable' }, input: { prompt: 'oops ***' }, parameters: { n: 1 } });
    assert.deepEqual(saved.destination, { uri: 'file:///x' });
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.kind, 'credential-stripped');
    assert.ok(!problems[0]!.message.includes(KEY));
    for (const path of ['request.apiKey', 'request.headers.Authorization', 'request.input.prompt', 'request.parameters.api_key', 'destination.token']) {
      assert.ok(problems[0]!.message.includes(path), `${path} not reported`);
    }
    assert.deepEqual(stripCredentials({ prompt: 'a desk-lamp and a task-id' }).stripped, []);
  });

  test('a hand-edited file with a key is cleaned on read, and the aside copy of unreadable text is redacted too', async () => {
    const withKey = new MemoryFile(JSON.stringify({ version: 1, tasks: [{ ...task('t-1'), request: { model: 'm', apiKey: KEY } }] }));
    const a = store(withKey);
    assert.deepEqual((await a.store.list())[0]!.request, { model: 'm' });
    assert.ok(!withKey.text!.includes(KEY));
    assert.equal(a.problems[0]!.kind, 'credential-stripped');

    const broken = new MemoryFile(`{"version": 1, "tasks": [ {"apiKey": "${KEY}", `);
    const b = store(broken);
    assert.deepEqual(await b.store.list(), []);
    assert.equal(broken.aside.length, 1);
    assert.ok(!broken.aside[0]!.text.includes(KEY));
  });

  for (const [name, text, reason] of [
    ['not JSON', '{"version": 1, "tasks": [', /not JSON/],
    ['an old format without version', JSON.stringify({ tasks: { 't-1': 'PENDING' } }), /no version/],
    ['an unknown version', JSON.stringify({ version: 99, tasks: [] }), /unknown version 99/],
    ['a JSON array', '[]', /no version/],
  ] as const) {
    test(`unreadable state (${name}) is reported and moved aside, never thrown; the store works on`, async () => {
      const file = new MemoryFile(text);
      const { store: s, problems } = store(file);
      assert.deepEqual(await s.list(), []);
      assert.equal(file.aside.length, 1);
      assert.equal(file.aside[0]!.text, text);
      assert.match(file.aside[0]!.reason, reason);
      assert.equal(problems.length, 1);
      assert.equal(problems[0]!.kind, 'unreadable');
      // Replaced by a valid empty state: the next read does not move anything aside again.
      await s.add(task('t-new'));
      assert.deepEqual(
        (await s.list()).map((t) => t.taskId),
        ['t-new'],
      );
      assert.equal(file.aside.length, 1);
    });
  }

  test('one hand-edited record is dropped and reported; the others are kept', async () => {
    const good = { ...task('t-good') };
    const text = JSON.stringify({ version: 1, tasks: [good, { taskId: 't-bad', modelId: 'x', request: 'not an object', destination: {}, submittedAt: 1, region: 'beijing' }, { nothing: true }] });
    const file = new MemoryFile(text);
    const { store: s, problems } = store(file);
    assert.deepEqual(
      (await s.list()).map((t) => t.taskId),
      ['t-good'],
    );
    assert.deepEqual(
      problems.map((p) => [p.kind, p.taskId]),
      [
        ['invalid-record', 't-bad'],
        ['invalid-record', undefined],
        ['unreadable', undefined],
      ],
    );
    assert.equal(file.aside.length, 1);
    assert.equal(file.aside[0]!.text, text);
    assert.deepEqual(
      (JSON.parse(file.text!) as { tasks: PersistedTask[] }).tasks.map((t) => t.taskId),
      ['t-good'],
    );
  });

  test('a record needs a region or a base URL, and JSON objects for request and destination (a caller bug throws)', async () => {
    const { store: s } = store(new MemoryFile());
    await assert.rejects(s.add({ ...task('t-1'), region: undefined }), /region or a baseUrl/);
    await assert.rejects(s.add({ ...task('t-2'), request: 'prompt' }), /JSON objects/);
    await assert.rejects(s.add({ ...task('t-3'), destination: [1, 2] }), /JSON objects/);
    assert.deepEqual(await s.list(), []);
  });

  test('a write that fails is the caller’s error (not swallowed)', async () => {
    const file = new MemoryFile();
    file.write = async () => {
      throw new Error('disk full');
    };
    await assert.rejects(new PersistedTaskStore(file).add(task('t-1')), /disk full/);
  });
});

describe('planResume', () => {
  test('splits by the 24 h retention, oldest first; exactly 24 h old is expired', () => {
    const now = 1_800_000_000_000;
    const rec = (id: string, ageMs: number): PersistedTask => ({ ...(task(id, now - ageMs) as PersistedTask) });
    const records = [rec('fresh', 1000), rec('edge-in', RESULT_RETENTION_MS - 1), rec('edge-out', RESULT_RETENTION_MS), rec('old', 3 * RESULT_RETENTION_MS), rec('future', -5000)];
    const plan = planResume(records, now);
    assert.deepEqual(
      plan.resumable.map((r) => r.taskId),
      ['edge-in', 'fresh', 'future'],
    );
    assert.deepEqual(
      plan.expired.map((r) => r.taskId),
      ['old', 'edge-out'],
    );
    assert.equal(RESULT_RETENTION_MS, 24 * 3600_000);
    assert.deepEqual(planResume([], now), { resumable: [], expired: [] });
  });
});
