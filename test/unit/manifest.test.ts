// package.json `contributes` and src/constants.ts must agree: a typo in either leaves a
// command that never runs or a setting the code never reads.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Commands, ConfigKeys, Regions, ViewTypes } from '../../src/constants';

interface Manifest {
  engines: { vscode: string };
  activationEvents: string[];
  l10n: string;
  contributes: {
    commands: { command: string; title: string; category: string }[];
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

  test('declares the settings constants.ts reads, with the documented defaults', () => {
    const properties = manifest.contributes.configuration.properties;
    const key = (name: string) => `${ConfigKeys.section}.${name}`;
    assert.deepEqual(properties[key(ConfigKeys.region)]?.enum, [...Regions]);
    assert.equal(properties[key(ConfigKeys.region)]?.default, 'beijing');
    assert.equal(properties[key(ConfigKeys.customBaseUrl)]?.default, '');
    assert.equal(properties[key(ConfigKeys.outputFolder)]?.default, 'generated-images');
  });

  test('activates on the studio serializer only (commands imply their own events)', () => {
    assert.deepEqual(manifest.activationEvents, [`onWebviewPanel:${ViewTypes.studio}`]);
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

  test('every vscode.l10n.t string in src/ has a Simplified Chinese translation', () => {
    const bundle = nls(`${manifest.l10n.replace(/^\.\//, '')}/bundle.l10n.zh-cn.json`);
    const sources = readdirSync(join(root, 'src'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts'))
      .map((file) => readFileSync(join(root, 'src', file), 'utf8'));
    const messages = sources.flatMap((source) => [...source.matchAll(/l10n\.t\(\s*'((?:[^'\\]|\\.)*)'/g)].map((m) => m[1]));
    assert.ok(messages.length > 5);
    for (const message of messages) {
      assert.ok(bundle[message], `l10n/bundle.l10n.zh-cn.json lacks "${message}"`);
    }
  });
});
