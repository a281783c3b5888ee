// Wan 2.7 and qwen-image-3.0 in the studio: the pure parts. Box geometry (a drag on
// the displayed image → bbox_list in the image's own pixels), the palette rules (3–10 colours
// whose shares add up to exactly 100.00%), the model options the catalog gates the controls by,
// and the request a run builds from the studio state, checked by the client's own validation.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildWireBody, checkColorPalette, validateRequest, type GenerationRequest } from '../../src/dashscope/requests';
import { modeOptions } from '../../src/protocol/modelOptions';
import { extraRequestFields } from '../../src/protocol/extraOptions';
import { ModelOption, WebviewMessage, type PickerImage, type RunParams } from '../../src/protocol/messages';
import { addBox, bboxListFor, boxPercentRect, fitInto, inputKey, removeBox, toNaturalBox } from '../../webview/boxes';
import { countOf, countPatch, extraChoicesOf, extraFacts, extraParamsFromHistory } from '../../webview/extraOptions';
import { addColour, checkPalette, distributeEvenly, evenShares, ratioHundredths, removeColour, starterPalette, wirePalette } from '../../webview/palette';
import { initialState, reduce, runParams, validate, type ViewState } from '../../webview/state';

const generate = modeOptions('generate', 'en');
const edit = modeOptions('edit', 'en');
const option = (list: typeof generate, id: string) => {
  const found = list.find((m) => m.id === id);
  assert.ok(found, `${id} is offered`);
  return found;
};
const image = (path: string): PickerImage => ({ src: `https://webview/${path}`, displayPath: path, location: { folderIndex: 0, path } });
const STREET = { width: 640, height: 480 };

/** The request the host builds from run params (runs.ts imageRequestOf, minus the vscode-bound parts). */
function requestOf(params: RunParams): GenerationRequest {
  const request: GenerationRequest = { model: params.model };
  if (params.prompt) request.prompt = params.prompt;
  if (params.size) request.size = params.size;
  if (params.n !== undefined) request.n = params.n;
  if (params.seed !== undefined) request.seed = params.seed;
  if (params.promptExtend !== undefined) request.promptExtend = params.promptExtend;
  return { ...request, ...extraRequestFields(params) };
}

describe('box geometry: displayed drag → the image\'s own pixels', () => {
  test('an upscaled image (640×480 shown at 800×600) maps back by 0.8, corners in any order', () => {
    assert.deepEqual(toNaturalBox({ x: 80, y: 60 }, { x: 400, y: 300 }, { width: 800, height: 600 }, STREET), [64, 48, 320, 240]);
    assert.deepEqual(toNaturalBox({ x: 400, y: 300 }, { x: 80, y: 60 }, { width: 800, height: 600 }, STREET), [64, 48, 320, 240], 'dragging up-left gives the same box');
    assert.deepEqual(toNaturalBox({ x: 300, y: 60 }, { x: 100, y: 400 }, { width: 800, height: 600 }, STREET), [80, 48, 240, 320]);
  });

  test('a downscaled image maps up, rounding outwards so the box covers what was dragged over', () => {
    // 640×480 shown at 320×240 (×2): 10.5→21, 20.2→40.4↓40, 100.7→201.4↑202, 50.1→100.2↑101.
    assert.deepEqual(toNaturalBox({ x: 10.5, y: 20.2 }, { x: 100.7, y: 50.1 }, { width: 320, height: 240 }, STREET), [21, 40, 202, 101]);
    // Exact multiples stay exact (no float creep to the next pixel).
    assert.deepEqual(toNaturalBox({ x: 0.1 * 3, y: 0.7 * 3 }, { x: 100, y: 100 }, { width: 320, height: 240 }, STREET), [0, 4, 200, 200]);
  });

  test('drags past the edges are clamped to the image; the whole image is [0, 0, W, H]', () => {
    assert.deepEqual(toNaturalBox({ x: -50, y: -20 }, { x: 900, y: 700 }, { width: 800, height: 600 }, STREET), [0, 0, 640, 480]);
    assert.deepEqual(toNaturalBox({ x: 700, y: 500 }, { x: 1200, y: 900 }, { width: 800, height: 600 }, STREET), [560, 400, 640, 480]);
  });

  test('a click or a sliver is no box; unknown sizes give none', () => {
    assert.equal(toNaturalBox({ x: 10, y: 10 }, { x: 12, y: 200 }, { width: 800, height: 600 }, STREET), undefined);
    assert.equal(toNaturalBox({ x: 10, y: 10 }, { x: 10, y: 10 }, { width: 800, height: 600 }, STREET), undefined);
    assert.equal(toNaturalBox({ x: 10, y: 10 }, { x: 200, y: 200 }, { width: 0, height: 0 }, STREET), undefined);
    assert.equal(toNaturalBox({ x: 10, y: 10 }, { x: 200, y: 200 }, { width: 800, height: 600 }, { width: 0, height: 0 }), undefined);
  });

  test('boxes are drawn back in percent of the image, the inverse of the mapping', () => {
    assert.deepEqual(boxPercentRect([64, 48, 320, 240], STREET), { left: 10, top: 10, width: 40, height: 40 });
  });

  test('the editor shows the image as large as fits, upscaled or downscaled, ratio kept', () => {
    assert.deepEqual(fitInto(STREET, { width: 868, height: 600 }), { width: 800, height: 600 });
    assert.deepEqual(fitInto(STREET, { width: 320, height: 900 }), { width: 320, height: 240 });
    assert.deepEqual(fitInto({ width: 0, height: 0 }, { width: 320, height: 900 }), { width: 0, height: 0 });
  });

  test('bbox_list has one list per input in order ([] for none), at most two boxes each, and is left out without boxes', () => {
    const a = image('street.png');
    const b = image('pattern.png');
    let boxes = addBox(undefined, inputKey(b.location), [1, 2, 3, 4], 2);
    assert.deepEqual(bboxListFor([a.location, b.location], boxes, 2), [[], [[1, 2, 3, 4]]]);
    boxes = addBox(boxes, inputKey(b.location), [5, 6, 7, 8], 2);
    const full = addBox(boxes, inputKey(b.location), [9, 9, 10, 10], 2);
    assert.deepEqual(full[inputKey(b.location)], [[1, 2, 3, 4], [5, 6, 7, 8]], 'a third box is refused');
    assert.deepEqual(removeBox(full, inputKey(b.location), 0)[inputKey(b.location)], [[5, 6, 7, 8]]);
    assert.deepEqual(removeBox(removeBox(full, inputKey(b.location), 0), inputKey(b.location), 0), {}, 'the last removal forgets the image');
    assert.equal(bboxListFor([a.location, b.location], {}, 2), undefined);
    assert.deepEqual(bboxListFor([b.location, a.location], full, 2), [[[1, 2, 3, 4], [5, 6, 7, 8]], []], 'the order follows the inputs');
  });
});

describe('colour palette', () => {
  test('even shares add up to exactly 100.00% for every allowed count, and the client agrees', () => {
    assert.deepEqual(evenShares(3), ['33.34', '33.33', '33.33']);
    assert.deepEqual(evenShares(4), ['25', '25', '25', '25']);
    for (let n = 3; n <= 10; n++) {
      const palette = starterPalette(n);
      assert.deepEqual(checkPalette(palette, { min: 3, max: 10 }), [], `${n} colours`);
      assert.deepEqual(checkColorPalette(wirePalette(palette), { min: 3, max: 10 }, 'wan2.7-image'), [], `the client accepts ${n} even colours`);
      assert.equal(new Set(palette.map((c) => c.hex)).size, n, 'distinct starter colours');
    }
  });

  test('shares are parsed as percentages with at most two decimals, above 0 and at most 100', () => {
    assert.equal(ratioHundredths('23.51'), 2351);
    assert.equal(ratioHundredths(' 23.5 % '), 2350);
    assert.equal(ratioHundredths('23,5'), 2350, 'a decimal comma');
    assert.equal(ratioHundredths('100'), 10_000);
    for (const bad of ['0', '0.00', '100.01', '101', '23.511', 'abc', '', '-5']) assert.equal(ratioHundredths(bad), undefined, bad);
  });

  test('inline validation: count, colours, shares and the 100% sum, one problem each', () => {
    const bounds = { min: 3, max: 10 };
    const palette = [
      { hex: '#C2D1E6', ratio: '40' },
      { hex: '#636574', ratio: '40' },
      { hex: '#F5E6C8', ratio: '10' },
    ];
    assert.deepEqual(checkPalette(palette, bounds), [{ key: 'errPaletteSum', args: ['90'] }]);
    assert.deepEqual(checkPalette(distributeEvenly(palette), bounds), []);
    assert.deepEqual(checkPalette(palette.slice(0, 2).map((c) => ({ ...c, ratio: '50' })), bounds), [{ key: 'errPaletteCount', args: [3, 10, 2] }]);
    assert.deepEqual(checkPalette([{ hex: 'red', ratio: '50' }, { hex: '#000000', ratio: 'x' }, { hex: '#FFFFFF', ratio: '50' }], bounds), [
      { key: 'errPaletteColour', args: [1] },
      { key: 'errPaletteRatio', args: [2] },
    ], 'no sum message while a share is unreadable');
  });

  test('adding spreads the shares evenly again and stops at the maximum; removing leaves the shares to the user', () => {
    let palette = starterPalette(3);
    palette = addColour(palette, 4);
    assert.deepEqual(palette.map((c) => c.ratio), ['25', '25', '25', '25']);
    assert.equal(addColour(palette, 4).length, 4);
    const fewer = removeColour(palette, 0);
    assert.deepEqual(fewer.map((c) => c.ratio), ['25', '25', '25']);
    assert.deepEqual(checkPalette(fewer, { min: 3, max: 10 }), [{ key: 'errPaletteSum', args: ['75'] }]);
    assert.deepEqual(wirePalette([{ hex: '#c2d1e6', ratio: '33.34' }]), [{ hex: '#C2D1E6', ratio: 33.34 }]);
  });
});

describe('which controls the catalog allows', () => {
  test('wan2.7 offers image sets (1–12) and a palette in both modes; thinking in Generate; boxes in Edit only', () => {
    for (const id of ['wan2.7-image', 'wan2.7-image-pro']) {
      const g = option(generate, id);
      const e = option(edit, id);
      assert.deepEqual([g.imageSet?.n, e.imageSet?.n], [{ min: 1, max: 12, default: 12 }, { min: 1, max: 12, default: 12 }]);
      assert.deepEqual([g.colorPalette, e.colorPalette], [{ min: 3, max: 10 }, { min: 3, max: 10 }]);
      assert.deepEqual([g.thinkingMode, e.thinkingMode], [true, undefined]);
      assert.deepEqual([g.bboxes, e.bboxes], [undefined, { maxPerImage: 2 }]);
      assert.equal(g.promptExtendModes, undefined);
      assert.ok(ModelOption.safeParse(e).success && ModelOption.safeParse(g).success, 'the options cross the protocol');
    }
    assert.equal(option(generate, 'wan2.7-image-pro').imageSet?.sizeRule?.maxPixels, 2048 * 2048, 'pro image sets: no 4K');
    assert.equal(option(generate, 'wan2.7-image').imageSet?.sizeRule, undefined, 'wan2.7-image has one size rule for everything');
    assert.equal(option(edit, 'wan2.7-image-pro').imageSet?.sizeRule, undefined, 'in Edit the 2K rule already applies');
  });

  test('qwen-image-3.0 offers the agent extension only in Generate, and thinking in both', () => {
    for (const id of ['qwen-image-3.0', 'qwen-image-3.0-pro']) {
      assert.deepEqual(option(generate, id).promptExtendModes, ['direct', 'agent']);
      assert.equal(option(edit, id).promptExtendModes, undefined, 'only "direct" with images: nothing to choose');
      assert.deepEqual([option(generate, id).enableThinking, option(edit, id).enableThinking], [true, true]);
      assert.equal(option(generate, id).imageSet, undefined);
    }
  });

  test('no other model shows these controls (no boxes elsewhere for DashScope)', () => {
    const others = [...generate, ...edit].filter((m) => !m.id.startsWith('wan2.7') && !m.id.startsWith('qwen-image-3.0'));
    assert.ok(others.length > 5);
    for (const m of others) {
      assert.deepEqual([m.imageSet, m.thinkingMode, m.colorPalette, m.bboxes, m.promptExtendModes, m.enableThinking], [undefined, undefined, undefined, undefined, undefined, undefined], m.id);
    }
  });
});

describe('a run built from the studio state', () => {
  const withChoices = (mode: 'generate' | 'edit', id: string, patch: ViewState['choices'][string], inputs: PickerImage[] = []): ViewState => {
    let state = reduce(initialState(), { type: 'mode', mode });
    state = reduce(state, { type: 'model', mode, model: option(mode === 'edit' ? edit : generate, id) });
    state = reduce(state, { type: 'prompt', mode, text: 'Replace the marked cars with bicycles' });
    state = reduce(state, { type: 'choice', model: id, patch });
    if (inputs.length) state = reduce(state, { type: 'addInputs', mode, images: inputs, max: 9 });
    return state;
  };

  test('a box edit on street.png sends bbox_list in its own pixels, one list per image, and the client accepts it', () => {
    const street = image('street.png');
    const pattern = image('pattern.png');
    const drawn = [toNaturalBox({ x: 80, y: 60 }, { x: 400, y: 300 }, { width: 800, height: 600 }, STREET)!, toNaturalBox({ x: 500, y: 350 }, { x: 790, y: 590 }, { width: 800, height: 600 }, STREET)!];
    const boxes = drawn.reduce((all, box) => addBox(all, inputKey(street.location), box, 2), {} as Record<string, [number, number, number, number][]>);
    const model = option(edit, 'wan2.7-image');
    const state = withChoices('edit', 'wan2.7-image', { boxes }, [street, pattern]);
    assert.deepEqual(validate('edit', model, state), []);
    const params = runParams('edit', model, state);
    assert.deepEqual(params.bboxList, [[[64, 48, 320, 240], [400, 280, 632, 472]], []]);
    assert.equal(params.enableSequential, undefined);
    assert.equal(params.thinkingMode, undefined, 'thinking_mode has no effect with images: not sent');
    assert.ok(WebviewMessage.safeParse({ type: 'run', jobId: 'j1', params }).success, 'the run message passes the host\'s schema');
    const request = requestOf(params);
    const v = validateRequest({ ...request, images: ['https://example.com/street.png', 'https://example.com/pattern.png'] }, { imageSizes: [STREET, { width: 512, height: 512 }] });
    assert.deepEqual(buildWireBody(v, ['oss://a', 'oss://b']).parameters?.bbox_list, [[[64, 48, 320, 240], [400, 280, 632, 472]], []]);
    assert.equal(extraFacts(params, (key, ...args) => `${key}${args.join()}`).join(' '), 'boxesMany2');
  });

  test('boxes of a display-sized mapping would be refused by the client (they reach outside the 640×480 image)', () => {
    const request = requestOf({ mode: 'edit', model: 'wan2.7-image', prompt: 'p', bboxList: [[[625, 438, 988, 738]]] });
    assert.throws(() => validateRequest({ ...request, images: ['https://example.com/street.png'] }, { imageSizes: [STREET] }), /outside image 1, which is 640×480/);
  });

  test('a palette is sent as color_palette with two-decimal percentages; the sum is checked inline', () => {
    const model = option(generate, 'wan2.7-image');
    const palette = [
      { hex: '#c2d1e6', ratio: '50' },
      { hex: '#636574', ratio: '30' },
      { hex: '#F5E6C8', ratio: '10' },
    ];
    const bad = withChoices('generate', 'wan2.7-image', { paletteOn: true, palette });
    assert.deepEqual(validate('generate', model, bad).map((p) => [p.field, p.key, ...p.args]), [['palette', 'errPaletteSum', '90']]);
    const good = withChoices('generate', 'wan2.7-image', { paletteOn: true, palette: distributeEvenly(palette) });
    assert.deepEqual(validate('generate', model, good), []);
    const params = runParams('generate', model, good);
    assert.deepEqual(params.colorPalette, [{ hex: '#C2D1E6', ratio: 33.34 }, { hex: '#636574', ratio: 33.33 }, { hex: '#F5E6C8', ratio: 33.33 }]);
    assert.equal(params.thinkingMode, true, 'thinking_mode is sent with its catalog default in Generate');
    const body = buildWireBody(validateRequest(requestOf(params)), []);
    assert.deepEqual(body.parameters?.color_palette, [{ hex: '#C2D1E6', ratio: '33.34%' }, { hex: '#636574', ratio: '33.33%' }, { hex: '#F5E6C8', ratio: '33.33%' }]);
    assert.equal(runParams('generate', model, withChoices('generate', 'wan2.7-image', { paletteOn: false, palette })).colorPalette, undefined, 'a palette switched off is not sent');
  });

  test('an image set sends enable_sequential with its own count (default 12), without thinking or a palette', () => {
    const model = option(generate, 'wan2.7-image');
    const state = withChoices('generate', 'wan2.7-image', { imageSet: true, n: 3, thinkingMode: false });
    assert.deepEqual(countOf(model, state.choices['wan2.7-image']!), { min: 1, max: 12, value: 12 });
    assert.deepEqual(countPatch(model, state.choices['wan2.7-image']!, 6), { setN: 6 });
    const params = runParams('generate', model, state);
    assert.deepEqual([params.enableSequential, params.n, params.thinkingMode], [true, 12, undefined]);
    const body = buildWireBody(validateRequest(requestOf(params)), []);
    assert.deepEqual([body.parameters?.enable_sequential, body.parameters?.n], [true, 12]);
    // Off again: the ordinary count (1–4) and its own choice come back.
    const off = reduce(state, { type: 'choice', model: 'wan2.7-image', patch: { imageSet: false } });
    assert.deepEqual(countOf(model, off.choices['wan2.7-image']!), { min: 1, max: 4, value: 3 });
    assert.equal(runParams('generate', model, off).n, 3);
    const both = reduce(state, { type: 'choice', model: 'wan2.7-image', patch: { paletteOn: true, palette: starterPalette(4) } });
    assert.deepEqual(validate('generate', model, both).map((p) => p.key), ['errPaletteImageSet']);
  });

  test('wan2.7-image-pro: 4K only without an image set', () => {
    const model = option(generate, 'wan2.7-image-pro');
    assert.deepEqual(validate('generate', model, withChoices('generate', 'wan2.7-image-pro', { size: '4K' })), []);
    assert.deepEqual(validate('generate', model, withChoices('generate', 'wan2.7-image-pro', { size: '4K', imageSet: true })).map((p) => p.field), ['size']);
  });

  test('qwen-image-3.0: prompt_extend_mode and enable_thinking only while the prompt is extended', () => {
    const model = option(generate, 'qwen-image-3.0');
    const on = runParams('generate', model, withChoices('generate', 'qwen-image-3.0', { promptExtendMode: 'agent' }));
    assert.deepEqual([on.promptExtend, on.promptExtendMode, on.enableThinking], [true, 'agent', true]);
    const body = buildWireBody(validateRequest(requestOf(on)), []);
    assert.deepEqual([body.parameters?.prompt_extend_mode, body.parameters?.enable_thinking], ['agent', true]);
    const off = runParams('generate', model, withChoices('generate', 'qwen-image-3.0', { promptExtend: false, promptExtendMode: 'agent', enableThinking: true }));
    assert.deepEqual([off.promptExtend, off.promptExtendMode, off.enableThinking], [false, undefined, undefined]);
    assert.doesNotThrow(() => validateRequest(requestOf(off)));
    // In Edit only "direct" exists: a remembered "agent" is not sent with images.
    const e = option(edit, 'qwen-image-3.0');
    const edited = runParams('edit', e, withChoices('edit', 'qwen-image-3.0', { promptExtendMode: 'agent' }, [image('street.png')]));
    assert.equal(edited.promptExtendMode, undefined);
  });

  test('the options of a run come back as choices (Re-run with this Seed, Reuse from the history): the same run again', () => {
    const street = image('street.png');
    const pattern = image('pattern.png');
    const model = option(edit, 'wan2.7-image');
    const boxes = addBox({}, inputKey(pattern.location), [10, 20, 110, 220], 2);
    const state = withChoices('edit', 'wan2.7-image', { boxes, paletteOn: true, palette: starterPalette(3), imageSet: false }, [street, pattern]);
    const params = runParams('edit', model, state);
    assert.deepEqual(params.bboxList, [[], [[10, 20, 110, 220]]]);
    // Another model was used in between; the choices of this one are rebuilt from the params alone.
    const rebuilt = reduce(withChoices('edit', 'wan2.7-image', {}, [street, pattern]), { type: 'choice', model: 'wan2.7-image', patch: extraChoicesOf(model, params, [street, pattern]) });
    assert.deepEqual(runParams('edit', model, rebuilt), params);

    // From the history: the parameters as recorded (snake_case; a CLI run records ratios as "33.34%").
    const recorded = { size: '2K', n: 1, bbox_list: [[], [[10, 20, 110, 220]]], color_palette: [{ hex: '#C2D1E6', ratio: '33.34%' }, { hex: '#636574', ratio: 33.33 }, { hex: '#F5E6C8', ratio: '33.33' }], enable_sequential: false };
    const fromHistory = extraParamsFromHistory(recorded);
    assert.deepEqual(fromHistory, { enableSequential: false, colorPalette: [{ hex: '#C2D1E6', ratio: 33.34 }, { hex: '#636574', ratio: 33.33 }, { hex: '#F5E6C8', ratio: 33.33 }], bboxList: [[], [[10, 20, 110, 220]]] });
    const again = reduce(withChoices('edit', 'wan2.7-image', {}, [street, pattern]), { type: 'choice', model: 'wan2.7-image', patch: extraChoicesOf(model, fromHistory, [street, pattern]) });
    assert.deepEqual(runParams('edit', model, again).bboxList, params.bboxList);
    assert.deepEqual(runParams('edit', model, again).colorPalette, params.colorPalette);
    // Malformed records are skipped rather than sent.
    assert.deepEqual(extraParamsFromHistory({ bbox_list: [[[1, 2, 3]]], color_palette: [{ hex: '#FFFFFF' }], prompt_extend_mode: 'wild', thinking_mode: 'yes' }), {});
    // An image set comes back with its count; qwen-image-3.0's options too.
    const set = extraChoicesOf(option(generate, 'wan2.7-image'), { enableSequential: true, n: 5, thinkingMode: false }, []);
    assert.deepEqual([set.imageSet, set.setN, set.thinkingMode], [true, 5, false]);
    assert.deepEqual(extraChoicesOf(option(generate, 'qwen-image-3.0'), extraParamsFromHistory({ prompt_extend_mode: 'agent', enable_thinking: false })), { promptExtendMode: 'agent', enableThinking: false });
  });
});
