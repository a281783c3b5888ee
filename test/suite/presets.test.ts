import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../src/constants';
import { readProvenance } from '../../src/pipeline/provenance';
import type { CommandOutcome } from '../../src/workflows/outcome';
import { activateExtension, readHistory, withTimeout, workspaceRoot } from './workbench';

/** The workspace's presets file. */
function presetsFile(): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), '.bailian', 'presets.json');
}

async function writePresets(presets: unknown[]): Promise<void> {
  await vscode.workspace.fs.writeFile(presetsFile(), new TextEncoder().encode(`${JSON.stringify({ version: 1, presets }, null, 2)}\n`));
}

/** Resolves with the diagnostics of `uri` once `accept` takes them (checked on every change of the Problems panel). */
function whenDiagnostics(uri: vscode.Uri, accept: (d: readonly vscode.Diagnostic[]) => boolean, what: string): Promise<readonly vscode.Diagnostic[]> {
  const now = vscode.languages.getDiagnostics(uri);
  if (accept(now)) return Promise.resolve(now);
  let subscription: vscode.Disposable | undefined;
  const changed = new Promise<readonly vscode.Diagnostic[]>((resolve) => {
    subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (!event.uris.some((u) => u.toString() === uri.toString())) return;
      const diagnostics = vscode.languages.getDiagnostics(uri);
      if (accept(diagnostics)) resolve(diagnostics);
    });
  });
  return withTimeout(changed, 30_000, what).finally(() => subscription?.dispose());
}

suite('Presets (against the DashScope simulator)', () => {
  suiteSetup(async () => {
    const api = await activateExtension();
    // Loads the services (the diagnostics start with them).
    await api.askedPresetQuestions();
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.workspace.fs.delete(presetsFile()).then(undefined, () => undefined);
  });

  test('a preset file with an error shows a diagnostic at the value, naming the preset and the field', async () => {
    await writePresets([
      { name: 'Fine', mode: 'generate', model: 'qwen-image', prompt: 'a {thing}' },
      { name: 'Too many', mode: 'generate', model: 'wan2.2-t2i-flash', prompt: 'a {thing}', parameters: { n: 9 } },
    ]);
    const document = await vscode.workspace.openTextDocument(presetsFile());
    await vscode.window.showTextDocument(document);
    const diagnostics = await whenDiagnostics(presetsFile(), (d) => d.length > 0, 'a diagnostic on .bailian/presets.json');
    assert.equal(diagnostics.length, 1, diagnostics.map((d) => d.message).join('\n'));
    const [diagnostic] = diagnostics;
    assert.match(diagnostic!.message, /^preset "Too many", parameters\.n: wan2\.2-t2i-flash accepts n from 1 to 4; you gave 9/);
    assert.equal(diagnostic!.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(document.getText(diagnostic!.range), '9');

    // Fixing it in the editor clears it as it is typed.
    const edit = new vscode.WorkspaceEdit();
    edit.replace(presetsFile(), diagnostic!.range, '2');
    assert.ok(await vscode.workspace.applyEdit(edit));
    await whenDiagnostics(presetsFile(), (d) => d.length === 0, 'the diagnostic to clear');
  });

  test('Generate from Preset asks only for the blanks, and the image and history line record the preset', async () => {
    const api = await activateExtension();
    await writePresets([{ name: 'Product shot', mode: 'generate', model: 'qwen-image', prompt: 'Product shot of {subject} on {surface}', size: '1328*1328', seed: 31, parameters: { n: 1 } }]);
    await api.answerPresetQuestions(['Product shot', 'a teapot', 'oak']);
    const outcome = await vscode.commands.executeCommand<CommandOutcome>(Commands.generateFromPreset);
    const asked = await api.askedPresetQuestions();
    assert.equal(outcome?.status, 'succeeded', JSON.stringify(outcome));
    assert.deepEqual(
      asked.map((q) => q.kind),
      ['pick', 'input', 'input'],
      `one pick for the preset, one input per blank, nothing else: ${JSON.stringify(asked)}`,
    );
    assert.deepEqual(asked[0]!.labels, ['Product shot']);
    assert.match(asked[1]!.text, /\{subject\}/);
    assert.match(asked[2]!.text, /\{surface\}/);
    const saved = outcome as Extract<CommandOutcome, { status: 'succeeded' }>;
    const record = readProvenance(await vscode.workspace.fs.readFile(vscode.Uri.parse(saved.files[0]!.uri)));
    assert.equal(record?.prompt, 'Product shot of a teapot on oak');
    assert.equal(record?.seed, 31);
    assert.deepEqual(record?.preset, { name: 'Product shot', blanks: { subject: 'a teapot', surface: 'oak' } });
    const last = (await readHistory()).at(-1);
    assert.deepEqual(last?.preset, { name: 'Product shot', blanks: { subject: 'a teapot', surface: 'oak' } });
    assert.equal(last?.source, 'palette');
  });

  test('a preset with a problem is refused when used, and nothing is sent', async () => {
    await writePresets([{ name: 'Broken', mode: 'generate', model: 'qwen-image', prompt: 'a {thing}', size: '99*99' }]);
    const before = (await readHistory().catch(() => [])).length;
    const outcome = await vscode.commands.executeCommand<CommandOutcome>(Commands.generateFromPreset, { preset: 'Broken', blanks: { thing: 'cat' } });
    assert.equal(outcome?.status, 'failed', JSON.stringify(outcome));
    assert.match(JSON.stringify(outcome), /preset \\"Broken\\", size/);
    assert.equal((await readHistory().catch(() => [])).length, before, 'no history line: nothing was sent');
  });
});
