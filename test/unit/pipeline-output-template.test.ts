/**
 * src/pipeline/outputTemplate.ts: every variable, the shipped defaults (`generated-images`,
 * `${fileDirname}`), and bad templates with messages that say what to change.
 *
 *   node --import tsx --test test/unit/pipeline-output-template.test.ts
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { OUTPUT_TEMPLATE_VARIABLES, OutputTemplateError, checkOutputTemplate, renderOutputFolder, type OutputTemplateValues } from '../../src/pipeline/outputTemplate';
import { repoRoot } from './client-fixtures';

const DATE = new Date(2026, 0, 2, 3, 4, 5); // local time, like the file names
const GENERATE: OutputTemplateValues = { date: DATE, model: 'qwen-image' };
const TRANSLATE: OutputTemplateValues = { date: DATE, model: 'qwen-mt-image', fileDirname: 'assets/posters', fileBasenameNoExtension: 'menu', lang: 'en' };

/** The defaults package.json ships for the two output-folder settings. */
function shippedDefault(setting: string): string {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { contributes: { configuration: { properties: Record<string, { default?: unknown }> } | { properties: Record<string, { default?: unknown }> }[] } };
  const sections = [pkg.contributes.configuration].flat();
  const found = sections.map((s) => s.properties[setting]).find(Boolean);
  assert.ok(found, `${setting} is contributed`);
  return String(found.default);
}

/** Asserts the template is refused with a message naming the setting and matching every pattern. */
function assertRefused(template: string, values: OutputTemplateValues, ...patterns: RegExp[]): void {
  assert.throws(
    () => renderOutputFolder(template, values),
    (error: unknown) => {
      assert.ok(error instanceof OutputTemplateError, String(error));
      assert.equal(error.name, 'OutputTemplateError');
      assert.ok(error.message.startsWith(`The setting bailian.outputFolder ("${template}")`), error.message);
      for (const p of patterns) assert.match(error.message, p);
      return true;
    },
    template,
  );
}

describe('output folder templates: variables', () => {
  test('every variable renders', () => {
    assert.deepEqual([...OUTPUT_TEMPLATE_VARIABLES].sort(), ['date', 'fileBasenameNoExtension', 'fileDirname', 'jobId', 'lang', 'model', 'preset', 'workspaceFolder']);
    assert.equal(renderOutputFolder('${workspaceFolder}', GENERATE), '', 'the workspace root');
    assert.equal(renderOutputFolder('${workspaceFolder}/out/images', GENERATE), 'out/images');
    assert.equal(renderOutputFolder('${fileDirname}', TRANSLATE), 'assets/posters');
    assert.equal(renderOutputFolder('${fileDirname}/${fileBasenameNoExtension}-${lang}', TRANSLATE), 'assets/posters/menu-en');
    assert.equal(renderOutputFolder('out/${date}', GENERATE), 'out/2026-01-02');
    assert.equal(renderOutputFolder('out/${model}', { ...GENERATE, model: 'wan2.6-image:interleave' }), 'out/wan2.6-image-interleave', 'no ":" in folder names');
    assert.equal(renderOutputFolder('${workspaceFolder}/${lang}/${date}/${model}', TRANSLATE), 'en/2026-01-02/qwen-mt-image');
  });

  test('${preset} and ${jobId} render per job; without a preset the segment goes', () => {
    assert.equal(renderOutputFolder('assets/${preset}/${jobId}', { ...GENERATE, preset: 'product shot', jobId: 'mj3k2x-8f0a1b' }), 'assets/product shot/mj3k2x-8f0a1b');
    assert.equal(renderOutputFolder('assets/${preset}', { ...GENERATE, preset: 'team/hero:v2' }), 'assets/team-hero-v2', 'one folder-safe segment');
    assert.equal(renderOutputFolder('assets/${preset}', GENERATE), 'assets');
  });

  test('${seed} and ${index} are refused in a folder, pointing to the file name template', () => {
    assertRefused('out/${seed}', GENERATE, /\$\{seed\} differs from image to image/, /file name template instead \(the CLI's --template\)/);
    assertRefused('out/${index}-${seed}', GENERATE, /\$\{index\} and \$\{seed\} differ/);
    assert.equal(checkOutputTemplate('out/${seed}').length, 1, 'reported once, not also as unknown');
  });

  test('values are made folder-safe; only ${fileDirname} may add sub-folders', () => {
    assert.equal(renderOutputFolder('out/${fileBasenameNoExtension}', { ...TRANSLATE, fileBasenameNoExtension: 'a/b:c*d' }), 'out/a-b-c-d');
    assert.equal(renderOutputFolder('out/${model}', { ...GENERATE, model: 'x/y' }), 'out/x-y');
    assert.equal(renderOutputFolder('${fileDirname}/t', { ...TRANSLATE, fileDirname: 'a/b/c' }), 'a/b/c/t');
  });

  test('empty segments, "." and backslashes are normalized; a source at the root gives the root', () => {
    assert.equal(renderOutputFolder('${fileDirname}', { ...TRANSLATE, fileDirname: '' }), '');
    assert.equal(renderOutputFolder('${fileDirname}/translated', { ...TRANSLATE, fileDirname: '' }), 'translated');
    assert.equal(renderOutputFolder('./out//images/', GENERATE), 'out/images');
    assert.equal(renderOutputFolder('out\\images', GENERATE), 'out/images');
    assert.equal(renderOutputFolder('', GENERATE), '');
    assert.equal(renderOutputFolder('  generated-images  ', GENERATE), 'generated-images');
  });
});

describe('output folder templates: the shipped defaults', () => {
  test('bailian.outputFolder defaults to generated-images: a folder at the workspace root, for every job', () => {
    const template = shippedDefault('bailian.outputFolder');
    assert.equal(template, 'generated-images');
    assert.deepEqual(checkOutputTemplate(template), []);
    assert.equal(renderOutputFolder(template, GENERATE), 'generated-images');
    assert.equal(renderOutputFolder(template, TRANSLATE), 'generated-images');
  });

  test('bailian.translationOutputFolder defaults to ${fileDirname}: next to the translated image', () => {
    const template = shippedDefault('bailian.translationOutputFolder');
    assert.equal(template, '${fileDirname}');
    assert.deepEqual(checkOutputTemplate(template), []);
    assert.equal(renderOutputFolder(template, TRANSLATE, 'bailian.translationOutputFolder'), 'assets/posters');
  });
});

describe('output folder templates: refused, with what to change', () => {
  test('an unknown variable lists the known ones', () => {
    assertRefused('out/${workspaceRoot}', GENERATE, /unknown variable \$\{workspaceRoot\}; use \$\{workspaceFolder\} \$\{fileDirname\} \$\{fileBasenameNoExtension\} \$\{date\} \$\{model\} \$\{lang\}/);
    assertRefused('${a}/${b}', GENERATE, /unknown variables \$\{a\}, \$\{b\}/);
    assertRefused('${}', GENERATE, /unknown variable \$\{\}/);
  });

  test('an absolute path (POSIX, Windows drive, UNC, home) says to use a relative one or ${workspaceFolder}', () => {
    for (const template of ['/tmp/images', 'C:\\images', 'd:/images', '\\\\server\\share', '~/images']) {
      assertRefused(template, GENERATE, /must be a folder inside the workspace \(a relative path or one starting with \$\{workspaceFolder\}\), not an absolute path/);
    }
  });

  test('".." anywhere says it must not leave the workspace folder', () => {
    for (const template of ['../images', 'a/../../images', '${workspaceFolder}/../images', 'a\\..\\..\\b', 'a/ .. /b']) {
      assertRefused(template, GENERATE, /must not leave the workspace folder \("\.\."\)/);
    }
  });

  test('${workspaceFolder} anywhere but at the start is refused', () => {
    assertRefused('out/${workspaceFolder}', GENERATE, /\$\{workspaceFolder\} may only start the template/);
    assertRefused('${workspaceFolder}/${workspaceFolder}', GENERATE, /may only start the template/);
  });

  test('${fileDirname} / ${fileBasenameNoExtension} without a source image say they are for edit and translate', () => {
    assertRefused('${fileDirname}', GENERATE, /\$\{fileDirname\} only works for jobs with a source image \(edit, translate\)/);
    assertRefused('${fileDirname}/${fileBasenameNoExtension}', GENERATE, /\$\{fileDirname\} and \$\{fileBasenameNoExtension\} only work for jobs with a source image/);
  });

  test('${lang} outside translations says it only works for translations', () => {
    assertRefused('out/${lang}', GENERATE, /\$\{lang\} only works for translations/);
    assertRefused('out/${lang}', { ...TRANSLATE, lang: undefined }, /\$\{lang\} only works for translations/);
  });

  test('every problem is listed at once; checkOutputTemplate gives the job-independent ones', () => {
    assertRefused('/abs/${nope}/../${lang}', GENERATE, /unknown variable \$\{nope\}/, /not an absolute path/, /\(".."\)/, /\$\{lang\} only works/);
    assert.equal(checkOutputTemplate('/abs/${nope}/..').length, 3);
    assert.deepEqual(checkOutputTemplate('${fileDirname}/${lang}'), [], 'job-dependent variables are fine in the abstract');
  });

  test('a value that would climb out (a source folder outside the workspace) is refused too', () => {
    assertRefused('${fileDirname}', { ...TRANSLATE, fileDirname: '../elsewhere' }, /leaves the workspace folder/);
  });

  test('the message names the setting it came from', () => {
    assert.throws(() => renderOutputFolder('${lang}/x', GENERATE, 'bailian.translationOutputFolder'), /^OutputTemplateError: The setting bailian\.translationOutputFolder \("\$\{lang\}\/x"\) cannot be used: /);
  });
});
