/**
 * The layers, as the import graph of src/ and webview/ shows them (docs/architecture.md draws
 * them). Each file's imports — value, type-only, re-exports, dynamic import() and require() —
 * are read from its text and resolved to files; then:
 *  - the pure layers (src/dashscope, src/pipeline, src/jobs, src/cli, src/protocol) reach no
 *    `vscode`, not even through another module;
 *  - nothing imports a layer above its own;
 *  - there is no import cycle, at run time or by type.
 *
 *   node --import tsx --test test/unit/architecture.test.ts
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';

const root = resolve(__dirname, '..', '..');

/**
 * Layers from the bottom up: a file may import its own layer and those below. Paths are
 * repository-relative prefixes; the first that matches a file gives its layer.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['src/constants.ts'],
  ['src/dashscope/'],
  ['src/protocol/', 'src/pipeline/'],
  ['src/jobs/'],
  ['src/cli/'],
  ['src/host/'],
  ['src/workflows/'],
  ['src/commands/', 'src/studio/'],
  ['src/services.ts', 'src/loader.ts'],
  ['src/extension.ts'],
];
/** The webview is its own runtime: it may import only itself and the shared protocol. */
const WEBVIEW_MAY_IMPORT = ['webview/', 'src/protocol/'];
/** Layers that must never reach `vscode`, directly or through anything they import. */
const PURE = ['src/dashscope/', 'src/pipeline/', 'src/jobs/', 'src/cli/', 'src/protocol/', 'src/constants.ts'];

/** Every .ts file below a folder, repository-relative with `/`. */
function sources(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name === 'node_modules') continue;
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.tsx?$/.test(name) && !name.endsWith('.d.ts')) out.push(relative(root, path).split('\\').join('/'));
    }
  };
  walk(join(root, folder));
  return out.sort();
}

const SPECIFIER = /(?:^|[^\w.$])(?:import|export)\s+(?:type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?['"]([^'"]+)['"]|(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g;

/** The module specifiers a file names (comments removed first). */
function specifiersOf(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
  return [...code.matchAll(SPECIFIER)].map((m) => (m[1] ?? m[2])!);
}

/** A relative specifier resolved to a repository file, or undefined (a package). */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const base = resolve(root, dirname(from), specifier).replace(/\.js$/, '');
  for (const candidate of [`${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), base]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return relative(root, candidate).split('\\').join('/');
  }
  return undefined;
}

interface Graph {
  readonly files: readonly string[];
  readonly edges: ReadonlyMap<string, readonly string[]>;
  readonly packages: ReadonlyMap<string, readonly string[]>;
}

function buildGraph(): Graph {
  const files = [...sources('src'), ...sources('webview')];
  const edges = new Map<string, string[]>();
  const packages = new Map<string, string[]>();
  for (const file of files) {
    const specifiers = specifiersOf(readFileSync(join(root, file), 'utf8'));
    edges.set(file, [...new Set(specifiers.map((s) => resolveSpecifier(file, s)).filter((s): s is string => s !== undefined && s.endsWith('.ts')))]);
    packages.set(file, [...new Set(specifiers.filter((s) => !s.startsWith('.')))]);
  }
  return { files, edges, packages };
}

function layerOf(file: string): number | undefined {
  const index = LAYERS.findIndex((prefixes) => prefixes.some((p) => (p.endsWith('/') ? file.startsWith(p) : file === p)));
  return index < 0 ? undefined : index;
}

/** The import cycles (strongly connected components of more than one file, or a file importing itself). */
function cyclesOf(graph: Graph): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const lowlinks = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (file: string): void => {
    indices.set(file, index);
    lowlinks.set(file, index);
    index++;
    stack.push(file);
    onStack.add(file);
    for (const next of graph.edges.get(file) ?? []) {
      if (!indices.has(next)) {
        connect(next);
        lowlinks.set(file, Math.min(lowlinks.get(file)!, lowlinks.get(next)!));
      } else if (onStack.has(next)) {
        lowlinks.set(file, Math.min(lowlinks.get(file)!, indices.get(next)!));
      }
    }
    if (lowlinks.get(file) === indices.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1 || (graph.edges.get(file) ?? []).includes(file)) components.push(component.sort());
    }
  };
  for (const file of graph.files) if (!indices.has(file)) connect(file);
  return components;
}

describe('architecture: the import graph', () => {
  const graph = buildGraph();

  test('the graph is read: every layer has files, and imports resolve', () => {
    assert.ok(graph.files.length > 50, `${graph.files.length} files`);
    for (const prefix of ['src/dashscope/', 'src/pipeline/', 'src/jobs/', 'src/cli/', 'src/host/', 'src/commands/', 'src/studio/', 'webview/']) {
      assert.ok(graph.files.some((f) => f.startsWith(prefix)), prefix);
    }
    assert.ok((graph.edges.get('src/extension.ts') ?? []).length > 0, 'extension.ts imports something');
    assert.ok((graph.packages.get('src/extension.ts') ?? []).includes('vscode'), 'extension.ts imports vscode');
  });

  test('every file belongs to a layer', () => {
    const lost = graph.files.filter((f) => f.startsWith('src/') && layerOf(f) === undefined);
    assert.deepEqual(lost, [], 'add the folder to LAYERS (and to docs/architecture.md)');
  });

  test('the pure layers reach no vscode, not even through another module', () => {
    const reachesVscode = new Map<string, string[] | undefined>();
    const pathToVscode = (file: string, seen: Set<string>): string[] | undefined => {
      if (reachesVscode.has(file)) return reachesVscode.get(file);
      if ((graph.packages.get(file) ?? []).includes('vscode')) return [file, 'vscode'];
      seen.add(file);
      for (const next of graph.edges.get(file) ?? []) {
        if (seen.has(next)) continue;
        const path = pathToVscode(next, seen);
        if (path) return [file, ...path];
      }
      return undefined;
    };
    const offenders = graph.files
      .filter((f) => PURE.some((p) => (p.endsWith('/') ? f.startsWith(p) : f === p)))
      .map((f) => pathToVscode(f, new Set()))
      .filter((p): p is string[] => p !== undefined)
      .map((p) => p.join(' → '));
    assert.deepEqual(offenders, []);
  });

  test('nothing imports a layer above its own', () => {
    const upward: string[] = [];
    for (const file of graph.files) {
      for (const target of graph.edges.get(file) ?? []) {
        if (file.startsWith('webview/')) {
          if (!WEBVIEW_MAY_IMPORT.some((p) => target.startsWith(p))) upward.push(`${file} → ${target} (the webview imports only itself and src/protocol/)`);
          continue;
        }
        if (target.startsWith('webview/')) {
          upward.push(`${file} → ${target} (the host never imports the webview)`);
          continue;
        }
        const from = layerOf(file);
        const to = layerOf(target);
        if (from !== undefined && to !== undefined && to > from) upward.push(`${file} → ${target}`);
      }
    }
    assert.deepEqual(upward, []);
  });

  test('the studio and the palette commands never import each other: what both need lives in src/workflows/', () => {
    const across = (from: string, to: string): string[] =>
      graph.files.filter((f) => f.startsWith(from)).flatMap((f) => (graph.edges.get(f) ?? []).filter((t) => t.startsWith(to)).map((t) => `${f} → ${t}`));
    assert.deepEqual([...across('src/studio/', 'src/commands/'), ...across('src/commands/', 'src/studio/')], []);
  });

  test('no import cycle, at run time or by type', () => {
    assert.deepEqual(cyclesOf(graph), []);
  });

  test('the cycle finder finds a cycle', () => {
    const toy: Graph = {
      files: ['a', 'b', 'c', 'd'],
      edges: new Map([
        ['a', ['b']],
        ['b', ['c']],
        ['c', ['a']],
        ['d', ['d']],
      ]),
      packages: new Map(),
    };
    assert.deepEqual(cyclesOf(toy), [['a', 'b', 'c'], ['d']]);
  });

  test('the specifier reader sees every form of import', () => {
    const text = [
      "import * as vscode from 'vscode';",
      "import type { A } from './a.js';",
      "import { b,\n  c } from './bc';",
      "export { d } from './d';",
      "export * from './e.js';",
      "const f = await import('./f.js');",
      "const g = require('./g.js');",
      "import './side-effect';",
      "// import { no } from './commented';",
      "/* import { no } from './block'; */",
    ].join('\n');
    assert.deepEqual(specifiersOf(text), ['vscode', './a.js', './bc', './d', './e.js', './f.js', './g.js', './side-effect']);
  });
});

/** Hand-written code that must stay small enough to hold in one's head; tests and flows aside. */
const SIZED = ['src/', 'webview/', 'test/sim/', 'test/runner/', 'scripts/', 'bench/', 'media/'];
const MAX_LINES = 400;

describe('architecture: file sizes', () => {
  test(`no hand-written file outside the tests passes ${MAX_LINES} lines`, () => {
    const listed = (dir: string): string[] =>
      readdirSync(join(root, dir), { withFileTypes: true }).flatMap((entry) => {
        const path = `${dir}${entry.name}`;
        if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name === 'schemas' ? [] : listed(`${path}/`);
        return /\.(ts|mjs|js|css)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [path] : [];
      });
    const files = SIZED.flatMap(listed);
    assert.ok(files.length > 100, `${files.length} files read`);
    const over = files.map((file) => ({ file, lines: readFileSync(join(root, file), 'utf8').split('\n').length - 1 })).filter((f) => f.lines > MAX_LINES);
    assert.deepEqual(over, [], 'split each by what it holds');
  });
});
