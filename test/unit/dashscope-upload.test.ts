/**
 * Local files are inspected from their head and streamed to the temporary upload, not read
 * whole (bench/memory.bench.ts measures the memory): the head must decide type, size and alpha,
 * fall back to the whole file when it cannot, and the upload must carry the file unchanged.
 *
 *   node --import tsx --test test/unit/dashscope-upload.test.ts
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { crc32 } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { DashScopeClient } from '../../src/dashscope/index';
import { inspectImageFile } from '../../src/dashscope/upload';
import { startSimulator, type Simulator } from '../sim/index';

let dir: string;
let sim: Simulator;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bailian-upload-test-'));
  sim = await startSimulator({ timing: { scale: 0.01 }, rateLimits: false });
});
after(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A noisy RGB PNG, stored uncompressed, so a modest size gives a large file. */
function bigPng(side: number): Buffer {
  const p = new PNG({ width: side, height: side, colorType: 2, inputHasAlpha: false });
  const data = Buffer.alloc(side * side * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 131 + (i >> 7)) % 251;
  p.data = data;
  return PNG.sync.write(p, { colorType: 2, inputColorType: 2, inputHasAlpha: false, deflateLevel: 0 });
}

function chunk(type: string, body: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(body.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([len, typed, crc]);
}

/** Inserts chunks right after IHDR (signature 8 bytes + IHDR 25 bytes). */
function withChunksAfterIhdr(png: Buffer, ...chunks: Buffer[]): Buffer {
  return Buffer.concat([png.subarray(0, 33), ...chunks, png.subarray(33)]);
}

function write(name: string, bytes: Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

describe('inspectImageFile', () => {
  test('a large PNG: type, pixel size and the real byte size from the head', async () => {
    const bytes = bigPng(400); // ~480 KB
    const info = await inspectImageFile(write('big.png', bytes), bytes.length);
    assert.deepEqual([info?.format, info?.width, info?.height, info?.bytes, info?.hasAlpha], ['png', 400, 400, bytes.length, false]);
  });

  test('a PNG whose tRNS chunk comes after 300 KB of other chunks: alpha still found (whole-file fallback)', async () => {
    const bytes = withChunksAfterIhdr(bigPng(64), chunk('tEXt', Buffer.alloc(300 * 1024, 0x61)), chunk('tRNS', Buffer.from([0, 0, 0, 0, 0, 0])));
    const info = await inspectImageFile(write('late-trns.png', bytes), bytes.length);
    assert.equal(info?.hasAlpha, true);
    assert.equal(info?.bytes, bytes.length);
  });

  test('a JPEG whose size marker comes after 320 KB of APP segments: size still found (whole-file fallback)', async () => {
    const w = 96;
    const h = 64;
    const raw = { data: Buffer.alloc(w * h * 4, 128), width: w, height: h };
    const encoded = Buffer.from(jpeg.encode(raw, 80).data);
    const app = Buffer.concat([Buffer.from([0xff, 0xe1, 0xff, 0xff]), Buffer.alloc(0xffff - 2, 0x20)]);
    const bytes = Buffer.concat([encoded.subarray(0, 2), app, app, app, app, app, encoded.subarray(2)]);
    assert.ok(bytes.length > 320 * 1024);
    const info = await inspectImageFile(write('late-sof.jpg', bytes), bytes.length);
    assert.deepEqual([info?.format, info?.width, info?.height], ['jpg', w, h]);
  });

  test('not an image: undefined', async () => {
    const bytes = Buffer.alloc(400 * 1024, 0x41);
    assert.equal(await inspectImageFile(write('text.png', bytes), bytes.length), undefined);
  });
});

describe('temporary upload of a local file', () => {
  test('a file larger than the inspected head reaches the upload host byte for byte', async () => {
    const bytes = bigPng(500); // ~750 KB
    const path = write('sign.png', bytes);
    const client = new DashScopeClient({ apiKey: sim.keys.beijing, baseUrl: sim.urls.beijing, region: 'beijing' });
    try {
      const sizes: number[] = [];
      const { ref, ossResolve } = await client.uploadLocalImage('qwen-mt-image', { kind: 'file', path }, { onProgress: (e) => e.type === 'upload' && sizes.push(e.bytes) });
      assert.equal(ossResolve, true);
      const stored = sim.assets.getUpload(ref.replace(/^oss:\/\//, ''));
      assert.ok(stored, `no upload for ${ref}`);
      assert.ok(stored.bytes.equals(bytes), 'uploaded bytes differ from the file');
      assert.ok(sizes.length > 0 && sizes.every((s) => s === bytes.length), `progress sizes ${sizes}`);
    } finally {
      await client.close();
    }
  });
});
