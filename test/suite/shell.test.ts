// The studio's early page (src/studio/shell.ts): the saved static part of `init` that lets the
// activation shim open the studio before dist/services.js loads, and the panel it opens, which
// keeps what its page says until the studio takes it over. (The whole way, from "Open Studio"
// right after a window opened to a generated image, is a UI flow: test/ui/studio.flow.mjs.)
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { studioStaticInit } from '../../src/studio/strings';
import { EarlyStudio, StaticInitCache, createStudioWebviewPanel, showStudioIconSoon } from '../../src/studio/shell';
import { EXTENSION_ID, withTimeout } from './workbench';

suite('Studio early page', () => {
  const extensionUri = (): vscode.Uri => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, 'the extension is installed');
    return extension.extensionUri;
  };
  let directory: string;

  setup(() => {
    directory = mkdtempSync(join(tmpdir(), 'bailian-static-init-'));
  });
  teardown(() => rmSync(directory, { recursive: true, force: true }));

  test('nothing is read before it was saved; then what was saved, under the bundle, language and translations of now', () => {
    const cache = new StaticInitCache(directory, extensionUri());
    assert.equal(cache.read(), undefined);
    const value = studioStaticInit();
    cache.save(value);
    assert.deepEqual(cache.read(), value);
    const services = statSync(vscode.Uri.joinPath(extensionUri(), 'dist', 'services.js').fsPath);
    const file = cache.file() ?? '';
    assert.ok(file.startsWith(join(directory, `static-init.${vscode.env.language}.${services.size}-${Math.round(services.mtimeMs)}.`)), file);
    assert.deepEqual(readdirSync(directory), [file.slice(directory.length + 1)], 'one file, no temporary left');
  });

  test("another build's file is never read, and the next save removes it", () => {
    const cache = new StaticInitCache(directory, extensionUri());
    const stale = join(directory, `static-init.${vscode.env.language}.1-2.none.json`);
    writeFileSync(stale, JSON.stringify({ ...studioStaticInit(), strings: { title: 'From an older build' } }));
    assert.equal(cache.read(), undefined);
    cache.save(studioStaticInit());
    assert.throws(() => statSync(stale), /ENOENT/);
    assert.ok(cache.read());
  });

  test('a truncated or foreign file is not used', () => {
    const cache = new StaticInitCache(directory, extensionUri());
    const file = cache.file();
    assert.ok(file);
    for (const text of ['{"type":"init","strings":{', '{"type":"job","strings":{},"models":[],"languages":{}}', 'null', '[]']) {
      writeFileSync(file, text);
      assert.equal(cache.read(), undefined, text);
    }
  });

  test('a folder that cannot be made costs nothing but the cache', () => {
    const blocker = join(directory, 'a-file');
    writeFileSync(blocker, '');
    const cache = new StaticInitCache(join(blocker, 'studio-page'), extensionUri());
    assert.doesNotThrow(() => cache.save(studioStaticInit()));
    assert.equal(cache.read(), undefined);
  });

  test("the early page's ready is kept, in order, and handed over with the panel", async () => {
    const panel = createStudioWebviewPanel(extensionUri());
    try {
      let spoke!: () => void;
      const firstMessage = new Promise<void>((resolve) => (spoke = resolve));
      const early = new EarlyStudio(panel, extensionUri(), studioStaticInit(), () => spoke());
      assert.match(panel.webview.html, /<script type="application\/json" id="bootstrap">/);
      // Setting an icon restyles the workbench: it must not hold back the page's first paint.
      assert.equal(panel.iconPath, undefined, 'no icon while the page loads');
      await withTimeout(firstMessage, 60_000, 'the early page to speak');
      // Scheduled when the page spoke: the same promise for every later caller.
      await withTimeout(showStudioIconSoon(panel, extensionUri()), 10_000, 'the icon after the page spoke');
      assert.match(String(panel.iconPath), /media\/icon\.svg$/);
      const handOver = early.handOver();
      assert.ok(handOver);
      assert.equal(handOver.panel, panel);
      assert.deepEqual(handOver.messages[0], { type: 'ready' });
      // Handed over once: nothing is kept for a second taker.
      assert.deepEqual(early.handOver()?.messages, []);
    } finally {
      panel.dispose();
    }
  });

  test('closing a studio before its icon came settles the wait at once (no icon is set on a closed panel)', async () => {
    const panel = createStudioWebviewPanel(extensionUri());
    const shown = showStudioIconSoon(panel, extensionUri());
    panel.dispose();
    // Settled by the close itself (onDidDispose fires in dispose), not by the icon's timer.
    const settled = await Promise.race([shown.then(() => 'settled'), new Promise((resolve) => setImmediate(() => resolve('pending')))]);
    assert.equal(settled, 'settled');
  });

  test('an early studio the user closed hands nothing over', () => {
    const panel = createStudioWebviewPanel(extensionUri());
    const early = new EarlyStudio(panel, extensionUri(), studioStaticInit(), () => undefined);
    panel.dispose();
    assert.equal(early.handOver(), undefined);
  });
});
