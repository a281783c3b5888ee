// Studio helpers for the UI flows: the webview's frames, opening it, modes, the prompt, cards
// and images, as a person uses them.
import assert from 'node:assert/strict';
import { runCommand } from './workbench.mjs';

/** The studio's own DOM: two iframes below the workbench (host frame, then content frame). */
export function studioFrame(page) {
  return page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
}

/** Opens the studio from the palette and waits until the toolkit rendered the Run button. */
export async function openStudio(page) {
  await runCommand(page, 'Bailian: Open Studio');
  const studio = studioFrame(page);
  await studio.locator('vscode-button#run').waitFor({ state: 'visible', timeout: 60_000 });
  return studio;
}

/** Switches the studio to a mode tab and waits for its form. */
export async function mode(studio, name) {
  await studio.locator(`#tab-${name}`).click();
  await studio.locator(`#tab-${name}[aria-selected="true"]`).waitFor();
  await studio.locator('vscode-dropdown#model').waitFor({ state: 'visible' });
}

/** Types a prompt into the prompt area (replacing what is there). */
export async function typePrompt(page, studio, text) {
  await studio.locator('vscode-text-area#prompt').evaluate((el) => {
    el.value = '';
    el.dispatchEvent(new el.ownerDocument.defaultView.Event('input'));
  });
  await studio.locator('vscode-text-area#prompt').click();
  await page.keyboard.type(text);
}

/** The newest card, once it left the running state. */
export async function finishedCard(studio, { timeout = 90_000 } = {}) {
  await studio.locator('#cards > article.card:nth-of-type(1):not([data-status="running"])').waitFor({ timeout });
  return studio.locator('#cards > article.card').first();
}

/** Waits until every image in `scope` decoded (thumbnails are the saved files). */
export async function imagesLoaded(scope) {
  const images = scope.locator('img');
  const count = await images.count();
  for (let i = 0; i < count; i++) {
    await images.nth(i).evaluate((img) =>
      img.complete && img.naturalWidth > 0
        ? true
        : new Promise((resolve, reject) => {
            img.addEventListener('load', () => resolve(true), { once: true });
            img.addEventListener('error', () => reject(new Error(`an image failed to load: ${img.src}`)), { once: true });
          }),
    );
  }
}

/** Picks an option of a toolkit dropdown by its value, the way a user does (open, click). */
export async function pickOption(studio, id, value) {
  const dropdown = studio.locator(`vscode-dropdown#${id}`);
  await dropdown.click();
  await dropdown.locator(`vscode-option[value="${value}"]`).click();
  await studio.locator(`vscode-dropdown#${id}[current-value="${value}"]`).waitFor({ timeout: 5_000 }).catch(async () => {
    assert.equal(await dropdown.evaluate((el) => el.value), value, `${id} is ${value}`);
  });
}

/** Adds workspace images through the studio's picker, in this order. */
export async function pickInputs(studio, names) {
  await studio.locator('vscode-button#add-images').click();
  const grid = studio.locator('#picker-grid');
  for (const name of names) {
    await grid.locator('.tile', { hasText: name }).first().click();
    await grid.locator('.tile.chosen', { hasText: name }).first().waitFor();
  }
  await studio.locator('vscode-button#picker-done').click();
  await studio.locator('#picker').waitFor({ state: 'hidden' });
}
