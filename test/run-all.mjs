// `npm test`: the check (type-check and lint, `npm run check`), unit, integration and UI tiers
// (the last two on VS Code 1.100, each followed by its run on the newest VS Code) in sequence,
// each as its own process, going on after a failure. Each tier ends with
// `<tier>: N passed, N failed` (for check, printed here from its exit code: it is one test);
// the last line here is the sum, `N passed, N failed`. Exits non-zero if any tier failed or
// ran no tests.
import { spawn } from 'node:child_process';
import { ensureNodeModules, repoRoot } from '../scripts/lib/environment.mjs';

// Under `npm test` npm says where its CLI is; run the same npm (a bare `npm` is the fallback).
const npm = process.env.npm_execpath
  ? { command: process.execPath, args: [process.env.npm_execpath] }
  : { command: 'npm', args: [] };

const tiers = [
  // tsc for the extension and the webview, then eslint: as one pass/fail "test".
  { name: 'check', command: npm.command, args: [...npm.args, 'run', 'check'], countsExitCode: true },
  { name: 'unit', command: process.execPath, args: ['test/run-unit.mjs'] },
  { name: 'integration', command: process.execPath, args: ['test/runner/run-integration.mjs'] },
  // The same suite on the newest VS Code (code-server and its Node from the npm registry, cached).
  { name: 'integration-newest', command: process.execPath, args: ['test/runner/run-integration.mjs', '--newest'] },
  { name: 'ui', command: process.execPath, args: ['test/runner/run-ui.mjs'] },
  // A subset of the flows on the newest VS Code, with the extension installed from its .vsix.
  { name: 'ui-newest', command: process.execPath, args: ['test/runner/run-ui.mjs', '--newest'] },
];

let current;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  // Let the running tier clean up (it stops its own servers and browser), then stop.
  process.once(signal, () => {
    current?.kill(signal);
    current?.once('close', () => process.exit(1));
    if (!current) process.exit(1);
  });
}

/** Runs one tier, echoing its output; resolves with its exit code and its summary counts. */
function runTier(tier) {
  return new Promise((resolve) => {
    const started = Date.now();
    console.log(`\n=== ${tier.name} ===`);
    const child = spawn(tier.command, tier.args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    current = child;
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      output += chunk;
      process.stdout.write(chunk);
    });
    child.on('error', (error) => {
      // Not started at all (no npm on PATH): report it as the tier's failure; `close` follows.
      console.error(`${tier.name}: could not start ${tier.command}: ${error.message}`);
    });
    child.on('close', (code, signal) => {
      current = undefined;
      if (tier.countsExitCode) {
        const summary = `${tier.name}: ${code === 0 ? '1 passed, 0 failed' : '0 passed, 1 failed'}\n`;
        output += summary;
        process.stdout.write(summary);
      }
      const matches = [...output.matchAll(new RegExp(`^${tier.name}: (\\d+) passed, (\\d+) failed$`, 'gm'))];
      const last = matches.at(-1);
      resolve({
        ...tier,
        code: code ?? (signal ? 1 : 0),
        passed: last ? Number(last[1]) : 0,
        failed: last ? Number(last[2]) : 0,
        reported: Boolean(last),
        seconds: Math.round((Date.now() - started) / 1000),
      });
    });
  });
}

await ensureNodeModules({ who: 'test' });
const results = [];
for (const tier of tiers) {
  results.push(await runTier(tier));
}

console.log('\n=== summary ===');
let ok = true;
for (const result of results) {
  const problems = [];
  if (!result.reported) problems.push('no summary line');
  if (result.code !== 0) problems.push(`exit code ${result.code}`);
  if (result.reported && result.passed + result.failed === 0) problems.push('ran no tests');
  ok &&= problems.length === 0 && result.failed === 0;
  // A tier that broke without reporting a failure still counts as one, so the total is not green.
  result.counted = problems.length > 0 ? Math.max(result.failed, 1) : result.failed;
  console.log(
    `${result.name}: ${result.passed} passed, ${result.failed} failed (${result.seconds} s)${problems.length ? ` — ${problems.join(', ')}` : ''}`,
  );
}
const passed = results.reduce((sum, r) => sum + r.passed, 0);
const failed = results.reduce((sum, r) => sum + r.counted, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);
