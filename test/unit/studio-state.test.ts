// The studio webview's state reducer and its pure helpers (webview/state.ts): cards keyed by job
// id, snapshots from the host after a tab switch or reload, inputs in order, the size kept across
// models, inline validation, and captions that show where file names differ.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { JobSnapshot, PickerImage } from '../../src/protocol/messages';
import { modeOptions } from '../../src/protocol/modelOptions';
import type { HistoryItem } from '../../src/protocol/messages';
import { CUSTOM_SIZE, checkSize, distinctNames, initialState, keepSize, reduce, restoreState, runParams, searchHistory, validate, type Card } from '../../webview/state';

const generate = modeOptions('generate', 'en');
const edit = modeOptions('edit', 'en');
const model = (list: typeof generate, id: string) => list.find((m) => m.id === id)!;
const image = (path: string): PickerImage => ({ src: `https://webview/${path}`, displayPath: path, location: { folderIndex: 0, path } });
const job = (jobId: string, patch: Partial<JobSnapshot> = {}): JobSnapshot => ({ jobId, status: 'running', text: '', images: [], ...patch });
const card = (jobId: string, patch: Partial<JobSnapshot> = {}): Card => ({ jobId, mode: 'generate', model: 'wan2.6-t2i', modelLabel: 'Wan', params: { mode: 'generate', model: 'wan2.6-t2i', prompt: 'p' }, startedAt: 1, job: job(jobId, patch) });

describe('studio webview state', () => {
  test('runs are cards, newest first; a job update changes only its own card', () => {
    let state = reduce(initialState(), { type: 'start', card: card('a') });
    state = reduce(state, { type: 'start', card: card('b') });
    assert.deepEqual(state.cards.map((c) => c.jobId), ['b', 'a']);
    state = reduce(state, { type: 'job', job: job('a', { status: 'succeeded', images: [{ src: 's', displayPath: 'x.png', seed: 3 }] }) });
    assert.equal(state.cards[1]!.job.status, 'succeeded');
    assert.equal(state.cards[0]!.job.status, 'running', 'the other run is untouched');
    state = reduce(state, { type: 'clearFinished' });
    assert.deepEqual(state.cards.map((c) => c.jobId), ['b'], 'clearing keeps the running card');
  });

  test('after a tab switch the host snapshots win; after a reload unknown running cards are interrupted', () => {
    let state = reduce(initialState(), { type: 'start', card: card('a') });
    state = reduce(state, { type: 'start', card: card('b') });
    state = reduce(state, { type: 'start', card: card('c', { status: 'succeeded' }) });
    state = reduce(state, { type: 'hostJobs', jobs: [job('a', { status: 'succeeded', text: 'Saved 2 images' })], now: 99 });
    const byId = Object.fromEntries(state.cards.map((c) => [c.jobId, c.job]));
    assert.equal(byId.a!.status, 'succeeded', 'finished while hidden: the host snapshot fills it in');
    assert.equal(byId.b!.status, 'interrupted', 'the host no longer knows it (window reloaded)');
    assert.equal(byId.b!.endedAt, 99);
    assert.equal(byId.c!.status, 'succeeded', 'finished cards stay as they were');
  });

  test('a card started after the page asked for init is newer than the host list, not lost', () => {
    // A prompt run while `init` was on its way: the host made the list before it had the run.
    let state = reduce(initialState(), { type: 'start', card: { ...card('old'), startedAt: 10 } });
    state = reduce(state, { type: 'start', card: { ...card('new'), startedAt: 50 } });
    state = reduce(state, { type: 'hostJobs', jobs: [], now: 60, askedAt: 40 });
    const byId = Object.fromEntries(state.cards.map((c) => [c.jobId, c.job]));
    assert.equal(byId.new!.status, 'running', 'started after ready: its run reached the host after the list');
    assert.equal(byId.old!.status, 'interrupted', 'started before ready and unknown: lost with a reload');
    state = reduce(state, { type: 'job', job: job('new', { status: 'succeeded' }) });
    assert.equal(state.cards.find((c) => c.jobId === 'new')!.job.status, 'succeeded');
  });

  test('the persisted state round-trips; anything else starts fresh', () => {
    const state = reduce(initialState(), { type: 'start', card: card('a', { status: 'succeeded' }) });
    assert.deepEqual(restoreState(JSON.parse(JSON.stringify(state))), state);
    assert.deepEqual(restoreState({ prompt: 'old format' }), initialState());
    assert.deepEqual(restoreState(undefined), initialState());
  });

  test('a card or compare column saved as `done` is restored as `succeeded`; a prompt that says so is left alone', () => {
    const prompt = 'a sign that reads "status":"done"';
    const column = { jobId: 'c-1', modelLabel: 'Wan', params: { mode: 'generate', model: 'wan2.6-t2i', prompt }, cost: '1 image', startedAt: 1, endedAt: 5, status: 'done', text: 'Saved', images: [] };
    const saved = {
      ...initialState(),
      prompts: { generate: prompt },
      cards: [
        { ...card('a'), params: { mode: 'generate', model: 'wan2.6-t2i', prompt }, job: { jobId: 'a', status: 'done', text: 'Saved 1 image', images: [], columns: [column, { ...column, jobId: 'c-2', status: 'failed' }] } },
        card('b', { status: 'failed' }),
      ],
    };
    const restored = restoreState(JSON.parse(JSON.stringify(saved)));
    assert.deepEqual(restored.cards.map((c) => c.job.status), ['succeeded', 'failed']);
    assert.deepEqual(restored.cards[0]!.job.columns!.map((c) => c.status), ['succeeded', 'failed']);
    assert.equal(restored.prompts.generate, prompt);
    assert.equal(restored.cards[0]!.params.prompt, prompt);
    assert.equal(restored.cards[0]!.job.columns![0]!.params.prompt, prompt);
  });

  test('inputs keep their order, move, and are removed; a one-image model takes the newest', () => {
    let state = reduce(initialState(), { type: 'addInputs', mode: 'edit', images: [image('a.png'), image('b.png')], max: 4 });
    state = reduce(state, { type: 'addInputs', mode: 'edit', images: [image('a.png'), image('c.png')], max: 4 });
    assert.deepEqual(state.inputs.edit!.map((i) => i.location.path), ['a.png', 'b.png', 'c.png'], 'no duplicates, order kept');
    state = reduce(state, { type: 'moveInput', mode: 'edit', index: 0, by: 1 });
    assert.deepEqual(state.inputs.edit!.map((i) => i.location.path), ['b.png', 'a.png', 'c.png']);
    assert.equal(reduce(state, { type: 'moveInput', mode: 'edit', index: 2, by: 1 }), state, 'moving past the end changes nothing');
    state = reduce(state, { type: 'removeInput', mode: 'edit', index: 1 });
    assert.deepEqual(state.inputs.edit!.map((i) => i.location.path), ['b.png', 'c.png']);
    state = reduce(state, { type: 'addInputs', mode: 'translate', images: [image('a.png')], max: 1 });
    state = reduce(state, { type: 'addInputs', mode: 'translate', images: [image('b.png')], max: 1 });
    assert.deepEqual(state.inputs.translate!.map((i) => i.location.path), ['b.png']);
  });

  test('switching models keeps a valid size, remembers each model, and falls back to the default', () => {
    const wan26 = model(generate, 'wan2.6-t2i');
    const wan25 = model(generate, 'wan2.5-t2i-preview');
    const qwen = model(generate, 'qwen-image');
    let state = reduce(initialState(), { type: 'model', mode: 'generate', model: wan26 });
    state = reduce(state, { type: 'choice', model: wan26.id, patch: { size: '1280*1280', n: 3 } });
    state = reduce(state, { type: 'model', mode: 'generate', model: wan25, previous: wan26 });
    assert.equal(state.choices[wan25.id]!.size, '1280*1280', 'valid for the new model: kept');
    state = reduce(state, { type: 'model', mode: 'generate', model: qwen, previous: wan25 });
    assert.equal(state.choices[qwen.id]!.size, qwen.defaultSize, 'not in qwen-image’s list: its default');
    state = reduce(state, { type: 'model', mode: 'generate', model: wan26, previous: qwen });
    assert.equal(state.choices[wan26.id]!.n, 3, 'the last choices of a model come back');
    assert.deepEqual(keepSize(wan26, {}, { size: '1200*1500' }), { size: CUSTOM_SIZE, customSize: '1200*1500' }, 'an unlisted valid size becomes the custom size');
  });

  test('inline validation: seed, size, prompt, input count and format, terminology rows', () => {
    const wan26 = model(generate, 'wan2.6-t2i');
    let state = reduce(initialState(), { type: 'model', mode: 'generate', model: wan26 });
    assert.deepEqual(validate('generate', wan26, state).map((p) => [p.key, p.quiet]), [['errPromptRequired', true]]);
    state = reduce(state, { type: 'prompt', mode: 'generate', text: 'a lantern' });
    state = reduce(state, { type: 'choice', model: wan26.id, patch: { seed: '12x', size: CUSTOM_SIZE, customSize: '10*10' } });
    assert.deepEqual(validate('generate', wan26, state).map((p) => p.key).sort(), ['errInvalidSeed', 'errSize']);
    state = reduce(state, { type: 'choice', model: wan26.id, patch: { seed: '12', customSize: '1280x1280', n: 2 } });
    assert.deepEqual(validate('generate', wan26, state), []);
    assert.deepEqual(runParams('generate', wan26, state), { mode: 'generate', model: wan26.id, prompt: 'a lantern', size: '1280*1280', n: 2, seed: 12, promptExtend: wan26.promptExtend });

    const wanEdit = model(edit, 'wan2.6-image');
    let e = reduce(initialState(), { type: 'prompt', mode: 'edit', text: 'merge' });
    assert.equal(validate('edit', wanEdit, e).find((p) => p.key === 'errInputsCount')?.quiet, true, 'no input yet: quiet until a run is tried');
    e = reduce(e, { type: 'addInputs', mode: 'edit', images: ['1', '2', '3', '4', '5'].map((n) => image(`${n}.png`)), max: 4 });
    assert.equal(validate('edit', wanEdit, e).find((p) => p.key === 'errInputsCount')?.quiet, false, 'too many is shown at once');
    e = reduce(initialState(), { type: 'addInputs', mode: 'edit', images: [image('a.gif')], max: 4 });
    assert.ok(validate('edit', wanEdit, e).some((p) => p.key === 'errInputFormat'), 'wan2.6-image takes no GIF');

    const mt = modeOptions('translate', 'en')[0]!;
    let t = reduce(initialState(), { type: 'addInputs', mode: 'translate', images: [image('poster.png')], max: 1 });
    t = reduce(t, { type: 'translate', patch: { sourceLang: 'zh', targetLang: 'en', terms: [{ src: '千问', tgt: '' }] } });
    assert.deepEqual(validate('translate', mt, t).map((p) => p.key), ['errTerm']);
    t = reduce(t, { type: 'translate', patch: { terms: [{ src: '千问', tgt: 'Qwen' }, { src: ' 千问', tgt: 'Qianwen' }] } });
    assert.deepEqual(validate('translate', mt, t).map((p) => [p.key, p.args]), [['errTermTwice', ['千问']]]);
    t = reduce(t, { type: 'translate', patch: { terms: [{ src: '千问', tgt: 'Qwen' }], sensitives: 'a, b，c' } });
    assert.deepEqual(runParams('translate', mt, t).translation, { sourceLang: 'zh', targetLang: 'en', sensitives: ['a', 'b', 'c'], terms: [{ src: '千问', tgt: 'Qwen' }] });
  });

  test('the glossary fills the table once; later inits keep the user’s edits', () => {
    let state = reduce(initialState(), { type: 'glossary', terms: [{ src: 'a', tgt: 'b' }] });
    state = reduce(state, { type: 'translate', patch: { terms: [{ src: 'x', tgt: 'y' }] } });
    assert.deepEqual(reduce(state, { type: 'glossary', terms: [{ src: 'a', tgt: 'b' }] }).translate.terms, [{ src: 'x', tgt: 'y' }]);
  });

  test('captions show the distinct part of the names, not a shared truncated prefix', () => {
    assert.deepEqual(distinctNames(['generated-images/20261201-073012-wan2.6-t2i-a-red-lantern-1.png', 'generated-images/20261201-073012-wan2.6-t2i-a-red-lantern-2.png']), ['…red-lantern-1.png', '…red-lantern-2.png']);
    assert.deepEqual(distinctNames(['out/poster.en.jpg']), ['poster.en.jpg'], 'a short name stays whole');
    assert.deepEqual(distinctNames(['generated-images/20261201-090631-wan2.6-image-paint-the-pattern-of-image-1.png']), ['…paint-the-pattern-of-image-1.png'], 'a long one keeps its end, where the index is');
    assert.deepEqual(distinctNames(['a-1.png', 'b-2.png']), ['a-1.png', 'b-2.png'], 'nothing shared: whole names');
  });

  test('custom sizes are checked against the model’s rule', () => {
    const wan26 = model(generate, 'wan2.6-t2i');
    assert.equal(checkSize(wan26.sizeRule, '1280*1280'), undefined);
    assert.notEqual(checkSize(wan26.sizeRule, '100*100'), undefined);
    assert.notEqual(checkSize(model(generate, 'qwen-image').sizeRule, '1280*1280'), undefined, 'qwen-image takes only its listed sizes');
  });

  test('history search over 1,000 entries: every word must match, in prompts, models and file names', () => {
    const items: HistoryItem[] = Array.from({ length: 1000 }, (_, i) => ({
      id: `h${i}`,
      kind: i % 2 ? 'generate' : 'edit',
      model: i % 3 ? 'wan2.6-t2i' : 'qwen-image',
      prompt: i === 500 ? 'A red lantern over West Lake' : `prompt number ${i}`,
      started: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      outcome: 'succeeded',
      parameters: {},
      inputs: [],
      outputs: [{ src: `s${i}`, displayPath: `generated-images/image-${i}.png` }],
    }));
    assert.deepEqual(searchHistory(items, 'west lantern').map((i) => i.id), ['h500']);
    assert.deepEqual(searchHistory(items, 'image-999.png').map((i) => i.id), ['h999']);
    assert.equal(searchHistory(items, 'qwen-image').length, 334);
    assert.equal(searchHistory(items, '  '), items, 'no query: everything, same order');
  });
});
