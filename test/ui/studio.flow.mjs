// UI flows for the studio, run by test/runner/run-ui.mjs against code-server in chromium.
// Each flow gets a fresh page with the workbench loaded and the extension under development.
// Flows share one workspace and one code-server, so a studio reopened by the workbench may
// still show earlier cards: assertions look at the newest card (cards are listed newest first).
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../../scripts/lib/code-server.mjs';
import { repoRoot } from '../../scripts/lib/environment.mjs';
import { activationTimesOf, newestExtensionLog, explorerContextMenu, explorerRow, notification, pickQuickItem, pickTheme, runCommand } from './lib/workbench.mjs';
import { finishedCard, imagesLoaded, mode, openStudio, pickInputs, pickOption, studioFrame, typePrompt } from './lib/studio.mjs';

export { runCommand, studioFrame };

/**
 * Answers the Set API Key box. The box validates as you type (an empty key is refused) and Enter
 * is ignored while the last verdict stands, so wait for the empty-key message to go first.
 */
async function answerKey(page, key) {
  const widget = page.locator('.quick-input-widget');
  await widget.filter({ hasText: 'Paste your DashScope API key' }).waitFor();
  await page.locator('.quick-input-widget input').fill(key);
  await widget.filter({ hasText: 'cannot be empty' }).waitFor({ state: 'hidden' });
  await page.keyboard.press('Enter');
  await widget.waitFor({ state: 'hidden' });
  await notification(page, 'API key for', { timeout: 15_000 });
}

/** Closes every editor and waits until no tab is left. */
async function closeAllEditors(page) {
  await runCommand(page, 'View: Close All Editors');
  await page.locator('.tabs-container .tab').first().waitFor({ state: 'detached', timeout: 15_000 });
}

/** Runs `run` while dist/webview/`file` is missing (a bundle the page loads that never arrives), then puts it back. */
async function withoutWebviewBundle(file, run) {
  const path = join(repoRoot, 'dist', 'webview', file);
  renameSync(path, `${path}.hidden`);
  try {
    return await run();
  } finally {
    renameSync(`${path}.hidden`, path);
  }
}

async function inputNames(studio) {
  return studio.locator('#inputs .input-name').allInnerTexts();
}

/**
 * @typedef {object} FlowContext
 * @property {(name: string, page?: import('playwright-core').Page) => Promise<void>} screenshot saves test-results/screenshots/NN-name.png (of the flow's window, or of `page`)
 * @property {() => string[]} cspViolations CSP reports so far, minus the workbench's own
 * @property {string} userDataDir code-server's user data folder (its logs are under logs/)
 * @property {() => Promise<import('playwright-core').Page>} openWindow another window on the workspace (closed with the flow)
 */

/**
 * How long a studio shown again (its page is reloaded) may take. Now and then VS Code's webview
 * service worker loses the request for the frame it writes the page into, and answers it only
 * at its own 30 s timeout (resolveTimeout in its service-worker.js); the studio's watchdog also
 * hands the page over again meanwhile (src/studio/watchdog.ts). So: past those 30 s.
 */
const SHOWN_AGAIN_MS = 60_000;

/** Every studio flow runs in the light theme and again in the dark one (test/runner/run-ui.mjs), but where a flow says otherwise. */
export const themes = ['light', 'dark'];

/** @type {{ name: string, themes?: string[], run: (page: import('playwright-core').Page, context: FlowContext & { sim: any }) => Promise<void> }[]} */
export const flows = [
  {
    name: 'Studio: opens with the four mode tabs and the history, toolkit components rendered, no CSP violations',
    async run(page, { screenshot, cspViolations }) {
      const studio = await openStudio(page);
      await studio.locator('h1', { hasText: 'Bailian Studio' }).waitFor();
      for (const tab of ['generate', 'edit', 'translate', 'guide', 'history']) await studio.locator(`#tab-${tab}`).waitFor();
      await mode(studio, 'generate');
      for (const tag of ['vscode-text-area#prompt', 'vscode-dropdown#model', 'vscode-button#run']) {
        const rendered = await studio.locator(tag).evaluate((element) => (element.shadowRoot?.childElementCount ?? 0) > 0);
        assert.ok(rendered, `${tag} rendered its shadow root`);
      }
      assert.equal(await studio.locator('vscode-button#run').getAttribute('disabled'), '', 'Run starts disabled without a prompt');
      assert.notEqual((await studio.locator('#model-description').innerText()).trim(), '', 'the model has a one-line description');
      assert.deepEqual(cspViolations(), [], 'the studio loads without CSP violations');
      // The first paint came before the toolkit (plain controls), then the form was drawn again with it.
      const marks = await studio.locator('body').evaluate((body) =>
        body.ownerDocument.defaultView.performance.getEntriesByType('mark').map((m) => ({ name: m.name, at: m.startTime, toolkit: m.detail?.toolkit })),
      );
      const first = marks.find((m) => m.name === 'bailian:rendered');
      const again = marks.find((m) => m.name === 'bailian:toolkit-rendered');
      assert.equal(first?.toolkit, false, `the first render used plain controls: ${JSON.stringify(marks)}`);
      assert.ok(again && again.at > first.at, `then the toolkit's: ${JSON.stringify(marks)}`);
      assert.equal(await studio.locator('[class*="plain-"]').count(), 0, 'no plain control is left once the toolkit is there');
      // The toolkit took the theme's colours (it reads them at a load event it must not miss).
      const colours = await studio.locator('vscode-text-area#prompt').evaluate((area) => {
        const view = area.ownerDocument.defaultView;
        const probe = area.ownerDocument.createElement('div');
        probe.style.backgroundColor = view.getComputedStyle(area.ownerDocument.body).getPropertyValue('--vscode-input-background').trim();
        area.ownerDocument.body.append(probe);
        const expected = view.getComputedStyle(probe).backgroundColor;
        probe.remove();
        const control = area.shadowRoot.querySelector('textarea');
        return { expected, actual: view.getComputedStyle(control).backgroundColor };
      });
      assert.equal(colours.actual, colours.expected, 'the prompt box has the theme\'s input background');
      await screenshot('studio-opened');
    },
  },
  {
    name: "Open Studio right after a window opened: the page comes before the extension's services, which take it over, and a prompt run at once generates",
    // What is tested is the order of loading, the same in either theme.
    themes: ['light'],
    async run(page, { screenshot, userDataDir, openWindow }) {
      // A window that opened the studio has saved what the next window's early page needs (shell.ts).
      await openStudio(page);
      // Each new window has its own extension host, whose services load 3 s after activation
      // unless a command loads them first: the studio must open, and its page speak, before. A
      // window that started too slowly for that is tried again; every other flow takes the usual way.
      let early;
      for (let attempt = 1; attempt <= 3 && !early; attempt++) {
        const window = await openWindow();
        // As a person who opens the studio the moment the window is ready: right after activation.
        await activationTimesOf(window, [['bailian-image-studio.bailian-image-studio', 'Bailian Image Studio']]);
        await closeAllEditors(window);
        await runCommand(window, 'Bailian: Open Studio');
        const studio = studioFrame(window);
        // Typed and run at once, whichever controls are drawn yet (the plain ones, or the toolkit's).
        await studio.locator('#prompt-plain, vscode-text-area#prompt').first().click();
        await window.keyboard.type('A lantern drawn in the first second');
        await window.keyboard.press('Control+Enter');
        const card = await finishedCard(studio);
        assert.equal(await card.getAttribute('data-status'), 'succeeded', await card.innerText());
        await imagesLoaded(card);
        assert.match(await card.innerText(), /A lantern drawn in the first second/);
        const log = await waitFor('the studio to say how it opened in the extension log', () => {
          const text = newestExtensionLog(userDataDir);
          return /Studio opened/.test(text) && text;
        }, { timeoutMs: 15_000 });
        // Its `ready` at least, kept by the shim and handled by the studio once it took the page over.
        if (/Studio opened before the services loaded; taken over with [1-9]\d* messages? from its page/.test(log)) {
          early = log;
          await screenshot('studio-opened-early-generated', window);
        } else {
          const how = /taken over with 0 messages/.test(log) ? 'the page spoke only after the services had loaded' : 'the services had loaded before the studio opened';
          console.log(`      (attempt ${attempt}: ${how}; again)`);
        }
        await window.context().close();
      }
      assert.ok(early, 'the studio opened before the services loaded, and its page spoke before they did, in one of three windows');
      assert.doesNotMatch(early, /Studio message failed|Ignored an invalid message/);
    },
  },
  {
    name: 'Studio without the toolkit (its bundle never arrives): the plain controls of the first paint generate all the same',
    // Measures and styles of the plain controls are the same in either theme.
    themes: ['light'],
    async run(page, { screenshot, cspViolations }) {
      await withoutWebviewBundle('toolkit.js', async () => {
        await runCommand(page, 'Bailian: Open Studio');
        const studio = studioFrame(page);
        await studio.locator('button#run').waitFor({ timeout: 60_000 });
        await studio.locator('#tab-generate').click();
        await studio.locator('#tab-generate[aria-selected="true"]').waitFor();
        await studio.locator('select#model').selectOption('z-image-turbo');
        await studio.locator('#prompt-plain').fill('A paper lantern drawn without the toolkit');
        await studio.locator('button#run:not([disabled])').click();
        const card = await finishedCard(studio);
        assert.equal(await card.getAttribute('data-status'), 'succeeded', await card.innerText());
        await imagesLoaded(card);
        assert.match(await card.innerText(), /A paper lantern drawn without the toolkit/);
        assert.equal(await studio.locator('vscode-button, vscode-text-area, vscode-dropdown').count(), 0, 'no toolkit component anywhere');
        assert.deepEqual(cspViolations(), [], 'no CSP violations (the failed load is a 404, not a refusal)');
        await screenshot('studio-plain-controls-generated');
      });
    },
  },
  {
    name: 'Studio without its message schemas (schemas.js never arrives): the form still draws, and the page says that part of it did not load',
    themes: ['light'],
    async run(page, { screenshot }) {
      await withoutWebviewBundle('schemas.js', async () => {
        await runCommand(page, 'Bailian: Open Studio');
        const studio = studioFrame(page);
        // Drawn from the bootstrap block, which needs no schema.
        await studio.locator('#tab-generate').waitFor({ timeout: 60_000 });
        const notice = studio.locator('#notice[data-level="error"]');
        await notice.waitFor({ timeout: 30_000 });
        assert.match(await notice.innerText(), /Part of Bailian Studio did not load\. Reload the window/);
        await screenshot('studio-without-schemas');
      });
    },
  },
  {
    name: 'Generate: two images with their seeds in one card, distinct captions; the size is kept across models; results survive a tab switch',
    async run(page, { screenshot }) {
      const studio = await openStudio(page);
      await mode(studio, 'generate');
      await pickOption(studio, 'model', 'wan2.6-t2i');
      await pickOption(studio, 'size', '1104*1472');
      // wan2.5 accepts the same size: switching keeps it instead of resetting to its default (1280*1280).
      await pickOption(studio, 'model', 'wan2.5-t2i-preview');
      assert.equal(await studio.locator('vscode-dropdown#size').evaluate((el) => el.value), '1104*1472', 'a valid size is kept when switching models');
      // wan2.5 runs as a text2image task, whose images carry seed, seed+1 (§4.1).
      await pickOption(studio, 'count', '2');
      await typePrompt(page, studio, 'A red lantern over a misty West Lake at dawn');
      // Inline validation: a bad seed is reported before anything is sent.
      await studio.locator('vscode-text-field#seed').click();
      await page.keyboard.type('12x');
      await studio.locator('#problems li', { hasText: 'whole number' }).waitFor();
      assert.equal(await studio.locator('vscode-button#run').getAttribute('disabled'), '');
      await page.keyboard.press('Backspace');
      await studio.locator('#problems li').waitFor({ state: 'detached' });
      await page.keyboard.press('Control+Enter');

      const card = studio.locator('article.card').first();
      await card.locator('.elapsed').waitFor();
      await screenshot('generate-running-with-timer');
      await finishedCard(studio);
      assert.equal(await card.getAttribute('data-status'), 'succeeded', await card.innerText());
      const figures = card.locator('figure.result');
      assert.equal(await figures.count(), 2, 'two images in the card');
      await imagesLoaded(card);
      const seeds = await card.locator('figcaption .seed').allInnerTexts();
      assert.equal(seeds.length, 2, 'every image shows its seed');
      for (const seed of seeds) assert.match(seed, /^Seed \d+$/);
      const captions = await card.locator('figcaption .path').allInnerTexts();
      assert.notEqual(captions[0], captions[1], `captions show the distinct part: ${captions}`);
      assert.match(await card.locator('.card-text').innerText(), /Saved 2 images to/);
      assert.doesNotMatch(await card.innerText(), /image\(s\)/);
      assert.match(await card.locator('.card-params').innerText(), /1104×1472 · 2 images · Seed 12/);
      assert.deepEqual(seeds, ['Seed 12', 'Seed 13']);
      const src = await figures.first().locator('img').getAttribute('src');
      assert.ok(!/dashscope|127\.0\.0\.1:\d+\/results/i.test(src ?? ''), `thumbnails are the saved files: ${src}`);
      await card.scrollIntoViewIfNeeded();
      await screenshot('generate-two-images-with-seeds');

      // Another editor takes the tab; coming back restores the card from the webview state.
      await runCommand(page, 'File: New Untitled Text File');
      await page.locator('.tabs-container .tab.active', { hasText: 'Untitled' }).waitFor();
      await page.locator('.tabs-container .tab', { hasText: 'Bailian Studio' }).click();
      const again = studioFrame(page).locator('article.card').first();
      await again.locator('figure.result').nth(1).waitFor({ timeout: SHOWN_AGAIN_MS });
      assert.deepEqual(await again.locator('figcaption .seed').allInnerTexts(), seeds, 'the same results after the tab switch');
      await imagesLoaded(again);
      await again.scrollIntoViewIfNeeded();
      await screenshot('generate-results-after-tab-switch');

      // Re-run with the second image's seed: a new card above, one image, made with seed 13.
      const restored = studioFrame(page);
      await again.locator('figure.result').nth(1).locator('button.rerun-seed').click();
      await restored.locator('#cards > article.card:nth-of-type(2)[data-status="succeeded"]').waitFor();
      const rerun = await finishedCard(restored);
      assert.equal(await rerun.getAttribute('data-status'), 'succeeded', await rerun.innerText());
      assert.deepEqual(await rerun.locator('figcaption .seed').allInnerTexts(), ['Seed 13']);
      assert.match(await rerun.locator('.card-params').innerText(), /1 image · Seed 13/);
      await rerun.locator('button.copy-prompt').click();
      await restored.locator('#notice', { hasText: 'Copied.' }).waitFor();

      // wan2.6-t2i reports one seed per request: the second image says its seed is not reported, and why.
      await pickOption(restored, 'model', 'wan2.6-t2i');
      await pickOption(restored, 'count', '2');
      await typePrompt(page, restored, 'Paper lanterns along a canal at night');
      await restored.locator('vscode-button#run:not([disabled])').click();
      await restored.locator('#cards > article.card:nth-of-type(3)').waitFor();
      const set = await finishedCard(restored);
      assert.equal(await set.getAttribute('data-status'), 'succeeded', await set.innerText());
      const setSeeds = await set.locator('figcaption .seed').allInnerTexts();
      assert.equal(setSeeds.length, 2, `both images have a seed caption: ${setSeeds}`);
      assert.match(setSeeds[0], /^Seed \d+$/);
      assert.equal(setSeeds[1], 'Seed not reported');
      assert.match((await set.locator('figcaption .seed.not-reported').getAttribute('title')) ?? '', /first image only/);
      assert.equal(await set.locator('button.rerun-seed').count(), 1, 'only the image with a known seed offers a re-run with it');
    },
  },
  {
    name: 'Open in Studio from the Explorer: the studio opens in Edit mode with the selected images as inputs',
    async run(page, { screenshot }) {
      // One image (a multi-selection depends on Explorer click timing; the Edit Image flow covers that).
      const row = await explorerRow(page, 'street.png');
      await explorerContextMenu(page, [row], ['Bailian', 'Open in Studio']);
      const studio = studioFrame(page);
      await studio.locator('#tab-edit[aria-selected="true"]').waitFor({ timeout: 60_000 });
      await studio.locator('#inputs .input').first().waitFor();
      assert.deepEqual(await inputNames(studio), ['street.png'], 'the Explorer image became the input');
      await imagesLoaded(studio.locator('#inputs'));
      await screenshot('open-in-studio-edit');

      // Pasting an image from the clipboard saves it in the workspace and adds it as the next input.
      await studio.locator('vscode-text-area#prompt').click();
      await studio.locator('body').evaluate(async (body) => {
        const win = body.ownerDocument.defaultView;
        const canvas = body.ownerDocument.createElement('canvas');
        canvas.width = 320;
        canvas.height = 240;
        const context = canvas.getContext('2d');
        context.fillStyle = '#3070c0';
        context.fillRect(0, 0, 320, 240);
        const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
        const transfer = new win.DataTransfer();
        transfer.items.add(new win.File([blob], 'clipboard.png', { type: 'image/png' }));
        body.ownerDocument.activeElement.dispatchEvent(new win.ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, composed: true }));
      });
      await studio.locator('#inputs .input').nth(1).waitFor({ timeout: 15_000 });
      assert.match((await inputNames(studio))[1], /^pasted-\d{8}-\d{6}\.png$/, 'the pasted image is saved and added last');
    },
  },
  {
    name: 'Edit: two references added with the picker, reordered, limits shown; the result card shows before and after',
    async run(page, { screenshot }) {
      const studio = await openStudio(page);
      await mode(studio, 'edit');
      await pickOption(studio, 'model', 'wan2.6-image');
      assert.match(await studio.locator('#limits').innerText(), /1–4 images.*no alpha/);
      // Start from no inputs (Open in Studio left some): remove each one.
      while ((await studio.locator('#inputs .input').count()) > 0) await studio.locator('#inputs .input').first().locator('button[aria-label="Remove"]').click();
      await pickInputs(studio, ['pattern.png', 'street.png']);
      assert.deepEqual(await inputNames(studio), ['pattern.png', 'street.png']);
      // Move the first one later: the order is what the prompt calls image 1 and image 2.
      await studio.locator('#inputs .input').first().locator('button[aria-label="Move later"]').click();
      assert.deepEqual(await inputNames(studio), ['street.png', 'pattern.png']);
      await screenshot('edit-two-references-reordered');
      await typePrompt(page, studio, 'Paint the pattern of image 2 onto the sky of image 1');
      await pickOption(studio, 'count', '1');
      await studio.locator('vscode-button#run:not([disabled])').click();
      const card = await finishedCard(studio);
      assert.equal(await card.getAttribute('data-status'), 'succeeded', await card.innerText());
      await card.locator('.before-after .thumbs img').nth(1).waitFor();
      assert.equal(await card.locator('figure.result').count(), 1);
      await imagesLoaded(card);
      await card.scrollIntoViewIfNeeded();
      await screenshot('edit-before-after');
      // The large view puts the inputs beside the result.
      await card.locator('figure.result img').first().click();
      const large = studio.locator('#large-view');
      await large.locator('.large-before img').nth(1).waitFor();
      await imagesLoaded(large);
      await screenshot('edit-large-view-before-after');
      await page.keyboard.press('Escape');
      await large.waitFor({ state: 'detached' });

      // "Use as Reference" puts a result back into the inputs.
      await card.locator('button.use-reference').first().click();
      await studio.locator('#tab-edit[aria-selected="true"]').waitFor();
      assert.equal((await inputNames(studio)).length, 3, 'the result joined the inputs');
    },
  },
  {
    name: 'Translate: only valid language pairs, a terminology row saved to the glossary, the translated copy in a card',
    async run(page, { screenshot, theme, workspace }) {
      // Each theme's run adds its own term; the table starts with what the glossary already holds.
      const [term, translation] = theme === 'dark' ? ['通义', 'Tongyi'] : ['千问', 'Qwen'];
      const studio = await openStudio(page);
      await mode(studio, 'translate');
      await pickInputs(studio, ['sunset.png']);
      await pickOption(studio, 'source-lang', 'ja');
      const targets = await studio.locator('vscode-dropdown#target-lang vscode-option').evaluateAll((options) => options.map((o) => o.getAttribute('value')));
      assert.deepEqual(targets.sort(), ['en', 'zh'], `from Japanese only Chinese or English: ${targets}`);
      await pickOption(studio, 'source-lang', 'zh');
      await pickOption(studio, 'target-lang', 'en');
      await studio.locator('vscode-button#add-term').click();
      const row = studio.locator('#terms tbody tr').last();
      await row.locator('vscode-text-field.term-src').click();
      await page.keyboard.type(term);
      await row.locator('vscode-text-field.term-tgt').click();
      await page.keyboard.type(translation);
      const terms = await studio.locator('#terms tbody tr').count();
      await studio.locator('vscode-button#save-glossary').click();
      await studio.locator('#notice', { hasText: 'glossary.txt' }).waitFor({ timeout: 15_000 });
      const glossary = readFileSync(join(workspace, '.bailian', 'glossary.txt'), 'utf8');
      assert.match(glossary, new RegExp(`^${term}\\s*(=|\\t)\\s*${translation}$`, 'm'), glossary);
      await studio.locator('vscode-text-field#domain-hint').click();
      await page.keyboard.type('travel poster');
      await screenshot('translate-with-terminology');
      await studio.locator('vscode-button#run:not([disabled])').click();
      const card = await finishedCard(studio);
      assert.equal(await card.getAttribute('data-status'), 'succeeded', await card.innerText());
      assert.match(await card.locator('.card-params').innerText(), new RegExp(`zh → en · Terminology ${terms}`));
      assert.match(await card.locator('figcaption .path').first().innerText(), /sunset\.en(-\d+)?\.jpg/);
      await imagesLoaded(card);
      await card.scrollIntoViewIfNeeded();
      await screenshot('translate-result');
    },
  },
  {
    name: 'Illustrated guide: text and pictures stream into the card, Stop keeps what arrived, the guide is saved as Markdown',
    async run(page, { screenshot, sim, workspace }) {
      const studio = await openStudio(page);
      await mode(studio, 'guide');
      await typePrompt(page, studio, 'A three step guide to folding a paper crane');
      await pickOption(studio, 'max-images', '3');
      // A slow stream (one event every 250 ms, a few seconds per section): Stop lands mid-stream.
      const restoreTiming = sim.setTiming({ streamEventMs: 250 });
      let card;
      let arrived;
      try {
        await studio.locator('vscode-button#run:not([disabled])').click();
        card = studio.locator('article.card').first();
        // The first picture lands in place, after the text before it.
        await card.locator('.guide figure.result img').first().waitFor({ timeout: 60_000 });
        await imagesLoaded(card.locator('.guide figure.result').first());
        assert.equal(await card.getAttribute('data-status'), 'running');
        await card.scrollIntoViewIfNeeded();
        await screenshot('guide-mid-stream');
        await card.locator('vscode-button.cancel', { hasText: 'Stop' }).click();
        await finishedCard(studio);
        arrived = await card.locator('.guide').innerText();
      } finally {
        restoreTiming();
      }
      const status = await card.getAttribute('data-status');
      assert.equal(status, 'stopped', `Stop ends the stream mid-way: ${await card.innerText()}`);
      assert.match(await card.locator('.card-text').innerText(), /Stopped/i);
      assert.ok((await card.locator('.guide figure.result').count()) < 3, 'stopped before the last picture');
      assert.ok((await card.locator('.guide .guide-text').count()) > 0, 'the text that arrived is kept');
      // "Stopped. Everything that arrived is kept in generated-images/…-guide-….md."
      const documentName = /kept in (\S+-guide-\S*\.md)/.exec(await card.locator('.card-text').innerText())?.[1];
      assert.ok(documentName, `the card names the saved document: ${await card.locator('.card-text').innerText()}`);
      await imagesLoaded(card);
      await card.scrollIntoViewIfNeeded();
      await screenshot('guide-after-stop');
      // The same guide in the workspace: every picture of the card linked, marked incomplete, and nothing arrived after Stop.
      const markdown = readFileSync(join(workspace, documentName), 'utf8');
      assert.equal((markdown.match(/!\[[^\]]*\]\([^)]+\)/g) ?? []).length, await card.locator('.guide figure.result').count(), markdown);
      assert.match(markdown, /Incomplete:\*\* stopped before the model finished/);
      assert.equal(await card.locator('.guide').innerText(), arrived, 'nothing arrived after Stop');
      await card.locator('vscode-button.open-document').click();
      await page.locator('.tabs-container .tab', { hasText: '.md' }).first().waitFor({ timeout: 30_000 });

      // A stream that breaks off midway: what arrived stays in the card and the document, with the error inline.
      await page.locator('.tabs-container .tab', { hasText: 'Bailian Studio' }).click();
      const again = studioFrame(page);
      await again.locator('vscode-button#run').waitFor({ state: 'visible', timeout: SHOWN_AGAIN_MS });
      sim.faults.add({ model: 'wan2.6-image', kind: 'resetMidStream', afterEvents: 4, times: 1 });
      await again.locator('vscode-button#run:not([disabled])').click();
      const broken = await finishedCard(again);
      assert.equal(await broken.getAttribute('data-status'), 'failed', await broken.innerText());
      assert.match(await broken.locator('.card-text').innerText(), /broke off; everything that arrived is kept in .*guide-.*\.md/);
      assert.ok((await broken.locator('.guide .guide-text').count()) > 0, 'the text before the break is kept');
      await broken.locator('.error').waitFor();
      await broken.scrollIntoViewIfNeeded();
      await screenshot('guide-stream-broke-off');
    },
  },
  {
    name: 'History with 1,000 more entries: listed in chunks (50 rows, more on scroll), searched across all of them',
    // A measurement of the list, not of its colours (and a second run would add another 1,000).
    themes: ['light'],
    async run(page, { screenshot }) {
      let studio = await openStudio(page);
      // The sandbox workspace, found from the thumbnail of a job the earlier flows made.
      await studio.locator('#tab-history').click();
      const thumb = studio.locator('#history-list img.history-thumb').first();
      await thumb.waitFor({ timeout: 30_000 });
      const src = (await thumb.getAttribute('src')) ?? '';
      const workspace = /^(.*?\/workspace)\/generated-images\//.exec(decodeURIComponent(new URL(src).pathname))?.[1];
      assert.ok(workspace && existsSync(join(workspace, '.bailian', 'history.jsonl')), `the workspace of ${src}`);
      const manifest = join(workspace, '.bailian', 'history.jsonl');
      const real = readFileSync(manifest, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
      const output = real.find((entry) => entry.outputs?.length)?.outputs[0];
      const lines = Array.from({ length: 1000 }, (_, i) => {
        const started = new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString();
        return JSON.stringify({
          version: 1, id: `bulk-${i}`, kind: 'generate', source: 'cli', model: 'wan2.2-t2i-flash', prompt: `Bulk prompt number ${i}`,
          size: '1024*1024', n: 1, seed: i, parameters: { size: '1024*1024', n: 1, seed: i }, inputs: [], outputs: output ? [output] : [],
          started, finished: started, durationMs: 1000, outcome: 'succeeded',
        });
      });
      appendFileSync(manifest, `${lines.join('\n')}\n`);
      // Lines written by another process (the CLI does this) show the next time the history is read: after a tab switch.
      await runCommand(page, 'File: New Untitled Text File');
      await page.locator('.tabs-container .tab.active', { hasText: 'Untitled' }).waitFor();
      await page.locator('.tabs-container .tab', { hasText: 'Bailian Studio' }).click();
      studio = studioFrame(page);
      await studio.locator('#tab-history[aria-selected="true"]').waitFor({ timeout: SHOWN_AGAIN_MS });
      const count = studio.locator('#history-count');
      await count.filter({ hasText: `of ${real.length + 1000} jobs` }).waitFor({ timeout: 30_000 });
      const rows = studio.locator('#history-list .history-item');
      assert.equal(await rows.count(), 50, 'the first chunk only');
      await rows.last().scrollIntoViewIfNeeded();
      await studio.locator('#history-list .history-item:nth-child(51)').waitFor({ timeout: 10_000 });
      assert.ok((await rows.count()) <= 150, 'scrolling adds a chunk, not everything');
      await screenshot('history-1000-entries');
      await studio.locator('vscode-text-field#history-search').click();
      await page.keyboard.type('number 999');
      await count.filter({ hasText: `1 of ${real.length + 1000} jobs` }).waitFor();
      // textContent: rows are `content-visibility: auto`, whose innerText is empty until laid out.
      assert.match((await rows.first().textContent()) ?? '', /Bulk prompt number 999/);
      // Leave the search empty for the next flow.
      await page.keyboard.press('Control+A');
      await page.keyboard.press('Backspace');
    },
  },
  {
    name: 'History: past jobs listed from the manifest, searchable; Reuse Settings fills the form',
    async run(page, { screenshot }) {
      const studio = await openStudio(page);
      await studio.locator('#tab-history').click();
      const items = studio.locator('#history-list .history-item');
      await items.first().waitFor({ timeout: 30_000 });
      await studio.locator('vscode-text-field#history-search').click();
      await page.keyboard.type('West Lake');
      // The list is redrawn per keystroke: wait for the search to have narrowed it ("N of M", N ≠ M),
      // then read it (by textContent: rows are `content-visibility: auto`, whose innerText is empty
      // until they are laid out; that once failed this flow).
      const count = studio.locator('#history-count');
      await count.filter({ hasText: /^(\d+) of (?!\1 jobs)\d+ jobs$/ }).waitFor();
      const match = items.filter({ hasText: 'West Lake' }).first();
      await match.waitFor();
      const [shown, all] = ((await count.textContent()) ?? '').match(/\d+/g)?.map(Number) ?? [];
      assert.ok(shown >= 1 && shown < all, `the search narrows the list (${shown} of ${all})`);
      assert.equal(await items.count(), Math.min(shown, 50), 'only the matches are listed (in chunks of 50)');
      await imagesLoaded(match);
      await screenshot('history-search');
      await match.locator('vscode-button.reuse').click();
      await studio.locator('#tab-generate[aria-selected="true"]').waitFor();
      assert.equal(await studio.locator('vscode-text-area#prompt').evaluate((el) => el.value), 'A red lantern over a misty West Lake at dawn');
      assert.match(await studio.locator('vscode-text-field#seed').evaluate((el) => el.value), /^\d+$/, 'the seed is reused');
      assert.equal(await studio.locator('vscode-dropdown#model').evaluate((el) => el.value), 'wan2.5-t2i-preview');
      assert.equal(await studio.locator('vscode-dropdown#size').evaluate((el) => el.value), '1104*1472');
      await screenshot('history-reused');
    },
  },
  {
    name: 'Errors: a refused key shows inline with its code and request id, and Set API Key opens the key prompt',
    async run(page, { screenshot, sim }) {
      // Store a key the simulator refuses, for the custom region the tests use.
      await runCommand(page, 'Bailian: Set API Key');
      await pickQuickItem(page, 'Custom base URL', { hint: 'Which region' });
      await answerKey(page, 'sk-sim-not-a-valid-key');
      try {
        const studio = await openStudio(page);
        await mode(studio, 'generate');
        await pickOption(studio, 'model', 'z-image-turbo');
        await typePrompt(page, studio, 'A lantern that never gets made');
        await studio.locator('vscode-button#run:not([disabled])').click();
        const card = await finishedCard(studio);
        assert.equal(await card.getAttribute('data-status'), 'failed');
        const error = card.locator('.error');
        assert.match(await error.locator('.error-message').innerText(), /InvalidApiKey/);
        await error.locator('.request-id').first().waitFor();
        await card.scrollIntoViewIfNeeded();
        await screenshot('error-invalid-key-inline');
        await error.locator('vscode-button.action-setApiKey').click();
        // The same command as the notification's button: it asks for the region, then the key.
        await pickQuickItem(page, 'Custom base URL', { hint: 'Which region' });
      } finally {
        await page.keyboard.press('Escape').catch(() => undefined);
        await runCommand(page, 'Bailian: Set API Key');
        await pickQuickItem(page, 'Custom base URL', { hint: 'Which region' });
        await answerKey(page, sim.keys.beijing);
      }
    },
  },
  {
    name: 'Themes: a result card in Dark Modern and in High Contrast (the other flows run in light, then again in dark)',
    // It switches themes itself, through the picker.
    themes: ['light'],
    async run(page, { screenshot }) {
      try {
        for (const theme of ['Dark Modern', 'Dark High Contrast']) {
          await pickTheme(page, theme);
          const studio = await openStudio(page);
          await mode(studio, 'generate');
          await pickOption(studio, 'model', 'z-image-turbo');
          await typePrompt(page, studio, `A paper crane on a desk (${theme})`);
          await studio.locator('vscode-button#run:not([disabled])').click();
          const card = await finishedCard(studio);
          assert.equal(await card.getAttribute('data-status'), 'succeeded', await card.innerText());
          await imagesLoaded(card);
          await screenshot(`theme-${theme}-form`);
          await card.scrollIntoViewIfNeeded();
          await screenshot(`theme-${theme}-card`);
        }
      } finally {
        await page.keyboard.press('Escape').catch(() => undefined);
        await pickTheme(page, 'Light Modern');
      }
    },
  },
];
