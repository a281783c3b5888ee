/**
 * Rate limits (reference §8, catalog rateLimits): submit/sync requests per second, concurrent
 * tasks / in-flight calls, task queries 20/s per account, all → 429 Throttling.RateQuota; the
 * switch to turn them off.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getModel } from '../../src/dashscope/catalog.js';
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

describe('qwen-mt-image: 1 submit per second, 2 concurrent tasks (catalog)', () => {
  it('reads its numbers from the catalog', () => {
    const rl = getModel('qwen-mt-image').rateLimits;
    assert.equal(rl.requestsPerSecond, 1);
    assert.equal(rl.concurrent, 2);
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

describe('sync models (assumed catalog limits)', () => {
  it('z-image-turbo: more than requestsPerSecond calls in a second → 429', async () => {
    const rps = getModel('z-image-turbo').rateLimits.requestsPerSecond;
    const body = msgBody('z-image-turbo', 'x', [], { size: '512*512' });
    for (let i = 0; i < rps; i++) assert.equal((await api(sim, SYNC, { body })).status, 200);
    assertError(await api(sim, SYNC, { body }), 429, 'Throttling.RateQuota', RATE);
  });

  it('more calls in flight than `concurrent` → 429', async () => {
    const s = await start({ rateLimits: true, timing: { scale: 0.05 } });
    try {
      const limit = getModel('wan2.6-t2i').rateLimits.concurrent;
      const body = msgBody('wan2.6-t2i', 'x', [], { size: '1280*1280', n: 1 });
      const results = await Promise.all(Array.from({ length: limit + 1 }, () => api(s, SYNC, { body })));
      const statuses = results.map((r) => r.status).sort();
      assert.deepEqual(statuses, [...Array(limit).fill(200), 429]);
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
