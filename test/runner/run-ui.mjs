// UI tier: the flows in test/ui/*.flow.mjs in Debian's chromium (playwright-core) against
// code-server 4.100.3 (VS Code 1.100) with the extension under development. With `--newest`:
// the flows of NEWEST_FLOWS against the newest code-server (environment.mjs), with the
// extension packaged (`npm run package`) and installed from its .vsix as a user installs it.
// Screenshots go to test-results/screenshots/ (screenshots-newest/ with --newest; emptied
// first, so every screenshot there is from this run). The extension talks to the DashScope
// simulator started here; flows get it to inject faults. Ends with `ui: N passed, N failed`
// (`ui-newest: …`); always stops its processes.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createSandbox,
  installExtension,
  installSignalHandlers,
  launchChromium,
  registerLanguagePack,
  runCleanups,
  startCodeServer,
  workbenchUrl,
} from '../../scripts/lib/code-server.mjs';
import { buildExtension, ensureEnvironment, packageExtension, repoRoot } from '../../scripts/lib/environment.mjs';
import { startTestSimulator } from './suite-report.mjs';
import { newestExtensionLog, pickTheme } from '../ui/lib/workbench.mjs';

const FLOW_TIMEOUT_MS = 3 * 60_000;
const newest = process.argv.includes('--newest');
const tier = newest ? 'ui-newest' : 'ui';
const resultsDir = join(repoRoot, 'test-results');
const screenshotsDir = join(resultsDir, newest ? 'screenshots-newest' : 'screenshots');
const flowsDir = join(repoRoot, 'test', 'ui');

/**
 * The flows that also run on the newest VS Code (by the start of their names, each naming
 * exactly one flow), in its light theme: the editor's own surfaces a user meets most (Explorer
 * menu and quick picks, the image preview, a Markdown document filled while it streams, the
 * studio webview) — where a newer workbench is likeliest to differ.
 */
const NEWEST_FLOWS = [
  'Explorer: right-click sunset.png, Translate',
  'Explorer: select two images, Edit',
  'Generate Illustrated Guide:',
  'Generate: two images with their seeds in one card',
];

/** Only the NEWEST_FLOWS runs, light theme; throws when a name matches no flow or several. */
function newestSubset(runs) {
  return NEWEST_FLOWS.map((start) => {
    const matching = runs.filter((run) => run.theme === 'light' && run.flow.name.startsWith(start));
    if (matching.length !== 1) throw new Error(`NEWEST_FLOWS: "${start}" names ${matching.length} flows, not one`);
    return matching[0];
  });
}

async function loadFlows() {
  // BAILIAN_UI_FLOWS=explorer,jobs runs only the flow files whose name contains one of them (while developing a flow).
  const only = process.env.BAILIAN_UI_FLOWS?.split(',').filter(Boolean);
  const files = readdirSync(flowsDir)
    .filter((name) => name.endsWith('.flow.mjs') && (!only?.length || only.some((part) => name.includes(part))))
    .sort();
  const modules = await Promise.all(files.map((file) => import(pathToFileURL(join(flowsDir, file)).href)));
  // Each flow runs once per theme it names (`themes` on the flow, else on its file, else light
  // only): every light run first, in file order, then the dark ones, so a dark run sees the
  // workspace the light runs left, as a person's second session would.
  // BAILIAN_UI_FLOW_NAME=text runs only the flows whose name contains it.
  const named = process.env.BAILIAN_UI_FLOW_NAME;
  const runs = modules.flatMap((module) =>
    module.flows.filter((flow) => !named || flow.name.includes(named)).flatMap((flow) => (flow.themes ?? module.themes ?? ['light']).map((theme) => ({ flow, theme }))),
  );
  const ordered = [...runs.filter((run) => run.theme === 'light'), ...runs.filter((run) => run.theme !== 'light')];
  return newest && !named && !only?.length ? newestSubset(ordered) : ordered;
}

/**
 * The color theme of each run's window, picked with "Preferences: Color Theme" once the
 * workbench is up, as a person would: code-server keeps user settings in the browser (each
 * flow's context starts with none) and ignores the theme in the server's settings files.
 */
const THEMES = { light: 'Light Modern', dark: 'Dark Modern' };

/**
 * What the window showed when a flow failed: the editor tabs, the notifications, and every
 * webview frame with its state (still loading, busy, or the text it shows).
 */
/* global document -- only inside frame.evaluate callbacks, which run in the frame */
async function describeWindow(page) {
  const lines = [];
  const tabs = await page.locator('.tabs-container .tab').evaluateAll((els) => els.map((el) => `${el.classList.contains('active') ? '*' : ''}${el.getAttribute('aria-label') ?? el.textContent}`));
  lines.push(`editor tabs: ${tabs.join(' | ') || '(none)'}`);
  const toasts = await page.locator('.notifications-toasts .notification-list-item-message').allInnerTexts();
  if (toasts.length) lines.push(`notifications: ${toasts.join(' | ')}`);
  for (const frame of page.frames()) {
    if (frame === page.mainFrame() || frame.url().includes('/extensions/worker')) continue;
    const text = await frame
      .evaluate(() => {
        const app = document.getElementById('app');
        const body = (document.body?.innerText ?? '').replace(/\s+/g, ' ').trim();
        return `${document.readyState}${app ? `, #app${app.getAttribute('aria-busy') ? ' busy' : ''}` : ''}: ${body.slice(0, 200) || '(no text)'}`;
      })
      .catch((why) => `(unreadable: ${String(why).split('\n')[0]})`);
    lines.push(`frame ${frame.name() || '(unnamed)'} ${frame.url().slice(0, 120)}: ${text}`);
  }
  return lines.join('\n');
}

function slug(text) {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
}

function timeout(ms, what) {
  let timer;
  const promise = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s: ${what}`)), ms);
  });
  return { promise, cancel: () => clearTimeout(timer) };
}

installSignalHandlers();
// Stale screenshots would pass for this run's: clear them before anything else.
rmSync(screenshotsDir, { recursive: true, force: true });
mkdirSync(screenshotsDir, { recursive: true });
let passed = 0;
let failed = 0;
try {
  const codeServer = await ensureEnvironment({ who: tier, newest });
  // The newest VS Code ignores extensionDevelopmentPath in the URL (see run-integration.mjs):
  // it runs the package a user installs.
  const vsix = newest ? await packageExtension({ who: tier }) : (await buildExtension({ who: tier }), undefined);

  const flows = await loadFlows();
  if (flows.length === 0) {
    throw new Error(`no flows in ${flowsDir}`);
  }
  const simulator = await startTestSimulator();
  const sandbox = createSandbox('ui', { settings: simulator.settings });
  // Flows with `locale: 'zh-CN'` get a window in Chinese (the browser asks for it; see registerLanguagePack).
  registerLanguagePack(sandbox);
  if (vsix) await installExtension(sandbox, vsix, { codeServer, who: tier });
  const server = await startCodeServer({
    sandbox,
    codeServer,
    env: simulator.env,
    logFile: join(resultsDir, `${tier}-code-server.log`),
  });
  console.log(`${tier}: VS Code ${codeServer.vscodeVersion}, code-server ${server.origin} (pid ${server.pid})${vsix ? ', the extension installed from its .vsix' : ''}`);
  const browser = await launchChromium();
  const url = workbenchUrl(server, { folder: sandbox.workspace, extensionDevelopmentPath: vsix ? null : repoRoot });

  for (const [index, { flow: definition, theme }] of flows.entries()) {
    const flow = theme === 'light' ? definition : { ...definition, name: `${definition.name} [${theme}]` };
    if (!THEMES[theme]) throw new Error(`${definition.name}: unknown theme "${theme}" (light or dark)`);
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: flow.locale ?? 'en-US' });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    // CSP reports from every frame, the studio's iframes included.
    const violations = [];
    page.on('console', (message) => {
      if (message.text().includes('Content Security Policy')) {
        violations.push(`${message.text()} (${message.location().url})`);
      }
    });
    const cspViolations = () => [...violations];
    const prefix = `${String(index + 1).padStart(2, '0')}-${theme === 'light' ? '' : `${theme}-`}`;
    const screenshot = (name, target = page) => target.screenshot({ path: join(screenshotsDir, `${prefix}${slug(name)}.png`) });
    // Another window on the workspace, as a person opens one: a new browser context (nothing of
    // this window's editors is restored there) with its own extension host; closed with the flow.
    const windows = [];
    const openWindow = async () => {
      const other = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: flow.locale ?? 'en-US' });
      windows.push(other);
      const otherPage = await other.newPage();
      otherPage.setDefaultTimeout(30_000);
      await otherPage.goto(url);
      await otherPage.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
      return otherPage;
    };
    const limit = timeout(FLOW_TIMEOUT_MS, flow.name);
    const started = Date.now();
    try {
      await Promise.race([
        (async () => {
          await page.goto(url);
          await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
          if (theme !== 'light') {
            await pickTheme(page, THEMES[theme]);
            // The window really is in the run's theme (VS Code marks the workbench vs / vs-dark).
            await page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: 10_000 });
          }
          await flow.run(page, { screenshot, cspViolations, sim: simulator.sim, workspace: sandbox.workspace, userDataDir: sandbox.userDataDir, openWindow, theme });
        })(),
        limit.promise,
      ]);
      passed += 1;
      console.log(`  ✔ ${flow.name} (${Date.now() - started} ms)`);
    } catch (error) {
      failed += 1;
      console.log(`  ✖ ${flow.name} (${Date.now() - started} ms)`);
      console.log(String(error instanceof Error ? error.stack : error).replace(/^/gm, '      '));
      await screenshot(`failed-${flow.name}`).catch(() => undefined);
      // The screenshot stays on the machine that ran it; the log says what the window showed.
      console.log((await describeWindow(page).catch((why) => `(the window could not be described: ${why})`)).replace(/^/gm, '      '));
      const log = newestExtensionLog(sandbox.userDataDir).trim().split('\n').slice(-15).join('\n');
      console.log(`      the extension's log, last lines:\n${log || '(none yet)'}`.replace(/\n/g, '\n        '));
    } finally {
      simulator.sim.faults.clear();
      simulator.restoreTiming();
      limit.cancel();
      for (const other of windows) await other.close().catch(() => undefined);
      await context.close().catch(() => undefined);
    }
  }
  console.log(`${tier}: screenshots in ${screenshotsDir}`);
} catch (error) {
  console.error(`${tier}: ${error instanceof Error ? error.message : error}`);
  failed += 1;
} finally {
  await runCleanups();
}
console.log(`${tier}: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
