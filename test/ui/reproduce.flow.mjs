// UI flow for the Explorer's entries on generated images (Regenerate, Variations…, Open Settings
// in Studio, Copy as CLI Command): greyed, with the reason in the title, on an image without a
// generation record; enabled, and working, on one the extension generated. Run by
// test/runner/run-ui.mjs against code-server and the simulator.
import assert from 'node:assert/strict';
import { studioFrame } from './lib/studio.mjs';
import { answerInput, explorerContextMenu, explorerRow, notification, pickQuickItem, runCommand } from './lib/workbench.mjs';

const menuItem = (page, text) => page.locator('.context-view .monaco-menu .action-item', { hasText: text });

/** Right-clicks an Explorer row and opens its Bailian submenu (left open). */
async function openBailianSubmenu(page, row) {
  await row.click();
  await row.click({ button: 'right' });
  const bailian = menuItem(page, 'Bailian').last();
  await bailian.waitFor({ state: 'visible', timeout: 10_000 });
  await bailian.hover();
  await page.keyboard.press('ArrowRight');
  await menuItem(page, 'Translate Image…').last().waitFor({ state: 'visible', timeout: 10_000 });
}

async function closeMenus(page) {
  await page.keyboard.press('Escape');
  await page.keyboard.press('Escape');
  await page.locator('.context-view .monaco-menu').waitFor({ state: 'hidden' });
}

/** @type {{ name: string, run: (page: import('playwright-core').Page, context: any) => Promise<void> }[]} */
export const flows = [
  {
    name: 'Explorer: Regenerate is greyed with the reason on sunset.png, enabled on a generated image, and makes it again',
    async run(page, { screenshot }) {
      const plain = await explorerRow(page, 'sunset.png');
      await openBailianSubmenu(page, plain);
      const greyed = menuItem(page, 'this image has no generation record').last();
      await greyed.waitFor({ state: 'visible', timeout: 10_000 });
      assert.match((await greyed.getAttribute('class')) ?? '', /\bdisabled\b/, 'the entry is disabled');
      assert.equal(await menuItem(page, /^\s*Copy as CLI Command\s*$/).count(), 0, 'no enabled entry that needs a generation record');
      await screenshot('explorer-no-generation-record');
      await closeMenus(page);

      await runCommand(page, 'Bailian: Generate Image…');
      await answerInput(page, 'A red kite over green hills', { hint: 'Describe the image' });
      await pickQuickItem(page, 'z-image-turbo', { hint: 'text-to-image model' });
      await pickQuickItem(page, '1024', { hint: 'Image size' });
      await answerInput(page, '', { hint: 'Seed' });
      await notification(page, 'Saved');
      // The new image opens in an editor, and the Explorer reveals it.
      const name = (await page.locator('.tabs-container .tab.active .label-name').first().innerText()).trim();
      assert.match(name, /\.png$/, `the generated image is the active tab (${name})`);
      const generated = await explorerRow(page, name, { show: false });
      await explorerContextMenu(page, [generated], ['Bailian', /^\s*Regenerate\s*$/], { whileOpen: () => screenshot('explorer-regenerate-enabled') });
      // Regenerate opens the new file: another image becomes the active tab.
      const regenerated = page.locator('.tabs-container .tab.active .label-name', { hasText: /\.png$/, hasNotText: name });
      await regenerated.first().waitFor({ state: 'visible', timeout: 60_000 });
      await screenshot('explorer-regenerated');
    },
  },
  {
    name: 'Explorer: Open Settings in Studio on an image upscaled ×4 opens Retouch on the original with the operation and its factor',
    async run(page, { screenshot }) {
      // No editor open: an image preview that loads while a context menu is open closes the menu, and the studio is then the only webview.
      const original = await explorerRow(page, 'street-wide.png');
      await runCommand(page, 'View: Close All Editors');
      await explorerContextMenu(page, [original], ['Bailian', /^\s*Upscale ×4\s*$/]);
      await notification(page, 'street-wide.x4');
      await runCommand(page, 'View: Close All Editors');
      const upscaled = page.locator('.explorer-folders-view .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: /^street-wide\.x4(-\d+)?\.png$/ }) }).first();
      await upscaled.waitFor({ state: 'visible', timeout: 30_000 });
      await explorerContextMenu(page, [upscaled], ['Bailian', 'Open Settings in Studio']);
      const studio = studioFrame(page);
      const operation = studio.locator('vscode-dropdown#retouch-operation');
      await operation.waitFor({ state: 'visible', timeout: 60_000 });
      await studio.locator('#inputs .input[data-path="street-wide.png"]').waitFor();
      // Upscale's own line says the size it makes: ×4 (the recorded factor), not the form's default ×2.
      await studio.locator('#upscale-result', { hasText: '4096' }).waitFor({ timeout: 30_000 });
      assert.equal(await operation.evaluate((el) => el.value), 'upscale', 'the operation the image was made with');
      await screenshot('open-settings-retouch');
    },
  },
];
