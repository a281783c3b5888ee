// The client options both front ends build through one function (src/dashscope/clientOptions.ts
// assembleClientOptions): the CLI from --region / --base-url and the environment, the extension
// from its settings. The address the key goes to is checked there, once for both.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DashScopeClient, DashScopeError, REGION_BASE_URLS, assembleClientOptions, type AccountPacing, type ClientSetup, type RetryEvent } from '../../src/dashscope';

const KEY = 'sk-test-options-0001';
const base: ClientSetup = { apiKey: KEY, userAgent: 'test/1' };

function options(setup: Partial<ClientSetup>) {
  const assembled = assembleClientOptions({ ...base, ...setup });
  assert.ok(assembled.ok, JSON.stringify(assembled));
  return assembled.options;
}

function retryEvent(): RetryEvent {
  return { attempt: 1, maxRetries: 3, delayMs: 250, error: new DashScopeError({ code: 'Throttling', message: 'slow down', retriable: true }), method: 'GET', target: '/api/v1/tasks/x' };
}

describe('client options from one setup', () => {
  test('a region alone routes to its official endpoint, with the key and user agent as given', async () => {
    const built = options({ region: 'us' });
    assert.deepEqual(built, { apiKey: KEY, region: 'us', userAgent: 'test/1' });
    const client = new DashScopeClient(built);
    try {
      assert.equal(client.baseUrl, REGION_BASE_URLS.us);
    } finally {
      await client.close();
    }
  });

  test('a chosen address is checked and normalized before the key goes there; a refused one names its flag or setting', () => {
    assert.equal(options({ baseUrl: { value: ' https://gateway.example.com/api/v1/ ', from: '--base-url' } }).baseUrl, 'https://gateway.example.com/api/v1');
    assert.equal(options({ region: 'beijing', baseUrl: { value: 'http://127.0.0.1:8787/api/v1', from: 'bailian.regionBaseUrls.beijing' } }).baseUrl, 'http://127.0.0.1:8787/api/v1');
    const plain = assembleClientOptions({ ...base, baseUrl: { value: 'http://gateway.example.com/api/v1', from: '--base-url' } });
    assert.equal(plain.ok, false);
    if (plain.ok) return;
    assert.equal(plain.from, '--base-url');
    assert.equal(plain.value, 'http://gateway.example.com/api/v1');
    assert.match(plain.reason, /plain http to another machine.*use https/);
    const withPassword = assembleClientOptions({ ...base, baseUrl: { value: 'https://me:secret@gateway.example.com/api/v1', from: 'bailian.customBaseUrl' } });
    assert.ok(!withPassword.ok && /user name or password/.test(withPassword.reason) && withPassword.from === 'bailian.customBaseUrl');
    const empty = assembleClientOptions({ ...base, baseUrl: { value: '', from: 'bailian.customBaseUrl' } });
    assert.ok(!empty.ok && empty.value === '' && /not a URL/.test(empty.reason), 'the custom region with no address');
  });

  test('a proxy setting wins over the environment; a blank one is none', () => {
    assert.equal(options({ proxy: ' http://proxy.local:3128 ', useEnvProxy: true }).proxyUrl, 'http://proxy.local:3128');
    assert.equal(options({ proxy: ' http://proxy.local:3128 ', useEnvProxy: true }).useEnvProxy, undefined);
    assert.deepEqual(options({ proxy: '  ' }), { apiKey: KEY, userAgent: 'test/1' });
    assert.equal(options({ useEnvProxy: true }).useEnvProxy, true);
  });

  test('the poll scale comes from the raw variable; real time adds no poll tuning', () => {
    const durations: NonNullable<ClientSetup['durations']> = { samples: () => [], record: () => undefined };
    assert.deepEqual(options({ pollScale: '0.02' }).poll, { durationScale: 0.02 });
    for (const real of [undefined, '1', 'fast', '-2', '0']) assert.equal(options({ pollScale: real }).poll, undefined, String(real));
    assert.deepEqual(options({ durations }).poll, { durations });
    assert.deepEqual(options({ pollScale: '0.5', durations }).poll, { durationScale: 0.5, durations });
  });

  test("one account's pacing: its limiter, its pause before every retry, and every retry reported to it and to the caller", () => {
    const seen: string[] = [];
    let paused = 4000;
    const account: AccountPacing = {
      acquire: async () => undefined,
      observeRetry: (event) => seen.push(`account ${event.attempt}`),
      pausedForMs: () => paused,
    };
    const built = options({ account, onRetry: (event) => seen.push(`caller ${event.attempt}`) });
    assert.equal(built.limiter, account);
    assert.equal(built.retryFloorMs?.(), 4000);
    paused = 0;
    assert.equal(built.retryFloorMs?.(), 0, 'read at each retry, not when the client was built');
    built.onRetry?.(retryEvent());
    assert.deepEqual(seen, ['account 1', 'caller 1']);
    const alone = options({ onRetry: (event) => seen.push(`alone ${event.attempt}`) });
    assert.equal(alone.limiter, undefined);
    assert.equal(alone.retryFloorMs, undefined);
    alone.onRetry?.(retryEvent());
    assert.deepEqual(seen.at(-1), 'alone 1');
    assert.equal(options({}).onRetry, undefined);
  });

  test('the rest passes through as given', () => {
    const clock = { now: () => 0, sleep: async () => undefined };
    const logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
    const built = options({ clock, logger, retry: { maxRetries: 1 } });
    assert.equal(built.clock, clock);
    assert.equal(built.logger, logger);
    assert.deepEqual(built.retry, { maxRetries: 1 });
  });
});
