/**
 * Presets (src/pipeline/presets/): the file's schema, validation against the catalog for every
 * model family and mode (a valid preset passes, an out-of-range parameter is reported at the
 * preset's own field and line, never adjusted), blank filling, and saving into a file's text.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { MODELS, validateRequest, type Task } from '../../src/dashscope/index';
import {
  MODE_TASK,
  PRESET_MODES,
  PresetError,
  addPresetToList,
  addPresetToText,
  checkBlankValues,
  examplePresetsText,
  fillTemplate,
  findPreset,
  formatProblem,
  listPresets,
  parsePresetsText,
  presetBlanks,
  usePreset,
  validatePreset,
  withGlossaryTerms,
  type Preset,
  type PresetMode,
} from '../../src/pipeline/presets/index';
import { presetsJsonSchemaText } from '../../src/pipeline/presets/jsonSchema';

const MODE_OF_TASK = Object.fromEntries(PRESET_MODES.map((m) => [MODE_TASK[m], m])) as Record<Task, PresetMode>;

/** A preset for `model` in `mode` that should pass: the model's own default or first recommended size. */
function validPreset(model: (typeof MODELS)[number], mode: PresetMode): Preset {
  const base = { name: `${model.id} ${mode}`, mode, model: model.id };
  if (mode === 'translate') return { ...base, translation: { sourceLang: 'zh', targetLang: 'en' } };
  return { ...base, prompt: 'A poster of {subject} in {style} style' };
}

function fileOf(presets: unknown[]): string {
  return JSON.stringify({ version: 1, presets }, null, 2);
}

describe('presets: validation against the catalog', () => {
  for (const model of MODELS) {
    for (const task of model.tasks) {
      const mode = MODE_OF_TASK[task];
      test(`${model.id} as a ${mode} preset passes, and an n above its limit is reported at parameters.n`, () => {
        const preset = validPreset(model, mode);
        assert.deepEqual(validatePreset(preset), []);
        const text = fileOf([preset]);
        const read = parsePresetsText(text);
        assert.deepEqual(read.problems, []);
        assert.equal(read.presets[0]?.name, preset.name);
        if (model.params.includes('n') && model.n.max < 100) {
          const over = { ...preset, parameters: { n: model.n.max + 1 } };
          const bad = parsePresetsText(fileOf([over]));
          assert.equal(bad.presets.length, 0);
          const problem = bad.problems.find((p) => p.field === 'parameters.n');
          assert.ok(problem, JSON.stringify(bad.problems));
          assert.equal(problem.preset, preset.name);
          assert.match(problem.message, new RegExp(String(model.n.max + 1)));
          // The location is the value 6 in the file: line and column point at it.
          const line = fileOf([over]).split('\n')[problem.location!.line - 1]!;
          assert.equal(line.slice(problem.location!.column - 1, problem.location!.column - 1 + problem.location!.length), String(model.n.max + 1));
        }
      });
    }
  }

  test('an unknown model is reported with the models of the mode', () => {
    const [issue] = validatePreset({ name: 'x', mode: 'generate', model: 'qwen-image-9', prompt: 'a {thing}' });
    assert.deepEqual(issue?.field, ['model']);
    assert.match(issue!.message, /Unknown model "qwen-image-9".*qwen-image-plus/);
  });

  test('a model that does not do the mode is reported, naming models that do', () => {
    const [issue] = validatePreset({ name: 'x', mode: 'edit', model: 'wan2.2-t2i-flash', prompt: 'a {thing}' });
    assert.deepEqual(issue?.field, ['model']);
    assert.match(issue!.message, /does not do image-edit.*qwen-image-edit/);
  });

  test('a size out of the model\'s range is reported at size, never adjusted', () => {
    const issues = validatePreset({ name: 'Big', mode: 'generate', model: 'wan2.2-t2i-flash', prompt: 'a {thing}', size: '4000*4000' });
    assert.deepEqual(issues.map((i) => i.field), [['size']]);
    assert.match(issues[0]!.message, /512 and 1440/);
  });

  test('a translation with an unknown language is reported at translation.targetLang', () => {
    const issues = validatePreset({ name: 'T', mode: 'translate', model: 'qwen-mt-image', translation: { targetLang: 'klingon' } });
    assert.deepEqual(issues.map((i) => i.field), [['translation', 'targetLang']]);
  });

  test('translate-only fields on a generate preset, a bad output template and a bad blank are reported', () => {
    const issues = validatePreset({ name: 'G', mode: 'generate', model: 'qwen-image-plus', prompt: 'a {bad blank}', glossary: [{ src: 'a', tgt: 'b' }], outputTemplate: '${nope}/x' });
    assert.deepEqual(issues.map((i) => i.field.join('.')).sort(), ['glossary', 'outputTemplate', 'prompt']);
  });

  test('a glossary path that leaves the workspace is refused', () => {
    const issues = validatePreset({ name: 'T', mode: 'translate', model: 'qwen-mt-image', translation: { targetLang: 'en' }, glossary: '../secrets.txt' });
    assert.deepEqual(issues.map((i) => i.field), [['glossary']]);
  });
});

describe('presets: the file', () => {
  test('a file that does not parse is one problem with its line, and no preset', () => {
    const read = parsePresetsText('{\n  "version": 1,\n  "presets": [\n    { "name": "a", }\n  ]\n}');
    assert.equal(read.presets.length, 0);
    assert.equal(read.problems.length, 1);
    assert.equal(read.problems[0]!.location?.line, 4);
    assert.match(formatProblem(read.problems[0]!), /^\.bailian\/presets\.json:4:\d+: the file is not valid JSON/);
  });

  test('a wrong version and an unknown field are reported; one bad preset leaves the others usable', () => {
    const text = fileOf([
      { name: 'Good', mode: 'generate', model: 'qwen-image-plus', prompt: 'a {thing}' },
      { name: 'Typo', mode: 'generate', model: 'qwen-image-plus', prompt: 'a {thing}', sise: '1024*1024' },
      { mode: 'generate', model: 'qwen-image-plus' },
    ]).replace('"version": 1', '"version": 2');
    const read = parsePresetsText(text, 'presets.json');
    assert.deepEqual(read.presets.map((p) => p.name), ['Good']);
    assert.ok(read.problems.some((p) => p.field === 'version' && p.preset === undefined));
    const typo = read.problems.find((p) => p.preset === 'Typo');
    assert.equal(typo?.field, 'sise');
    assert.match(typo!.message, /unknown field "sise"/);
    const nameless = read.problems.find((p) => p.preset === '#3');
    assert.equal(nameless?.field, 'name');
    // A missing field points at the preset's object, on its line.
    assert.ok(nameless?.location);
  });

  test('two presets with one name: the second is reported', () => {
    const p = { name: 'Same', mode: 'generate', model: 'qwen-image-plus', prompt: 'a {thing}' };
    const read = parsePresetsText(fileOf([p, p]));
    assert.equal(read.presets.length, 1);
    assert.equal(read.problems[0]?.field, 'name');
  });

  test('findPreset: a broken preset says why; a missing one lists the usable names', () => {
    const read = parsePresetsText(fileOf([
      { name: 'Good', mode: 'generate', model: 'qwen-image-plus', prompt: 'a {thing}' },
      { name: 'Broken', mode: 'generate', model: 'nope', prompt: 'x' },
    ]));
    assert.equal(findPreset('Good', read).name, 'Good');
    assert.throws(() => findPreset('Broken', read), (e: unknown) => e instanceof PresetError && /preset "Broken", model: Unknown model "nope"/.test(e.message));
    assert.throws(() => findPreset('Missing', read), /there is no preset "Missing"; the presets are "Good"/);
  });

  test('workspace presets come first and shadow a user preset of the same name', () => {
    const w: Preset = { name: 'A', mode: 'generate', model: 'qwen-image-plus', prompt: 'x' };
    const u: Preset[] = [{ ...w, model: 'qwen-image' }, { ...w, name: 'B' }];
    assert.deepEqual(listPresets([w], u).map((e) => `${e.origin}:${e.preset.name}:${e.preset.model}`), ['workspace:A:qwen-image-plus', 'user:B:qwen-image-plus']);
  });
});

describe('presets: blanks', () => {
  const preset: Preset = { name: 'Shot', mode: 'generate', model: 'qwen-image-plus', prompt: 'Product shot of {subject} on {surface}, {{literal}} {subject}', negativePrompt: 'no {avoid}' };

  test('blanks are listed once, in order, from the prompt and the negative prompt', () => {
    assert.deepEqual(presetBlanks(preset), ['subject', 'surface', 'avoid']);
  });

  test('filling replaces every occurrence and keeps escaped braces literal', () => {
    assert.equal(fillTemplate(preset.prompt!, { subject: 'a teapot', surface: 'oak' }), 'Product shot of a teapot on oak, {literal} a teapot');
    const { request } = usePreset(preset, { subject: 'a teapot', surface: 'oak', avoid: 'text' });
    assert.deepEqual(request, { model: 'qwen-image-plus', prompt: 'Product shot of a teapot on oak, {literal} a teapot', negativePrompt: 'no text' });
    validateRequest(request);
  });

  test('a blank left unfilled is an error naming it; an empty value counts as unfilled', () => {
    assert.throws(() => usePreset(preset, { subject: 'a teapot', surface: ' ' }), (e: unknown) => e instanceof PresetError && /preset "Shot".*a value is needed for \{surface\}, \{avoid\}/.test(e.message));
  });

  test('a value for a blank that does not exist is an error naming the known blanks', () => {
    const problems = checkBlankValues(preset, { subject: 'x', surface: 'y', avoid: 'z', colour: 'red' });
    assert.deepEqual(problems.unknown, ['colour']);
    assert.throws(() => usePreset(preset, { subject: 'x', surface: 'y', avoid: 'z', colour: 'red' }, { blankLabel: (b) => `--set ${b}=…` }), /no blank "colour"; its blanks are --set subject=…, --set surface=…, --set avoid=…/);
  });

  test('a translate preset gives its translation, inline glossary, and a glossary file to read', () => {
    const t: Preset = { name: 'EN', mode: 'translate', model: 'qwen-mt-image', translation: { targetLang: 'en' }, glossary: [{ src: '千问', tgt: 'Qwen' }], outputTemplate: 'translated/${lang}' };
    const used = usePreset(t, {});
    assert.deepEqual(used.request.translation, { sourceLang: 'auto', targetLang: 'en', terminologies: [{ src: '千问', tgt: 'Qwen' }] });
    assert.equal(used.outputTemplate, 'translated/${lang}');
    assert.deepEqual(withGlossaryTerms(used.request, [{ src: '百炼', tgt: 'Bailian' }]).translation?.terminologies?.length, 2);
    assert.equal(usePreset({ ...t, glossary: '.bailian/glossary.txt' }, {}).glossaryFile, '.bailian/glossary.txt');
  });
});

describe('presets: saving', () => {
  const preset: Preset = { name: 'New', mode: 'generate', model: 'qwen-image-plus', prompt: 'a {thing}', size: '1328*1328' };

  test('a preset is appended to a file, keeping its comments; a second with the name is refused unless replacing', () => {
    const start = `// team presets\n${examplePresetsText('qwen-image-plus')}`;
    const text = addPresetToText(start, preset);
    assert.match(text, /^\/\/ team presets/);
    assert.deepEqual(parsePresetsText(text).presets.map((p) => p.name), ['Product shot', 'New']);
    assert.throws(() => addPresetToText(text, preset), /exists already/);
    const replaced = addPresetToText(text, { ...preset, size: '1664*928' }, { replace: true });
    assert.equal(parsePresetsText(replaced).presets[1]?.size, '1664*928');
  });

  test('a new file is started; an invalid preset or an unparsable file is refused', () => {
    assert.deepEqual(parsePresetsText(addPresetToText(undefined, preset)).presets.map((p) => p.name), ['New']);
    assert.throws(() => addPresetToText(undefined, { ...preset, size: '99999*2' }), (e: unknown) => e instanceof PresetError && /preset "New", size/.test(e.message));
    assert.throws(() => addPresetToText('{ "version": 1, "presets": [', preset), /not valid JSON/);
  });

  test('user presets: added and replaced by name with the same checks', () => {
    const list = addPresetToList([], preset);
    assert.equal(addPresetToList(list, { ...preset, seed: 7 }, { replace: true })[0]?.seed, 7);
    assert.throws(() => addPresetToList(list, preset), /exists already/);
  });
});

describe('presets: the contributed JSON schema', () => {
  test('media/schemas/presets.schema.json is in step with the zod schema and the catalog (node scripts/presets-schema.mjs)', () => {
    const onDisk = readFileSync(join(__dirname, '..', '..', 'media', 'schemas', 'presets.schema.json'), 'utf8');
    assert.equal(onDisk, presetsJsonSchemaText());
  });

  test('the manifest contributes it for .bailian/presets.json, and it lists every catalog model', () => {
    const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { contributes: { jsonValidation?: { fileMatch: string; url: string }[] } };
    assert.deepEqual(manifest.contributes.jsonValidation, [{ fileMatch: '**/.bailian/presets.json', url: './media/schemas/presets.schema.json' }]);
    const schema = JSON.parse(presetsJsonSchemaText()) as { properties: { presets: { items: { properties: { model: { enum: string[] }; mode: { enum: string[] } } } } } };
    const item = schema.properties.presets.items.properties;
    for (const m of MODELS) assert.ok(item.model.enum.includes(m.id), m.id);
    assert.deepEqual(item.mode.enum, [...PRESET_MODES]);
  });
});
