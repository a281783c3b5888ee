// UI flow for presets in the studio's Retouch mode: its picker lists the image-operation presets
// (and only those); picking one fills the operation, its options and the prompt with its blank;
// the filled preset runs, and its card is saved as a new preset that keeps the operation. From the
// palette, a preset that paints over the image asks for its mask, and Draw a Mask in the Studio
// opens Retouch on the image with the preset picked and its blank filled. Run by
// test/runner/run-ui.mjs (BAILIAN_UI_FLOWS=presets-retouch runs only this) against code-server and the simulator.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { finishedCard, imagesLoaded, openStudio, pickOption, studioFrame } from './lib/studio.mjs';
import { answerInput, pickQuickItem, runCommand } from './lib/workbench.mjs';

const IMAGE = 'street-wide.png';

/** The presets this flow needs, added to the workspace's file (what other flows saved stays). */
function writePresets(workspace) {
  const file = join(workspace, '.bailian', 'presets.json');
  const current = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { version: 1, presets: [] };
  const mine = [
    { name: 'Street by season', mode: 'process', model: 'wanx2.1-imageedit', prompt: 'Make the street look like {season}', process: { function: 'description_edit', strength: 0.7 } },
    { name: 'Wide banner', mode: 'process', model: 'image-out-painting', process: { outputRatio: '16:9' } },
    { name: 'Plain poster', mode: 'generate', model: 'qwen-image', prompt: 'A poster of {subject}' },
    { name: 'Erase sign', mode: 'process', model: 'wanx2.1-imageedit', prompt: 'Replace the sign with {what}', process: { function: 'description_edit_with_mask' } },
  ];
  const presets = [...current.presets.filter((p) => !mine.some((m) => m.name === p.name)), ...mine];
  mkdirSync(join(workspace, '.bailian'), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ ...current, presets }, null, 2)}\n`);
}

/** A dropdown's value. */
function valueOf(studio, id) {
  return studio.locator(`vscode-dropdown#${id}`).evaluate((el) => el.value);
}

export const flows = [
  {
    name: 'Presets in Retouch: the picker lists image-operation presets only, picking one fills the operation, options and blank, it runs, and its card is saved as a preset',
    async run(page, { screenshot, workspace }) {
      writePresets(workspace);
      const studio = await openStudio(page);
      await studio.locator('#tab-retouch').click();
      await studio.locator('vscode-dropdown#retouch-operation').waitFor({ state: 'visible', timeout: 30_000 });
      await studio.locator('vscode-button#add-images').click();
      await studio.locator(`#picker-grid .tile[data-path="${IMAGE}"]`).click();
      await studio.locator(`#picker-grid .tile.chosen[data-path="${IMAGE}"]`).waitFor();
      await studio.locator('vscode-button#picker-done').click();
      await studio.locator('#picker').waitFor({ state: 'hidden' });
      await studio.locator(`#inputs .input[data-path="${IMAGE}"]`).waitFor();

      // Only the process presets are offered here.
      const picker = studio.locator('vscode-dropdown#preset');
      await picker.waitFor();
      const offered = await picker.locator('vscode-option').evaluateAll((options) => options.map((o) => o.getAttribute('value')));
      assert.ok(offered.includes('Street by season') && offered.includes('Wide banner'), offered.join(', '));
      assert.ok(!offered.includes('Plain poster'), `a generate preset is not offered in Retouch: ${offered.join(', ')}`);

      // Picking one sets the operation, its option and the prompt template; its blank is asked inline.
      await pickOption(studio, 'preset', 'Street by season');
      const blank = studio.locator('vscode-text-field#blank-season');
      await blank.waitFor();
      assert.equal(await valueOf(studio, 'retouch-operation'), 'editByDescription');
      assert.equal(await studio.locator('vscode-text-area#prompt').evaluate((el) => el.value), 'Make the street look like {season}');
      assert.equal(await studio.locator('vscode-text-field#opt-strength').evaluate((el) => el.value), '0.7');
      await studio.locator('#problems li', { hasText: 'Fill in {season}' }).waitFor();
      await studio.locator('.preset-row').scrollIntoViewIfNeeded();
      await screenshot('retouch preset picked, blank empty');

      await blank.click();
      await page.keyboard.type('winter');
      await studio.locator('#problems li', { hasText: 'Fill in' }).waitFor({ state: 'detached' });
      await studio.locator('vscode-button#run:not([disabled])').click();
      const card = await finishedCard(studio);
      assert.equal(await card.getAttribute('data-status'), 'succeeded', await card.innerText());
      await card.locator('.card-prompt', { hasText: 'Make the street look like winter' }).waitFor();
      await imagesLoaded(card);
      await card.scrollIntoViewIfNeeded();
      await screenshot('retouch preset run');
      const lines = readFileSync(join(workspace, '.bailian', 'history.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      const last = lines.filter((l) => l.prompt === 'Make the street look like winter').at(-1);
      assert.equal(last?.kind, 'process');
      assert.deepEqual(last?.preset, { name: 'Street by season', blanks: { season: 'winter' } });
      assert.deepEqual(last?.parameters.process, { function: 'description_edit', strength: 0.7 });

      // Save as Preset on the Retouch card: the operation and its options are kept, the template offered again.
      await card.locator('.save-preset').click();
      await answerInput(page, 'Winter street', { hint: 'Name of the preset' });
      await page.locator('.quick-input-widget', { hasText: 'prompt template' }).waitFor();
      assert.equal(await page.locator('.quick-input-widget input').inputValue(), 'Make the street look like {season}');
      await page.keyboard.press('Enter');
      await pickQuickItem(page, 'Workspace:', { hint: 'Where to save' });
      await studio.locator('#notice', { hasText: 'Saved preset "Winter street"' }).waitFor();
      const saved = JSON.parse(readFileSync(join(workspace, '.bailian', 'presets.json'), 'utf8')).presets.find((p) => p.name === 'Winter street');
      assert.equal(saved.mode, 'process');
      assert.equal(saved.model, 'wanx2.1-imageedit');
      assert.equal(saved.prompt, 'Make the street look like {season}');
      assert.equal(saved.process.function, 'description_edit');
      assert.equal(saved.process.strength, 0.7);
      await studio.locator(`vscode-dropdown#preset vscode-option[value="Winter street"]`).waitFor({ state: 'attached' });

      // An extend preset draws its frame around the picked image.
      await pickOption(studio, 'preset', 'Wide banner');
      await studio.locator('#extend-result', { hasText: '16:9' }).waitFor();
      assert.equal(await valueOf(studio, 'retouch-operation'), 'extend');
      assert.equal(await valueOf(studio, 'extend-ratio'), '16:9');
      await studio.locator('#extend-stage').scrollIntoViewIfNeeded();
      await screenshot('retouch extend preset picked');
    },
  },
  {
    name: 'Presets from the palette: a preset that paints over the image asks for its mask; Draw a Mask in the Studio opens Retouch with the image and the preset picked',
    async run(page, { screenshot, workspace }) {
      writePresets(workspace);
      await runCommand(page, 'Bailian: Generate from Preset…');
      await pickQuickItem(page, 'Erase sign', { hint: 'Choose a preset' });
      await answerInput(page, 'a young tree', { hint: '{what}' });
      await pickQuickItem(page, IMAGE, { hint: 'Pick the image' });
      // The mask question: drawing one in the studio first, then the workspace's PNGs at the image's size.
      await page.locator('.quick-input-widget', { hasText: 'The mask for street-wide.png' }).or(page.locator('.quick-input-widget input[placeholder*="The mask for"]')).first().waitFor();
      const first = page.locator('.quick-input-list .monaco-list-row').first();
      assert.match(await first.innerText(), /Draw a Mask in the Studio/);
      await screenshot('palette mask question');
      await first.click();

      const studio = studioFrame(page);
      const blank = studio.locator('vscode-text-field#blank-what');
      await blank.waitFor({ timeout: 60_000 });
      assert.equal(await blank.evaluate((el) => el.value), 'a young tree');
      assert.equal(await valueOf(studio, 'preset'), 'Erase sign');
      assert.equal(await valueOf(studio, 'retouch-operation'), 'inpaint');
      await studio.locator(`#inputs .input[data-path="${IMAGE}"]`).waitFor();
      await studio.locator('canvas#mask-canvas').waitFor();
      await imagesLoaded(studio.locator('#mask-painter'));
      await screenshot('retouch opened from the palette to draw the mask');
    },
  },
];
