/**
 * `regenerate --all-changed` selection (src/pipeline/changedJobs.ts): the newest job of each
 * asset made from a preset is compared with what the preset gives today for the same blanks.
 *
 *   node --import tsx --test test/unit/changed-jobs.test.ts
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { GenerationRequest } from '../../src/dashscope';
import { changedJobCost, selectChangedJobs, type EntryPreset, type GlossaryNow, type PresetHistoryEntry } from '../../src/pipeline/changedJobs';
import { glossaryDigest, glossaryRecord, parseGlossary, type GlossaryTerm } from '../../src/pipeline/glossary';
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

describe('regenerate --all-changed: glossary files', () => {
  const ENGLISH: Preset = { name: 'english', mode: 'translate', model: 'qwen-mt-image', translation: { sourceLang: 'zh', targetLang: 'en' }, glossary: '.bailian/glossary.txt' };
  const THEN: GlossaryTerm[] = [{ src: '千问', tgt: 'Qwen' }];
  const NOW: GlossaryTerm[] = [...THEN, { src: '通义', tgt: 'Tongyi' }];

  /** The files as they are now, by workspace path; a path not listed is not there. */
  function files(byPath: Record<string, readonly GlossaryTerm[] | string>): { glossary: (path: string) => GlossaryNow } {
    return {
      glossary: (path) => {
        const found = byPath[path];
        if (found === undefined) return { state: 'missing' };
        return typeof found === 'string' ? { state: 'unreadable', reason: found } : { state: 'terms', terms: found };
      },
    };
  }

  /** A translation of poster.png as the CLI records it: the request's terms end with the file's, and the file's record. */
  function translated(preset: Preset | undefined, own: GlossaryTerm[], fromFile: readonly GlossaryTerm[] | undefined, extra: Partial<PresetHistoryEntry> = {}): PresetHistoryEntry {
    const terms = [...own, ...(fromFile ?? [])];
    const request: GenerationRequest = { model: 'qwen-mt-image', translation: { sourceLang: 'zh', targetLang: 'en', ...(terms.length ? { terminologies: terms } : {}) } };
    return line(request, preset ? { name: preset.name } : undefined, { kind: 'translate', inputs: ['poster.png'], ...(fromFile ? { glossary: glossaryRecord('.bailian/glossary.txt', fromFile) } : {}), ...extra });
  }

  test('the digest is of the terms: comments and spacing are no change, a term is one', () => {
    const a = parseGlossary('# our terms\n千问 = Qwen\n');
    const b = parseGlossary('千问\tQwen\n\n# more later\n');
    assert.equal(glossaryDigest(a), glossaryDigest(b));
    assert.notEqual(glossaryDigest(a), glossaryDigest(NOW));
    assert.match(glossaryDigest(a), /^fnv1a64:[0-9a-f]{16}$/);
  });

  test('a preset job whose glossary file changed is selected, with the file\'s terms now', () => {
    const { changed, unchanged } = selectChangedJobs([translated(ENGLISH, [], THEN)], [ENGLISH], files({ '.bailian/glossary.txt': NOW }));
    assert.equal(unchanged, 0);
    assert.equal(changed.length, 1);
    assert.deepEqual(changed[0]!.changes, ['glossary .bailian/glossary.txt changed (1 → 2 terms)']);
    assert.deepEqual(changed[0]!.request.translation?.terminologies, NOW);
    assert.deepEqual(changed[0]!.glossary, glossaryRecord('.bailian/glossary.txt', NOW), 'the new run records the file as it is now');
  });

  test('an unchanged glossary file leaves the job alone', () => {
    const result = selectChangedJobs([translated(ENGLISH, [], THEN)], [ENGLISH], files({ '.bailian/glossary.txt': THEN }));
    assert.deepEqual(result.changed, []);
    assert.deepEqual(result.unknown, []);
    assert.equal(result.unchanged, 1);
  });

  test('a glossary file that is gone, or does not parse, is reported with its path and the job skipped', () => {
    const gone = selectChangedJobs([translated(ENGLISH, [], THEN)], [ENGLISH], files({}));
    assert.deepEqual(gone.changed, []);
    assert.deepEqual(gone.skipped.map((s) => s.reason), ['its glossary file .bailian/glossary.txt is not there any more (restore it, or change the glossary the job uses)']);
    const broken = selectChangedJobs([translated(undefined, [], THEN)], [], files({ '.bailian/glossary.txt': 'Line 2: expected "source = target", got "oops".' }));
    assert.deepEqual(broken.skipped.map((s) => s.reason), ['its glossary file .bailian/glossary.txt cannot be used: Line 2: expected "source = target", got "oops".']);
  });

  test('a line written before glossaries were recorded is unknown: listed, not re-run unless its preset changed too', () => {
    const old = translated(ENGLISH, [], undefined);
    const quiet = selectChangedJobs([old], [ENGLISH], files({ '.bailian/glossary.txt': NOW }));
    assert.deepEqual(quiet.changed, []);
    assert.equal(quiet.unchanged, 0);
    assert.equal(quiet.unknown.length, 1);
    assert.match(quiet.unknown[0]!.reason, /did not record its glossary file .* whether \.bailian\/glossary\.txt changed since is unknown; it is left as it is unless its preset or prompt changed/);
    const french: Preset = { ...ENGLISH, translation: { sourceLang: 'zh', targetLang: 'fr' } };
    const { changed, unknown } = selectChangedJobs([old], [french], files({ '.bailian/glossary.txt': NOW }));
    assert.deepEqual(unknown, []);
    assert.deepEqual(changed[0]!.changes, ['target_lang en → fr']);
    assert.deepEqual(changed[0]!.request.translation?.terminologies, NOW, 'the re-run reads the glossary as it is now');
    assert.deepEqual(changed[0]!.glossary, glossaryRecord('.bailian/glossary.txt', NOW));
  });

  test('a preset that now names another glossary file, or none, is a change', () => {
    const moved: Preset = { ...ENGLISH, glossary: 'docs/terms.txt' };
    const one = selectChangedJobs([translated(ENGLISH, [], THEN)], [moved], files({ 'docs/terms.txt': THEN }));
    assert.deepEqual(one.changed[0]!.changes, ['glossary .bailian/glossary.txt → docs/terms.txt']);
    const inline: Preset = { ...ENGLISH, glossary: [{ src: '千问', tgt: 'Qwen' }] };
    const two = selectChangedJobs([translated(ENGLISH, [], THEN)], [inline], files({}));
    assert.deepEqual(two.changed[0]!.changes, ['glossary .bailian/glossary.txt → (none)']);
  });

  test('a translation without a preset (bailian.glossaryFile, --glossary) is selected by its glossary file alone, keeping its own terms', () => {
    const own: GlossaryTerm[] = [{ src: '百炼', tgt: 'Bailian' }];
    const entries = [translated(undefined, own, THEN), translated(undefined, [], THEN, { inputs: ['other.png'] })];
    const { changed } = selectChangedJobs(entries, [], files({ '.bailian/glossary.txt': NOW }));
    assert.deepEqual(changed.map((c) => c.entry.inputs), [['poster.png'], ['other.png']]);
    assert.deepEqual(changed[0]!.request.translation?.terminologies, [...own, ...NOW], 'its --term terms, then the file\'s now');
    assert.deepEqual(changed[1]!.request.translation?.terminologies, NOW);
    assert.equal(changed[0]!.preset, undefined);
    const same = selectChangedJobs(entries, [], files({ '.bailian/glossary.txt': THEN }));
    assert.deepEqual([same.changed.length, same.unchanged], [0, 2]);
    const plain = selectChangedJobs([translated(undefined, own, undefined)], [], files({}));
    assert.deepEqual([plain.changed.length, plain.skipped.length, plain.unknown.length, plain.unchanged], [0, 0, 0, 0], 'no preset and no glossary file: nothing to compare');
  });

  test('a Variations line of a preset compares n as one image a request and re-runs one request a seed', () => {
    const v = { ...presetRequest(PRODUCT, { subject: 'a teapot' }).request, n: 1 };
    const entry = line({ ...v, n: 3 }, { name: PRODUCT.name, blanks: { subject: 'a teapot' } }, { seeds: [5, 6, 7] });
    const pinnedN: Preset = { ...PRODUCT, parameters: { promptExtend: false, n: 1 } };
    assert.equal(selectChangedJobs([entry], [pinnedN]).unchanged, 1, 'n 1 a request is what the preset gives');
    const { changed } = selectChangedJobs([entry], [{ ...pinnedN, prompt: 'Studio photo of {subject}' }]);
    assert.deepEqual(changed[0]!.seeds, [5, 6, 7]);
    assert.equal(changedJobCost(changed[0]!, 'beijing').billableImages, 3);
  });
});
