/**
 * Tests of the simulator's assets layer (test/sim/assets/):
 *   node --import tsx --test test/sim/assets.test.ts
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import {
  clearRenderCache,
  renderImage,
  renderImageAsync,
  renderTranslation,
  SimInputError,
  startAssetHosts,
  type AssetHosts,
  type UploadPolicyData,
} from './assets';
import { parseMultipartLenient } from './assets/multipart';
import { FakeClock } from './clock';
import { CAPTURES_DIR } from '../fixtures/captures';

const CAPTURES = CAPTURES_DIR;
const MB = 1024 * 1024;
const DATA_LIMIT = 10485760;

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function isPng(b: Buffer): boolean {
  return b.subarray(0, 8).equals(PNG_MAGIC);
}
function isJpg(b: Buffer): boolean {
  return b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff && b[b.length - 2] === 0xff && b[b.length - 1] === 0xd9;
}

/** A plain opaque RGB PNG of the given size via pngjs (independent of the renderer). */
function makePng(width: number, height: number, rgb: [number, number, number] = [10, 120, 200]): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    png.data[i * 4] = rgb[0];
    png.data[i * 4 + 1] = rgb[1];
    png.data[i * 4 + 2] = rgb[2];
    png.data[i * 4 + 3] = 255;
  }
  return PNG.sync.write(png, { colorType: 2 });
}

/** A minimal GIF89a header of the given size (enough for the header sniffer). */
function makeGifHeader(width: number, height: number): Buffer {
  const b = Buffer.alloc(32);
  b.write('GIF89a', 0, 'latin1');
  b.writeUInt16LE(width, 6);
  b.writeUInt16LE(height, 8);
  return b;
}

/** A minimal 24-bit BMP of the given size (real pixel data, all grey). */
function makeBmp(width: number, height: number): Buffer {
  const row = Math.ceil((width * 3) / 4) * 4;
  const size = 54 + row * height;
  const b = Buffer.alloc(size, 0x80);
  b.write('BM', 0, 'latin1');
  b.writeUInt32LE(size, 2);
  b.writeUInt32LE(0, 6);
  b.writeUInt32LE(54, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(width, 18);
  b.writeInt32LE(height, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(24, 28);
  b.writeUInt32LE(0, 30);
  b.writeUInt32LE(row * height, 34);
  return b;
}

function dataUri(bytes: Buffer, mime = 'image/png'): string {
  return `data:${mime};base64,${bytes.toString('base64')}`;
}

async function expectInputError(p: Promise<unknown>, status: number, code: string, message?: string | RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof SimInputError, `expected SimInputError, got ${String(e)}`);
    assert.equal(e.status, status);
    assert.equal(e.code, code);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return true;
  });
}

function uploadForm(policy: UploadPolicyData, key: string, file: Buffer, extra: Record<string, string | undefined> = {}): FormData {
  const fields: Record<string, string | undefined> = {
    OSSAccessKeyId: policy.oss_access_key_id,
    Signature: policy.signature,
    policy: policy.policy,
    key,
    'x-oss-object-acl': policy.x_oss_object_acl,
    'x-oss-forbid-overwrite': policy.x_oss_forbid_overwrite,
    success_action_status: '200',
    'x-oss-content-type': 'image/png',
    ...extra,
  };
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) fd.append(k, v);
  fd.append('file', new Blob([new Uint8Array(file)], { type: 'image/png' }), key.split('/').pop());
  return fd;
}

async function upload(policy: UploadPolicyData, key: string, file: Buffer, extra: Record<string, string | undefined> = {}): Promise<Response> {
  return fetch(policy.upload_host, { method: 'POST', body: uploadForm(policy, key, file, extra) });
}

// -------------------------------------------------------------------------------------------

describe('render', () => {
  const base = { model: 'qwen-image-max', prompt: '冬日北京的都市街景', seed: 233, width: 320, height: 240, format: 'png' as const, index: 1 };

  test('same inputs give identical bytes (also after the cache is dropped)', () => {
    const a = renderImage(base);
    clearRenderCache();
    const b = renderImage(base);
    assert.notEqual(a, b); // really re-rendered
    assert.ok(a.equals(b));
    clearRenderCache();
    assert.ok(renderImage({ ...base, format: 'jpg' }).equals((clearRenderCache(), renderImage({ ...base, format: 'jpg' }))));
  });

  test('prompt, seed, index and model each change the picture', () => {
    const ref = renderImage(base);
    for (const change of [{ prompt: 'a red fox' }, { seed: 234 }, { index: 2 }, { model: 'wan2.6-t2i' }]) {
      const other = renderImage({ ...base, ...change });
      assert.ok(!other.equals(ref), `expected a different image for ${JSON.stringify(change)}`);
      // Different decoded pixels, not just different bytes.
      const p1 = PNG.sync.read(ref).data;
      const p2 = PNG.sync.read(other).data;
      let diff = 0;
      for (let i = 0; i < p1.length; i += 4) if (p1[i] !== p2[i] || p1[i + 1] !== p2[i + 1] || p1[i + 2] !== p2[i + 2]) diff++;
      assert.ok(diff > (p1.length / 4) * 0.01, `only ${diff} pixels differ for ${JSON.stringify(change)}`);
    }
  });

  test('PNG of exactly the requested size, decodable by pngjs', () => {
    for (const [w, h] of [[1, 1], [17, 3], [3, 17], [1664, 928], [928, 1664], [1328, 1328]] as const) {
      const b = renderImage({ ...base, width: w, height: h });
      assert.ok(isPng(b));
      const png = PNG.sync.read(b);
      assert.equal(png.width, w);
      assert.equal(png.height, h);
    }
  });

  test('JPG of exactly the requested size, decodable by jpeg-js', () => {
    for (const [w, h] of [[1, 1], [33, 9], [1280, 720]] as const) {
      const b = renderImage({ ...base, width: w, height: h, format: 'jpg' });
      assert.ok(isJpg(b));
      const img = jpeg.decode(b, { useTArray: true });
      assert.equal(img.width, w);
      assert.equal(img.height, h);
    }
  });

  test('renderImageAsync gives the same bytes and shares concurrent renders', async () => {
    clearRenderCache();
    const o = { ...base, prompt: 'async', width: 700, height: 500 };
    const [a, b] = await Promise.all([renderImageAsync(o), renderImageAsync(o)]);
    assert.equal(a, b);
    clearRenderCache();
    assert.ok(renderImage(o).equals(a));
    const j = await renderImageAsync({ ...o, format: 'jpg' });
    assert.ok(isJpg(j));
  });

  test('rejects sizes that are not positive integers', () => {
    assert.throws(() => renderImage({ ...base, width: 0 }), RangeError);
    assert.throws(() => renderImage({ ...base, height: 10.5 }), RangeError);
  });

  test('2048×2048 renders in both formats; a repeated call is a cache hit until the cache is cleared', () => {
    clearRenderCache();
    const pngOpts = { ...base, prompt: 'large png', width: 2048, height: 2048, format: 'png' as const };
    const first = renderImage(pngOpts);
    assert.deepEqual([PNG.sync.read(first).width, PNG.sync.read(first).height], [2048, 2048]);
    assert.equal(renderImage(pngOpts), first, 'the very same Buffer: nothing rendered again');
    clearRenderCache();
    const again = renderImage(pngOpts);
    assert.notEqual(again, first, 'rendered anew after clearRenderCache');
    assert.ok(again.equals(first), 'deterministic');
    const jpg = renderImage({ ...pngOpts, format: 'jpg' });
    assert.ok(isJpg(jpg));
    const j = jpeg.decode(jpg, { useTArray: true });
    assert.deepEqual([j.width, j.height], [2048, 2048]);
  });

  test('renderTranslation: a JPG the size of the input, deterministic, visibly changed', () => {
    const input = renderImage({ ...base, width: 300, height: 200 });
    const out = renderTranslation({ bytes: input, width: 300, height: 200 }, 'en');
    assert.ok(isJpg(out));
    const img = jpeg.decode(out, { useTArray: true });
    assert.equal(img.width, 300);
    assert.equal(img.height, 200);
    assert.ok(renderTranslation({ bytes: Buffer.from(input), width: 300, height: 200 }, 'en').equals(out));
    assert.ok(!renderTranslation({ bytes: input, width: 300, height: 200 }, 'ja').equals(out));
    // A JPG input and a format the renderer cannot decode (BMP) still give a JPG of the input size.
    const jpgIn = renderImage({ ...base, width: 64, height: 48, format: 'jpg' });
    const j = jpeg.decode(renderTranslation({ bytes: jpgIn, width: 64, height: 48 }, 'zh'), { useTArray: true });
    assert.deepEqual([j.width, j.height], [64, 48]);
    const b = jpeg.decode(renderTranslation({ bytes: makeBmp(40, 30), width: 40, height: 30 }, 'en'), { useTArray: true });
    assert.deepEqual([b.width, b.height], [40, 30]);
  });
});

// -------------------------------------------------------------------------------------------

describe('result host', () => {
  // Throttled downloads wait on the clock: it jumps to each wait, counting it exactly.
  const clock = new FakeClock({ autoAdvance: true });
  let hosts: AssetHosts;
  before(async () => {
    hosts = await startAssetHosts({ clock });
  });
  after(async () => {
    await hosts.stop();
  });

  const opts = { model: 'qwen-image-max', prompt: 'p', seed: 7, width: 1664, height: 928, format: 'png' as const, index: 1 };

  test('putResult gives an OSS-like signed URL that serves the rendered PNG', async () => {
    const url = await hosts.putResult(opts);
    assert.match(
      url,
      /^http:\/\/127\.0\.0\.1:\d+\/\d{8}\/[0-9a-f]{8}\/[0-9a-f-]{36}-1\.png\?Expires=\d+&OSSAccessKeyId=SIMAK[0-9A-F]+&Signature=[A-Za-z0-9%]+$/,
    );
    assert.ok(url.startsWith(hosts.resultBaseUrl));
    const expires = Number(new URL(url).searchParams.get('Expires'));
    assert.equal(expires, Math.ceil((clock.now() + 24 * 3600_000) / 1000), 'default expiry is 24 h');
    assert.equal((await fetch(url, { method: 'HEAD' })).headers.get('date'), new Date(clock.now()).toUTCString(), 'Date is the clock\'s');
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    const body = Buffer.from(await res.arrayBuffer());
    assert.equal(Number(res.headers.get('content-length')), body.length);
    assert.ok(body.equals(renderImage(opts)));
    assert.equal(res.headers.get('content-md5'), createHash('md5').update(body).digest('base64'));
    const png = PNG.sync.read(body);
    assert.deepEqual([png.width, png.height], [1664, 928]);
  });

  test('HEAD answers the headers without a body', async () => {
    const url = await hosts.putResult({ ...opts, index: 2 });
    const res = await fetch(url, { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    assert.equal(Number(res.headers.get('content-length')), renderImage({ ...opts, index: 2 }).length);
    assert.equal((await res.arrayBuffer()).byteLength, 0);
  });

  test('putResultBytes serves JPG as image/jpeg', async () => {
    const jpg = renderImage({ ...opts, width: 64, height: 64, format: 'jpg' });
    const url = hosts.putResultBytes(jpg, 'jpg');
    assert.match(new URL(url).pathname, /\.jpg$/);
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/jpeg');
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(jpg));
  });

  test('tampered signature, tampered Expires, missing parameters → 403 OSS XML', async () => {
    const url = await hosts.putResult({ ...opts, index: 3 });
    const u = new URL(url);
    u.searchParams.set('Signature', 'AAAA' + u.searchParams.get('Signature')!.slice(4));
    let res = await fetch(u);
    assert.equal(res.status, 403);
    assert.equal(res.headers.get('content-type'), 'application/xml');
    let xml = await res.text();
    assert.match(xml, /<Code>SignatureDoesNotMatch<\/Code>/);

    const v = new URL(url);
    v.searchParams.set('Expires', String(Number(v.searchParams.get('Expires')) + 3600));
    res = await fetch(v);
    assert.equal(res.status, 403);
    assert.match(await res.text(), /<Code>SignatureDoesNotMatch<\/Code>/);

    res = await fetch(url.split('?')[0]!);
    assert.equal(res.status, 403);
    xml = await res.text();
    assert.match(xml, /<Code>AccessDenied<\/Code>/);
  });

  test('a short ttl expires: 403 AccessDenied "Request has expired." as OSS XML', async () => {
    const url = hosts.putResultBytes(makePng(8, 8), 'png', 300);
    const fresh = async (): Promise<number> => {
      const r = await fetch(url);
      await r.arrayBuffer();
      return r.status;
    };
    assert.equal(await fresh(), 200);
    await clock.advance(299);
    assert.equal(await fresh(), 200, '1 ms before the ttl');
    await clock.advance(1);
    const last = await fetch(url);
    assert.equal(last.status, 403);
    assert.equal(last.headers.get('content-type'), 'application/xml');
    const xml = await last.text();
    assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Error>/);
    assert.match(xml, /<Code>AccessDenied<\/Code>\s*<Message>Request has expired\.<\/Message>/);
    assert.match(xml, /<ServerTime>/);
    // And as an input image it is a download failure.
    await expectInputError(hosts.resolveImage(url, { model: 'wan2.6-image', ossResolve: false, maxBytes: DATA_LIMIT }), 400, 'InvalidParameter.DataInspection');
  });

  test('putResult honours ttlMs in the Expires parameter', async () => {
    const url = await hosts.putResult({ ...opts, index: 4, ttlMs: 60_000 });
    const expires = Number(new URL(url).searchParams.get('Expires'));
    assert.equal(expires, Math.ceil((clock.now() + 60_000) / 1000));
  });

  test('Range requests get 206 with Content-Range', async () => {
    const bytes = makePng(16, 16);
    const url = hosts.putResultBytes(bytes, 'png');
    const res = await fetch(url, { headers: { Range: 'bytes=0-7' } });
    assert.equal(res.status, 206);
    assert.equal(res.headers.get('content-range'), `bytes 0-7/${bytes.length}`);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(PNG_MAGIC));
  });

  test('other methods → 405', async () => {
    const url = hosts.putResultBytes(makePng(4, 4), 'png');
    const res = await fetch(url, { method: 'PUT', body: 'x' });
    assert.equal(res.status, 405);
    await res.text();
  });

  test('throttle measurably slows a download; undefined restores full speed', async () => {
    const bytes = Buffer.concat([makePng(8, 8), Buffer.alloc(60_000, 1)]);
    const url = hosts.putResultBytes(bytes, 'png');
    const timed = async (): Promise<{ body: Buffer; ms: number }> => {
      const t = clock.now();
      const body = Buffer.from(await (await fetch(url)).arrayBuffer());
      return { body, ms: clock.now() - t };
    };
    assert.equal((await timed()).ms, 0, 'full speed');
    hosts.setResultThrottle(50_000);
    try {
      // 50 000 B/s: 2500 bytes at once, then 2500 more every 50 ms.
      const slow = await timed();
      assert.ok(slow.body.equals(bytes));
      assert.equal(slow.ms, (Math.ceil(bytes.length / 2500) - 1) * 50, `${bytes.length} bytes at 50 000 B/s`);
      assert.ok(slow.ms >= 1000);
    } finally {
      hosts.setResultThrottle(undefined);
    }
    assert.equal((await timed()).ms, 0, 'full speed again');
  });

  test('very low throttle rates are honoured (one byte per tick)', async () => {
    const url = hosts.putResultBytes(Buffer.alloc(12, 9), 'png');
    hosts.setResultThrottle(20);
    try {
      const t = clock.now();
      const body = Buffer.from(await (await fetch(url)).arrayBuffer());
      assert.equal(body.length, 12);
      // 20 B/s: one byte per 50 ms tick, the first at once.
      assert.equal(clock.now() - t, 11 * 50);
    } finally {
      hosts.setResultThrottle(undefined);
    }
    assert.throws(() => hosts.setResultThrottle(0), RangeError);
  });

  test('failNextDownloads: reset cuts the body, 500 answers InternalError, then downloads work again', async () => {
    const bytes = Buffer.concat([makePng(8, 8), Buffer.alloc(200_000, 7)]);
    const url = hosts.putResultBytes(bytes, 'png');
    hosts.failNextDownloads(1, 'reset');
    // HEAD does not consume an injected failure.
    assert.equal((await fetch(url, { method: 'HEAD' })).status, 200);
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal(Number(res.headers.get('content-length')), bytes.length);
    await assert.rejects(res.arrayBuffer());

    hosts.failNextDownloads(2, '500');
    for (let i = 0; i < 2; i++) {
      const r = await fetch(url);
      assert.equal(r.status, 500);
      assert.match(await r.text(), /<Code>InternalError<\/Code>/);
    }
    const ok = await fetch(url);
    assert.equal(ok.status, 200);
    assert.ok(Buffer.from(await ok.arrayBuffer()).equals(bytes));
  });

  test('throttle + reset: the connection is cut after part of the body', async () => {
    const bytes = Buffer.concat([makePng(8, 8), Buffer.alloc(40_000, 3)]);
    const url = hosts.putResultBytes(bytes, 'png');
    hosts.setResultThrottle(200_000);
    hosts.failNextDownloads(1, 'reset');
    try {
      const res = await fetch(url);
      const reader = res.body!.getReader();
      let got = 0;
      await assert.rejects(async () => {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          got += value.length;
        }
      });
      assert.ok(got > 0 && got < bytes.length, `received ${got} of ${bytes.length}`);
    } finally {
      hosts.setResultThrottle(undefined);
    }
  });

  test('static fixtures are served unsigned and resolvable', async () => {
    const png = makePng(500, 400);
    const url = hosts.putStatic('fixtures/cat.png', png);
    assert.equal(url, `${hosts.resultBaseUrl}/static/fixtures/cat.png`);
    const res = await fetch(url);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/png');
    await res.arrayBuffer();
    const img = await hosts.resolveImage(url, { model: 'qwen-image-edit-plus', ossResolve: false, maxBytes: DATA_LIMIT });
    assert.deepEqual([img.format, img.width, img.height], ['png', 500, 400]);
    // localhost is the same host.
    const viaLocalhost = url.replace('127.0.0.1', 'localhost');
    assert.equal((await hosts.resolveImage(viaLocalhost, { model: 'qwen-image-edit-plus', ossResolve: false, maxBytes: DATA_LIMIT })).width, 500);
  });
});

describe('result storage is bounded', () => {
  test('the oldest objects are dropped beyond maxResultItems → 404 NoSuchKey', async () => {
    const hosts = await startAssetHosts({ maxResultItems: 3 });
    try {
      const urls = [1, 2, 3, 4].map((i) => hosts.putResultBytes(makePng(4, 4), 'png', undefined, i));
      const first = await fetch(urls[0]!);
      assert.equal(first.status, 404);
      assert.match(await first.text(), /<Code>NoSuchKey<\/Code>/);
      const last = await fetch(urls[3]!);
      assert.equal(last.status, 200);
      await last.arrayBuffer();
      assert.equal(hosts.stats().results.items, 3);
    } finally {
      await hosts.stop();
    }
  });
});

// -------------------------------------------------------------------------------------------

describe('upload host', () => {
  const clock = new FakeClock();
  let hosts: AssetHosts;
  before(async () => {
    hosts = await startAssetHosts({ clock });
  });
  after(async () => {
    await hosts.stop();
  });

  const image = makePng(640, 480);

  test('policy has the captured shape and a decodable policy document', () => {
    const captured = JSON.parse(readFileSync(join(CAPTURES, 'get-upload-policy-nosse.response.body.txt'), 'utf8').replace(/^\uFEFF/, '')) as {
      data: Record<string, unknown>;
    };
    const p = hosts.createUploadPolicy({ keyId: 'sk-test', model: 'qwen-image-edit-plus', requestId: 'b744f4f8-1a9c-9c6b-950d-0d327e331f2f' });
    assert.deepEqual(Object.keys(p), Object.keys(captured.data));
    for (const [k, v] of Object.entries(captured.data)) assert.equal(typeof (p as unknown as Record<string, unknown>)[k], typeof v, k);
    assert.equal(p.upload_host, hosts.uploadHostUrl);
    assert.equal(p.expire_in_seconds, 300);
    assert.equal(p.max_file_size_mb, 1024);
    assert.equal(p.x_oss_object_acl, 'private');
    assert.equal(p.x_oss_forbid_overwrite, 'true');
    assert.match(p.upload_dir, /^dashscope-instant\/[0-9a-f]{32}\/\d{4}-\d{2}-\d{2}\/b744f4f8-1a9c-9c6b-950d-0d327e331f2f$/);
    assert.match(p.signature, /^[A-Za-z0-9+/]{27}=$/);
    const doc = JSON.parse(Buffer.from(p.policy, 'base64').toString('utf8')) as { expiration: string; conditions: unknown[] };
    assert.equal(doc.expiration, new Date(clock.now() + 300_000).toISOString());
    assert.deepEqual(doc.conditions[0], ['content-length-range', 0, 1024 * MB]);
    assert.deepEqual(doc.conditions[1], ['starts-with', '$key', p.upload_dir]);
    assert.ok(Buffer.from(p.policy, 'base64').toString('utf8').includes('\\/'), 'slashes escaped like the capture');
  });

  test('end to end: policy → form POST → oss:// resolves for the same model only', async () => {
    const p = hosts.createUploadPolicy({ keyId: 'sk-a', model: 'qwen-image-edit-plus' });
    const key = `${p.upload_dir}/photo.png`;
    const res = await upload(p, key, image);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '');
    const opts = { model: 'qwen-image-edit-plus', ossResolve: true, maxBytes: DATA_LIMIT };
    const img = await hosts.resolveImage(`oss://${key}`, opts);
    assert.deepEqual([img.format, img.width, img.height], ['png', 640, 480]);
    assert.ok(img.bytes.equals(image));
    assert.equal(hosts.getUpload(key)?.model, 'qwen-image-edit-plus');
    // Same key id passes, another key id does not.
    await hosts.resolveImage(`oss://${key}`, { ...opts, keyId: 'sk-a' });
    await expectInputError(hosts.resolveImage(`oss://${key}`, { ...opts, keyId: 'sk-b' }), 400, 'InvalidParameter.DataInspection');
    // Another model: the file is not visible to it.
    await expectInputError(
      hosts.resolveImage(`oss://${key}`, { ...opts, model: 'wan2.6-image' }),
      400,
      'InvalidParameter.DataInspection',
      'Unable to download the media resource during the data inspection process.',
    );
    // Without X-DashScope-OssResourceResolve.
    await expectInputError(hosts.resolveImage(`oss://${key}`, { ...opts, ossResolve: false }), 400, 'InvalidParameter', /The provided URL does not appear to be valid/);
    // Unknown key.
    await expectInputError(hosts.resolveImage(`oss://${p.upload_dir}/nope.png`, opts), 400, 'InvalidParameter.DataInspection');
  });

  test('qwen-mt-image: oss:// works for its own policy; the download failure text is "download image failed"', async () => {
    const p = hosts.createUploadPolicy({ keyId: 'sk-a', model: 'qwen-mt-image' });
    const key = `${p.upload_dir}/sign.png`;
    assert.equal((await upload(p, key, image)).status, 200);
    const img = await hosts.resolveImage(`oss://${key}`, { model: 'qwen-mt-image', ossResolve: true, maxBytes: DATA_LIMIT });
    assert.equal(img.width, 640);
    await expectInputError(hosts.resolveImage(`oss://${key}x`, { model: 'qwen-mt-image', ossResolve: true, maxBytes: DATA_LIMIT }), 400, 'InvalidParameter', 'download image failed');
  });

  test('overwriting an existing key → 409 FileAlreadyExists', async () => {
    const p = hosts.createUploadPolicy({ keyId: 'sk-a', model: 'wan2.6-image' });
    const key = `${p.upload_dir}/a.png`;
    assert.equal((await upload(p, key, image)).status, 200);
    const res = await upload(p, key, makePng(10, 10));
    assert.equal(res.status, 409);
    assert.equal(res.headers.get('content-type'), 'application/xml');
    assert.match(await res.text(), /<Code>FileAlreadyExists<\/Code>/);
    assert.ok(hosts.getUpload(key)!.bytes.equals(image), 'the first file is kept');
  });

  test('file larger than max_file_size_mb → 400 EntityTooLarge', async () => {
    const p = hosts.createUploadPolicy({ keyId: 'sk-a', model: 'wan2.6-image', maxFileSizeMb: 0.01 });
    assert.equal(p.max_file_size_mb, 0.01);
    const res = await upload(p, `${p.upload_dir}/big.png`, Buffer.concat([image, Buffer.alloc(20_000)]));
    assert.equal(res.status, 400);
    assert.match(await res.text(), /<Code>EntityTooLarge<\/Code>/);
    assert.equal((await upload(p, `${p.upload_dir}/small.png`, makePng(8, 8))).status, 200);
  });

  test('a body far beyond every policy limit is refused without being read', async () => {
    const small = await startAssetHosts({ maxUploadMb: 1 });
    try {
      const p = small.createUploadPolicy({ keyId: 'k', model: 'wan2.6-image' });
      const res = await upload(p, `${p.upload_dir}/huge.bin`, Buffer.alloc(3 * MB));
      assert.equal(res.status, 400);
      assert.match(await res.text(), /EntityTooLarge/);
    } catch (e) {
      // The server may close the connection while the client is still sending.
      assert.match(String((e as Error).cause ?? e), /(EPIPE|ECONNRESET|other side closed|socket)/i);
    } finally {
      await small.stop();
    }
  });

  test('expired policy → 403 AccessDenied "Invalid according to Policy: Policy expired."', async () => {
    const p = hosts.createUploadPolicy({ keyId: 'sk-a', model: 'wan2.6-image' });
    await clock.advance(299_999);
    assert.equal((await upload(p, `${p.upload_dir}/early.png`, image)).status, 200, '1 ms before expire_in_seconds');
    await clock.advance(1);
    const late = await upload(p, `${p.upload_dir}/late.png`, image);
    assert.equal(late.status, 403);
    assert.equal(late.headers.get('content-type'), 'application/xml');
    const xml = await late.text();
    assert.match(xml, /<Code>AccessDenied<\/Code>\s*<Message>Invalid according to Policy: Policy expired\.<\/Message>/);
  });

  test('key outside upload_dir, bad signature, foreign policy, missing fields → OSS errors', async () => {
    const p = hosts.createUploadPolicy({ keyId: 'sk-a', model: 'wan2.6-image' });
    let res = await upload(p, `dashscope-instant/other/x.png`, image);
    assert.equal(res.status, 403);
    assert.match(await res.text(), /Invalid according to Policy: Policy Condition failed: \["starts-with", "\$key"/);

    res = await upload(p, `${p.upload_dir}/x.png`, image, { Signature: 'n3dNX/aD3+WAly0QgzsURfiIk00=' });
    assert.equal(res.status, 403);
    assert.match(await res.text(), /<Code>SignatureDoesNotMatch<\/Code>/);

    const other = hosts.createUploadPolicy({ keyId: 'sk-a', model: 'wan2.6-image' });
    res = await upload(p, `${p.upload_dir}/x.png`, image, { policy: other.policy });
    assert.equal(res.status, 403);
    assert.match(await res.text(), /<Code>SignatureDoesNotMatch<\/Code>/);

    res = await upload(p, `${p.upload_dir}/x.png`, image, { OSSAccessKeyId: 'accessKeyId' });
    assert.equal(res.status, 403);
    assert.match(await res.text(), /<Code>InvalidAccessKeyId<\/Code>/);

    res = await upload(p, `${p.upload_dir}/x.png`, image, { 'x-oss-object-acl': 'public-read' });
    assert.equal(res.status, 403);
    assert.match(await res.text(), /Policy Condition failed: \["eq", "\$x-oss-object-acl", "private"\]/);

    res = await upload(p, `${p.upload_dir}/x.png`, image, { key: undefined });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /Bucket POST must contain a field named 'key'/);

    const noFile = new FormData();
    noFile.append('key', `${p.upload_dir}/x.png`);
    res = await fetch(p.upload_host, { method: 'POST', body: noFile });
    assert.equal(res.status, 400);
    await res.text();

    res = await fetch(p.upload_host, { method: 'POST', body: 'plain', headers: { 'content-type': 'text/plain' } });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /MalformedPOSTRequest/);

    res = await fetch(`${p.upload_host}/${p.upload_dir}/x.png`);
    assert.equal(res.status, 403);
    await res.text();
  });

  test('success_action_status: absent → 204, 201 → PostResponse XML', async () => {
    const p = hosts.createUploadPolicy({ keyId: 'sk-a', model: 'wan2.6-image' });
    let res = await upload(p, `${p.upload_dir}/n.png`, image, { success_action_status: undefined });
    assert.equal(res.status, 204);
    res = await upload(p, `${p.upload_dir}/c.png`, image, { success_action_status: '201' });
    assert.equal(res.status, 201);
    assert.match(await res.text(), /<PostResponse>[\s\S]*<Key>.*c\.png<\/Key>/);
  });

  test('a hand-written multipart body with unquoted names (as the .NET SDK in the capture sends) is accepted', async () => {
    const p = hosts.createUploadPolicy({ keyId: 'sk-a', model: 'wan2.6-image' });
    const key = `${p.upload_dir}/Lenna.png`;
    const boundary = '5aa22a67-eae4-4c54-8f62-c486fefd11a5';
    const field = (name: string, value: string): string =>
      `--${boundary}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Disposition: form-data; name=${name}\r\n\r\n${value}\r\n`;
    const head =
      field('OSSAccessKeyId', p.oss_access_key_id) +
      field('policy', p.policy) +
      field('Signature', p.signature) +
      field('key', key) +
      field('x-oss-object-acl', 'private') +
      field('x-oss-forbid-overwrite', 'true') +
      field('success_action_status', '200') +
      `--${boundary}\r\nContent-Disposition: form-data; name=file; filename=Lenna.png\r\n\r\n`;
    const body = Buffer.concat([Buffer.from(head), image, Buffer.from(`\r\n--${boundary}--\r\n`)]);
    const res = await fetch(p.upload_host, { method: 'POST', body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    assert.equal(res.status, 200);
    assert.ok(hosts.getUpload(key)!.bytes.equals(image));
  });

  test('the lenient parser reads the stored capture body (LF only, no blank lines)', () => {
    const raw = readFileSync(join(CAPTURES, 'upload-temporary-file-nosse.request.body.txt'));
    const parts = parseMultipartLenient(raw, 'multipart/form-data; boundary=5aa22a67-eae4-4c54-8f62-c486fefd11a5');
    const byName = Object.fromEntries(parts.map((x) => [x.name, x.data.toString('utf8')]));
    assert.deepEqual(Object.keys(byName), ['OSSAccessKeyId', 'policy', 'Signature', 'key', 'x-oss-object-acl', 'x-oss-forbid-overwrite', 'file']);
    assert.equal(byName.OSSAccessKeyId, 'accessKeyId');
    assert.equal(byName.Signature, 'n3dNX/aD3+WAly0QgzsURfiIk00=');
    assert.match(byName.key!, /\/Lenna\.jpg$/);
    assert.equal(byName.file, '1');
  });

  test('uploaded files live 48 h', async () => {
    const p = hosts.createUploadPolicy({ keyId: 'sk-a', model: 'wan2.6-image' });
    const key = `${p.upload_dir}/old.png`;
    assert.equal((await upload(p, key, image)).status, 200);
    const opts = { model: 'wan2.6-image', ossResolve: true, maxBytes: DATA_LIMIT };
    await clock.advance(48 * 3600_000 - 1);
    await hosts.resolveImage(`oss://${key}`, opts);
    await clock.advance(1);
    await expectInputError(hosts.resolveImage(`oss://${key}`, opts), 400, 'InvalidParameter.DataInspection');
  });
});

// -------------------------------------------------------------------------------------------

describe('resolveImage', () => {
  let hosts: AssetHosts;
  before(async () => {
    hosts = await startAssetHosts();
  });
  after(async () => {
    await hosts.stop();
  });
  const edit = { model: 'qwen-image-edit-plus', ossResolve: false, maxBytes: DATA_LIMIT };
  const wan = { model: 'wan2.6-image', ossResolve: false, maxBytes: DATA_LIMIT };
  const mt = { model: 'qwen-mt-image', ossResolve: false, maxBytes: DATA_LIMIT };

  test('result URLs of this simulator resolve with their real format and size', async () => {
    const url = await hosts.putResult({ model: 'wan2.6-t2i', prompt: 'x', seed: 1, width: 1280, height: 1280, format: 'png', index: 1 });
    const img = await hosts.resolveImage(url, wan);
    assert.deepEqual([img.format, img.width, img.height], ['png', 1280, 1280]);
    const jpgUrl = hosts.putResultBytes(renderImage({ model: 'm', prompt: 'x', seed: 1, width: 800, height: 600, format: 'jpg' }), 'jpg');
    const j = await hosts.resolveImage(jpgUrl, mt);
    assert.deepEqual([j.format, j.width, j.height], ['jpg', 800, 600]);
  });

  test('data: URIs decode; sizes come from the bytes, not the mime type', async () => {
    const img = await hosts.resolveImage(dataUri(makePng(512, 384), 'image/jpeg'), edit);
    assert.deepEqual([img.format, img.width, img.height], ['png', 512, 384]);
  });

  test('data: URI over 10485760 decoded bytes → the real message', async () => {
    const payload = 'A'.repeat(Math.ceil(((DATA_LIMIT + 3) * 4) / 3));
    await expectInputError(
      hosts.resolveImage(`data:image/png;base64,${payload}`, edit),
      400,
      'InvalidParameter',
      'Exceeded limit on max bytes per data-uri item : 10485760',
    );
    // A smaller caller limit is used (and named) instead.
    await expectInputError(
      hosts.resolveImage(dataUri(makePng(400, 400)), { ...edit, maxBytes: 100 }),
      400,
      'InvalidParameter',
      'Exceeded limit on max bytes per data-uri item : 100',
    );
  });

  test('malformed references and forms the model does not take → "url error, please check url!"', async () => {
    for (const ref of ['', 'ftp://example.com/a.png', 'file:///etc/passwd', '/tmp/a.png', 'data:image/png,notbase64', 'data:text/plain;base64,aGk=']) {
      await expectInputError(hosts.resolveImage(ref, edit), 400, 'InvalidParameter', 'url error, please check url!');
    }
    // qwen-mt-image takes URLs only (§4.3), not data: URIs.
    await expectInputError(hosts.resolveImage(dataUri(makePng(64, 64)), mt), 400, 'InvalidParameter', 'url error, please check url!');
    // …and no Chinese characters in the URL.
    const url = hosts.putStatic('图片.png', makePng(64, 64));
    await expectInputError(hosts.resolveImage(decodeURI(url), mt), 400, 'InvalidParameter', 'url error, please check url!');
  });

  test('hosts other than the simulator are unreachable (no request is made)', async () => {
    await expectInputError(
      hosts.resolveImage('https://help-static-aliyun-doc.aliyuncs.com/file-manage-files/zh-CN/20250916/ordhsk/1.webp', wan),
      400,
      'InvalidParameter.DataInspection',
      'Unable to download the media resource during the data inspection process.',
    );
    await expectInputError(hosts.resolveImage('https://example.com/1.png', mt), 400, 'InvalidParameter', 'download image failed');
    // The simulator's host on another port, and a missing path on its own port.
    const port = Number(new URL(hosts.resultBaseUrl).port);
    await expectInputError(hosts.resolveImage(`http://127.0.0.1:${port + 1}/static/x.png`, wan), 400, 'InvalidParameter.DataInspection');
    await expectInputError(hosts.resolveImage(`${hosts.resultBaseUrl}/static/missing.png`, wan), 400, 'InvalidParameter.DataInspection');
    // The private upload bucket cannot be read over HTTP either.
    await expectInputError(hosts.resolveImage(`${hosts.uploadHostUrl}/x.png`, wan), 400, 'InvalidParameter.DataInspection');
  });

  test('formats outside the model rule or undecodable bytes are refused', async () => {
    // GIF is allowed for qwen-image-edit-plus but not for wan2.6-image.
    const gif = makeGifHeader(500, 500);
    const okGif = await hosts.resolveImage(dataUri(gif, 'image/gif'), edit);
    assert.deepEqual([okGif.format, okGif.width, okGif.height], ['gif', 500, 500]);
    await expectInputError(
      hosts.resolveImage(dataUri(gif, 'image/gif'), wan),
      400,
      'InvalidParameter.DataInspection',
      'The media format is not supported or incorrect for the data inspection.',
    );
    await expectInputError(hosts.resolveImage(dataUri(Buffer.from('this is not an image at all')), edit), 400, 'InvalidParameter.DataInspection');
    const junk = hosts.putStatic('junk.png', Buffer.from('not an image, just text'));
    await expectInputError(hosts.resolveImage(junk, mt), 400, 'InvalidParameter', 'image format error');
    // BMP is fine for qwen-mt-image.
    const bmp = await hosts.resolveImage(hosts.putStatic('a.bmp', makeBmp(100, 50)), mt);
    assert.deepEqual([bmp.format, bmp.width, bmp.height], ['bmp', 100, 50]);
  });

  test('sides and aspect ratio are checked against the model rule', async () => {
    await expectInputError(
      hosts.resolveImage(dataUri(makePng(100, 500)), edit),
      400,
      'InvalidParameter',
      'The image size is not valid, width and height must be between 384 and 3072 pixels.',
    );
    await expectInputError(
      hosts.resolveImage(dataUri(makePng(3100, 400)), edit),
      400,
      'InvalidParameter',
      'The image size is not valid, width and height must be between 384 and 3072 pixels.',
    );
    // wan2.6-image takes 240..8000 per side: 300×300 passes there but not for qwen-image-edit-plus.
    assert.equal((await hosts.resolveImage(dataUri(makePng(300, 300)), wan)).width, 300);
    // qwen-mt-image: 15..8192 px per side and 1:10..10:1.
    await expectInputError(hosts.resolveImage(hosts.putStatic('tiny.png', makePng(10, 20)), mt), 400, 'InvalidParameter', /between 15 and 8192 pixels/);
    await expectInputError(
      hosts.resolveImage(hosts.putStatic('strip.png', makePng(20, 240)), mt),
      400,
      'InvalidParameter',
      'The aspect ratio of the image is not valid, it must be between 1:10 and 10:1.',
    );
    assert.equal((await hosts.resolveImage(hosts.putStatic('ok.png', makePng(20, 200)), mt)).height, 200);
  });

  test('files over the model maxBytes (10 MB for the edit models) → InvalidParameter', async () => {
    const big = Buffer.concat([makePng(600, 600), Buffer.alloc(10 * MB)]);
    await expectInputError(hosts.resolveImage(hosts.putStatic('big.png', big), edit), 400, 'InvalidParameter', 'The image file is too large, the file size must not exceed 10MB.');
    // qwen-mt-image allows up to 100 MB.
    assert.equal((await hosts.resolveImage(hosts.putStatic('big.png', big), mt)).width, 600);
  });

  test('models outside the model table get the generic rules', async () => {
    const img = await hosts.resolveImage(dataUri(makePng(20, 20)), { model: 'qwen-vl-plus', ossResolve: false, maxBytes: DATA_LIMIT });
    assert.deepEqual([img.width, img.height], [20, 20]);
  });

  test('resolving does not count as a download nor consume injected failures', async () => {
    const url = hosts.putResultBytes(makePng(400, 400), 'png');
    hosts.failNextDownloads(1, '500');
    const before = hosts.stats().results.downloads;
    assert.equal((await hosts.resolveImage(url, edit)).width, 400);
    assert.equal(hosts.stats().results.downloads, before);
    const r = await fetch(url);
    assert.equal(r.status, 500);
    await r.text();
  });
});

describe('lifecycle', () => {
  test('stop() closes both hosts (idempotent) and frees the ports', async () => {
    const hosts = await startAssetHosts();
    const url = hosts.putResultBytes(makePng(4, 4), 'png');
    const res = await fetch(url);
    await res.arrayBuffer();
    await hosts.stop();
    await hosts.stop();
    await assert.rejects(fetch(url));
    await assert.rejects(fetch(hosts.uploadHostUrl, { method: 'POST', body: new FormData() }));
  });
});
