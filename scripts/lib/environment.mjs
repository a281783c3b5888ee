// Installs what the dev and test tooling needs, only when it is missing: the project's npm
// dependencies, the Debian packages from ../shared/notes/vscode-e2e.md (only as root), and
// code-server 4.100.3 in its own git-ignored cache folder (never a project dependency).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the extension's folder). */
export const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** code-server 4.100.3 bundles VS Code 1.100.3 and still runs on Node 20. */
export const CODE_SERVER_VERSION = '4.100.3';

/** Where code-server is installed (git-ignored, reused across runs). */
export const codeServerHome = join(repoRoot, '.vscode-test', 'code-server');

/** code-server's native modules build against these; chromium drives the UI tests. */
export const DEBIAN_PACKAGES = ['libkrb5-dev', 'libx11-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'ripgrep', 'chromium'];

/** Debian's chromium, used by playwright-core (no browser download). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Runs a command with inherited stdio; rejects when it fails. */
export function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', cwd: repoRoot, ...options });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) {
        resolve();
      } else {
        reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`));
      }
    });
  });
}

/** Runs `node esbuild.mjs` (with `--tests` to also bundle the integration suite). */
export async function buildExtension({ tests = false } = {}) {
  await run(process.execPath, ['esbuild.mjs', '--quiet', ...(tests ? ['--tests'] : [])]);
}

/** `npm ci` (or `npm install` without a lockfile) when node_modules is absent. */
export async function ensureNodeModules() {
  if (existsSync(join(repoRoot, 'node_modules', '.package-lock.json'))) {
    return;
  }
  const lockfile = existsSync(join(repoRoot, 'package-lock.json'));
  console.log(`setup: node_modules missing, running npm ${lockfile ? 'ci' : 'install'}`);
  await run('npm', [lockfile ? 'ci' : 'install', '--no-audit', '--no-fund']);
}

function isInstalled(debianPackage) {
  const query = spawnSync('dpkg-query', ['-W', '-f=${Status}', debianPackage], { encoding: 'utf8' });
  return query.status === 0 && query.stdout.includes('install ok installed');
}

/**
 * apt-get installs the missing packages (running `apt-get update` first only then), when
 * running as root on a Debian-like system; otherwise says what is missing and carries on.
 */
export async function ensureDebianPackages(packages = DEBIAN_PACKAGES) {
  if (!existsSync('/usr/bin/dpkg-query')) {
    return;
  }
  const missing = packages.filter((name) => !isInstalled(name));
  if (missing.length === 0) {
    return;
  }
  if (process.getuid?.() !== 0) {
    console.warn(`setup: missing Debian packages (install them as root): ${missing.join(' ')}`);
    return;
  }
  console.log(`setup: installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update'], { env });
  await run('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
}

/**
 * code-server's bundled @vscode/ripgrep downloads `rg` from GitHub in its postinstall unless
 * its cache already holds the archive; seed the cache with Debian's `rg` so it stays offline.
 */
function seedRipgrepCache() {
  const cache = join(process.env.TMPDIR || tmpdir(), 'vscode-ripgrep-cache-1.15.11');
  const archive = join(cache, 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz');
  if (existsSync(archive)) {
    return;
  }
  const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  if (!rg) {
    console.warn('setup: no `rg` on PATH; code-server will try to download ripgrep');
    return;
  }
  mkdirSync(cache, { recursive: true });
  const staging = mkdtempSync(join(tmpdir(), 'rg-'));
  try {
    copyFileSync(rg, join(staging, 'rg'));
    const tar = spawnSync('tar', ['czf', archive, '-C', staging, 'rg'], { stdio: 'inherit' });
    if (tar.status !== 0) {
      throw new Error('could not create the ripgrep cache archive');
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
export async function ensureCodeServer() {
  if (codeServerReady()) {
    return codeServerBin;
  }
  seedRipgrepCache();
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
  console.log(`setup: installing code-server@${CODE_SERVER_VERSION} into ${codeServerHome} (about a minute)`);
  await run(
    'npm',
    ['install', `code-server@${CODE_SERVER_VERSION}`, '--no-audit', '--no-fund', '--foreground-scripts'],
    {
      cwd: codeServerHome,
      // `yes` keeps an inner `npx node-gyp` from prompting; unsafe-perm lets scripts run as root.
      env: { ...process.env, npm_config_yes: 'true', npm_config_unsafe_perm: 'true' },
    },
  );
  if (!codeServerReady()) {
    throw new Error(
      `code-server@${CODE_SERVER_VERSION} installed without its postinstall output ` +
        `(lib/vscode/node_modules); check that npm ran its install scripts (allowScripts)`,
    );
  }
  return codeServerBin;
}

/** Everything `npm start` and the VS Code test tiers need on this machine. */
export async function ensureEnvironment() {
  await ensureNodeModules();
  await ensureDebianPackages();
  await ensureCodeServer();
}
