// The inpainting mask made from painted strokes (src/pipeline/mask.ts): drawn at the image's own
// resolution, pure black and white, eraser and invert, an empty mask refused, and a PNG any
// decoder reads back pixel for pixel.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PNG } from 'pngjs';
import { inspectImage } from '../../src/dashscope/index';
import { EmptyMaskError, encodeMaskPng, isMaskEmpty, maskPngOf, rasterizeMask, type MaskDrawing, type MaskRaster } from '../../src/pipeline/mask';

const at = (mask: MaskRaster, x: number, y: number) => mask.pixels[y * mask.width + x];
const values = (mask: MaskRaster) => new Set(mask.pixels);

describe('mask from strokes', () => {
  it('is drawn at the resolution asked for, whatever the aspect', () => {
    const drawing: MaskDrawing = { strokes: [{ points: [[0.5, 0.5]], size: 0.1, erase: false }], invert: false };
    for (const [w, h] of [[1024, 768], [512, 2048], [4096, 4096]] as const) {
      const mask = rasterizeMask(drawing, w, h);
      assert.equal(mask.width, w);
      assert.equal(mask.height, h);
      assert.equal(mask.pixels.length, w * h);
      assert.equal(at(mask, w / 2, h / 2), 255, `centre painted at ${w}×${h}`);
      assert.equal(at(mask, 0, 0), 0);
    }
  });

  it('holds only pure black and pure white', () => {
    const drawing: MaskDrawing = {
      strokes: [
        { points: [[0.1, 0.1], [0.9, 0.7], [0.3, 0.95]], size: 0.05, erase: false },
        { points: [[0.2, 0.8], [0.21, 0.2]], size: 0.013, erase: false },
        { points: [[0.5, 0.45], [0.6, 0.55]], size: 0.03, erase: true },
      ],
      invert: false,
    };
    const mask = rasterizeMask(drawing, 1024, 768);
    assert.deepEqual([...values(mask)].sort((a, b) => a - b), [0, 255]);
  });

  it('paints a round brush of the given diameter along the segment', () => {
    // A horizontal segment across the middle of a 1000×500 image, brush 0.1 wide = 100 px.
    const mask = rasterizeMask({ strokes: [{ points: [[0.2, 0.5], [0.8, 0.5]], size: 0.1, erase: false }], invert: false }, 1000, 500);
    const column = (x: number) => Array.from({ length: 500 }, (_, y) => at(mask, x, y)).filter((v) => v === 255).length;
    assert.equal(column(500), 100, 'band is the brush diameter tall');
    assert.equal(at(mask, 200 - 49, 250), 255, 'round cap reaches a radius past the start');
    assert.equal(at(mask, 200 - 51, 250), 0);
    assert.equal(at(mask, 200 - 45, 250 - 45), 0, 'the cap is round, not square');
    assert.equal(at(mask, 800 + 49, 250), 255);
    assert.equal(at(mask, 800 + 51, 250), 0);
  });

  it('draws diagonal segments without gaps', () => {
    const mask = rasterizeMask({ strokes: [{ points: [[0, 0], [1, 1]], size: 0.02, erase: false }], invert: false }, 600, 600);
    for (let i = 0; i < 600; i += 7) assert.equal(at(mask, i, i), 255, `on the line at ${i}`);
    assert.equal(at(mask, 500, 100), 0);
  });

  it('erases what earlier strokes painted, and only that', () => {
    const paint = { points: [[0.1, 0.5], [0.9, 0.5]] as [number, number][], size: 0.2, erase: false };
    const rub = { points: [[0.5, 0.2], [0.5, 0.8]] as [number, number][], size: 0.1, erase: true };
    const mask = rasterizeMask({ strokes: [paint, rub], invert: false }, 800, 800);
    assert.equal(at(mask, 400, 400), 0, 'erased in the middle');
    assert.equal(at(mask, 200, 400), 255, 'kept elsewhere');
    // Painting after erasing paints again: order matters.
    const again = rasterizeMask({ strokes: [paint, rub, { ...paint, size: 0.05 }], invert: false }, 800, 800);
    assert.equal(at(again, 400, 400), 255);
  });

  it('inverts: what was painted is kept and everything else edited', () => {
    const drawing: MaskDrawing = { strokes: [{ points: [[0.5, 0.5]], size: 0.2, erase: false }], invert: true };
    const mask = rasterizeMask(drawing, 400, 300);
    assert.equal(at(mask, 200, 150), 0);
    assert.equal(at(mask, 5, 5), 255);
    assert.deepEqual([...values(mask)].sort((a, b) => a - b), [0, 255]);
  });

  it('finds an empty mask: no strokes, or everything erased', () => {
    assert.equal(isMaskEmpty(rasterizeMask({ strokes: [], invert: false }, 640, 480)), true);
    const erased: MaskDrawing = {
      strokes: [
        { points: [[0.3, 0.3], [0.4, 0.4]], size: 0.02, erase: false },
        { points: [[0.3, 0.3], [0.4, 0.4]], size: 0.2, erase: true },
      ],
      invert: false,
    };
    assert.equal(isMaskEmpty(rasterizeMask(erased, 640, 480)), true);
    assert.throws(() => maskPngOf(erased, 640, 480), EmptyMaskError);
    assert.throws(() => maskPngOf({ strokes: [], invert: false }, 640, 480), /mask is empty/);
    // A single painted pixel is not empty, even on an odd-sized image.
    assert.equal(isMaskEmpty(rasterizeMask({ strokes: [{ points: [[0.999, 0.999]], size: 0.0001, erase: false }], invert: false }, 513, 777)), false);
  });

  it('encodes a greyscale PNG of the image size that decodes to the same pixels', () => {
    const drawing: MaskDrawing = { strokes: [{ points: [[0.2, 0.3], [0.7, 0.6]], size: 0.08, erase: false }], invert: false };
    const mask = rasterizeMask(drawing, 1024, 768);
    const png = maskPngOf(drawing, 1024, 768);
    const info = inspectImage(png);
    assert.equal(info?.format, 'png');
    assert.equal(info?.width, 1024);
    assert.equal(info?.height, 768);
    assert.equal(info?.hasAlpha, false);
    const decoded = PNG.sync.read(Buffer.from(png));
    assert.equal(decoded.width, 1024);
    for (let i = 0; i < mask.pixels.length; i += 97) {
      const v = mask.pixels[i]!;
      assert.deepEqual([...decoded.data.subarray(i * 4, i * 4 + 4)], [v, v, v, 255], `pixel ${i}`);
    }
    assert.deepEqual(encodeMaskPng(mask), png, 'the same drawing gives the same bytes');
  });

  it('refuses a size that is not a positive whole number', () => {
    assert.throws(() => rasterizeMask({ strokes: [], invert: false }, 0, 10), /positive whole size/);
    assert.throws(() => rasterizeMask({ strokes: [], invert: false }, 10.5, 10), /positive whole size/);
  });
});
