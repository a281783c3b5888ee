/**
 * Models with a per-minute window (qwen-image-max, qwen-image-edit-max: 2 a minute, N§4): a 429
 * without Retry-After waits the window out, with a countdown, instead of retrying by the second;
 * the wait is cancellable and bounded by --timeout. Against the simulator with rate limits on,
 * the client and the simulator's limiter read one fake clock, so a minute passes at once.
 *
 *   node --import tsx --test test/unit/rate-window.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import { Agent } from 'undici';
import { main } from '../../src/cli/main';
import { DashScopeClient, describeRetry, type ProgressEvent, type RetryEvent } from '../../src/dashscope/index';
import { RATE_WINDOW_SLACK_MS, Transport, type RateWindow, type WaitEvent } from '../../src/dashscope/transport';
import { startSimulator, type FaultRule, type Simulator } from '../sim/index';
import { buildCli, describeRun, runCli } from './cli-harness';
import { JumpingClock, startScriptedServer, type ScriptedServer } from './client-fixtures';

const MAX: RateWindow = { model: 'qwen-image-max', requests: 2, windowMs: 60_000 };
const WAIT_MS = MAX.windowMs + RATE_WINDOW_SLACK_MS;
const RATE_BODY = JSON.stringify({ code: 'Throttling.RateQuota', message: 'Requests rate limit exceeded, please try again later.', request_id: 'r429' });

let scratch: string;
before(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'bailian-rate-window-'));
});
after(() => rm(scratch, { recursive: true, force: true }));

describe('the transport waits out a known window after a 429', () => {
  let server: ScriptedServer | undefined;
  const servers: ScriptedServer[] = [];
  const transports: Transport[] = [];
  afterEach(async () => {
    await Promise.all(transports.splice(0).map((t) => t.close()));
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  /** A server that answers `statuses` in turn (429s as DashScope words them), then 200. */
  async function scripted(statuses: number[], headers: Record<string, string> = {}): Promise<string> {
    server = await startScriptedServer((_req, res) => {
      const s = statuses.shift();
      res.writeHead(s ?? 200, { 'content-type': 'application/json', ...(s === 429 ? headers : {}) });
      res.end(s === undefined ? JSON.stringify({ output: {}, request_id: 'ok' }) : s === 429 ? RATE_BODY : JSON.stringify({ code: 'InternalError', message: 'busy' }));
    });
    servers.push(server);
    return server.url;
  }

  function transport(url: string, clock: JumpingClock): Transport {
    const t = new Transport({ apiKey: 'sk-rate-window-test', baseUrl: url, dispatcher: new Agent(), clock, retry: { random: () => 0.5 } });
    transports.push(t);
    return t;
  }

  test('a 429 without Retry-After waits the window plus slack, counting down each second, then succeeds', async () => {
    const clock = new JumpingClock();
    const retries: RetryEvent[] = [];
    const ticks: WaitEvent[] = [];
    const res = await transport(await scripted([429]), clock).json({ method: 'POST', path: '/x', json: {}, rateWindow: MAX, onRetry: (e) => retries.push(e), onWait: (e) => ticks.push(e) });
    assert.equal(res.requestId, 'ok');
    assert.equal(clock.sleeps.reduce((a, b) => a + b, 0), WAIT_MS);
    assert.deepEqual(retries.map((e) => [e.delayMs, e.rateWindow?.model]), [[WAIT_MS, 'qwen-image-max']]);
    assert.equal(describeRetry(retries[0]!), 'rate limited: qwen-image-max allows 2 requests a minute; waiting 61 s for the window to reopen (attempt 1 of 3)');
    assert.deepEqual(
      ticks.map((t) => t.remainingMs),
      Array.from({ length: WAIT_MS / 1000 }, (_, i) => WAIT_MS - i * 1000),
    );
  });

  test("the service's Retry-After wins over the window; other errors back off as before", async () => {
    const clock = new JumpingClock();
    await transport(await scripted([429], { 'retry-after': '5' }), clock).json({ method: 'POST', path: '/x', json: {}, rateWindow: MAX });
    assert.deepEqual(clock.sleeps, [5000]);
    const other = new JumpingClock();
    const retries: RetryEvent[] = [];
    await transport(await scripted([500]), other).json({ method: 'POST', path: '/x', json: {}, rateWindow: MAX, onRetry: (e) => retries.push(e) });
    assert.deepEqual(other.sleeps, [250], 'random 0.5 × 500 ms');
    assert.equal(retries[0]!.rateWindow, undefined);
  });

  test('without a window (a per-second model) a 429 keeps the short backoff', async () => {
    const clock = new JumpingClock();
    await transport(await scripted([429, 429]), clock).json({ method: 'POST', path: '/x', json: {} });
    assert.deepEqual(clock.sleeps, [250, 500]);
  });

  test('the wait is cancellable: aborting during the countdown rejects at once, nothing more is sent', async () => {
    const clock = new JumpingClock();
    const controller = new AbortController();
    const url = await scripted([429]);
    const call = transport(url, clock).json({
      method: 'POST',
      path: '/x',
      json: {},
      rateWindow: MAX,
      signal: controller.signal,
      onWait: (e) => {
        if (e.remainingMs <= WAIT_MS - 10_000) controller.abort(new DOMException('stop', 'AbortError'));
      },
    });
    await assert.rejects(call, { name: 'AbortError' });
    assert.equal(server!.requests.length, 1);
    assert.ok(clock.time - 1_000_000 < WAIT_MS, 'stopped before the window reopened');
  });
});

/** A simulator with rate limits on, whose limiter counts on `clock`. */
function limitedSim(clock: JumpingClock, faults: FaultRule[] = []): Promise<Simulator> {
  return startSimulator({ rateLimits: true, rateLimitClock: clock, faults, timing: { scale: 0.002 } });
}

describe('the client against the simulator (2 a minute, shared fake clock)', () => {
  async function generateTimes(sim: Simulator, clock: JumpingClock, times: number): Promise<ProgressEvent[][]> {
    const client = new DashScopeClient({ apiKey: sim.keys.beijing, baseUrl: sim.urls.beijing, clock, retry: { random: () => 0.5 } });
    const progress: ProgressEvent[][] = [];
    try {
      for (let i = 0; i < times; i++) {
        const events: ProgressEvent[] = [];
        const result = await client.generate({ model: 'qwen-image-max', prompt: `fox ${i}` }, { onProgress: (e) => events.push(e) });
        assert.equal(result.images.length, 1);
        progress.push(events);
      }
    } finally {
      await client.close();
    }
    return progress;
  }

  const windowWaits = (events: ProgressEvent[]) => events.filter((e) => e.type === 'retry' && /window to reopen/.test(e.message)).length;

  test('five generations in a row all succeed; the third and the fifth wait for the window', async () => {
    const clock = new JumpingClock();
    const sim = await limitedSim(clock);
    try {
      const progress = await generateTimes(sim, clock, 5);
      assert.deepEqual(progress.map(windowWaits), [0, 0, 1, 0, 1]);
      const countdown = progress[2]!.filter((e): e is Extract<ProgressEvent, { type: 'wait' }> => e.type === 'wait');
      assert.equal(countdown[0]!.remainingMs, WAIT_MS);
      assert.equal(countdown.at(-1)!.remainingMs, 1000);
      assert.equal(countdown[0]!.rateWindow?.model, 'qwen-image-max');
    } finally {
      await sim.stop();
    }
  });

  for (const fault of [
    { kind: 'status', status: 500 },
    { kind: 'status', status: 503 },
    { kind: 'resetBeforeHeaders' },
  ] as const) {
    test(`a retriable fault (${'status' in fault ? fault.status : fault.kind}) on the second call of the minute: the retry meets the full window, waits it out and succeeds`, async () => {
      const clock = new JumpingClock();
      // The first call passes untouched; the second is counted, then fails.
      const sim = await limitedSim(clock);
      try {
        await generateTimes(sim, clock, 1);
        sim.faults.add({ model: 'qwen-image-max', ...fault, counted: true, times: 1 });
        const [events] = await generateTimes(sim, clock, 1);
        const retries = events!.filter((e): e is Extract<ProgressEvent, { type: 'retry' }> => e.type === 'retry');
        assert.deepEqual(
          retries.map((r) => r.code),
          [fault.kind === 'status' ? (fault.status === 503 ? 'ModelUnavailable' : 'InternalError') : 'NetworkError', 'Throttling.RateQuota'],
        );
        assert.equal(retries[1]!.delayMs, WAIT_MS);
      } finally {
        await sim.stop();
      }
    });
  }
});

describe('the CLI: five `generate --model qwen-image-max` in a row', () => {
  test('in-process on the shared fake clock: all five succeed, the later ones after a visible countdown', async () => {
    const clock = new JumpingClock();
    const sim = await limitedSim(clock);
    const out = join(scratch, 'five');
    try {
      const runs: { code: number; err: string[] }[] = [];
      for (let i = 0; i < 5; i++) {
        const err: string[] = [];
        const io = { out: () => {}, err: (l: string) => err.push(l), env: { DASHSCOPE_API_KEY: sim.keys.beijing }, cwd: scratch, clock };
        const code = await main(['generate', `a fox ${i}`, '--model', 'qwen-image-max', '--base-url', sim.urls.beijing, '--out', out], io);
        runs.push({ code, err });
      }
      assert.deepEqual(runs.map((r) => r.code), [0, 0, 0, 0, 0], runs.map((r) => r.err.join('\n')).join('\n---\n'));
      assert.equal((await readdir(out)).filter((f) => f.endsWith('.png')).length, 5);
      for (const i of [2, 4]) {
        const err = runs[i]!.err;
        assert.ok(err.includes('rate limited: qwen-image-max allows 2 requests a minute; waiting 61 s for the window to reopen (attempt 1 of 3)'), err.join('\n'));
        for (const s of [50, 40, 30, 20, 10]) assert.ok(err.includes(`waiting for the rate limit (${s} s)`), err.join('\n'));
      }
      for (const i of [0, 1, 3]) assert.ok(!runs[i]!.err.some((l) => /rate limit/.test(l)), runs[i]!.err.join('\n'));
    } finally {
      await sim.stop();
    }
  });

  test('as a real process: --timeout bounds the wait and says so; Ctrl-C stops it', async () => {
    const sim = await startSimulator({ rateLimits: true, timing: { scale: 0.002 } });
    const cli = await buildCli(scratch);
    const out = join(scratch, 'real');
    const args = ['generate', 'a fox', '--model', 'qwen-image-max', '--base-url', sim.urls.beijing, '--out', out];
    const opts = { cwd: scratch, env: { DASHSCOPE_API_KEY: sim.keys.beijing } };
    try {
      for (let i = 0; i < 2; i++) assert.equal((await runCli(cli, args, opts)).code, 0);
      const started = Date.now();
      const timedOut = await runCli(cli, [...args, '--timeout', '2'], opts);
      assert.equal(timedOut.code, 1, describeRun(timedOut));
      assert.ok(Date.now() - started < 30_000, 'ended by --timeout, not by the window');
      assert.match(timedOut.stderr, /waiting 61 s for the window to reopen/);
      assert.match(timedOut.stderr, /error: Timeout: --timeout 2 s ran out while waiting for the rate limit \(qwen-image-max allows 2 requests a minute\)/);
      assert.match(timedOut.stderr, /hint: run it again in a minute, or raise --timeout/);

      const interrupted = await runCli(cli, args, {
        ...opts,
        onStderr: (child, stderr) => {
          if (/window to reopen/.test(stderr) && !child.killed) child.kill('SIGINT');
        },
      });
      assert.equal(interrupted.code, 130, describeRun(interrupted));
      assert.match(interrupted.stderr, /interrupted\./);
    } finally {
      await sim.stop();
    }
  });
});
