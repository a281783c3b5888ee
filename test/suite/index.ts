// Entry of the integration suite, loaded by the extension host (`extensionTestsPath`) under
// code-server (test/runner/run-integration.mjs) or desktop VS Code (run-integration-electron.mjs).
// esbuild bundles each test/suite/*.ts to out/test/suite/*.js; `mocha` comes from node_modules.
//
// The browser that hosts code-server never learns the result, so besides rejecting on failure
// `run()` writes a JSON report to $BAILIAN_TEST_REPORT for the runner to read.
import { readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

/** One line of the report. */
export interface TestResult {
  title: string;
  state: 'passed' | 'failed';
  durationMs: number;
  error?: string;
}

/** The report file's shape (read by the runners). */
export interface SuiteReport {
  passed: number;
  failed: number;
  tests: TestResult[];
}

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 30_000, reporter: 'spec' });
  // The runner runs the suite twice: trusted (every file but the restricted-mode one) and untrusted (only it).
  const only = process.env.BAILIAN_SUITE_ONLY;
  const skip = process.env.BAILIAN_SUITE_SKIP;
  const files = readdirSync(__dirname).filter((name) => name.endsWith('.test.js') && (!only || name.includes(only)) && (!skip || !name.includes(skip)));
  for (const file of files.sort()) {
    mocha.addFile(join(__dirname, file));
  }

  const tests: TestResult[] = [];
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run(resolve);
    runner.on('pass', (test) => tests.push({ title: test.fullTitle(), state: 'passed', durationMs: test.duration ?? 0 }));
    runner.on('fail', (test, error: Error) =>
      tests.push({
        title: test.fullTitle(),
        state: 'failed',
        durationMs: test.duration ?? 0,
        error: error?.stack ?? String(error),
      }),
    );
  });

  const report: SuiteReport = {
    passed: tests.filter((t) => t.state === 'passed').length,
    failed: tests.filter((t) => t.state === 'failed').length,
    tests,
  };
  writeReport(report);
  if (failures > 0 || tests.length === 0) {
    throw new Error(`${failures} of ${tests.length} integration tests failed`);
  }
}

function writeReport(report: SuiteReport): void {
  const target = process.env.BAILIAN_TEST_REPORT;
  if (!target) {
    return;
  }
  // Write then rename, so the runner never reads a half-written file.
  writeFileSync(`${target}.tmp`, JSON.stringify(report, null, 2));
  renameSync(`${target}.tmp`, target);
}
