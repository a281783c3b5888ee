/**
 * The US (Virginia) region (NEW §1): its own origin and keys like Beijing and Singapore, serving
 * only wan2.6-t2i and wan2.6-image (the official Global tables list no other image model); tasks
 * are polled on the host and with the key that created them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Simulator } from './index.js';
import { I2I, IMGGEN, SYNC, T2I, api, assertError, asyncHeaders, dataUri, msgBody, parseSse, png, pollTask, sseHeaders, start } from './calls.js';
import { SIM_MODELS } from './models.js';

let sim: Simulator;
let image: string;
before(async () => {
  sim = await start();
  image = dataUri(png(512, 512));
});
after(() => sim.stop());

const us = (path: string, body?: unknown, headers?: Record<string, string>, key?: string) => api(sim, path, { body, headers, key, region: 'us' });

describe('US (Virginia) region', () => {
  it('has its own base URL under /api/v1 and its own test key sk-sim-us-0001', () => {
    assert.match(sim.urls.us, /^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
    assert.equal(new Set([sim.urls.beijing, sim.urls.singapore, sim.urls.us]).size, 3);
    assert.equal(sim.keys.us, 'sk-sim-us-0001');
  });

  it('wan2.6-t2i sync works with the US key', async () => {
    const r = await us(SYNC, msgBody('wan2.6-t2i', 'a desert road', [], { size: '1280*1280', n: 1 }));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.usage.size, '1280*1280');
  });

  it('wan2.6-image edit, interleave and async work in the US; the task is polled on the US host', async () => {
    const edit = await us(SYNC, msgBody('wan2.6-image', 'edit', [image], { size: '768*768', n: 1 }));
    assert.equal(edit.status, 200, edit.text);
    const stream = await us(SYNC, msgBody('wan2.6-image', 'a recipe', [], { enable_interleave: true, stream: true, max_images: 1 }), sseHeaders);
    assert.equal(stream.status, 200, stream.text);
    const events = parseSse(stream.text);
    assert.ok(events.length > 1 && events.every((e) => e.event === 'result'), stream.text.slice(0, 300));
    const t = await us(IMGGEN, msgBody('wan2.6-image', 'edit', [image], { size: '768*768', n: 1 }), asyncHeaders);
    assert.equal(t.status, 200, t.text);
    const id = t.json.output.task_id as string;
    const done = (await pollTask(sim, id, undefined, undefined, undefined, 'us')).at(-1);
    assert.equal(done.output.task_status, 'SUCCEEDED');
    // RG: "polling dashscope.aliyuncs.com for that task errors" — the US key is invalid in Beijing …
    assertError(await api(sim, `/tasks/${id}`, { key: sim.keys.us }), 401, 'InvalidApiKey', 'Invalid API-key provided.');
    // … and a Beijing account does not see the US task.
    assert.equal((await api(sim, `/tasks/${id}`)).json.output.task_status, 'UNKNOWN');
  });

  it('every other model → 404 ModelNotFound in the US', async () => {
    for (const spec of SIM_MODELS.filter((m) => m.input === 'messages' && !m.regions.includes('us'))) {
      assertError(await us(SYNC, msgBody(spec.model, 'a', spec.images?.min ? [image] : [])), 404, 'ModelNotFound', 'Model can not be found.');
    }
    assertError(await us(T2I, { model: 'wan2.2-t2i-flash', input: { prompt: 'a' } }, asyncHeaders), 404, 'ModelNotFound');
    assertError(await us(I2I, { model: 'qwen-mt-image', input: { image_url: 'https://example.invalid/a.png', source_lang: 'zh', target_lang: 'en' } }, asyncHeaders), 404, 'ModelNotFound');
  });

  it('only wan2.6-t2i and wan2.6-image are listed for the US in the table', () => {
    assert.deepEqual([...new Set(SIM_MODELS.filter((m) => m.regions.includes('us')).map((m) => m.model))].sort(), ['wan2.6-image', 'wan2.6-t2i']);
  });

  it('keys are region-bound: Beijing and Singapore keys are invalid in the US, the US key elsewhere', async () => {
    const body = msgBody('wan2.6-t2i', 'a', [], { size: '1280*1280', n: 1 });
    assertError(await us(SYNC, body, undefined, sim.keys.beijing), 401, 'InvalidApiKey', 'Invalid API-key provided.');
    assertError(await us(SYNC, body, undefined, sim.keys.singapore), 401, 'InvalidApiKey', 'Invalid API-key provided.');
    assertError(await api(sim, SYNC, { body, key: sim.keys.us, region: 'singapore' }), 401, 'InvalidApiKey');
    assert.equal((await us(SYNC, body, undefined, 'sk-sim-us-0002')).status, 200);
  });

  it('the usPort and keys.us options', async () => {
    const s = await start({ usPort: 0, keys: { us: ['sk-sim-us-custom'] } });
    try {
      assert.equal(s.keys.us, 'sk-sim-us-custom');
      const r = await api(s, SYNC, { body: msgBody('wan2.6-t2i', 'a', [], { size: '1280*1280', n: 1 }), region: 'us' });
      assert.equal(r.status, 200, r.text);
    } finally {
      await s.stop();
    }
  });
});
