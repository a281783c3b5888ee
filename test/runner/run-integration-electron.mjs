// The integration suite in desktop VS Code through @vscode/test-electron, for contributors
// whose machines reach Microsoft's update server (CI here cannot: it uses run-integration.mjs).
// Same suite, settings and report as the code-server runner. VS Code version: $VSCODE_VERSION
// (default: the minimum this extension supports, 1.100.3; try `stable` too).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { fixtureWorkspace, runCleanups } from '../../scripts/lib/code-server.mjs';
import { buildExtension, ensureNodeModules, repoRoot } from '../../scripts/lib/environment.mjs';
import { integrationEnv, printReport, startTestSimulator } from './suite-report.mjs';

const sandbox = mkdtempSync(join(tmpdir(), 'bailian-electron-'));
let exitCode = 1;
try {
  await ensureNodeModules({ who: 'integration-electron' });
  await buildExtension({ tests: true, who: 'integration-electron' });
  const simulator = await startTestSimulator();
  const workspace = join(sandbox, 'workspace');
  const userDataDir = join(sandbox, 'user-data');
  cpSync(fixtureWorkspace, workspace, { recursive: true });
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(simulator.settings, null, 2));
  const reportFile = join(sandbox, 'report.json');

  try {
    await runTests({
      version: process.env.VSCODE_VERSION ?? '1.100.3',
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(repoRoot, 'out', 'test', 'suite', 'index.js'),
      extensionTestsEnv: integrationEnv(reportFile, simulator.env),
      launchArgs: [
        workspace,
        '--user-data-dir',
        userDataDir,
        '--extensions-dir',
        join(sandbox, 'extensions'),
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
      ],
    });
  } catch (error) {
    // runTests rejects when the suite fails; the report below says which tests.
    if (!existsSync(reportFile)) {
      throw error;
    }
  }
  exitCode = printReport('integration', JSON.parse(readFileSync(reportFile, 'utf8')));
} catch (error) {
  console.error(`integration: ${error instanceof Error ? error.message : error}`);
  console.log('integration: 0 passed, 1 failed');
} finally {
  await runCleanups();
  rmSync(sandbox, { recursive: true, force: true });
}
process.exit(exitCode);
