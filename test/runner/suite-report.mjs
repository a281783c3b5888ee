// What both integration runners (code-server and @vscode/test-electron) share: the DashScope
// simulator the suite talks to, the settings and environment that point the extension at it,
// and how the suite's JSON report is printed.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { onCleanup } from '../../scripts/lib/code-server.mjs';
import { repoRoot } from '../../scripts/lib/environment.mjs';

/** Simulator time scale for the browser tiers (a 15 s model answers in 0.3 s). */
export const SIM_TIME_SCALE = 0.02;

/**
 * Starts the DashScope simulator (TypeScript, loaded through tsx as scripts/start.mjs does),
 * stopped at cleanup. Resolves with the simulator, the user settings that point the extension
 * at its Beijing endpoint, and the extension host environment (its key, the poll scale).
 */
export async function startTestSimulator({ scale = SIM_TIME_SCALE } = {}) {
  const { tsImport } = await import('tsx/esm/api');
  const entry = pathToFileURL(join(repoRoot, 'test', 'sim', 'index.ts')).href;
  const { startSimulator } = await tsImport(entry, import.meta.url);
  const sim = await startSimulator({ timing: { scale }, rateLimits: false });
  onCleanup(() => sim.stop());
  return {
    sim,
    /** Undoes every sim.setTiming since the start (the UI runner calls it after each flow); may be called again. */
    restoreTiming: sim.setTiming({}),
    settings: { 'bailian.region': 'custom', 'bailian.customBaseUrl': sim.urls.beijing, 'bailian.regionBaseUrls': { beijing: sim.urls.beijing, singapore: sim.urls.singapore } },
    env: {
      DASHSCOPE_API_KEY: sim.keys.beijing,
      BAILIAN_POLL_SCALE: String(scale),
      // Read in the extension's test mode only: where "is this key valid in another region?" goes.
      BAILIAN_TEST_OFFICIAL_ENDPOINTS: JSON.stringify(sim.urls),
    },
  };
}

/** Environment for the extension host: where run() writes its report, plus `simEnv`. */
export function integrationEnv(reportFile, simEnv) {
  return { BAILIAN_TEST_REPORT: reportFile, ...simEnv };
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
