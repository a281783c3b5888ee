/**
 * src/pipeline/glossary.ts: the line format (=, tab, comments, BOM, CRLF), the JSON forms other
 * tools write, errors that name the line to fix, and the round trip through formatGlossary.
 *
 *   node --import tsx --test test/unit/pipeline-glossary.test.ts
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { GLOSSARY_PATH, GLOSSARY_TEMPLATE, GlossaryError, formatGlossary, parseGlossary } from '../../src/pipeline/glossary';

/** Asserts that parsing fails with a GlossaryError on `line` whose message matches `message`. */
function assertGlossaryError(text: string, line: number | undefined, message: RegExp): void {
  assert.throws(
    () => parseGlossary(text),
    (error: unknown) => {
      assert.ok(error instanceof GlossaryError, String(error));
      assert.equal(error.line, line, `line of ${JSON.stringify(text)}`);
      assert.match(error.message, message);
      if (line !== undefined) assert.match(error.message, new RegExp(`^Line ${line}: `));
      return true;
    },
  );
}

describe('glossary line format', () => {
  test('"source = target" per line, spaces around the terms trimmed', () => {
    assert.deepEqual(parseGlossary('千问 = Qwen\n一体化=unified\n  通义万相   =   Wan  \n'), [
      { src: '千问', tgt: 'Qwen' },
      { src: '一体化', tgt: 'unified' },
      { src: '通义万相', tgt: 'Wan' },
    ]);
  });

  test('only the first "=" separates: the target may contain more', () => {
    assert.deepEqual(parseGlossary('E=mc² = E equals m c squared'), [{ src: 'E', tgt: 'mc² = E equals m c squared' }]);
  });

  test('a tab separates too, also in aligned columns with "=" next to it; then the source may contain "="', () => {
    assert.deepEqual(parseGlossary('通义\tTongyi\n千问\t\t= Qwen\n百炼\t=\tBailian\n万相 =\tWan\nx=1\tone'), [
      { src: '通义', tgt: 'Tongyi' },
      { src: '千问', tgt: 'Qwen' },
      { src: '百炼', tgt: 'Bailian' },
      { src: '万相', tgt: 'Wan' },
      { src: 'x=1', tgt: 'one' },
    ]);
  });

  test('comments and blank lines are ignored; a BOM and CRLF line ends are fine', () => {
    const text = '\uFEFF# terms for the menu\r\n\r\n   # indented comment\r\n千问 = Qwen\r\n\t\r\n菜单 = menu\r\n';
    assert.deepEqual(parseGlossary(text), [
      { src: '千问', tgt: 'Qwen' },
      { src: '菜单', tgt: 'menu' },
    ]);
    assert.deepEqual(parseGlossary(''), []);
    assert.deepEqual(parseGlossary('\uFEFF'), []);
  });

  test('the template parses (to nothing) and formatGlossary round-trips', () => {
    assert.deepEqual(parseGlossary(GLOSSARY_TEMPLATE), []);
    const terms = [
      { src: '千问', tgt: 'Qwen' },
      { src: 'x=1', tgt: 'x equals one = true' },
    ];
    const text = formatGlossary([...terms.slice(0, 2), { src: '  ', tgt: 'dropped' }]);
    assert.equal(text, `${GLOSSARY_TEMPLATE}千问 = Qwen\nx=1\tx equals one = true\n`);
    assert.deepEqual(parseGlossary(text), terms.slice(0, 2), 'a source with "=" survives the round trip');
    assert.equal(formatGlossary([], ''), '');
    assert.equal(GLOSSARY_PATH, '.bailian/glossary.txt');
  });

  test('a line without a separator or without a side names its line (counting comments and blanks)', () => {
    assertGlossaryError('# header\n\n千问 = Qwen\njust a word\n', 4, /expected "source = target", got "just a word"/);
    assertGlossaryError('= Qwen', 1, /got "= Qwen"/);
    assertGlossaryError('千问 = Qwen\r\n千问 =\r\n', 2, /got "千问 ="/);
    assertGlossaryError('\uFEFF千问 = Qwen\n\t\tQwen', 2, /expected "source = target"/);
  });
});

describe('glossary JSON forms', () => {
  const expected = [
    { src: '千问', tgt: 'Qwen' },
    { src: '一体化', tgt: 'unified' },
  ];

  test('{"source": "target"}, [{"src", "tgt"}] and {"terminologies": [...]} (with a BOM, CRLF, spaces)', () => {
    assert.deepEqual(parseGlossary('{"千问": "Qwen", " 一体化 ": "unified "}'), expected);
    assert.deepEqual(parseGlossary('\uFEFF[\r\n  {"src": "千问", "tgt": "Qwen"},\r\n  {"src": "一体化", "tgt": "unified"}\r\n]\r\n'), expected);
    assert.deepEqual(parseGlossary('  {"terminologies": [{"src": "千问", "tgt": "Qwen"}, {"src": "一体化", "tgt": "unified", "note": "ignored"}]}'), expected);
    assert.deepEqual(parseGlossary('{"terminologies": {"千问": "Qwen", "一体化": "unified"}}'), expected);
    assert.deepEqual(parseGlossary('[]'), []);
  });

  test('invalid JSON names the line, whichever way the engine words its error', () => {
    // V8 says "at position N" for some errors…
    assertGlossaryError('{\n  "千问": "Qwen"\n  "一体化": "unified"\n}', 3, /not valid JSON/);
    // …and nothing about the position for an unexpected token.
    assertGlossaryError('[\n  {"src": "千问", "tgt": "Qwen"},\n]', 3, /not valid JSON/);
    assertGlossaryError('{\n  "千问": }', 2, /not valid JSON/);
    assertGlossaryError('{"千问": "Qwen"', 1, /not valid JSON/);
    assertGlossaryError('{\n  "a": "b",\n  "c": tru\n}', 3, /not valid JSON/);
  });

  test('entries that are not terms say which one, and its line where it can be found', () => {
    assertGlossaryError('{\n  "千问": "Qwen",\n  "一体化": 2\n}', 3, /"一体化" is not a term: a JSON glossary must be \{"source": "target", …\}/);
    assertGlossaryError('[\n  {"src": "千问", "tgt": "Qwen"},\n  {"src": "一体化"}\n]', 3, /entry 2 is not a term/);
    assertGlossaryError('[{"src": "千问", "tgt": "Qwen"}, 7]', undefined, /entry 2 is not a term/);
    assertGlossaryError('{"千问": "  "}', 1, /"千问" is not a term/);
    assertGlossaryError('{"terminologies": "千问"}', undefined, /the whole file is not a term/);
  });
});
