import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands, ViewTypes } from '../../src/constants';
import { maskPngOf } from '../../src/pipeline/mask';
import { readProvenance } from '../../src/pipeline/provenance';
import type { CommandOutcome } from '../../src/workflows/outcome';
import { activateExtension, copyFixture, failed, readHistory, saved, webviewTabs, whenTabs, withTimeout, workspaceRoot } from './workbench';

/** The workspace's presets file. */
function presetsFile(): vscode.Uri {
  return vscode.Uri.joinPath(workspaceRoot(), '.bailian', 'presets.json');
}

async function writePresets(presets: unknown[]): Promise<void> {
  await vscode.workspace.fs.writeFile(presetsFile(), new TextEncoder().encode(`${JSON.stringify({ version: 1, presets }, null, 2)}\n`));
}

/** A mask PNG of `width`×`height`: white where a stroke across the middle edits, black elsewhere. */
async function writeMask(path: string, width: number, height: number): Promise<vscode.Uri> {
  const uri = vscode.Uri.joinPath(workspaceRoot(), ...path.split('/'));
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
  await vscode.workspace.fs.writeFile(uri, maskPngOf({ strokes: [{ points: [[0.3, 0.5], [0.7, 0.5]], size: 0.1, erase: false }], invert: false }, width, height));
  return uri;
}

/** Every file of the workspace (what a refused or cancelled run must leave as it was). */
async function workspaceFiles(): Promise<string[]> {
  return (await vscode.workspace.findFiles('**/*')).map((uri) => uri.toString()).sort();
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

  /** An inpaint preset, the image it works on, a mask at its size and one of another size. */
  async function inpaintSetup(): Promise<vscode.Uri> {
    const image = await copyFixture('street-wide.png', 'masks/street.png');
    await writeMask('masks/street-mask.png', 1024, 768);
    await writeMask('masks/small-mask.png', 800, 600);
    await writePresets([{ name: 'Erase', mode: 'process', model: 'wanx2.1-imageedit', prompt: 'replace it with {what}', process: { function: 'description_edit_with_mask' } }]);
    return image;
  }

  test('a process preset that paints over the image asks for the mask: the job runs with the chosen one, another size is refused before sending', async function () {
    this.timeout(120_000);
    const api = await activateExtension();
    const image = await inpaintSetup();

    // From the Explorer (the image is the selection): the preset, its blank, then the mask.
    await api.answerPresetQuestions(['Erase', 'grass', 'masks/street-mask.png']);
    const outcome = await withTimeout(Promise.resolve(vscode.commands.executeCommand<CommandOutcome>(Commands.generateFromPreset, image)), 90_000, 'the inpaint preset run');
    const asked = await api.askedPresetQuestions();
    assert.equal(outcome?.status, 'succeeded', JSON.stringify({ outcome, asked: asked.map((q) => ({ kind: q.kind, first: q.labels?.slice(0, 4) })) }));
    const done = saved(outcome);
    assert.deepEqual(asked.map((q) => q.kind), ['pick', 'input', 'pick'], JSON.stringify(asked));
    const rows = asked[2]!.labels!;
    assert.equal(rows[0], 'Draw a Mask in the Studio…');
    assert.ok(rows.indexOf('masks/street-mask.png') < rows.indexOf('masks/small-mask.png'), `masks at the image's size come first: ${rows.join(', ')}`);
    assert.ok(!rows.includes('masks/street.png'), 'the image itself is not offered as its mask');
    const line = (await readHistory()).at(-1)!;
    assert.equal(line.kind, 'process');
    assert.equal(line.outcome, 'succeeded');
    assert.equal(line.prompt, 'replace it with grass');
    assert.deepEqual(line.inputs, ['masks/street.png', 'masks/street-mask.png'], 'the mask is recorded after the image');
    assert.deepEqual(line.preset, { name: 'Erase', blanks: { what: 'grass' } });
    assert.deepEqual(line.parameters.process, { function: 'description_edit_with_mask' });
    const record = readProvenance(await vscode.workspace.fs.readFile(vscode.Uri.parse(done.files[0]!.uri)));
    assert.deepEqual(record?.sources, ['masks/street.png', 'masks/street-mask.png']);
    assert.match(done.files[0]!.path, /^masks\/street\.[a-z0-9-]+\.png$/, 'saved next to the original, named for the operation, as from the Explorer');

    // A mask of another size: refused with the reason and what to change; nothing sent, nothing written.
    const lines = (await readHistory()).length;
    const files = await workspaceFiles();
    await api.answerPresetQuestions(['Erase', 'grass', 'masks/small-mask.png']);
    const refused = failed(await withTimeout(Promise.resolve(vscode.commands.executeCommand<CommandOutcome>(Commands.generateFromPreset, image)), 20_000, 'the refusal of a mask of another size'));
    await api.askedPresetQuestions();
    assert.match(JSON.stringify(refused.error), /The mask is 800×600 px but the image is 1024×768 px; paint or export the mask at the image's own resolution/);
    assert.equal((await readHistory()).length, lines, 'no history line: nothing was sent');
    assert.deepEqual(await workspaceFiles(), files, 'no file written');

    // Dismissing the mask question sends nothing either.
    await api.answerPresetQuestions(['Erase', 'grass']);
    const dismissed = await vscode.commands.executeCommand<CommandOutcome>(Commands.generateFromPreset, image);
    await api.askedPresetQuestions();
    assert.equal(dismissed?.status, 'cancelled');
    assert.deepEqual(await workspaceFiles(), files, 'no file written');
  });

  test('Draw a Mask in the Studio opens Retouch on the image instead of running anything', async function () {
    this.timeout(120_000);
    const api = await activateExtension();
    const image = await inpaintSetup();
    const lines = (await readHistory().catch(() => [])).length;
    await api.answerPresetQuestions(['Erase', 'grass', 'Draw a Mask in the Studio…']);
    const opened = (await vscode.commands.executeCommand(Commands.generateFromPreset, image)) as { status: string } | undefined;
    await api.askedPresetQuestions();
    assert.equal(opened?.status, 'opened');
    await whenTabs(() => webviewTabs(ViewTypes.studio)[0], 15_000, 'the studio tab');
    await withTimeout(api.whenStudioReady(), 60_000, 'the studio webview handshake');
    assert.equal((await readHistory()).length, lines, 'nothing was sent');
  });
});
