// Integration tier (what CI runs): the mocha suite in test/suite inside a real VS Code, served
// by code-server 4.100.3 (the oldest supported VS Code, 1.100) or, with `--newest`, by the
// newest code-server (environment.mjs), opened in Debian's chromium, talking to the DashScope
// simulator (started here, settings pointed at it). The extension host runs the suite's run()
// and writes a JSON report, which this runner reads and prints. Ends with
// `integration: N passed, N failed` (`integration-newest: …` with --newest). Fails on timeout;
// always stops code-server and chromium.
//
// On the newest code-server the whole suite runs, the extension loaded from this folder in
// Test mode as on 1.100: there the workbench reads the URL's `payload` (extensionDevelopmentPath,
// extensionTestsPath) only when the server runs with VS Code's `enable-smoke-test-driver`, so
// it gets that option. An installed .vsix would run in Production mode, without the test API
// the suite drives the extension through; the UI tier (run-ui.mjs --newest) installs the .vsix.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createSandbox,
  installSignalHandlers,
  launchChromium,
  runCleanups,
  startCodeServer,
  waitFor,
  workbenchUrl,
} from '../../scripts/lib/code-server.mjs';
import { buildExtension, ensureEnvironment, repoRoot } from '../../scripts/lib/environment.mjs';
import { integrationEnv, printReport, startTestSimulator } from './suite-report.mjs';

const TIMEOUT_MS = Number(process.env.BAILIAN_INTEGRATION_TIMEOUT_MS ?? 8 * 60_000);
const resultsDir = join(repoRoot, 'test-results');
const newest = process.argv.includes('--newest');
const tier = newest ? 'integration-newest' : 'integration';

installSignalHandlers();
let exitCode = 1;
try {
  const codeServer = await ensureEnvironment({ who: tier, newest });
  await buildExtension({ tests: true, who: tier });
  mkdirSync(resultsDir, { recursive: true });

  const simulator = await startTestSimulator();
  console.log(`${tier}: VS Code ${codeServer.vscodeVersion} (code-server ${codeServer.version}), DashScope simulator on ${simulator.sim.urls.beijing}`);
  const browser = await launchChromium();
  // Pass 1: a trusted workspace, every suite but the restricted-mode one.
  const trusted = await runPass(tier, { browser, simulator, codeServer, skip: 'untrusted' });
  // Pass 2: a workspace nobody trusted (workspace trust on), only the restricted-mode suite.
  const untrusted = await runPass(`${tier}-untrusted`, {
    codeServer,
    browser,
    simulator,
    only: 'untrusted',
    trust: true,
    settings: { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.untrustedFiles': 'open' },
  });
  const report = { passed: trusted.passed + untrusted.passed, failed: trusted.failed + untrusted.failed, tests: [...trusted.tests, ...untrusted.tests] };
  exitCode = printReport(tier, report);
} catch (error) {
  console.error(`${tier}: ${error instanceof Error ? error.message : error}`);
  console.error(`${tier}: server log in ${join(resultsDir, `${tier}-code-server.log`)}`);
  console.log(`${tier}: 0 passed, 1 failed`);
  exitCode = 1;
} finally {
  await runCleanups();
}
process.exit(exitCode);

/** Runs the suite once in its own code-server and sandbox; resolves with its report. */
async function runPass(name, { browser, simulator, codeServer, only, skip, trust = false, settings = {} }) {
  const sandbox = createSandbox(name, { settings: { ...simulator.settings, ...settings } });
  const reportFile = join(sandbox.dir, 'report.json');
  const server = await startCodeServer({
    sandbox,
    codeServer,
    workspaceTrust: trust,
    extraArgs: codeServer.newest ? ['--vscode-option', 'enable-smoke-test-driver'] : [],
    env: {
      ...integrationEnv(reportFile, simulator.env),
      BAILIAN_EXPECT_VSCODE: codeServer.vscodeVersion,
      ...(only ? { BAILIAN_SUITE_ONLY: only } : {}),
      ...(skip ? { BAILIAN_SUITE_SKIP: skip } : {}),
    },
    logFile: join(resultsDir, `${name}-code-server.log`),
  });
  console.log(`${name}: code-server ${server.origin} (pid ${server.pid})`);
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error(`${name}: page error: ${error.message}`));
  await page.goto(
    workbenchUrl(server, {
      folder: sandbox.workspace,
      extensionTestsPath: join(repoRoot, 'out', 'test', 'suite', 'index.js'),
    }),
  );
  // The extension host logs its exit; a non-zero exit before a report means run() crashed.
  const hostCrashed = () => {
    const exit = /Extension Host Process exited with code: (\d+)/.exec(server.output());
    return exit && !existsSync(reportFile) && exit[1] !== '0' ? `the extension host exited with code ${exit[1]}` : undefined;
  };
  await waitFor(`the ${name} suite report`, () => existsSync(reportFile), {
    timeoutMs: TIMEOUT_MS,
    intervalMs: 500,
    abortIf: () => (server.exitReason() && `code-server stopped (${server.exitReason()})`) || hostCrashed(),
  });
  await page.close().catch(() => undefined);
  return JSON.parse(readFileSync(reportFile, 'utf8'));
}
