/**
 * Rate limits (API §8, NEW §4; the model table's rateLimits): submit/sync requests per window,
 * concurrent tasks / in-flight calls, task queries 20/s per account and 1/s for qwen-mt-image
 * tasks, all → 429 Throttling.RateQuota; the switch to turn them off. Windows are counted on a
 * fake clock each test moves by hand, so no test waits for one to pass.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findSimModel } from './models.js';
import type { Simulator, SimulatorOptions } from './index.js';
import { I2I, SYNC, T2I, api, assertError, asyncHeaders, msgBody, png, start } from './calls.js';

const RATE = 'Requests rate limit exceeded, please try again later.';
const mtBody = { model: 'qwen-mt-image', input: { image_url: '', source_lang: 'zh', target_lang: 'en' } };

/** A clock that stands still until the test moves it. */
function fakeClock(): { now(): number; advance(ms: number): void } {
  let t = 1_000_000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

/** A simulator with rate limits on, counted on a fresh fake clock. */
async function limited(opts: SimulatorOptions = {}): Promise<{ s: Simulator; clock: ReturnType<typeof fakeClock> }> {
  const clock = fakeClock();
  const s = await start({ rateLimits: true, rateLimitClock: clock, ...opts });
  return { s, clock };
}

const limits = (model: string) => findSimModel(model)!.rateLimits;

describe('qwen-mt-image: 1 submit per second, 2 concurrent tasks (API §8)', () => {
  it('the table carries the documented numbers', () => {
    const rl = limits('qwen-mt-image');
    assert.deepEqual([rl.requests, rl.windowMs, rl.asyncConcurrent, rl.queryPerSecond, rl.assumed], [1, 1000, 2, 1, false]);
  });

  it('a second submit within a second → 429; a third task while two are PENDING → 429 until one ends', async () => {
    const { s, clock } = await limited({ timing: { pendingMs: 60_000 } });
    try {
      const img = s.assets.putStatic('rl.png', png(64, 64), 'image/png');
      const mt = () => api(s, I2I, { body: { ...mtBody, input: { ...mtBody.input, image_url: img } }, headers: asyncHeaders });
      const a = await mt();
      assert.equal(a.status, 200, a.text);
      assertError(await mt(), 429, 'Throttling.RateQuota', RATE);
      clock.advance(999);
      assertError(await mt(), 429, 'Throttling.RateQuota', RATE);
      clock.advance(1);
      assert.equal((await mt()).status, 200, 'the window reopens one second after the first submit');
      // Two tasks PENDING now: even after the 1 s window, the third is refused for concurrency.
      clock.advance(1000);
      assertError(await mt(), 429, 'Throttling.RateQuota', RATE);
      // Cancelling one frees a slot immediately (the refused attempt did not use the rps budget).
      const c = await api(s, `/tasks/${a.json.output.task_id}/cancel`, { method: 'POST' });
      assert.equal(c.status, 200);
      assert.equal((await mt()).status, 200);
      // Limits are per account: another key is not throttled.
      const other = await api(s, I2I, { body: { ...mtBody, input: { ...mtBody.input, image_url: img } }, headers: asyncHeaders, key: 'sk-sim-beijing-0002' });
      assert.equal(other.status, 200, other.text);
    } finally {
      await s.stop();
    }
  });
});

describe('sync models', () => {
  it('z-image-turbo: more than 2 calls in a second → 429 (NEW §4 RL: 2 RPS)', async () => {
    const { s, clock } = await limited();
    try {
      const rps = limits('z-image-turbo').requests;
      assert.equal(rps, 2);
      const body = msgBody('z-image-turbo', 'x', [], { size: '512*512' });
      for (let i = 0; i < rps; i++) assert.equal((await api(s, SYNC, { body })).status, 200);
      assertError(await api(s, SYNC, { body }), 429, 'Throttling.RateQuota', RATE);
      clock.advance(1000);
      assert.equal((await api(s, SYNC, { body })).status, 200);
    } finally {
      await s.stop();
    }
  });

  it('more calls in flight than the assumed `syncConcurrent` → 429 (wan2.6-t2i, unpublished)', async () => {
    const { s } = await limited({ timing: { scale: 0.05 } });
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
  it('qwen-image-max: the third call within a minute → 429, with no Retry-After; another key still passes', async () => {
    const { s } = await limited();
    try {
      const body = msgBody('qwen-image-max', 'x');
      for (let i = 0; i < 2; i++) assert.equal((await api(s, SYNC, { body })).status, 200);
      const third = await api(s, SYNC, { body });
      assertError(third, 429, 'Throttling.RateQuota', RATE);
      assert.equal(third.headers.get('retry-after'), null, 'the reference documents no Retry-After for rate limits');
      assert.equal((await api(s, SYNC, { body, key: 'sk-sim-beijing-0002' })).status, 200);
    } finally {
      await s.stop();
    }
  });

  it('the window slides: a call passes 60 s after the oldest one in it, and refused calls do not count', async () => {
    const { s, clock } = await limited();
    try {
      const body = msgBody('qwen-image-max', 'x');
      assert.equal((await api(s, SYNC, { body })).status, 200);
      clock.advance(20_000);
      assert.equal((await api(s, SYNC, { body })).status, 200);
      clock.advance(39_999);
      assertError(await api(s, SYNC, { body }), 429, 'Throttling.RateQuota', RATE);
      clock.advance(1);
      assert.equal((await api(s, SYNC, { body })).status, 200, 'the first call left the window');
      // The second call (at 20 s) is still in it with the third: full again until 80 s.
      clock.advance(19_999);
      assertError(await api(s, SYNC, { body }), 429, 'Throttling.RateQuota', RATE);
      clock.advance(1);
      assert.equal((await api(s, SYNC, { body })).status, 200);
    } finally {
      await s.stop();
    }
  });

  it('qwen-image-edit-max: 2 per minute; sync calls have no concurrency limit ("sync unlimited")', async () => {
    const rl = limits('qwen-image-edit-max');
    assert.deepEqual([rl.requests, rl.windowMs, rl.syncConcurrent], [2, 60_000, null]);
    const { s, clock } = await limited({ timing: { scale: 0.05 } });
    try {
      const image = s.assets.putStatic('e.png', png(512, 512), 'image/png');
      const body = msgBody('qwen-image-edit-max', 'x', [image]);
      // Two at once both pass (no in-flight limit), the third in the minute is refused.
      const both = await Promise.all([api(s, SYNC, { body }), api(s, SYNC, { body })]);
      assert.deepEqual(both.map((r) => r.status), [200, 200]);
      assertError(await api(s, SYNC, { body }), 429, 'Throttling.RateQuota', RATE);
      clock.advance(60_000);
      assert.equal((await api(s, SYNC, { body })).status, 200);
    } finally {
      await s.stop();
    }
  });
});

describe('qwen-mt-image task queries: 1 per second (API §5.1, §8)', () => {
  it('a second query of an mt task within a second → 429 Throttling.RateQuota; a wan task is not limited so', async () => {
    const { s, clock } = await limited({ timing: { pendingMs: 60_000 } });
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
      // It opens again once the second has passed.
      clock.advance(999);
      assertError(await api(s, `/tasks/${id}`), 429, 'Throttling.RateQuota', RATE);
      clock.advance(1);
      assert.equal((await api(s, `/tasks/${id}`)).status, 200);

      // Five queries of a wan task at once: within the 20/s budget, and no 1/s rule of its own.
      const wan = await api(s, T2I, { body: { model: 'wan2.2-t2i-flash', input: { prompt: 'x' }, parameters: { size: '512*512', n: 1 } }, headers: asyncHeaders });
      const wanId = wan.json.output.task_id as string;
      const queries = await Promise.all(Array.from({ length: 5 }, () => api(s, `/tasks/${wanId}`)));
      assert.deepEqual(queries.map((r) => r.status), [200, 200, 200, 200, 200]);
    } finally {
      await s.stop();
    }
  });
});

describe('task queries: 20 per second per account', () => {
  it('the 21st query within a second → 429; a second later there are 20 again', async () => {
    const { s, clock } = await limited();
    try {
      const burst = () => Promise.all(Array.from({ length: 24 }, (_, i) => api(s, '/tasks/q-' + i, { key: 'sk-sim-singapore-0001', region: 'singapore' })));
      const statuses = (await burst()).map((r) => r.status);
      assert.equal(statuses.filter((x) => x === 200).length, 20, String(statuses));
      assert.equal(statuses.filter((x) => x === 429).length, 4, String(statuses));
      clock.advance(1000);
      assert.equal((await burst()).filter((r) => r.status === 200).length, 20);
    } finally {
      await s.stop();
    }
  });
});

describe('switching rate limits off', () => {
  it('rateLimits:false (and setRateLimits) disables every limit', async () => {
    const s = await start({ rateLimits: false, rateLimitClock: fakeClock(), timing: { pendingMs: 60_000 } });
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
