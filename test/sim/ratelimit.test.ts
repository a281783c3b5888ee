/**
 * Rate limits (API §8, NEW §4; the model table's rateLimits): submit/sync requests per window,
 * concurrent tasks / in-flight calls, task queries 20/s per account and 1/s for qwen-mt-image
 * tasks, all → 429 Throttling.RateQuota; the switch to turn them off.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findSimModel } from './models.js';
import type { Simulator } from './index.js';
import { I2I, SYNC, T2I, api, assertError, asyncHeaders, msgBody, png, start } from './helpers.js';

let sim: Simulator;
let img: string;
before(async () => {
  sim = await start({ rateLimits: true, timing: { pendingMs: 60_000 } });
  img = sim.assets.putStatic('rl.png', png(64, 64), 'image/png');
});
after(() => sim.stop());

const RATE = 'Requests rate limit exceeded, please try again later.';
const mtBody = { model: 'qwen-mt-image', input: { image_url: '', source_lang: 'zh', target_lang: 'en' } };
const mt = (key?: string) => api(sim, I2I, { body: { ...mtBody, input: { ...mtBody.input, image_url: img } }, headers: asyncHeaders, key });

/** Retries until the answer is not 429 (at most `ms`); returns the answer and how long it took. */
async function until200(fn: () => Promise<{ status: number }>, ms = 3000): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const r = await fn();
    if (r.status !== 429) {
      assert.equal(r.status, 200);
      return Date.now() - t0;
    }
    if (Date.now() - t0 > ms) throw new Error('still throttled');
    await new Promise((res) => setTimeout(res, 20));
  }
}

const limits = (model: string) => findSimModel(model)!.rateLimits;

describe('qwen-mt-image: 1 submit per second, 2 concurrent tasks (API §8)', () => {
  it('the table carries the documented numbers', () => {
    const rl = limits('qwen-mt-image');
    assert.deepEqual([rl.requests, rl.windowMs, rl.asyncConcurrent, rl.queryPerSecond, rl.assumed], [1, 1000, 2, 1, false]);
  });

  it('a second submit within a second → 429; a third task while two are PENDING → 429 until one ends', async () => {
    const a = await mt();
    assert.equal(a.status, 200, a.text);
    assertError(await mt(), 429, 'Throttling.RateQuota', RATE);
    const waited = await until200(() => mt());
    assert.ok(waited >= 700, `rps window: waited ${waited} ms`);
    // Two tasks PENDING now: even after the 1 s window, the third is refused for concurrency.
    await new Promise((res) => setTimeout(res, 1050));
    assertError(await mt(), 429, 'Throttling.RateQuota', RATE);
    // Cancelling one frees a slot immediately (the refused attempt did not use the rps budget).
    const c = await api(sim, `/tasks/${a.json.output.task_id}/cancel`, { method: 'POST' });
    assert.equal(c.status, 200);
    assert.equal((await mt()).status, 200);
  });

  it('limits are per account: another key is not throttled', async () => {
    assert.equal((await mt('sk-sim-beijing-0002')).status, 200);
  });
});

describe('sync models', () => {
  it('z-image-turbo: more than 2 calls in a second → 429 (NEW §4 RL: 2 RPS)', async () => {
    const rps = limits('z-image-turbo').requests;
    assert.equal(rps, 2);
    const body = msgBody('z-image-turbo', 'x', [], { size: '512*512' });
    for (let i = 0; i < rps; i++) assert.equal((await api(sim, SYNC, { body })).status, 200);
    assertError(await api(sim, SYNC, { body }), 429, 'Throttling.RateQuota', RATE);
  });

  it('more calls in flight than the assumed `syncConcurrent` → 429 (wan2.6-t2i, unpublished)', async () => {
    const s = await start({ rateLimits: true, timing: { scale: 0.05 } });
    try {
      const limit = limits('wan2.6-t2i').syncConcurrent!;
      const body = msgBody('wan2.6-t2i', 'x', [], { size: '1280*1280', n: 1 });
      const results = await Promise.all(Array.from({ length: limit + 1 }, () => api(s, SYNC, { body })));
      const statuses = results.map((r) => r.status).sort();
      assert.deepEqual(statuses, [...Array(limit).fill(200), 429]);
    } finally {
      await s.stop();
    }
  });
});

describe('2 per minute models (NEW §4 RL: qwen-image-max, qwen-image-edit-max)', () => {
  it('qwen-image-max: the third call within a minute → 429; another key still passes', async () => {
    const s = await start({ rateLimits: true });
    try {
      const body = msgBody('qwen-image-max', 'x');
      for (let i = 0; i < 2; i++) assert.equal((await api(s, SYNC, { body })).status, 200);
      assertError(await api(s, SYNC, { body }), 429, 'Throttling.RateQuota', RATE);
      assert.equal((await api(s, SYNC, { body, key: 'sk-sim-beijing-0002' })).status, 200);
    } finally {
      await s.stop();
    }
  });

  it('qwen-image-edit-max: 2 per minute; sync calls have no concurrency limit ("sync unlimited")', async () => {
    const rl = limits('qwen-image-edit-max');
    assert.deepEqual([rl.requests, rl.windowMs, rl.syncConcurrent], [2, 60_000, null]);
    const s = await start({ rateLimits: true, timing: { scale: 0.05 } });
    try {
      const image = s.assets.putStatic('e.png', png(512, 512), 'image/png');
      const body = msgBody('qwen-image-edit-max', 'x', [image]);
      // Two at once both pass (no in-flight limit), the third in the minute is refused.
      const both = await Promise.all([api(s, SYNC, { body }), api(s, SYNC, { body })]);
      assert.deepEqual(both.map((r) => r.status), [200, 200]);
      assertError(await api(s, SYNC, { body }), 429, 'Throttling.RateQuota', RATE);
    } finally {
      await s.stop();
    }
  });
});

describe('qwen-mt-image task queries: 1 per second (API §5.1, §8)', () => {
  it('a second query of an mt task within a second → 429 Throttling.RateQuota; a wan task is not limited so', async () => {
    const s = await start({ rateLimits: true, timing: { pendingMs: 60_000 } });
    try {
      const image = s.assets.putStatic('q.png', png(64, 64), 'image/png');
      const sub = await api(s, I2I, { body: { ...mtBody, input: { ...mtBody.input, image_url: image } }, headers: asyncHeaders });
      assert.equal(sub.status, 200, sub.text);
      const id = sub.json.output.task_id as string;
      assert.equal((await api(s, `/tasks/${id}`)).status, 200);
      const second = await api(s, `/tasks/${id}`);
      assertError(second, 429, 'Throttling.RateQuota', RATE);
      // The window is per account: another account's query passes (and sees UNKNOWN: not its task).
      const other = await api(s, `/tasks/${id}`, { key: 'sk-sim-beijing-0002' });
      assert.equal(other.json.output.task_status, 'UNKNOWN');
      // It opens again after the second has passed.
      const waited = await until200(() => api(s, `/tasks/${id}`));
      assert.ok(waited >= 700, `query window: waited ${waited} ms`);

      // (Another key: the retries above used up this account's 20 queries of the second.)
      const key = 'sk-sim-beijing-0002';
      const wan = await api(s, T2I, { body: { model: 'wan2.2-t2i-flash', input: { prompt: 'x' }, parameters: { size: '512*512', n: 1 } }, headers: asyncHeaders, key });
      const wanId = wan.json.output.task_id as string;
      const queries = await Promise.all(Array.from({ length: 5 }, () => api(s, `/tasks/${wanId}`, { key })));
      assert.deepEqual(queries.map((r) => r.status), [200, 200, 200, 200, 200]);
    } finally {
      await s.stop();
    }
  });
});

describe('task queries: 20 per second per account', () => {
  it('the 21st query within a second → 429', async () => {
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => api(sim, '/tasks/q-' + i, { key: 'sk-sim-singapore-0001', region: 'singapore' })));
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((s) => s === 200).length, 20, String(statuses));
    assert.equal(statuses.filter((s) => s === 429).length, 4, String(statuses));
    for (const r of results.filter((x) => x.status === 429)) assertError(r, 429, 'Throttling.RateQuota', RATE);
  });
});

describe('switching rate limits off', () => {
  it('rateLimits:false (and setRateLimits) disables every limit', async () => {
    const s = await start({ rateLimits: false, timing: { pendingMs: 60_000 } });
    try {
      const body = { model: 'wan2.2-t2i-flash', input: { prompt: 'x' }, parameters: { size: '512*512', n: 1 } };
      for (let i = 0; i < 6; i++) assert.equal((await api(s, T2I, { body, headers: asyncHeaders })).status, 200);
      s.setRateLimits(true);
      assertError(await api(s, T2I, { body, headers: asyncHeaders }), 429, 'Throttling.RateQuota', RATE);
    } finally {
      await s.stop();
    }
  });
});
