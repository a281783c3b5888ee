/**
 * SSE (reference §3): wan2.6-image interleave streaming in the real framing, parsed from the raw
 * bytes; errors as `event:error` with HTTP 200; the interleave/stream rules; other models with
 * SSE requested.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { FakeClock, type Simulator } from './index.js';
import { SYNC, api, assertError, dataUri, download, msgBody, parseSse, png, pngSize, sseHeaders, start, type SseEvent } from './calls.js';

let sim: Simulator;
before(async () => {
  sim = await start({ timing: { streamEventMs: 1 } });
});
after(() => sim.stop());

const interleave = (text: string, params: Record<string, unknown> = {}, images: string[] = []) =>
  msgBody('wan2.6-image', text, images, { enable_interleave: true, stream: true, size: '768*768', ...params });

async function stream(body: unknown, headers: Record<string, string> = sseHeaders, s = sim): Promise<{ status: number; headers: Headers; raw: string; events: SseEvent[] }> {
  const res = await fetch(s.urls.beijing + SYNC, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.keys.beijing}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const raw = await res.text();
  return { status: res.status, headers: res.headers, raw, events: res.headers.get('content-type')?.startsWith('text/event-stream') ? parseSse(raw) : [] };
}

function assertSseError(r: Awaited<ReturnType<typeof stream>>, message: string | RegExp, code = 'InvalidParameter', httpStatus = 400): void {
  assert.equal(r.status, 200, r.raw);
  assert.equal(r.headers.get('content-type'), 'text/event-stream;charset=UTF-8');
  assert.equal(r.events.length, 1, r.raw);
  const [e] = r.events;
  assert.equal(e.id, '1');
  assert.equal(e.event, 'error');
  assert.deepEqual(e.comments, [`HTTP_STATUS/${httpStatus}`]);
  const data = JSON.parse(e.data);
  assert.deepEqual(Object.keys(data), ['code', 'message', 'request_id']);
  assert.equal(data.code, code);
  if (typeof message === 'string') assert.equal(data.message, message);
  else assert.match(data.message, message);
  assert.equal(data.request_id, r.headers.get('x-request-id'));
  assert.ok(r.raw.endsWith('\n\n'));
}

describe('wan2.6-image interleave stream', () => {
  it('frames id/event/:HTTP_STATUS/data, one content item per event, finish_reason "null" until "stop", cumulative usage, no [DONE]', async () => {
    const r = await stream(interleave('a three-step noodle recipe', { max_images: 3, seed: 11 }));
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), 'text/event-stream;charset=UTF-8');
    assert.equal(r.headers.get('x-dashscope-finished'), 'false');
    assert.ok(r.headers.get('x-request-id'));
    assert.ok(!r.raw.includes('[DONE]'));
    assert.match(r.raw, /^id:1\nevent:result\n:HTTP_STATUS\/200\ndata:\{/);
    const evs = r.events;
    assert.ok(evs.length > 6);
    let lastOut = -1;
    let images = 0;
    let text = '';
    const urls: string[] = [];
    evs.forEach((e, i) => {
      assert.equal(e.id, String(i + 1));
      assert.equal(e.event, 'result');
      assert.deepEqual(e.comments, ['HTTP_STATUS/200']);
      const d = JSON.parse(e.data);
      const last = i === evs.length - 1;
      assert.equal(d.request_id, r.headers.get('x-request-id'));
      const choice = d.output.choices[0];
      assert.equal(d.output.choices.length, 1);
      assert.equal(choice.finish_reason, last ? 'stop' : 'null');
      assert.equal(d.output.finished, last);
      assert.equal(choice.message.role, 'assistant');
      assert.equal(choice.message.content.length, 1);
      const item = choice.message.content[0];
      if (item.type === 'text') {
        assert.ok([...item.text].length <= 6, `small delta: ${item.text}`);
        text += item.text;
      } else {
        assert.equal(item.type, 'image');
        assert.match(item.image, /^http:\/\/127\.0\.0\.1:\d+\/.+\.png\?Expires=/);
        urls.push(item.image);
        images++;
      }
      const u = d.usage;
      assert.deepEqual(Object.keys(u).sort(), ['image_count', 'input_tokens', 'output_tokens', 'size', 'total_tokens']);
      assert.ok(u.output_tokens >= lastOut, 'output_tokens cumulative');
      lastOut = u.output_tokens;
      assert.equal(u.total_tokens, u.input_tokens + u.output_tokens);
      assert.equal(u.image_count, images);
      assert.equal(u.size, images === 0 ? '0*0' : '768*768');
    });
    assert.equal(images, 3, 'max_images images');
    assert.match(text, /Step 1: .*Step 2: .*Step 3: /s);
    const img = await download(urls[2]);
    assert.deepEqual(pngSize(img.bytes), { width: 768, height: 768 });
  });

  it('the final "stop" chunk is sometimes text, sometimes an image (both occur in §3.3)', async () => {
    const lastTypes = new Set<string>();
    for (let seed = 1; seed <= 8 && lastTypes.size < 2; seed++) {
      const r = await stream(interleave('a short recipe', { max_images: 1, seed }));
      const last = JSON.parse(r.events.at(-1)!.data);
      assert.equal(last.output.choices[0].finish_reason, 'stop');
      lastTypes.add(last.output.choices[0].message.content[0].type);
    }
    assert.deepEqual([...lastTypes].sort(), ['image', 'text']);
  });

  it('SSE is also enabled by Accept: text/event-stream, and the header value is case-insensitive', async () => {
    const a = await stream(interleave('x', { max_images: 1 }), { Accept: 'text/event-stream' });
    assert.equal(a.events.at(-1) && JSON.parse(a.events.at(-1)!.data).output.finished, true);
    const b = await stream(interleave('x', { max_images: 1 }), { 'x-dashscope-sse': 'ENABLE' });
    assert.equal(b.status, 200);
    assert.ok(b.events.length > 1);
  });

  it('events are paced by timing.streamEventMs', async () => {
    const clock = new FakeClock({ autoAdvance: true });
    const slow = await start({ clock, timing: { streamEventMs: 25 } });
    try {
      const t = clock.now();
      const r = await stream(interleave('pace', { max_images: 1 }), sseHeaders, slow);
      assert.ok(r.events.length >= 5, r.raw);
      assert.deepEqual(clock.delays, r.events.map(() => 25), 'each event waits 25 ms first');
      assert.equal(clock.now() - t, 25 * r.events.length);
    } finally {
      await slow.stop();
    }
  });

  it('setTiming changes the pacing at run time, and its undo restores it', async () => {
    const clock = new FakeClock({ autoAdvance: true });
    const s = await start({ clock, timing: { streamEventMs: 1 } });
    const gapsOf = async (): Promise<number[]> => {
      const from = clock.delays.length;
      const r = await stream(interleave('pace', { max_images: 1 }), sseHeaders, s);
      assert.ok(r.events.length >= 5, r.raw);
      const gaps = clock.delays.slice(from);
      assert.equal(gaps.length, r.events.length, 'one wait per event');
      return [...new Set(gaps)];
    };
    try {
      const undo = s.setTiming({ streamEventMs: 30 });
      assert.deepEqual(await gapsOf(), [30], 'slowed');
      undo();
      assert.deepEqual(await gapsOf(), [1], 'restored');
    } finally {
      await s.stop();
    }
  });

  it('one input image is accepted; the default size follows it', async () => {
    const r = await stream(interleave('with a photo', { max_images: 1, size: undefined }, [dataUri(png(640, 480))]));
    const d = JSON.parse(r.events.at(-1)!.data);
    assert.ok(r.events.some((e) => JSON.parse(e.data).output.choices[0].message.content[0].type === 'image'));
    assert.equal(d.usage.size, '640*480');
  });

  it('max_images must be in [1, 5]', async () => {
    assertSseError(await stream(interleave('x', { max_images: 6 })), /max_images must be an integer in \[1, 5\]/);
    assertSseError(await stream(interleave('x', { max_images: 0 })), /max_images/);
  });

  it('n must be 1', async () => {
    assertSseError(await stream(interleave('x', { n: 2 })), 'num_images_per_prompt must be 1');
  });

  it('at most one input image', async () => {
    const img = dataUri(png(300, 300));
    assertSseError(await stream(interleave('x', {}, [img, img])), 'content length only support 2');
  });

  it('interleave size range is [768*768, 1280*1280] total px', async () => {
    assertSseError(await stream(interleave('x', { size: '1440*1440' })), /width\*height must be between 768\*768 and 1280\*1280 pixels/);
  });
});

describe('interleave without streaming', () => {
  it('SSE header but parameters.stream missing → event:error (HTTP 200) with InvalidParameter', async () => {
    assertSseError(await stream(interleave('x', { stream: undefined })), /only supports streaming output/);
  });
  it('stream=true but no SSE header → HTTP 400 InvalidParameter', async () => {
    const r = await api(sim, SYNC, { body: interleave('x') });
    assertError(r, 400, 'InvalidParameter', /only supports streaming output/);
  });
});

describe('errors and other models with SSE requested', () => {
  it('a validation error with SSE requested comes as event:error, like the parameter-error-sse capture', async () => {
    assertSseError(await stream({ model: 'z-image-turbo', input: { messages: [] } }), 'Role must be user or assistant and Content length must be greater than 0');
    assertSseError(await stream(msgBody('z-image-turbo', 'x', [], { n: 3 })), 'num_images_per_prompt must be 1');
    assertSseError(await stream({ model: 'nope', input: { messages: [] } }), 'Model can not be found.', 'ModelNotFound', 404);
  });

  it('gateway errors (auth) stay plain HTTP errors', async () => {
    const res = await fetch(sim.urls.beijing + SYNC, { method: 'POST', headers: { ...sseHeaders, 'content-type': 'application/json' }, body: JSON.stringify(interleave('x')) });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('content-type'), 'application/json');
    assert.equal((await res.json()).code, 'InvalidApiKey');
  });

  it('a non-interleave model with SSE requested answers one result event with the whole response', async () => {
    const r = await stream(msgBody('z-image-turbo', 'one event', [], { size: '512*512' }));
    assert.equal(r.status, 200);
    assert.equal(r.events.length, 1);
    assert.equal(r.events[0].event, 'result');
    assert.deepEqual(r.events[0].comments, ['HTTP_STATUS/200']);
    const d = JSON.parse(r.events[0].data);
    assert.equal(d.output.choices[0].finish_reason, 'stop');
    assert.deepEqual(d.output.choices[0].message.content[1], { text: 'one event' });
  });

  it('the simulator survives a client that disconnects mid-stream', async () => {
    const ac = new AbortController();
    const res = await fetch(sim.urls.beijing + SYNC, {
      method: 'POST',
      headers: { authorization: `Bearer ${sim.keys.beijing}`, 'content-type': 'application/json', ...sseHeaders },
      body: JSON.stringify(interleave('bye', { max_images: 5 })),
      signal: ac.signal,
    });
    const reader = res.body!.getReader();
    await reader.read();
    ac.abort();
    const after = await stream(interleave('still here', { max_images: 1 }));
    assert.equal(after.status, 200);
    assert.equal(JSON.parse(after.events.at(-1)!.data).output.finished, true);
  });
});
