// Flat ESLint config: typescript-eslint's recommended rules for TS sources, the JS
// recommended rules for the .mjs build and test scripts (which run under plain Node).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The few runtime globals the .mjs scripts and the webview use (no extra dependency needed).
const nodeGlobals = Object.fromEntries(
  ['process', 'console', 'Buffer', 'URL', 'URLSearchParams', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'fetch', 'AbortController', 'AbortSignal'].map(
    (name) => [name, 'readonly'],
  ),
);

export default tseslint.config(
  {
    ignores: ['dist/**', 'dist-vsix/**', 'out/**', 'node_modules/**', '.vscode-test/**', 'test-results/**', '.sim-data/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // A warning, not an error: `import type` documents intent but never breaks the build.
      '@typescript-eslint/consistent-type-imports': ['warn', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
      eqeqeq: ['error', 'smart'],
      'no-console': 'off',
    },
  },
  {
    // Rules that need the type checker: a promise nobody awaits or handles loses its error, and
    // one handed where a void callback is expected runs unobserved. `void promise` says "fire and
    // forget, on purpose" and is allowed.
    files: ['src/**/*.ts', 'webview/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test's describe/test return promises the runner itself awaits.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'test', 'it', 'suite', 'before', 'after', 'beforeEach', 'afterEach'] }] },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false, attributes: false } }],
    },
  },
  {
    // What keeps dist/services.js small (the first Bailian command of a window waits for it).
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "ImportDeclaration[source.value='zod'] > :matches(ImportSpecifier[imported.name='z'], ImportDefaultSpecifier)",
          message: "Use `import * as z from 'zod'`: esbuild cannot tree-shake the named `z` namespace, which pulls all 64 locales (~360 KB) into the bundle.",
        },
      ],
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'undici',
              allowTypeImports: true,
              message: 'Load undici through `undici()` (src/dashscope/transport.ts): it is its own bundle (dist/undici.js), loaded on the first request.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: nodeGlobals },
  },
);
