// Runs VS Code in the browser for `npm start` and the integration and UI tiers: a
// code-server on a free loopback port with its own user-data folder and workspace, plus
// Debian's chromium through playwright-core. Recipe: ../shared/notes/vscode-e2e.md.
// Every process started here is registered with `onCleanup` and stopped on exit or signal.
import { spawn } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CHROMIUM_PATH, CODE_SERVER_VERSION, codeServerBin, repoRoot, runStep, toolEnv, VSCODE_VERSION, withNodeFirst } from './environment.mjs';

/** The sample workspace copied into every sandbox. */
export const fixtureWorkspace = join(repoRoot, 'test', 'fixtures', 'workspace');

// ---------------------------------------------------------------------------------------------
// Cleanup: one LIFO list for the whole process, run once on normal exit, error or signal.

const cleanups = [];
let cleaning;

/** Registers an async cleanup step; returns a function that runs and unregisters it early. */
export function onCleanup(step) {
  cleanups.push(step);
  return async () => {
    const index = cleanups.indexOf(step);
    if (index >= 0) {
      cleanups.splice(index, 1);
      await step();
    }
  };
}

/** Runs every registered cleanup step (last registered first); safe to call repeatedly. */
export function runCleanups() {
  cleaning ??= (async () => {
    while (cleanups.length > 0) {
      const step = cleanups.pop();
      try {
        await step();
      } catch (error) {
        console.error('cleanup failed:', error);
      }
    }
  })().finally(() => {
    cleaning = undefined;
  });
  return cleaning;
}

let signalsInstalled = false;
let stopRequested = false;

/** Whether a signal asked this process to stop (cleanups are then already running). */
export function isStopRequested() {
  return stopRequested;
}

/** On SIGINT/SIGTERM/SIGHUP: clean up, then exit with 128+signal. */
export function installSignalHandlers() {
  if (signalsInstalled) {
    return;
  }
  signalsInstalled = true;
  const codes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 };
  for (const [signal, code] of Object.entries(codes)) {
    process.once(signal, () => {
      stopRequested = true;
      console.error(`\n${signal}: stopping…`);
      void runCleanups().finally(() => process.exit(code));
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Ports and polling.

/** A free TCP port on 127.0.0.1 (the OS picks it). */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * Polls `probe` until it returns a truthy value, every `intervalMs`, giving up after
 * `timeoutMs` with an error naming `what`. `abortIf` (checked each round) fails fast.
 */
export async function waitFor(what, probe, { timeoutMs = 60_000, intervalMs = 250, abortIf } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = abortIf?.();
    if (reason) {
      throw new Error(`${what}: ${reason}`);
    }
    const value = await probe();
    if (value) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

async function httpOk(url) {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Sandboxes: user data, extensions and a copy of the sample workspace.

/**
 * Creates the folders code-server runs in. Throw-away (under the OS temp folder, removed at
 * cleanup) unless `persistentDir` is given (npm start keeps its settings and secrets).
 * `settings` are merged into the user settings.json.
 */
export function createSandbox(name, { settings = {}, persistentDir } = {}) {
  const dir = persistentDir ? resolve(persistentDir) : mkdtempSync(join(tmpdir(), `bailian-${name}-`));
  const sandbox = {
    dir,
    userDataDir: join(dir, 'user-data'),
    extensionsDir: join(dir, 'extensions'),
    workspace: join(dir, 'workspace'),
  };
  mkdirSync(join(sandbox.userDataDir, 'User'), { recursive: true });
  mkdirSync(sandbox.extensionsDir, { recursive: true });
  if (!existsSync(sandbox.workspace)) {
    cpSync(fixtureWorkspace, sandbox.workspace, { recursive: true });
  }
  const settingsFile = join(sandbox.userDataDir, 'User', 'settings.json');
  const current = existsSync(settingsFile) ? JSON.parse(readFileSync(settingsFile, 'utf8') || '{}') : {};
  writeFileSync(
    settingsFile,
    `${JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'workbench.tips.enabled': false,
        'security.workspace.trust.enabled': false,
        'extensions.ignoreRecommendations': true,
        'telemetry.telemetryLevel': 'off',
        // Sandboxes live inside this repository's tree; do not offer to open its git repo.
        'git.openRepositoryInParentFolders': 'never',
        // Newer VS Code opens a Chat panel beside the editors by default; give the editors the room.
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        ...current,
        ...settings,
      },
      null,
      2,
    )}\n`,
  );
  if (!persistentDir) {
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  }
  return sandbox;
}

/** The stand-in language pack (test/fixtures/language-pack-zh-cn) for flows with the UI in Chinese. */
export const testLanguagePack = join(repoRoot, 'test', 'fixtures', 'language-pack-zh-cn');

/**
 * Registers the language pack extension in `packDir` with the sandbox's server the way VS Code
 * does when it installs one: an entry per contributed language in `<user-data>/languagepacks.json`
 * naming its translation files. A window then runs in that language when the browser asks for
 * it (Accept-Language, e.g. playwright's `locale: 'zh-CN'`) and no locale is forced: the server
 * takes `--locale`, then `locale` in `User/argv.json`, then the cookie, then Accept-Language, so
 * argv.json is written without a locale. Windows in other languages are unaffected.
 */
export function registerLanguagePack(sandbox, packDir = testLanguagePack) {
  const manifest = JSON.parse(readFileSync(join(packDir, 'package.json'), 'utf8'));
  const packs = {};
  for (const localization of manifest.contributes.localizations) {
    packs[localization.languageId] = {
      // VS Code hashes the ids and versions of the packs' extensions; any stable string will do.
      hash: `${manifest.publisher}.${manifest.name}@${manifest.version}`.replace(/[^a-z0-9]+/gi, '-'),
      extensions: [{ extensionIdentifier: { id: `${manifest.publisher}.${manifest.name}` }, version: manifest.version }],
      translations: Object.fromEntries(localization.translations.map((t) => [t.id, join(packDir, t.path)])),
      label: localization.localizedLanguageName ?? localization.languageName,
    };
  }
  writeFileSync(join(sandbox.userDataDir, 'languagepacks.json'), JSON.stringify(packs));
  const argv = join(sandbox.userDataDir, 'User', 'argv.json');
  if (!existsSync(argv)) writeFileSync(argv, '{}\n');
}

// ---------------------------------------------------------------------------------------------
// code-server.

/** code-server 4.100.3 on this Node; ensureCodeServer in environment.mjs describes the others. */
const oldestCodeServer = { version: CODE_SERVER_VERSION, vscodeVersion: VSCODE_VERSION, bin: codeServerBin, node: process.execPath, newest: false };

/**
 * Installs a packaged extension (`vsix`) into the sandbox's extensions folder with the
 * code-server that will run it, as a user installs one.
 */
export async function installExtension(sandbox, vsix, { codeServer = oldestCodeServer, who = 'setup' } = {}) {
  await runStep(
    { who, step: 'install-extension', label: `installing ${vsix.split('/').at(-1)} into code-server ${codeServer.version}` },
    codeServer.node,
    [codeServer.bin, '--user-data-dir', sandbox.userDataDir, '--extensions-dir', sandbox.extensionsDir, '--install-extension', vsix, '--force'],
    { env: toolEnv({ PATH: withNodeFirst(codeServer.node) }) },
  );
}

/**
 * Starts code-server (`codeServer` from ensureCodeServer, 4.100.3 by default) for `sandbox` on
 * 127.0.0.1:`port` (a free one by default) and resolves once it answers HTTP. Its output goes
 * to `logFile`; `env` is added to its environment (the extension host inherits it). The process
 * runs in its own process group so stopping it also stops its extension hosts.
 */
export async function startCodeServer({ sandbox, port, env = {}, logFile, extraArgs = [], workspaceTrust = false, codeServer = oldestCodeServer }) {
  port ??= await freePort();
  const log = logFile ? createWriteStream(logFile) : undefined;
  const child = spawn(
    codeServer.node,
    [
      codeServer.bin,
      '--auth',
      'none',
      '--bind-addr',
      `127.0.0.1:${port}`,
      '--user-data-dir',
      sandbox.userDataDir,
      '--extensions-dir',
      sandbox.extensionsDir,
      '--disable-telemetry',
      '--disable-update-check',
      // Trust is off unless a test needs restricted mode (the untrusted-workspace suite).
      ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
      '--disable-getting-started-override',
      ...extraArgs,
      sandbox.workspace,
    ],
    { cwd: sandbox.dir, env: { ...process.env, PATH: withNodeFirst(codeServer.node), ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let output = '';
  const collect = (chunk) => {
    output += chunk;
    log?.write(chunk);
  };
  child.stdout.setEncoding('utf8').on('data', collect);
  child.stderr.setEncoding('utf8').on('data', collect);
  let exited;
  const exitedPromise = new Promise((resolveExit) =>
    child.on('exit', (code, signal) => {
      exited = signal ?? `exit code ${code}`;
      resolveExit();
    }),
  );

  const stop = onCleanup(async () => {
    if (exited === undefined) {
      killGroup(child.pid, 'SIGTERM');
      const forced = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 5_000);
      await exitedPromise;
      clearTimeout(forced);
    }
    // Extension hosts may outlive the server briefly; make sure the group is gone.
    killGroup(child.pid, 'SIGKILL');
    await new Promise((r) => log ? log.end(r) : r());
  });

  const origin = `http://127.0.0.1:${port}`;
  await waitFor('code-server to answer', () => httpOk(`${origin}/healthz`), {
    timeoutMs: 60_000,
    abortIf: () => exited !== undefined && `code-server stopped (${exited}):\n${output.slice(-2000)}`,
  });
  return {
    port,
    origin,
    pid: child.pid,
    /** Everything code-server printed so far. */
    output: () => output,
    /** Why the process exited, or undefined while it runs. */
    exitReason: () => exited,
    /** Resolves when the process has exited. */
    whenExited: exitedPromise,
    stop,
  };
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * The workbench URL for `folder`, loading the extension under development (none when
 * `extensionDevelopmentPath` is null: an installed one) and, when given, running the
 * integration suite at `extensionTestsPath` in the extension host.
 */
export function workbenchUrl(server, { folder, extensionDevelopmentPath = repoRoot, extensionTestsPath } = {}) {
  const remote = (path) => `vscode-remote://127.0.0.1:${server.port}${path}`;
  const payload = extensionDevelopmentPath === null ? [] : [['extensionDevelopmentPath', remote(extensionDevelopmentPath)]];
  if (extensionTestsPath) {
    payload.push(['extensionTestsPath', remote(extensionTestsPath)]);
  }
  const query = new URLSearchParams();
  if (folder) {
    query.set('folder', folder);
  }
  if (payload.length > 0) query.set('payload', JSON.stringify(payload));
  return `${server.origin}/?${query.toString()}`;
}

// ---------------------------------------------------------------------------------------------
// Chromium.

/** Flags that work for Debian's chromium here (see the recipe). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Launches Debian's chromium headless through playwright-core; closed at cleanup. */
export async function launchChromium({ headless = true } = {}) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless,
    args: CHROMIUM_ARGS,
    // Our own handlers run the cleanups (which close the browser) on signals.
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  onCleanup(() => browser.close().catch(() => undefined));
  return browser;
}
