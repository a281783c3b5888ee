// The one extraction of `vscode.l10n.t` messages from src/, shared by test/unit/manifest.test.ts
// and scripts/l10n-missing.mjs so the check and the tool can never disagree.
//
// It parses with the TypeScript compiler (a devDependency) instead of a regex because the
// messages hide in shapes a regex misses or gets wrong: an alias (`const t = vscode.l10n.t`, as
// src/studio/strings.ts does for every webview string), double quotes, template literals,
// escapes (the bundle key is the cooked string: `'Don\'t'` is looked up as `Don't`), literals
// joined with `+` across lines, and the object form `{ message, comment }` whose key VS Code
// builds as `message/comment`. A call whose message is not a literal cannot be checked, so it is
// reported as dynamic instead of silently passing.
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

/** True for `l10n.t` and `<anything>.l10n.t` (the function itself, not a call of it). */
function isL10nT(node) {
  if (!ts.isPropertyAccessExpression(node) || node.name.text !== 't') return false;
  const target = node.expression;
  return (ts.isIdentifier(target) && target.text === 'l10n') || (ts.isPropertyAccessExpression(target) && target.name.text === 'l10n');
}

/** True for `l10n` and `<anything>.l10n` (the namespace, for `const { t } = vscode.l10n`). */
function isL10n(node) {
  return (ts.isIdentifier(node) && node.text === 'l10n') || (ts.isPropertyAccessExpression(node) && node.name.text === 'l10n');
}

/** The cooked value of a literal or of literals joined with `+`; undefined for anything else. */
function literalText(node) {
  if (ts.isParenthesizedExpression(node)) return literalText(node.expression);
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = literalText(node.left);
    const right = literalText(node.right);
    return left === undefined || right === undefined ? undefined : left + right;
  }
  return undefined;
}

/** The bundle key of a call's first argument (a string, or the `{ message, comment }` object). */
function messageKey(argument) {
  if (argument === undefined) return undefined;
  const text = literalText(argument);
  if (text !== undefined || !ts.isObjectLiteralExpression(argument)) return text;
  const property = (name) =>
    argument.properties.find((p) => ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === name);
  const message = property('message');
  if (message === undefined) return undefined;
  const messageText = literalText(message.initializer);
  if (messageText === undefined) return undefined;
  const comment = property('comment');
  if (comment === undefined) return messageText;
  // VS Code's extHostLocalization: key = message + '/' + comment (an array of comments joined with '').
  // No suffix for an empty string or an empty array (`comment.length > 0` there).
  const isArray = ts.isArrayLiteralExpression(comment.initializer);
  const parts = isArray ? comment.initializer.elements.map(literalText) : [literalText(comment.initializer)];
  if (parts.some((part) => part === undefined)) return undefined;
  const present = isArray ? parts.length > 0 : parts[0].length > 0;
  return present ? `${messageText}/${parts.join('')}` : messageText;
}

/**
 * The messages of one TypeScript source: `messages` in source order with their 1-based line,
 * and `dynamic`, the uses of l10n.t whose message is not a literal (or that pass the function on).
 */
export function extractMessages(sourceText, fileName = 'source.ts') {
  const source = ts.createSourceFile(fileName, sourceText, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const line = (node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;

  // Names bound to l10n.t in this file: `const t = vscode.l10n.t` or `const { t } = vscode.l10n`
  // (or `{ t: translate }`). File-wide, not per scope: an unrelated `t(...)` in a file that also
  // aliases l10n.t would be read as a message, which only ever asks for a translation too many.
  const aliases = new Set();
  const aliasDeclarations = new Set();
  const findAliases = (node) => {
    if (ts.isVariableDeclaration(node) && node.initializer !== undefined) {
      if (ts.isIdentifier(node.name) && isL10nT(node.initializer)) {
        aliases.add(node.name.text);
        aliasDeclarations.add(node.initializer);
      } else if (ts.isObjectBindingPattern(node.name) && isL10n(node.initializer)) {
        for (const element of node.name.elements) {
          const property = element.propertyName ?? element.name;
          if (ts.isIdentifier(property) && property.text === 't' && ts.isIdentifier(element.name)) aliases.add(element.name.text);
        }
      }
    }
    ts.forEachChild(node, findAliases);
  };
  findAliases(source);

  const messages = [];
  const dynamic = [];
  // A call whose message is a template from l10nKey('…') (the client's hints, src/dashscope/errors.ts)
  // says so in a comment on its statement: `// l10n-template: …`. Those templates are messages themselves.
  const declaredTemplate = (node) => {
    let statement = node;
    while (statement.parent && !ts.isStatement(statement)) statement = statement.parent;
    return (ts.getLeadingCommentRanges(source.text, statement.getFullStart()) ?? []).some((range) => source.text.slice(range.pos, range.end).includes('l10n-template:'));
  };
  const visit = (node) => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (ts.isIdentifier(callee) && callee.text === 'l10nKey') {
        const key = messageKey(node.arguments[0]);
        if (key === undefined) dynamic.push({ line: line(node), text: node.getText(source).slice(0, 120) });
        else messages.push({ message: key, line: line(node) });
        node.arguments.forEach(visit);
        return;
      }
      if (isL10nT(callee) || (ts.isIdentifier(callee) && aliases.has(callee.text))) {
        const key = messageKey(node.arguments[0]);
        if (key === undefined && !declaredTemplate(node)) dynamic.push({ line: line(node), text: node.getText(source).slice(0, 120) });
        else if (key !== undefined) messages.push({ message: key, line: line(node) });
        node.arguments.forEach(visit);
        return;
      }
    }
    // l10n.t used other than by calling it or aliasing it (e.g. `items.map(vscode.l10n.t)`).
    if (isL10nT(node) && !aliasDeclarations.has(node) && !(ts.isCallExpression(node.parent) && node.parent.expression === node)) {
      dynamic.push({ line: line(node), text: node.parent.getText(source).slice(0, 120) });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { messages, dynamic };
}

/**
 * Every message under `<root>/src` (*.ts): `messages` maps each message to where it is used
 * (`src/x.ts:12`), in first-seen order over the sorted file list; `dynamic` lists unchecked uses.
 */
export function collectMessages(root) {
  const srcDir = join(root, 'src');
  const files = readdirSync(srcDir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
    .sort();
  const messages = new Map();
  const dynamic = [];
  for (const file of files) {
    const path = join(srcDir, file);
    const where = relative(root, path).split('\\').join('/');
    const found = extractMessages(readFileSync(path, 'utf8'), path);
    for (const { message, line } of found.messages) {
      const uses = messages.get(message) ?? [];
      uses.push(`${where}:${line}`);
      messages.set(message, uses);
    }
    for (const { line, text } of found.dynamic) dynamic.push({ where: `${where}:${line}`, text });
  }
  return { messages, dynamic };
}

/** Where the zh-cn bundle lives, from package.json's `l10n` folder. */
export function zhCnBundlePath(root) {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return join(root, manifest.l10n.replace(/^\.\//, ''), 'bundle.l10n.zh-cn.json');
}

/** Reads a bundle (a flat JSON object of message → translation). */
export function readBundle(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** The bundle's key order: case-insensitive, then by code unit so the order is total. */
export function compareKeys(a, b) {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Writes a bundle sorted by compareKeys, atomically (a temporary file renamed over the old one). */
export function writeBundle(path, bundle) {
  const sorted = Object.fromEntries(Object.keys(bundle).sort(compareKeys).map((key) => [key, bundle[key]]));
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(sorted, null, 2)}\n`, 'utf8');
  renameSync(temporary, path);
}

/** The `{0}` / `{name}` placeholders of a message, sorted (a translation must keep exactly these). */
export function placeholders(text) {
  return [...text.matchAll(/\{\w+\}/g)].map((m) => m[0]).sort();
}

/** Messages of src/ without a (non-empty) bundle entry, and bundle keys src/ no longer uses. */
export function compareWithBundle(messages, bundle) {
  const missing = [...messages.keys()].filter((message) => typeof bundle[message] !== 'string' || bundle[message].length === 0);
  const unused = Object.keys(bundle).filter((key) => !messages.has(key));
  return { missing, unused };
}
