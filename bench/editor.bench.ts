/**
 * Hook for the figures that need the editor (issue 10, not built yet): the lead fills these in.
 * Until then this prints a `skip`, so `npm run bench` lists them as open. Planned figures, each
 * with a baseline measured in the same run (see bench/README.md):
 *
 * - activation: time from the editor's start to the extension active, vs the same editor
 *   starting without the extension (test/runner/run-integration*.mjs start one);
 * - studio open: `bailian.openStudio` to the webview's first message, vs an empty webview panel;
 * - guide: the guided first run, step by step, vs the same steps without the guide;
 * - batch: N prompts through the studio's batch path, vs N sequential `DashScopeClient.generate`
 *   calls against the same simulator.
 *
 * To build one: start the simulator (bench/lib/sim-process.ts) and the editor as the
 * integration runner does, measure, and print with `figure()` from bench/lib/figures.ts; keep
 * it under 5 minutes. A separate file per figure (bench/activation.bench.ts …) works as well:
 * the runner picks up every bench/*.bench.ts.
 */
import { header } from './lib/figures';

header('editor', 'activation, studio open, guide, batch');
console.log('  not built yet: these figures need the editor');
console.log(`BENCH ${JSON.stringify({ skip: 'needs the editor: activation, studio open, guide, batch (not built yet)' })}`);
