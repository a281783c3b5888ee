#!/usr/bin/env node
/**
 * `npm run bench [-- name …]`: runs every bench/*.bench.ts (or .mjs) in its own process, each
 * within 5 minutes, with a fixed seed, and prints each figure as the measurement, the baselines
 * measured in the same run, and their ratios, then a summary. Separate from `npm test`: nothing
 * here asserts timing; a missed target is reported, not failed. Exit code 1 only when a
 * benchmark crashed or ran out of time.
 *
 * A benchmark is a script that prints `BENCH {json}` lines (bench/lib/figures.ts `figure()`), or
 * `BENCH {"skip": "why"}` when it cannot run here. See docs/benchmarks.md.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
// Per benchmark; BENCH_LIMIT_S raises it for longer runs (e.g. BENCH_EDITOR_PAGES=12).
const LIMIT_MS = Number(process.env.BENCH_LIMIT_S ?? 300) * 1000;
const SEED = process.env.BENCH_SEED ?? '20261201';

const filter = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const files = readdirSync(HERE)
  .filter((f) => /\.bench\.(ts|mjs)$/.test(f))
  .sort()
  .filter((f) => filter.length === 0 || filter.some((n) => f.startsWith(n)));
if (process.argv.includes('--list')) {
  for (const f of files) console.log(f.replace(/\.bench\.(ts|mjs)$/, ''));
  process.exit(0);
}
if (files.length === 0) {
  console.error(`no benchmark matches ${filter.join(', ')}`);
  process.exit(1);
}

console.log(`npm run bench — ${new Date().toISOString()}`);
console.log(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${(totalmem() / 2 ** 30).toFixed(1)} GB, node ${process.version}, seed ${SEED}`);
console.log('');

/** Runs one benchmark; resolves with its figures and how it ended. */
function runOne(file) {
  return new Promise((resolve) => {
    const started = Date.now();
    const figures = [];
    let skip;
    // Its own process group, so a timeout ends the benchmark and the simulators it started.
    const child = spawn(process.execPath, ['--import', 'tsx', join(HERE, file)], {
      cwd: join(HERE, '..'),
      env: { ...process.env, BENCH_SEED: SEED },
      stdio: ['ignore', 'pipe', 'inherit'],
      detached: true,
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        child.kill('SIGTERM');
      }
    }, LIMIT_MS);
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('BENCH ')) {
        console.log(line);
        return;
      }
      try {
        const f = JSON.parse(line.slice(6));
        if (f.skip) skip = f.skip;
        else figures.push(f);
      } catch {
        console.log(line);
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ file, figures, skip, code, signal, timedOut, ms: Date.now() - started });
    });
  });
}

const fmt = (x) => {
  if (typeof x !== 'number' || !Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : a >= 1 ? x.toFixed(2) : x.toFixed(3);
};

const results = [];
for (const file of files) {
  results.push(await runOne(file));
  const r = results.at(-1);
  const how = r.timedOut ? `TIMED OUT after ${LIMIT_MS / 1000} s` : r.skip ? `skipped: ${r.skip}` : r.code === 0 ? 'done' : `FAILED (exit ${r.code ?? r.signal})`;
  console.log(`  [${basename(file)}: ${how} in ${(r.ms / 1000).toFixed(0)} s]`);
  console.log('');
}

console.log('## Summary (measured · baselines · ratio measured/baseline)');
const rows = [['benchmark', 'figure', 'measured', 'baselines (ratio)', 'target', '']];
for (const r of results) {
  for (const f of r.figures) {
    const base = f.baselines.map((b) => `${b.label} ${fmt(b.value)} (${(f.measured / b.value).toFixed(2)}×)`).join('; ');
    rows.push([f.bench, f.name, `${fmt(f.measured)} ${f.unit}`, base, f.target ?? '', f.target === undefined ? '' : f.met ? 'met' : 'MISSED']);
  }
  if (r.skip) rows.push([basename(r.file).replace(/\.bench\.(ts|mjs)$/, ''), `(skipped: ${r.skip})`, '', '', '', '']);
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const row of rows) console.log(row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd());
const missed = results.flatMap((r) => r.figures).filter((f) => f.target !== undefined && !f.met);
const broken = results.filter((r) => r.timedOut || (r.code !== 0 && !r.skip));
console.log('');
console.log(`${results.length} benchmarks, ${missed.length} target(s) missed${missed.length ? `: ${missed.map((f) => f.name).join('; ')}` : ''}${broken.length ? `; ${broken.length} failed: ${broken.map((r) => r.file).join(', ')}` : ''}`);
process.exit(broken.length ? 1 : 0);
