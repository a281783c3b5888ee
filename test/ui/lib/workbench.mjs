// Workbench helpers for the UI flows: the command palette, quick picks, the Explorer and its
// context menu, editors and notifications, as a person uses them (keyboard and mouse).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The extension's log in the newest extension host (each window has its own, numbered in the
 * order they started: logs/<session>/exthost<N>/<extension id>/), once the services have made it.
 */
export function newestExtensionLog(userDataDir) {
  const logs = join(userDataDir, 'logs');
  const session = existsSync(logs) ? readdirSync(logs).sort().at(-1) : undefined;
  if (!session) return '';
  const hosts = readdirSync(join(logs, session)).map((name) => Number(/^exthost(\d+)$/.exec(name)?.[1])).filter((n) => n > 0);
  const file = join(logs, session, `exthost${Math.max(...hosts)}`, 'bailian-image-studio.bailian-image-studio', 'Bailian Image Studio.log');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

/**
 * Runs a command from the command palette (F1) by its title. The palette lists only commands
 * known when it opened, and the extension host registers ours a moment after the workbench
 * appears, so reopen the palette until the command shows up (or `timeoutMs` passes).
 */
export async function runCommand(page, title, { timeoutMs = 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) }).first();
  for (;;) {
    await page.keyboard.press('F1');
    const opened = await input.waitFor({ state: 'visible', timeout: 5_000 }).then(() => true, () => false);
    if (!opened) {
      // Keys typed into a webview that keeps focus (an image preview after a dialog closed) may not
      // reach the workbench: click the side bar's title, as a person would, and press F1 again.
      await page.locator('.part.sidebar .composite.title').first().click();
      await page.keyboard.press('F1');
      await input.waitFor({ state: 'visible' });
    }
    try {
      // The palette closes when something else takes the focus (a webview that just loaded): then try again.
      await input.fill(`>${title}`, { timeout: 5_000 });
      await row.waitFor({ state: 'visible', timeout: 3_000 });
      await row.click();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`"${title}" never appeared in the command palette`, { cause: error });
      await page.keyboard.press('Escape');
      await input.waitFor({ state: 'hidden' });
    }
  }
}

/** Waits for a quick pick whose placeholder or title contains `hint`, then picks the row with `label`. */
export async function pickQuickItem(page, label, { hint } = {}) {
  const widget = page.locator('.quick-input-widget');
  await widget.waitFor({ state: 'visible' });
  if (hint) await page.locator('.quick-input-widget', { hasText: hint }).or(page.locator(`.quick-input-widget input[placeholder*="${hint}"]`)).first().waitFor({ state: 'visible' });
  const input = page.locator('.quick-input-widget input');
  await input.fill(label);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first();
  await row.waitFor({ state: 'visible' });
  await row.click();
}

/** Types into the quick input box (an input box step) and presses Enter. */
export async function answerInput(page, text, { hint } = {}) {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  if (hint) await page.locator('.quick-input-widget', { hasText: hint }).first().waitFor({ state: 'visible' });
  await input.fill(text);
  await page.keyboard.press('Enter');
}

/**
 * Activation times (ms) from the Running Extensions editor ("Developer: Show Running Extensions"),
 * once every extension of `extensions` has activated; each is named by its id and display name
 * (the editor shows either). The editor stays open. On a timeout, `screenshot` is where the
 * editor's picture goes.
 */
export async function activationTimesOf(page, extensions, { timeoutMs = 60_000, screenshot } = {}) {
  await runCommand(page, 'Developer: Show Running Extensions');
  let seen = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await page.locator('.runtime-extensions-editor .extension').evaluateAll((elements) =>
      elements.map((e) => ({ name: e.querySelector('.name')?.textContent ?? '', time: e.querySelector('.activation-time')?.textContent ?? '' })),
    );
    seen = rows;
    const times = extensions.map((names) => {
      const m = /Activation: (\d+(?:\.\d+)?)ms/.exec(rows.find((r) => names.includes(r.name.trim()))?.time ?? '');
      return m ? Number(m[1]) : undefined;
    });
    if (times.every((t) => t !== undefined)) return times;
    if (Date.now() > deadline) {
      if (screenshot) await page.screenshot({ path: screenshot }).catch(() => undefined);
      throw new Error(`not every extension activated in Running Extensions within ${timeoutMs / 1000} s; rows seen: ${JSON.stringify(seen.slice(0, 80))}${screenshot ? ` (screenshot ${screenshot})` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Waits until the extension host has loaded the extensions (our commands are in the palette). */
export async function whenExtensionsLoaded(page, { timeoutMs = 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  const input = page.locator('.quick-input-widget input');
  for (;;) {
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible' });
    await input.fill('>Bailian: Open Studio');
    const found = await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Bailian: Open Studio' }).first().waitFor({ state: 'visible', timeout: 3_000 }).then(() => true, () => false);
    await page.keyboard.press('Escape');
    await input.waitFor({ state: 'hidden' });
    if (found) return;
    if (Date.now() > deadline) throw new Error('the extension never registered its commands');
  }
}

/** Shows the Explorer (once the extensions are loaded) and returns the row of a file (by its name). */
export async function explorerRow(page, name, { show = true } = {}) {
  if (show) {
    await whenExtensionsLoaded(page);
    await runCommand(page, 'View: Show Explorer');
  }
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  return row;
}

/**
 * Right-clicks Explorer rows (the first one clicked, the others ctrl-clicked) and opens `submenu` → `item`.
 * `whileOpen` runs with the whole menu path open and the item hovered, just before it is chosen.
 */
export async function explorerContextMenu(page, rows, path, { whileOpen } = {}) {
  // A context menu is built from the context keys of the moment it opens; VS Code 1.139 has been
  // seen to open one before isWorkspaceTrusted had settled after a selection change, without the
  // items that need it. Such a menu is closed and opened again (three tries), never worked around.
  for (let attempt = 1; ; attempt++) {
    await rows[0].click();
    for (const row of rows.slice(1)) await row.click({ modifiers: ['Control'] });
    await rows.at(-1).click({ button: 'right' });
    try {
      for (const [i, label] of path.entries()) {
        const item = page.locator('.context-view .monaco-menu .action-item', { hasText: label }).last();
        await item.waitFor({ state: 'visible', timeout: attempt < 3 ? 10_000 : 30_000 });
        await item.hover();
        // VS Code's menus act on keyboard Enter reliably; a synthetic click right after hover may be ignored.
        if (i === path.length - 1) {
          await whileOpen?.();
          await page.keyboard.press('Enter');
        } else await page.keyboard.press('ArrowRight');
      }
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
      for (let i = 0; i < path.length; i++) await page.keyboard.press('Escape');
      await page.locator('.context-view .monaco-menu').waitFor({ state: 'hidden' });
    }
  }
}

/** Waits for a notification toast containing `text`. */
export async function notification(page, text, { timeout = 60_000 } = {}) {
  const toast = page.locator('.notification-toast', { hasText: text }).first();
  await toast.waitFor({ state: 'visible', timeout });
  return toast;
}

/** Waits for an editor tab whose label contains `text`. */
export async function editorTab(page, text, { timeout = 60_000 } = {}) {
  const tab = page.locator('.tabs-container .tab', { hasText: text }).first();
  await tab.waitFor({ state: 'visible', timeout });
  return tab;
}

/** Picks a color theme from "Preferences: Color Theme", making sure that is the picker that opened. */
export async function pickTheme(page, theme) {
  const picker = page.locator('.quick-input-widget input[placeholder*="Color Theme"]');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: theme }).first();
  // Right after the window loads the picker may open before the built-in themes are registered
  // (it then lists only "Browse Additional Color Themes…"), or another entry may match the
  // command's title: close it and open it again.
  for (let attempt = 1; ; attempt++) {
    await runCommand(page, 'Preferences: Color Theme');
    try {
      await picker.waitFor({ timeout: 5_000 });
      await picker.fill(theme);
      await row.waitFor({ timeout: 5_000 });
      break;
    } catch (error) {
      if (attempt === 4) {
        const rows = await page.locator('.quick-input-list .monaco-list-row').allInnerTexts();
        throw new Error(`no "${theme}" among the themes offered: ${JSON.stringify(rows)}`, { cause: error });
      }
      await page.keyboard.press('Escape');
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    }
  }
  await row.click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}
