// UI flows for the image operations as a person uses them: right-click an image in the Explorer →
// Bailian → Upscale ×2, and the result opens beside the original; Extend to Aspect Ratio… → 16:9;
// the same in Simplified Chinese. Run by test/runner/run-ui.mjs against code-server and the
// simulator, in the light and the dark theme.
import assert from 'node:assert/strict';
import { editorTab, explorerContextMenu, explorerRow, notification, pickQuickItem, runCommand } from './lib/workbench.mjs';

export const themes = ['light', 'dark'];

/**
 * The Explorer row of exactly `name`, with no editor open: `pattern.png` (512×512) is the sample
 * image the processing models take (each side 512–4096 px), and its results (`pattern.16x9.png`)
 * sort before it, so a row containing the text would not do.
 */
async function imageRow(page, name) {
  await explorerRow(page, name);
  await runCommand(page, 'View: Close All Editors');
  const row = page.locator('.explorer-folders-view .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${name.replace(/\./g, '\\.')}$`) }) }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  return row;
}

/** The editor groups, each with the labels of its tabs. */
async function groupsWithTabs(page) {
  return page.locator('.editor-group-container').evaluateAll((groups) => groups.map((g) => [...g.querySelectorAll('.tabs-container .tab .label-name')].map((t) => t.textContent ?? '')));
}

/** Waits until the image preview in the last editor group drew its picture. */
async function previewShown(page) {
  const preview = page.frameLocator('iframe.webview').last().frameLocator('iframe#active-frame');
  await preview.locator('img').first().waitFor({ state: 'visible', timeout: 30_000 });
  const loaded = await preview.locator('img').first().evaluate((img) => img.complete && img.naturalWidth > 0);
  assert.ok(loaded, 'the result is drawn');
}

/** @type {{ name: string, locale?: string, themes?: string[], run: (page: import('playwright-core').Page, context: any) => Promise<void> }[]} */
export const flows = [
  {
    name: 'Explorer: right-click pattern.png → Bailian → Upscale ×2, the result opens beside the original',
    async run(page, { screenshot }) {
      const row = await imageRow(page, 'pattern.png');
      // The original is open: the result goes into the group beside it.
      await row.dblclick();
      await editorTab(page, 'pattern.png');
      // Drawn first: a preview that finishes loading while the context menu is open takes the focus and closes the menu.
      await previewShown(page);
      await explorerContextMenu(page, [row], ['Bailian', 'Upscale ×2'], { whileOpen: () => screenshot('process-explorer-submenu') });
      await notification(page, 'pattern.x2');
      await editorTab(page, 'pattern.x2');
      await previewShown(page);
      const groups = await groupsWithTabs(page);
      const original = groups.findIndex((tabs) => tabs.includes('pattern.png'));
      const result = groups.findIndex((tabs) => tabs.some((t) => /^pattern\.x2(-\d+)?\.png$/.test(t)));
      assert.ok(original >= 0 && result >= 0, JSON.stringify(groups));
      assert.ok(result > original, `the result is in the group beside the original: ${JSON.stringify(groups)}`);
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'pattern.x2' }).first().waitFor({ state: 'visible' });
      await screenshot('upscale-result-beside-original');
      await page.keyboard.press('Escape');
    },
  },
  {
    name: 'Explorer: pattern.png → Extend to Aspect Ratio… → 16:9 saves pattern.16x9.png next to the original',
    async run(page, { screenshot }) {
      const row = await imageRow(page, 'pattern.png');
      await explorerContextMenu(page, [row], ['Bailian', 'Extend to Aspect Ratio…']);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: '9:16' }).first().waitFor({ state: 'visible' });
      await screenshot('extend-ratio-picker');
      await pickQuickItem(page, '16:9 (widescreen)', { hint: 'aspect ratio' });
      await notification(page, 'pattern.16x9');
      await editorTab(page, 'pattern.16x9');
      await previewShown(page);
      await page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'pattern.16x9' }).first().waitFor({ state: 'visible' });
      await screenshot('extend-result-16x9');
    },
  },
  {
    name: 'Chinese UI: pattern.png → 百炼 → 扩展到宽高比… → 16:9（宽屏）, the picker and the result in Simplified Chinese',
    locale: 'zh-CN',
    themes: ['light'],
    async run(page, { screenshot }) {
      const row = await imageRow(page, 'pattern.png');
      await explorerContextMenu(page, [row], ['百炼', '扩展到宽高比…'], { whileOpen: () => screenshot('zh-process-submenu') });
      await page.locator('.quick-input-list .monaco-list-row', { hasText: '9:16（手机竖屏）' }).first().waitFor({ state: 'visible' });
      await screenshot('zh-extend-ratio-picker');
      await pickQuickItem(page, '16:9（宽屏）', { hint: '宽高比' });
      await notification(page, 'pattern.16x9');
      await editorTab(page, 'pattern.16x9');
      await previewShown(page);
      await screenshot('zh-extend-result');
    },
  },
];
