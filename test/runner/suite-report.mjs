// What both integration runners (code-server and @vscode/test-electron) share: the settings
// and environment the suite expects, and how its JSON report is printed.

/**
 * User settings for the suite: a custom endpoint on loopback (nothing listens there; the
 * suite checks that settings reach the extension, it makes no requests).
 */
export const integrationSettings = {
  'bailian.region': 'custom',
  'bailian.customBaseUrl': 'http://127.0.0.1:9/api/v1',
};

/**
 * Environment for the extension host: where run() writes its report, and a placeholder
 * DASHSCOPE_API_KEY so the suite also covers the environment fallback.
 */
export function integrationEnv(reportFile) {
  return { BAILIAN_TEST_REPORT: reportFile, DASHSCOPE_API_KEY: 'integration-placeholder-key' };
}

/**
 * Prints each test of a suite report and the closing `<tier>: N passed, N failed` line;
 * returns the exit code (non-zero on failures or when nothing ran).
 */
export function printReport(tier, report) {
  for (const test of report.tests) {
    console.log(`  ${test.state === 'passed' ? '✔' : '✖'} ${test.title} (${test.durationMs} ms)`);
    if (test.error) {
      console.log(test.error.replace(/^/gm, '      '));
    }
  }
  console.log(`${tier}: ${report.passed} passed, ${report.failed} failed`);
  return report.failed === 0 && report.passed > 0 ? 0 : 1;
}
