// Which `vscode.l10n.t` messages of src/ lack a Simplified Chinese entry in
// l10n/bundle.l10n.zh-cn.json, found by the same extraction the manifest test uses
// (scripts/lib/l10n.mjs).
//
//   node scripts/l10n-missing.mjs            missing messages, one per line, with where they are used
//   node scripts/l10n-missing.mjs --json     the missing messages as a JSON object to fill in
//   node scripts/l10n-missing.mjs --merge f  adds f's translations (a JSON object) to the bundle
//   node scripts/l10n-missing.mjs --prune    removes bundle entries src/ no longer uses
//
// Exits 1 while messages are missing (or a translation drops a placeholder), 0 otherwise.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { collectMessages, compareWithBundle, placeholders, readBundle, writeBundle, zhCnBundlePath } from './lib/l10n.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const bundlePath = zhCnBundlePath(root);
const bundle = readBundle(bundlePath);
const { messages, dynamic } = collectMessages(root);

const mergeAt = args.indexOf('--merge');
if (mergeAt >= 0) {
  const file = args[mergeAt + 1];
  if (file === undefined) {
    console.error('--merge needs a JSON file of message → translation');
    process.exit(2);
  }
  const additions = JSON.parse(readFileSync(file, 'utf8'));
  let added = 0;
  for (const [message, translation] of Object.entries(additions)) {
    if (typeof translation !== 'string' || translation.length === 0) continue;
    if (placeholders(message).join() !== placeholders(translation).join()) {
      console.error(`placeholders differ, not merged: ${JSON.stringify(message)} → ${JSON.stringify(translation)}`);
      continue;
    }
    if (!messages.has(message)) console.error(`note: not used in src/ (merged anyway): ${JSON.stringify(message)}`);
    if (bundle[message] !== translation) added += 1;
    bundle[message] = translation;
  }
  writeBundle(bundlePath, bundle);
  console.error(`merged ${added} translation${added === 1 ? '' : 's'}`);
}

if (args.includes('--prune')) {
  const { unused } = compareWithBundle(messages, bundle);
  for (const key of unused) {
    console.error(`pruned: ${JSON.stringify(key)}`);
    delete bundle[key];
  }
  writeBundle(bundlePath, bundle);
  console.error(`pruned ${unused.length} unused entr${unused.length === 1 ? 'y' : 'ies'}`);
}

const { missing, unused } = compareWithBundle(messages, bundle);
const badPlaceholders = Object.entries(bundle).filter(([key, value]) => placeholders(key).join() !== placeholders(value).join());

if (args.includes('--json')) {
  console.log(JSON.stringify(Object.fromEntries(missing.map((message) => [message, ''])), null, 2));
} else {
  for (const message of missing) console.log(`${JSON.stringify(message)}  (${messages.get(message).join(', ')})`);
}
for (const [key, value] of badPlaceholders) console.error(`placeholders differ: ${JSON.stringify(key)} → ${JSON.stringify(value)}`);
for (const { where, text } of dynamic) console.error(`not a literal message, cannot be checked: ${where}: ${text}`);
console.error(
  `${messages.size} messages in src/, ${missing.length} missing, ${unused.length} unused in the bundle${unused.length > 0 && !args.includes('--prune') ? ' (--prune removes them)' : ''}`,
);
process.exit(missing.length > 0 || badPlaceholders.length > 0 ? 1 : 0);
