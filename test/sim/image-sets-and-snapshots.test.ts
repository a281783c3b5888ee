/**
 * Models from the newer-models.md reference ("NEW §"): qwen-image-2.0(-pro) and snapshots,
 * qwen-image-edit-max, the qwen-image-edit-plus snapshots, qwen-image-plus-2026-01-09,
 * wan2.7-image(-pro) with image sets, thinking_mode, color_palette and bbox_list, and
 * qwen-image-3.0(-pro) with prompt_extend_mode, enable_thinking and per-key access.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Simulator } from './index.js';
import { IMGGEN, SYNC, T2I, api, assertError, asyncHeaders, dataUri, download, msgBody, png, pngSize, pollTask, start } from './calls.js';

let sim: Simulator;
let square: string;
let portrait: string;
let wide: string;
before(async () => {
  sim = await start({ modelAccess: { 'sk-sim-beijing-0002': false } });
  square = dataUri(png(512, 512));
  portrait = sim.assets.putStatic('nm-portrait.png', png(600, 900), 'image/png');
  wide = dataUri(png(800, 400));
});
after(() => sim.stop());

const sync = (body: unknown, key?: string) => api(sim, SYNC, { body, key });
const bad = async (body: unknown, message: string | RegExp, code = 'InvalidParameter', status = 400) => assertError(await sync(body), status, code, message);
const ok = async (body: unknown) => {
  const r = await sync(body);
  assert.equal(r.status, 200, r.text);
  return r;
};
const submit = (path: string, body: unknown, key?: string) => api(sim, path, { body, headers: asyncHeaders, key });
const items = (r: { json: { output: { choices: { message: { content: unknown[] } }[] } } }) => r.json.output.choices.flatMap((c) => c.message.content);
const URL_ERROR = 'url error, please check url!';

describe('qwen-image-2.0-pro, qwen-image-2.0 and their snapshots (NEW §4, API §2.2)', () => {
  const models = ['qwen-image-2.0-pro', 'qwen-image-2.0-pro-2026-04-22', 'qwen-image-2.0-pro-2026-03-03', 'qwen-image-2.0', 'qwen-image-2.0-2026-03-03'];

  it('text-to-image: default 2048*2048, qwen family WITHOUT task_metric (API §2.3)', async () => {
    for (const model of models) {
      const r = await ok(msgBody(model, 'a harbour at dusk', [], { seed: 1 }));
      assert.deepEqual(r.json.usage, { height: 2048, image_count: 1, width: 2048 }, model);
      assert.equal(r.json.output.task_metric, undefined, model);
      assert.deepEqual(Object.keys(r.json.output.choices[0].message.content[0]), ['image']);
    }
  });

  it('total pixels in [512*512, 2048*2048], any aspect; n 1–6', async () => {
    for (const model of models) {
      await bad(msgBody(model, 'a', [], { size: '511*512' }), 'The size 511*512 is not supported: width*height must be between 512*512 and 2048*2048 pixels.');
      await bad(msgBody(model, 'a', [], { size: '2048*2049' }), /between 512\*512 and 2048\*2048/);
      await bad(msgBody(model, 'a', [], { n: 7, size: '512*512' }), 'num_images_per_prompt must be between 1 and 6');
    }
    const r = await ok(msgBody('qwen-image-2.0', 'a', [], { size: '2688*1536', n: 2 }));
    assert.deepEqual(r.json.usage, { height: 1536, image_count: 2, width: 2688 });
    assert.equal(r.json.output.choices.length, 1, 'n>1: several items in one choice');
    assert.equal(r.json.output.choices[0].message.content.length, 2);
    assert.equal((await sync(msgBody('qwen-image-2.0-pro', 'a', [], { size: '4096*256' }))).status, 200, 'no aspect bound is documented');
  });

  it('editing: 1–3 images, default ≈1024*1024 with the LAST image aspect, snapped to 16', async () => {
    const r = await ok(msgBody('qwen-image-2.0-pro', 'edit', [wide, portrait]));
    assert.deepEqual(r.json.usage, { height: 1248, image_count: 1, width: 832 });
    const e = await ok(msgBody('qwen-image-2.0', 'edit', [square], { size: '1033*1032' }));
    assert.deepEqual(e.json.usage, { height: 1024, image_count: 1, width: 1040 });
    await bad(msgBody('qwen-image-2.0-pro', 'edit', [square, square, square, square]), 'content length only support 4');
  });

  it('sync only: the text2image and image-generation endpoints answer "url error" (NEW §4 "Async: not the 2.0 series")', async () => {
    assertError(await submit(T2I, { model: 'qwen-image-2.0-pro', input: { prompt: 'a' } }), 400, 'InvalidParameter', URL_ERROR);
    assertError(await submit(IMGGEN, msgBody('qwen-image-2.0', 'a')), 400, 'InvalidParameter', URL_ERROR);
  });

  it('the text limit is 1300 tokens, truncated (not refused), where the others have 800', async () => {
    const long = 'あ'.repeat(1350);
    const exact = 'あ'.repeat(1300);
    const [a, b] = await Promise.all([ok(msgBody('qwen-image-2.0', long, [], { seed: 4, size: '512*512' })), ok(msgBody('qwen-image-2.0', exact, [], { seed: 4, size: '512*512' }))]);
    const [x, y] = await Promise.all([download(a.json.output.choices[0].message.content[0].image), download(b.json.output.choices[0].message.content[0].image)]);
    assert.ok(x.bytes.equals(y.bytes), 'truncated to 1300 tokens');
    const c = await ok(msgBody('qwen-image-2.0', 'あ'.repeat(900), [], { seed: 4, size: '512*512' }));
    const z = await download(c.json.output.choices[0].message.content[0].image);
    assert.ok(!z.bytes.equals(y.bytes));
  });
});

describe('qwen-image-edit-max and the qwen-image-edit-plus snapshots (NEW §4)', () => {
  it('edit-max: each side in [512, 2048], n 1–6, needs an image, output ×16', async () => {
    for (const model of ['qwen-image-edit-max', 'qwen-image-edit-max-2026-01-16']) {
      await bad(msgBody(model, 'a', [square], { size: '2049*1024' }), 'The size 2049*1024 is not supported: width and height must each be between 512 and 2048.');
      await bad(msgBody(model, 'a', [square], { size: '511*1024' }), /each be between 512 and 2048/);
      await bad(msgBody(model, 'a', [square], { n: 7 }), 'num_images_per_prompt must be between 1 and 6');
      await bad(msgBody(model, 'a'), 'lack of image or text');
    }
    const r = await ok(msgBody('qwen-image-edit-max', 'a', [square], { size: '2048*512', n: 2 }));
    assert.deepEqual(r.json.usage, { height: 512, image_count: 2, width: 2048 });
    assert.deepEqual(r.json.output.task_metric, { FAILED: 0, SUCCEEDED: 2, TOTAL: 2 });
  });

  it('edit-plus snapshots: the same rules as qwen-image-edit-plus', async () => {
    for (const model of ['qwen-image-edit-plus-2025-12-15', 'qwen-image-edit-plus-2025-10-30']) {
      await bad(msgBody(model, 'a', [square], { n: 7 }), 'num_images_per_prompt must be between 1 and 6');
      await bad(msgBody(model, 'a', [square], { size: '256*1024' }), /each be between 512 and 2048/);
      const r = await ok(msgBody(model, 'a', [wide, portrait]));
      assert.deepEqual(r.json.usage, { height: 1248, image_count: 1, width: 832 });
    }
  });

  it('no async variant', async () => {
    assertError(await submit(IMGGEN, msgBody('qwen-image-edit-max', 'a', [square])), 400, 'InvalidParameter', URL_ERROR);
  });
});

describe('qwen-image-plus-2026-01-09 (NEW §4)', () => {
  it('the five listed sizes, default 1664*928, n fixed 1, sync only', async () => {
    const r = await ok(msgBody('qwen-image-plus-2026-01-09', 'a', [], { seed: 2 }));
    assert.deepEqual(r.json.usage, { height: 928, image_count: 1, width: 1664 });
    assert.ok(r.json.output.task_metric);
    await bad(msgBody('qwen-image-plus-2026-01-09', 'a', [], { size: '1024*1024' }), "The size is not match the allowed size ['1664*928', '1472*1104', '1328*1328', '1104*1472', '928*1664']");
    await bad(msgBody('qwen-image-plus-2026-01-09', 'a', [], { n: 2 }), 'num_images_per_prompt must be 1');
    assertError(await submit(T2I, { model: 'qwen-image-plus-2026-01-09', input: { prompt: 'a' } }), 400, 'InvalidParameter', URL_ERROR);
  });
});

describe('wan2.7-image-pro and wan2.7-image (NEW §3)', () => {
  const both = ['wan2.7-image-pro', 'wan2.7-image'];

  it('text-to-image with 0 images: default 2K → 2048*2048, wan family, one image (n default 1)', async () => {
    for (const model of both) {
      const r = await ok(msgBody(model, 'a flower shop', [], { seed: 3 }));
      assert.equal(r.json.usage.size, '2048*2048', model);
      assert.equal(r.json.usage.image_count, 1);
      assert.equal(r.json.output.finished, true);
      assert.deepEqual(items(r), [{ image: r.json.output.choices[0].message.content[0].image, type: 'image' }]);
    }
  });

  it('0–9 input images; 1K ≈1024*1024 with the last image aspect', async () => {
    for (const model of both) await bad(msgBody(model, 'a', Array(10).fill(square), { size: '1K' }), 'content length only support 10');
    const r = await ok(msgBody('wan2.7-image', 'a', [square, portrait], { size: '1K' }));
    assert.equal(r.json.usage.size, '832*1248');
    const img = await download(r.json.output.choices[0].message.content[0].image);
    assert.deepEqual(pngSize(img.bytes), { width: 832, height: 1248 });
    assert.equal((await sync(msgBody('wan2.7-image-pro', 'a', Array(9).fill(square), { size: '1K' }))).status, 200);
  });

  it('4K: wan2.7-image-pro text-to-image only; never on wan2.7-image', async () => {
    const r = await ok(msgBody('wan2.7-image-pro', 'a', [], { size: '4k' }));
    assert.equal(r.json.usage.size, '4096*4096');
    await bad(msgBody('wan2.7-image-pro', 'a', [square], { size: '4K' }), 'The size 4K is only supported for text-to-image without an image set.');
    await bad(msgBody('wan2.7-image-pro', 'a', [], { size: '4K', enable_sequential: true, n: 1 }), /only supported for text-to-image without an image set/);
    await bad(msgBody('wan2.7-image', 'a', [], { size: '4K' }), 'The size "4K" is not valid: use WIDTH*HEIGHT (for example 1024*1024) or one of 1K, 2K.');
  });

  it('custom W*H: pro text-to-image [768², 4096²], every other case [768², 2048²]; aspect 1:8..8:1', async () => {
    assert.equal((await ok(msgBody('wan2.7-image-pro', 'a', [], { size: '2304*2304' }))).json.usage.size, '2304*2304');
    await bad(msgBody('wan2.7-image-pro', 'a', [], { size: '4097*4096' }), /between 768\*768 and 4096\*4096 pixels/);
    await bad(msgBody('wan2.7-image-pro', 'a', [square], { size: '2304*2304' }), /between 768\*768 and 2048\*2048 pixels/);
    await bad(msgBody('wan2.7-image-pro', 'a', [], { size: '2304*2304', enable_sequential: true, n: 1 }), /between 768\*768 and 2048\*2048 pixels/);
    await bad(msgBody('wan2.7-image', 'a', [], { size: '2304*2304' }), /between 768\*768 and 2048\*2048 pixels/);
    await bad(msgBody('wan2.7-image', 'a', [], { size: '767*767' }), /between 768\*768/);
    await bad(msgBody('wan2.7-image', 'a', [], { size: '3600*400' }), 'The size 3600*400 is not supported: the aspect ratio must be between 1:8 and 8:1.');
    assert.equal((await ok(msgBody('wan2.7-image', 'a', [], { size: '2400*300' }))).json.usage.size, '2400*300');
  });

  it('n 1–4 without an image set; 1–12 with enable_sequential', async () => {
    for (const model of both) {
      await bad(msgBody(model, 'a', [], { n: 5, size: '1K' }), 'num_images_per_prompt must be between 1 and 4');
      await bad(msgBody(model, 'a', [], { n: 13, size: '1K', enable_sequential: true }), 'num_images_per_prompt must be between 1 and 12');
    }
    const r = await ok(msgBody('wan2.7-image', 'a', [], { n: 2, size: '1K' }));
    assert.equal(r.json.usage.image_count, 2);
  });

  it('the image set: ONE choice with several image items, sync and async (NEW §3 "Image-set result")', async () => {
    const r = await ok(msgBody('wan2.7-image-pro', 'a storyboard', [], { enable_sequential: true, n: 3, size: '1K', seed: 8 }));
    assert.equal(r.json.output.choices.length, 1);
    const content = r.json.output.choices[0].message.content;
    assert.equal(content.length, 3);
    for (const item of content) assert.deepEqual(Object.keys(item).sort(), ['image', 'type']);
    assert.equal(new Set(content.map((i: { image: string }) => i.image)).size, 3);
    assert.equal(r.json.usage.image_count, 3);
    assert.equal(r.json.usage.size, '1024*1024');
    assert.ok(r.json.usage.input_tokens > 0, 'tokens are informational but reported');

    // Without n the default 12 is an upper bound; the simulator's model makes 4.
    const d = await ok(msgBody('wan2.7-image', 'a storyboard', [square], { enable_sequential: true, size: '1K' }));
    assert.equal(d.json.output.choices.length, 1);
    assert.equal(d.json.output.choices[0].message.content.length, 4);

    const t = await submit(IMGGEN, msgBody('wan2.7-image', 'a storyboard', [], { enable_sequential: true, n: 2, size: '1K' }));
    assert.equal(t.status, 200, t.text);
    const done = (await pollTask(sim, t.json.output.task_id)).at(-1);
    assert.equal(done.output.task_status, 'SUCCEEDED');
    assert.equal(done.output.finished, true);
    assert.equal(done.output.choices.length, 1);
    assert.equal(done.output.choices[0].message.content.length, 2);
    assert.equal(done.usage.image_count, 2);
  });

  it('without an image set, n>1 is one choice per image (sim choice, NEW §6 unconfirmed)', async () => {
    const r = await ok(msgBody('wan2.7-image', 'a', [], { n: 2, size: '1K' }));
    assert.equal(r.json.output.choices.length, 2);
  });

  it('async variant on image-generation', async () => {
    const t = await submit(IMGGEN, msgBody('wan2.7-image-pro', 'a', [square], { size: '1K' }));
    assert.equal(t.status, 200, t.text);
    const done = (await pollTask(sim, t.json.output.task_id)).at(-1);
    assert.equal(done.output.task_status, 'SUCCEEDED');
    assert.equal(done.usage.size, '1024*1024');
  });

  it('negative_prompt and prompt_extend are not supported (W27G "不支持")', async () => {
    for (const model of both) {
      await bad(msgBody(model, 'a', [], { negative_prompt: 'blur' }), `The parameter negative_prompt is not supported by ${model}.`);
      await bad(msgBody(model, 'a', [], { prompt_extend: false }), `The parameter prompt_extend is not supported by ${model}.`);
    }
  });

  it('thinking_mode must be a boolean; enable_sequential too', async () => {
    await bad(msgBody('wan2.7-image', 'a', [], { thinking_mode: 'on' }), 'The parameter thinking_mode must be a boolean.');
    await bad(msgBody('wan2.7-image', 'a', [], { enable_sequential: 1 }), 'The parameter enable_sequential must be a boolean.');
    assert.equal((await sync(msgBody('wan2.7-image', 'a', [], { thinking_mode: false, size: '1K' }))).status, 200);
  });

  it('the text limit is 5000 characters, truncated beyond (W27)', async () => {
    const [a, b] = await Promise.all([
      ok(msgBody('wan2.7-image', 'x'.repeat(5100), [], { seed: 5, size: '1K' })),
      ok(msgBody('wan2.7-image', 'x'.repeat(5000), [], { seed: 5, size: '1K' })),
    ]);
    const [x, y] = await Promise.all([download(a.json.output.choices[0].message.content[0].image), download(b.json.output.choices[0].message.content[0].image)]);
    assert.ok(x.bytes.equals(y.bytes));
  });

  it('input images: aspect 1:8..8:1, no alpha, at least 240 px a side', async () => {
    await bad(msgBody('wan2.7-image', 'a', [dataUri(png(2000, 240))], { size: '1K' }), /aspect ratio of the image is not valid, it must be between 1:8 and 8:1/);
    await bad(msgBody('wan2.7-image', 'a', [dataUri(png(512, 512, { alpha: true }))], { size: '1K' }), /alpha channel/);
    await bad(msgBody('wan2.7-image', 'a', [dataUri(png(239, 512))], { size: '1K' }), /between 240 and 8000 pixels/);
  });
});

describe('wan2.7 color_palette (NEW §3: 3–10 colours, ratios add up to 100.00%)', () => {
  const palette = (...ratios: string[]) => ratios.map((ratio, i) => ({ hex: `#${(0x102030 + i * 0x111111).toString(16).toUpperCase()}`, ratio }));

  it('a palette whose ratios add up to 100.00% is accepted', async () => {
    await ok(msgBody('wan2.7-image', 'a', [], { size: '1K', color_palette: palette('23.51%', '40.00%', '36.49%') }));
    await ok(msgBody('wan2.7-image-pro', 'a', [], { size: '1K', color_palette: palette(...Array(10).fill('10.00%')) }));
  });

  it('ratios that add up to anything else → InvalidParameter naming the sum', async () => {
    await bad(msgBody('wan2.7-image', 'a', [], { size: '1K', color_palette: palette('33.33%', '33.33%', '33.33%') }), 'The ratios of color_palette must add up to 100.00%, but add up to 99.99%.');
    await bad(msgBody('wan2.7-image', 'a', [], { size: '1K', color_palette: palette('50.00%', '30.00%', '30.00%') }), /add up to 110\.00%/);
  });

  it('fewer than 3 or more than 10 colours, malformed items, or an image set → InvalidParameter', async () => {
    await bad(msgBody('wan2.7-image', 'a', [], { size: '1K', color_palette: palette('50.00%', '50.00%') }), 'The parameter color_palette must be a list of 3 to 10 colours.');
    await bad(msgBody('wan2.7-image', 'a', [], { size: '1K', color_palette: palette(...Array(11).fill('9.00%'), '1.00%') }), /3 to 10 colours/);
    await bad(msgBody('wan2.7-image', 'a', [], { size: '1K', color_palette: [{ hex: 'C2D1E6', ratio: '50.00%' }, ...palette('25.00%', '25.00%')] }), /"hex": "#RRGGBB"/);
    await bad(msgBody('wan2.7-image', 'a', [], { size: '1K', color_palette: [{ hex: '#C2D1E6', ratio: 50 }, ...palette('25.00%', '25.00%')] }), /"ratio": "NN.NN%"/);
    await bad(msgBody('wan2.7-image', 'a', [], { size: '1K', enable_sequential: true, color_palette: palette('23.51%', '40.00%', '36.49%') }), 'The parameter color_palette is only supported when enable_sequential is false.');
  });
});

describe('wan2.7 bbox_list (NEW §3: one list per input image, at most 2 boxes, inside the image)', () => {
  it('the doc example shape [[], [[x1,y1,x2,y2]]] is accepted', async () => {
    const big = sim.assets.putStatic('nm-big.png', png(1200, 800), 'image/png');
    await ok(msgBody('wan2.7-image', 'move the cup', [square, big], { size: '1K', bbox_list: [[], [[989, 515, 1138, 681]]] }));
    await ok(msgBody('wan2.7-image-pro', 'two boxes', [square], { size: '1K', bbox_list: [[[0, 0, 10, 10], [500, 500, 512, 512]]] }));
  });

  it('one entry per input image: too few or too many entries → InvalidParameter', async () => {
    await bad(msgBody('wan2.7-image', 'a', [square, square], { size: '1K', bbox_list: [[[0, 0, 10, 10]]] }), 'The parameter bbox_list must have one entry per input image: 2 image(s), 1 entries.');
    await bad(msgBody('wan2.7-image', 'a', [], { size: '1K', bbox_list: [[]] }), /0 image\(s\), 1 entries/);
  });

  it('at most 2 boxes per image', async () => {
    const three = [[0, 0, 10, 10], [20, 20, 30, 30], [40, 40, 50, 50]];
    await bad(msgBody('wan2.7-image', 'a', [square, square], { size: '1K', bbox_list: [[], three] }), 'The bbox_list entry of image 2 has more than 2 boxes.');
  });

  it('each box inside its image (absolute source pixels), with x1 < x2 and y1 < y2', async () => {
    await bad(msgBody('wan2.7-image', 'a', [square], { size: '1K', bbox_list: [[[100, 100, 513, 200]]] }), 'A bbox_list box of image 1 lies outside the image (512*512).');
    await bad(msgBody('wan2.7-image', 'a', [wide, square], { size: '1K', bbox_list: [[[0, 0, 800, 400]], [[0, 0, 100, 600]]] }), /image 2 lies outside the image \(512\*512\)/);
    await bad(msgBody('wan2.7-image', 'a', [square], { size: '1K', bbox_list: [[[200, 100, 100, 200]]] }), 'Each bbox_list box must be [x1, y1, x2, y2] with 0 <= x1 < x2 and 0 <= y1 < y2.');
    await bad(msgBody('wan2.7-image', 'a', [square], { size: '1K', bbox_list: [[[-1, 0, 10, 10]]] }), /0 <= x1 < x2/);
  });

  it('malformed boxes (not 4 integers) → InvalidParameter', async () => {
    await bad(msgBody('wan2.7-image', 'a', [square], { size: '1K', bbox_list: [[[0, 0, 10]]] }), /one list of boxes \[x1, y1, x2, y2\] \(integers\) per input image/);
    await bad(msgBody('wan2.7-image', 'a', [square], { size: '1K', bbox_list: [[[0, 0, 10.5, 10]]] }), /\(integers\)/);
    await bad(msgBody('wan2.7-image', 'a', [square], { size: '1K', bbox_list: {} }), /one list of boxes/);
  });

  it('the async endpoint checks the boxes against the images too', async () => {
    assertError(await submit(IMGGEN, msgBody('wan2.7-image', 'a', [square], { size: '1K', bbox_list: [[[0, 0, 600, 10]]] })), 400, 'InvalidParameter', /lies outside the image/);
  });
});

describe('qwen-image-3.0-pro and qwen-image-3.0 (NEW §5)', () => {
  const both = ['qwen-image-3.0-pro', 'qwen-image-3.0'];

  it('text-to-image: rewrite_status and the qima usage; the size is picked by the model', async () => {
    for (const model of both) {
      const r = await ok(msgBody(model, 'a tea house', [], { size: '1536*1536', n: 2 }));
      assert.equal(r.json.output.rewrite_status, 'success');
      assert.equal(r.json.output.choices.length, 1);
      assert.deepEqual(r.json.output.choices[0].message.content.map((i: object) => Object.keys(i)), [['image'], ['image']]);
      assert.deepEqual(r.json.usage, { output_width: 1536, output_height: 1536, input_image_count: 0, output_image_count: 2, output_image_type: 'qima_output_2k' });
    }
    const off = await ok(msgBody('qwen-image-3.0', 'a tea house', [], { size: '1024*1024', prompt_extend: false }));
    assert.equal(off.json.output.rewrite_status, 'not_use');
    assert.equal(off.json.usage.output_image_type, 'qima_output_1k');
    const picked = await ok(msgBody('qwen-image-3.0', 'a tea house'));
    const img = await download(picked.json.output.choices[0].message.content[0].image);
    assert.deepEqual(pngSize(img.bytes), { width: picked.json.usage.output_width, height: picked.json.usage.output_height });
  });

  it('total pixels [512², 2048²], aspect 1:8..8:1, n 1–6, 1–3 images', async () => {
    for (const model of both) {
      await bad(msgBody(model, 'a', [], { size: '2049*2048' }), /between 512\*512 and 2048\*2048 pixels/);
      await bad(msgBody(model, 'a', [], { size: '2304*256' }), /aspect ratio must be between 1:8 and 8:1/);
      await bad(msgBody(model, 'a', [], { n: 7 }), 'num_images_per_prompt must be between 1 and 6');
      await bad(msgBody(model, 'a', [square, square, square, square]), 'content length only support 4');
    }
    const e = await ok(msgBody('qwen-image-3.0', 'edit', [wide, portrait]));
    assert.deepEqual([e.json.usage.output_width, e.json.usage.output_height, e.json.usage.input_image_count, e.json.usage.input_image_type], [832, 1248, 2, 'qima_input_1k']);
  });

  it('prompt_extend_mode: direct (default) or agent; agent only without input images', async () => {
    await ok(msgBody('qwen-image-3.0-pro', 'a', [], { size: '512*512', prompt_extend_mode: 'agent' }));
    await ok(msgBody('qwen-image-3.0-pro', 'a', [square], { size: '512*512', prompt_extend_mode: 'direct' }));
    await bad(msgBody('qwen-image-3.0-pro', 'a', [square], { size: '512*512', prompt_extend_mode: 'agent' }), 'prompt_extend_mode "agent" only supports text-to-image; use "direct" with input images.');
    await bad(msgBody('qwen-image-3.0', 'a', [], { size: '512*512', prompt_extend_mode: 'smart' }), 'The parameter prompt_extend_mode must be "direct" or "agent".');
  });

  it('enable_thinking must be a boolean', async () => {
    await bad(msgBody('qwen-image-3.0', 'a', [], { size: '512*512', enable_thinking: 'yes' }), 'The parameter enable_thinking must be a boolean.');
    await ok(msgBody('qwen-image-3.0', 'a', [], { size: '512*512', enable_thinking: false }));
  });

  it('async variant: the result items carry type "image" (NEW §5)', async () => {
    const t = await submit(IMGGEN, msgBody('qwen-image-3.0', 'a', [], { size: '512*512' }));
    assert.equal(t.status, 200, t.text);
    const done = (await pollTask(sim, t.json.output.task_id)).at(-1);
    assert.equal(done.output.task_status, 'SUCCEEDED');
    assert.deepEqual(Object.keys(done.output.choices[0].message.content[0]).sort(), ['image', 'type']);
    assert.equal(done.usage.output_width, 512);
  });

  it('invite-only ("邀测阶段"): a key switched off by modelAccess gets 403 AccessDenied.Unpurchased; setModelAccess switches at run time', async () => {
    const denied = 'sk-sim-beijing-0002';
    const body = msgBody('qwen-image-3.0-pro', 'a', [], { size: '512*512' });
    const msg = 'Access to model denied. Please make sure you are eligible for using the model.';
    assertError(await sync(body, denied), 403, 'AccessDenied.Unpurchased', msg);
    assertError(await submit(IMGGEN, body, denied), 403, 'AccessDenied.Unpurchased', msg);
    // Other models are not affected.
    assert.equal((await sync(msgBody('z-image-turbo', 'a', [], { size: '512*512' }), denied)).status, 200);
    sim.setModelAccess(denied, true);
    assert.equal((await sync(body, denied)).status, 200);
    sim.setModelAccess(sim.keys.beijing, false);
    try {
      assertError(await sync(body), 403, 'AccessDenied.Unpurchased', msg);
    } finally {
      sim.setModelAccess(sim.keys.beijing, true);
    }
  });
});
