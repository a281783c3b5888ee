// The history's spend: each kept job records an estimate from list prices for the images it
// produced, in the region whose prices apply; none when there is no region or no known price
// (never a made-up 0).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { estimateCost } from '../../src/dashscope';
import { guideFacts, keptFacts, type JobContextFacts } from '../../src/pipeline/history';

const context: JobContextFacts = { kind: 'generate', source: 'cli', model: 'wan2.2-t2i-flash', request: { n: 2 }, inputs: [], started: new Date(0) };
const kept = { model: 'wan2.2-t2i-flash', images: [{ file: 'a.png', width: 1, height: 1 }, { file: 'b.png', width: 1, height: 1 }], failures: [], lost: [], produced: 2 };

describe('history spend', () => {
  test('a kept job records the list-price estimate of the images it produced', () => {
    const facts = keptFacts({ ...context, region: 'beijing' }, kept, (f) => f);
    const expected = estimateCost({ model: 'wan2.2-t2i-flash', producedImages: 2 }, 'beijing');
    assert.ok(expected.amount && expected.amount > 0, 'the model has a Beijing list price');
    assert.deepEqual(facts.estimatedCost, { amount: expected.amount, currency: 'CNY' });
    assert.equal((facts as { region?: unknown }).region, undefined, 'the region is not a history field');
  });

  test('no region, or a model without a price there: no estimate rather than 0', () => {
    assert.equal(keptFacts(context, kept, (f) => f).estimatedCost, undefined);
    const usOnly = keptFacts({ ...context, region: 'us' }, kept, (f) => f);
    assert.equal(usOnly.estimatedCost, undefined, 'wan2.2-t2i-flash is not served in the US');
  });

  test('a guide is priced by the images that arrived (saved or lost)', () => {
    const facts = guideFacts(
      { source: 'cli', model: 'wan2.6-image:interleave', request: {}, inputs: [], started: new Date(0), region: 'beijing' },
      { model: 'wan2.6-image:interleave', request: {}, images: [{ file: 'x.png', width: 1, height: 1 }], lost: [{}], outcome: 'stopped' },
      (f) => f,
      'guide.md',
    );
    assert.equal(facts.produced, 2);
    const expected = estimateCost({ model: 'wan2.6-image:interleave', producedImages: 2 }, 'beijing');
    assert.equal(facts.estimatedCost?.amount, expected.amount);
  });
});
