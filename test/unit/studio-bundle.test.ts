// The studio webview bundle stays small (issue 8: ≤ 200 KB minified), built the way
// `node esbuild.mjs --production` builds it, and carries no host-only code.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { build } from 'esbuild';

/** The budget from the issue; the studio opens within 1.2× of an empty panel partly thanks to it. */
const BUDGET_BYTES = 200 * 1024;

describe('studio webview bundle', () => {
  test('is at most 200 KB minified, with zod/mini and without host modules', async () => {
    const result = await build({
      entryPoints: ['webview/main.ts'],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      legalComments: 'none',
      write: false,
      metafile: true,
    });
    const bytes = result.outputFiles[0]!.contents.length;
    assert.ok(bytes <= BUDGET_BYTES, `the bundle is ${bytes} bytes, over the ${BUDGET_BYTES} budget`);
    const inputs = Object.keys(result.metafile.inputs);
    assert.ok(!inputs.some((path) => /node_modules\/zod\/v4\/classic\//.test(path)), 'full zod stays out (zod/mini only)');
    assert.ok(!inputs.some((path) => /^src\/(dashscope|pipeline|host|commands)\//.test(path)), `no host code: ${inputs.filter((p) => p.startsWith('src/')).join(', ')}`);
    const toolkitImporters = Object.entries(result.metafile.inputs)
      .filter(([, input]) => input.imports.some((i) => i.path.includes('@vscode/webview-ui-toolkit')))
      .map(([path]) => path)
      .filter((path) => path.startsWith('webview/'));
    assert.deepEqual(toolkitImporters, ['webview/components/index.ts'], 'only the component layer imports the toolkit');
  });
});
