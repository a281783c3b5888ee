/**
 * Every response body in ../shared/reference/captures parses: normalized results, error
 * envelopes, SSE bodies (including the one with a BOM), task states, the upload policy. Each body
 * is checked twice: through the pure parsers, and replayed byte for byte (BOM included) by a local
 * server through the real transport.
 *
 *   node --import tsx --test test/unit/dashscope-captures.test.ts
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { Agent } from 'undici';
import { getModel } from '../../src/dashscope/catalog';
import { DashScopeError, errorFromEnvelope } from '../../src/dashscope/errors';
import { ResponseEnvelopeSchema, TaskResponseSchema, UploadPolicySchema, normalizeResponse, stripBom, taskSnapshotOf } from '../../src/dashscope/schemas';
import { collectStream, readSseEvents, sseToDeltas, type StreamDelta } from '../../src/dashscope/stream';
import { Transport } from '../../src/dashscope/transport';
import { capture, captureStatus, capturesDir, startScriptedServer, type ScriptedServer } from './client-fixtures';

const body = (name: string): string => stripBom(capture(`${name}.response.body.txt`).toString('utf8'));
const json = (name: string): unknown => JSON.parse(body(name));

/** Every case with a response body, and which test covers it (a new capture must be added here). */
const COVERED = new Set([
  'auth-error-nosse',
  'cancel-completed-task-nosse',
  'get-task-image-generation-success-nosse',
  'get-task-image-synthesis-success-nosse',
  'get-task-running-nosse',
  'get-task-unknown-nosse',
  'get-upload-policy-nosse',
  'image-generation-nosse',
  'image-synthesis-nosse',
  'image2image-synthesis-translation-nosse',
  'multimodal-generation-image-nosse',
  'multimodal-generation-vl-sse',
  'parameter-error-nosse',
  'parameter-error-sse',
]);

describe('captures folder', () => {
  test('exists beside the clone and every response body is covered', () => {
    const names = readdirSync(capturesDir())
      .filter((f) => f.endsWith('.response.body.txt'))
      .map((f) => f.replace('.response.body.txt', ''));
    assert.ok(names.length >= 14, `only ${names.length} response bodies found`);
    for (const n of names) assert.ok(COVERED.has(n), `capture ${n} has no parsing test`);
  });
});

describe('captured sync and task responses normalize', () => {
  test('qwen-image-max sync (task_metric singular, usage width/height)', () => {
    const parsed = ResponseEnvelopeSchema.parse(json('multimodal-generation-image-nosse'));
    const spec = getModel('qwen-image-max');
    const r = normalizeResponse(parsed, { spec, family: spec.response, seed: 233, prompt: 'x' });
    assert.equal(r.images.length, 1);
    assert.match(r.images[0]!.url, /^https:\/\/dashscope-7c2c\.oss-cn-shanghai\.aliyuncs\.com\/.*\.png\?Expires=1781778573/);
    assert.equal(r.images[0]!.width, 1664);
    assert.equal(r.images[0]!.height, 928);
    assert.equal(r.images[0]!.seed, 233);
    assert.equal(r.requestId, '5795d646-7395-91d2-85d7-34d8b99a3d8d');
    assert.deepEqual(r.usage, { imageCount: 1 });
    assert.deepEqual(r.failures, []);
    assert.deepEqual(r.parts, [{ type: 'image', imageIndex: 0 }]);
    assert.equal(r.text, '');
  });

  test('text2image SUCCEEDED (wanx-v1): four results, metrics, times, seeds seed+i', () => {
    const parsed = TaskResponseSchema.parse(json('get-task-image-synthesis-success-nosse'));
    const snap = taskSnapshotOf(parsed);
    assert.equal(snap.status, 'SUCCEEDED');
    assert.deepEqual(snap.metrics, { total: 4, succeeded: 4, failed: 0 });
    assert.equal(snap.endTime, '2024-03-01 17:38:55.565');
    const spec = getModel('wan2.2-t2i-flash');
    const r = normalizeResponse(parsed, { spec, family: 'results', seed: 42, size: '1024*1024' });
    assert.equal(r.images.length, 4);
    assert.deepEqual(r.images.map((i) => i.seed), [42, 43, 44, 45]);
    assert.deepEqual(r.images.map((i) => i.index), [0, 1, 2, 3]);
    assert.equal(r.images[0]!.width, 1024);
    assert.equal(r.taskId, '9e2b6ef6-285d-4efa-8651-4dbda7d571fa');
    assert.equal(r.usage.imageCount, 4);
  });

  test('image-generation SUCCEEDED with model-specific extra keys (style_index, error_code)', () => {
    const parsed = TaskResponseSchema.parse(json('get-task-image-generation-success-nosse'));
    assert.equal(parsed.output.task_status, 'SUCCEEDED');
    const spec = getModel('wan2.6-image');
    const r = normalizeResponse(parsed, { spec, family: 'choices' });
    assert.equal(r.images.length, 1);
    assert.match(r.images[0]!.url, /style3_jxdf6o4zwy\.jpg$/);
    assert.equal(taskSnapshotOf(parsed).endTime, '2024-03-02 22:22:21');
  });

  test('RUNNING and UNKNOWN task states', () => {
    const running = taskSnapshotOf(TaskResponseSchema.parse(json('get-task-running-nosse')));
    assert.equal(running.status, 'RUNNING');
    assert.equal(running.scheduledTime, '2024-03-01 17:38:24.831');
    assert.deepEqual(running.metrics, { total: 4, succeeded: 0, failed: 0 });
    const unknown = taskSnapshotOf(TaskResponseSchema.parse(json('get-task-unknown-nosse')));
    assert.equal(unknown.status, 'UNKNOWN');
    assert.equal(unknown.taskId, '1111');
    assert.equal(unknown.requestId, '85c25460-6440-91a7-b14e-2978fe60bd0f');
  });

  for (const name of ['image-synthesis-nosse', 'image-generation-nosse', 'image2image-synthesis-translation-nosse']) {
    test(`submit response ${name} → PENDING task`, () => {
      const snap = taskSnapshotOf(TaskResponseSchema.parse(json(name)));
      assert.equal(snap.status, 'PENDING');
      assert.match(snap.taskId, /^[0-9a-f-]{36}$/);
      assert.ok(snap.requestId);
    });
  }

  test('upload policy', () => {
    const p = UploadPolicySchema.parse(json('get-upload-policy-nosse')).data;
    assert.equal(p.upload_host, 'https://dashscope-file-mgr.oss-cn-beijing.aliyuncs.com');
    assert.match(p.upload_dir, /^dashscope-instant\//);
    assert.equal(p.x_oss_object_acl, 'private');
    assert.equal(p.x_oss_forbid_overwrite, 'true');
    assert.equal(p.oss_access_key_id, 'accessKeyId');
  });
});

describe('captured error envelopes', () => {
  test('401 InvalidApiKey: region hint', () => {
    const e = errorFromEnvelope(captureStatus('auth-error-nosse'), json('auth-error-nosse'));
    assert.equal(e.httpStatus, 401);
    assert.equal(e.code, 'InvalidApiKey');
    assert.equal(e.message, 'Invalid API-key provided.');
    assert.equal(e.requestId, 'a1c0561c-1dfe-98a6-a62f-983577b8bc5e');
    assert.equal(e.retriable, false);
    assert.match(e.hint, /region/);
  });
  test('400 InvalidParameter: the service message is the hint', () => {
    const e = errorFromEnvelope(captureStatus('parameter-error-nosse'), json('parameter-error-nosse'));
    assert.equal(e.code, 'InvalidParameter');
    assert.equal(e.retriable, false);
    assert.match(e.hint, /Role must be user or assistant/);
  });
  test('400 UnsupportedOperation (cancel, request_id first, BOM)', () => {
    const e = errorFromEnvelope(captureStatus('cancel-completed-task-nosse'), json('cancel-completed-task-nosse'));
    assert.equal(e.code, 'UnsupportedOperation');
    assert.equal(e.requestId, '4d496c94-1389-9ca9-a92a-3e732f675686');
    assert.match(e.hint, /PENDING/);
  });
});

async function deltasOf(bytes: Buffer, chunkSize = bytes.length): Promise<StreamDelta[]> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  const out: StreamDelta[] = [];
  for await (const d of sseToDeltas(readSseEvents(Readable.from(chunks)))) out.push(d);
  return out;
}

describe('captured SSE bodies', () => {
  const expectedText = (): string => {
    const events = body('multimodal-generation-vl-sse').split('\n').filter((l) => l.startsWith('data:'));
    return events.map((l) => (JSON.parse(l.slice(5)) as { output: { choices: { message: { content: { text: string }[] } }[] } }).output.choices[0]!.message.content[0]!.text).join('');
  };

  test('vl stream: 14 text deltas, usage, done; same result in 1-byte chunks', async () => {
    const raw = capture('multimodal-generation-vl-sse.response.body.txt');
    for (const size of [raw.length, 7, 1]) {
      const deltas = await deltasOf(raw, size);
      const texts = deltas.filter((d) => d.type === 'text');
      assert.equal(texts.length, 14, `chunk size ${size}`);
      assert.equal(texts.map((d) => (d as { text: string }).text).join(''), expectedText());
      assert.deepEqual(deltas.at(-1), { type: 'done', requestId: '13c5644d-339c-928a-a09a-e0414bfaa95c' });
      const usage = deltas.filter((d) => d.type === 'usage').at(-1) as { usage: { outputTokens?: number } };
      assert.equal(usage.usage.outputTokens, 85);
    }
  });

  test('vl stream collected into one result', async () => {
    const raw = capture('multimodal-generation-vl-sse.response.body.txt');
    const r = await collectStream(sseToDeltas(readSseEvents(Readable.from([raw]))), { model: 'wan2.6-image:interleave' });
    assert.equal(r.text, expectedText());
    assert.equal(r.parts.length, 1);
    assert.equal(r.requestId, '13c5644d-339c-928a-a09a-e0414bfaa95c');
  });

  test('error stream with a BOM and no final blank line → DashScopeError from event:error', async () => {
    const raw = capture('parameter-error-sse.response.body.txt');
    assert.deepEqual([...raw.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'the capture starts with a BOM');
    for (const size of [raw.length, 1]) {
      await assert.rejects(deltasOf(raw, size), (e: unknown) => {
        assert.ok(e instanceof DashScopeError);
        assert.equal(e.code, 'InvalidParameter');
        assert.equal(e.httpStatus, 400, 'status from the :HTTP_STATUS/400 comment');
        assert.equal(e.requestId, '7671ecd8-93cc-9ee9-bc89-739f0fd8b809');
        assert.match(e.message, /Role must be user or assistant/);
        return true;
      });
    }
  });
});

describe('captures replayed through the transport (BOM and all)', () => {
  let server: ScriptedServer;
  let transport: Transport;
  const jsonCases = [...COVERED].filter((n) => !n.endsWith('-sse'));

  before(async () => {
    server = await startScriptedServer((req, res) => {
      const name = decodeURIComponent((req.url ?? '/').split('/').pop() ?? '');
      const status = captureStatus(name);
      res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' });
      res.end(capture(`${name}.response.body.txt`));
    });
    transport = new Transport({ apiKey: 'sk-test', baseUrl: server.url, dispatcher: new Agent(), retry: { maxRetries: 0 } });
  });
  after(async () => {
    await transport.close();
    await server.close();
  });

  for (const name of jsonCases) {
    test(name, async () => {
      const status = captureStatus(name);
      const call = transport.json({ method: 'GET', path: `/${encodeURIComponent(name)}` });
      if (status === 200) {
        const res = await call;
        assert.equal(res.status, 200);
        assert.ok(typeof res.body === 'object' && res.body !== null);
        assert.ok(res.requestId, 'request_id read from the body');
      } else {
        await assert.rejects(call, (e: unknown) => e instanceof DashScopeError && e.httpStatus === status && e.code === (json(name) as { code: string }).code);
      }
    });
  }
});
