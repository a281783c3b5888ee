/**
 * File name templates that could give two images of one job the same name are refused
 * (src/pipeline/naming.ts `nameCollision`), and `${preset}` / `${jobId}` render.
 *
 *   node --import tsx --test test/unit/name-collisions.test.ts
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULT_NAME_TEMPLATE, nameCollision, renderName } from '../../src/pipeline/naming';

describe('name template collisions', () => {
  test('one image never collides, whatever the template', () => {
    assert.equal(nameCollision('${model}', { n: 1 }), undefined);
    assert.equal(nameCollision('fixed-name', { n: 1, distinctSeeds: true }), undefined);
  });

  test('n images of one request need ${index}; ${seed} is not enough there', () => {
    assert.equal(nameCollision(DEFAULT_NAME_TEMPLATE, { n: 4 }), undefined);
    assert.equal(nameCollision('${seed}/${index}', { n: 2 }), undefined, 'in a sub-folder too');
    const seedOnly = nameCollision('${model}-${seed}', { n: 2 });
    assert.match(seedOnly ?? '', /the 2 images of one job the same name; add \$\{index\}/);
    assert.match(seedOnly ?? '', /\$\{seed\} is not enough/);
    assert.match(nameCollision('${preset}-${jobId}', { n: 3 }) ?? '', /add \$\{index\}/, 'job-level variables do not tell images apart');
  });

  test('variations (a seed per image) may tell images apart by ${seed} or ${index}', () => {
    assert.equal(nameCollision('${prompt}-${seed}', { n: 3, distinctSeeds: true }), undefined);
    assert.equal(nameCollision('${prompt}-${index}', { n: 3, distinctSeeds: true }), undefined);
    assert.match(nameCollision('${prompt}', { n: 3, distinctSeeds: true }) ?? '', /add \$\{index\} or \$\{seed\}/);
  });

  test('${preset} and ${jobId} render, made file-name safe, and collapse when empty', () => {
    assert.equal(renderName('${preset}/${jobId}-${index}', { preset: 'hero shot', jobId: 'mj3k2x-8f0a1b', index: 2 }), 'hero shot/mj3k2x-8f0a1b-2');
    assert.equal(renderName('${preset}-${seed}', { preset: 'a/b', seed: 7 }), 'a-b-7');
    assert.equal(renderName('${preset}-${seed}', { seed: 7 }), '7');
  });
});
