// One esbuild config per target: the extension host (node, cjs, `vscode` external),
// the CLI (node, cjs), the studio webview (browser, esm) and its stylesheet (css).
// `--production` minifies and drops source maps; `--watch` rebuilds on change; `--tests` also
// bundles the in-editor integration suite (test/suite → out/test/suite); `--quiet` prints only
// problems. Type checking is `npm run check`.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');
const quiet = process.argv.includes('--quiet');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: quiet ? 'warning' : 'info',
  legalComments: 'none',
};

/** In dist/services.js and dist/cli.js, `undici` is dist/undici.js, the bundle next to them. */
/** @type {import('esbuild').Plugin} */
const undiciBesideServices = {
  name: 'undici-beside-services',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, () => ({ path: './undici.js', external: true }));
  },
};

/** @type {import('esbuild').BuildOptions[]} */
const targets = [
  {
    // The activation shim: vscode and the constants only; the rest loads on first use.
    ...common,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', './services.js'],
  },
  {
    // Everything else of the extension host: the client (zod), the pipeline, the commands.
    ...common,
    entryPoints: ['src/services.ts'],
    outfile: 'dist/services.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    plugins: [undiciBesideServices],
  },
  {
    // undici on its own (520 KB minified, as large as the rest of the host's code): the client
    // requires it on the first request, so loading dist/services.js does not read and compile it.
    ...common,
    entryPoints: [createRequire(import.meta.url).resolve('undici')],
    outfile: 'dist/undici.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
  },
  {
    // The CLI shares dist/undici.js with the extension host (the npm package and the .vsix ship
    // one copy), and requires it on the first request as the client does.
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [undiciBesideServices],
  },
  {
    ...common,
    entryPoints: ['webview/main.ts'],
    outfile: 'dist/webview/main.js',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    // Inlined into the page: nothing in it may end its <script> element.
    supported: { 'inline-script': false },
    // The page is UTF-8 (and module scripts always are): no \u escapes for the UI's characters.
    charset: 'utf8',
  },
  {
    // The stylesheet: media/studio.css imports its parts (media/studio/); the page inlines the
    // bundle, so a source map would point nowhere. No target: the CSS goes out as written.
    ...common,
    sourcemap: false,
    entryPoints: ['media/studio.css'],
    outfile: 'dist/webview/studio.css',
    charset: 'utf8',
  },
  {
    // The host messages' schemas with zod, imported by the app after its first paint.
    ...common,
    entryPoints: ['webview/schemas.ts'],
    outfile: 'dist/webview/schemas.js',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    charset: 'utf8',
  },
  {
    // The Retouch mode (mask painter, extension frame), imported when its tab first opens.
    ...common,
    entryPoints: ['webview/retouch/index.ts'],
    outfile: 'dist/webview/retouch.js',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    charset: 'utf8',
  },
  {
    // Presets and Compare (the picker, the ticks, a comparison's columns), imported after the first paint.
    ...common,
    entryPoints: ['webview/team/index.ts'],
    outfile: 'dist/webview/team.js',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    charset: 'utf8',
  },
  {
    ...common,
    entryPoints: ['webview/components/toolkit.ts'],
    outfile: 'dist/webview/toolkit.js',
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    charset: 'utf8',
  },
];

if (tests) {
  // The suite runs every *.test.js it finds, so a bundle of a test file that was renamed or
  // removed must not survive from an earlier build.
  rmSync('out/test/suite', { recursive: true, force: true });
  // One bundle per suite file, so index.js can hand each *.test.js to mocha. `mocha` stays
  // external: it is resolved from node_modules when the extension host loads the suite.
  targets.push({
    ...common,
    sourcemap: true,
    entryPoints: readdirSync('test/suite')
      .filter((name) => name.endsWith('.ts'))
      .map((name) => `test/suite/${name}`),
    outdir: 'out/test/suite',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
  });
}

// Entries written by other work streams may not exist yet (e.g. src/cli.ts); build the rest.
const buildable = targets.filter((target) => {
  const missing = /** @type {string[]} */ (target.entryPoints).filter((entry) => !existsSync(entry));
  if (missing.length > 0) {
    if (!quiet) console.warn(`[esbuild] skipping ${missing.join(', ')}: not found`);
    return false;
  }
  return true;
});

if (watch) {
  const contexts = await Promise.all(buildable.map((t) => esbuild.context(t)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[watch] watching for changes');
} else {
  await Promise.all(buildable.map((t) => esbuild.build(t)));
}
