/**
 * estimateCost: list price × billable images, per region (prices.md billing rules).
 *
 *   node --import tsx --test test/unit/catalog-prices.test.ts
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MODELS, REGIONS } from '../../src/dashscope/catalog';
import { estimateCost } from '../../src/dashscope/prices';
import { validateRequest } from '../../src/dashscope/requests';

/** The date of the price list every estimate is labelled with. */
const PRICE_DATE = '2026-12-01';

describe('estimateCost', () => {
  test('per image × n, with currency, per-image price and the price list date', () => {
    assert.deepEqual(estimateCost({ model: 'wan2.6-t2i', n: 3 }, 'beijing'), {
      model: 'wan2.6-t2i',
      wireModel: 'wan2.6-t2i',
      region: 'beijing',
      currency: 'CNY',
      perImage: 0.2,
      billableImages: 3,
      amount: 0.6,
      unknown: false,
      upperBound: false,
      priceDate: PRICE_DATE,
    });
    // The model's default n when the request has none (wan2.6-t2i: 4).
    assert.equal(estimateCost({ model: 'wan2.6-t2i' }, 'singapore').amount, 0.880708);
    assert.equal(estimateCost({ model: 'wan2.6-t2i' }, 'us').amount, 0.8);
    assert.equal(estimateCost({ model: 'qwen-image-max' }, 'beijing').amount, 0.5);
    assert.equal(estimateCost({ model: 'qwen-image-2.0-pro', n: 6 }, 'singapore').amount, 3.302658);
    assert.equal(estimateCost({ model: 'wan2.7-image-pro', n: 4 }, 'beijing').amount, 2);
    assert.equal(estimateCost({ model: 'wan2.7-image' }, 'singapore').amount, 0.220177);
  });

  test('z-image-turbo costs more with prompt_extend (default off)', () => {
    assert.equal(estimateCost({ model: 'z-image-turbo' }, 'beijing').perImage, 0.1);
    assert.equal(estimateCost({ model: 'z-image-turbo', promptExtend: false }, 'singapore').perImage, 0.110089);
    assert.equal(estimateCost({ model: 'z-image-turbo', promptExtend: true }, 'beijing').perImage, 0.2);
    assert.equal(estimateCost({ model: 'z-image-turbo', promptExtend: true }, 'singapore').perImage, 0.220177);
    // Other models: prompt_extend does not change the price.
    assert.equal(estimateCost({ model: 'qwen-image-plus', promptExtend: false }, 'beijing').perImage, estimateCost({ model: 'qwen-image-plus', promptExtend: true }, 'beijing').perImage);
  });

  test('qwen-mt-image is billed per image even when no text is found; Beijing only', () => {
    const e = estimateCost({ model: 'qwen-mt-image' }, 'beijing');
    assert.equal(e.amount, 0.003);
    assert.equal(e.billableImages, 1);
    assert.match(e.note!, /also when no text was found/);
    const sg = estimateCost({ model: 'qwen-mt-image' }, 'singapore');
    assert.equal(sg.unknown, true);
    assert.equal(sg.amount, undefined);
    assert.match(sg.note!, /no list price in Singapore \(not served there\)/);
  });

  test('interleave max_images and wan2.7 image sets are upper bounds', () => {
    const guide = estimateCost({ model: 'wan2.6-image:interleave', maxImages: 3 }, 'beijing');
    assert.deepEqual([guide.billableImages, guide.amount, guide.upperBound], [3, 0.6, true]);
    assert.match(guide.note!, /Up to 3 images; only the images the model makes are billed/);
    assert.equal(estimateCost({ model: 'wan2.6-image:interleave' }, 'beijing').billableImages, 5);
    const set = estimateCost({ model: 'wan2.7-image-pro', enableSequential: true }, 'beijing');
    assert.deepEqual([set.billableImages, set.amount, set.upperBound], [12, 6, true]);
    assert.equal(estimateCost({ model: 'wan2.7-image-pro', enableSequential: true, n: 4 }, 'beijing').amount, 2);
    assert.equal(estimateCost({ model: 'wan2.7-image-pro', n: 2 }, 'beijing').upperBound, false);
  });

  test('a finished result is billed by the images it produced', () => {
    const e = estimateCost({ model: 'wan2.6-t2i', n: 4, producedImages: 3 }, 'beijing');
    assert.deepEqual([e.billableImages, e.amount, e.upperBound], [3, 0.6, false]);
    const none = estimateCost({ model: 'wan2.6-t2i', n: 4, producedImages: 0 }, 'beijing');
    assert.deepEqual([none.amount, none.unknown], [0, false]);
    assert.match(none.note!, /nothing is billed/);
    assert.equal(estimateCost({ model: 'wan2.7-image-pro', enableSequential: true, producedImages: 5 }, 'beijing').amount, 2.5);
  });

  test('unknown prices are unknown, never 0', () => {
    for (const region of ['beijing', 'singapore'] as const) {
      const e = estimateCost({ model: 'qwen-image-3.0-pro', n: 2 }, region);
      assert.equal(e.unknown, true, region);
      assert.equal(e.amount, undefined, region);
      assert.equal(e.perImage, undefined, region);
      assert.equal(e.billableImages, 2, region);
      assert.match(e.note!, /No official price found/);
    }
    assert.match(estimateCost({ model: 'qwen-image-3.0-pro' }, 'us').note!, /no list price in US \(Virginia\) \(not served there\)/);
    assert.equal(estimateCost({ model: 'qwen-image-max' }, 'us').unknown, true);
    assert.equal(estimateCost({ model: 'dall-e' }, 'beijing').unknown, true);
    // Every model in every region: either a positive amount or unknown.
    for (const m of MODELS) {
      for (const region of REGIONS) {
        const e = estimateCost({ model: m.id }, region);
        assert.ok(e.unknown ? e.amount === undefined : e.amount! > 0, `${m.id} in ${region}: ${JSON.stringify(e)}`);
      }
    }
  });

  test('snapshots: priced as their family, the wire id kept; an unlisted snapshot says its price is inferred', () => {
    const listed = estimateCost({ model: 'qwen-image-2.0-pro-2026-03-03' }, 'beijing');
    assert.deepEqual([listed.model, listed.wireModel, listed.amount, listed.priceDate, listed.inferredFrom], ['qwen-image-2.0-pro', 'qwen-image-2.0-pro-2026-03-03', 0.5, PRICE_DATE, undefined], 'a listed snapshot is not inferred');
    const inferred = estimateCost({ model: 'qwen-image-2.0-pro', version: '2026-04-22' }, 'beijing');
    assert.equal(inferred.wireModel, 'qwen-image-2.0-pro-2026-04-22');
    assert.equal(inferred.amount, 0.5);
    // Inferred: the list names qwen-image-2.0-pro, not the snapshot (the UI says so, in its language).
    assert.equal(inferred.priceDate, PRICE_DATE);
    assert.equal(inferred.inferredFrom, 'qwen-image-2.0-pro');
    assert.equal(estimateCost({ model: 'qwen-image-2.0-pro' }, 'beijing').inferredFrom, undefined);
  });

  test('a validated request is request-ish enough', () => {
    const v = validateRequest({ model: 'qwen-image-edit-max', prompt: 'x', images: ['https://e.com/a.png'], n: 2 });
    assert.equal(estimateCost(v.request, 'singapore').amount, 1.100886);
  });
});
