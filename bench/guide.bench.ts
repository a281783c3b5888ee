/**
 * Benchmark (not a test): the illustrated guide with k = 1, 3, 5 images (wan2.6-image interleave
 * over SSE), through src/pipeline/guide.ts `runGuide` against the simulator, as the CLI and the
 * editor run it: the document written as the text streams, each image downloaded the moment it
 * is announced and linked in place.
 *
 * Measured: the time from the stream's end (the client's stream iterator finished) until
 * `runGuide` resolved, i.e. every image is saved and linked and the document finished. Result
 * downloads run at a realistic speed (the simulator's `slowDownload` fault, DOWNLOAD_BPS).
 * Baseline, in the same run and at the same speed: one download of that run's last image
 * (`client.download` of the same result URL right after the run, temp file removed). Target ≤ 1×:
 * downloads overlap the stream, so at most the last image's download is left after it.
 *
 * The stream runs at STREAM_SCALE (image gaps = 40 s · scale / (k + 1)): shorter gaps than the
 * real service's make overlapping downloads more likely, not less.
 *
 *   npm run bench -- guide          (or: node --import tsx bench/guide.bench.ts)
 */
import { open, mkdtemp, rm, stat, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DashScopeClient, type GenerationRequest } from '../src/dashscope/index';
import { saveAtomically } from '../src/pipeline/files';
import { runGuide } from '../src/pipeline/guide';
import type { ImageSaver } from '../src/pipeline/images';
import { nodeFileSystem } from '../src/pipeline/nodeFs';
import { SEED, figure, fmt, header, table } from './lib/figures';
import { startSimProcess } from './lib/sim-process';

const KS = [1, 3, 5] as const;
const REPS = Number(process.env.BENCH_GUIDE_REPS ?? 3);
const STREAM_SCALE = 0.25;
/** A modest connection (8 Mbit/s): downloads long enough to matter next to the stream's image gaps. */
const DOWNLOAD_BPS = 1_000_000;

async function main(): Promise<void> {
  header('guide', `illustrated guide, k = ${KS.join(', ')} images: stream end → every image saved and linked, vs one image download (${fmt(DOWNLOAD_BPS / 1e6)} MB/s)`);

  const sim = await startSimProcess({ scale: STREAM_SCALE });
  const out = await mkdtemp(join(tmpdir(), 'bailian-bench-guide-'));
  try {
    await sim.fault({ kind: 'slowDownload', bytesPerSecond: DOWNLOAD_BPS });
    const client = new DashScopeClient({ apiKey: sim.key, baseUrl: sim.url });
    const fs = nodeFileSystem(out);
    const saver: ImageSaver<{ name: string }> = { save: async (file) => ({ name: await saveAtomically(fs, file) }) };
    const urls: string[] = [];
    const rows: string[][] = [['k', 'run', 'stream', 'last image → stream end', 'stream end → all saved + linked', 'one download of that image', 'ratio', 'last image']];
    const runs = new Map<number, { tail: number; download: number }[]>();
    const handles: FileHandle[] = [];

    for (const k of KS) {
      for (let rep = 0; rep < REPS; rep++) {
        let streamEnd = 0;
        let lastImageAt = 0;
        const started = performance.now();
        // The same client, but its stream reports when it ended (the last delta was read).
        const timed = new Proxy(client, {
          get(target, prop, receiver) {
            if (prop === 'stream') {
              return async function* (...args: Parameters<DashScopeClient['stream']>) {
                for await (const delta of target.stream(...args)) {
                  if (delta.type === 'image') {
                    lastImageAt = performance.now();
                    urls.push(delta.url);
                  }
                  yield delta;
                }
                streamEnd = performance.now();
              };
            }
            const value = Reflect.get(target, prop, receiver) as unknown;
            return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
          },
        });
        const request: GenerationRequest = { model: 'wan2.6-image:interleave', prompt: 'A 5-step guide to brewing pour-over coffee', maxImages: k, seed: (SEED + k * 10 + rep) % 2_147_483_647 };
        const result = await runGuide(request, {
          client: timed,
          saver,
          openDocument: async (headerText) => {
            const name = await saveAtomically(fs, { stem: `guide-k${k}-${rep}`, ext: 'md', bytes: new TextEncoder().encode(headerText) });
            const handle = await open(join(out, name), 'a');
            handles.push(handle);
            return { name, sink: { append: async (text) => void (await handle.write(text)) } };
          },
        });
        const done = performance.now();
        await Promise.all(handles.splice(0).map((h) => h.close()));
        if (result.outcome !== 'succeeded' || result.images.length !== k) throw new Error(`guide k=${k}: ${result.outcome}, ${result.images.length} images`);
        const bytes = (await stat(join(out, result.images.at(-1)!.file.name))).size;
        const tail = done - streamEnd;
        // The baseline: one download of the same last image (same bytes, same speed), right after.
        const t0 = performance.now();
        const file = await client.download(urls.at(-1)!, { expectedFormat: 'png' });
        const download = performance.now() - t0;
        await rm(file.path, { force: true });
        runs.set(k, [...(runs.get(k) ?? []), { tail, download }]);
        rows.push([String(k), String(rep + 1), `${fmt((streamEnd - started) / 1000)} s`, `${fmt(streamEnd - lastImageAt)} ms`, `${fmt(tail)} ms`, `${fmt(download)} ms`, `${fmt(tail / download, 2)}×`, `${fmt(bytes / 1e6)} MB`]);
      }
    }

    table(rows);
    await client.close();
    for (const k of KS) {
      // The run with the highest ratio, against its own image's download.
      const worst = runs.get(k)!.reduce((a, b) => (b.tail / b.download > a.tail / a.download ? b : a));
      figure({
        bench: 'guide',
        name: `guide k=${k}: stream end → all ${k} saved and linked (worst of ${REPS})`,
        unit: 'ms',
        measured: worst.tail,
        baselines: [{ label: 'one download of the last image', value: worst.download }],
        target: '≤ 1× one image download',
        met: worst.tail <= worst.download,
      });
    }
  } finally {
    await sim.stop();
    await rm(out, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
