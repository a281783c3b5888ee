// UI flows for Wan 2.7 in the studio: a box edit drawn with the mouse on street.png
// (640×480), sent as bbox_list in that image's own pixels, and an image set shown as one card.
// The simulator checks every box against the real image size (and so does the client before
// it), so boxes mapped from the displayed size instead would fail the run.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { finishedCard, imagesLoaded, mode, openStudio, pickInputs, pickOption, typePrompt } from './lib/studio.mjs';

const STREET = { width: 640, height: 480 };

/** Leaves exactly these workspace images as the inputs, added with the picker. */
async function setInputs(studio, names) {
  while ((await studio.locator('#inputs .input').count()) > 0) await studio.locator('#inputs .input').first().locator('button[aria-label="Remove"]').click();
  await pickInputs(studio, names);
}

/** Drags with the mouse over the box layer, from and to fractions of its displayed size. */
async function drag(page, layer, from, to) {
  const rect = await layer.boundingBox();
  assert.ok(rect && rect.width > 0 && rect.height > 0, 'the box layer is laid out');
  await page.mouse.move(rect.x + rect.width * from[0], rect.y + rect.height * from[1]);
  await page.mouse.down();
  await page.mouse.move(rect.x + rect.width * ((from[0] + to[0]) / 2), rect.y + rect.height * ((from[1] + to[1]) / 2), { steps: 4 });
  await page.mouse.move(rect.x + rect.width * to[0], rect.y + rect.height * to[1], { steps: 4 });
  await page.mouse.up();
  return rect;
}

/** `Box 1: 64, 48 – 320, 240` → [64, 48, 320, 240]. */
function parseBoxItem(text) {
  const numbers = text.replace(/^[^:]*:/, '').match(/\d+/g)?.map(Number);
  assert.equal(numbers?.length, 4, `a listed box: ${text}`);
  return numbers;
}

/** The last history entry of the sandbox workspace (found from an input's webview URI). */
async function lastHistoryEntry(studio) {
  const src = (await studio.locator('#inputs .input img').first().getAttribute('src')) ?? '';
  const workspace = /^(.*)\/street\.png$/.exec(decodeURIComponent(new URL(src).pathname))?.[1];
  assert.ok(workspace, `the workspace of ${src}`);
  const lines = readFileSync(join(workspace, '.bailian', 'history.jsonl'), 'utf8').trim().split('\n');
  return JSON.parse(lines.at(-1));
}

/** @type {{ name: string, run: (page: import('playwright-core').Page, context: any) => Promise<void> }[]} */
export const flows = [
  {
    name: 'Wan 2.7 box edit: two boxes drawn with the mouse on street.png are sent as bbox_list in its own 640×480 pixels',
    async run(page, { screenshot }) {
      const studio = await openStudio(page);
      await mode(studio, 'edit');
      await pickOption(studio, 'model', 'wan2.7-image');
      await setInputs(studio, ['street.png']);
      await imagesLoaded(studio.locator('#inputs'));
      await typePrompt(page, studio, 'Turn the marked regions into a flower bed and a red bicycle');

      // The box editor shows the image larger than its thumbnail, scaled to the room it has (not 1:1).
      await studio.locator('#inputs .input', { hasText: 'street.png' }).locator('button.boxes-open').click();
      const layer = studio.locator('#box-layer');
      await imagesLoaded(studio.locator('#box-stage'));
      await studio.locator('#box-hint', { hasText: '640 × 480' }).waitFor();
      const first = await drag(page, layer, [0.1, 0.1], [0.45, 0.5]);
      await studio.locator('#box-list li').first().waitFor();
      const second = await drag(page, layer, [0.6, 0.55], [0.97, 0.96]);
      await studio.locator('#box-list li').nth(1).waitFor();
      assert.ok(Math.round(first.width) !== STREET.width, `the image is shown scaled (${first.width} px wide), so the mapping matters`);
      assert.deepEqual(second, first, 'the layer did not move between the drags');
      // A third drag is refused: two boxes per image at most.
      await drag(page, layer, [0.5, 0.05], [0.55, 0.1]);
      assert.equal(await studio.locator('#box-list li').count(), 2, 'at most two boxes');
      assert.equal(await studio.locator('#box-layer .box-mark').count(), 2, 'both boxes are drawn over the image');

      const listed = (await studio.locator('#box-list li').allInnerTexts()).map(parseBoxItem);
      const expected = [
        [0.1 * STREET.width, 0.1 * STREET.height, 0.45 * STREET.width, 0.5 * STREET.height],
        [0.6 * STREET.width, 0.55 * STREET.height, 0.97 * STREET.width, 0.96 * STREET.height],
      ];
      listed.forEach((box, i) => box.forEach((v, j) => assert.ok(Math.abs(v - expected[i][j]) <= 3, `box ${i + 1} ${JSON.stringify(box)} ≈ ${JSON.stringify(expected[i])} in the image's pixels`)));
      await screenshot('boxes drawn');

      await studio.locator('vscode-button#boxes-done').click();
      await studio.locator('#picker').waitFor({ state: 'hidden' });
      await studio.locator('#inputs .input .boxes-badge', { hasText: '2 boxes' }).waitFor();
      await studio.locator('#inputs').scrollIntoViewIfNeeded();
      await screenshot('boxes on the input');
      await studio.locator('vscode-button#run').click();
      const card = await finishedCard(studio);
      assert.equal(await card.getAttribute('data-status'), 'succeeded', await card.innerText());
      assert.match(await card.locator('.card-params').innerText(), /2 boxes/);
      await card.locator('.before-after .boxed .box-mark').nth(1).waitFor();
      assert.equal(await card.locator('.before-after .box-mark').count(), 2, 'the boxes are marked on the before image');
      assert.ok((await card.locator('figure.result').count()) >= 1, 'the edit produced an image');
      await imagesLoaded(card);
      await card.scrollIntoViewIfNeeded();
      await screenshot('box edit result');

      // What was sent: the history records the request's parameters as sent.
      const entry = await lastHistoryEntry(studio);
      assert.equal(entry.model, 'wan2.7-image');
      assert.deepEqual(entry.parameters.bbox_list, [listed], 'bbox_list: one list for the one image, the boxes as listed');
      for (const [x1, y1, x2, y2] of entry.parameters.bbox_list[0]) assert.ok(x2 <= STREET.width && y2 <= STREET.height && x1 < x2 && y1 < y2, 'inside 640×480');
    },
  },
  {
    name: 'Wan 2.7 image set and palette: the palette sums to 100% inline, an image set of three comes back as one card',
    async run(page, { screenshot }) {
      const studio = await openStudio(page);
      await mode(studio, 'generate');
      await pickOption(studio, 'model', 'wan2.7-image');
      await typePrompt(page, studio, 'Four seasons of one courtyard, same angle');

      // Palette: a share off by ten is reported inline; Distribute Evenly fixes it.
      await studio.locator('vscode-checkbox#palette-on').click();
      await studio.locator('#palette-rows li').nth(3).waitFor();
      const ratio = studio.locator('#palette-rows li').first().locator('vscode-text-field.palette-ratio');
      await ratio.evaluate((el) => {
        el.value = '15';
        el.dispatchEvent(new el.ownerDocument.defaultView.Event('input'));
      });
      await studio.locator('#palette-total.invalid', { hasText: '90%' }).waitFor();
      await studio.locator('#problems li', { hasText: 'add up to 100%' }).waitFor();
      assert.equal(await studio.locator('vscode-button#run').getAttribute('disabled'), '', 'Run waits for a valid palette');
      await screenshot('palette sum off');
      await studio.locator('vscode-button#palette-even').click();
      await studio.locator('#palette-total:not(.invalid)', { hasText: '100%' }).waitFor();
      // Palettes and image sets do not combine: switch the palette off again.
      await studio.locator('vscode-checkbox#palette-on').click();
      await studio.locator('#palette-rows').waitFor({ state: 'detached' });

      await studio.locator('vscode-checkbox#image-set').click();
      await studio.locator('vscode-checkbox#thinking-mode').waitFor({ state: 'detached' });
      await pickOption(studio, 'count', '3');
      await studio.locator('vscode-button#run').click();
      const card = await finishedCard(studio);
      assert.equal(await card.getAttribute('data-status'), 'succeeded', await card.innerText());
      assert.equal(await card.locator('figure.result').count(), 3, 'the whole set in one card');
      assert.match(await card.locator('.card-params').innerText(), /3 images · .*image set|image set/);
      await imagesLoaded(card);
      await card.scrollIntoViewIfNeeded();
      await screenshot('image set card');
      assert.equal(await studio.locator('#cards > article.card').first().getAttribute('data-status'), 'succeeded');
    },
  },
];
