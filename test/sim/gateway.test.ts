/**
 * Gateway behaviour: auth and regions, response headers, body envelope errors, async header
 * rules, unknown models and endpoints.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Simulator } from './index.js';
import { I2I, IMGGEN, SYNC, T2I, api, assertError, asyncHeaders, msgBody, start } from './calls.js';

let sim: Simulator;
before(async () => {
  sim = await start();
});
after(() => sim.stop());

const zBody = msgBody('z-image-turbo', 'a red kite', [], { size: '512*512' });

describe('auth and regions', () => {
  it('serves Beijing and Singapore on separate base URLs ending in /api/v1 with sk-sim- test keys', () => {
    assert.match(sim.urls.beijing, /^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
    assert.match(sim.urls.singapore, /^http:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
    assert.notEqual(sim.urls.beijing, sim.urls.singapore);
    assert.match(sim.keys.beijing, /^sk-sim-/);
    assert.match(sim.keys.singapore, /^sk-sim-/);
  });

  it('no Authorization header → 401 InvalidApiKey "No API-key provided."', async () => {
    assertError(await api(sim, SYNC, { body: zBody, key: null }), 401, 'InvalidApiKey', 'No API-key provided.');
  });

  it('empty bearer → 401 "No API-key provided."', async () => {
    assertError(await api(sim, SYNC, { body: zBody, key: '' }), 401, 'InvalidApiKey', 'No API-key provided.');
  });

  it('wrong key → 401 "Invalid API-key provided."', async () => {
    assertError(await api(sim, SYNC, { body: zBody, key: 'sk-sim-nope-0000' }), 401, 'InvalidApiKey', 'Invalid API-key provided.');
  });

  it('a Singapore key in Beijing (and vice versa) → 401 InvalidApiKey', async () => {
    assertError(await api(sim, SYNC, { body: zBody, key: sim.keys.singapore }), 401, 'InvalidApiKey', 'Invalid API-key provided.');
    assertError(await api(sim, SYNC, { body: zBody, key: sim.keys.beijing, region: 'singapore' }), 401, 'InvalidApiKey', 'Invalid API-key provided.');
  });

  it('auth is checked on every endpoint, including task queries and upload policies', async () => {
    assertError(await api(sim, '/tasks/abc', { key: null }), 401, 'InvalidApiKey', 'No API-key provided.');
    assertError(await api(sim, '/uploads?action=getPolicy&model=qwen-mt-image', { key: 'sk-sim-x-1' }), 401, 'InvalidApiKey');
  });

  it('the Singapore key works in Singapore', async () => {
    const r = await api(sim, SYNC, { body: zBody, region: 'singapore' });
    assert.equal(r.status, 200, r.text);
  });

  it('qwen-mt-image is Beijing only: Singapore → 404 ModelNotFound', async () => {
    const body = { model: 'qwen-mt-image', input: { image_url: 'https://example.invalid/a.png', source_lang: 'zh', target_lang: 'en' } };
    assertError(await api(sim, I2I, { body, headers: asyncHeaders, region: 'singapore' }), 404, 'ModelNotFound', 'Model can not be found.');
  });

  it('custom keys per region', async () => {
    const s2 = await start({ keys: { beijing: ['sk-sim-custom-bj'], singapore: ['sk-sim-custom-sg'] } });
    try {
      assert.equal(s2.keys.beijing, 'sk-sim-custom-bj');
      assert.equal((await api(s2, SYNC, { body: zBody })).status, 200);
      assertError(await api(s2, SYNC, { body: zBody, key: 'sk-sim-beijing-0001' }), 401, 'InvalidApiKey', 'Invalid API-key provided.');
    } finally {
      await s2.stop();
    }
  });
});

describe('headers', () => {
  it('sync JSON responses carry x-request-id (= request_id), the gateway headers and content-type application/json', async () => {
    const r = await api(sim, SYNC, { body: zBody });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'application/json');
    assert.equal(r.headers.get('x-request-id'), r.json.request_id);
    assert.equal(r.headers.get('x-dashscope-call-gateway'), 'true');
    assert.equal(r.headers.get('x-dashscope-finished'), 'true');
    assert.match(r.headers.get('req-cost-time') ?? '', /^\d+$/);
  });

  it('errors carry x-request-id too', async () => {
    const r = await api(sim, SYNC, { body: zBody, key: null });
    assert.equal(r.headers.get('x-request-id'), r.json.request_id);
  });

  it('task queries answer application/json;charset=UTF-8', async () => {
    const r = await api(sim, '/tasks/nope');
    assert.equal(r.headers.get('content-type'), 'application/json;charset=UTF-8');
  });
});

describe('body envelope', () => {
  it('malformed JSON → 400 BadRequest.IllegalInput', async () => {
    assertError(await api(sim, SYNC, { rawBody: '{"model": "z-image-turbo",' }), 400, 'BadRequest.IllegalInput', 'The input parameter requires json format.');
    assertError(await api(sim, T2I, { rawBody: 'not json', headers: asyncHeaders }), 400, 'BadRequest.IllegalInput');
    assertError(await api(sim, SYNC, { rawBody: '[1,2]' }), 400, 'BadRequest.IllegalInput');
  });

  it('missing model → 400 BadRequest.EmptyModel', async () => {
    assertError(await api(sim, SYNC, { body: { input: zBody.input } }), 400, 'BadRequest.EmptyModel', 'Required parameter "model" missing from request.');
  });

  it('missing input → 400 BadRequest.EmptyInput', async () => {
    assertError(await api(sim, SYNC, { body: { model: 'z-image-turbo' } }), 400, 'BadRequest.EmptyInput', 'Required input parameter missing from request.');
  });

  it('unknown model → 404 ModelNotFound', async () => {
    assertError(await api(sim, SYNC, { body: { ...zBody, model: 'qwen-image-ultra' } }), 404, 'ModelNotFound', 'Model can not be found.');
  });

  it('a model on an endpoint that does not serve it → 400 InvalidParameter "url error, please check url!"', async () => {
    assertError(await api(sim, SYNC, { body: { ...zBody, model: 'wan2.5-t2i-preview' } }), 400, 'InvalidParameter', 'url error, please check url!');
    assertError(await api(sim, T2I, { body: { model: 'z-image-turbo', input: { prompt: 'x' } }, headers: asyncHeaders }), 400, 'InvalidParameter', 'url error, please check url!');
  });

  it('unknown parameters keys are tolerated (§1.2: SDKs leak stream / is_async)', async () => {
    const r = await api(sim, SYNC, { body: { ...zBody, parameters: { ...zBody.parameters, is_async: true, incremental_output: false, foo: { bar: 1 } } } });
    assert.equal(r.status, 200, r.text);
  });

  it('unknown routes → 404', async () => {
    const r = await api(sim, '/services/aigc/nothing-here', { body: {} });
    assert.equal(r.status, 404);
  });
});

describe('X-DashScope-Async', () => {
  it('on the sync endpoint → 403 AccessDenied "Current user api does not support asynchronous calls."', async () => {
    assertError(await api(sim, SYNC, { body: zBody, headers: asyncHeaders }), 403, 'AccessDenied', 'Current user api does not support asynchronous calls.');
  });

  for (const [path, body] of [
    [T2I, { model: 'wan2.2-t2i-flash', input: { prompt: 'x' } }],
    [I2I, { model: 'qwen-mt-image', input: { image_url: 'https://x/y.png', source_lang: 'zh', target_lang: 'en' } }],
    [IMGGEN, msgBody('wan2.6-t2i', 'x')],
  ] as const) {
    it(`missing on ${path} → 403 AccessDenied "current user api does not support synchronous calls."`, async () => {
      assertError(await api(sim, path, { body }), 403, 'AccessDenied', 'current user api does not support synchronous calls.');
    });
  }

  it('header value is case-insensitive', async () => {
    const r = await api(sim, T2I, { body: { model: 'wan2.2-t2i-flash', input: { prompt: 'x' }, parameters: { size: '512*512', n: 1 } }, headers: { 'x-dashscope-async': 'ENABLE' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.output.task_status, 'PENDING');
  });
});
