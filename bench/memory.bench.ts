/**
 * Benchmark (not a test): peak RSS growth of the client while uploading an image through the
 * temporary upload (getPolicy + OSS form POST, qwen-mt-image) and while downloading and saving a
 * result, at 1, 5 and 10 MB, plus a 2048×2048 rendered result. Each case runs in a fresh process
 * (bench/lib/memory-case.ts), the simulator in another. Baseline in the same run: the lean way
 * with bare undici (upload: the file streamed from disk with openAsBlob; download: the body piped
 * to a file). Target: growth ≤ 3× the file size. Each figure is the median of 5 fresh processes.
 * RSS growth includes garbage the GC has not collected yet (for a streamed 10 MB file, up to
 * about the file size, whenever the GC runs late); the `kept` columns run a minor GC every 1 ms,
 * which leaves what the code holds on to (copies of the file), for telling the two apart.
 *
 *   npm run bench -- memory
 */
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEED, figure, fmt, header, seededRandom, table } from './lib/figures';
import { MB, measureMemory, noisePng, sideFor } from './lib/memory-fixtures';
import { startSimProcess } from './lib/sim-process';

const SIZES_MB = [1, 5, 10];
const REPEATS = 5;
const TARGET = 3;
/** RSS moves by a few MB whatever the file (heap pages, allocator arenas): the noise floor. */
const NOISE_MB = 4;

/** Median peak RSS growth over REPEATS fresh processes. */
const measure = async (args: Record<string, unknown>): Promise<number> => (await measureMemory(args, REPEATS)).growth;

async function main(): Promise<void> {
  header('memory', 'peak RSS growth: temporary upload and result download');
  const dir = await mkdtemp(join(tmpdir(), 'bailian-bench-mem-'));
  const sim = await startSimProcess({ scale: 0 });
  try {
    const rand = seededRandom(SEED);
    const warmFile = join(dir, 'warm.png');
    await writeFile(warmFile, noisePng(sideFor(4096), sideFor(4096), rand));
    const warmUrl = await sim.hostFile(warmFile, 'png');
    const cases: { name: string; bytes: number; file?: string; resultUrl: string }[] = [];
    for (const mb of SIZES_MB) {
      const file = join(dir, `noise-${mb}mb.png`);
      await writeFile(file, noisePng(sideFor(mb * MB), sideFor(mb * MB), rand));
      cases.push({ name: `${mb} MB`, bytes: (await stat(file)).size, file, resultUrl: await sim.hostFile(file, 'png') });
    }
    // A 2048×2048 result: as the simulator renders it (smooth, compresses well), and as
    // incompressible noise (the worst case for a real photo-like result).
    const noise2k = join(dir, 'noise-2048.png');
    await writeFile(noise2k, noisePng(2048, 2048, rand));
    cases.push({ name: '2048×2048 noise', bytes: (await stat(noise2k)).size, resultUrl: await sim.hostFile(noise2k, 'png') });
    const renderUrl = await sim.render(2048, 2048);
    const renderBytes = Number((await fetch(renderUrl, { method: 'HEAD' })).headers.get('content-length') ?? NaN);
    cases.push({ name: '2048×2048 render', bytes: renderBytes, resultUrl: renderUrl });

    const base = { url: sim.url, key: sim.key, warmFile, warmUrl, dir };
    const rows: string[][] = [['case', 'file', 'upload', 'upload kept', 'bare upload', 'download+save', 'download kept', 'bare download']];
    for (const c of cases) {
      const up = c.file ? await measure({ ...base, kind: 'upload', file: c.file }) : NaN;
      const upKept = c.file ? await measure({ ...base, kind: 'upload', file: c.file, collect: true }) : NaN;
      const bareUp = c.file ? await measure({ ...base, kind: 'bare-upload', file: c.file }) : NaN;
      const down = await measure({ ...base, kind: 'download', resultUrl: c.resultUrl });
      const downKept = await measure({ ...base, kind: 'download', resultUrl: c.resultUrl, collect: true });
      const bareDown = await measure({ ...base, kind: 'bare-download', resultUrl: c.resultUrl });
      const mbs = (x: number) => (Number.isNaN(x) ? '–' : `${fmt(x / MB)} MB (${fmt(x / c.bytes, 2)}×)`);
      rows.push([c.name, `${fmt(c.bytes / MB)} MB`, mbs(up), mbs(upKept), mbs(bareUp), mbs(down), mbs(downKept), mbs(bareDown)]);
      const fileBaseline = { label: 'the file size', value: c.bytes / MB };
      if (c.file && c.name === '10 MB') {
        figure({
          bench: 'memory',
          name: `upload ${c.name}: peak RSS growth`,
          unit: 'MB',
          measured: up / MB,
          baselines: [fileBaseline, { label: 'bare undici streaming upload', value: bareUp / MB }],
          target: `≤ ${TARGET}× the file`,
          met: up <= TARGET * c.bytes,
          note: `kept (GC every 1 ms): ${fmt(upKept / MB)} MB`,
        });
      }
      if (c.name.startsWith('2048') || c.name === '10 MB') {
        figure({
          bench: 'memory',
          name: `download+save ${c.name}: peak RSS growth`,
          unit: 'MB',
          measured: down / MB,
          baselines: [fileBaseline, { label: 'bare undici pipe to file', value: bareDown / MB }],
          // Below a few MB, RSS moves by whole allocator arenas: judge small files in absolute terms.
          target: `≤ ${TARGET}× the file (or ≤ ${NOISE_MB} MB)`,
          met: down <= Math.max(TARGET * c.bytes, NOISE_MB * MB),
          note: `kept (GC every 1 ms): ${fmt(downKept / MB)} MB`,
        });
      }
    }
    table(rows);
  } finally {
    await sim.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
