/**
 * What the memory benchmarks share: incompressible PNGs of a chosen size, and the median growth
 * over fresh processes of one case (bench/lib/memory-case.ts).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PNG } from 'pngjs';
import { quantile } from './figures';

export const MB = 1024 * 1024;
const run = promisify(execFile);

/**
 * A noise PNG, width × height, stored uncompressed (deflate level 0), so its size is 3 bytes a
 * pixel (RGB) or 4 (RGBA). With `alpha`, every pixel is opaque but those `alpha` answers
 * transparent for (x, y): a cut-out whose transparency the reader meets only where it is.
 */
export function noisePng(width: number, height: number, rand: () => number, alpha?: (x: number, y: number) => boolean): Buffer {
  const channels = alpha ? 4 : 3;
  const colorType = alpha ? 6 : 2;
  const p = new PNG({ width, height, colorType, inputHasAlpha: alpha !== undefined });
  const data = Buffer.alloc(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = (rand() * 256) | 0;
  if (alpha) {
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[(y * width + x) * 4 + 3] = alpha(x, y) ? 0 : 255;
  }
  p.data = data;
  return PNG.sync.write(p, { colorType, inputColorType: colorType, inputHasAlpha: alpha !== undefined, deflateLevel: 0 });
}

/** The side of a square RGB noise PNG of about `bytes` bytes. */
export const sideFor = (bytes: number, channels = 3): number => Math.ceil(Math.sqrt(bytes / channels));

/** One run of bench/lib/memory-case.ts: growth in bytes over the baseline taken just before the case. */
export interface MemoryGrowth {
  /** Peak RSS growth (the larger of 1 ms sampling and the kernel's maxRSS). */
  growth: number;
  /** Peak growth of the V8 heap in use, of `external` and of `arrayBuffers` (1 ms sampling). */
  heap: number;
  external: number;
  arrayBuffers: number;
}

/** The median of each figure over `repeats` fresh processes (RSS moves with when the GC happens to run). */
export async function measureMemory(args: Record<string, unknown>, repeats: number): Promise<MemoryGrowth> {
  const script = join(__dirname, 'memory-case.ts');
  const runs: MemoryGrowth[] = [];
  for (let i = 0; i < repeats; i++) {
    const { stdout } = await run(process.execPath, ['--expose-gc', '--import', 'tsx', script, JSON.stringify(args)], { maxBuffer: 1 << 20 });
    runs.push(JSON.parse(stdout.trim().split('\n').at(-1)!) as MemoryGrowth);
  }
  const median = (k: keyof MemoryGrowth) => quantile(runs.map((r) => r[k]), 0.5);
  return { growth: median('growth'), heap: median('heap'), external: median('external'), arrayBuffers: median('arrayBuffers') };
}
