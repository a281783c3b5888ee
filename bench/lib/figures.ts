/**
 * What every benchmark prints: figures as the measurement, baselines measured in the same run,
 * and their ratios. A figure is one `BENCH {json}` line on stdout (bench/run.mjs collects them
 * into the summary); everything else a benchmark prints is for the reader.
 */
import { availableParallelism } from 'node:os';

/** One baseline of a figure: what it is and its value in the figure's unit. */
export interface Baseline {
  label: string;
  value: number;
}

/** A printed figure. `target` is a sentence ("≤ 0.25 s"); `met` is judged by the benchmark. */
export interface Figure {
  bench: string;
  name: string;
  unit: string;
  measured: number;
  baselines: Baseline[];
  target?: string;
  met?: boolean;
  note?: string;
}

/** The run's fixed seed: `BENCH_SEED` (set by bench/run.mjs) or the default. */
export const SEED = Number(process.env.BENCH_SEED ?? 20261201);

/** Prints a figure as a `BENCH` line and a readable line. */
export function figure(f: Figure): Figure {
  const ratios = f.baselines.map((b) => `${fmt(f.measured / b.value, 2)}× ${b.label} (${fmt(b.value)} ${f.unit})`).join(', ');
  const verdict = f.target === undefined ? '' : `  target ${f.target}: ${f.met ? 'met' : 'MISSED'}`;
  console.log(`  ${f.name}: ${fmt(f.measured)} ${f.unit} = ${ratios}${verdict}`);
  console.log(`BENCH ${JSON.stringify(f)}`);
  return f;
}

/** Prints the header every benchmark starts with: its name, the machine's cores, the seed. */
export function header(bench: string, what: string): void {
  console.log(`# ${bench}: ${what}`);
  console.log(`  cores ${availableParallelism()}, node ${process.version}, seed ${SEED}`);
}

/** Number formatting with a sensible number of digits. */
export function fmt(x: number, digits?: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (digits !== undefined) return x.toFixed(digits);
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(0) : a >= 10 ? x.toFixed(1) : a >= 1 ? x.toFixed(2) : x.toFixed(3);
}

/** mulberry32: a small seeded PRNG, uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box–Muller) from a uniform source. */
export function normal(rand: () => number): number {
  let u = 0;
  while (u === 0) u = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

/** The p-quantile (0..1) of `xs`, linear between order statistics. */
export function quantile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const at = (s.length - 1) * p;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return s[lo]! + (s[hi]! - s[lo]!) * (at - lo);
}

/** Arithmetic mean. */
export function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

/** Most events in any half-open window [t, t + windowMs) of the sorted times. */
export function maxInWindow(times: readonly number[], windowMs: number): number {
  const s = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    while (s[i]! - s[j]! >= windowMs) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

/** Prints rows as an aligned table. */
export function table(rows: readonly (readonly string[])[]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const r of rows) console.log(`  ${r.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`);
}

/** Runs `jobs` with at most `limit` in flight, in order of the array. */
export async function pool<T>(jobs: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const out: T[] = new Array(jobs.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, jobs.length) }, async () => {
      while (next < jobs.length) {
        const i = next++;
        out[i] = await jobs[i]!();
      }
    }),
  );
  return out;
}
