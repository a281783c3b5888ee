/**
 * `npm run sim` — runs the DashScope simulator until Ctrl-C.
 *
 *   npm run sim -- [--port 8300] [--scale 1] [--no-rate-limits] [--result-ttl-ms 86400000] [--quiet]
 *                  [--faults faults.json]   (a JSON array of FaultRule; `path` may be "/re/" for a RegExp)
 *
 * Prints the base URLs and the test keys (simulator keys only; it never prints other keys).
 */
import { readFileSync } from 'node:fs';
import { startSimulator, type FaultRule, type SimulatorOptions } from './index.js';

function parseArgs(argv: string[]): SimulatorOptions & { quiet: boolean } {
  const out: SimulatorOptions & { quiet: boolean } = { quiet: false, timing: { scale: 1 } };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--port') out.port = Number(next());
    else if (a === '--scale') out.timing = { ...out.timing, scale: Number(next()) };
    else if (a === '--no-rate-limits') out.rateLimits = false;
    else if (a === '--result-ttl-ms') out.resultTtlMs = Number(next());
    else if (a === '--quiet') out.quiet = true;
    else if (a === '--faults') {
      const raw = JSON.parse(readFileSync(next(), 'utf8')) as (FaultRule & { path?: string })[];
      out.faults = raw.map((r) => (typeof r.path === 'string' && /^\/.+\/$/.test(r.path) ? { ...r, path: new RegExp(r.path.slice(1, -1)) } : r));
    } else if (a === '--help' || a === '-h') {
      console.log('usage: npm run sim -- [--port N] [--scale X] [--no-rate-limits] [--result-ttl-ms MS] [--faults file.json] [--quiet]');
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  return out;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const sim = await startSimulator({ ...opts, log: opts.quiet ? undefined : (l) => console.log(l) });
  console.log('DashScope simulator running');
  console.log(`  Beijing   base URL: ${sim.urls.beijing}   key: ${sim.keys.beijing}`);
  console.log(`  Singapore base URL: ${sim.urls.singapore}   key: ${sim.keys.singapore}`);
  console.log(`  US (Virginia) base URL: ${sim.urls.us}   key: ${sim.keys.us}`);
  console.log(`  result host:  ${sim.resultBaseUrl}`);
  console.log(`  upload host:  ${sim.uploadHostUrl}`);
  console.log(`  timing scale: ${opts.timing?.scale ?? 1}, rate limits: ${opts.rateLimits === false ? 'off' : 'on'}`);
  console.log('Ctrl-C to stop.');
  let stopping = false;
  const stop = () => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log('\nstopping…');
    sim.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
