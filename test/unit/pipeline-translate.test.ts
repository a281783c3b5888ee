/**
 * src/pipeline/translate.ts: the language pairs qwen-mt-image accepts (§4.3: source ≠ target,
 * Chinese or English on one side) and the name of a translated copy.
 *
 *   node --import tsx --test test/unit/pipeline-translate.test.ts
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MT_SOURCE_LANGUAGES, MT_TARGET_LANGUAGES } from '../../src/dashscope/catalog';
import { mtSources, mtTargetsFor, translatedStem } from '../../src/pipeline/translate';

describe('mtTargetsFor', () => {
  test('from Chinese or English: every target but the source itself', () => {
    assert.deepEqual(mtTargetsFor('zh'), MT_TARGET_LANGUAGES.filter((t) => t !== 'zh'));
    assert.deepEqual(mtTargetsFor('en'), MT_TARGET_LANGUAGES.filter((t) => t !== 'en'));
    assert.ok(mtTargetsFor('zh').includes('en') && mtTargetsFor('en').includes('zh'));
  });

  test('from any other language: only Chinese and English', () => {
    for (const source of MT_SOURCE_LANGUAGES.filter((s) => s !== 'zh' && s !== 'en')) {
      assert.deepEqual(mtTargetsFor(source), ['zh', 'en'], source);
    }
  });

  test('every pair offered has zh or en on one side and never the same language twice', () => {
    for (const source of MT_SOURCE_LANGUAGES) {
      for (const target of mtTargetsFor(source)) {
        assert.notEqual(source, target);
        assert.ok(['zh', 'en'].includes(source) || ['zh', 'en'].includes(target), `${source} → ${target}`);
        assert.ok(MT_TARGET_LANGUAGES.includes(target), `${target} is a target language`);
      }
    }
    assert.ok(!mtTargetsFor('de').includes('de'));
    assert.ok(!MT_TARGET_LANGUAGES.includes('de'), 'de is a source only');
  });

  test('auto-detect: every target (the service checks the detected pair)', () => {
    assert.deepEqual(mtTargetsFor('auto'), [...MT_TARGET_LANGUAGES]);
    assert.deepEqual(mtSources(), ['auto', ...MT_SOURCE_LANGUAGES]);
  });
});

describe('translatedStem', () => {
  test('the original name without folder and extension, plus the target language', () => {
    assert.equal(translatedStem('poster.png', 'en'), 'poster.en');
    assert.equal(translatedStem('assets/menus/菜单.jpg', 'en'), '菜单.en');
    assert.equal(translatedStem('/home/me/ws/flyer.final.webp', 'ja'), 'flyer.final.ja', 'only the last extension goes');
    assert.equal(translatedStem('README', 'zh'), 'README.zh');
  });

  test('a name that is nothing but an extension still gives a name', () => {
    assert.equal(translatedStem('.png', 'en'), 'image.en');
    assert.equal(translatedStem('folder/', 'en'), 'image.en');
  });
});
