// `npm start`: installs what is missing (npm dependencies, Debian packages as root,
// code-server in .vscode-test/), builds, starts the DashScope simulator when there is one and
// no real key, and serves VS Code in the browser with the extension loaded on a sample
// workspace. Prints the URL; Ctrl-C stops everything.
//
// Environment: PORT (code-server port, default a free one), DASHSCOPE_API_KEY (a real key:
// no simulator, region from BAILIAN_REGION or beijing).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createSandbox, installSignalHandlers, isStopRequested, onCleanup, runCleanups, startCodeServer, workbenchUrl } from './lib/code-server.mjs';
import { buildExtension, ensureEnvironment, repoRoot } from './lib/environment.mjs';

const stateDir = join(repoRoot, '.vscode-test', 'start');
const simulatorEntry = join(repoRoot, 'test', 'sim', 'index.ts');

/** Starts the simulator through tsx (it is TypeScript); undefined when it does not exist yet. */
async function startSimulatorIfPresent() {
  if (!existsSync(simulatorEntry)) {
    console.log('start: no simulator (test/sim/index.ts) yet; set a key with "Bailian: Set API Key"');
    return undefined;
  }
  const { tsImport } = await import('tsx/esm/api');
  const { startSimulator } = await tsImport(pathToFileURL(simulatorEntry).href, import.meta.url);
  const simulator = await startSimulator({ port: 0 });
  onCleanup(() => simulator.stop());
  console.log(`start: DashScope simulator on ${simulator.urls.beijing} (Beijing) and ${simulator.urls.singapore} (Singapore)`);
  return simulator;
}

installSignalHandlers();
try {
  await ensureEnvironment();
  await buildExtension();
  mkdirSync(stateDir, { recursive: true });

  const realKey = process.env.DASHSCOPE_API_KEY?.trim();
  let settings;
  let env = {};
  if (realKey) {
    const region = process.env.BAILIAN_REGION ?? 'beijing';
    console.log(`start: using DASHSCOPE_API_KEY from the environment (region ${region}); no simulator`);
    settings = { 'bailian.region': region, 'bailian.customBaseUrl': '' };
  } else {
    const simulator = await startSimulatorIfPresent();
    if (simulator) {
      settings = { 'bailian.region': 'custom', 'bailian.customBaseUrl': simulator.urls.beijing };
      env = { DASHSCOPE_API_KEY: simulator.keys.beijing };
    } else {
      settings = {};
    }
  }

  // Kept between runs (git-ignored): settings, secrets and the images you generate.
  const sandbox = createSandbox('start', { persistentDir: stateDir, settings });
  const port = process.env.PORT ? Number(process.env.PORT) : undefined;
  const server = await startCodeServer({ sandbox, port, env, logFile: join(stateDir, 'code-server.log') });
  console.log(`start: workspace ${sandbox.workspace}; code-server log ${join(stateDir, 'code-server.log')}`);
  console.log(`Bailian Image Studio: open ${workbenchUrl(server, { folder: sandbox.workspace })}`);
  console.log('Then run "Bailian: Open Studio" from the command palette (F1). Ctrl-C stops everything.');

  await server.whenExited;
  if (!isStopRequested()) {
    console.error(`start: code-server stopped unexpectedly (${server.exitReason()})`);
    process.exitCode = 1;
  }
} catch (error) {
  console.error(`start: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  await runCleanups();
}
