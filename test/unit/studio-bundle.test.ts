// The studio webview bundles stay small (≤ 200 KB minified), built the way
// `node esbuild.mjs --production` builds them, and carry no host-only code; the app, which the
// page inlines, carries neither the toolkit nor zod (both load after the first paint: toolkit.js
// and schemas.js).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { build } from 'esbuild';

/** The budget from the issue; the studio opens within 1.2× of an empty panel partly thanks to it. */
const BUDGET_BYTES = 200 * 1024;

async function bundle(entry: string) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    legalComments: 'none',
    write: false,
    metafile: true,
    supported: { 'inline-script': false },
    charset: 'utf8',
  });
  return { bytes: result.outputFiles[0]!.contents.length, text: result.outputFiles[0]!.text, inputs: result.metafile.inputs };
}

describe('studio webview bundles', () => {
  test('the app, its schemas and the toolkit together are at most 200 KB minified, with zod/mini and without host modules', async () => {
    const app = await bundle('webview/main.ts');
    const schemas = await bundle('webview/schemas.ts');
    const toolkit = await bundle('webview/components/toolkit.ts');
    assert.ok(app.bytes + schemas.bytes + toolkit.bytes <= BUDGET_BYTES, `the bundles are ${app.bytes} + ${schemas.bytes} + ${toolkit.bytes} bytes, over the ${BUDGET_BYTES} budget`);
    const inputs = [...Object.keys(app.inputs), ...Object.keys(schemas.inputs)];
    assert.ok(!inputs.some((path) => /node_modules\/zod\/v4\/classic\//.test(path)), 'full zod stays out (zod/mini only)');
    assert.ok(!inputs.some((path) => /^src\/(dashscope|pipeline|host|commands)\//.test(path)), `no host code: ${inputs.filter((p) => p.startsWith('src/')).join(', ')}`);
  });

  test('the app, inlined into the page, carries none of the toolkit; only webview/components/toolkit.ts imports it', async () => {
    const app = await bundle('webview/main.ts');
    assert.ok(!Object.keys(app.inputs).some((path) => path.includes('node_modules/@vscode/webview-ui-toolkit') || path.includes('node_modules/@microsoft/fast')), 'no toolkit or FAST module in the app');
    // Inlined into a <script> element: nothing in it may end the element.
    assert.doesNotMatch(app.text, /<\/script/i);
    const toolkit = await bundle('webview/components/toolkit.ts');
    const importers = Object.entries({ ...app.inputs, ...toolkit.inputs })
      .filter(([, input]) => input.imports.some((i) => i.path.includes('@vscode/webview-ui-toolkit')))
      .map(([path]) => path)
      .filter((path) => path.startsWith('webview/'));
    assert.deepEqual([...new Set(importers)], ['webview/components/toolkit.ts'], 'only the component layer (its toolkit entry) imports the toolkit');
  });

  test('what only the host needs stays out of the webview, and the first paint carries neither zod nor the schemas', async () => {
    const schemas = await bundle('webview/schemas.ts');
    // The schemas of the webview's own messages: `{ type: z.literal('forgetJobs'), … }` minified is `{type:X("forgetJobs")`.
    for (const type of ['ready', 'forgetJobs', 'pasteImage', 'saveGlossary', 'dropUris']) assert.doesNotMatch(schemas.text, new RegExp(`type:[\\w$]+\\("${type}"\\)`), `the schema of "${type}" is in the webview`);
    assert.match(schemas.text, /type:[\w$]+\("init"\)/, 'the host messages are');
    // The string keys (the webview reads the strings init carries; it needs only their type).
    assert.doesNotMatch(schemas.text, /"title","modeGenerate","modeEdit"/, 'STRING_KEYS is in the webview');
    // The app, inlined into the page: its first paint needs neither (it draws from the bootstrap block).
    const app = await bundle('webview/main.ts');
    const heavy = Object.keys(app.inputs).filter((path) => path.includes('node_modules/zod') || path === 'src/protocol/messages.ts' || path === 'webview/schemas.ts');
    assert.deepEqual(heavy, [], 'zod and the protocol load after the first paint (dist/webview/schemas.js)');
    assert.match(app.text, /([\w$]+)=[\w$]+\.dataset\.schemas;.*?import\(\1\)/, 'the app imports schemas.js from the URL the page gives');
  });

  test('the Retouch mode is a chunk of its own, loaded when its tab opens, sharing the app\'s session and controls', async () => {
    const app = await bundle('webview/main.ts');
    const chunk = await bundle('webview/retouch/index.ts');
    const inApp = Object.keys(app.inputs);
    for (const heavy of ['webview/retouch/maskPainter.ts', 'webview/retouch/extendFrame.ts', 'webview/retouch/form.ts']) assert.ok(!inApp.includes(heavy), `${heavy} is in the app`);
    assert.match(app.text, /dataset\.retouch/, 'the app imports retouch.js from the URL the page gives');
    // A second copy of these would hold a second state and a toolkit flag of its own.
    const copies = Object.keys(chunk.inputs).filter((path) => ['webview/session.ts', 'webview/state.ts', 'webview/components/index.ts', 'webview/vscode-api.ts'].includes(path));
    assert.deepEqual(copies, [], 'the chunk reaches the session and the controls through its bridge only');
    assert.ok(!Object.keys(chunk.inputs).some((path) => path.includes('node_modules/zod')), 'no zod in the chunk');
    assert.ok(chunk.bytes <= 32 * 1024, `the Retouch chunk is ${chunk.bytes} bytes, over 32 KB`);
  });

  test('presets, Compare and the History tab are a chunk of their own (team.js), sharing the app\'s session and controls', async () => {
    const app = await bundle('webview/main.ts');
    const chunk = await bundle('webview/team/index.ts');
    const inApp = Object.keys(app.inputs);
    for (const part of ['webview/team/presets.ts', 'webview/team/compare.ts', 'webview/team/history.ts', 'src/protocol/compare.ts']) assert.ok(!inApp.includes(part), `${part} is in the app`);
    assert.match(app.text, /dataset\.team/, 'the app imports team.js from the URL the page gives');
    const copies = Object.keys(chunk.inputs).filter((path) => ['webview/session.ts', 'webview/state.ts', 'webview/components/index.ts', 'webview/vscode-api.ts', 'webview/host.ts'].includes(path));
    assert.deepEqual(copies, [], 'the chunk reaches the session, the connection and the controls through its bridge only');
    assert.ok(!Object.keys(chunk.inputs).some((path) => path.includes('node_modules/zod')), 'no zod in the chunk');
    assert.ok(chunk.bytes <= 16 * 1024, `the team chunk is ${chunk.bytes} bytes, over 16 KB`);
  });
});
