// Benchmark (not a test): the editor figures, inside the real VS Code (code-server 4.100.3 in
// Debian's chromium, started as the integration and UI tiers start it), with an EMPTY extension
// (bench/fixtures/empty-extension) in the same window as the baseline of every figure. The empty
// extension is installed into the sandbox's extensions folder: code-server 4.100 honours only the
// last of several extensionDevelopmentPath entries, so it cannot be a second one. Both are loaded
// by the same extension host loader and activate on the same event.
//
// - activation: codeLoadingTime + activateCallTime as VS Code records them (the "Developer: Show
//   Running Extensions" editor prints exactly that sum), ours vs the empty extension's, both
//   activated onStartupFinished, the median over PAGES fresh windows (each a new extension host)
//   after one warm-up window. Target: ≤ 10 ms above the empty extension.
// - studio open: from the click on "Bailian: Open Studio" in the palette to the studio's prompt box
//   (the plain text area of the first paint, or the toolkit's) visible inside its webview frames,
//   vs the same from "Bench: Open Empty Webview Panel" to its textarea, timed in the page on every
//   animation frame. Each window opens them four times, alternating (which goes first alternates
//   between windows): the first webview of a window and the later ones are separate figures
//   (later ones take about a second longer here, for either), each like with like. The studio's
//   first open is the window's first Bailian command: the shim opens the page itself, from the
//   static part of `init` the warm-up window saved (src/studio/shell.ts; a first-time user's
//   first open loads dist/services.js first, through the code cache once there is one). PAGES
//   more windows wait 4 s after activation before their first open, when the idle-time warm-up
//   has loaded dist/services.js and the studio opens the usual way: a third figure. Each
//   window's first open is also printed step by step. The editor runs the production build
//   (minified, as packaged). Target ≤ 1.2×.
// - history: the workspace holds a history of 10,000 entries (.bailian/history.jsonl, written
//   with historyLine, bench/lib/history-fixture.ts); timed inside the studio frame from the click
//   on the History tab to the next frame painted after the count ("50 of 50 jobs …": the newest
//   part, the rest still arriving) and the first entry are in the DOM, vs switching back to the
//   Generate tab measured the same way. Target ≤ 300 ms.
// - bundle sizes: dist/extension.js, dist/services.js, dist/undici.js, dist/cli.js, dist/webview/main.js (the
//   app, inlined into the page), dist/webview/schemas.js and dist/webview/toolkit.js (loaded after its first paint),
//   minified (`node esbuild.mjs --production` run in a temporary folder, so dist/ is untouched)
//   and as the dev build; the minified webview bundle against the UI toolkit's own minified
//   bundle. Target ≤ 200 KB.
//
//   flock /tmp/bailian-suite.lock npm run bench -- editor
/* global document, getComputedStyle, performance, requestAnimationFrame -- only inside page.evaluate callbacks, which run in the workbench page */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandbox, installSignalHandlers, launchChromium, onCleanup, runCleanups, startCodeServer, workbenchUrl } from '../scripts/lib/code-server.mjs';
import { buildExtension, ensureEnvironment, repoRoot } from '../scripts/lib/environment.mjs';
// The palette as the UI flows use it (retries while the extension host registers its commands).
import { activationTimesOf, runCommand } from '../test/ui/lib/workbench.mjs';
import { historyText } from './lib/history-fixture.ts';
import { SEED, figure, fmt, header, quantile, table } from './lib/figures.ts';

const PAGES = Number(process.env.BENCH_EDITOR_PAGES ?? 6);
const HISTORY_ENTRIES = 10_000;
/** How long the "settled" windows wait after activation before their first open (the warm-up runs at 3 s). */
const SETTLE_MS = 4000;
/** How Running Extensions names them: the display name when the editor knows the extension, else its id. */
const OURS = ['bailian-image-studio.bailian-image-studio', 'Bailian Image Studio'];
const EMPTY = ['bailian-bench.bench-empty-extension', 'Bench: Empty Extension'];
const emptyExtension = join(repoRoot, 'bench', 'fixtures', 'empty-extension');
const resultsDir = join(repoRoot, 'test-results');
const median = (xs) => quantile(xs, 0.5);

/** Sizes (bytes) of the bundles in `dist` under `root`. */
function bundleSizes(root) {
  const files = ['dist/extension.js', 'dist/services.js', 'dist/undici.js', 'dist/cli.js', 'dist/webview/main.js', 'dist/webview/schemas.js', 'dist/webview/toolkit.js'];
  return Object.fromEntries(files.map((f) => [f, (() => { try { return statSync(join(root, f)).size; } catch { return NaN; } })()]));
}

/**
 * `node esbuild.mjs --production` in a temporary folder that links the sources, so dist/ stays
 * as it is; the folder also links what the packaged extension ships besides dist (`files` in package.json),
 * so it is the extension as installed from its .vsix. Removed at cleanup.
 */
function productionBuild() {
  const dir = mkdtempSync(join(tmpdir(), 'bailian-bench-prod-'));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  for (const entry of ['src', 'webview', 'node_modules', 'package.json', 'tsconfig.json', 'esbuild.mjs', 'media', 'l10n', 'package.nls.json', 'package.nls.zh-cn.json']) {
    if (existsSync(join(repoRoot, entry))) symlinkSync(join(repoRoot, entry), join(dir, entry));
  }
  const built = spawnSync(process.execPath, ['esbuild.mjs', '--production', '--quiet'], { cwd: dir, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`production build failed: ${built.stderr || built.stdout}`);
  return { dir, sizes: bundleSizes(dir) };
}

/** Closes every editor and waits until no tab is left (the next open creates a new panel). */
async function closeEditors(page) {
  await runCommand(page, 'View: Close All Editors');
  await page.locator('.tabs-container .tab').first().waitFor({ state: 'detached', timeout: 15_000 });
}

/** The two frames of a webview below the workbench (host frame, then content frame). */
const webviewFrame = (page) => page.frameLocator('iframe.webview:visible').frameLocator('iframe#active-frame');

/** Activation times (ms) of ours and the empty extension from the Running Extensions editor. */
async function activationTimes(page) {
  const [ours, empty] = await activationTimesOf(page, [OURS, EMPTY], { screenshot: join(resultsDir, 'bench-running-extensions.png') });
  return { ours, empty };
}

/**
 * From the click on `title` in the palette to the prompt box of `which` ('studio' or 'empty')
 * visible inside the new webview: ms, timed inside the workbench page. The webview frames are
 * same-origin in code-server, so the page itself checks them every animation frame (Playwright's
 * own waits retry at growing intervals, up to a second apart, which would swamp the figure).
 */
async function timeOpen(page, title, which) {
  const opened = page.evaluate(
    (kind) =>
      new Promise((resolve, reject) => {
        let t0;
        const limit = setTimeout(() => reject(new Error(`the ${kind} webview showed no prompt box within 60 s`)), 60_000);
        const ready = () => {
          for (const host of document.querySelectorAll('iframe.webview')) {
            if (host.getClientRects().length === 0 || getComputedStyle(host).visibility === 'hidden') continue;
            const inner = host.contentDocument?.querySelector('iframe#active-frame')?.contentDocument;
            // The studio's prompt box: the toolkit's text area, or the plain one of the first paint.
            const box = kind === 'studio' ? (inner?.querySelector('vscode-text-area#prompt')?.shadowRoot?.querySelector('textarea') ?? inner?.querySelector('#prompt textarea')) : inner?.querySelector('textarea#prompt');
            if (box && box.getClientRects().length > 0 && !box.disabled) return true;
          }
          return false;
        };
        const poll = () => {
          if (!ready()) return void requestAnimationFrame(poll);
          // The frame after: the prompt box has been painted.
          requestAnimationFrame(() => {
            clearTimeout(limit);
            resolve({ ms: performance.now() - t0, clickedAt: performance.timeOrigin + t0 });
          });
        };
        // Armed before the palette opens; the click on the command's row starts the clock.
        document.addEventListener(
          'click',
          () => {
            t0 = performance.now();
            poll();
          },
          { capture: true, once: true },
        );
      }),
    which,
  );
  await runCommand(page, title);
  return opened;
}

/**
 * Where a studio open's time went, ms after the click: the start of the webview's host frame and
 * of its content frame (VS Code's part), then the page's own resource timings and performance
 * marks (webview/main.ts, webview/host.ts).
 */
async function openSteps(page, clickedAt) {
  const steps = await webviewFrame(page)
    .locator('body')
    .evaluate((body) => {
      const perf = body.ownerDocument.defaultView.performance;
      const resources = perf.getEntriesByType('resource').map((e) => ({ name: `${e.name.split('/').pop().split('?')[0]} fetched`, start: e.startTime, at: e.responseEnd }));
      const marks = perf.getEntriesByType('mark').filter((e) => e.name.startsWith('bailian:')).map((e) => ({ name: e.name, at: e.startTime }));
      return { origin: perf.timeOrigin, entries: [...resources, ...marks] };
    });
  // The webview's outer frame (VS Code's host page, which writes the content frame): from the
  // click to the webview element, and on to the content frame, are separate parts.
  const hostOrigin = await page
    .frameLocator('iframe.webview:visible')
    .locator('body')
    .evaluate((body) => body.ownerDocument.defaultView.performance.timeOrigin)
    .catch(() => undefined);
  const frameStart = steps.origin - clickedAt;
  const host = hostOrigin === undefined ? [] : [{ name: 'host frame start', at: hostOrigin - clickedAt }];
  return [...host, { name: 'frame start', at: frameStart }, ...steps.entries.map((e) => ({ ...e, at: frameStart + e.at, ...(e.start === undefined ? {} : { start: frameStart + e.start }) }))].sort((a, b) => a.at - b.at);
}

/**
 * Inside the studio frame: clicks the tab of `mode`, then checks every animation frame whether
 * it rendered, and resolves with the ms from the click to the frame painted after that. (The
 * checks are written out here: the webview's CSP allows no eval.)
 */
async function timeTab(page, mode) {
  return webviewFrame(page)
    .locator(`#tab-${mode}`)
    .evaluate(
      (element, which) =>
        new Promise((resolve, reject) => {
          // Browser globals through the element: this file is linted as Node code.
          const doc = element.ownerDocument;
          const frame = (callback) => doc.defaultView.requestAnimationFrame(callback);
          const rendered = () => {
            if (which === 'history') {
              const count = doc.querySelector('#history-count')?.textContent ?? '';
              // The first part (the newest jobs) listed: the rest arrives after the paint, "…" until then.
              return /\b\d[\d,]* of \d[\d,]* jobs\b/.test(count) && doc.querySelector('#history-list .history-item') !== null;
            }
            const prompt = doc.querySelector('vscode-text-area#prompt');
            return prompt !== null && prompt.offsetParent !== null;
          };
          const t0 = performance.now();
          const limit = setTimeout(() => reject(new Error(`the ${which} tab did not render in 20 s`)), 20_000);
          element.click();
          const poll = () => {
            if (!rendered()) return void frame(poll);
            frame(() => {
              clearTimeout(limit);
              resolve(performance.now() - t0);
            });
          };
          poll();
        }),
      mode,
    );
}

async function main() {
  header('editor', `activation, studio open, history of ${HISTORY_ENTRIES}, bundle sizes (code-server in chromium; ${PAGES} windows after a warm-up, then ${PAGES} whose first open waits ${SETTLE_MS / 1000} s)`);
  installSignalHandlers();
  try {
    await ensureEnvironment({ who: 'bench' });
    await buildExtension({ who: 'bench' });

    // Bundle sizes.
    const dev = bundleSizes(repoRoot);
    let prod;
    let extensionPath = repoRoot;
    try {
      const production = productionBuild();
      prod = production.sizes;
      extensionPath = production.dir;
    } catch (error) {
      console.log(`  (no minified build: ${error instanceof Error ? error.message : error}; sizes and timings are the dev build's)`);
    }
    console.log(`  the editor runs the ${prod ? 'minified (production) build, as packaged' : 'dev build'}: ${extensionPath}`);
    const kb = (b) => `${fmt(b / 1024)} KB`;
    table([['bundle', 'minified (--production)', 'dev build (source maps, not minified)'], ...Object.keys(dev).map((f) => [f, prod ? kb(prod[f]) : 'n/a', kb(dev[f])])]);
    const toolkit = statSync(join(repoRoot, 'node_modules', '@vscode', 'webview-ui-toolkit', 'dist', 'toolkit.min.js')).size;
    // The page inlines main.js and loads schemas.js and toolkit.js after its first paint: the webview's code is all three.
    const sizes = prod ?? dev;
    const webviewSize = sizes['dist/webview/main.js'] + sizes['dist/webview/schemas.js'] + sizes['dist/webview/toolkit.js'];
    figure({
      bench: 'editor',
      name: `webview bundles (dist/webview/main.js ${kb(sizes['dist/webview/main.js'])} inline + schemas.js ${kb(sizes['dist/webview/schemas.js'])} + toolkit.js ${kb(sizes['dist/webview/toolkit.js'])}, ${prod ? 'minified' : 'dev build'})`,
      unit: 'KB',
      measured: webviewSize / 1024,
      baselines: [{ label: 'the UI toolkit alone (toolkit.min.js)', value: toolkit / 1024 }],
      target: '≤ 200 KB',
      met: webviewSize <= 200 * 1024,
    });

    // The sandbox: the sample workspace plus a history of 10,000 entries.
    const sandbox = createSandbox('bench-editor', { settings: { 'workbench.editor.restoreViewState': false, 'window.restoreWindows': 'none' } });
    mkdirSync(join(sandbox.workspace, '.bailian'), { recursive: true });
    writeFileSync(join(sandbox.workspace, '.bailian', 'history.jsonl'), historyText(HISTORY_ENTRIES, SEED + 7));
    // The empty extension is installed into the sandbox rather than loaded as a second
    // extensionDevelopmentPath: code-server 4.100 loads only the last of several such paths.
    cpSync(emptyExtension, join(sandbox.extensionsDir, 'bailian-bench.bench-empty-extension-0.0.1'), { recursive: true });
    mkdirSync(resultsDir, { recursive: true });
    const server = await startCodeServer({ sandbox, logFile: join(resultsDir, 'bench-code-server.log') });
    console.log(`  code-server ${server.origin} (pid ${server.pid})`);
    const browser = await launchChromium();
    const url = workbenchUrl(server, { folder: sandbox.workspace, extensionDevelopmentPath: extensionPath });

    // Per window, four opens, alternating: S E S E or E S E S (alternating between windows). The
    // first webview of a window is the one a user meets after starting the editor; later ones
    // take longer here (about a second more, for the empty panel as much as for the studio), so
    // first and later opens are separate figures, each comparing like with like. The studio's
    // first open is also the window's first Bailian command: the shim opens its page, and
    // dist/services.js loads after it spoke. Then PAGES windows more whose first open waits
    // SETTLE_MS after activation: a user who opens the studio a few seconds after the window
    // appeared, when the idle-time warm-up (3 s after activation) has loaded dist/services.js
    // and the studio opens the usual way; only their first opens are counted.
    const samples = { activation: { ours: [], empty: [] }, first: { studio: [], empty: [] }, settled: { studio: [], empty: [] }, later: { studio: [], empty: [] }, history: [], generate: [] };
    const rows = [['window', 'activation ours', 'activation empty', 'opens (ms)', 'history tab', 'generate tab']];
    const firstSteps = [];
    for (let i = 0; i <= 2 * PAGES; i++) {
      const warmUp = i === 0;
      const settled = i > PAGES;
      // Tall, so the Running Extensions list renders every row without scrolling.
      const context = await browser.newContext({ viewport: { width: 1280, height: 2400 } });
      const page = await context.newPage();
      page.setDefaultTimeout(30_000);
      try {
        await page.goto(url);
        await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
        const act = await activationTimes(page);
        await closeEditors(page);
        // A benchmark's scenario, not a wait for something: the user opens the studio later.
        if (settled) await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
        const order = i % 2 === 1 ? ['studio', 'empty', 'studio', 'empty'] : ['empty', 'studio', 'empty', 'studio'];
        const opens = [];
        let history;
        let generate;
        for (const [n, which] of order.entries()) {
          const { ms, clickedAt } = await timeOpen(page, which === 'studio' ? 'Bailian: Open Studio' : 'Bench: Open Empty Webview Panel', which);
          opens.push(`${which} ${fmt(ms)}`);
          if (settled) {
            if (n === 0) samples.settled[which].push(ms);
          } else if (!warmUp) samples[n === 0 ? 'first' : 'later'][which].push(ms);
          if (!warmUp && n === 0) {
            const steps = await openSteps(page, clickedAt);
            firstSteps.push(`window ${i}${settled ? ' (settled)' : ''}, ${which}: ${steps.map((e) => `${e.name} ${e.start === undefined ? '' : `${fmt(e.start)}→`}${fmt(e.at)}`).join(', ')}, prompt box painted ${fmt(ms)}`);
          }
          if (which === 'studio' && history === undefined) {
            // The window's first studio: the history is read from the workspace now.
            history = await timeTab(page, 'history');
            generate = await timeTab(page, 'generate');
          }
          await closeEditors(page);
        }
        rows.push([warmUp ? 'warm-up' : settled ? `${i} (settled)` : String(i), `${act.ours} ms`, `${act.empty} ms`, opens.join(', '), `${fmt(history)} ms`, `${fmt(generate)} ms`]);
        if (!warmUp && !settled) {
          samples.activation.ours.push(act.ours);
          samples.activation.empty.push(act.empty);
          samples.history.push(history);
          samples.generate.push(generate);
        }
      } finally {
        await context.close().catch(() => undefined);
      }
    }
    table(rows);
    console.log(`  first webview of each window, step by step (ms after the click):\n${firstSteps.map((line) => `    ${line}`).join('\n')}`);

    const ours = median(samples.activation.ours);
    const empty = median(samples.activation.empty);
    figure({
      bench: 'editor',
      name: `activation (code loading + activate(), Running Extensions; median of ${PAGES} windows)`,
      unit: 'ms',
      measured: ours,
      baselines: [{ label: 'the empty extension, same windows', value: empty }],
      target: '≤ 10 ms above the empty extension',
      met: ours - empty <= 10,
      note: `${fmt(ours - empty)} ms above`,
    });
    console.log(`  activation: ${fmt(ours - empty)} ms above the empty extension`);
    for (const [when, label] of [['first', 'first webview of the window'], ['settled', `first webview of a window, ${SETTLE_MS / 1000} s after activation`], ['later', 'later webviews of the window']]) {
      const studio = median(samples[when].studio);
      const panel = median(samples[when].empty);
      figure({
        bench: 'editor',
        name: `studio open, ${label}: palette click → prompt box visible (median of ${samples[when].studio.length})`,
        unit: 'ms',
        measured: studio,
        baselines: [{ label: `an empty webview panel, ${label} (median of ${samples[when].empty.length})`, value: panel }],
        target: '≤ 1.2× the empty panel',
        met: studio <= 1.2 * panel,
      });
    }
    const history = median(samples.history);
    figure({
      bench: 'editor',
      name: `history of ${HISTORY_ENTRIES} entries: History tab click → list painted (median of ${PAGES})`,
      unit: 'ms',
      measured: history,
      baselines: [{ label: 'switching back to the Generate tab, same way', value: median(samples.generate) }],
      target: '≤ 300 ms',
      met: history <= 300,
    });
  } finally {
    await runCleanups();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
