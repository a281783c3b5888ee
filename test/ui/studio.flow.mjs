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
    name: 'typing a prompt enables Generate and the host answers through the protocol',
    async run(page, { screenshot }) {
      const studio = await openStudio(page);
      const generate = studio.locator('vscode-button#generate');
      assert.equal(await generate.getAttribute('disabled'), '', 'Generate starts disabled without a prompt');

      await studio.locator('vscode-text-area#prompt').click();
      await page.keyboard.type('A red lantern over a misty West Lake at dawn');
      await studio.locator('vscode-button#generate:not([disabled])').waitFor();

      // The dropdown lists the host's models; pick the second one.
      await studio.locator('vscode-dropdown#model').click();
      await studio.locator('vscode-option', { hasText: 'Wan 2.2 Flash' }).click();
      assert.equal(await studio.locator('vscode-dropdown#model').evaluate((el) => el.value), 'wan2.2-t2i-flash');

      await generate.click();
      // The runner gives code-server a placeholder DASHSCOPE_API_KEY, so the host replies with
      // the informational notice rather than the missing-key warning.
      await studio
        .locator('#notice[data-level="info"]', { hasText: 'not available in this build yet' })
        .waitFor({ timeout: 15_000 });
      await screenshot('studio-generate-notice');
    },
  },
];
