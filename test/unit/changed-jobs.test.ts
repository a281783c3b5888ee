/**
 * `regenerate --all-changed` selection (src/pipeline/changedJobs.ts): the newest job of each
 * asset made from a preset is compared with what the preset gives today for the same blanks.
 *
 *   node --import tsx --test test/unit/changed-jobs.test.ts
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GenerationRequest } from '../../src/dashscope';
import { changedJobCost, selectChangedJobs, type EntryPreset, type PresetHistoryEntry } from '../../src/pipeline/changedJobs';
import { HistoryEntrySchema } from '../../src/pipeline/history';
import { presetRequest, type Preset } from '../../src/pipeline/presets';
import { provenanceParameters } from '../../src/pipeline/provenance';

const PRODUCT: Preset = { name: 'product shot', mode: 'generate', model: 'qwen-image', prompt: 'Product shot of {subject} on a white background', size: '1328*1328', parameters: { promptExtend: false } };

let clock = Date.UTC(2026, 10, 1);
/** A history line as the flows write it: the request as sent (the preset's, with a random seed). */
function line(request: GenerationRequest, preset: EntryPreset | undefined, extra: Partial<PresetHistoryEntry> = {}): PresetHistoryEntry {
  const started = new Date((clock += 60_000));
  const base = HistoryEntrySchema.parse({
    version: 1,
    id: `job-${clock}`,
    kind: 'generate',
    source: 'cli',
    model: request.model,
    ...(request.prompt ? { prompt: request.prompt } : {}),
    ...(request.negativePrompt ? { negativePrompt: request.negativePrompt } : {}),
    ...(request.seed !== undefined ? { seed: request.seed } : {}),
    ...(request.size ? { size: request.size } : {}),
    parameters: provenanceParameters(request),
    outputs: [{ path: `assets/${clock}.png`, seed: request.seed }],
    started: started.toISOString(),
    finished: started.toISOString(),
    durationMs: 1000,
    outcome: 'succeeded',
  });
  return { ...base, ...(preset ? { preset } : {}), ...extra };
}

/** The line a run of `preset` with `blanks` would have written today (seed 42). */
function made(preset: Preset, blanks: Record<string, string>, extra: Partial<PresetHistoryEntry> = {}): PresetHistoryEntry {
  return line({ ...presetRequest(preset, blanks).request, seed: preset.seed ?? 42 }, { name: preset.name, blanks }, extra);
}

describe('regenerate --all-changed: which jobs changed', () => {
  test('a job that matches its preset is not selected', () => {
    const result = selectChangedJobs([made(PRODUCT, { subject: 'a teapot' })], [PRODUCT]);
    assert.deepEqual(result.changed, []);
    assert.equal(result.unchanged, 1);
  });

  test('a changed prompt template selects the job, with the new prompt and the seed the asset had', () => {
    const old = made(PRODUCT, { subject: 'a teapot' });
    const now: Preset = { ...PRODUCT, prompt: 'Studio photo of {subject}, soft light' };
    const { changed } = selectChangedJobs([old], [now]);
    assert.equal(changed.length, 1);
    assert.deepEqual(changed[0]!.changes, ['prompt']);
    assert.equal(changed[0]!.request.prompt, 'Studio photo of a teapot, soft light');
    assert.equal(changed[0]!.request.seed, 42, 'same seed: only what the preset changed changes');
    assert.equal(changed[0]!.entry, old);
  });

  test('changed parameters, model and negative prompt are each named with old → new', () => {
    const old = made(PRODUCT, { subject: 'a lamp' });
    const now: Preset = { ...PRODUCT, model: 'qwen-image-plus', size: '1664*928', negativePrompt: 'blurry', parameters: { promptExtend: true } };
    const { changed } = selectChangedJobs([old], [now]);
    assert.deepEqual(changed[0]!.changes, ['model qwen-image → qwen-image-plus', 'negative prompt', 'size 1328*1328 → 1664*928', 'prompt_extend false → true']);
  });

  test('a seed the preset pins is compared; a random one is not', () => {
    const pinned: Preset = { ...PRODUCT, seed: 7 };
    assert.equal(selectChangedJobs([made(pinned, { subject: 'x' })], [pinned]).changed.length, 0);
    const { changed } = selectChangedJobs([made(pinned, { subject: 'x' })], [{ ...pinned, seed: 8 }]);
    assert.deepEqual(changed[0]!.changes, ['seed 7 → 8']);
    assert.equal(changed[0]!.request.seed, 8);
  });

  test('only the newest job of an asset counts: a regenerated asset is not selected again', () => {
    const now: Preset = { ...PRODUCT, prompt: 'Studio photo of {subject}' };
    const entries = [made(PRODUCT, { subject: 'a teapot' }), made(now, { subject: 'a teapot' })];
    const result = selectChangedJobs(entries, [now]);
    assert.deepEqual(result.changed, []);
    assert.equal(result.unchanged, 1);
  });

  test('other blanks or other inputs are other assets; failed jobs and jobs without a preset are left alone', () => {
    const now: Preset = { ...PRODUCT, prompt: 'Studio photo of {subject}' };
    const entries = [
      made(PRODUCT, { subject: 'a teapot' }),
      made(PRODUCT, { subject: 'a cup' }),
      made(PRODUCT, { subject: 'a cup' }, { kind: 'edit', inputs: ['in/cup.png'] }),
      made(PRODUCT, { subject: 'a vase' }, { outcome: 'failed', outputs: [] }),
      line({ model: 'qwen-image', prompt: 'no preset here', seed: 1 }, undefined),
    ];
    const { changed } = selectChangedJobs(entries, [now]);
    assert.deepEqual(
      changed.map((c) => [c.entry.preset?.blanks?.subject, c.entry.inputs]),
      [
        ['a teapot', []],
        ['a cup', []],
        ['a cup', ['in/cup.png']],
      ],
    );
  });

  test('a preset that is gone, or that gained a blank, is skipped with the reason', () => {
    const entries = [made(PRODUCT, { subject: 'a teapot' }), made({ ...PRODUCT, name: 'retired' }, { subject: 'x' })];
    const withBlank: Preset = { ...PRODUCT, prompt: 'Photo of {subject} in {room}' };
    const { changed, skipped } = selectChangedJobs(entries, [withBlank]);
    assert.deepEqual(changed, []);
    assert.deepEqual(
      skipped.map((s) => s.reason),
      ['the preset "product shot" changed its blanks: a value is needed for {room}.', 'the preset "retired" is not in the presets file any more'],
    );
  });

  test('the cost estimate is the preset request\'s images at list price', () => {
    const { changed } = selectChangedJobs([made(PRODUCT, { subject: 'a teapot' })], [{ ...PRODUCT, prompt: 'x {subject}', parameters: { n: 2 } }]);
    const cost = changedJobCost(changed[0]!, 'beijing');
    assert.equal(cost.billableImages, 2);
    assert.ok(cost.amount !== undefined && cost.amount > 0, JSON.stringify(cost));
  });
});
