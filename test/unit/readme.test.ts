// The README is the user's reference: every command, setting, agent tool and CLI verb the
// extension ships must be in it, and every relative link of the README and docs/ must lead to a
// file of the repository.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { helpFor } from '../../src/cli/help';

interface Manifest {
  contributes: {
    commands: { command: string; title: string }[];
    configuration: { properties: Record<string, unknown> };
    languageModelTools: { name: string }[];
  };
}

const root = join(__dirname, '..', '..');
const read = (name: string): string => readFileSync(join(root, name), 'utf8');
const manifest = JSON.parse(read('package.json')) as Manifest;
const nls = JSON.parse(read('package.nls.json')) as Record<string, string>;
const readme = read('README.md');

/** A manifest string with its `%key%` placeholder resolved from package.nls.json. */
function localized(value: string): string {
  const key = /^%(.+)%$/.exec(value)?.[1];
  return key === undefined ? value : (nls[key] ?? value);
}

describe('README', () => {
  test('names every command by its title', () => {
    const missing = manifest.contributes.commands.map((c) => localized(c.title)).filter((title) => !readme.includes(`**Bailian: ${title}**`) && !readme.includes(`**${title}**`));
    assert.deepEqual(missing, []);
  });

  test('describes every setting', () => {
    const missing = Object.keys(manifest.contributes.configuration.properties).filter((key) => !readme.includes(`\`${key}\``));
    assert.deepEqual(missing, []);
  });

  test('names every agent tool', () => {
    const tools = manifest.contributes.languageModelTools.map((t) => t.name);
    assert.equal(tools.length, 3);
    assert.deepEqual(tools.filter((name) => !readme.includes(`\`${name}\``)), []);
  });

  test('shows every CLI verb', () => {
    const overview = helpFor(undefined);
    const verbs = [...overview.slice(overview.indexOf('Commands:')).matchAll(/^ {2}([a-z]+) {2,}/gm)].map((m) => m[1]!);
    assert.ok(verbs.length >= 8, `the CLI overview lists its verbs (got ${verbs.join(', ')})`);
    assert.deepEqual(verbs.filter((verb) => !new RegExp(`node dist/cli\\.js ${verb}\\b`).test(readme)), []);
  });

  test('stays a user guide, under 15 KB', () => {
    assert.ok(Buffer.byteLength(readme) < 15 * 1024, `README.md is ${Buffer.byteLength(readme)} bytes`);
  });
});

describe('relative links in the README and docs/', () => {
  const documents = ['README.md', 'bench/README.md', 'test/sim/README.md', ...readdirSync(join(root, 'docs')).filter((n) => n.endsWith('.md')).map((n) => `docs/${n}`)];
  for (const document of documents) {
    test(`${document} links only to files that exist`, () => {
      const text = read(document);
      const targets = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((link) => !/^[a-z]+:/i.test(link) && !link.startsWith('#'));
      const broken = targets.filter((link) => !existsSync(join(root, dirname(document), link.replace(/#.*$/, ''))));
      assert.deepEqual(broken, []);
    });
  }
});
