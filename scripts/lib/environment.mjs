// Installs what the dev and test tooling needs, only when it is missing: the project's npm
// dependencies, the Debian packages from ../shared/notes/vscode-e2e.md (only as root), and
// code-server 4.100.3 in its own git-ignored cache folder (never a project dependency).
//
// Each install or build step prints one progress line; its full output (hundreds of npm and
// node-gyp lines, some of them alarming but harmless, such as node-pre-gyp's ENOTFOUND
// github.com before argon2 builds from source) goes to .vscode-test/logs/<who>-<step>.log,
// and only a failing step shows the tail of that log.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the extension's folder). */
export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** code-server 4.100.3 bundles VS Code 1.100.3 and still runs on Node 20. */
export const CODE_SERVER_VERSION = '4.100.3';

/** Where code-server is installed (git-ignored, reused across runs). */
export const codeServerHome = join(repoRoot, '.vscode-test', 'code-server');

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
function toolEnv(extra = {}) {
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

/** The code-server launcher inside the cache. */
export const codeServerBin = join(codeServerHome, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

function codeServerReady() {
  const manifest = join(codeServerHome, 'node_modules', 'code-server', 'package.json');
  return (
    existsSync(codeServerBin) &&
    existsSync(manifest) &&
    JSON.parse(readFileSync(manifest, 'utf8')).version === CODE_SERVER_VERSION &&
    // Written by code-server's postinstall (it installs VS Code's own dependencies).
    existsSync(join(codeServerHome, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules'))
  );
}

/**
 * Installs code-server into .vscode-test/code-server on first use and returns its launcher.
 *
 * npm 11 gates dependency install scripts behind the `allowScripts` field of the installing
 * project's package.json; code-server needs its postinstall (it installs VS Code's server
 * dependencies) and argon2 needs its native build, so the cache's package.json allows exactly
 * those two. Entries are name-only because this machine's npmrc omits `resolved` URLs, which
 * pinned (`name@version`) entries require.
 */
export async function ensureCodeServer({ who = 'setup' } = {}) {
  if (codeServerReady()) {
    return codeServerBin;
  }
  seedRipgrepCache(who);
  mkdirSync(codeServerHome, { recursive: true });
  writeFileSync(
    join(codeServerHome, 'package.json'),
    `${JSON.stringify(
      {
        name: 'bailian-code-server-cache',
        private: true,
        description: 'code-server for the Bailian Image Studio tests (installed by scripts/lib/environment.mjs)',
        allowScripts: { 'code-server': true, argon2: true },
      },
      null,
      2,
    )}\n`,
  );
  await runStep(
    {
      who,
      step: 'code-server',
      label: `installing code-server ${CODE_SERVER_VERSION} into ${displayPath(codeServerHome)} (first run only, about a minute)`,
    },
    'npm',
    ['install', `code-server@${CODE_SERVER_VERSION}`, '--no-audit', '--no-fund', '--foreground-scripts'],
    {
      cwd: codeServerHome,
      // `yes` keeps an inner `npx node-gyp` from prompting; unsafe-perm lets scripts run as root.
      env: toolEnv({ npm_config_yes: 'true', npm_config_unsafe_perm: 'true' }),
    },
  );
  if (!codeServerReady()) {
    throw new Error(
      `code-server@${CODE_SERVER_VERSION} installed without its postinstall output ` +
        `(lib/vscode/node_modules); check that npm ran its install scripts (allowScripts) in ` +
        displayPath(join(logsDir, `${who}-code-server.log`)),
    );
  }
  return codeServerBin;
}

/** Everything `npm start` and the VS Code test tiers need on this machine; `who` prefixes its lines and logs. */
export async function ensureEnvironment({ who = 'setup' } = {}) {
  await ensureNodeModules({ who });
  await ensureDebianPackages(DEBIAN_PACKAGES, { who });
  await ensureCodeServer({ who });
}
