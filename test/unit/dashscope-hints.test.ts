/**
 * The client's hints are English templates (src/dashscope/errors.ts) that a UI translates: the
 * CLI prints them formatted, the extension looks each template up in its l10n bundle.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CLIENT_ERROR_CODES, DashScopeError, formatHint, hintFor, hintOf } from '../../src/dashscope/errors';

const bundle = JSON.parse(readFileSync(join(__dirname, '..', '..', 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
const CODES = ['InvalidApiKey', 'Throttling.RateQuota', 'Throttling.AllocationQuota', 'Arrearage', 'DataInspectionFailed', 'InvalidParameter', 'AccessDenied', 'ModelNotFound', 'InternalError', 'SomethingNew', ...Object.values(CLIENT_ERROR_CODES)];

describe('hints as templates', () => {
  test('the English text is the template with its arguments; a message never becomes part of a template', () => {
    for (const code of CODES) {
      const parts = hintOf(code, 'size 99*99 is out of range', 400);
      assert.equal(formatHint(parts), hintFor(code, 'size 99*99 is out of range', 400), code);
      assert.ok(!parts.template.includes('99*99'), `${code}: the message is an argument, not in the template`);
    }
    assert.deepEqual(hintOf('InvalidParameter', 'bad size'), { template: 'The service rejected a parameter: {0}', args: ['bad size'] });
    assert.equal(hintFor('SomethingNew', 'odd'), 'DashScope said: odd');
  });

  test('every template has a Chinese translation with the same placeholders', () => {
    for (const code of CODES) {
      for (const message of ['', 'a message', 'No API-key provided.']) {
        const { template } = hintOf(code, message, 500);
        const zh = bundle[template];
        assert.ok(zh, `no zh-cn translation for "${template}"`);
        assert.deepEqual(zh.match(/\{\d+\}/g) ?? [], template.match(/\{\d+\}/g) ?? [], template);
      }
    }
  });

  test('an error keeps the parts of its own hint; an explicit hint has none', () => {
    const own = new DashScopeError({ code: 'InvalidParameter', message: 'bad size', httpStatus: 400 });
    assert.deepEqual(own.hintParts, { template: 'The service rejected a parameter: {0}', args: ['bad size'] });
    assert.equal(own.hint, 'The service rejected a parameter: bad size');
    const explicit = new DashScopeError({ code: 'InvalidParameter', message: 'x', hint: 'Use a streaming model.' });
    assert.equal(explicit.hintParts, undefined);
    assert.equal(explicit.hint, 'Use a streaming model.');
  });
});
