/**
 * A history manifest for the benchmarks: `count` valid lines of mixed kinds and outcomes, newest
 * last, from a fixed seed (the editor benchmark's studio History tab, the history benchmark's CLI,
 * Show Spend and first-page figures).
 */
import { historyLine } from '../../src/pipeline/history';
import { seededRandom } from './figures';

/** The models the lines use, by kind. */
export const FIXTURE_MODELS = { generate: 'qwen-image-plus', edit: 'qwen-image-edit-plus', translate: 'qwen-mt-image', guide: 'wan2.6-image:interleave' } as const;

/** The text of a manifest of `count` entries (ids `bench-0000` …), one minute apart from 2026-11-01. */
export function historyText(count: number, seed: number): string {
  const rand = seededRandom(seed);
  const kinds = ['generate', 'edit', 'translate', 'guide'] as const;
  const outcomes = ['succeeded', 'succeeded', 'succeeded', 'partial', 'failed', 'cancelled'] as const;
  const start = Date.UTC(2026, 10, 1);
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    const kind = kinds[Math.floor(rand() * kinds.length)]!;
    const outcome = outcomes[Math.floor(rand() * outcomes.length)]!;
    const started = new Date(start + i * 60_000);
    const seedOf = Math.floor(rand() * 2 ** 31);
    lines.push(
      historyLine({
        version: 1,
        id: `bench-${String(i).padStart(4, '0')}`,
        kind,
        source: 'studio',
        model: FIXTURE_MODELS[kind],
        ...(kind === 'translate' ? {} : { prompt: `Bench entry ${i}: a red lantern over a misty lake, variant ${Math.floor(rand() * 100)}` }),
        seed: seedOf,
        parameters: { seed: seedOf },
        inputs: kind === 'edit' || kind === 'translate' ? [`images/input-${i % 20}.png`] : [],
        outputs: outcome === 'failed' || outcome === 'cancelled' ? [] : [{ path: `generated-images/bench-${i}.png`, seed: seedOf, width: 1328, height: 1328 }],
        started: started.toISOString(),
        finished: new Date(started.getTime() + 9_000).toISOString(),
        durationMs: 9_000,
        outcome,
        ...(outcome === 'failed' ? { error: { code: 'InternalError', message: 'The model failed.' } } : {}),
        ...(outcome === 'succeeded' || outcome === 'partial' ? { produced: 1 } : {}),
      }),
    );
  }
  return lines.join('');
}
