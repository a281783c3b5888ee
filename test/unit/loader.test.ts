import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { cacheFileFor, requireCached } from '../../src/loader';

const root = mkdtempSync(join(tmpdir(), 'bailian-loader-'));
after(() => rmSync(root, { recursive: true, force: true }));

/**
 * Loads `file` in a new Node process, as a new extension host would: within one process V8's own
 * compilation cache would answer for a source seen before, and prove nothing about the file.
 */
function loadElsewhere(file: string, cacheDir: string, { save = false } = {}): { fromCache: boolean; exports: Record<string, unknown> } {
  const loader = join(__dirname, '..', '..', 'src', 'loader.ts');
  const script = `const { requireCached } = require(${JSON.stringify(loader)}); const load = requireCached(${JSON.stringify(file)}, ${JSON.stringify(cacheDir)}); if (${save}) load.saveCache(); console.log(JSON.stringify({ fromCache: load.fromCache, exports: load.exports }));`;
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' })) as { fromCache: boolean; exports: Record<string, unknown> };
}

/** A bundle that requires a built-in and a file next to it, with enough code for V8 to cache. */
function writeBundle(dir: string, answer: number): string {
  const file = join(dir, 'bundle.js');
  writeFileSync(join(dir, 'dep.js'), 'module.exports = { twice: (n) => 2 * n };\n');
  const functions = Array.from({ length: 200 }, (_, i) => `function f${i}(x) { return x + ${i}; }`).join('\n');
  writeFileSync(file, `const { basename } = require('node:path');\nconst { twice } = require('./dep.js');\n${functions}\nexports.answer = twice(${answer} / 2);\nexports.name = basename(__filename);\nexports.sum = f1(1) + f199(0);\n`);
  return file;
}

describe('loading a bundle through a code cache', () => {
  test('a first load compiles; after saveCache the next load (a new process) takes the cache, with the same exports', () => {
    const dir = mkdtempSync(join(root, 'a-'));
    const file = writeBundle(dir, 42);
    const cacheDir = join(dir, 'cache');
    const first = requireCached<{ answer: number; name: string; sum: number }>(file, cacheDir);
    assert.equal(first.fromCache, false);
    assert.deepEqual({ ...first.exports }, { answer: 42, name: 'bundle.js', sum: 201 });
    first.saveCache();
    assert.deepEqual(readdirSync(cacheDir), [basename(cacheFileFor(file, cacheDir))]);
    assert.deepEqual(loadElsewhere(file, cacheDir), { fromCache: true, exports: { answer: 42, name: 'bundle.js', sum: 201 } });
  });

  test('a rebuilt bundle never meets the old cache, and its saved cache replaces the old one', () => {
    const dir = mkdtempSync(join(root, 'b-'));
    const cacheDir = join(dir, 'cache');
    const file = writeBundle(dir, 42);
    loadElsewhere(file, cacheDir, { save: true });
    const old = readdirSync(cacheDir);
    assert.equal(old.length, 1);
    // Same length, other code: V8 alone would not notice; the name (size and mtime) does.
    writeBundle(dir, 24);
    utimesSync(file, new Date(Date.UTC(2030, 0, 1)), new Date(Date.UTC(2030, 0, 1)));
    assert.deepEqual(loadElsewhere(file, cacheDir, { save: true }), { fromCache: false, exports: { answer: 24, name: 'bundle.js', sum: 201 } });
    const now = readdirSync(cacheDir);
    assert.equal(now.length, 1, 'the old cache is removed');
    assert.notDeepEqual(now, old);
    assert.equal(loadElsewhere(file, cacheDir).fromCache, true);
  });

  test('a damaged cache is rejected by V8: the source is compiled, and saving writes a good one', () => {
    const dir = mkdtempSync(join(root, 'c-'));
    const cacheDir = join(dir, 'cache');
    const file = writeBundle(dir, 42);
    loadElsewhere(file, cacheDir, { save: true });
    writeFileSync(cacheFileFor(file, cacheDir), Buffer.from('not a code cache at all'));
    assert.deepEqual(loadElsewhere(file, cacheDir, { save: true }), { fromCache: false, exports: { answer: 42, name: 'bundle.js', sum: 201 } });
    assert.equal(loadElsewhere(file, cacheDir).fromCache, true);
  });

  test('a cache folder that cannot be written only costs the cache', () => {
    const dir = mkdtempSync(join(root, 'd-'));
    const file = writeBundle(dir, 42);
    const blocked = join(dir, 'not-a-folder');
    writeFileSync(blocked, 'a file where the cache folder would go');
    const load = requireCached<{ answer: number }>(file, join(blocked, 'cache'));
    assert.equal(load.exports.answer, 42);
    assert.doesNotThrow(() => load.saveCache());
    assert.equal(loadElsewhere(file, join(blocked, 'cache')).fromCache, false);
  });

  test('an error in the bundle surfaces as it would from require', () => {
    const dir = mkdtempSync(join(root, 'e-'));
    const file = join(dir, 'broken.js');
    writeFileSync(file, "throw new Error('broken at load');\n");
    assert.throws(() => requireCached(file, join(dir, 'cache')), /broken at load/);
  });
});
