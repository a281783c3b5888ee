/**
 * The PNG pixel reader behind the mask and cut-out checks: it reads row by row and stops at the
 * first row that answers, so a transparent pixel in the last row is still found, an opaque image
 * is read to its end, and a PNG cut short or of a kind it does not read answers undefined.
 *
 *   node --import tsx --test test/unit/png-pixels.test.ts
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PNG } from 'pngjs';
import { hasTransparentPixel, maskHasWhite } from '../../src/dashscope/pngPixels';

/** An RGBA PNG of noise colours, opaque except where `clear` says. */
function rgba(width: number, height: number, clear: (x: number, y: number) => boolean, options: { deflateLevel?: number } = {}): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      png.data.set([(x * 31 + y * 7) % 256, (x * 13) % 256, (y * 17) % 256, clear(x, y) ? 0 : 255], i);
    }
  }
  return PNG.sync.write(png, { colorType: 6, ...options });
}

/** A grey mask, black except where `white` says. */
function grey(width: number, height: number, white: (x: number, y: number) => boolean): Buffer {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    const v = white(i % width, Math.floor(i / width)) ? 255 : 0;
    png.data.set([v, v, v, 255], i * 4);
  }
  return PNG.sync.write(png, { colorType: 0 });
}

describe('hasTransparentPixel', () => {
  test('finds the one transparent pixel in the last row of a large cut-out (rows across many inflate chunks)', async () => {
    assert.equal(await hasTransparentPixel(rgba(700, 600, (x, y) => x === 699 && y === 599, { deflateLevel: 0 })), true);
  });
  test('an opaque RGBA image has none', async () => {
    assert.equal(await hasTransparentPixel(rgba(300, 200, () => false)), false);
  });
  test('an RGB image whose tRNS colour appears has a transparent pixel; one whose tRNS colour does not, has none', async () => {
    const png = new PNG({ width: 4, height: 2, colorType: 2, inputHasAlpha: false });
    png.data = Buffer.from([...Array(7).fill([10, 20, 30]).flat(), 1, 2, 3]);
    const plain = PNG.sync.write(png, { colorType: 2, inputColorType: 2, inputHasAlpha: false });
    // A tRNS chunk (RGB 1,2,3 as 16-bit samples) before the image data; the CRC is not checked.
    const withTrns = (r: number, g: number, b: number) => {
      const data = Buffer.from([0, r, 0, g, 0, b]);
      const chunk = Buffer.concat([Buffer.from([0, 0, 0, 6]), Buffer.from('tRNS', 'latin1'), data, Buffer.alloc(4)]);
      return Buffer.concat([plain.subarray(0, 33), chunk, plain.subarray(33)]);
    };
    assert.equal(await hasTransparentPixel(withTrns(1, 2, 3)), true);
    assert.equal(await hasTransparentPixel(withTrns(9, 9, 9)), false);
  });
  test('a PNG cut short, or not a PNG, answers undefined (the check is left to the service)', async () => {
    const whole = rgba(200, 200, () => false, { deflateLevel: 0 });
    assert.equal(await hasTransparentPixel(whole.subarray(0, whole.length / 2)), undefined);
    assert.equal(await hasTransparentPixel(Buffer.from('not a png at all, just some text here')), undefined);
  });
});

describe('maskHasWhite', () => {
  test('an all-black mask has nothing to edit; one white pixel in the last row is something', async () => {
    assert.equal(await maskHasWhite(grey(320, 240, () => false)), false);
    assert.equal(await maskHasWhite(grey(320, 240, (x, y) => x === 5 && y === 239)), true);
  });
});
