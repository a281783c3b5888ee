// History at team scale inside the editor: Show Spend over a manifest of 10,000 lines (read in
// chunks) counts every job and sums every model's images; the manifest the suite's other jobs
// wrote is put back afterwards.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../src/constants';
import { HISTORY_PATH, historyLine } from '../../src/pipeline/history';
import { activateExtension, readHistory, workspaceRoot } from './workbench';

const LINES = 10_000;

suite('History at team scale', () => {
  let manifest: vscode.Uri;
  let original: Uint8Array | undefined;

  suiteSetup(async () => {
    await activateExtension();
    manifest = vscode.Uri.joinPath(workspaceRoot(), ...HISTORY_PATH.split('/'));
    original = await Promise.resolve(vscode.workspace.fs.readFile(manifest)).catch(() => undefined);
  });

  suiteTeardown(async () => {
    if (original) await vscode.workspace.fs.writeFile(manifest, original);
    else await Promise.resolve(vscode.workspace.fs.delete(manifest)).catch(() => undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test(`Show Spend over ${LINES.toLocaleString('en')} lines counts every job and every model's images`, async () => {
    const before = original ? (await readHistory()).length : 0;
    let text = original ? new TextDecoder().decode(original) : '';
    if (text && !text.endsWith('\n')) text += '\n';
    for (let i = 0; i < LINES; i++) {
      const started = new Date(Date.UTC(2025, 5, 1) + i * 60_000).toISOString();
      text += historyLine({
        version: 1,
        id: `scale-${i}`,
        kind: 'generate',
        source: 'cli',
        model: 'wan2.2-t2i-flash',
        prompt: `scale ${i}`,
        outputs: i % 4 ? [{ path: `generated-images/scale-${i}.png` }] : [],
        produced: i % 4 ? 1 : 0,
        estimatedCost: { amount: 0.14, currency: 'CNY' },
        started,
        finished: started,
        durationMs: 1000,
        outcome: i % 4 ? 'succeeded' : 'failed',
      });
    }
    await vscode.workspace.fs.writeFile(manifest, new TextEncoder().encode(text));
    const shown = await vscode.commands.executeCommand<string>(Commands.showSpend);
    assert.equal(typeof shown, 'string', 'the command resolves with the document it shows');
    assert.ok(shown.includes(`${before + LINES} jobs`), shown.slice(0, 300));
    const row = shown.split('\n').find((line) => line.startsWith('| wan2.2-t2i-flash |'));
    const earlier = (await readHistory()).filter((e) => e.model === 'wan2.2-t2i-flash' && !e.id.startsWith('scale-')).reduce((n, e) => n + (e.produced ?? e.outputs.length), 0);
    assert.ok(row?.startsWith(`| wan2.2-t2i-flash | ${earlier + (LINES * 3) / 4} |`), row);
  });
});
