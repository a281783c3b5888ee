// UI flows for the studio's Retouch mode against the simulator: a mask painted with mouse drags
// over street-wide.png (1024×768; the processing models take sides of 512–4096 px, so the
// 640×480 street.png is too small), an empty mask refused inline, an inpaint whose card shows
// before and after and whose result is saved next to the original; and Extend by dragging the
// canvas edge, the side scales following from the drawing. Light and dark themes, and one run in
// Simplified Chinese.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { finishedCard, imagesLoaded, openStudio, pickOption, studioFrame, typePrompt } from './lib/studio.mjs';
import { runCommand } from './lib/workbench.mjs';

const IMAGE = 'street-wide.png';

/** Shows the Retouch tab and waits for its operation picker (the mode's chunk has loaded). */
async function retouchMode(studio) {
  await studio.locator('#tab-retouch').click();
  await studio.locator('#tab-retouch[aria-selected="true"]').waitFor();
  await studio.locator('vscode-dropdown#retouch-operation').waitFor({ state: 'visible', timeout: 30_000 });
}

/** Makes `name` the one image to retouch, through the picker. */
async function pickImage(studio, name) {
  await studio.locator('vscode-button#add-images').click();
  const grid = studio.locator('#picker-grid');
  await grid.locator(`.tile[data-path="${name}"]`).click();
  await grid.locator(`.tile.chosen[data-path="${name}"]`).waitFor();
  await studio.locator('vscode-button#picker-done').click();
  await studio.locator('#picker').waitFor({ state: 'hidden' });
  await studio.locator(`#inputs .input[data-path="${name}"]`).waitFor();
}

/** The element's box once it is in view and stopped moving (a scroll or a redraw of the form may still be under way). */
async function settledBox(target) {
  await target.scrollIntoViewIfNeeded();
  let last = await target.boundingBox();
  for (;;) {
    await target.evaluate((el) => new Promise((resolve) => el.ownerDocument.defaultView.requestAnimationFrame(() => resolve(undefined))));
    const next = await target.boundingBox();
    if (next && last && ['x', 'y', 'width', 'height'].every((k) => Math.abs(next[k] - last[k]) < 0.5)) return next;
    last = next;
  }
}

/** Drags with the mouse along `points` (fractions of the element's box). */
async function dragAlong(page, target, points) {
  const rect = await settledBox(target);
  assert.ok(rect && rect.width > 0 && rect.height > 0, 'the target is laid out');
  const at = ([x, y]) => [rect.x + rect.width * x, rect.y + rect.height * y];
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const point of points.slice(1)) await page.mouse.move(...at(point), { steps: 6 });
  await page.mouse.up();
  return rect;
}

/** Whether the mask canvas shows any tint at a point (fractions of its box). */
async function tintAt(canvas, x, y) {
  return canvas.evaluate((c, [fx, fy]) => c.getContext('2d').getImageData(Math.floor(c.width * fx), Math.floor(c.height * fy), 1, 1).data[3] > 0, [x, y]);
}

/** The inpaint flow; `zh` checks the Chinese strings on the way. */
async function inpaint(page, { screenshot, workspace }, zh = false, opened = undefined) {
  const studio = opened ?? (await openStudio(page));
  await retouchMode(studio);
  await pickOption(studio, 'retouch-operation', 'inpaint');
  await pickImage(studio, IMAGE);
  const canvas = studio.locator('canvas#mask-canvas');
  await canvas.waitFor();
  await imagesLoaded(studio.locator('#mask-painter'));
  // Nothing painted: the run is held back, and the reason shows inline before anything is sent.
  await typePrompt(page, studio, zh ? '去掉路牌，露出后面的楼房' : 'Remove the street sign, show the building behind it');
  await studio.locator('vscode-button#run').click();
  const empty = studio.locator('#problems li', { hasText: zh ? '蒙版为空' : 'The mask is empty' });
  await empty.waitFor();
  assert.equal(await studio.locator('#cards > article.card').count(), 0, 'nothing was sent');

  // Paint over the sign and its pole with two drags; the eraser takes a bit off the second.
  await studio.locator('vscode-button#mask-brush').click();
  await dragAlong(page, canvas, [[0.64, 0.4], [0.7, 0.43], [0.73, 0.46]]);
  await dragAlong(page, canvas, [[0.688, 0.47], [0.688, 0.6], [0.688, 0.67]]);
  await empty.waitFor({ state: 'detached' });
  assert.ok(await tintAt(canvas, 0.7, 0.43), 'the painted stroke shows over the image');
  assert.ok(!(await tintAt(canvas, 0.2, 0.2)), 'nothing painted elsewhere');
  await studio.locator('vscode-button#mask-eraser').click();
  await dragAlong(page, canvas, [[0.68, 0.66], [0.7, 0.67]]);
  await studio.locator('#mask-status', { hasText: '· 3' }).waitFor();
  // Undo and redo the eraser stroke with the keyboard.
  await canvas.focus();
  await page.keyboard.press('Control+z');
  await studio.locator('#mask-status', { hasText: '· 2' }).waitFor();
  await page.keyboard.press('Control+Shift+z');
  await studio.locator('#mask-status', { hasText: '· 3' }).waitFor();
  await screenshot(zh ? 'zh-retouch-mask' : 'retouch mask painted');

  // The strokes survive a tab switch (the page redraws the form from its saved state).
  await studio.locator('#tab-generate').click();
  await studio.locator('#tab-generate[aria-selected="true"]').waitFor();
  await retouchMode(studio);
  await studio.locator('#mask-status', { hasText: '· 3' }).waitFor();
  assert.ok(await tintAt(studio.locator('canvas#mask-canvas'), 0.7, 0.43), 'the mask is drawn again after the switch');

  await studio.locator('vscode-button#run:not([disabled])').click();
  const card = await finishedCard(studio);
  assert.equal(await card.getAttribute('data-status'), 'succeeded', await card.innerText());
  // Before and after: the original in the card's before row, the result below it.
  await card.locator('.before-after img').first().waitFor();
  assert.match(decodeURIComponent((await card.locator('.before-after img').first().getAttribute('src')) ?? ''), /street-wide\.png/);
  assert.equal(await card.locator('figure.result').count(), 1);
  const saved = (await card.locator('figure.result figcaption .path').innerText()).trim();
  assert.match(saved, /^street-wide\.edit(-\d+)?\.png$/, `saved next to the original, named for the operation: ${saved}`);
  assert.ok(existsSync(join(workspace, saved)), `${saved} is in the workspace folder, beside ${IMAGE}`);
  await imagesLoaded(card);
  await card.scrollIntoViewIfNeeded();
  await screenshot(zh ? 'zh-retouch-result' : 'retouch inpaint result');
  // The large view compares it with the original.
  await card.locator('figure.result img').click();
  await studio.locator('#large-view .large-before img').waitFor();
  await screenshot(zh ? 'zh-retouch-compare' : 'retouch before after');
  await page.keyboard.press('Escape');
}

/** @type {{ name: string, themes?: string[], locale?: string, run: (page: import('playwright-core').Page, context: any) => Promise<void> }[]} */
export const flows = [
  {
    name: 'Retouch inpaint: a mask painted by mouse drags on street-wide.png, empty mask refused inline, the result card shows before/after',
    themes: ['light', 'dark'],
    run: (page, context) => inpaint(page, context),
  },
  {
    name: 'Retouch extend: dragging the canvas edge sets the side scales, clamped at the model limit, and the result comes back',
    themes: ['light', 'dark'],
    async run(page, { screenshot }) {
      const studio = await openStudio(page);
      await retouchMode(studio);
      await pickOption(studio, 'retouch-operation', 'extend');
      await pickOption(studio, 'retouch-variant', 'sides');
      await pickImage(studio, IMAGE);
      const frame = studio.locator('#extend-frame');
      await frame.waitFor();
      await imagesLoaded(frame);
      // The mouse drags what it can reach: the whole stage on screen (the preset row pushes it down).
      await studio.locator('#extend-stage').scrollIntoViewIfNeeded();
      const before = await frame.boundingBox();
      // Drag the right edge outwards by a quarter of the image's width.
      const handle = studio.locator('.extend-handle.extend-right');
      const h = await handle.boundingBox();
      await page.mouse.move(h.x + h.width / 2, h.y + h.height / 2);
      await page.mouse.down();
      await page.mouse.move(h.x + h.width / 2 + before.width * 0.25, h.y + h.height / 2, { steps: 8 });
      await page.mouse.up();
      const after = await frame.boundingBox();
      assert.ok(after.width > before.width * 1.2, `the frame grew (${before.width} → ${after.width})`);
      const facts = await studio.locator('#extend-result').innerText();
      const right = Number(/rightScale ([\d.]+)/.exec(facts)?.[1]);
      assert.ok(right > 1.4 && right < 1.6, `the right side scale follows the drawing: ${facts}`);
      assert.match(facts, /leftScale 1,/);
      await studio.locator('#extend-result').scrollIntoViewIfNeeded();
      await screenshot('retouch extend frame');
      // Too far: the edge stops at the model's 2.0 and a note says so.
      await studio.locator('#extend-stage').scrollIntoViewIfNeeded();
      const h2 = await handle.boundingBox();
      await page.mouse.move(h2.x + h2.width / 2, h2.y + h2.height / 2);
      await page.mouse.down();
      await page.mouse.move(h2.x + h2.width / 2 + before.width * 2, h2.y + h2.height / 2, { steps: 8 });
      await page.mouse.up();
      await studio.locator('#extend-note:not([hidden])').waitFor();
      assert.match(await studio.locator('#extend-result').innerText(), /rightScale 2\b/);
      await studio.locator('#extend-note').scrollIntoViewIfNeeded();
      await screenshot('retouch extend clamped');

      await studio.locator('vscode-button#run:not([disabled])').click();
      const card = await finishedCard(studio);
      assert.equal(await card.getAttribute('data-status'), 'succeeded', await card.innerText());
      assert.match(await card.locator('.card-params').innerText(), /rightScale 2/);
      assert.match((await card.locator('figure.result figcaption .path').innerText()).trim(), /^street-wide\.extend(-\d+)?\.png$/);
      await imagesLoaded(card);
      await card.scrollIntoViewIfNeeded();
      await screenshot('retouch extend result');
    },
  },
  {
    name: 'Retouch in Chinese: the mask painter, the empty-mask refusal and the result card in Simplified Chinese',
    locale: 'zh-CN',
    async run(page, context) {
      await runCommand(page, 'Bailian: 打开工作室');
      const studio = studioFrame(page);
      await studio.locator('vscode-button#run').waitFor({ state: 'visible', timeout: 60_000 });
      assert.equal((await studio.locator('#tab-retouch').innerText()).trim(), '修图');
      await inpaint(page, context, true, studio);
    },
  },
];
