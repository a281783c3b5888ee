/**
 * src/pipeline/reproduce.ts: a record back to its request (the inverse of provenanceParameters,
 * for every option), the sidecar lookup, and the seeds of Variations.
 *
 *   node --import tsx --test test/unit/reproduce.test.ts
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GenerationRequest } from '../../src/dashscope';
import { buildProvenance, provenanceParameters, sidecarJson } from '../../src/pipeline/provenance';
import { newSeeds, provenanceOfImage, requestOfParameters, requestOfRecord, sidecarCandidates, variationsLimit } from '../../src/pipeline/reproduce';

describe('a record back to its request', () => {
  test('every parameter provenance keeps comes back as the same request field', () => {
    const request: GenerationRequest = {
      model: 'wan2.7-image',
      prompt: 'a red kite',
      negativePrompt: 'blurry',
      size: '2K',
      n: 2,
      seed: 9,
      watermark: false,
      enableSequential: true,
      thinkingMode: false,
      colorPalette: [{ hex: '#C2D1E6', ratio: '50%' }, { hex: '#636574', ratio: '25%' }, { hex: '#112233', ratio: '25%' }],
      bboxList: [[[1, 2, 3, 4]]],
    };
    const back = requestOfParameters(request.model, request.prompt, request.negativePrompt, provenanceParameters(request));
    assert.deepEqual(back, request);
    const qwen: GenerationRequest = { model: 'qwen-image-3.0', prompt: 'x', promptExtend: true, promptExtendMode: 'agent', enableThinking: true, maxImages: 3 };
    assert.deepEqual(requestOfParameters(qwen.model, qwen.prompt, undefined, provenanceParameters(qwen)), qwen);
  });

  test('a pinned snapshot comes back as the version sent; a translation as its options', () => {
    const snapshot = requestOfParameters('qwen-image-2.0', 'p', undefined, provenanceParameters({ wireModel: 'qwen-image-2.0-2026-03-03' }));
    assert.equal(snapshot.version, 'qwen-image-2.0-2026-03-03');
    const translation = { sourceLang: 'zh', targetLang: 'en', domainHint: 'menu', terminologies: [{ src: '千问', tgt: 'Qwen' }], imageSegment: true };
    const back = requestOfParameters('qwen-mt-image', undefined, undefined, provenanceParameters({ translation }));
    assert.deepEqual(back, { model: 'qwen-mt-image', translation });
  });

  test('one image of a job of several: its own seed, one image', () => {
    const record = buildProvenance({ model: 'wan2.2-t2i-flash', prompt: 'cranes', seed: 8, parameters: provenanceParameters({ n: 2, seed: 7 }) });
    assert.deepEqual(requestOfRecord(record), { model: 'wan2.2-t2i-flash', prompt: 'cranes', n: 1, seed: 8 });
  });

  test('a JPG\'s provenance is read from its sidecar, photo.jpg.json first', async () => {
    assert.deepEqual(sidecarCandidates('/w/a/photo.jpg'), ['/w/a/photo.jpg.json', '/w/a/photo.json']);
    const record = buildProvenance({ model: 'qwen-image', prompt: 'p' });
    const files: Record<string, string> = { '/w/a/photo.json': sidecarJson(record), '/w/a/photo.jpg.json': '{"not":"provenance"}' };
    const found = await provenanceOfImage('/w/a/photo.jpg', new Uint8Array([0xff, 0xd8, 0xff]), async (p) => files[p]);
    assert.equal(found?.prompt, 'p');
    assert.equal(await provenanceOfImage('/w/a/other.jpg', new Uint8Array([0xff, 0xd8]), async (p) => files[p]), undefined);
  });
});

describe('Variations', () => {
  test('k distinct seeds in range, never the original one', () => {
    let i = 0;
    const sequence = [0.5, 0.5, 0.25, 0.1, 0.25, 0.75];
    const seeds = newSeeds(3, 100, 25, () => sequence[i++]!);
    assert.deepEqual(seeds, [50, 10, 75], 'a repeat and the original (25) are drawn again');
    const many = newSeeds(50, 2147483647, undefined);
    assert.equal(new Set(many).size, 50);
    assert.ok(many.every((s) => Number.isInteger(s) && s >= 0 && s <= 2147483647));
  });

  test('up to the model\'s n limit, at least 4 (each variation is a request of its own)', () => {
    assert.equal(variationsLimit(1), 4);
    assert.equal(variationsLimit(6), 6);
  });
});
