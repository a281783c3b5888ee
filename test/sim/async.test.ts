/**
 * Async tasks (reference §4, §5): the three submit endpoints, task lifecycle with timestamps,
 * results per family, qwen-mt-image rules and results, cancel, UNKNOWN, account isolation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeClock, type Simulator } from './index.js';
import { I2I, IMGGEN, T2I, api, assertError, asyncHeaders, dataUri, download, jpgSize, msgBody, png, pngSize, pollTask, start } from './calls.js';
import { formatTaskTime, parseTaskTime } from './service-formats.js';

let sim: Simulator;
let textImage: string;
let flatImage: string;
before(async () => {
  sim = await start({ timing: { pendingMs: 70, runningMs: 70 } });
  await api(sim, '/tasks/warm-up'); // the first request of a process is slow; keep it out of the lifecycle test
  textImage = sim.assets.putStatic('sign.png', png(300, 200), 'image/png');
  flatImage = sim.assets.putStatic('flat.png', png(120, 90, { flat: true }), 'image/png');
});
after(() => sim.stop());

const submit = (path: string, body: unknown, key?: string) => api(sim, path, { body, headers: asyncHeaders, key });
const TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/;

async function submitOk(path: string, body: unknown): Promise<string> {
  const r = await submit(path, body);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(Object.keys(r.json), ['output', 'request_id']);
  assert.equal(r.json.output.task_status, 'PENDING');
  assert.match(r.json.output.task_id, /^[0-9a-f-]{36}$/);
  assert.equal(r.headers.get('x-request-id'), r.json.request_id);
  return r.json.output.task_id;
}

const done = async (id: string) => (await pollTask(sim, id)).at(-1);

describe('text2image (wan2.2-t2i-flash, wan2.5-t2i-preview, qwen-image async variant)', () => {
  it('PENDING → RUNNING → SUCCEEDED with UTC+8 timestamps, task_metrics and results with prompts', async () => {
    // Its own simulator on simulated time: each state is observed right before and after its edge.
    const clock = new FakeClock();
    const s = await start({ clock, timing: { pendingMs: 300, runningMs: 300 } });
    after(() => s.stop());
    const submitted = clock.now();
    const sub = await api(s, T2I, { body: { model: 'wan2.2-t2i-flash', input: { prompt: 'a paper boat', negative_prompt: 'people' }, parameters: { size: '512*512', n: 2, seed: 3 } }, headers: asyncHeaders });
    assert.equal(sub.status, 200, sub.text);
    const id = sub.json.output.task_id;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const seen: any[] = [];
    const status = async (): Promise<string> => {
      const r = await api(s, `/tasks/${id}`);
      assert.equal(r.status, 200, r.text);
      seen.push(r.json);
      return r.json.output.task_status;
    };
    assert.equal(await status(), 'PENDING');
    await clock.advance(299);
    assert.equal(await status(), 'PENDING', '1 ms before pendingMs');
    await clock.advance(1);
    assert.equal(await status(), 'RUNNING');
    await clock.advance(299);
    assert.equal(await status(), 'RUNNING', '1 ms before runningMs');
    await clock.advance(1);
    // The images are rendered now, which takes no simulated time.
    seen.push(...(await pollTask(s, id)));
    const statuses = [...new Set(seen.map((b) => b.output.task_status))];
    assert.deepEqual(statuses, ['PENDING', 'RUNNING', 'SUCCEEDED']);

    const pending = seen.find((b) => b.output.task_status === 'PENDING');
    assert.deepEqual(Object.keys(pending.output), ['task_id', 'task_status', 'submit_time', 'task_metrics']);
    const running = seen.find((b) => b.output.task_status === 'RUNNING');
    assert.deepEqual(running.output.task_metrics, { TOTAL: 2, SUCCEEDED: 0, FAILED: 0 });
    assert.match(running.output.scheduled_time, TIME);
    assert.equal(running.output.end_time, undefined);
    assert.equal(running.usage, undefined);

    const ok = seen.at(-1);
    assert.deepEqual(Object.keys(ok), ['request_id', 'output', 'usage']);
    const o = ok.output;
    for (const k of ['submit_time', 'scheduled_time', 'end_time']) assert.match(o[k], TIME);
    const submitMs = parseTaskTime(o.submit_time);
    assert.equal(o.submit_time, formatTaskTime(submitted), 'submit_time is the UTC+8 wall clock of the submit');
    assert.equal(o.submit_time, '2026-06-11 16:00:00.000', 'UTC+8');
    const sched = parseTaskTime(o.scheduled_time);
    const end = parseTaskTime(o.end_time);
    assert.equal(sched - submitMs, 300, 'PENDING lasted pendingMs');
    assert.equal(end - sched, 300, 'RUNNING lasted runningMs');
    assert.deepEqual(o.task_metrics, { TOTAL: 2, SUCCEEDED: 2, FAILED: 0 });
    assert.deepEqual(ok.usage, { image_count: 2 });
    assert.equal(o.results.length, 2);
    for (const r of o.results) {
      assert.equal(r.orig_prompt, 'a paper boat');
      assert.ok(r.actual_prompt.startsWith('a paper boat'), 'prompt_extend defaults to true');
      const img = await download(r.url);
      assert.equal(img.status, 200);
      assert.deepEqual(pngSize(img.bytes), { width: 512, height: 512 });
    }
    assert.notEqual(o.results[0].url, o.results[1].url);
    assert.equal((s.tasks.get(id) as { status: string }).status, 'SUCCEEDED');
  });

  it('prompt_extend=false omits actual_prompt', async () => {
    const id = await submitOk(T2I, { model: 'wan2.2-t2i-flash', input: { prompt: 'plain' }, parameters: { size: '512*512', n: 1, prompt_extend: false } });
    const b = await done(id);
    assert.deepEqual(Object.keys(b.output.results[0]).sort(), ['orig_prompt', 'url']);
  });

  it('wan2.5-t2i-preview: default n 4 at 1280*1280; pixel rule enforced', async () => {
    const id = await submitOk(T2I, { model: 'wan2.5-t2i-preview', input: { prompt: 'four' } });
    const b = await done(id);
    assert.equal(b.output.results.length, 4);
    assert.deepEqual(b.output.task_metrics, { TOTAL: 4, SUCCEEDED: 4, FAILED: 0 });
    assertError(await submit(T2I, { model: 'wan2.5-t2i-preview', input: { prompt: 'x' }, parameters: { size: '1024*1024' } }), 400, 'InvalidParameter', /width\*height must be between 1625088 and 1440\*1440 pixels/);
  });

  it('validation: prompt required and limited, negative_prompt in input limited, sides for wan2.2', async () => {
    assertError(await submit(T2I, { model: 'wan2.2-t2i-flash', input: {} }), 400, 'InvalidParameter', /input\.prompt/);
    assertError(await submit(T2I, { model: 'wan2.2-t2i-flash', input: { prompt: 'p'.repeat(501) } }), 400, 'InvalidParameter', /no more than 500 characters/);
    assertError(await submit(T2I, { model: 'wan2.5-t2i-preview', input: { prompt: 'p'.repeat(2001) } }), 400, 'InvalidParameter', /no more than 2000 characters/);
    assertError(await submit(T2I, { model: 'wan2.2-t2i-flash', input: { prompt: 'p', negative_prompt: 'n'.repeat(501) } }), 400, 'InvalidParameter', /negative_prompt/);
    assertError(await submit(T2I, { model: 'wan2.2-t2i-flash', input: { prompt: 'p' }, parameters: { size: '256*256' } }), 400, 'InvalidParameter', /between 512 and 1440/);
    assertError(await submit(T2I, { model: 'wan2.2-t2i-flash', input: { prompt: 'p' }, parameters: { n: 5 } }), 400, 'InvalidParameter', 'num_images_per_prompt must be between 1 and 4');
  });

  it('qwen-image-plus / qwen-image async variant: list sizes, fixed n; qwen-image-max has none', async () => {
    assertError(await submit(T2I, { model: 'qwen-image-plus', input: { prompt: 'x' }, parameters: { n: 2 } }), 400, 'InvalidParameter', 'num_images_per_prompt must be 1');
    assertError(await submit(T2I, { model: 'qwen-image', input: { prompt: 'x' }, parameters: { size: '1024*1024' } }), 400, 'InvalidParameter', /^The size is not match the allowed size \['1664\*928'/);
    assertError(await submit(T2I, { model: 'qwen-image-max', input: { prompt: 'x' } }), 400, 'InvalidParameter', 'url error, please check url!');
    const id = await submitOk(T2I, { model: 'qwen-image-plus', input: { prompt: '对联', negative_prompt: ' ' }, parameters: { size: '1328*1328', n: 1 } });
    const b = await done(id);
    assert.equal(b.output.task_status, 'SUCCEEDED');
    const img = await download(b.output.results[0].url);
    assert.deepEqual(pngSize(img.bytes), { width: 1328, height: 1328 });
  });
});

describe('image-generation (wan2.6 async)', () => {
  it('wan2.6-t2i: choices[] one per image with type, finished, wan usage', async () => {
    const id = await submitOk(IMGGEN, msgBody('wan2.6-t2i', 'two cats', [], { n: 2, size: '1280*1280' }));
    const b = await done(id);
    const o = b.output;
    assert.equal(o.task_status, 'SUCCEEDED');
    assert.equal(o.finished, true);
    assert.equal(o.choices.length, 2);
    for (const c of o.choices) {
      assert.equal(c.finish_reason, 'stop');
      assert.equal(c.message.role, 'assistant');
      assert.equal(c.message.content[0].type, 'image');
    }
    assert.deepEqual(b.usage, { size: '1280*1280', total_tokens: 0, image_count: 2, output_tokens: 0, input_tokens: 0 });
    assert.equal(o.results, undefined);
    assert.equal(o.task_metrics, undefined);
  });

  it('wan2.6-image edit async with an input image', async () => {
    const id = await submitOk(IMGGEN, msgBody('wan2.6-image', 'edit it', [dataUri(png(400, 300))], { n: 1, size: '768*768' }));
    const b = await done(id);
    assert.equal(b.usage.size, '768*768');
    assert.equal(b.output.choices.length, 1);
  });

  it('wan2.6-image interleave async: one choice alternating text and images, non-zero tokens', async () => {
    const id = await submitOk(IMGGEN, msgBody('wan2.6-image', 'a recipe', [], { enable_interleave: true, max_images: 2, size: '768*768' }));
    const b = await done(id);
    const content = b.output.choices[0].message.content;
    assert.equal(b.output.choices.length, 1);
    assert.equal(content.filter((c: { type: string }) => c.type === 'image').length, 2);
    assert.equal(content[0].type, 'text');
    assert.equal(content[1].type, 'image');
    assert.equal(b.usage.image_count, 2);
    assert.ok(b.usage.output_tokens > 0 && b.usage.input_tokens > 0);
  });

  it('validation runs at submit time', async () => {
    assertError(await submit(IMGGEN, msgBody('wan2.6-t2i', 'x', [], { n: 9 })), 400, 'InvalidParameter', /num_images_per_prompt/);
    assertError(await submit(IMGGEN, msgBody('wan2.6-image', 'x', [], { n: 1 })), 400, 'InvalidParameter', 'lack of image or text');
    assertError(await submit(IMGGEN, msgBody('z-image-turbo', 'x')), 400, 'InvalidParameter', 'url error, please check url!');
  });
});

describe('image2image (qwen-mt-image)', () => {
  const mt = (input: Record<string, unknown>) => ({ model: 'qwen-mt-image', input: { image_url: textImage, source_lang: 'zh', target_lang: 'en', ...input } });

  it('the captured request shape: SUCCEEDED with output.image_url → a JPG the size of the input', async () => {
    const id = await submitOk(I2I, mt({ ext: { domainHint: 'These sentences are from seller-buyer conversations.', sensitives: ['基础'], terminologies: [{ src: '一体化', tgt: 'unified' }], config: { imageSegment: false } } }));
    const b = await done(id);
    assert.equal(b.output.task_status, 'SUCCEEDED');
    assert.deepEqual(b.usage, { image_count: 1 });
    assert.equal(b.output.message, undefined);
    assert.equal(b.output.results, undefined);
    const img = await download(b.output.image_url);
    assert.equal(img.contentType, 'image/jpeg');
    assert.deepEqual(jpgSize(img.bytes), { width: 300, height: 200 });
  });

  it('an input of one flat colour has no text: SUCCEEDED with "No text detected for translation"', async () => {
    const id = await submitOk(I2I, mt({ image_url: flatImage }));
    const b = await done(id);
    assert.equal(b.output.task_status, 'SUCCEEDED');
    assert.equal(b.output.message, 'No text detected for translation');
    assert.deepEqual(jpgSize((await download(b.output.image_url)).bytes), { width: 120, height: 90 });
  });

  it('languages: codes or full names case-insensitively, auto source', async () => {
    for (const langs of [
      { source_lang: 'Chinese', target_lang: 'ENGLISH' },
      { source_lang: 'auto', target_lang: 'ja' },
      { source_lang: 'de', target_lang: 'zh' },
      { source_lang: 'en', target_lang: 'ar' },
    ]) {
      const r = await submit(I2I, mt(langs));
      assert.equal(r.status, 200, `${JSON.stringify(langs)}: ${r.text}`);
    }
  });

  it('language rules', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ target_lang: 'auto' }, /target_lang can not be auto/],
      [{ source_lang: 'en', target_lang: 'English' }, /must be different/],
      [{ source_lang: 'ms', target_lang: 'en' }, /source_lang "ms" is not supported/],
      [{ source_lang: 'zh', target_lang: 'de' }, /target_lang "de" is not supported/],
      [{ source_lang: 'ko', target_lang: 'ja' }, /Chinese \(zh\) or English \(en\)/],
      [{ source_lang: 'klingon' }, /not supported/],
      [{ source_lang: undefined }, /source_lang/],
      [{ target_lang: 3 }, /target_lang must be a string/],
    ];
    for (const [input, msg] of cases) assertError(await submit(I2I, mt(input)), 400, 'InvalidParameter', msg);
  });

  it('ext types are validated', async () => {
    const cases: [unknown, RegExp][] = [
      ['hint', /ext must be an object/],
      [{ domainHint: 5 }, /domainHint must be a string/],
      [{ domainHint: '这是中文' }, /English/],
      [{ sensitives: 'x' }, /sensitives/],
      [{ sensitives: [1] }, /sensitives/],
      [{ terminologies: [{ src: 'a' }] }, /terminologies/],
      [{ config: { imageSegment: 'no' } }, /imageSegment must be a boolean/],
      [{ config: { skipImgSegment: 1 } }, /skipImgSegment/],
    ];
    for (const [ext, msg] of cases) assertError(await submit(I2I, mt({ ext })), 400, 'InvalidParameter', msg);
  });

  it('image_url: required, http(s) or oss:// only (no data: URIs), must be reachable', async () => {
    assertError(await submit(I2I, mt({ image_url: undefined })), 400, 'InvalidParameter', /image_url/);
    assertError(await submit(I2I, mt({ image_url: dataUri(png(64, 64)) })), 400, 'InvalidParameter', /data: URIs are not accepted/);
    assertError(await submit(I2I, mt({ image_url: 'https://example.invalid/a.png' })), 400, 'InvalidParameter', 'download image failed');
  });
});

describe('task query, cancel, UNKNOWN', () => {
  it('an unknown id → HTTP 200 UNKNOWN (the capture shape)', async () => {
    const r = await api(sim, '/tasks/1111');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { request_id: r.json.request_id, output: { task_id: '1111', task_status: 'UNKNOWN' } });
  });

  it("another account's task is UNKNOWN and cannot be cancelled", async () => {
    const id = await submitOk(T2I, { model: 'wan2.2-t2i-flash', input: { prompt: 'mine' }, parameters: { size: '512*512', n: 1 } });
    const other = 'sk-sim-beijing-0002';
    const r = await api(sim, `/tasks/${id}`, { key: other });
    assert.equal(r.json.output.task_status, 'UNKNOWN');
    assertError(await api(sim, `/tasks/${id}/cancel`, { method: 'POST', key: other }), 400, 'UnsupportedOperation');
    await done(id);
  });

  it('cancel: PENDING → {request_id} and CANCELED; otherwise 400 UnsupportedOperation (capture key order)', async () => {
    const slow = await start({ timing: { pendingMs: 60_000 } });
    try {
      const r = await api(slow, T2I, { body: { model: 'wan2.2-t2i-flash', input: { prompt: 'x' }, parameters: { size: '512*512', n: 1 } }, headers: asyncHeaders });
      const id = r.json.output.task_id;
      const c = await api(slow, `/tasks/${id}/cancel`, { method: 'POST' });
      assert.equal(c.status, 200, c.text);
      assert.deepEqual(Object.keys(c.json), ['request_id']);
      assert.equal(c.headers.get('content-type'), 'application/json;charset=UTF-8');
      const g = await api(slow, `/tasks/${id}`);
      assert.equal(g.json.output.task_status, 'CANCELED');
      assert.match(g.json.output.end_time, TIME);
      const again = await api(slow, `/tasks/${id}/cancel`, { method: 'POST' });
      assertError(again, 400, 'UnsupportedOperation', 'Failed to cancel the task, please confirm if the task is in PENDING status.');
      assert.deepEqual(Object.keys(again.json), ['request_id', 'code', 'message']);
      assert.equal(again.headers.get('content-type'), 'application/json;charset=UTF-8');
    } finally {
      await slow.stop();
    }
  });

  it('cancel of a RUNNING or finished task → 400 UnsupportedOperation', async () => {
    const id = await submitOk(T2I, { model: 'wan2.2-t2i-flash', input: { prompt: 'x' }, parameters: { size: '512*512', n: 1 } });
    await pollTask(sim, id, (s) => s === 'RUNNING');
    assertError(await api(sim, `/tasks/${id}/cancel`, { method: 'POST' }), 400, 'UnsupportedOperation');
    await done(id);
    assertError(await api(sim, `/tasks/${id}/cancel`, { method: 'POST' }), 400, 'UnsupportedOperation');
  });

  it('tasks expire (taskRetentionMs) and then answer UNKNOWN', async () => {
    // Retention counts from submit; the task ends ~70 ms in and is kept until 1.5 s, a window
    // wide enough to observe SUCCEEDED even on a loaded machine.
    const s = await start({ taskRetentionMs: 1500 });
    try {
      const r = await api(s, T2I, { body: { model: 'wan2.2-t2i-flash', input: { prompt: 'x' }, parameters: { size: '512*512', n: 1 } }, headers: asyncHeaders });
      const id = r.json.output.task_id;
      const seen = await pollTask(s, id, (st) => st === 'SUCCEEDED' || st === 'UNKNOWN');
      assert.equal(seen.at(-1).output.task_status, 'SUCCEEDED', 'the task must be queryable before its retention ends');
      await pollTask(s, id, (st) => st === 'UNKNOWN', 5000);
    } finally {
      await s.stop();
    }
  });
});
