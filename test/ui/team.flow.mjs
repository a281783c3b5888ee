// UI flows for the studio's team features: a preset saved from a card, picked again with its
// blank filled and run; three models compared in one card, one column kept as a preset. Run by
// test/runner/run-ui.mjs (BAILIAN_UI_FLOWS=team runs only these) against code-server and the simulator.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { finishedCard, imagesLoaded, mode, openStudio, pickOption, typePrompt } from './lib/studio.mjs';
import { answerInput, pickQuickItem } from './lib/workbench.mjs';

/** Answers Save as Preset's questions: the name, the template (kept when undefined) and where. */
async function answerSavePreset(page, { name, template, where }) {
  await answerInput(page, name, { hint: 'Name of the preset' });
  await page.locator('.quick-input-widget', { hasText: 'prompt template' }).waitFor();
  if (template !== undefined) await answerInput(page, template);
  else await page.keyboard.press('Enter');
  await pickQuickItem(page, where, { hint: 'Where to save' });
}

export const flows = [
  {
    name: 'Presets: save a preset from a card with a {subject} blank, pick it again, an empty blank is refused inline, fill it and run',
    async run(page, { screenshot, workspace }) {
      const studio = await openStudio(page);
      await mode(studio, 'generate');
      await pickOption(studio, 'model', 'wan2.6-t2i');
      await typePrompt(page, studio, 'A red teapot on a white table, soft light');
      await page.keyboard.press('Control+Enter');
      const card = await finishedCard(studio);
      assert.equal(await card.getAttribute('data-status'), 'succeeded', await card.innerText());

      await card.locator('.save-preset').click();
      await answerSavePreset(page, { name: 'Teapot shot', template: 'A red {subject} on a white table, soft light', where: 'Workspace:' });
      await studio.locator('#notice', { hasText: 'Saved preset "Teapot shot"' }).waitFor();
      const file = JSON.parse(readFileSync(join(workspace, '.bailian', 'presets.json'), 'utf8'));
      const saved = file.presets.find((p) => p.name === 'Teapot shot');
      assert.equal(saved.model, 'wan2.6-t2i');
      assert.equal(saved.prompt, 'A red {subject} on a white table, soft light');

      // The picker lists it as shared; picking it fills the form and asks for the blank.
      await studio.locator('vscode-dropdown#preset').waitFor();
      await pickOption(studio, 'preset', 'Teapot shot');
      const blank = studio.locator('vscode-text-field#blank-subject');
      await blank.waitFor();
      assert.equal((await studio.locator('vscode-dropdown#preset vscode-option[value="Teapot shot"]').innerText()).trim(), 'Teapot shot (shared)');
      await studio.locator('#problems li', { hasText: 'Fill in {subject}' }).waitFor();
      assert.equal(await studio.locator('vscode-button#run').getAttribute('disabled'), '', 'an empty blank holds the run back');
      await screenshot('preset picked, blank empty');

      await blank.click();
      await page.keyboard.type('kettle');
      await studio.locator('#problems li', { hasText: 'Fill in' }).waitFor({ state: 'detached' });
      await studio.locator('vscode-button#run:not([disabled])').click();
      const second = studio.locator('article.card').first();
      await second.locator('.card-prompt', { hasText: 'A red kettle on a white table' }).waitFor();
      const done = await finishedCard(studio);
      assert.equal(await done.getAttribute('data-status'), 'succeeded', await done.innerText());
      await imagesLoaded(done);
      await screenshot('preset run with its blank filled');
      // The history line names the preset and its blank.
      const lines = readFileSync(join(workspace, '.bailian', 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const last = lines.filter((l) => l.prompt === 'A red kettle on a white table, soft light').at(-1);
      assert.deepEqual(last?.preset, { name: 'Teapot shot', blanks: { subject: 'kettle' } });
    },
  },
  {
    name: 'Compare: three models in one card, a column each with its own size, time and estimate; Keep as Preset on one column',
    async run(page, { screenshot, workspace }) {
      const studio = await openStudio(page);
      await mode(studio, 'generate');
      await pickOption(studio, 'model', 'wan2.6-t2i');
      await typePrompt(page, studio, 'A paper lantern festival by a river at night');
      await studio.locator('details#compare summary').click();
      for (const id of ['qwen-image-plus', 'wan2_6-t2i', 'wan2_2-t2i-flash']) await studio.locator(`vscode-checkbox#compare-${id}`).click();
      await studio.locator('vscode-button#compare-run:not([disabled])').waitFor();
      const sizes = await studio.locator('.compare-size').allInnerTexts();
      assert.equal(sizes.filter(Boolean).length, 3, `each ticked model shows its size: ${sizes.join(' | ')}`);
      await studio.locator('details#compare').scrollIntoViewIfNeeded();
      await screenshot('compare ticks with sizes');

      await studio.locator('vscode-button#compare-run').click();
      const card = await finishedCard(studio);
      assert.equal(await card.getAttribute('data-status'), 'succeeded', await card.innerText());
      const columns = card.locator('.compare-column');
      assert.equal(await columns.count(), 3);
      for (let i = 0; i < 3; i++) {
        const column = columns.nth(i);
        assert.match(await column.getAttribute('class'), /status-succeeded/, await column.innerText());
        assert.match(await column.locator('.card-params').innerText(), /estimate: .*(CNY|price unknown)/);
        assert.match(await column.locator('.card-params').innerText(), /s to result/);
        assert.ok((await column.locator('figure.result').count()) >= 1);
      }
      assert.deepEqual(await columns.evaluateAll((nodes) => nodes.map((n) => n.dataset.model)), ['qwen-image-plus', 'wan2.6-t2i', 'wan2.2-t2i-flash']);
      await imagesLoaded(card);
      await card.scrollIntoViewIfNeeded();
      await screenshot('compare card with three columns');

      await columns.nth(2).locator('.keep-preset').click();
      await answerSavePreset(page, { name: 'Lantern flash', where: 'Workspace:' });
      await studio.locator('#notice', { hasText: 'Saved preset "Lantern flash"' }).waitFor();
      const file = JSON.parse(readFileSync(join(workspace, '.bailian', 'presets.json'), 'utf8'));
      const kept = file.presets.find((p) => p.name === 'Lantern flash');
      assert.equal(kept.model, 'wan2.2-t2i-flash');
      assert.equal(kept.prompt, 'A paper lantern festival by a river at night');
      await studio.locator('vscode-dropdown#preset').scrollIntoViewIfNeeded();
      await screenshot('compare column kept as preset');
    },
  },
];
