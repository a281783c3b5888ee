/**
 * src/pipeline/processOperations.ts: each Explorer / palette / agent operation becomes one request
 * the catalog accepts, with the wire body the reference shows (image-processing.md §1, §2, §4);
 * the result's name next to the original; the folder batch leaves its own results alone.
 *
 *   node --import tsx --test test/unit/process-operations.test.ts
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { RequestValidationError, buildWireBody, validateRequest, type ImageInput } from '../../src/dashscope';
import { operationStem } from '../../src/pipeline/operationNames';
import { EXTEND_RATIOS, IMAGE_OPERATIONS, isProcessedOutput, operationModel, processRequest, restyleStyles, type ImageOperationChoice } from '../../src/pipeline/processOperations';

/** The stem operationNames.ts gives an operation's request on `original`. */
const processedStem = (original: string, choice: ImageOperationChoice): string => operationStem(original, processRequest(choice, ''));
import { makePng } from './client-fixtures';

const photo: ImageInput = { kind: 'bytes', bytes: makePng(640, 480), name: 'photo.png' };
const cutout: ImageInput = { kind: 'bytes', bytes: makePng(640, 480, true, true), name: 'product.png' };
const BASE = 'https://example.com/base.png';

function body(choice: ImageOperationChoice, image: ImageInput = photo) {
  const validated = validateRequest(processRequest(choice, image), { region: 'beijing' });
  return buildWireBody(validated, [BASE]);
}

describe('processRequest', () => {
  test('Upscale ×2 and ×4: wanx2.1-imageedit super_resolution with the factor and the guide’s stock prompt', () => {
    for (const factor of [2, 4] as const) {
      const wire = body({ operation: 'upscale', factor });
      assert.equal(wire.model, 'wanx2.1-imageedit');
      assert.deepEqual(wire.input, { function: 'super_resolution', prompt: '图像超分', base_image_url: BASE });
      assert.equal(wire.parameters?.upscale_factor, factor);
      assert.equal(wire.parameters?.n, 1);
    }
  });

  test('Extend: image-out-painting with output_ratio and an explicit add_watermark (the service watermarks by default)', () => {
    for (const ratio of EXTEND_RATIOS) {
      const wire = body({ operation: 'extend', ratio });
      assert.equal(wire.model, 'image-out-painting');
      assert.deepEqual(wire.input, { image_url: BASE });
      assert.equal(wire.parameters?.output_ratio, ratio);
      assert.equal(wire.parameters?.add_watermark, false);
    }
  });

  test('Remove Text and Colorize: their functions, stock prompts unless a hint is given', () => {
    assert.deepEqual(body({ operation: 'removeText' }).input, { function: 'remove_watermark', prompt: '去除图像中的文字', base_image_url: BASE });
    assert.equal(body({ operation: 'colorize' }).input.function, 'colorization');
    assert.equal(body({ operation: 'colorize', hint: ' blue sky, red car ' }).input.prompt, 'blue sky, red car');
  });

  test('Restyle: every catalog style of both lists is accepted; a named object goes into the prompt', () => {
    for (const scope of ['whole', 'local'] as const) {
      const styles = restyleStyles(scope);
      assert.ok(styles.length >= 2, scope);
      for (const style of styles) {
        const wire = body({ operation: 'restyle', scope, style: style.id });
        assert.equal(wire.input.function, scope === 'whole' ? 'stylization_all' : 'stylization_local');
        assert.equal(wire.input.prompt, style.prompt);
      }
    }
    const wooden = body({ operation: 'restyle', scope: 'local', style: 'wooden', subject: '房子' });
    assert.equal(wooden.input.prompt, '把房子变成木板风格');
  });

  test('Replace Background: wanx-background-generation-v2 with ref_prompt, from the user’s prompt', () => {
    const wire = body({ operation: 'replaceBackground', prompt: 'a sunny beach' }, cutout);
    assert.equal(wire.model, 'wanx-background-generation-v2');
    assert.deepEqual(wire.input, { base_image_url: BASE, ref_prompt: 'a sunny beach' });
  });

  test('every operation names its model; outside Beijing the catalog refuses them before anything is sent', () => {
    for (const operation of IMAGE_OPERATIONS) assert.match(operationModel(operation), /^(wanx2\.1-imageedit|image-out-painting|wanx-background-generation-v2)$/);
    for (const region of ['singapore', 'us'] as const) {
      assert.throws(() => validateRequest(processRequest({ operation: 'upscale', factor: 2 }, photo), { region }), (error: unknown) => error instanceof RequestValidationError && /Beijing/.test(error.message + JSON.stringify(error.issues)));
    }
  });
});

describe('result names next to the original', () => {
  test('photo.x2, banner.16x9, scan.color, and one per operation', () => {
    assert.equal(processedStem('/ws/shots/photo.png', { operation: 'upscale', factor: 2 }), 'photo.x2');
    assert.equal(processedStem('/ws/banner.jpg', { operation: 'extend', ratio: '16:9' }), 'banner.16x9');
    assert.equal(processedStem('scan.jpeg', { operation: 'colorize' }), 'scan.color');
    assert.equal(processedStem('sign.png', { operation: 'removeText' }), 'sign.notext');
    assert.equal(processedStem('house.png', { operation: 'restyle', scope: 'local', style: 'wooden' }), 'house.style-wooden');
    assert.equal(processedStem('product.png', { operation: 'replaceBackground', prompt: 'x' }), 'product.bg');
  });

  test('a folder batch recognizes its own results (and their sidecars), not the originals', () => {
    for (const name of ['photo.x2.png', 'photo.x4-2.png', 'banner.16x9.jpg', 'banner.9x16.png.json', 'scan.color.png', 'a.notext.png', 'a.style-gold-foil.png', 'p.bg.png']) assert.ok(isProcessedOutput(`shots/${name}`), name);
    for (const name of ['photo.png', 'x2.png', 'banner.jpg', 'poster.en.jpg', 'colorful.png']) assert.ok(!isProcessedOutput(`shots/${name}`), name);
  });
});
