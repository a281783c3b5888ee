// Unit tier: node's test runner over every test/unit/**/*.test.ts and test/sim/**/*.test.ts
// (Node 20's --test takes no globs, so the files are listed here), TypeScript via tsx.
// Prints node's spec report, then `unit: N passed, N failed` for test/run-all.mjs.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const folders = ['test/unit', 'test/sim'];

/** Test files under the given folders, sorted for a stable order. */
function findTestFiles() {
  return folders
    .filter((folder) => existsSync(join(root, folder)))
    .flatMap((folder) =>
      readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.test.ts') && !file.split(/[\\/]/).includes('node_modules'))
        .map((file) => join(folder, file)),
    )
    .sort();
}

const files = findTestFiles();
if (files.length === 0) {
  console.error(`unit: no *.test.ts files under ${folders.join(', ')}`);
  console.log('unit: 0 passed, 0 failed');
  process.exit(1);
}
console.log(`unit: ${files.length} test files\n${files.map((f) => `  ${relative(root, join(root, f))}`).join('\n')}`);

const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-reporter-destination=stdout', ...files],
  { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
);
const forward = (signal) => child.kill(signal);
process.on('SIGINT', forward).on('SIGTERM', forward);

let output = '';
child.stdout.setEncoding('utf8');
child.stdout.on('data', (chunk) => {
  output += chunk;
  process.stdout.write(chunk);
});
const code = await new Promise((resolve) => child.on('close', (status) => resolve(status ?? 1)));

// The spec reporter ends with `ℹ pass N` / `ℹ fail N` (the TAP reporter would say `# pass N`).
const count = (name) => Number(new RegExp(`^(?:ℹ|#) ${name} (\\d+)$`, 'm').exec(output)?.[1] ?? NaN);
const passed = count('pass');
const failed = count('fail') + (count('cancelled') || 0);
if (Number.isNaN(passed) || Number.isNaN(failed)) {
  console.log('unit: 0 passed, 1 failed (no summary from the test runner)');
  process.exit(1);
}
console.log(`unit: ${passed} passed, ${failed} failed`);
process.exit(code === 0 && failed === 0 ? 0 : 1);
