import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LOAD_RETRIES, LOAD_TIMEOUT_MS, LoadWatchdog, type Timers } from '../../src/studio/watchdog';

/** Timers driven by hand: `advance(ms)` fires what falls due, in order. */
function manualTimers(): Timers & { advance(ms: number): void; pending(): number } {
  let now = 0;
  let next = 1;
  const due = new Map<number, { at: number; callback: () => void }>();
  return {
    setTimeout(callback, ms) {
      const id = next++;
      due.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimeout(handle) {
      due.delete(handle as number);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const first = [...due.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!first) break;
        due.delete(first[0]);
        now = first[1].at;
        first[1].callback();
      }
      now = end;
    },
    pending: () => due.size,
  };
}

function watch() {
  const timers = manualTimers();
  const events: string[] = [];
  const dog = new LoadWatchdog({ retry: (n) => events.push(`retry ${n}`), giveUp: (n) => events.push(`give up after ${n}`) }, timers);
  return { timers, events, dog };
}

describe('studio load watchdog', () => {
  test('a page that reports ready in time is never loaded again', () => {
    const { timers, events, dog } = watch();
    dog.loading();
    timers.advance(LOAD_TIMEOUT_MS - 1);
    dog.ready();
    timers.advance(10 * LOAD_TIMEOUT_MS);
    assert.deepEqual(events, []);
    assert.equal(dog.watching, false);
  });

  test('a load that never reports ready is tried again, then the user is told, once', () => {
    const { timers, events, dog } = watch();
    dog.loading();
    timers.advance(LOAD_TIMEOUT_MS);
    assert.deepEqual(events, ['retry 1']);
    assert.equal(dog.watching, true, 'the retry is watched too');
    timers.advance(LOAD_RETRIES * LOAD_TIMEOUT_MS);
    assert.deepEqual(events, [...Array.from({ length: LOAD_RETRIES }, (_, i) => `retry ${i + 1}`), `give up after ${LOAD_RETRIES + 1}`]);
    assert.equal(dog.watching, false);
    timers.advance(10 * LOAD_TIMEOUT_MS);
    assert.equal(events.length, LOAD_RETRIES + 1, 'nothing after giving up');
  });

  test('a retry that loads resets the allowance for the next load', () => {
    const { timers, events, dog } = watch();
    dog.loading();
    timers.advance(LOAD_TIMEOUT_MS);
    dog.ready();
    dog.loading();
    timers.advance(LOAD_TIMEOUT_MS);
    assert.deepEqual(events, ['retry 1', 'retry 1']);
  });

  test('hiding the panel stops the watch (a hidden panel has no page); showing it starts one', () => {
    const { timers, events, dog } = watch();
    dog.loading();
    timers.advance(LOAD_TIMEOUT_MS / 2);
    dog.stop();
    timers.advance(10 * LOAD_TIMEOUT_MS);
    assert.deepEqual(events, []);
    assert.equal(timers.pending(), 0);
    dog.loading();
    dog.loading();
    assert.equal(timers.pending(), 1, 'a new load replaces the watch of the last one');
  });
});
