// Builds the .vsix the way `npm run package` does and checks its file list against the
// .vscodeignore allowlist: the bundles and assets ship; sources, tests, maps and
// node_modules do not (esbuild bundles the runtime dependencies).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { inflateRawSync } from 'node:zlib';

const root = join(__dirname, '..', '..');

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

  before(() => {
    outDir = mkdtempSync(join(tmpdir(), 'bailian-vsix-'));
    const vsix = join(outDir, 'extension.vsix');
    execFileSync(process.execPath, ['esbuild.mjs', '--production'], { cwd: root, stdio: 'pipe' });
    execFileSync(
      process.execPath,
      [join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', vsix],
      { cwd: root, stdio: 'pipe' },
    );
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
      'dist/webview/toolkit.js',
      'dist/webview/schemas.js',
      'media/icon.png',
      'media/icon.svg',
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

  test('ships nothing outside the allowlist', () => {
    const allowed = /^(package\.json|readme\.md|LICENSE\.txt|dist\/(extension|services|undici)\.js|dist\/webview\/[^/]+\.(js|css)|media\/.+|docs\/images\/[^/]+\.png|package\.nls(\.[a-z-]+)?\.json|l10n\/.+\.json)$/;
    assert.deepEqual(
      files.filter((file) => !allowed.test(file)),
      [],
    );
  });

  test('the host bundles require only vscode, Node built-ins and each other (no node_modules ship)', () => {
    // `node:` ids include prefix-only ones that older Node versions do not list (undici's lazy `node:sqlite`).
    const builtins = { has: (id: string) => id.startsWith('node:') || builtinModules.includes(id) };
    const allowed: Record<string, (id: string) => boolean> = {
      'dist/extension.js': (id) => id === 'vscode' || id === './services.js' || builtins.has(id),
      'dist/services.js': (id) => id === 'vscode' || id === './undici.js' || builtins.has(id),
      'dist/undici.js': (id) => builtins.has(id),
    };
    for (const [file, ok] of Object.entries(allowed)) {
      const text = entries.get(`extension/${file}`)!().toString('utf8');
      const ids = [...text.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!);
      assert.ok(ids.length > 0, `${file} requires something`);
      assert.deepEqual(ids.filter((id) => !ok(id)), [], `${file} requires only what ships`);
    }
    assert.match(entries.get('extension/dist/services.js')!().toString('utf8'), /require\("\.\/undici\.js"\)/, 'the client loads undici from its own bundle');
  });

  test('dist/services.js, which the first command of a window waits for, holds neither undici nor zod\'s locales', () => {
    const services = entries.get('extension/dist/services.js')!();
    // ~330 KB today; with undici (520 KB) or the 64 locales of zod's named `z` (360 KB) it is over 600 KB.
    assert.ok(services.length < 450 * 1024, `dist/services.js is ${Math.round(services.length / 1024)} KB`);
    const text = services.toString('utf8');
    // A diagnostics channel name of undici's, and the German locale's "invalid input" (as esbuild
    // writes it: ASCII, with \x escapes).
    assert.doesNotMatch(text, /undici:request/);
    assert.doesNotMatch(text, /Ung(ü|\\xFC)ltige Eingabe/);
  });

  test('every image the README shows ships, and the README keeps its relative links', () => {
    const readme = entries.get('extension/readme.md')!().toString('utf8');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    assert.ok(images.length >= 2, `the README shows screenshots (got ${images.join(', ')})`);
    for (const image of images) {
      assert.doesNotMatch(image, /^\w+:/, `${image} is a relative path`);
      assert.ok(files.includes(image), `${image} is packaged`);
    }
  });

  test('the packaged manifest is the extension manifest', () => {
    const manifest = JSON.parse(entries.get('extension/package.json')!().toString('utf8')) as { name: string; main: string };
    assert.equal(manifest.name, 'bailian-image-studio');
    assert.equal(manifest.main, './dist/extension.js');
  });
});
