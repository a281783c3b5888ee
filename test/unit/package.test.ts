// The two packages, built as users build them, one after the other (both write dist/):
// - the .vsix, as `npm run package` makes it: its file list is the package.json `files` allowlist
//   (the one list vsce and npm both read): the bundles and assets ship; sources, tests, maps, docs
//   and node_modules do not (esbuild bundles every dependency). vsce packages without complaint:
//   the manifest has its repository, and the README's images are linked through it.
// - the npm tarball, as `npm install -g` of it installs the CLI: `npm pack` (its prepack script
//   makes the production build), an offline install into a temporary prefix, then the installed
//   `bailian-image` runs --version, models and a generation against the simulator. It is lean:
//   the same files, no runtime dependencies, about 1.5 MB installed.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { inflateRawSync } from 'node:zlib';
import { MODELS } from '../../src/dashscope/catalog';
import { startSimulator, type Simulator } from '../sim/index';
import { describeRun, runCli } from './cli-harness';

const root = join(__dirname, '..', '..');
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  repository: { url: string };
  scripts: Record<string, string>;
};
/** Where vsce points the README's relative images: the repository's files on its default branch. */
const imageBase = `${manifest.repository.url.replace(/\.git$/, '')}/raw/HEAD/`;

/**
 * What ships, as `vsce ls` lists it today (sorted): the .vsix and the npm tarball hold the same
 * files, as both read the one allowlist, package.json `files`. A file added to the allowlist, or
 * a new file one of its patterns picks up, fails both until it is added here on purpose.
 */
const SHIPPED_FILES = [
  'CHANGELOG.md',
  'LICENSE',
  'README.md',
  'dist/cli.js',
  'dist/extension.js',
  'dist/services.js',
  'dist/undici.js',
  'dist/webview/main.js',
  'dist/webview/retouch.js',
  'dist/webview/schemas.js',
  'dist/webview/studio.css',
  'dist/webview/team.js',
  'dist/webview/toolkit.js',
  'l10n/bundle.l10n.zh-cn.json',
  'media/icon.png',
  'media/icon.svg',
  'media/schemas/presets.schema.json',
  'media/walkthrough/first.md',
  'media/walkthrough/key.md',
  'media/walkthrough/region.md',
  'media/walkthrough/translate.md',
  'package.json',
  'package.nls.json',
  'package.nls.zh-cn.json',
];

/** Entries of a zip archive (name and, when stored or deflated, content) from its central directory. */
function readZip(buffer: Buffer): Map<string, () => Buffer> {
  const end = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  assert.ok(end >= 0, 'zip end-of-central-directory record');
  const count = buffer.readUInt16LE(end + 10);
  let offset = buffer.readUInt32LE(end + 16);
  const entries = new Map<string, () => Buffer>();
  for (let i = 0; i < count; i += 1) {
    assert.equal(buffer.readUInt32LE(offset), 0x02014b50, 'central directory header');
    const method = buffer.readUInt16LE(offset + 10);
    const compressedSize = buffer.readUInt32LE(offset + 20);
    const nameLength = buffer.readUInt16LE(offset + 28);
    const extraLength = buffer.readUInt16LE(offset + 30);
    const commentLength = buffer.readUInt16LE(offset + 32);
    const localOffset = buffer.readUInt32LE(offset + 42);
    const name = buffer.toString('utf8', offset + 46, offset + 46 + nameLength);
    entries.set(name, () => {
      const dataStart = localOffset + 30 + buffer.readUInt16LE(localOffset + 26) + buffer.readUInt16LE(localOffset + 28);
      const data = buffer.subarray(dataStart, dataStart + compressedSize);
      return method === 8 ? inflateRawSync(data) : data;
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

describe('packaged .vsix', { timeout: 180_000 }, () => {
  let outDir: string;
  let entries: Map<string, () => Buffer>;
  let files: string[];
  let vsceOutput: string;

  before(() => {
    outDir = mkdtempSync(join(tmpdir(), 'bailian-vsix-'));
    const vsix = join(outDir, 'extension.vsix');
    execFileSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: root, stdio: 'pipe' });
    // As `npm run package` calls it: no flag excuses missing metadata or keeps relative links.
    const packaged = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--out', vsix], { cwd: root, encoding: 'utf8' });
    assert.equal(packaged.status, 0, packaged.stderr + packaged.stdout);
    vsceOutput = packaged.stdout + packaged.stderr;
    entries = readZip(readFileSync(vsix));
    // Extension files live under extension/; the rest is VSIX metadata.
    files = [...entries.keys()].filter((name) => name.startsWith('extension/')).map((name) => name.slice('extension/'.length));
  });

  after(() => rmSync(outDir, { recursive: true, force: true }));

  test('holds the bundles, the manifest, localization and assets', () => {
    for (const required of [
      'package.json',
      'readme.md', // vsce stores README.md under this name
      'LICENSE.txt',
      'dist/extension.js',
      'dist/services.js',
      'dist/undici.js',
      'dist/webview/main.js',
  'dist/webview/retouch.js',
      'dist/webview/toolkit.js',
      'dist/webview/schemas.js',
  'dist/webview/team.js',
      'media/icon.png',
      'media/icon.svg',
  'media/schemas/presets.schema.json',
      'dist/webview/studio.css',
      'package.nls.json',
      'package.nls.zh-cn.json',
      'l10n/bundle.l10n.zh-cn.json',
    ]) {
      assert.ok(files.includes(required), `${required} is packaged (got ${files.join(', ')})`);
    }
  });

  test('holds no sources, tests, source maps or node_modules', () => {
    const forbidden = files.filter(
      (file) =>
        /^(src|test|webview|scripts|out|node_modules|\.vscode-test|\.ci)\//.test(file) ||
        // The stylesheet's sources: the page inlines their bundle, dist/webview/studio.css.
        /^media\/studio(\.css$|\/)/.test(file) ||
        /\.(ts|mts|map)$/.test(file) ||
        /(^|\/)node_modules\//.test(file),
    );
    assert.deepEqual(forbidden, []);
  });

  test('the host and CLI bundles require only vscode, Node built-ins and each other (no node_modules ship)', () => {
    // `node:` ids include prefix-only ones that older Node versions do not list (undici's lazy `node:sqlite`).
    const builtins = { has: (id: string) => id.startsWith('node:') || builtinModules.includes(id) };
    const allowed: Record<string, (id: string) => boolean> = {
      'dist/extension.js': (id) => id === 'vscode' || id === './services.js' || builtins.has(id),
      'dist/services.js': (id) => id === 'vscode' || id === './undici.js' || builtins.has(id),
      'dist/undici.js': (id) => builtins.has(id),
      'dist/cli.js': (id) => id === './undici.js' || builtins.has(id),
    };
    for (const [file, ok] of Object.entries(allowed)) {
      const text = entries.get(`extension/${file}`)!().toString('utf8');
      const ids = [...text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!);
      assert.ok(ids.length > 0, `${file} requires something`);
      assert.deepEqual(ids.filter((id) => !ok(id)), [], `${file} requires only what ships`);
    }
    assert.match(entries.get('extension/dist/services.js')!().toString('utf8'), /require\("\.\/undici\.js"\)/, 'the client loads undici from its own bundle');
    assert.match(entries.get('extension/dist/cli.js')!().toString('utf8'), /require\("\.\/undici\.js"\)/, 'the CLI shares that bundle');
  });

  test('dist/services.js, which the first command of a window waits for, holds neither undici nor zod\'s locales', () => {
    const services = entries.get('extension/dist/services.js')!();
    // ~456 KB today (presets, image operations); with undici (520 KB) or the 64 locales of zod's named `z` (360 KB) it is over 800 KB.
    assert.ok(services.length < 520 * 1024, `dist/services.js is ${Math.round(services.length / 1024)} KB`);
    const text = services.toString('utf8');
    // A diagnostics channel name of undici's, and the German locale's "invalid input" (as esbuild
    // writes it: ASCII, with \x escapes).
    assert.doesNotMatch(text, /undici:request/);
    assert.doesNotMatch(text, /Ung(ü|\\xFC)ltige Eingabe/);
  });

  test('vsce packages without a warning (repository, license, changelog, banner all present)', () => {
    assert.doesNotMatch(vsceOutput, /WARNING|ERROR|missing|not found/i, vsceOutput);
    assert.match(vsceOutput, /DONE\s+Packaged/);
    assert.doesNotMatch(manifest.scripts.package!, /--allow-missing-repository|--no-rewrite-relative-links|--baseImagesUrl/, 'npm run package needs no flag that excuses metadata');
  });

  test('`vsce ls` lists exactly the files that ship today', () => {
    const listed = execFileSync(process.execPath, [vsce, 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' })
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .sort();
    assert.deepEqual(listed, SHIPPED_FILES);
    // The .vsix holds the same files (vsce renames three of them).
    const renamed: Record<string, string> = { 'readme.md': 'README.md', 'changelog.md': 'CHANGELOG.md', 'LICENSE.txt': 'LICENSE' };
    assert.deepEqual(files.map((file) => renamed[file] ?? file).sort(), SHIPPED_FILES);
  });

  test("the README's images are relative in the repository and point into it in the package", () => {
    const source = readFileSync(join(root, 'README.md'), 'utf8');
    const relative = [...source.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    assert.ok(relative.length >= 1, 'the README shows a picture');
    for (const image of relative) {
      assert.doesNotMatch(image, /^\w+:/, `${image} is a relative path in the repository`);
      assert.ok(existsSync(join(root, image)), `${image} is a file of the repository`);
    }
    const readme = entries.get('extension/readme.md')!().toString('utf8');
    const packaged = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    assert.deepEqual(packaged, relative.map((image) => `${imageBase}${image}`));
  });

  test('the packaged manifest is the extension manifest', () => {
    const manifest = JSON.parse(entries.get('extension/package.json')!().toString('utf8')) as { name: string; main: string };
    assert.equal(manifest.name, 'bailian-image-studio');
    assert.equal(manifest.main, './dist/extension.js');
  });
});

/**
 * Today's figures: 21 files, 1.49 MB unpacked and as installed (one package), 470 KB packed.
 * Before the allowlist: 307 files, 15 packages (React and the webview toolkit among them), 29 MB.
 */
const MAX_FILES = 25;
const MAX_UNPACKED_BYTES = 2 * 1024 * 1024;
const MAX_INSTALLED_BYTES = 2 * 1024 * 1024;

/** npm's own settings from a parent `npm run` would steer the install; the test gives its own. */
function npmEnv(cache: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  for (const k of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) delete env[k];
  return { ...env, npm_config_cache: cache, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' };
}

/** Bytes and regular files under a folder (symbolic links not followed). */
function measure(dir: string): { bytes: number; files: string[] } {
  const files: string[] = [];
  let bytes = 0;
  for (const name of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const stat = statSync(join(dir, name), { throwIfNoEntry: false });
    if (stat?.isFile()) {
      files.push(name);
      bytes += stat.size;
    }
  }
  return { bytes, files };
}

describe('npm package: the CLI installs as a lean command', { timeout: 180_000 }, () => {
  let work: string;
  let prefix: string;
  let bin: string;
  let packed: { entryCount: number; unpackedSize: number; files: { path: string }[] };
  let sim: Simulator;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'bailian-npm-'));
    prefix = join(work, 'prefix');
    const env = npmEnv(join(work, 'npm-cache'));
    const pack = spawnSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: root, env, encoding: 'utf8' });
    assert.equal(pack.status, 0, pack.stderr);
    packed = (JSON.parse(pack.stdout) as (typeof packed)[])[0]!;
    const tarball = join(work, `${manifest.name}-${manifest.version}.tgz`);
    // Offline: a package without dependencies needs nothing from a registry.
    const install = spawnSync('npm', ['install', '--global', '--prefix', prefix, '--offline', tarball], { cwd: work, env, encoding: 'utf8' });
    assert.equal(install.status, 0, install.stderr + install.stdout);
    bin = join(prefix, 'bin', 'bailian-image');
    sim = await startSimulator({ rateLimits: false, timing: { scale: 0.002, pendingMs: 30, runningMs: 60, streamEventMs: 5 } });
  });

  after(async () => {
    await sim?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  test('the tarball holds the allowlisted files only, within the bounds', () => {
    assert.deepEqual(packed.files.map((f) => f.path).sort(), SHIPPED_FILES);
    assert.ok(packed.entryCount <= MAX_FILES, `${packed.entryCount} files (at most ${MAX_FILES})`);
    assert.ok(packed.unpackedSize <= MAX_UNPACKED_BYTES, `${packed.unpackedSize} bytes unpacked (at most ${MAX_UNPACKED_BYTES})`);
  });

  test('the install pulls in no other package and stays within the bounds', () => {
    assert.equal(manifest.dependencies, undefined, 'no runtime dependencies: esbuild bundles them');
    assert.deepEqual(readdirSync(join(prefix, 'lib', 'node_modules')).filter((name) => !name.startsWith('.')), [manifest.name]);
    const installed = measure(prefix);
    assert.ok(installed.files.length <= MAX_FILES, `${installed.files.length} files installed (at most ${MAX_FILES}): ${installed.files.join(', ')}`);
    assert.ok(installed.bytes <= MAX_INSTALLED_BYTES, `${installed.bytes} bytes installed (at most ${MAX_INSTALLED_BYTES})`);
  });

  test('bailian-image --version and models run from the install', () => {
    assert.equal(execFileSync(bin, ['--version'], { cwd: work, encoding: 'utf8' }).trim(), manifest.version);
    const models = execFileSync(bin, ['models'], { cwd: work, encoding: 'utf8' });
    assert.match(models, /^MODEL\s+COMMAND\s+MODE/);
    for (const m of MODELS) assert.ok(models.includes(m.id), m.id);
  });

  test('the installed CLI generates against the simulator (undici from its shared bundle)', async () => {
    // Not spawnSync: the simulator answers from this process's event loop.
    const run = await runCli(bin, ['generate', 'a lighthouse at dawn', '--model', 'z-image-turbo', '--base-url', sim.urls.beijing, '--json', '--quiet'], {
      cwd: work,
      env: { DASHSCOPE_API_KEY: sim.keys.beijing },
    });
    assert.equal(run.code, 0, describeRun(run));
    const out = JSON.parse(run.stdout) as { paths: string[] };
    assert.equal(out.paths.length, 1);
    assert.ok(statSync(join(work, out.paths[0]!)).size > 0);
  });
});
