/**
 * `history` filters and `regenerate <id>` lookup, on parsed manifest lines (the end-to-end runs
 * are in cli-regenerate.test.ts): newest first, every filter narrows, ids match exactly or by a
 * unique prefix, an ambiguous prefix is refused, and bad filter values are usage errors.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { findEntry, filterHistory } from '../../src/cli/history';
import { UsageError } from '../../src/cli/context';
import { HistoryEntrySchema, type HistoryEntry } from '../../src/pipeline/history';

function entry(id: string, fields: Partial<HistoryEntry>): HistoryEntry {
  return HistoryEntrySchema.parse({
    version: 1,
    id,
    kind: 'generate',
    source: 'cli',
    model: 'qwen-image',
    started: '2026-11-01T10:00:00.000Z',
    finished: '2026-11-01T10:00:05.000Z',
    durationMs: 5000,
    outcome: 'succeeded',
    ...fields,
  });
}

const entries: HistoryEntry[] = [
  entry('m1-aaaa', { prompt: 'a red fox', outputs: [{ path: 'art/fox.png' }] }),
  entry('m2-bbbb', { model: 'qwen-mt-image', kind: 'translate', inputs: ['posters/poster.png'], outputs: [{ path: 'posters/poster.en.jpg' }], started: '2026-11-20T08:00:00.000Z' }),
  entry('m3-cccc', { prompt: 'A Lighthouse at dawn', outcome: 'failed', started: '2026-11-25T08:00:00.000Z' }),
  entry('m3-cdef', { model: 'wan2.2-t2i-flash', outcome: 'expired', taskId: 'task-42', started: '2026-11-26T08:00:00.000Z' }),
];

describe('cli history filters', () => {
  test('newest first without filters', () => {
    assert.deepEqual(filterHistory(entries, {}).map((e) => e.id), ['m3-cdef', 'm3-cccc', 'm2-bbbb', 'm1-aaaa']);
  });

  test('model, kind and outcome narrow; several filters combine', () => {
    assert.deepEqual(filterHistory(entries, { model: 'qwen-image' }).map((e) => e.id), ['m3-cccc', 'm1-aaaa']);
    assert.deepEqual(filterHistory(entries, { kind: 'translate' }).map((e) => e.id), ['m2-bbbb']);
    assert.deepEqual(filterHistory(entries, { model: 'qwen-image', outcome: 'failed' }).map((e) => e.id), ['m3-cccc']);
    assert.deepEqual(filterHistory(entries, { outcome: 'expired' }).map((e) => e.id), ['m3-cdef']);
  });

  test('--grep looks at prompts, paths and task ids, ignoring case', () => {
    assert.deepEqual(filterHistory(entries, { grep: 'lighthouse' }).map((e) => e.id), ['m3-cccc']);
    assert.deepEqual(filterHistory(entries, { grep: 'poster.png' }).map((e) => e.id), ['m2-bbbb']);
    assert.deepEqual(filterHistory(entries, { grep: 'TASK-42' }).map((e) => e.id), ['m3-cdef']);
  });

  test('--since takes a date and --limit keeps the newest', () => {
    assert.deepEqual(filterHistory(entries, { since: '2026-11-21' }).map((e) => e.id), ['m3-cdef', 'm3-cccc']);
    assert.deepEqual(filterHistory(entries, { limit: '1' }).map((e) => e.id), ['m3-cdef']);
  });

  test('bad --since and --limit are usage errors', () => {
    assert.throws(() => filterHistory(entries, { since: 'last tuesday-ish' }), UsageError);
    assert.throws(() => filterHistory(entries, { limit: '0' }), UsageError);
    assert.throws(() => filterHistory(entries, { limit: 'many' }), UsageError);
  });

  test('an id matches exactly or by a unique prefix; an ambiguous prefix is refused', () => {
    assert.equal(findEntry(entries, 'm2-bbbb')?.id, 'm2-bbbb');
    assert.equal(findEntry(entries, 'm1')?.id, 'm1-aaaa');
    assert.equal(findEntry(entries, 'zz'), undefined);
    assert.throws(() => findEntry(entries, 'm3-c'), /matches 2 history entries/);
  });
});
