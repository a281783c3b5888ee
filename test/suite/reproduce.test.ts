import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../src/constants';
import type { CopyCommandOutcome } from '../../src/commands/reproduce';
import { glossaryDigest } from '../../src/pipeline/glossary';
import { readProvenance } from '../../src/pipeline/provenance';
import type { CommandOutcome } from '../../src/workflows/outcome';
import { activateExtension, copyFixture, readHistory, withTimeout, workspaceRoot } from './workbench';

type Saved = Extract<CommandOutcome, { status: 'succeeded' }>;

function saved(outcome: CommandOutcome | undefined): Saved {
  assert.ok(outcome, 'the command resolves with its outcome');
  assert.equal(outcome.status, 'succeeded', JSON.stringify(outcome));
  return outcome as Saved;
}

/** A generated image with provenance, made for the test that needs it. */
async function generatedImage(prompt: string, seed: number): Promise<vscode.Uri> {
  const outcome = saved(await vscode.commands.executeCommand<CommandOutcome>(Commands.generateImage, { prompt, model: 'z-image-turbo', seed }));
  return vscode.Uri.parse(outcome.files[0]!.uri);
}

/** Resolves at the next `event` (a workspace file operation), within 10 s. */
function whenFileEvent<T>(event: vscode.Event<T>, what: string): Promise<T> {
  let subscription: vscode.Disposable | undefined;
  const heard = new Promise<T>((resolve) => {
    subscription = event((e) => resolve(e));
  });
  return withTimeout(heard, 10_000, what).finally(() => subscription?.dispose());
}

suite('Regenerate, Variations and Copy as CLI Command from the Explorer (against the simulator)', () => {
  suiteSetup(async () => {
    await activateExtension();
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Variations makes k files with k distinct new seeds and one history line', async () => {
    const original = await generatedImage('a paper boat on a pond', 1001);
    const outcome = saved(await vscode.commands.executeCommand<CommandOutcome>(Commands.imageVariations, { file: original.toString(), count: 3 }));
    assert.equal(outcome.files.length, 3);
    const seeds = outcome.files.map((f) => f.seed);
    assert.equal(new Set(seeds).size, 3, `distinct seeds: ${seeds.join(', ')}`);
    assert.ok(!seeds.includes(1001), 'new seeds, not the original one');
    for (const file of outcome.files) {
      const record = readProvenance(await vscode.workspace.fs.readFile(vscode.Uri.parse(file.uri)));
      assert.equal(record?.prompt, 'a paper boat on a pond');
      assert.equal(record?.seed, file.seed, 'each file records the seed it was made with');
    }
    const lines = (await readHistory()).filter((entry) => entry.outputs.some((o) => outcome.files.some((f) => f.path === o.path)));
    assert.equal(lines.length, 1, 'one history line for the k images');
    const line = lines[0]!;
    assert.equal(line.source, 'explorer');
    assert.equal(line.n, 3);
    assert.deepEqual(line.outputs.map((o) => o.seed).sort(), [...seeds].sort());
    // The line records the seed of each request, and they are the seeds the files' provenance holds.
    const provenanceSeeds: number[] = [];
    for (const file of outcome.files) provenanceSeeds.push(readProvenance(await vscode.workspace.fs.readFile(vscode.Uri.parse(file.uri)))!.seed!);
    assert.deepEqual([...(line.seeds ?? [])].sort(), [...provenanceSeeds].sort(), `the history line's seeds ${JSON.stringify(line.seeds)}`);
    for (const output of line.outputs) {
      const file = outcome.files.find((f) => f.path === output.path)!;
      assert.equal(output.seed, readProvenance(await vscode.workspace.fs.readFile(vscode.Uri.parse(file.uri)))?.seed, `${output.path}: the line and the file agree`);
    }
    // Copy as CLI Command on one variation makes THAT one: its seed, one image.
    const copied = await vscode.commands.executeCommand<CopyCommandOutcome>(Commands.copyAsCliCommand, vscode.Uri.parse(outcome.files[1]!.uri));
    assert.equal(copied?.status, 'copied', JSON.stringify(copied));
    if (copied?.status === 'copied') assert.match(copied.command, new RegExp(`--seed ${outcome.files[1]!.seed}( |$)`));
    // ... and on the line, one command a seed.
    const byEntry = await vscode.commands.executeCommand<CopyCommandOutcome>(Commands.copyAsCliCommand, line.id);
    assert.equal(byEntry?.status, 'copied', JSON.stringify(byEntry));
    if (byEntry?.status === 'copied') assert.deepEqual(byEntry.command.split(' && ').map((c) => Number(/--seed (\d+)/.exec(c)?.[1])), line.seeds);
  });

  test('Translate Image records the glossary file it read (path, digest of its terms, how many), for regenerate --all-changed', async () => {
    const glossary = vscode.Uri.joinPath(workspaceRoot(), '.bailian', 'glossary.txt');
    await vscode.workspace.fs.writeFile(glossary, new TextEncoder().encode('# terms\n千问 = Qwen\n通义 = Tongyi\n'));
    try {
      await copyFixture('sunset.png', 'glossary-recorded/poster.png');
      const outcome = saved(await vscode.commands.executeCommand<CommandOutcome>(Commands.translateImage, { image: 'glossary-recorded/poster.png', from: 'zh', to: 'en', terms: [{ src: '日落', tgt: 'Sunset' }] }));
      const line = (await readHistory()).find((e) => e.outputs.some((o) => o.path === outcome.files[0]!.path));
      assert.ok(line, 'the job has its history line');
      const fromFile = [{ src: '千问', tgt: 'Qwen' }, { src: '通义', tgt: 'Tongyi' }];
      assert.deepEqual(line.parameters.terminologies, [{ src: '日落', tgt: 'Sunset' }, ...fromFile], 'its own terms, then the file\'s');
      assert.deepEqual(line.glossary, { path: '.bailian/glossary.txt', digest: glossaryDigest(fromFile), terms: 2 });
    } finally {
      await vscode.workspace.fs.delete(glossary);
    }
  });

  test('Regenerate makes the same image again into a new file', async () => {
    const original = await generatedImage('a lighthouse in fog', 2024);
    const outcome = saved(await vscode.commands.executeCommand<CommandOutcome>(Commands.regenerateImage, { file: original.toString() }));
    assert.equal(outcome.files.length, 1);
    const copy = vscode.Uri.parse(outcome.files[0]!.uri);
    assert.notEqual(copy.toString(), original.toString(), 'a new file');
    const record = readProvenance(await vscode.workspace.fs.readFile(copy));
    assert.equal(record?.prompt, 'a lighthouse in fog');
    assert.equal(record?.seed, 2024);
    assert.equal(record?.model, 'z-image-turbo');
  });

  test('an image without provenance is refused with the reason, and nothing is run', async () => {
    const plain = vscode.Uri.joinPath(workspaceRoot(), 'sunset.png');
    const before = (await readHistory()).length;
    for (const command of [Commands.regenerateImage, Commands.imageVariations]) {
      const outcome = await vscode.commands.executeCommand<CommandOutcome>(command, command === Commands.imageVariations ? { file: 'sunset.png', count: 2 } : { file: 'sunset.png' });
      assert.equal(outcome?.status, 'failed', JSON.stringify(outcome));
      if (outcome?.status !== 'failed') return;
      assert.equal(outcome.error.name, 'NoProvenanceError');
      assert.match(outcome.error.message, /sunset\.png has no Bailian provenance/);
      assert.match(outcome.error.hint ?? '', /Only images made by Bailian Image Studio or bailian-image carry it/);
    }
    const copied = await vscode.commands.executeCommand<CopyCommandOutcome>(Commands.copyAsCliCommand, plain);
    assert.equal(copied?.status, 'failed');
    assert.equal((await readHistory()).length, before, 'no job ran');
  });

  test('the Explorer entries are enabled on a generated image and greyed on one without provenance (bailian.provenanceFiles)', async () => {
    const api = await activateExtension();
    const original = await generatedImage('a glass bottle on sand', 3003);
    let keys = await api.provenanceFiles();
    assert.ok(keys.includes(original.path), `the generated image is in the context key (${keys.length} keys)`);
    assert.ok(!keys.includes(vscode.Uri.joinPath(workspaceRoot(), 'sunset.png').path), 'a fixture image without provenance is not');

    // A PNG without provenance, made now: not in the set, and the command refuses it and writes nothing.
    const plain = await copyFixture('sunset.png', 'menu/plain.png');
    keys = await api.provenanceFiles();
    assert.ok(!keys.includes(plain.path), 'a new image without provenance is not in the context key');
    const outputs = vscode.Uri.joinPath(workspaceRoot(), 'generated-images');
    const filesBefore = (await vscode.workspace.fs.readDirectory(outputs)).map(([name]) => name).sort();
    const linesBefore = (await readHistory()).length;
    const refused = await vscode.commands.executeCommand<CommandOutcome>(Commands.regenerateImage, plain);
    assert.equal(refused?.status, 'failed', JSON.stringify(refused));
    if (refused?.status === 'failed') {
      assert.equal(refused.error.name, 'NoProvenanceError');
      assert.match(refused.error.message, /plain\.png has no Bailian provenance/);
    }
    assert.deepEqual((await vscode.workspace.fs.readDirectory(outputs)).map(([name]) => name).sort(), filesBefore, 'no file written');
    assert.equal((await readHistory()).length, linesBefore, 'no job ran');
    assert.ok(!(await api.provenanceFiles()).includes(plain.path));

    // An image with provenance the history does not name (copied from elsewhere): the command reads it and it joins the set.
    const copied = vscode.Uri.joinPath(workspaceRoot(), 'menu', 'from-another-repo.png');
    await vscode.workspace.fs.writeFile(copied, await vscode.workspace.fs.readFile(original));
    const copiedOutcome = await vscode.commands.executeCommand<CopyCommandOutcome>(Commands.copyAsCliCommand, copied);
    assert.equal(copiedOutcome?.status, 'copied', JSON.stringify(copiedOutcome));
    assert.ok((await api.provenanceFiles()).includes(copied.path), 'an image a command found provenance in is in the context key');

    // Renamed and deleted in the Explorer: the key follows.
    const renamed = vscode.Uri.joinPath(workspaceRoot(), 'menu', 'renamed.png');
    const rename = new vscode.WorkspaceEdit();
    rename.renameFile(copied, renamed);
    // The extension hears the rename before this listener (registered later): wait for the event, not for applyEdit alone.
    const renameHeard = whenFileEvent(vscode.workspace.onDidRenameFiles, 'the rename event');
    assert.ok(await vscode.workspace.applyEdit(rename), 'the rename applies');
    await renameHeard;
    keys = await api.provenanceFiles();
    assert.ok(keys.includes(renamed.path) && !keys.includes(copied.path), 'a renamed image keeps its entry under its new path');
    const remove = new vscode.WorkspaceEdit();
    remove.deleteFile(renamed);
    const deleteHeard = whenFileEvent(vscode.workspace.onDidDeleteFiles, 'the delete event');
    assert.ok(await vscode.workspace.applyEdit(remove), 'the delete applies');
    await deleteHeard;
    assert.ok(!(await api.provenanceFiles()).includes(renamed.path), 'a deleted image leaves the context key');
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(workspaceRoot(), 'menu'), { recursive: true });
  });

  test('Open Settings in Studio opens the studio from a generated image, and refuses one without provenance', async () => {
    const api = await activateExtension();
    const original = await generatedImage('a kite over dunes', 505);
    const opened = await vscode.commands.executeCommand<{ status: string }>(Commands.openSettingsInStudio, original);
    assert.equal(opened?.status, 'opened', JSON.stringify(opened));
    await withTimeout(api.whenStudioReady(), 60_000, 'the studio webview handshake');
    const refused = await vscode.commands.executeCommand<CommandOutcome>(Commands.openSettingsInStudio, vscode.Uri.joinPath(workspaceRoot(), 'sunset.png'));
    assert.equal(refused?.status, 'failed');
    if (refused?.status === 'failed') assert.equal(refused.error.name, 'NoProvenanceError');
  });

  test('Copy as CLI Command puts the bailian-image command on the clipboard, never the key', async () => {
    const original = await generatedImage("it's a 'quoted' prompt", 77);
    const outcome = await vscode.commands.executeCommand<CopyCommandOutcome>(Commands.copyAsCliCommand, original);
    assert.equal(outcome?.status, 'copied', JSON.stringify(outcome));
    if (outcome?.status !== 'copied') return;
    assert.equal(await vscode.env.clipboard.readText(), outcome.command);
    assert.match(outcome.command, /^bailian-image generate --model z-image-turbo --prompt 'it'\\''s a '\\''quoted'\\'' prompt' .*--seed 77 --out generated-images$/);
    assert.ok(!/sk-/.test(outcome.command), 'never the key');
    const entry = (await readHistory()).find((e) => e.outputs.some((o) => original.path.endsWith(`/${o.path}`)));
    assert.ok(entry, 'the job has its history line');
    const byEntry = await vscode.commands.executeCommand<CopyCommandOutcome>(Commands.copyAsCliCommand, entry.id);
    assert.equal(byEntry?.status, 'copied');
    if (byEntry?.status === 'copied') assert.match(byEntry.command, /--seed 77/);
  });
});
