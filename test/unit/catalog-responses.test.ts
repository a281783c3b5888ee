/**
 * Responses of qwen-image-2.0/3.0 and wan2.7, from the reference's examples (newer-models.md §3–§5): the
 * wan2.7 image set (one choice, several image items) sync and as a task result, qwen-image-3.0's
 * usage names, qwen-image-2.0 without task_metric; and the client end to end against a local
 * server: the pinned wire id on the wire and in the result, boxes checked against local images.
 *
 *   node --import tsx --test test/unit/catalog-responses.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { getModel } from '../../src/dashscope/catalog';
import { DashScopeClient } from '../../src/dashscope/client';
import { RequestValidationError } from '../../src/dashscope/errors';
import { ResponseEnvelopeSchema, TaskResponseSchema, normalizeResponse } from '../../src/dashscope/schemas';
import { JumpingClock, makePng, startScriptedServer, type ScriptedServer } from './client-fixtures';

/** N§3 "Sync success", verbatim. */
const WAN27_SYNC = `{"output":{"choices":[{"finish_reason":"stop","message":{"content":[{"image":"https://dashscope-result.example/a.png?Expires=1","type":"image"}],"role":"assistant"}}],"finished":true},"usage":{"image_count":1,"input_tokens":10867,"output_tokens":2,"size":"1488*704","total_tokens":10869},"request_id":"req-wan27"}`;

/** N§3 "Image-set result": one choice, four image items, usage.image_count 4. */
const WAN27_SET = JSON.stringify({
  output: {
    choices: [{ finish_reason: 'stop', message: { role: 'assistant', content: [1, 2, 3, 4].map((i) => ({ image: `https://r.example/set-${i}.png`, type: 'image' })) } }],
    finished: true,
  },
  usage: { image_count: 4, input_tokens: 120, output_tokens: 8, size: '2048*2048', total_tokens: 128 },
  request_id: 'req-set',
});

/** N§3 "Async task result" with the image-set layout. */
const WAN27_SET_TASK = JSON.stringify({
  request_id: 'req-task',
  output: {
    task_id: 'task-27',
    task_status: 'SUCCEEDED',
    submit_time: '2026-11-20 10:00:00.000',
    scheduled_time: '2026-11-20 10:00:00.100',
    end_time: '2026-11-20 10:00:40.000',
    finished: true,
    choices: [{ finish_reason: 'stop', message: { role: 'assistant', content: [1, 2, 3].map((i) => ({ image: `https://r.example/t-${i}.png`, type: 'image' })) } }],
  },
  usage: { size: '2048*2048', total_tokens: 99, image_count: 3, output_tokens: 3, input_tokens: 96 },
});

/** N§5: qwen-image-3.0 sync response with its own usage names. */
const QWEN3_SYNC = JSON.stringify({
  output: { choices: [{ finish_reason: 'stop', message: { role: 'assistant', content: [{ image: 'https://r.example/q3-1.png' }, { image: 'https://r.example/q3-2.png' }] } }], rewrite_status: 'not_use' },
  usage: { output_width: 1536, output_height: 1024, input_image_count: 0, input_image_type: 'qima_input_1k', output_image_count: 2, output_image_type: 'qima_output_2k' },
  request_id: 'req-q3',
});

/** §2.3 doc example for qwen-image-2.0-pro (no task_metric on the 2.0 series). */
const QWEN2_SYNC = `{"output":{"choices":[{"finish_reason":"stop","message":{"content":[{"image":"https://r.example/q2.png?Expires=xxx"}],"role":"assistant"}}]},"usage":{"height":2048,"image_count":1,"width":2048},"request_id":"d0250a3d-0000"}`;

describe('parsing the responses of qwen-image-2.0/3.0 and wan2.7', () => {
  test('wan2.7 sync: one image with usage.size', () => {
    const r = normalizeResponse(ResponseEnvelopeSchema.parse(JSON.parse(WAN27_SYNC)), { spec: getModel('wan2.7-image-pro'), family: 'wan' });
    assert.deepEqual(r.images, [{ index: 0, url: 'https://dashscope-result.example/a.png?Expires=1', width: 1488, height: 704 }]);
    assert.equal(r.requestId, 'req-wan27');
    assert.equal(r.text, '');
    assert.deepEqual(r.failures, []);
  });

  test('wan2.7 image set: one choice with four image items → four images in order', () => {
    const r = normalizeResponse(ResponseEnvelopeSchema.parse(JSON.parse(WAN27_SET)), { spec: getModel('wan2.7-image-pro'), family: 'wan', seed: 5 });
    assert.deepEqual(r.images.map((i) => [i.index, i.url, i.width, i.height]), [1, 2, 3, 4].map((i) => [i - 1, `https://r.example/set-${i}.png`, 2048, 2048]));
    assert.deepEqual(r.parts, [0, 1, 2, 3].map((imageIndex) => ({ type: 'image', imageIndex })));
    assert.equal(r.usage.imageCount, 4);
    // The seed is known for the first image only (the service does not say how it seeds the rest).
    assert.deepEqual(r.images.map((i) => i.seed), [5, undefined, undefined, undefined]);
  });

  test('wan2.7 image set as a task result: same layout, times kept', () => {
    const r = normalizeResponse(TaskResponseSchema.parse(JSON.parse(WAN27_SET_TASK)), { spec: getModel('wan2.7-image'), family: 'choices' });
    assert.deepEqual(r.images.map((i) => i.url), ['https://r.example/t-1.png', 'https://r.example/t-2.png', 'https://r.example/t-3.png']);
    assert.equal(r.taskId, 'task-27');
    assert.equal(r.endTime, '2026-11-20 10:00:40.000');
    assert.equal(r.usage.imageCount, 3);
  });

  test('qwen-image-3.0: output_width / output_height / output_image_count', () => {
    const r = normalizeResponse(ResponseEnvelopeSchema.parse(JSON.parse(QWEN3_SYNC)), { spec: getModel('qwen-image-3.0-pro'), family: getModel('qwen-image-3.0-pro').response });
    assert.deepEqual(r.images.map((i) => [i.url, i.width, i.height]), [
      ['https://r.example/q3-1.png', 1536, 1024],
      ['https://r.example/q3-2.png', 1536, 1024],
    ]);
    assert.equal(r.usage.imageCount, 2);
  });

  test('qwen-image-2.0-pro: no task_metric, width/height in usage', () => {
    const r = normalizeResponse(ResponseEnvelopeSchema.parse(JSON.parse(QWEN2_SYNC)), { spec: getModel('qwen-image-2.0-pro'), family: 'qwen' });
    assert.deepEqual(r.images, [{ index: 0, url: 'https://r.example/q2.png?Expires=xxx', width: 2048, height: 2048 }]);
    assert.deepEqual(r.failures, []);
  });
});

describe('the client end to end (local server)', () => {
  const KEY = 'sk-test-model-responses-0001';
  let server: ScriptedServer;
  let dir: string;
  let taskPolls = 0;
  const clients: DashScopeClient[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'catalog-responses-'));
    server = await startScriptedServer((req, res, body) => {
      const json = (status: number, payload: string): void => {
        res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'hdr-req' });
        res.end(payload);
      };
      if (req.method === 'POST' && req.url === '/api/v1/services/aigc/multimodal-generation/generation') {
        const model = (JSON.parse(body.toString('utf8')) as { model: string }).model;
        return json(200, model.startsWith('wan2.7') ? WAN27_SET : QWEN2_SYNC);
      }
      if (req.method === 'POST' && req.url === '/api/v1/services/aigc/image-generation/generation') {
        return json(200, JSON.stringify({ output: { task_id: 'task-27', task_status: 'PENDING' }, request_id: 'req-submit' }));
      }
      if (req.method === 'GET' && req.url === '/api/v1/tasks/task-27') {
        taskPolls++;
        return json(200, taskPolls < 2 ? JSON.stringify({ output: { task_id: 'task-27', task_status: 'RUNNING' }, request_id: 'req-poll' }) : WAN27_SET_TASK);
      }
      json(404, JSON.stringify({ code: 'NotFound', message: 'no route' }));
    });
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });
  const client = (): DashScopeClient => {
    const c = new DashScopeClient({ apiKey: KEY, baseUrl: `${server.url}/api/v1`, clock: new JumpingClock() });
    clients.push(c);
    return c;
  };
  const bodyOf = (i: number): Record<string, unknown> => JSON.parse(server.requests[i]!.body.toString('utf8')) as Record<string, unknown>;

  test('a pinned snapshot goes on the wire and into the result', async () => {
    const start = server.requests.length;
    const r = await client().generate({ model: 'qwen-image-2.0-pro', version: '2026-03-03', prompt: 'a lighthouse', size: '2048*2048' });
    assert.equal(bodyOf(start).model, 'qwen-image-2.0-pro-2026-03-03');
    assert.equal(r.model, 'qwen-image-2.0-pro');
    assert.equal(r.wireModel, 'qwen-image-2.0-pro-2026-03-03');
    assert.equal(r.images.length, 1);
  });

  test('wan2.7 image set, sync: the body and four images', async () => {
    const start = server.requests.length;
    const r = await client().generate({ model: 'wan2.7-image-pro', prompt: '电影感组图', enableSequential: true, n: 4, size: '2K' });
    assert.deepEqual(bodyOf(start), { model: 'wan2.7-image-pro', input: { messages: [{ role: 'user', content: [{ text: '电影感组图' }] }] }, parameters: { enable_sequential: true, n: 4, size: '2K' } });
    assert.equal(r.images.length, 4);
    assert.equal(r.wireModel, 'wan2.7-image-pro');
  });

  test('wan2.7 image set, async: submitted with X-DashScope-Async, polled, three images', async () => {
    const start = server.requests.length;
    const r = await client().generate({ model: 'wan2.7-image', prompt: 'three postcards', enableSequential: true, n: 3 }, { async: true });
    const submit = server.requests[start]!;
    assert.equal(submit.url, '/api/v1/services/aigc/image-generation/generation');
    assert.equal(submit.headers['x-dashscope-async'], 'enable');
    assert.deepEqual(bodyOf(start).parameters, { enable_sequential: true, n: 3 });
    assert.deepEqual(r.images.map((i) => i.url), ['https://r.example/t-1.png', 'https://r.example/t-2.png', 'https://r.example/t-3.png']);
    assert.equal(r.taskId, 'task-27');
  });

  test('boxes are checked against a local image before anything is sent', async () => {
    const path = join(dir, 'photo.png');
    await writeFile(path, makePng(300, 250));
    const start = server.requests.length;
    await assert.rejects(
      client().generate({ model: 'wan2.7-image-pro', prompt: 'x', images: [path], bboxList: [[[10, 10, 301, 100]]] }),
      (e: unknown) => e instanceof RequestValidationError && /Box \[10, 10, 301, 100\] reaches outside image 1, which is 300×250 px/.test(e.message),
    );
    assert.equal(server.requests.length, start, 'nothing was sent');
    // Inside the image it goes through, the image inlined as a data: URI.
    await client().generate({ model: 'wan2.7-image-pro', prompt: 'x', images: [path], bboxList: [[[10, 10, 300, 250]]] });
    const content = (bodyOf(start).input as { messages: { content: Record<string, string>[] }[] }).messages[0]!.content;
    assert.match(content[0]!.image!, /^data:image\/png;base64,/);
    assert.deepEqual((bodyOf(start).parameters as Record<string, unknown>).bbox_list, [[[10, 10, 300, 250]]]);
  });
});
