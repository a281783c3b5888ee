// `npm start`: installs what is missing (npm dependencies, Debian packages as root,
// code-server in .vscode-test/), builds, starts the DashScope simulator when there is one and
// no real key, and serves VS Code in the browser with the extension loaded on a sample
// workspace. One short line per step (install and build output goes to .vscode-test/logs/,
// shown only when a step fails); ends with the URL and where the API key comes from.
// Ctrl-C stops everything.
//
// Environment: PORT (code-server port, default a free one), DASHSCOPE_API_KEY (a real key:
// no simulator, region from BAILIAN_REGION or beijing; never printed).
import { existsSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createSandbox, installSignalHandlers, isStopRequested, onCleanup, runCleanups, startCodeServer, workbenchUrl } from './lib/code-server.mjs';
import { buildExtension, CODE_SERVER_VERSION, ensureEnvironment, repoRoot } from './lib/environment.mjs';

const who = 'start';

const stateDir = join(repoRoot, '.vscode-test', 'start');
const simulatorEntry = join(repoRoot, 'test', 'sim', 'index.ts');

/** Starts the simulator through tsx (it is TypeScript); undefined when it does not exist yet. */
async function startSimulatorIfPresent() {
  if (!existsSync(simulatorEntry)) {
    return undefined;
  }
  console.log(`${who}: starting the DashScope simulator…`);
  const { tsImport } = await import('tsx/esm/api');
  const { startSimulator } = await tsImport(pathToFileURL(simulatorEntry).href, import.meta.url);
  const simulator = await startSimulator({ port: 0 });
  onCleanup(() => simulator.stop());
  return simulator;
}

installSignalHandlers();
try {
  await ensureEnvironment({ who });
  await buildExtension({ who });
  mkdirSync(stateDir, { recursive: true });

  const realKey = process.env.DASHSCOPE_API_KEY?.trim();
  let settings;
  let env = {};
  // Said last, next to the URL: which key the extension will use (a real key is never printed).
  // A key saved with "Bailian: Set API Key" lives in the sandbox's SecretStorage and wins.
  const storedKeyNote = '; a key saved with "Bailian: Set API Key" takes precedence';
  let keyLine;
  if (realKey) {
    const region = process.env.BAILIAN_REGION ?? 'beijing';
    settings = { 'bailian.region': region, 'bailian.customBaseUrl': '' };
    keyLine = `API key: DASHSCOPE_API_KEY from the environment, region ${region} (real DashScope, no simulator)${storedKeyNote}`;
  } else {
    const simulator = await startSimulatorIfPresent();
    if (simulator) {
      settings = { 'bailian.region': 'custom', 'bailian.customBaseUrl': simulator.urls.beijing };
      env = { DASHSCOPE_API_KEY: simulator.keys.beijing };
      // The simulator's keys are fixed public test values (test/sim/README.md), not secrets.
      keyLine =
        `API key: the simulator's test key ${simulator.keys.beijing} (a public test value, not a real key); ` +
        `simulator at ${simulator.urls.beijing}${storedKeyNote}`;
    } else {
      settings = {};
      keyLine = 'API key: none (no simulator in test/sim yet); set one with "Bailian: Set API Key"';
    }
  }

  // Kept between runs (git-ignored): settings, secrets and the images you generate.
  const sandbox = createSandbox('start', { persistentDir: stateDir, settings });
  const port = process.env.PORT ? Number(process.env.PORT) : undefined;
  const serverLog = join(stateDir, 'code-server.log');
  console.log(`${who}: starting VS Code (code-server ${CODE_SERVER_VERSION})…`);
  const server = await startCodeServer({ sandbox, port, env, logFile: serverLog });
  console.log(`${who}: workspace ${relative(repoRoot, sandbox.workspace)}; VS Code's log ${relative(repoRoot, serverLog)}`);
  console.log('');
  console.log('Bailian Image Studio is running (Ctrl-C stops it). Open this URL, then "Bailian: Open Studio" (F1):');
  console.log(`  ${workbenchUrl(server, { folder: sandbox.workspace })}`);
  console.log(keyLine);

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
