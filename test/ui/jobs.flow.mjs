// UI flows for jobs as a person lives them: an async task that outlives its extension host
// (Developer: Reload Window in the middle of the run), and the cost estimate before a
// run of several images with the confirmation above bailian.costConfirmThreshold (default 2 CNY).
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { answerInput, notification, pickQuickItem, runCommand, whenExtensionsLoaded } from './lib/workbench.mjs';

/** The sandbox workspace's history manifest, one object per line ([] before the first job). */
function history(workspace) {
  const file = join(workspace, '.bailian', 'history.jsonl');
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)) : [];
}

/** The files in generated-images whose names contain `text`. */
function generated(workspace, text) {
  const folder = join(workspace, 'generated-images');
  return existsSync(folder) ? readdirSync(folder).filter((name) => name.includes(text)) : [];
}

/** Generate Image… from the palette up to the seed question (answered empty). */
async function generateFromPalette(page, { prompt, model, count }) {
  await runCommand(page, 'Bailian: Generate Image…');
  await answerInput(page, prompt, { hint: 'Describe the image' });
  await pickQuickItem(page, model, { hint: 'text-to-image model' });
  await page.locator('.quick-input-widget input[placeholder*="Image size"]').waitFor();
  await page.keyboard.press('Enter'); // the default size
  if (count) await pickQuickItem(page, count, { hint: 'Number of images' });
  await answerInput(page, '', { hint: 'Seed' });
}

/** @type {{ name: string, run: (page: import('playwright-core').Page, context: any) => Promise<void> }[]} */
export const flows = [
  {
    name: 'Jobs: an async task survives a window reload (a new extension host) mid-run; its image is saved afterwards and recorded in the history',
    async run(page, { screenshot, sim, workspace }) {
      // A task that stays RUNNING for 12 s (absolute, whatever the time scale): long enough to restart under it.
      sim.setTiming({ pendingMs: 300, runningMs: 12_000 });
      const prompt = 'A lighthouse that outlives a restart';
      const before = history(workspace).length;
      await whenExtensionsLoaded(page);
      await generateFromPalette(page, { prompt, model: 'wan2.2-t2i-flash', count: '1 image' });
      // The progress notification counts the seconds of a RUNNING task: it was submitted and persisted.
      await notification(page, 'Generating (', { timeout: 30_000 });
      await screenshot('restart-task-running');
      const submittedAt = Date.now();

      // code-server has no "Developer: Restart Extension Host" (the web workbench only reloads,
      // as VS Code itself does for a remote window): a window reload ends this extension host
      // and starts a new one, which resumes the task and saves its image into the same folder.
      await runCommand(page, 'Developer: Reload Window');
      await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
      const saved = await notification(page, 'A task from before the reload', { timeout: 60_000 });
      assert.match(await saved.innerText(), /Saved generated-images\/.*lighthouse.*\.png/);
      assert.ok(Date.now() - submittedAt < 12_000 + 30_000, 'saved when the task ended, not by a later run');
      await screenshot('restart-task-saved-after-restart');

      const files = generated(workspace, 'lighthouse-that-outlives');
      assert.equal(files.length, 1, `one image saved: ${files}`);
      const entries = history(workspace).slice(before);
      assert.equal(entries.length, 1, `one history line for the job: ${JSON.stringify(entries)}`);
      const [entry] = entries;
      assert.equal(entry.model, 'wan2.2-t2i-flash');
      assert.equal(entry.prompt, prompt);
      assert.equal(entry.outcome, 'succeeded');
      assert.match(entry.taskId, /^[0-9a-f-]{36}$/);
      assert.deepEqual(entry.outputs.map((o) => o.path), [`generated-images/${files[0]}`]);
      // The task the history names is the one the service ran, once.
      assert.equal(sim.tasks.get(entry.taskId)?.status, 'SUCCEEDED');
    },
  },
  {
    name: 'Cost: the estimate shows before a run of several images; above the threshold a dialog asks, and Cancel sends nothing',
    async run(page, { screenshot, workspace }) {
      await whenExtensionsLoaded(page);
      // qwen-image-2.0-pro lists 0.50 CNY per image in Beijing: 2 images stay under the 2 CNY threshold.
      await generateFromPalette(page, { prompt: 'A pair of paper cranes', model: 'qwen-image-2.0-pro', count: '2 images' });
      const estimate = page.locator('.statusbar-item', { hasText: 'Bailian: 2 images' }).first();
      await estimate.waitFor({ timeout: 10_000 });
      assert.match(await estimate.innerText(), /2 images, ≈ CNY 1\.00 \(estimate from list prices, \d{4}-\d{2}-\d{2}\)/);
      await screenshot('cost-estimate-in-status-bar');
      await notification(page, 'Saved 2 images');

      // Six images, 3.00 CNY: above the threshold, so a dialog asks first.
      const jobsBefore = history(workspace).length;
      const filesBefore = generated(workspace, 'six-paper-cranes').length;
      await generateFromPalette(page, { prompt: 'Six paper cranes', model: 'qwen-image-2.0-pro', count: '6 images' });
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ timeout: 10_000 });
      assert.match(await dialog.innerText(), /This generation will make 6 images, ≈ CNY 3\.00 \(estimate from list prices, \d{4}-\d{2}-\d{2}\)\./);
      assert.match(await dialog.innerText(), /bailian\.costConfirmThreshold \(2\)/);
      await screenshot('cost-threshold-dialog');
      await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
      await dialog.waitFor({ state: 'hidden' });

      // The same again, confirmed: one job, six images. Had the cancelled one sent anything, it
      // would have left its own history line (every job, cancelled ones included, writes one).
      await generateFromPalette(page, { prompt: 'Six paper cranes', model: 'qwen-image-2.0-pro', count: '6 images' });
      await dialog.waitFor({ timeout: 10_000 });
      await dialog.locator('.monaco-button', { hasText: 'Continue' }).click();
      await notification(page, 'Saved 6 images', { timeout: 60_000 });
      const jobs = history(workspace).slice(jobsBefore);
      assert.equal(jobs.length, 1, `one job after Cancel then Continue: ${JSON.stringify(jobs.map((j) => [j.prompt, j.outcome]))}`);
      assert.equal(jobs[0].produced, 6);
      assert.equal(generated(workspace, 'six-paper-cranes').length - filesBefore, 6);
    },
  },
];
