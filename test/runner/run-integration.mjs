// Integration tier (what CI runs): the mocha suite in test/suite inside a real VS Code, served
// by code-server 4.100.3 and opened in Debian's chromium, talking to the DashScope simulator
// (started here, settings pointed at it). The extension host runs the suite's
// run() and writes a JSON report, which this runner reads and prints. Ends with
// `integration: N passed, N failed`. Fails on timeout; always stops code-server and chromium.
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

const TIMEOUT_MS = Number(process.env.BAILIAN_INTEGRATION_TIMEOUT_MS ?? 5 * 60_000);
const resultsDir = join(repoRoot, 'test-results');

installSignalHandlers();
let exitCode = 1;
try {
  await ensureEnvironment({ who: 'integration' });
  await buildExtension({ tests: true, who: 'integration' });
  mkdirSync(resultsDir, { recursive: true });

  const simulator = await startTestSimulator();
  console.log(`integration: DashScope simulator on ${simulator.sim.urls.beijing}`);
  const sandbox = createSandbox('integration', { settings: simulator.settings });
  const reportFile = join(sandbox.dir, 'report.json');
  const server = await startCodeServer({
    sandbox,
    env: integrationEnv(reportFile, simulator.env),
    logFile: join(resultsDir, 'integration-code-server.log'),
  });
  console.log(`integration: code-server ${server.origin} (pid ${server.pid})`);

  const browser = await launchChromium();
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error(`integration: page error: ${error.message}`));
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
  await waitFor('the integration suite report', () => existsSync(reportFile), {
    timeoutMs: TIMEOUT_MS,
    intervalMs: 500,
    abortIf: () => (server.exitReason() && `code-server stopped (${server.exitReason()})`) || hostCrashed(),
  });
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  exitCode = printReport('integration', report);
} catch (error) {
  console.error(`integration: ${error instanceof Error ? error.message : error}`);
  console.error(`integration: server log in ${join(resultsDir, 'integration-code-server.log')}`);
  console.log('integration: 0 passed, 1 failed');
  exitCode = 1;
} finally {
  await runCleanups();
}
process.exit(exitCode);
