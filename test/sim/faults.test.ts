/**
 * Fault injection knobs: delay, 500/503, 429 with and without Retry-After, resets
 * before headers / mid-body / mid-stream, malformed JSON, task FAILED (whole and partial),
 * slow result downloads; matching by model / path / method and `times`.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { FakeClock, type Simulator } from './index.js';
import { IMGGEN, SYNC, T2I, api, assertError, asyncHeaders, msgBody, parseSse, pollTask, rawRequest, sseHeaders, start } from './calls.js';

let sim: Simulator;
before(async () => {
  sim = await start({ timing: { streamEventMs: 1 } });
});
after(() => sim.stop());
afterEach(() => sim.faults.clear());

const zBody = msgBody('z-image-turbo', 'fault', [], { size: '512*512' });
const t2iBody = (n = 1) => ({ model: 'wan2.2-t2i-flash', input: { prompt: 'fault' }, parameters: { size: '512*512', n } });
const interleave = msgBody('wan2.6-image', 'story', [], { enable_interleave: true, stream: true, size: '768*768', max_images: 2 });
const headersFor = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${sim.keys.beijing}`, 'content-type': 'application/json', ...extra });

describe('response faults', () => {
  it('delay: the matching request waits `ms` of the simulator\'s clock', async () => {
    const clock = new FakeClock({ autoAdvance: true });
    const s = await start({ clock });
    try {
      s.faults.add({ kind: 'delay', ms: 400, path: '/tasks/delayed', times: 1 });
      let t = clock.now();
      const delayed = await api(s, '/tasks/delayed');
      assert.equal(delayed.status, 200);
      assert.equal(clock.now() - t, 400, 'delayed');
      assert.equal(delayed.headers.get('req-cost-time'), '400', 'the service-side time includes the delay');
      t = clock.now();
      const prompt = await api(s, '/tasks/delayed');
      assert.equal(prompt.status, 200);
      assert.equal(clock.now() - t, 0, 'times: 1 used up');
      assert.equal(prompt.headers.get('req-cost-time'), '0');
      assert.deepEqual(clock.delays, [400]);
    } finally {
      await s.stop();
    }
  });

  it('status 500 → InternalError envelope; 503 → ModelUnavailable; custom code/message', async () => {
    sim.faults.add({ kind: 'status', status: 500, times: 1 });
    assertError(await api(sim, SYNC, { body: zBody }), 500, 'InternalError', 'An internal error has occured, please try again later or contact service support.');
    sim.faults.add({ kind: 'status', status: 503, times: 1 });
    assertError(await api(sim, SYNC, { body: zBody }), 503, 'ModelUnavailable', 'Model is unavailable, please try again later.');
    sim.faults.add({ kind: 'status', status: 503, code: 'ModelServingError', message: 'Too many requests. Your requests are being throttled due to system capacity limits.', times: 1 });
    assertError(await api(sim, SYNC, { body: zBody }), 503, 'ModelServingError', /system capacity/);
    assert.equal((await api(sim, SYNC, { body: zBody })).status, 200);
  });

  it('throttle: 429 Throttling.RateQuota without and with Retry-After', async () => {
    sim.faults.add({ kind: 'throttle', times: 1 });
    const a = await api(sim, SYNC, { body: zBody });
    assertError(a, 429, 'Throttling.RateQuota', 'Requests rate limit exceeded, please try again later.');
    assert.equal(a.headers.get('retry-after'), null);
    sim.faults.add({ kind: 'throttle', retryAfter: 7, times: 1 });
    const b = await api(sim, SYNC, { body: zBody });
    assertError(b, 429, 'Throttling.RateQuota');
    assert.equal(b.headers.get('retry-after'), '7');
  });

  it('resetBeforeHeaders: the connection closes with no response', async () => {
    sim.faults.add({ kind: 'resetBeforeHeaders', times: 1 });
    const r = await rawRequest(sim.urls.beijing + SYNC, { method: 'POST', headers: headersFor(), body: JSON.stringify(zBody) });
    assert.equal(r.status, undefined);
    assert.ok(r.error, 'socket error');
    sim.faults.add({ kind: 'resetBeforeHeaders', times: 1 });
    await assert.rejects(fetch(sim.urls.beijing + '/tasks/x', { headers: headersFor() }), 'fetch rejects');
  });

  it('resetMidBody: status and headers arrive, then the body is cut short', async () => {
    sim.faults.add({ kind: 'resetMidBody', path: SYNC, times: 1 });
    const r = await rawRequest(sim.urls.beijing + SYNC, { method: 'POST', headers: headersFor(), body: JSON.stringify(zBody) });
    assert.equal(r.status, 200);
    assert.equal(r.completed, false);
    assert.ok(r.body.length > 0 && r.body.length < Number(r.headers!['content-length']));
    await assert.rejects(async () => {
      sim.faults.add({ kind: 'resetMidBody', path: SYNC, times: 1 });
      const res = await fetch(sim.urls.beijing + SYNC, { method: 'POST', headers: headersFor(), body: JSON.stringify(zBody) });
      await res.json();
    });
  });

  it('resetMidStream: an SSE stream is cut after N events', async () => {
    sim.faults.add({ kind: 'resetMidStream', afterEvents: 3, times: 1 });
    const r = await rawRequest(sim.urls.beijing + SYNC, { method: 'POST', headers: headersFor(sseHeaders), body: JSON.stringify(interleave) });
    assert.equal(r.status, 200);
    assert.equal(r.completed, false);
    const events = parseSse(r.body.toString('utf8'));
    assert.equal(events.length, 3);
    assert.ok(events.every((e) => JSON.parse(e.data).output.finished === false));
  });

  it('malformedJson: HTTP 200 with an unparseable body (and an unparseable first SSE data line)', async () => {
    sim.faults.add({ kind: 'malformedJson', path: SYNC, times: 2 });
    const r = await api(sim, SYNC, { body: zBody });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json');
    assert.throws(() => JSON.parse(r.text));
    const res = await fetch(sim.urls.beijing + SYNC, { method: 'POST', headers: headersFor(sseHeaders), body: JSON.stringify(interleave) });
    const events = parseSse(await res.text());
    assert.throws(() => JSON.parse(events[0].data));
    assert.doesNotThrow(() => JSON.parse(events[1].data));
  });
});

describe('task faults', () => {
  it('taskFail: the task ends FAILED with the code/message, timestamps and task_metrics', async () => {
    sim.faults.add({ kind: 'taskFail', code: 'DataInspectionFailed', message: 'Output data may contain inappropriate content.', model: 'wan2.2-t2i-flash', times: 1 });
    const r = await api(sim, T2I, { body: t2iBody(3), headers: asyncHeaders });
    const seen = await pollTask(sim, r.json.output.task_id);
    const o = seen.at(-1).output;
    assert.equal(o.task_status, 'FAILED');
    assert.equal(o.code, 'DataInspectionFailed');
    assert.equal(o.message, 'Output data may contain inappropriate content.');
    assert.deepEqual(o.task_metrics, { TOTAL: 3, SUCCEEDED: 0, FAILED: 3 });
    assert.ok(o.submit_time && o.scheduled_time && o.end_time);
    assert.equal(seen.at(-1).usage, undefined);
    assert.ok(seen.some((b) => b.output.task_status === 'RUNNING'), 'it ran first');
  });

  it('taskFail defaults to InternalError; image-generation tasks fail too', async () => {
    sim.faults.add({ kind: 'taskFail', path: IMGGEN, times: 1 });
    const r = await api(sim, IMGGEN, { body: msgBody('wan2.6-t2i', 'x', [], { n: 1, size: '1280*1280' }), headers: asyncHeaders });
    const o = (await pollTask(sim, r.json.output.task_id)).at(-1).output;
    assert.equal(o.task_status, 'FAILED');
    assert.equal(o.code, 'InternalError');
    assert.equal(o.choices, undefined);
  });

  it('taskFail with failedImages < n: SUCCEEDED with failed entries (partial failure, §5.3)', async () => {
    sim.faults.add({ kind: 'taskFail', failedImages: 1, times: 1 });
    const r = await api(sim, T2I, { body: t2iBody(3), headers: asyncHeaders });
    const b = (await pollTask(sim, r.json.output.task_id)).at(-1);
    assert.equal(b.output.task_status, 'SUCCEEDED');
    assert.deepEqual(b.output.task_metrics, { TOTAL: 3, SUCCEEDED: 2, FAILED: 1 });
    assert.deepEqual(b.usage, { image_count: 2 });
    assert.equal(b.output.results.filter((x: { url?: string }) => x.url).length, 2);
    assert.deepEqual(b.output.results[2], { code: 'InternalError.Timeout', message: 'An internal timeout error has occurred during execution, please try again later or contact service support.' });
  });

  it('taskFail only applies to submits (a GET does not consume it)', async () => {
    sim.faults.add({ kind: 'taskFail', times: 1 });
    await api(sim, '/tasks/whatever');
    const r = await api(sim, T2I, { body: t2iBody(), headers: asyncHeaders });
    assert.equal((await pollTask(sim, r.json.output.task_id)).at(-1).output.task_status, 'FAILED');
  });
});

describe('slow result downloads', () => {
  it('slowDownload throttles the result host while the rule is active', async () => {
    const clock = new FakeClock({ autoAdvance: true });
    const s = await start({ clock });
    try {
      const r = await api(s, SYNC, { body: zBody });
      const url = r.json.output.choices[0].message.content[0].image;
      const timed = async (): Promise<{ bytes: Buffer; ms: number }> => {
        const t = clock.now();
        const bytes = Buffer.from(await (await fetch(url)).arrayBuffer());
        return { bytes, ms: clock.now() - t };
      };
      const fast = await timed();
      assert.equal(fast.ms, 0, 'full speed: no waiting at all');
      // 20 000 B/s: 1000 bytes at once, then 1000 more every 50 ms.
      const remove = s.faults.add({ kind: 'slowDownload', bytesPerSecond: 20_000 });
      const slow = await timed();
      assert.ok(slow.bytes.equals(fast.bytes));
      assert.equal(slow.ms, (Math.ceil(fast.bytes.length / 1000) - 1) * 50, `${fast.bytes.length} bytes at 20 000 B/s`);
      remove();
      assert.equal((await timed()).ms, 0, 'full speed again');
    } finally {
      await s.stop();
    }
  });
});

describe('matching', () => {
  it('by model: a rule for one model leaves others alone', async () => {
    sim.faults.add({ kind: 'status', status: 500, model: 'qwen-image-max' });
    assert.equal((await api(sim, SYNC, { body: zBody })).status, 200);
    assert.equal((await api(sim, SYNC, { body: msgBody('qwen-image-max', 'x') })).status, 500);
  });

  it('by method and path RegExp; task queries match by the task model', async () => {
    const r = await api(sim, T2I, { body: t2iBody(), headers: asyncHeaders });
    const id = r.json.output.task_id;
    sim.faults.add({ kind: 'status', status: 503, method: 'GET', path: /^\/api\/v1\/tasks\//, model: 'wan2.2-t2i-flash', times: 2 });
    assert.equal((await api(sim, `/tasks/${id}`)).status, 503);
    assert.equal((await api(sim, '/tasks/other-id')).status, 200, 'unknown task: no model, no match');
    assert.equal((await api(sim, `/tasks/${id}`)).status, 503);
    assert.equal((await api(sim, `/tasks/${id}`)).status, 200, 'times: 2 used up');
  });

  it('times counts exactly; the remover and clear() end a rule', async () => {
    sim.faults.add({ kind: 'status', status: 500, path: SYNC, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await api(sim, SYNC, { body: zBody })).status);
    assert.deepEqual(statuses, [500, 500, 200]);
    const remove = sim.faults.add({ kind: 'status', status: 500 });
    assert.equal((await api(sim, SYNC, { body: zBody })).status, 500);
    remove();
    assert.equal((await api(sim, SYNC, { body: zBody })).status, 200);
    sim.faults.add({ kind: 'status', status: 500 });
    sim.faults.clear();
    assert.equal((await api(sim, SYNC, { body: zBody })).status, 200);
  });

  it('rules can be given to startSimulator', async () => {
    const s = await start({ faults: [{ kind: 'status', status: 503, path: SYNC, times: 1 }] });
    try {
      assertError(await api(s, SYNC, { body: zBody }), 503, 'ModelUnavailable');
      assert.equal((await api(s, SYNC, { body: zBody })).status, 200);
    } finally {
      await s.stop();
    }
  });
});
