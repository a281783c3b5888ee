/**
 * The catalog as data: today's line-up (newer-models.md), snapshots as versions, tasks of models
 * that both generate and edit, newest-first order, the US (Virginia) region, region availability
 * and rate limits.
 *
 *   node --import tsx --test test/unit/catalog-models.test.ts
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DEFAULT_MODEL_IDS,
  MODELS,
  PRICE_LIST,
  REGIONS,
  REGION_BASE_URLS,
  TASKS,
  findModel,
  getModel,
  minSubmitIntervalMs,
  modelsForTask,
  regionAvailability,
  regionUnavailableReason,
  resolveModel,
  sizeRuleFor,
} from '../../src/dashscope/catalog';
import { hintFor } from '../../src/dashscope/errors';
import { resolveBaseUrl } from '../../src/dashscope/transport';
import { DashScopeClient } from '../../src/dashscope/client';

const ids = (list: readonly { id: string }[]): string[] => list.map((m) => m.id);

describe('catalog shape', () => {
  test('every entry: task is tasks[0], regions non-empty, a price entry per served region, versions resolve back', () => {
    const seen = new Set<string>();
    for (const m of MODELS) {
      assert.ok(!seen.has(m.id), `duplicate id ${m.id}`);
      seen.add(m.id);
      assert.equal(m.task, m.tasks[0], m.id);
      assert.ok(m.tasks.every((t) => TASKS.includes(t)), m.id);
      assert.ok(m.regions.length > 0, m.id);
      for (const r of m.regions) assert.ok(m.prices[r], `${m.id} has no price entry for ${r}`);
      for (const r of Object.keys(m.prices)) assert.ok(m.regions.includes(r as never), `${m.id} is priced in ${r} but not served there`);
      for (const v of m.versions ?? []) {
        assert.ok(v.model.startsWith(`${m.model}-`) && v.model.endsWith(v.date), `${v.model} is not ${m.model}-${v.date}`);
        assert.equal(findModel(v.model), m, v.model);
      }
      // A model taking 0 images is a text-to-image model too.
      if (m.images?.min === 0 && m.task !== 'interleave') assert.ok(m.tasks.includes('text-to-image') && m.tasks.includes('image-edit'), m.id);
    }
  });

  test('today’s line-up is in the catalog', () => {
    for (const id of ['qwen-image-3.0-pro', 'qwen-image-3.0', 'qwen-image-2.0-pro', 'qwen-image-2.0', 'wan2.7-image-pro', 'wan2.7-image', 'qwen-image-edit-max']) {
      assert.ok(findModel(id), id);
    }
    assert.deepEqual(getModel('qwen-image-2.0-pro').versions!.map((v) => v.model), ['qwen-image-2.0-pro-2026-04-22', 'qwen-image-2.0-pro-2026-03-03']);
    assert.deepEqual(getModel('qwen-image-2.0').versions!.map((v) => v.model), ['qwen-image-2.0-2026-03-03']);
    assert.deepEqual(getModel('qwen-image-edit-max').versions!.map((v) => v.model), ['qwen-image-edit-max-2026-01-16']);
    assert.deepEqual(getModel('qwen-image-edit-plus').versions!.map((v) => v.model), ['qwen-image-edit-plus-2025-12-15', 'qwen-image-edit-plus-2025-10-30']);
    assert.deepEqual(getModel('qwen-image-plus').versions, [{ model: 'qwen-image-plus-2026-01-09', date: '2026-01-09', syncOnly: true }]);
  });

  test('the 2.0, 3.0 and wan2.7 models do text-to-image and editing; edit-max only editing', () => {
    for (const id of ['qwen-image-3.0-pro', 'qwen-image-3.0', 'qwen-image-2.0-pro', 'qwen-image-2.0', 'wan2.7-image-pro', 'wan2.7-image']) {
      assert.deepEqual(getModel(id).tasks, ['text-to-image', 'image-edit'], id);
    }
    assert.deepEqual(getModel('qwen-image-edit-max').tasks, ['image-edit']);
    assert.equal(getModel('wan2.7-image').mode, 'sync');
    assert.equal(getModel('wan2.7-image').asyncVariant?.endpoint, 'imageGeneration');
    assert.equal(getModel('qwen-image-2.0-pro').asyncVariant, undefined);
    assert.equal(getModel('qwen-image-edit-max').asyncVariant, undefined);
  });

  test('qwen-image-3.0 says it may need access on the account; others do not', () => {
    for (const id of ['qwen-image-3.0-pro', 'qwen-image-3.0']) {
      const access = getModel(id).access;
      assert.ok(access, id);
      assert.match(access.en, /may need access/i);
      assert.ok(access['zh-cn'].length > 0);
    }
    assert.equal(getModel('qwen-image-2.0').access, undefined);
  });

  test('wan2.7-image-pro: its text-to-image size rule has 4K, the edit / image-set rule does not', () => {
    const pro = getModel('wan2.7-image-pro');
    const t2i = sizeRuleFor(pro, { imageCount: 0 });
    const edit = sizeRuleFor(pro, { imageCount: 1 });
    const set = sizeRuleFor(pro, { imageCount: 0, imageSet: true });
    assert.ok(t2i.kind === 'pixels' && t2i.presets?.includes('4K') && t2i.maxPixels === 4096 * 4096);
    assert.ok(edit.kind === 'pixels' && !edit.presets?.includes('4K') && edit.maxPixels === 2048 * 2048);
    assert.equal(set, edit);
    const plain = getModel('wan2.7-image');
    assert.equal(sizeRuleFor(plain, { imageCount: 0 }), sizeRuleFor(plain, { imageCount: 3 }));
  });
});

describe('lookups: snapshots resolve to their family with the exact wire id', () => {
  test('resolveModel', () => {
    assert.deepEqual(resolveModel('qwen-image-2.0'), { spec: getModel('qwen-image-2.0'), wireModel: 'qwen-image-2.0' });
    const r = resolveModel('qwen-image-edit-plus-2025-12-15')!;
    assert.equal(r.spec.id, 'qwen-image-edit-plus');
    assert.equal(r.wireModel, 'qwen-image-edit-plus-2025-12-15');
    assert.equal(resolveModel('qwen-image-edit-plus', '2025-10-30')!.wireModel, 'qwen-image-edit-plus-2025-10-30');
    assert.equal(resolveModel('qwen-image-edit-plus', '2020-01-01'), undefined);
    assert.equal(resolveModel('qwen-image-edit-plus-2025-12-15', '2025-10-30'), undefined);
    assert.equal(resolveModel('no-such-model'), undefined);
    // Modes keep their own ids.
    assert.equal(resolveModel('wan2.6-image:interleave')!.wireModel, 'wan2.6-image');
  });
});

describe('order and tasks', () => {
  test('MODELS lists the newest of each kind first', () => {
    const order = ids(MODELS);
    const before = (a: string, b: string): void => assert.ok(order.indexOf(a) < order.indexOf(b), `${a} should come before ${b}`);
    before('qwen-image-3.0-pro', 'qwen-image-3.0');
    before('qwen-image-3.0', 'qwen-image-2.0-pro');
    before('qwen-image-2.0-pro', 'qwen-image-2.0');
    before('qwen-image-2.0', 'qwen-image-max');
    before('qwen-image-max', 'qwen-image-plus');
    before('wan2.7-image-pro', 'wan2.7-image');
    before('wan2.7-image', 'wan2.6-t2i');
    before('wan2.6-t2i', 'wan2.5-t2i-preview');
    before('wan2.5-t2i-preview', 'wan2.2-t2i-flash');
    before('qwen-image-edit-max', 'qwen-image-edit-plus');
    before('wan2.7-image', 'wan2.6-image');
    assert.equal(order[0], 'qwen-image-3.0-pro');
  });

  test('modelsForTask: the default first, then MODELS order; both-ways models under both tasks', () => {
    for (const task of TASKS) {
      const list = modelsForTask(task);
      assert.equal(list[0]!.id, DEFAULT_MODEL_IDS[task], task);
      const rest = ids(list.slice(1));
      assert.deepEqual(rest, ids(MODELS.filter((m) => m.tasks.includes(task) && m.id !== DEFAULT_MODEL_IDS[task])), task);
    }
    const t2i = ids(modelsForTask('text-to-image'));
    const edit = ids(modelsForTask('image-edit'));
    for (const id of ['wan2.7-image-pro', 'qwen-image-2.0', 'qwen-image-3.0-pro']) {
      assert.ok(t2i.includes(id) && edit.includes(id), id);
    }
    assert.ok(!t2i.includes('qwen-image-edit-max') && edit.includes('qwen-image-edit-max'));
    assert.ok(!edit.includes('wan2.6-t2i'));
    assert.deepEqual(ids(modelsForTask('interleave')), ['wan2.6-image:interleave']);
    assert.deepEqual(ids(modelsForTask('translate')), ['qwen-mt-image']);
  });
});

describe('regions', () => {
  test('US (Virginia) base URL, and the client routes to it', async () => {
    assert.deepEqual(REGIONS, ['beijing', 'singapore', 'us']);
    assert.equal(REGION_BASE_URLS.us, 'https://dashscope-us.aliyuncs.com/api/v1');
    assert.equal(resolveBaseUrl('us', undefined), 'https://dashscope-us.aliyuncs.com/api/v1');
    const client = new DashScopeClient({ apiKey: 'sk-test-0000', region: 'us' });
    try {
      assert.equal(client.baseUrl, 'https://dashscope-us.aliyuncs.com/api/v1');
      assert.equal(client.validate({ model: 'wan2.6-t2i', prompt: 'x' }).spec.id, 'wan2.6-t2i');
      assert.throws(() => client.validate({ model: 'wan2.7-image', prompt: 'x' }), /wan2\.7-image is served only in Beijing and Singapore, not in US \(Virginia\)/);
    } finally {
      await client.close();
    }
  });

  test('regions follow the reference tables', () => {
    const us = ids(MODELS.filter((m) => m.regions.includes('us')));
    assert.deepEqual(us, ['wan2.6-t2i', 'wan2.6-image', 'wan2.6-image:interleave']);
    assert.deepEqual(getModel('qwen-mt-image').regions, ['beijing']);
    for (const id of ['qwen-image-3.0-pro', 'qwen-image-3.0', 'qwen-image-2.0-pro', 'qwen-image-2.0', 'qwen-image-edit-max', 'qwen-image-edit-plus', 'z-image-turbo', 'wan2.7-image-pro', 'wan2.7-image']) {
      assert.deepEqual(getModel(id).regions, ['beijing', 'singapore'], id);
    }
  });

  test('regionAvailability: served models, and why the others are missing', () => {
    const us = regionAvailability('us');
    assert.equal(us.region, 'us');
    assert.deepEqual(ids(us.served), ['wan2.6-t2i', 'wan2.6-image', 'wan2.6-image:interleave']);
    assert.equal(us.served.length + us.missing.length, MODELS.length);
    const max = us.missing.find((m) => m.spec.id === 'qwen-image-max')!;
    assert.match(max.reason, /^qwen-image-max is not served in US \(Virginia\); it is served in Beijing and Singapore\. The US \(Virginia\) price and rate-limit tables list only wan2\.6-t2i and wan2\.6-image/);
    const sg = regionAvailability('singapore');
    assert.deepEqual(ids(sg.missing.map((m) => m.spec)), ['qwen-mt-image', 'wanx2.1-imageedit', 'image-out-painting', 'wanx-background-generation-v2']);
    assert.match(sg.missing.find((m) => m.spec.id === 'image-out-painting')!.reason, /served only in Beijing; use a Beijing/);
    assert.equal(sg.missing[0]!.reason, 'qwen-mt-image is not served in Singapore; it is served in Beijing. qwen-mt-image is deployed in the Chinese Mainland (Beijing) only.');
    assert.equal(regionAvailability('beijing').missing.length, 0);
    assert.equal(regionUnavailableReason(getModel('wan2.6-t2i'), 'us'), undefined);
    const q3 = us.missing.find((m) => m.spec.id === 'qwen-image-3.0')!;
    assert.match(q3.reason, /^qwen-image-3\.0 is not served in US \(Virginia\); it is served in Beijing and Singapore\. Only the newest qwen-image-3\.0 page names a US \(Virginia\) endpoint, on the workspace domain https:\/\/\{WorkspaceId\}\.us-east-1\.maas\.aliyuncs\.com\/api\/v1/);
  });

  test('the key-region hint names all three regions', () => {
    assert.match(hintFor('InvalidApiKey', 'Invalid API-key provided.'), /Beijing, Singapore and US \(Virginia\)/);
    assert.match(hintFor('ModelNotFound', ''), /Beijing, Singapore and US \(Virginia\) serve different models/);
  });
});

describe('rate limits', () => {
  test('published limits from the rate-limit table; per-minute limits keep requestsPerSecond meaningful', () => {
    for (const id of ['qwen-image-max', 'qwen-image-edit-max']) {
      const rl = getModel(id).rateLimits;
      assert.equal(rl.concurrent, Infinity, `${id}: sync unlimited`);
      assert.equal(rl.requestsPerMinute, 2, id);
      assert.equal(rl.requestsPerSecond, 2 / 60, id);
      assert.equal(rl.assumed, false, id);
      assert.equal(minSubmitIntervalMs(rl), 30_000, id);
    }
    for (const id of ['qwen-image-plus', 'qwen-image', 'qwen-image-edit-plus', 'z-image-turbo']) {
      const rl = getModel(id).rateLimits;
      assert.deepEqual([rl.requestsPerSecond, rl.requestsPerMinute, rl.assumed, rl.concurrent], [2, undefined, false, Infinity], id);
      assert.equal(minSubmitIntervalMs(rl), 500, id);
    }
    assert.equal(getModel('qwen-image-plus').rateLimits.asyncConcurrent, 2);
    assert.equal(getModel('qwen-image').rateLimits.asyncConcurrent, 2);
    assert.deepEqual(getModel('qwen-mt-image').rateLimits, { requestsPerSecond: 1, concurrent: 2, queryPerSecond: 1, assumed: false });
  });

  test('unconfirmed figures are marked assumed, conservative for the top tier', () => {
    for (const id of ['qwen-image-2.0-pro', 'wan2.7-image-pro', 'qwen-image-3.0-pro']) {
      const rl = getModel(id).rateLimits;
      assert.equal(rl.assumed, true, id);
      assert.equal(rl.requestsPerMinute, 2, id);
      assert.equal(rl.concurrent, 2, id);
    }
    for (const id of ['qwen-image-2.0', 'wan2.7-image', 'qwen-image-3.0']) {
      const rl = getModel(id).rateLimits;
      assert.equal(rl.assumed, true, id);
      assert.ok(rl.requestsPerSecond <= 2, id);
    }
  });
});

describe('prices as data', () => {
  test('list prices per region with the price list date; unknown is null, never 0', () => {
    assert.equal(PRICE_LIST.date, '2026-12-01');
    assert.equal(PRICE_LIST.currency, 'CNY');
    assert.deepEqual(getModel('wan2.7-image-pro').prices, { beijing: { perImage: 0.5 }, singapore: { perImage: 0.562065 } });
    assert.deepEqual(getModel('wan2.7-image').prices, { beijing: { perImage: 0.2 }, singapore: { perImage: 0.220177 } });
    assert.deepEqual(getModel('qwen-image-2.0').prices, { beijing: { perImage: 0.2 }, singapore: { perImage: 0.256873 } });
    assert.deepEqual(getModel('wan2.6-t2i').prices.us, { perImage: 0.2 });
    assert.equal(getModel('qwen-image-3.0-pro').prices.singapore!.perImage, null);
    assert.equal(getModel('qwen-image-3.0-pro').prices.us, undefined);
    assert.match(getModel('qwen-image-3.0-pro').prices.beijing!.note!, /No official price/);
    assert.equal(getModel('qwen-image-2.0-pro').versions!.find((v) => v.date === '2026-04-22')!.priceInferred, true);
    for (const m of MODELS) for (const p of Object.values(m.prices)) assert.ok(p!.perImage === null || p!.perImage > 0, m.id);
  });
});
