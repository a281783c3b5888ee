/**
 * Benchmark (not a test): history at team scale, over a generated manifest of 10,000 lines (in a
 * temporary folder; bench/lib/history-fixture.ts, fixed seed). Baselines in the same run.
 *
 * - `bailian-image history --model qwen-mt-image`: wall time and peak RSS of the CLI process (the
 *   CLI bundled here with esbuild, as dist/cli.js is), median of 7 after a warm-up, vs
 *   `bailian-image --version` (the process alone) and vs a bundle of the way the manifest was
 *   read before (the whole file read, split and parsed, then filtered). Target ≤ 1 s, and less
 *   memory than the whole-file read.
 * - Show Spend's sums: the manifest read in chunks and summed entry by entry (SpendTally), vs the
 *   whole file read and parsed first, in this process, median of 7. Target ≤ 500 ms. (The
 *   Markdown preview the command then opens is not included.)
 * - The studio's first part: the newest 50 entries read from the end of the manifest, vs the
 *   whole file read and parsed (what the History tab waited for before). The paint itself is the
 *   editor benchmark's history row.
 *
 *   npm run bench -- history
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import * as esbuild from 'esbuild';
import { parseHistory } from '../src/pipeline/history';
import { HistoryLog } from '../src/pipeline/historyLog';
import { SpendTally, listPriceOf } from '../src/pipeline/historySpend';
import { nodeFileSystem } from '../src/pipeline/nodeFs';
import { SEED, figure, fmt, header, quantile } from './lib/figures';
import { historyText } from './lib/history-fixture';

const ENTRIES = 10_000;
const REPEATS = 7;
const MODEL = 'qwen-mt-image';
const run = promisify(execFile);
const repoRoot = resolve(__dirname, '..');
const median = (xs: readonly number[]): number => quantile(xs, 0.5);

/** The way `history` read the manifest before: all of it at once, then filtered (same output). */
const WHOLE_FILE_HISTORY = `
import { readFileSync } from 'node:fs';
import { parseHistory } from './src/pipeline/history';
const { entries } = parseHistory(readFileSync(process.argv[2], 'utf8'));
const shown = entries.filter((e) => e.model === process.argv[3]).reverse();
process.stdout.write(shown.map((e) => [e.id, e.started, e.kind, e.model, e.outcome].join('\\t')).join('\\n') + '\\n');
`;

async function bundle(outfile: string, options: esbuild.BuildOptions): Promise<void> {
  await esbuild.build({ ...options, outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', minify: true, logLevel: 'warning' });
}

/** Wall time (ms) and peak RSS (MB) of one process; its output lines counted. */
async function timed(args: string[], cwd: string, rssHook: string): Promise<{ ms: number; rssMb: number; lines: number }> {
  const t0 = performance.now();
  const { stdout, stderr } = await run(process.execPath, ['-r', rssHook, ...args], { cwd, maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - t0;
  const rss = /MAXRSS (\d+)/.exec(stderr);
  if (!rss) throw new Error(`no MAXRSS from ${args.join(' ')}: ${stderr}`);
  return { ms, rssMb: Number(rss[1]) / 1024, lines: stdout.split('\n').filter(Boolean).length };
}

async function repeat<T>(times: number, once: () => Promise<T>): Promise<T[]> {
  await once();
  const out: T[] = [];
  for (let i = 0; i < times; i++) out.push(await once());
  return out;
}

class Enough extends Error {}

async function main(): Promise<void> {
  header('history', `a manifest of ${ENTRIES.toLocaleString('en')} lines: bailian-image history --model, Show Spend's sums, the studio's first part`);
  const dir = await mkdtemp(join(tmpdir(), 'bailian-bench-history-'));
  try {
    const workspace = join(dir, 'workspace');
    await mkdir(join(workspace, '.bailian'), { recursive: true });
    const manifest = join(workspace, '.bailian', 'history.jsonl');
    await writeFile(manifest, historyText(ENTRIES, SEED + 7));
    const bytes = (await stat(manifest)).size;
    console.log(`  manifest ${fmt(bytes / 1024 / 1024)} MB, ${ENTRIES} lines`);

    const cli = join(dir, 'cli.js');
    const whole = join(dir, 'whole-file-history.js');
    const rssHook = join(dir, 'rss.cjs');
    await bundle(cli, { entryPoints: [join(repoRoot, 'src/cli/main.ts')] });
    await bundle(whole, { stdin: { contents: WHOLE_FILE_HISTORY, resolveDir: repoRoot, loader: 'ts' } });
    await writeFile(rssHook, "process.on('exit', () => process.stderr.write(`\\nMAXRSS ${process.resourceUsage().maxRSS}\\n`));\n");

    const ours = await repeat(REPEATS, () => timed([cli, 'history', '--model', MODEL, '--quiet'], workspace, rssHook));
    const version = await repeat(REPEATS, () => timed([cli, '--version'], workspace, rssHook));
    const before = await repeat(REPEATS, () => timed([whole, manifest, MODEL], workspace, rssHook));
    if (ours[0]!.lines !== before[0]!.lines) throw new Error(`history listed ${ours[0]!.lines} entries, the whole-file read ${before[0]!.lines}`);
    console.log(`  history --model ${MODEL}: ${ours[0]!.lines} entries listed`);
    const ms = median(ours.map((r) => r.ms));
    figure({
      bench: 'history',
      name: `bailian-image history --model ${MODEL} over ${ENTRIES} lines, wall time (median of ${REPEATS})`,
      unit: 'ms',
      measured: ms,
      baselines: [
        { label: 'bailian-image --version', value: median(version.map((r) => r.ms)) },
        { label: 'whole-file read and filter', value: median(before.map((r) => r.ms)) },
      ],
      target: '≤ 1 s',
      met: ms <= 1000,
    });
    const rss = median(ours.map((r) => r.rssMb));
    const rssBefore = median(before.map((r) => r.rssMb));
    figure({
      bench: 'history',
      name: `bailian-image history --model ${MODEL}, peak RSS (median of ${REPEATS}; manifest ${fmt(bytes / 1024 / 1024)} MB)`,
      unit: 'MB',
      measured: rss,
      baselines: [
        { label: 'bailian-image --version', value: median(version.map((r) => r.rssMb)) },
        { label: 'whole-file read and filter', value: rssBefore },
      ],
      target: 'below the whole-file read',
      met: rss < rssBefore,
    });

    const log = new HistoryLog(nodeFileSystem(workspace));
    const price = listPriceOf('beijing');
    const spend = await repeat(REPEATS, async () => {
      const t0 = performance.now();
      const tally = new SpendTally(price);
      await log.scan((page) => page.forEach((e) => tally.add(e)));
      if (tally.jobs !== ENTRIES) throw new Error(`summed ${tally.jobs} jobs`);
      return performance.now() - t0;
    });
    const spendWhole = await repeat(REPEATS, async () => {
      const t0 = performance.now();
      const { entries } = parseHistory(await readFile(manifest, 'utf8'));
      const tally = new SpendTally(price);
      entries.forEach((e) => tally.add(e));
      return performance.now() - t0;
    });
    const spendMs = median(spend);
    figure({
      bench: 'history',
      name: `Show Spend's sums over ${ENTRIES} lines, read in chunks (median of ${REPEATS})`,
      unit: 'ms',
      measured: spendMs,
      baselines: [{ label: 'whole file read and parsed first', value: median(spendWhole) }],
      target: '≤ 500 ms',
      met: spendMs <= 500,
    });

    const firstPart = await repeat(REPEATS, async () => {
      const t0 = performance.now();
      let got = 0;
      await log
        .scan(
          (page) => {
            got = page.length;
            throw new Enough();
          },
          { newestFirst: true, pageSize: 50 },
        )
        .catch((error: unknown) => {
          if (!(error instanceof Enough)) throw error;
        });
      if (got !== 50) throw new Error(`the first part had ${got} entries`);
      return performance.now() - t0;
    });
    const allNewestFirst = await repeat(REPEATS, async () => {
      const t0 = performance.now();
      await log.scan(() => undefined, { newestFirst: true, pageSize: 1000 });
      return performance.now() - t0;
    });
    const wholeParse = await repeat(REPEATS, async () => {
      const t0 = performance.now();
      parseHistory(await readFile(manifest, 'utf8'));
      return performance.now() - t0;
    });
    figure({
      bench: 'history',
      name: `the studio's first part: the newest 50 of ${ENTRIES} entries read from the end (median of ${REPEATS})`,
      unit: 'ms',
      measured: median(firstPart),
      baselines: [{ label: 'whole file read and parsed', value: median(wholeParse) }],
    });
    figure({
      bench: 'history',
      name: `all ${ENTRIES} entries read newest first in chunks, what the studio sends after the first part (median of ${REPEATS})`,
      unit: 'ms',
      measured: median(allNewestFirst),
      baselines: [{ label: 'whole file read and parsed', value: median(wholeParse) }],
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
