// UI flows for the studio, run by test/runner/run-ui.mjs against code-server in chromium.
// Each flow gets a fresh page with the workbench loaded and the extension under development.
import assert from 'node:assert/strict';

/** The studio's own DOM: two iframes below the workbench (host frame, then content frame). */
export function studioFrame(page) {
  return page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
}

/**
 * Runs a command from the command palette (F1) by its title. The palette lists only commands
 * known when it opened, and the extension host registers ours a moment after the workbench
 * appears, so reopen the palette until the command shows up (or `timeoutMs` passes).
 */
export async function runCommand(page, title, { timeoutMs = 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title });
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ state: 'visible', timeout: 3_000 });
      break;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(`"${title}" never appeared in the command palette`, { cause: error });
      }
      await page.keyboard.press('Escape');
      await input.waitFor({ state: 'hidden' });
    }
  }
  await page.keyboard.press('Enter');
}

/** Opens the studio from the palette and waits until the toolkit rendered the Generate button. */
async function openStudio(page) {
  await runCommand(page, 'Bailian: Open Studio');
  const studio = studioFrame(page);
  await studio.locator('vscode-button#generate').waitFor({ state: 'visible', timeout: 60_000 });
  return studio;
}

/**
 * @typedef {object} FlowContext
 * @property {(name: string) => Promise<void>} screenshot saves test-results/screenshots/NN-name.png
 * @property {() => string[]} cspViolations CSP reports so far, minus the workbench's own
 */

/** @type {{ name: string, run: (page: import('playwright-core').Page, context: FlowContext) => Promise<void> }[]} */
export const flows = [
  {
    name: 'Bailian: Open Studio from the command palette renders the toolkit components',
    async run(page, { screenshot, cspViolations }) {
      const studio = await openStudio(page);
      await assert.doesNotReject(studio.locator('h1', { hasText: 'Bailian Studio' }).waitFor());
      for (const tag of ['vscode-text-area#prompt', 'vscode-dropdown#model', 'vscode-button#generate']) {
        const component = studio.locator(tag);
        await component.waitFor({ state: 'visible' });
        // A registered FAST element renders into its shadow root; an unregistered one stays empty.
        const rendered = await component.evaluate((element) => (element.shadowRoot?.childElementCount ?? 0) > 0);
        assert.ok(rendered, `${tag} rendered its shadow root`);
      }
      const box = await studio.locator('vscode-button#generate').boundingBox();
      assert.ok(box && box.width > 20 && box.height > 10, 'the Generate button has a visible size');
      assert.deepEqual(cspViolations(), [], 'the studio loads without CSP violations');
      await screenshot('studio-opened');
    },
  },
  {
    name: 'Generate saves the image into the workspace and shows it from the saved file',
    async run(page, { screenshot }) {
      const studio = await openStudio(page);
      const generate = studio.locator('vscode-button#generate');
      assert.equal(await generate.getAttribute('disabled'), '', 'Generate starts disabled without a prompt');

      await studio.locator('vscode-text-area#prompt').click();
      await page.keyboard.type('A red lantern over a misty West Lake at dawn');
      await studio.locator('vscode-button#generate:not([disabled])').waitFor();

      // The model list is the catalog's text-to-image models; the size list follows the model.
      await pickOption(studio, 'model', 'wan2.2-t2i-flash');
      assert.equal(await studio.locator('vscode-dropdown#size').evaluate((el) => el.value), '1024*1024', 'the default size is preselected');
      await pickOption(studio, 'model', 'qwen-image');
      assert.equal(await studio.locator('vscode-dropdown#size').evaluate((el) => el.value), '1664*928');
      assert.equal(await studio.locator('vscode-dropdown#count').getAttribute('disabled'), '', 'qwen-image makes exactly one image');
      await studio.locator('vscode-text-field#seed').waitFor({ state: 'visible' });
      await studio.locator('vscode-text-area#negative-prompt').waitFor({ state: 'visible' });
      await pickOption(studio, 'size', '1328*1328');

      await generate.click();
      const image = studio.locator('#results figure.result img').first();
      await image.waitFor({ state: 'visible', timeout: 60_000 });
      // Loaded from the saved file through the webview resource origin (a DashScope URL would be blocked by the CSP).
      await studio.locator('#results img').first().evaluate(
        (img) => img.complete && img.naturalWidth > 0 ? true : new Promise((resolve, reject) => {
          img.addEventListener('load', () => resolve(true), { once: true });
          img.addEventListener('error', () => reject(new Error(`the thumbnail failed to load: ${img.src}`)), { once: true });
        }),
      );
      assert.ok((await image.evaluate((img) => img.naturalWidth)) > 0, 'the thumbnail decoded');
      const src = await image.getAttribute('src');
      assert.ok(!/dashscope|127\.0\.0\.1:\d+\/results/i.test(src ?? ''), `the thumbnail is the saved local file, not a result URL: ${src}`);
      const caption = await studio.locator('#results figcaption').first().innerText();
      assert.match(caption, /generated-images\/.+\.png/);
      assert.match(caption, /Seed \d+/);
      await studio.locator('#notice', { hasText: 'Saved 1 image(s) to generated-images' }).waitFor();
      await screenshot('studio-generated-image');

      // "Open" asks the host to open the saved file in an editor tab.
      await studio.locator('#results vscode-button.open').first().click();
      const fileName = caption.match(/generated-images\/(\S+\.png)/)[1];
      await page.locator('.tabs-container .tab', { hasText: fileName }).waitFor({ timeout: 30_000 });
    },
  },
  {
    name: 'errors show inline with the hint: a failed task and a request the catalog rejects',
    async run(page, { screenshot, sim }) {
      const studio = await openStudio(page);
      await studio.locator('vscode-text-area#prompt').click();
      await page.keyboard.type('A lantern the moderation will not like');

      // The simulator fails the next wan2.2-t2i-flash task with a moderation error.
      sim.faults.add({ model: 'wan2.2-t2i-flash', kind: 'taskFail', code: 'DataInspectionFailed', message: 'Input data may contain inappropriate content.', times: 1 });
      await pickOption(studio, 'model', 'wan2.2-t2i-flash');
      await studio.locator('vscode-button#generate:not([disabled])').click();
      const error = studio.locator('#error');
      await error.locator('.hint', { hasText: 'Content moderation rejected' }).waitFor({ timeout: 60_000 });
      assert.match(await error.locator('.error-message').innerText(), /inappropriate content.*DataInspectionFailed/);
      await screenshot('studio-task-failed-inline');

      // Too long a negative prompt: refused by the host's catalog check, before any request.
      await pickOption(studio, 'model', 'qwen-image');
      await studio.locator('vscode-text-area#negative-prompt').evaluate((el) => {
        el.value = 'blurry, '.repeat(70);
        el.dispatchEvent(new el.ownerDocument.defaultView.Event('input'));
      });
      await studio.locator('vscode-button#generate:not([disabled])').click();
      await error.locator('.issues li', { hasText: 'negative prompts up to 500 characters' }).waitFor({ timeout: 30_000 });
      assert.equal(await studio.locator('vscode-button#generate').getAttribute('disabled'), null, 'Generate is usable again');
      await screenshot('studio-validation-inline');
    },
  },
  {
    name: 'Cancel aborts a running generation and nothing is saved',
    async run(page, { screenshot, sim }) {
      const studio = await openStudio(page);
      await studio.locator('vscode-text-area#prompt').click();
      await page.keyboard.type('A download slow enough to cancel');
      await pickOption(studio, 'model', 'z-image-turbo');
      // Results trickle in at 2 kB/s while this rule exists, so the job is still downloading.
      const removeSlowDownload = sim.faults.add({ kind: 'slowDownload', bytesPerSecond: 2_000 });
      try {
        await studio.locator('vscode-button#generate:not([disabled])').click();
        await studio.locator('#notice', { hasText: 'Downloading images (0/1)' }).waitFor({ timeout: 30_000 });
        const cancel = studio.locator('vscode-button#cancel');
        await cancel.waitFor({ state: 'visible' });
        await screenshot('studio-running-with-cancel');
        await cancel.click();
        await studio.locator('#notice[data-level="warning"]', { hasText: 'Cancelled. Nothing was saved.' }).waitFor({ timeout: 15_000 });
        await cancel.waitFor({ state: 'hidden' });
        assert.equal(await studio.locator('#results img').count(), 0, 'no result is shown');
      } finally {
        removeSlowDownload();
      }
    },
  },
];

/** Picks an option of a toolkit dropdown by its value, the way a user does (open, click). */
async function pickOption(studio, id, value) {
  const dropdown = studio.locator(`vscode-dropdown#${id}`);
  await dropdown.click();
  await dropdown.locator(`vscode-option[value="${value}"]`).click();
  await studio.locator(`vscode-dropdown#${id}[current-value="${value}"]`).waitFor({ timeout: 5_000 }).catch(async () => {
    assert.equal(await dropdown.evaluate((el) => el.value), value, `${id} is ${value}`);
  });
}
