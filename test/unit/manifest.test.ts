// package.json `contributes` and src/constants.ts must agree: a typo in either leaves a
// command that never runs or a setting the code never reads.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Commands, ConfigKeys, ContextKeys, Regions, ViewTypes } from '../../src/constants';

interface Manifest {
  engines: { vscode: string };
  activationEvents: string[];
  l10n: string;
  contributes: {
    commands: { command: string; title: string; category: string; enablement?: string }[];
    menus: Record<string, { command?: string; when?: string; group?: string }[]>;
    configuration: { properties: Record<string, { default?: unknown; enum?: string[] }> };
  };
}

const root = join(__dirname, '..', '..');
const readJson = (name: string): unknown => JSON.parse(readFileSync(join(root, name), 'utf8'));
const manifest = readJson('package.json') as Manifest;
const nls = (name: string) => readJson(name) as Record<string, string>;

describe('package.json manifest', () => {
  test('contributes exactly the commands in constants, all in the Bailian category', () => {
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    assert.deepEqual(contributed, Object.values(Commands).sort());
    for (const command of manifest.contributes.commands) {
      assert.equal(command.category, 'Bailian');
    }
  });

  test('the Explorer offers the entries that read provenance only on images known to carry it, and one greyed entry with the reason on the others', () => {
    const submenu = manifest.contributes.menus['bailian.explorer'] ?? [];
    const known = `resourcePath in ${ContextKeys.provenanceFiles}`;
    for (const id of [Commands.regenerateImage, Commands.imageVariations, Commands.openSettingsInStudio, Commands.copyAsCliCommand]) {
      const item = submenu.find((i) => i.command === id);
      assert.ok(item?.when?.endsWith(`&& ${known}`), `${id} shows only for ${known} (when: ${item?.when})`);
      assert.match(item?.group ?? '', /^3_reproduce@/);
    }
    const greyed = submenu.find((i) => i.command === Commands.noGenerationRecord);
    assert.ok(greyed?.when?.endsWith(`&& resourcePath not in ${ContextKeys.provenanceFiles}`), `the greyed entry shows exactly where they do not (when: ${greyed?.when})`);
    assert.equal(greyed?.group, '3_reproduce@1');
    assert.equal(manifest.contributes.commands.find((c) => c.command === Commands.noGenerationRecord)?.enablement, 'false', 'it can never run');
    assert.equal(manifest.contributes.menus.commandPalette?.find((i) => i.command === Commands.noGenerationRecord)?.when, 'false', 'nor show in the palette');
    const title = nls('package.nls.json')['command.noGenerationRecord'] ?? '';
    assert.match(title, /^Regenerate, Variations… \(.*no generation record\)$/, 'its title names the entries and the reason (menus show no tooltips)');
  });

  test('declares the settings constants.ts reads, with the documented defaults', () => {
    const properties = manifest.contributes.configuration.properties;
    const key = (name: string) => `${ConfigKeys.section}.${name}`;
    assert.deepEqual(properties[key(ConfigKeys.region)]?.enum, [...Regions]);
    assert.equal(properties[key(ConfigKeys.region)]?.default, 'beijing');
    assert.equal(properties[key(ConfigKeys.customBaseUrl)]?.default, '');
    assert.equal(properties[key(ConfigKeys.outputFolder)]?.default, 'generated-images');
  });

  test('activates on the studio serializer, and after startup (to resume persisted tasks); commands imply their own events', () => {
    assert.deepEqual(manifest.activationEvents, [`onWebviewPanel:${ViewTypes.studio}`, 'onStartupFinished']);
  });

  test('stays loadable in code-server 4.100 (VS Code 1.100)', () => {
    assert.equal(manifest.engines.vscode, '^1.100.0');
  });

  test('every %placeholder% has an English and a Simplified Chinese string', () => {
    const placeholders = [...JSON.stringify(manifest.contributes).matchAll(/"%([^%"]+)%"/g)].map((m) => m[1]);
    assert.ok(placeholders.length > 0);
    const english = nls('package.nls.json');
    const chinese = nls('package.nls.zh-cn.json');
    for (const placeholder of placeholders) {
      assert.ok(english[placeholder], `package.nls.json lacks ${placeholder}`);
      assert.ok(chinese[placeholder], `package.nls.zh-cn.json lacks ${placeholder}`);
    }
    assert.deepEqual(Object.keys(chinese).sort(), Object.keys(english).sort());
  });

  test('every vscode.l10n.t string in src/ has a Simplified Chinese translation', async () => {
    // The same extraction as scripts/l10n-missing.mjs (which lists what this test would report).
    const { collectMessages, compareWithBundle, readBundle, zhCnBundlePath } = await import('../../scripts/lib/l10n.mjs');
    const { messages, dynamic } = collectMessages(root);
    assert.ok(messages.size > 5);
    assert.deepEqual(dynamic, [], 'l10n.t needs a literal message, or no bundle key can be checked for it');
    const { missing } = compareWithBundle(messages, readBundle(zhCnBundlePath(root)));
    assert.deepEqual(missing, [], 'run `node scripts/l10n-missing.mjs` and translate what it lists');
  });

  test('every zh-cn translation keeps the placeholders of its message', async () => {
    const { placeholders, readBundle, zhCnBundlePath } = await import('../../scripts/lib/l10n.mjs');
    for (const [message, translation] of Object.entries(readBundle(zhCnBundlePath(root)))) {
      assert.deepEqual(placeholders(translation), placeholders(message), `"${message}" → "${translation}"`);
    }
  });
});

// The extraction itself: the shapes src/ uses or may use, and what it must not take for a message.
describe('l10n message extraction', () => {
  const extract = async (source: string) => (await import('../../scripts/lib/l10n.mjs')).extractMessages(source);
  const messagesOf = async (source: string) => (await extract(source)).messages.map((m) => m.message);

  test('takes direct calls in any quotes, with arguments, across lines', async () => {
    const source = [
      "import * as vscode from 'vscode';",
      "vscode.l10n.t('Saved {0}.', path);",
      'vscode.l10n.t("Double quoted");',
      'vscode.l10n.t(`Template`);',
      "vscode.l10n.t(\n  'On the next line',\n  1,\n);",
    ].join('\n');
    assert.deepEqual(await messagesOf(source), ['Saved {0}.', 'Double quoted', 'Template', 'On the next line']);
  });

  test('takes l10n imported by name, aliases of l10n.t and destructured t', async () => {
    const source = [
      "import { l10n } from 'vscode';",
      "l10n.t('Named import');",
      'const t = vscode.l10n.t;',
      "t('Aliased');",
      'const { t: translate } = vscode.l10n;',
      "translate('Destructured');",
    ].join('\n');
    assert.deepEqual(await messagesOf(source), ['Named import', 'Aliased', 'Destructured']);
  });

  test('keys are the cooked strings VS Code looks up, concatenations joined, comments appended', async () => {
    const source = [
      "vscode.l10n.t('Don\\'t \\u00e9');",
      "vscode.l10n.t('Long ' +\n  'message');",
      "vscode.l10n.t({ message: 'With {0}', args: [1], comment: ['a ', 'note'] });",
      "vscode.l10n.t({ message: 'No comment', args: [1] });",
      "vscode.l10n.t({ message: 'Empty comment', comment: [] });",
      "vscode.l10n.t({ message: 'Empty part', comment: [''] });",
    ].join('\n');
    assert.deepEqual(await messagesOf(source), ["Don't \u00e9", 'Long message', 'With {0}/a note', 'No comment', 'Empty comment', 'Empty part/']);
  });

  test('placeholders are the numbered and named tokens format2 fills, in any order', async () => {
    const { placeholders } = await import('../../scripts/lib/l10n.mjs');
    assert.deepEqual(placeholders('{1} of {0}, {name}'), placeholders('{name}：{0} 中的 {1}'));
    assert.notDeepEqual(placeholders('{0} of {1}'), placeholders('{0} 中的 {0}'));
  });

  test('ignores comments and strings that mention l10n.t, reports messages it cannot read', async () => {
    const source = [
      "// vscode.l10n.t('In a comment')",
      "const doc = \"vscode.l10n.t('In a string')\";",
      'vscode.l10n.t(message);',
      "vscode.l10n.t(`Hello ${name}`);",
      'labels.map(vscode.l10n.t);',
    ].join('\n');
    const { messages, dynamic } = await extract(source);
    assert.deepEqual(messages, []);
    assert.deepEqual(dynamic.map((d) => d.line), [3, 4, 5]);
  });

  test('hint templates: l10nKey literals are messages; a call declared as taking one is not reported, an undeclared one is', async () => {
    const source = [
      "return message ? l10nKey('Rejected: {0}', message) : l10nKey('Rejected.');",
      'l10nKey(dynamicText);',
      '// l10n-template: from l10nKey',
      'return vscode.l10n.t(parts.template, ...parts.args);',
      'return vscode.l10n.t(parts.template);',
    ].join('\n');
    const { messages, dynamic } = await extract(source);
    assert.deepEqual(messages.map((m) => m.message), ['Rejected: {0}', 'Rejected.']);
    assert.deepEqual(dynamic.map((d) => d.line), [2, 5]);
  });
});
