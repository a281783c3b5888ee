/**
 * Transport and SSE edge cases against hand-made byte sequences from a tiny local server:
 * retries (429 with/without Retry-After, 5xx, resets, malformed JSON), what is never retried
 * (4xx, a POST whose body broke), timeouts, aborts, proxies, and SSE framing (BOM, CRLF, split
 * chunks, comments, missing stop, event:error under 200).
 *
 *   node --import tsx --test test/unit/dashscope-transport.test.ts
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, afterEach, describe, test } from 'node:test';
import { Agent } from 'undici';
import { DashScopeClient, DashScopeError, describeRetry, type ProgressEvent, type StreamDelta } from '../../src/dashscope/index';
import { Transport, type RetryEvent } from '../../src/dashscope/transport';
import { JumpingClock, recordingLogger, startScriptedServer, waitUntil, type ScriptedServer } from './client-fixtures';

const KEY = 'sk-transport-test-key-0123456789';
let server: ScriptedServer | undefined;
const clients: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await server?.close();
  server = undefined;
});

function transport(url: string, extra: Partial<ConstructorParameters<typeof Transport>[0]> = {}): Transport {
  const t = new Transport({ apiKey: KEY, baseUrl: url, dispatcher: new Agent(), clock: new JumpingClock(), retry: { random: () => 0.5 }, ...extra });
  clients.push(t);
  return t;
}

const ok = (res: ServerResponse, body: unknown = { output: { ok: true }, request_id: 'req-ok' }) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('retries', () => {
  test('429 with Retry-After is honoured, reported, then succeeds', async () => {
    let n = 0;
    server = await startScriptedServer((_req, res) => {
      if (n++ === 0) {
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '3' });
        res.end(JSON.stringify({ code: 'Throttling.RateQuota', message: 'Requests rate limit exceeded, please try again later.', request_id: 'r429' }));
      } else ok(res);
    });
    const clock = new JumpingClock();
    const events: RetryEvent[] = [];
    const t = transport(server.url, { clock, onRetry: (e) => events.push(e) });
    const res = await t.json({ method: 'POST', path: '/x', json: {} });
    assert.equal(res.requestId, 'req-ok');
    assert.deepEqual(clock.sleeps, [3000]);
    assert.equal(events.length, 1);
    assert.equal(events[0]!.error.code, 'Throttling.RateQuota');
    assert.equal(describeRetry(events[0]!), 'rate limited, retrying in 3 s (attempt 1 of 3)');
  });

  test('429 without Retry-After and 503s back off exponentially with jitter', async () => {
    const statuses = [429, 503, 502];
    server = await startScriptedServer((_req, res) => {
      const s = statuses.shift();
      if (s) {
        res.writeHead(s, { 'content-type': 'application/json' });
        res.end(s === 502 ? '<html>bad gateway</html>' : JSON.stringify({ code: s === 429 ? 'Throttling' : 'ModelUnavailable', message: 'busy' }));
      } else ok(res);
    });
    const clock = new JumpingClock();
    await transport(server.url, { clock }).json({ method: 'POST', path: '/x', json: {} });
    assert.deepEqual(clock.sleeps, [250, 500, 1000], 'random 0.5 × 500·2^(n-1)');
  });

  test('a retry waits out an account-wide pause (retryFloorMs) longer than its own backoff', async () => {
    const statuses = [429, 503];
    server = await startScriptedServer((_req, res) => {
      const s = statuses.shift();
      if (s) {
        res.writeHead(s, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: s === 429 ? 'Throttling' : 'ModelUnavailable', message: 'busy' }));
      } else ok(res);
    });
    const clock = new JumpingClock();
    // What AccountLimits reports after a 429: the account stays paused for 4 s, then 0.
    const floors = [4000, 0];
    await transport(server.url, { clock, retryFloorMs: () => floors.shift() ?? 0 }).json({ method: 'POST', path: '/x', json: {} });
    assert.deepEqual(clock.sleeps, [4000, 500], 'the pause wins over 250 ms; afterwards the backoff applies');
  });

  test('500 exhausting the retries throws the last error', async () => {
    server = await startScriptedServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'InternalError', message: 'An internal error has occured', request_id: 'r500' }));
    });
    await assert.rejects(transport(server.url).json({ method: 'POST', path: '/x', json: {} }), (e: unknown) => e instanceof DashScopeError && e.code === 'InternalError' && e.requestId === 'r500' && e.retriable);
    assert.equal(server.requests.length, 4, '1 try + 3 retries');
  });

  test('4xx validation and auth errors are never retried', async () => {
    server = await startScriptedServer((req, res) => {
      const status = req.url?.endsWith('401') ? 401 : 400;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: status === 401 ? 'InvalidApiKey' : 'InvalidParameter', message: 'no', request_id: 'r' }));
    });
    const t = transport(server.url);
    await assert.rejects(t.json({ method: 'POST', path: '/400', json: {} }), (e: unknown) => e instanceof DashScopeError && e.code === 'InvalidParameter');
    await assert.rejects(t.json({ method: 'GET', path: '/401' }), (e: unknown) => e instanceof DashScopeError && e.code === 'InvalidApiKey');
    assert.equal(server.requests.length, 2);
  });

  test('a Retry-After beyond the limit is not waited for', async () => {
    server = await startScriptedServer((_req, res) => {
      res.writeHead(429, { 'retry-after': '3600' });
      res.end('{"code":"Throttling","message":"later"}');
    });
    await assert.rejects(transport(server.url).json({ method: 'GET', path: '/x' }), (e: unknown) => e instanceof DashScopeError && e.retryAfterMs === 3_600_000);
    assert.equal(server.requests.length, 1);
  });

  test('connection reset before headers is retried', async () => {
    let n = 0;
    server = await startScriptedServer((req, res) => {
      if (n++ < 2) req.socket.destroy();
      else ok(res);
    });
    const res = await transport(server.url).json({ method: 'POST', path: '/x', json: {} });
    assert.equal(res.status, 200);
    assert.equal(server.requests.length, 3);
  });

  test('a POST whose 200 body broke mid-way is NOT repeated (it may be billed); a GET is', async () => {
    let n = 0;
    server = await startScriptedServer((req, res) => {
      if (req.method === 'GET' && n++ > 0) return ok(res);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"output":{', () => res.socket?.destroy());
    });
    const t = transport(server.url);
    await assert.rejects(t.json({ method: 'POST', path: '/gen', json: {} }), (e: unknown) => e instanceof DashScopeError && e.code === 'NetworkError' && e.retriable);
    assert.equal(server.requests.filter((r) => r.method === 'POST').length, 1);
    const res = await t.json({ method: 'GET', path: '/task' });
    assert.equal(res.status, 200);
    assert.equal(server.requests.filter((r) => r.method === 'GET').length, 2);
  });

  test('malformed JSON: retried on GET, MalformedResponse on POST', async () => {
    let n = 0;
    server = await startScriptedServer((req, res) => {
      if (req.method === 'GET' && n++ > 0) return ok(res);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"output":{"choi\u0000<html>');
    });
    const t = transport(server.url);
    await assert.rejects(t.json({ method: 'POST', path: '/gen', json: {} }), (e: unknown) => e instanceof DashScopeError && e.code === 'MalformedResponse' && e.httpStatus === 200);
    assert.equal((await t.json({ method: 'GET', path: '/t' })).status, 200);
  });
});

describe('timeouts, aborts, headers, proxies', () => {
  test('headers timeout → Timeout error', async () => {
    server = await startScriptedServer(() => undefined);
    const t = transport(server.url, { timeouts: { headersMs: 150 }, retry: { maxRetries: 0 } });
    await assert.rejects(t.json({ method: 'GET', path: '/slow' }), (e: unknown) => e instanceof DashScopeError && e.code === 'Timeout' && /waiting for the response/.test(e.message));
  });

  test('abort mid-request rejects with the signal reason and closes the connection', async () => {
    let closed = false;
    server = await startScriptedServer((_req, res) => {
      res.on('close', () => (closed = true));
    });
    const t = transport(server.url);
    const ac = new AbortController();
    const p = t.json({ method: 'POST', path: '/gen', json: {}, signal: ac.signal });
    await waitUntil(() => server!.requests.length === 1, 5000, 'request');
    ac.abort();
    await assert.rejects(p, (e: unknown) => (e as Error).name === 'AbortError');
    await waitUntil(() => closed, 5000, 'server-side close');
  });

  test('headers: Bearer key only to the API host, user-agent, JSON; logs never contain the key', async () => {
    server = await startScriptedServer((_req, res) => ok(res));
    const logger = recordingLogger();
    const t = transport(server.url, { logger, workspace: 'llm-ws' });
    await t.json({ method: 'POST', path: '/api', json: { a: 1 } });
    await t.json({ method: 'GET', url: `${server.url}/result.png` });
    const [api, other] = server.requests;
    assert.equal(api!.headers.authorization, `Bearer ${KEY}`);
    assert.equal(api!.headers['content-type'], 'application/json');
    assert.equal(api!.headers['x-dashscope-workspace'], 'llm-ws');
    assert.match(String(api!.headers['user-agent']), /^bailian-image-studio\//);
    assert.equal(other!.headers.authorization, undefined, 'no key to other hosts');
    assert.ok(logger.lines.length > 0);
    for (const line of logger.lines) assert.ok(!line.includes(KEY), line);
  });

  test('proxyUrl → requests go through an HTTP CONNECT proxy', async () => {
    server = await startScriptedServer((_req, res) => ok(res));
    const target = new URL(server.url);
    let connects = 0;
    const proxy: Server = createServer();
    proxy.on('connect', (req, socket, head) => {
      connects++;
      const [host, port] = (req.url ?? '').split(':');
      const upstream = connect(Number(port), host, () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    try {
      const client = new DashScopeClient({ apiKey: KEY, baseUrl: `${server.url}/api/v1`, proxyUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` });
      clients.push(client);
      const snap = await client.getTask('abc').catch((e: unknown) => e);
      assert.ok(connects >= 1, 'the proxy saw a CONNECT');
      assert.equal(server.requests[0]!.url, '/api/v1/tasks/abc');
      assert.equal(`${target.hostname}:${target.port}`, server.url.replace('http://', ''));
      assert.ok(snap instanceof DashScopeError, 'the scripted body has no task fields');
    } finally {
      await new Promise<void>((r) => {
        proxy.close(() => r());
        proxy.closeAllConnections();
      });
    }
  });
});

describe('SSE edge cases through DashScopeClient.stream', () => {
  const chunk = (content: object, finish: string, usage: object = {}) =>
    JSON.stringify({ output: { choices: [{ message: { content: [content], role: 'assistant' }, finish_reason: finish }], finished: finish === 'stop' }, usage, request_id: 'sse-req' });

  async function streamOf(parts: (string | Buffer)[], opts: { status?: number; hang?: boolean } = {}): Promise<{ client: DashScopeClient }> {
    server = await startScriptedServer(async (_req, res) => {
      res.writeHead(opts.status ?? 200, { 'content-type': 'text/event-stream;charset=UTF-8' });
      for (const p of parts) {
        await new Promise<void>((r) => res.write(p, () => r()));
        await new Promise((r) => setImmediate(r));
      }
      if (!opts.hang) res.end();
    });
    const client = new DashScopeClient({ apiKey: KEY, baseUrl: `${server.url}/api/v1` });
    clients.push(client);
    return { client };
  }

  const req = { model: 'wan2.6-image:interleave', prompt: '辣椒炒肉教程', maxImages: 2 };

  test('BOM, CRLF, comments, events and a multi-byte character split across chunks', async () => {
    const text1 = chunk({ type: 'text', text: '辣椒' }, 'null', { input_tokens: 28, output_tokens: 1, total_tokens: 29, image_count: 0, size: '0*0' });
    const img = chunk({ type: 'image', image: 'https://r/1.png' }, 'null', { input_tokens: 28, output_tokens: 200, total_tokens: 228, image_count: 1, size: '1280*1280' });
    const last = chunk({ type: 'text', text: '炒肉。' }, 'stop', { input_tokens: 28, output_tokens: 210, total_tokens: 238, image_count: 1, size: '1280*1280' });
    const wire = Buffer.from(
      `\uFEFF: keep-alive\r\nid:1\r\nevent:result\r\n:HTTP_STATUS/200\r\ndata:${text1}\r\n\r\n` +
        `id:2\r\nevent:result\r\n:HTTP_STATUS/200\r\ndata:${img}\r\n\r\n:heartbeat\r\n\r\n` +
        `id:3\r\nevent:result\r\n:HTTP_STATUS/200\r\ndata:${last}\r\n\r\n`,
      'utf8',
    );
    // Split inside the BOM, inside "data:", and inside a 3-byte UTF-8 character.
    const cjk = wire.indexOf(Buffer.from('炒'));
    const cuts = [1, 30, cjk + 1, wire.length - 5];
    const parts: Buffer[] = [];
    let prev = 0;
    for (const c of cuts) {
      parts.push(wire.subarray(prev, c));
      prev = c;
    }
    parts.push(wire.subarray(prev));
    const { client } = await streamOf(parts);
    const deltas: StreamDelta[] = [];
    for await (const d of client.stream(req)) deltas.push(d);
    assert.deepEqual(
      deltas.filter((d) => d.type !== 'usage'),
      [
        { type: 'text', text: '辣椒' },
        { type: 'image', url: 'https://r/1.png', index: 0, width: 1280, height: 1280 },
        { type: 'text', text: '炒肉。' },
        { type: 'done', requestId: 'sse-req' },
      ],
    );
    assert.equal(deltas.filter((d) => d.type === 'usage').length, 3);
    const sent = server!.requests[0]!;
    assert.equal(sent.headers['x-dashscope-sse'], 'enable');
    assert.equal(sent.headers.accept, 'text/event-stream');
    assert.deepEqual(JSON.parse(sent.body.toString()).parameters, { max_images: 2, enable_interleave: true, stream: true });
  });

  test('data: lines only, "finished": true on every chunk (§3.3 HTTP example), the last chunk an image', async () => {
    // [NODE]/[CNB] read only data: lines; a server may omit id/event/comments. `finished` is not
    // trusted to end the stream (the doc's raw example sets it on every chunk): only "stop" does.
    const ev = (content: object, finish: string, imageCount: number) =>
      `data:${JSON.stringify({ output: { choices: [{ message: { content: [content], role: 'assistant' }, finish_reason: finish }], finished: true }, usage: { image_count: imageCount, size: imageCount ? '1280*1280' : '0*0' }, request_id: 'only-data' })}\n\n`;
    const { client } = await streamOf([
      ev({ type: 'text', text: 'Step 1' }, 'null', 0),
      ev({ type: 'image', image: 'https://r/1.png' }, 'null', 1),
      ev({ type: 'text', text: 'Step 2' }, 'null', 1),
      ev({ type: 'image', image: 'https://r/2.png' }, 'stop', 2),
    ]);
    const r = await client.generate(req);
    assert.deepEqual(r.parts, [
      { type: 'text', text: 'Step 1' },
      { type: 'image', imageIndex: 0 },
      { type: 'text', text: 'Step 2' },
      { type: 'image', imageIndex: 1 },
    ]);
    assert.deepEqual(r.images.map((i) => [i.url, i.width, i.height]), [['https://r/1.png', 1280, 1280], ['https://r/2.png', 1280, 1280]]);
    assert.equal(r.usage.imageCount, 2);
    assert.equal(r.requestId, 'only-data');
  });

  test('an error answered as a non-200 SSE body (§3.4) keeps its code, message and request id', async () => {
    const wire = `id:1\nevent:error\n:HTTP_STATUS/400\ndata:{"code":"InvalidParameter","message":"num_images_per_prompt must be 1","request_id":"sse-400"}\n\n`;
    const { client } = await streamOf([wire], { status: 400 });
    await assert.rejects(
      client.generate(req),
      (e: unknown) => e instanceof DashScopeError && e.httpStatus === 400 && e.code === 'InvalidParameter' && e.message === 'num_images_per_prompt must be 1' && e.requestId === 'sse-400' && e.retriable === false,
    );
  });

  test('a stream that ends without finish_reason "stop" is StreamIncomplete, with the partial output', async () => {
    const { client } = await streamOf([`id:1\nevent:result\n:HTTP_STATUS/200\ndata:${chunk({ type: 'text', text: 'Step one' }, 'null')}\n\n`, `id:2\nevent:result\n:HTTP_STATUS/200\ndata:${chunk({ type: 'image', image: 'https://r/a.png' }, 'null')}\n\n`]);
    const got: StreamDelta[] = [];
    await assert.rejects(
      (async () => {
        for await (const d of client.stream(req)) got.push(d);
      })(),
      (e: unknown) => {
        assert.ok(e instanceof DashScopeError);
        assert.equal(e.code, 'StreamIncomplete');
        assert.equal(e.retriable, true);
        assert.deepEqual(e.details, { text: 'Step one', images: ['https://r/a.png'] });
        return true;
      },
    );
    assert.equal(got.filter((d) => d.type !== 'usage').length, 2, 'deltas before the cut were delivered');
  });

  test('event:error under HTTP 200 (and generate() surfaces it too)', async () => {
    const wire = `id:1\nevent:error\n:HTTP_STATUS/400\ndata:{"code":"DataInspectionFailed","message":"Output data may contain inappropriate content.","request_id":"err-req"}\n`;
    const { client } = await streamOf([wire]);
    const check = (e: unknown) => e instanceof DashScopeError && e.code === 'DataInspectionFailed' && e.httpStatus === 400 && e.requestId === 'err-req' && /moderation/.test(e.hint);
    await assert.rejects(
      (async () => {
        for await (const _ of client.stream(req)) void _;
      })(),
      check,
    );
    await assert.rejects(client.generate(req), check);
  });

  test('abort mid-stream stops the body', async () => {
    let closed = false;
    server = await startScriptedServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`id:1\nevent:result\n:HTTP_STATUS/200\ndata:${chunk({ type: 'text', text: 'first' }, 'null')}\n\n`);
      res.on('close', () => (closed = true));
    });
    const client = new DashScopeClient({ apiKey: KEY, baseUrl: `${server.url}/api/v1` });
    clients.push(client);
    const ac = new AbortController();
    const progress: ProgressEvent[] = [];
    const p = client.generate(req, { signal: ac.signal, onProgress: (e) => progress.push(e) });
    await waitUntil(() => progress.some((e) => e.type === 'delta'), 5000, 'first delta');
    ac.abort();
    await assert.rejects(p, (e: unknown) => (e as Error).name === 'AbortError');
    await waitUntil(() => closed, 5000, 'server-side close');
  });

  test('a non-200 error before streaming (401 JSON)', async () => {
    server = await startScriptedServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end('{"code":"InvalidApiKey","message":"Invalid API-key provided.","request_id":"r401"}');
    });
    const client = new DashScopeClient({ apiKey: KEY, baseUrl: `${server.url}/api/v1` });
    clients.push(client);
    await assert.rejects(client.generate(req), (e: unknown) => e instanceof DashScopeError && e.httpStatus === 401 && e.code === 'InvalidApiKey' && !e.message.includes(KEY));
  });
});

after(async () => {
  await server?.close();
});
