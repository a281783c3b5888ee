/**
 * The repository keeps its own copy of the real DashScope captures so that a clone tests on
 * its own; this checks the copy still equals the shared reference, and reports a skip (with the
 * reason) in a clone that has no ../shared beside it.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CAPTURES_DIR, SHARED_CAPTURES_DIR } from '../fixtures/captures';

test('the in-repo captures hold request/response pairs', () => {
  const names = readdirSync(CAPTURES_DIR);
  assert.ok(names.filter((n) => n.endsWith('.response.body.txt')).length >= 14, 'expected the 14 captured responses');
  assert.ok(names.includes('README.md'), 'the copy keeps its source and licence note');
});

test('the in-repo captures equal ../shared/reference/captures', (t) => {
  if (!existsSync(SHARED_CAPTURES_DIR)) {
    // Without the source there is nothing to compare with: say so in the report instead of passing.
    t.skip(`no shared reference at ${SHARED_CAPTURES_DIR}: the copy cannot be checked against its source`);
    return;
  }
  const shared = readdirSync(SHARED_CAPTURES_DIR).sort();
  assert.deepEqual(readdirSync(CAPTURES_DIR).sort(), shared);
  for (const name of shared) {
    assert.ok(readFileSync(join(CAPTURES_DIR, name)).equals(readFileSync(join(SHARED_CAPTURES_DIR, name))), `${name} differs from the shared reference`);
  }
});
