import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LOAD_TIMEOUTS_MS, LoadWatchdog, type Timers } from '../../src/studio/watchdog';

const [FIRST, SECOND, LAST] = LOAD_TIMEOUTS_MS as [number, number, number];

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
  const dog = new LoadWatchdog({ retry: (n, ms) => events.push(`retry ${n} after ${ms} ms`), giveUp: (n) => events.push(`give up after ${n}`) }, timers);
  return { timers, events, dog };
}

describe('studio load watchdog', () => {
  test('a page that reports ready in time is never loaded again', () => {
    const { timers, events, dog } = watch();
    dog.loading();
    timers.advance(FIRST - 1);
    dog.ready();
    timers.advance(10 * LAST);
    assert.deepEqual(events, []);
    assert.equal(dog.watching, false);
  });

  test('a load that never reports ready is tried again, each time waiting longer, then the user is told, once', () => {
    const { timers, events, dog } = watch();
    assert.ok(FIRST <= 10_000 && SECOND > FIRST && LAST > SECOND, 'a slow link gets more time on each try');
    dog.loading();
    timers.advance(FIRST - 1);
    assert.deepEqual(events, []);
    timers.advance(1);
    assert.deepEqual(events, [`retry 1 after ${FIRST} ms`]);
    assert.equal(dog.watching, true, 'the retry is watched too');
    timers.advance(SECOND);
    assert.deepEqual(events, [`retry 1 after ${FIRST} ms`, `retry 2 after ${SECOND} ms`]);
    timers.advance(LAST - 1);
    assert.equal(events.length, 2);
    timers.advance(1);
    assert.deepEqual(events.at(-1), 'give up after 3');
    assert.equal(dog.watching, false);
    timers.advance(10 * LAST);
    assert.equal(events.length, 3, 'nothing after giving up');
  });

  test('a retry that loads resets the allowance for the next load', () => {
    const { timers, events, dog } = watch();
    dog.loading();
    timers.advance(FIRST);
    dog.ready();
    dog.loading();
    timers.advance(FIRST);
    assert.deepEqual(events, [`retry 1 after ${FIRST} ms`, `retry 1 after ${FIRST} ms`]);
  });

  test('hiding the panel stops the watch (a hidden panel has no page); showing it starts one', () => {
    const { timers, events, dog } = watch();
    dog.loading();
    timers.advance(FIRST / 2);
    dog.stop();
    timers.advance(10 * LAST);
    assert.deepEqual(events, []);
    assert.equal(timers.pending(), 0);
    dog.loading();
    dog.loading();
    assert.equal(timers.pending(), 1, 'a new load replaces the watch of the last one');
  });
});
