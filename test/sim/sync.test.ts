/**
 * The sync endpoint: each model's validation rules (messages, content, image count, prompt and
 * negative_prompt lengths, size lists / pixel ranges / side ranges / presets, n, seed, booleans)
 * and each family's response shape, with real result images.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SIM_MODELS } from './models.js';
import type { Simulator } from './index.js';
import { SYNC, api, assertError, dataUri, download, msgBody, png, pngSize, start } from './calls.js';

let sim: Simulator;
let smallPng: string;
let portrait: string;
let landscape: string;
before(async () => {
  sim = await start();
  smallPng = dataUri(png(512, 512));
  portrait = sim.assets.putStatic('portrait.png', png(600, 900), 'image/png');
  landscape = dataUri(png(800, 400));
});
after(() => sim.stop());

const sync = (body: unknown, headers?: Record<string, string>) => api(sim, SYNC, { body, headers });
const bad = async (body: unknown, message: string | RegExp, code = 'InvalidParameter', status = 400) => assertError(await sync(body), status, code, message);
const QWEN_SIZES = "['1664*928', '1472*1104', '1328*1328', '1104*1472', '928*1664']";

describe('messages and content', () => {
  it('empty messages → the gateway message of the captures', async () => {
    await bad({ model: 'z-image-turbo', input: { messages: [] } }, 'Role must be user or assistant and Content length must be greater than 0');
  });
  it('empty content → same', async () => {
    await bad({ model: 'z-image-turbo', input: { messages: [{ role: 'user', content: [] }] } }, 'Role must be user or assistant and Content length must be greater than 0');
  });
  it('two messages → "messages length only support 1"', async () => {
    const m = { role: 'user', content: [{ text: 'a' }] };
    await bad({ model: 'z-image-turbo', input: { messages: [m, m] } }, 'messages length only support 1');
  });
  it('role other than user → InvalidParameter', async () => {
    await bad({ model: 'z-image-turbo', input: { messages: [{ role: 'assistant', content: [{ text: 'a' }] }] } }, 'Role must be user.');
  });
  it('no text item → "lack of image or text"', async () => {
    await bad(msgBody('qwen-image-edit-plus', null, [smallPng]), 'lack of image or text');
  });
  it('blank text → "lack of image or text"', async () => {
    await bad(msgBody('z-image-turbo', '   '), 'lack of image or text');
  });
  it('two text items → "text length only support 1"', async () => {
    await bad(msgBody('z-image-turbo', ['a', 'b']), 'text length only support 1');
  });
  it('an item with neither text nor image → "lack of image or text"', async () => {
    await bad({ model: 'z-image-turbo', input: { messages: [{ role: 'user', content: [{ text: 'a' }, { video: 'x' }] }] } }, 'lack of image or text');
  });
  it('text-to-image models take no image → "content length only support 1"', async () => {
    await bad(msgBody('qwen-image-max', 'a', [smallPng]), 'content length only support 1');
    await bad(msgBody('wan2.6-t2i', 'a', [smallPng]), 'content length only support 1');
  });
});

describe('image counts per model (table images.min/max)', () => {
  it('qwen-image-edit-plus: 1–3 images', async () => {
    await bad(msgBody('qwen-image-edit-plus', 'edit'), 'lack of image or text');
    await bad(msgBody('qwen-image-edit-plus', 'edit', [smallPng, smallPng, smallPng, smallPng]), 'content length only support 4');
  });
  it('wan2.6-image edit mode: 1–4 images', async () => {
    await bad(msgBody('wan2.6-image', 'edit', [], { size: '768*768' }), 'lack of image or text');
    await bad(msgBody('wan2.6-image', 'edit', Array(5).fill(smallPng), { size: '768*768' }), 'content length only support 5');
  });
  it('input images below the model minimum side are refused', async () => {
    const r = await sync(msgBody('qwen-image-edit-plus', 'edit', [dataUri(png(300, 300))]));
    assertError(r, 400, 'InvalidParameter', /384/);
  });
  it('wan2.6-image refuses a PNG with an alpha channel (§2.2 "PNG (no alpha)"); qwen-image-edit-plus takes it', async () => {
    const rgba = dataUri(png(512, 512, { alpha: true }));
    assertError(await sync(msgBody('wan2.6-image', 'edit', [rgba], { size: '768*768', n: 1 })), 400, 'InvalidParameter', /alpha channel/);
    assert.equal((await sync(msgBody('wan2.6-image', 'edit', [smallPng], { size: '768*768', n: 1 }))).status, 200);
    assert.equal((await sync(msgBody('qwen-image-edit-plus', 'edit', [rgba]))).status, 200);
  });
  it('an unreachable image URL is refused', async () => {
    const r = await sync(msgBody('qwen-image-edit-plus', 'edit', ['https://example.invalid/cat.png']));
    assert.equal(r.status, 400);
    assert.match(r.json.code, /^InvalidParameter/);
  });
  it('a data: URI over 10 MB is refused', async () => {
    const big = `data:image/png;base64,${Buffer.alloc(10 * 1024 * 1024 + 16, 1).toString('base64')}`;
    assertError(await sync(msgBody('qwen-image-edit-plus', 'edit', [big])), 400, 'InvalidParameter', 'Exceeded limit on max bytes per data-uri item : 10485760');
  });
});

describe('prompt and negative_prompt length (table prompt.maxLength)', () => {
  for (const id of ['wan2.6-t2i', 'z-image-turbo', 'wan2.6-image']) {
    const spec = SIM_MODELS.find((m) => m.id === id)!;
    it(`${id}: text of ${spec.prompt.maxLength + 1} chars → InvalidParameter`, async () => {
      const imgs = spec.images ? [smallPng] : [];
      await bad(msgBody(spec.model, 'あ'.repeat(spec.prompt.maxLength + 1), imgs), new RegExp(`no more than ${spec.prompt.maxLength} characters`));
    });
  }
  for (const id of ['qwen-image-max', 'qwen-image-edit-plus']) {
    const spec = SIM_MODELS.find((m) => m.id === id)!;
    it(`${id}: a prompt over ${spec.prompt.maxLength} tokens is truncated, not rejected (§2.2)`, async () => {
      const imgs = spec.images ? [smallPng] : [];
      const seed = { seed: 7 };
      const long = await sync(msgBody(spec.model, 'あ'.repeat(spec.prompt.maxLength + 50), imgs, seed));
      const exact = await sync(msgBody(spec.model, 'あ'.repeat(spec.prompt.maxLength), imgs, seed));
      assert.equal(long.status, 200, long.text);
      assert.equal(exact.status, 200, exact.text);
      // Same seed and the same prompt after truncation → the same image.
      const url = (r: typeof long) => r.json.output.choices[0].message.content[0].image as string;
      const [a, b] = await Promise.all([fetch(url(long)), fetch(url(exact))]);
      assert.ok(Buffer.from(await a.arrayBuffer()).equals(Buffer.from(await b.arrayBuffer())), 'the over-long prompt was not truncated to the limit');
    });
  }
  it('a prompt of exactly the limit is accepted (z-image-turbo, 800)', async () => {
    const r = await sync(msgBody('z-image-turbo', 'x'.repeat(800), [], { size: '512*512' }));
    assert.equal(r.status, 200, r.text);
  });
  it('negative_prompt over 500 chars → InvalidParameter (wan); truncated for qwen text-to-image', async () => {
    await bad(msgBody('wan2.6-t2i', 'a', [], { negative_prompt: 'n'.repeat(501), n: 1 }), /negative_prompt must be no more than 500/);
    const r = await sync(msgBody('qwen-image-max', 'a', [], { negative_prompt: 'n'.repeat(501) }));
    assert.equal(r.status, 200, r.text);
  });
  it('negative_prompt must be a string', async () => {
    await bad(msgBody('qwen-image-max', 'a', [], { negative_prompt: 5 }), /negative_prompt must be a string/);
  });
});

describe('size rules', () => {
  it('qwen list models: a size outside the list → "The size is not match the allowed size [...]"', async () => {
    for (const model of ['qwen-image-max', 'qwen-image-plus', 'qwen-image']) {
      await bad(msgBody(model, 'a', [], { size: '1024*1024' }), `The size is not match the allowed size ${QWEN_SIZES}`);
    }
    await bad(msgBody('qwen-image', 'a', [], { size: '1664x928' }), `The size is not match the allowed size ${QWEN_SIZES}`);
  });
  it('qwen list models: a listed size is used; default 1664*928', async () => {
    const r = await sync(msgBody('qwen-image', 'a', [], { size: '928*1664', seed: 1 }));
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.usage, { height: 1664, image_count: 1, width: 928 });
    const d = await sync(msgBody('qwen-image-plus', 'a', [], { seed: 1 }));
    assert.deepEqual(d.json.usage, { height: 928, image_count: 1, width: 1664 });
  });
  it('wan2.6-t2i: total pixels outside [1104*1472, 1440*1440] → InvalidParameter; recommended sizes pass', async () => {
    await bad(msgBody('wan2.6-t2i', 'a', [], { size: '1024*1024', n: 1 }), 'The size 1024*1024 is not supported: width*height must be between 1625088 and 1440*1440 pixels.');
    await bad(msgBody('wan2.6-t2i', 'a', [], { size: '1100*1472', n: 1 }), /width\*height must be between/);
    for (const size of ['1104*1472', '960*1696', '1280*1280']) {
      const r = await sync(msgBody('wan2.6-t2i', 'a', [], { size, n: 1 }));
      assert.equal(r.status, 200, `${size} should be accepted`);
    }
    await bad(msgBody('wan2.6-t2i', 'a', [], { size: '1500*1500', n: 1 }), /width\*height must be between/);
  });
  it('z-image-turbo: aspect ratio outside 1:4..4:1 → InvalidParameter', async () => {
    await bad(msgBody('z-image-turbo', 'a', [], { size: '2048*256' }), 'The size 2048*256 is not supported: the aspect ratio must be between 1:4 and 4:1.');
  });
  it('qwen-image-edit-plus: each side in [512, 2048]', async () => {
    await bad(msgBody('qwen-image-edit-plus', 'a', [smallPng], { size: '256*1024' }), 'The size 256*1024 is not supported: width and height must each be between 512 and 2048.');
  });
  it('a size that is not W*H → InvalidParameter', async () => {
    await bad(msgBody('z-image-turbo', 'a', [], { size: '1024x1024' }), /WIDTH\*HEIGHT/);
    await bad(msgBody('z-image-turbo', 'a', [], { size: 1024 }), /size must be a string/);
  });
  it('qwen-image-edit-plus rounds an explicit size to multiples of 16 (1033*1032 → 1040*1024)', async () => {
    const r = await sync(msgBody('qwen-image-edit-plus', 'a', [smallPng], { size: '1033*1032' }));
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.usage, { height: 1024, image_count: 1, width: 1040 });
  });
  it('only models with outputRounding in the table round an explicit size (wan2.6-image yes, z-image-turbo no)', async () => {
    const wan = await sync(msgBody('wan2.6-image', 'a', [smallPng], { size: '1030*1030', n: 1 }));
    assert.equal(wan.status, 200, wan.text);
    assert.equal(wan.json.usage.size, '1024*1024');
    const z = await sync(msgBody('z-image-turbo', 'a', [], { size: '1030*1030' }));
    assert.equal(z.status, 200, z.text);
    assert.deepEqual([z.json.usage.width, z.json.usage.height], [1030, 1030]);
  });
  it('qwen-image-edit-plus default: ≈1024*1024 px with the LAST image aspect, ×16', async () => {
    const r = await sync(msgBody('qwen-image-edit-plus', 'a', [landscape, portrait]));
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.usage, { height: 1248, image_count: 1, width: 832 });
    const img = await download(r.json.output.choices[0].message.content[0].image);
    assert.deepEqual(pngSize(img.bytes), { width: 832, height: 1248 });
  });
  it('wan2.6-image edit: default 1K ≈1280*1280 px with the last image aspect (600*900 → 1040*1568)', async () => {
    const r = await sync(msgBody('wan2.6-image', 'a', [landscape, portrait], { n: 1 }));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.usage.size, '1040*1568');
  });
  it('wan2.6-image edit: 2K ≈2048*2048 px (600*900 → 1680*2512), image really that size', async () => {
    const r = await sync(msgBody('wan2.6-image', 'a', [portrait], { n: 1, size: '2K' }));
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.usage.size, '1680*2512');
    const img = await download(r.json.output.choices[0].message.content[0].image);
    assert.deepEqual(pngSize(img.bytes), { width: 1680, height: 2512 });
  });
  it('wan2.6-image edit: explicit W*H within [768*768, 2048*2048]', async () => {
    await bad(msgBody('wan2.6-image', 'a', [smallPng], { size: '512*512' }), /width\*height must be between 768\*768 and 2048\*2048 pixels/);
    const r = await sync(msgBody('wan2.6-image', 'a', [smallPng], { size: '768*768', n: 1 }));
    assert.equal(r.json.usage.size, '768*768');
  });
});

describe('n, seed and booleans', () => {
  it('fixed-n models: n≠1 → "num_images_per_prompt must be 1"', async () => {
    for (const model of ['qwen-image-max', 'qwen-image-plus', 'qwen-image', 'z-image-turbo']) {
      await bad(msgBody(model, 'a', [], { n: 2 }), 'num_images_per_prompt must be 1');
    }
  });
  it('ranged n: outside [1, max] → InvalidParameter', async () => {
    await bad(msgBody('wan2.6-t2i', 'a', [], { n: 5 }), 'num_images_per_prompt must be between 1 and 4');
    await bad(msgBody('wan2.6-t2i', 'a', [], { n: 0 }), 'num_images_per_prompt must be between 1 and 4');
    await bad(msgBody('qwen-image-edit-plus', 'a', [smallPng], { n: 7 }), 'num_images_per_prompt must be between 1 and 6');
    await bad(msgBody('wan2.6-t2i', 'a', [], { n: 1.5 }), /num_images_per_prompt/);
  });
  it('seed outside [0, 2147483647] or not an integer → InvalidParameter', async () => {
    for (const seed of [-1, 2147483648, 1.5, '7']) await bad(msgBody('z-image-turbo', 'a', [], { seed }), /seed must be an integer in \[0, 2147483647\]/);
    assert.equal((await sync(msgBody('z-image-turbo', 'a', [], { seed: 2147483647, size: '512*512' }))).status, 200);
  });
  it('prompt_extend / watermark must be booleans', async () => {
    await bad(msgBody('z-image-turbo', 'a', [], { prompt_extend: 'yes' }), /prompt_extend must be a boolean/);
    await bad(msgBody('qwen-image', 'a', [], { watermark: 1 }), /watermark must be a boolean/);
  });
});

describe('response shapes per family', () => {
  it('qwen (qwen-image-edit-plus n=3): no type, several items in ONE choice, task_metric, usage{height,image_count,width}', async () => {
    const r = await sync(msgBody('qwen-image-edit-plus', 'three', [smallPng], { n: 3, size: '512*512', seed: 5 }));
    assert.equal(r.status, 200, r.text);
    const out = r.json.output;
    assert.equal(out.choices.length, 1);
    assert.equal(out.choices[0].finish_reason, 'stop');
    assert.equal(out.choices[0].message.role, 'assistant');
    assert.equal(out.choices[0].message.content.length, 3);
    for (const item of out.choices[0].message.content) assert.deepEqual(Object.keys(item), ['image']);
    assert.deepEqual(out.task_metric, { FAILED: 0, SUCCEEDED: 3, TOTAL: 3 });
    assert.equal(out.finished, undefined);
    assert.deepEqual(r.json.usage, { height: 512, image_count: 3, width: 512 });
    assert.equal(r.json.request_id, r.headers.get('x-request-id'));
  });

  it('wan (wan2.6-t2i n=2): type "image", finished, usage{image_count,input_tokens,output_tokens,size,total_tokens}', async () => {
    const r = await sync(msgBody('wan2.6-t2i', 'two', [], { n: 2, size: '1280*1280', seed: 9 }));
    assert.equal(r.status, 200, r.text);
    const out = r.json.output;
    assert.equal(out.finished, true);
    assert.equal(out.choices.length, 2);
    for (const c of out.choices) {
      assert.equal(c.finish_reason, 'stop');
      assert.deepEqual(Object.keys(c.message.content[0]).sort(), ['image', 'type']);
      assert.equal(c.message.content[0].type, 'image');
    }
    assert.deepEqual(r.json.usage, { image_count: 2, input_tokens: 0, output_tokens: 0, size: '1280*1280', total_tokens: 0 });
    assert.equal(out.task_metric, undefined);
  });

  it('wan2.6-t2i default n is 4 (API §2.2)', async () => {
    const r = await sync(msgBody('wan2.6-t2i', 'four', [], { size: '1280*1280' }));
    assert.equal(r.json.usage.image_count, 4);
  });

  it('z-image: image item + {text: prompt}, reasoning_content "" (prompt_extend default false)', async () => {
    const r = await sync(msgBody('z-image-turbo', 'a lighthouse', [], { size: '512*768' }));
    const msg = r.json.output.choices[0].message;
    assert.deepEqual(Object.keys(msg.content[0]), ['image']);
    assert.deepEqual(msg.content[1], { text: 'a lighthouse' });
    assert.equal(msg.reasoning_content, '');
    assert.equal(r.json.usage.width, 512);
    assert.equal(r.json.usage.height, 768);
    assert.equal(r.json.usage.image_count, 1);
  });

  it('z-image with prompt_extend=true: rewritten prompt and non-empty reasoning', async () => {
    const r = await sync(msgBody('z-image-turbo', 'a lighthouse', [], { size: '512*512', prompt_extend: true }));
    const msg = r.json.output.choices[0].message;
    assert.notEqual(msg.content[1].text, 'a lighthouse');
    assert.ok(msg.content[1].text.startsWith('a lighthouse'));
    assert.ok(msg.reasoning_content.length > 0);
    assert.ok(r.json.usage.output_tokens_details.reasoning_tokens > 0);
  });

  it('qwen-image-max default request mirrors the capture: 1664*928 PNG', async () => {
    const r = await sync(msgBody('qwen-image-max', '冬日北京', [], { n: 1, prompt_extend: true, watermark: false, size: '1664*928', seed: 233 }));
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.usage, { height: 928, image_count: 1, width: 1664 });
    const url = r.json.output.choices[0].message.content[0].image as string;
    assert.match(url, /\.png\?Expires=\d+&OSSAccessKeyId=[^&]+&Signature=/);
    const img = await download(url);
    assert.equal(img.status, 200);
    assert.equal(img.contentType, 'image/png');
    assert.deepEqual(pngSize(img.bytes), { width: 1664, height: 928 });
  });

  it('images are deterministic for (model, prompt, seed) and differ across seeds and prompts', async () => {
    const get = async (prompt: string, seed: number) => {
      const r = await sync(msgBody('z-image-turbo', prompt, [], { size: '512*512', seed }));
      return (await download(r.json.output.choices[0].message.content[0].image)).bytes;
    };
    const a1 = await get('fox', 1);
    const a2 = await get('fox', 1);
    const b = await get('fox', 2);
    const c = await get('owl', 1);
    assert.ok(a1.equals(a2));
    assert.ok(!a1.equals(b));
    assert.ok(!a1.equals(c));
  });

  it('inputs may be http URLs on the simulator hosts and data: URIs', async () => {
    const r = await sync(msgBody('wan2.6-image', 'mix', [portrait, smallPng], { size: '768*768', n: 1 }));
    assert.equal(r.status, 200, r.text);
  });
});
