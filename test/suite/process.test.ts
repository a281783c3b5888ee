// The image operations in the editor against the DashScope simulator: each Explorer command on an
// image (scripted, as the Explorer's answers would be) saves its result next to the original,
// named for the operation, with provenance and a history line, never overwriting; the folder
// batches process every image, skip the rest and report failures with codes; the agent tool
// answers with the path and a relative link; a cancel leaves no file; with a Singapore key the
// commands say the models are Beijing-only and offer the switch, before anything is sent.
import * as assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import * as vscode from 'vscode';
import { Commands, ConfigKeys, Tools } from '../../src/constants';
import { readProvenance } from '../../src/pipeline/provenance';
import type { CommandOutcome } from '../../src/workflows/outcome';
import { activateExtension, copyFixture, exists, failed, readHistory, saved, withTimeout, workspaceRoot } from './workbench';

const root = workspaceRoot;

type FolderOutcome = { status: string; saved: { path: string }[]; skipped: string[]; failed: { path: string; code?: string; message: string }[]; notStarted: number };

/** A PNG of the given size, with transparency (colour type 6) or without (colour type 2). */
async function writePng(path: string, width: number, height: number, alpha: boolean): Promise<vscode.Uri> {
  const png = new PNG({ width, height });
  for (let i = 0; i < width * height; i++) {
    const inside = Math.abs((i % width) - width / 2) < width / 4 && Math.abs(Math.floor(i / width) - height / 2) < height / 4;
    png.data.set([200, (i * 7) % 256, 90, alpha && !inside ? 0 : 255], i * 4);
  }
  const uri = vscode.Uri.joinPath(root(), ...path.split('/'));
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
  await vscode.workspace.fs.writeFile(uri, PNG.sync.write(png, { colorType: alpha ? 6 : 2 }));
  return uri;
}

/** Width and height of a saved PNG. */
function pngSize(bytes: Uint8Array): { width: number; height: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** The names in a workspace folder. */
async function namesIn(folder: string): Promise<string[]> {
  return (await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(root(), ...folder.split('/')))).map(([name]) => name).sort();
}

/** Checks a saved result: its place, provenance and history line. */
async function checkResult(file: { path: string; uri: string }, expected: { path: string; model: string; source: string; inputs: string[] }): Promise<void> {
  assert.equal(file.path, expected.path);
  const bytes = await vscode.workspace.fs.readFile(vscode.Uri.parse(file.uri));
  const record = readProvenance(bytes);
  assert.equal(record?.model, expected.model);
  assert.deepEqual(record?.sources, expected.inputs);
  const line = (await readHistory()).filter((e) => e.outputs.some((o) => o.path === expected.path)).at(-1);
  assert.ok(line, `a history line for ${expected.path}`);
  assert.equal(line.model, expected.model);
  assert.equal(line.source, expected.source);
  assert.deepEqual(line.inputs, expected.inputs);
  assert.equal(line.kind, 'process');
  assert.equal(line.outcome, 'succeeded');
  assert.ok(line.taskId, 'the task id is recorded');
  const size = pngSize(bytes);
  const output = line.outputs.find((o) => o.path === expected.path)!;
  if (output.width !== undefined) assert.deepEqual({ width: output.width, height: output.height }, size, 'the size recorded is the one received');
}

suite('Image operations (against the DashScope simulator)', () => {
  suiteSetup(async () => {
    await activateExtension();
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration(ConfigKeys.section).update(ConfigKeys.agentToolsConfirm, undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Upscale ×2 and ×4 save photo.x2.png and photo.x4.png next to the original, never overwriting', async () => {
    await copyFixture('pattern.png', 'ops/photo.png');
    const x2 = saved(await vscode.commands.executeCommand<CommandOutcome>(Commands.upscaleImage2x, { image: 'ops/photo.png' }));
    await checkResult(x2.files[0]!, { path: 'ops/photo.x2.png', model: 'wanx2.1-imageedit', source: 'palette', inputs: ['ops/photo.png'] });
    const line = (await readHistory()).filter((e) => e.outputs.some((o) => o.path === 'ops/photo.x2.png')).at(-1)!;
    assert.deepEqual(line.parameters.process, { function: 'super_resolution', upscaleFactor: 2 }, 'the operation is recorded, so it can be run again');
    const x4 = saved(await vscode.commands.executeCommand<CommandOutcome>(Commands.upscaleImage4x, { image: 'ops/photo.png' }));
    assert.equal(x4.files[0]!.path, 'ops/photo.x4.png');
    const again = saved(await vscode.commands.executeCommand<CommandOutcome>(Commands.upscaleImage2x, { image: 'ops/photo.png' }));
    assert.equal(again.files[0]!.path, 'ops/photo.x2-2.png', 'never overwrites');
  });

  test('Extend to 16:9 saves banner.16x9.png with image-out-painting', async () => {
    await copyFixture('pattern.png', 'ops/banner.png');
    const outcome = saved(await vscode.commands.executeCommand<CommandOutcome>(Commands.extendImage, { image: 'ops/banner.png', ratio: '16:9' }));
    await checkResult(outcome.files[0]!, { path: 'ops/banner.16x9.png', model: 'image-out-painting', source: 'palette', inputs: ['ops/banner.png'] });
    const { width, height } = pngSize(await vscode.workspace.fs.readFile(vscode.Uri.parse(outcome.files[0]!.uri)));
    assert.ok(Math.abs(width / height - 16 / 9) < 0.02, `the result is 16:9 (${width}×${height})`);
  });

  test('Remove Text, Colorize and Restyle save scan.notext, scan.color and scan.style-… next to the original', async () => {
    await copyFixture('pattern.png', 'ops/scan.png');
    const text = saved(await vscode.commands.executeCommand<CommandOutcome>(Commands.removeText, { image: 'ops/scan.png' }));
    await checkResult(text.files[0]!, { path: 'ops/scan.notext.png', model: 'wanx2.1-imageedit', source: 'palette', inputs: ['ops/scan.png'] });
    const color = saved(await vscode.commands.executeCommand<CommandOutcome>(Commands.colorizeImage, { image: 'ops/scan.png' }));
    assert.equal(color.files[0]!.path, 'ops/scan.color.png');
    const style = saved(await vscode.commands.executeCommand<CommandOutcome>(Commands.restyleImage, { image: 'ops/scan.png', style: 'gold-foil' }));
    assert.equal(style.files[0]!.path, 'ops/scan.style-gold-foil.png');
    const local = saved(await vscode.commands.executeCommand<CommandOutcome>(Commands.restyleImage, { image: 'ops/scan.png', style: 'wooden', subject: 'the house' }));
    assert.equal(local.files[0]!.path, 'ops/scan.style-wooden.png');
    const unknown = failed(await vscode.commands.executeCommand<CommandOutcome>(Commands.restyleImage, { image: 'ops/scan.png', style: 'cubism' }));
    assert.match(unknown.error.message, /cubism.*french-picture-book|cubism.*ice/);
  });

  test('Replace Background takes a transparent PNG and refuses an RGB one before anything is sent', async () => {
    await writePng('ops/product.png', 640, 576, true);
    const outcome = saved(await vscode.commands.executeCommand<CommandOutcome>(Commands.replaceBackground, { image: 'ops/product.png', prompt: 'a sunny beach' }));
    await checkResult(outcome.files[0]!, { path: 'ops/product.bg.png', model: 'wanx-background-generation-v2', source: 'palette', inputs: ['ops/product.png'] });
    await writePng('ops/opaque.png', 640, 576, false);
    const before = (await readHistory()).length;
    const refused = failed(await vscode.commands.executeCommand<CommandOutcome>(Commands.replaceBackground, { image: 'ops/opaque.png', prompt: 'a sunny beach' }));
    assert.match(refused.error.message, /transparen/);
    assert.ok(refused.error.hint, 'says what to do');
    const noPrompt = failed(await vscode.commands.executeCommand<CommandOutcome>(Commands.replaceBackground, { image: 'ops/product.png' }));
    assert.match(noPrompt.error.message, /prompt/);
    assert.equal((await readHistory()).length, before, 'nothing was sent');
    assert.ok(!(await namesIn('ops')).some((n) => n.startsWith('opaque.')  && n !== 'opaque.png'), 'nothing written');
  });

  test('bad input fails before anything is sent, naming the limit, and writes nothing', async () => {
    await copyFixture('sunset.png', 'ops-bad/tiny.png');
    const before = (await readHistory()).length;
    const tiny = failed(await vscode.commands.executeCommand<CommandOutcome>(Commands.upscaleImage2x, { image: 'ops-bad/tiny.png' }));
    assert.match(JSON.stringify(tiny.error), /512/);
    const ratio = failed(await vscode.commands.executeCommand<CommandOutcome>(Commands.extendImage, { image: 'ops-bad/tiny.png', ratio: '2:1' }));
    assert.match(JSON.stringify(ratio.error), /16:9/);
    assert.equal((await readHistory()).length, before, 'no history line: nothing was sent');
    assert.deepEqual(await namesIn('ops-bad'), ['tiny.png']);
  });

  test('Upscale Images in Folder processes every image, skips the rest, reports failures with codes, and leaves its results alone on a rerun', async () => {
    await copyFixture('pattern.png', 'ops-batch/a.png');
    await writePng('ops-batch/nested/b.png', 600, 520, false);
    await copyFixture('sunset.png', 'ops-batch/tiny.png');
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(root(), 'ops-batch', 'notes.txt'), new TextEncoder().encode('not an image'));
    const outcome = (await vscode.commands.executeCommand(Commands.upscaleFolder, { folder: 'ops-batch', factor: 2 })) as FolderOutcome;
    assert.equal(outcome.status, 'succeeded', JSON.stringify(outcome));
    assert.deepEqual(outcome.saved.map((s) => s.path).sort(), ['ops-batch/a.x2.png', 'ops-batch/nested/b.x2.png']);
    assert.deepEqual(outcome.skipped, ['ops-batch/notes.txt']);
    assert.equal(outcome.failed.length, 1, JSON.stringify(outcome.failed));
    assert.equal(outcome.failed[0]!.path, 'ops-batch/tiny.png');
    assert.match(outcome.failed[0]!.message, /512/);
    const lines = (await readHistory()).filter((e) => e.source === 'batch' && e.inputs[0]?.startsWith('ops-batch/'));
    assert.deepEqual(lines.map((l) => l.outputs[0]?.path).sort(), ['ops-batch/a.x2.png', 'ops-batch/nested/b.x2.png']);
    await vscode.workspace.fs.delete(vscode.Uri.joinPath(root(), 'ops-batch', 'tiny.png'));
    const extend = (await vscode.commands.executeCommand(Commands.extendFolder, { folder: 'ops-batch', ratio: '1:1' })) as FolderOutcome;
    assert.deepEqual(extend.saved.map((s) => s.path).sort(), ['ops-batch/a.1x1.png', 'ops-batch/nested/b.1x1.png'], 'the x2 results are not extended again');
    assert.deepEqual(extend.failed, []);
  });

  test('the agent tool processes a workspace image and answers with the path and a relative link; a path outside is refused first', async () => {
    await vscode.workspace.getConfiguration(ConfigKeys.section).update(ConfigKeys.agentToolsConfirm, false, vscode.ConfigurationTarget.Global);
    assert.ok(vscode.lm.tools.some((t) => t.name === Tools.processImage), 'the tool is registered');
    await copyFixture('pattern.png', 'ops-agent/shot.png');
    const token = new vscode.CancellationTokenSource().token;
    const result = await withTimeout(Promise.resolve(vscode.lm.invokeTool(Tools.processImage, { input: { image: 'ops-agent/shot.png', operation: 'extend', ratio: '9:16', markdownFile: 'ops-agent/page.md' }, toolInvocationToken: undefined }, token)), 60_000, 'the process tool');
    const text = result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
    const answer = JSON.parse(text.slice(text.lastIndexOf('\n{') + 1)) as { files: { path: string; uri: string; markdown: string }[] };
    assert.equal(answer.files[0]!.path, 'ops-agent/shot.9x16.png');
    assert.equal(answer.files[0]!.markdown, '![shot.9x16](shot.9x16.png)');
    assert.equal((await readHistory()).find((e) => e.outputs.some((o) => o.path === 'ops-agent/shot.9x16.png'))?.source, 'agent');
    const before = (await readHistory()).length;
    await assert.rejects(Promise.resolve(vscode.lm.invokeTool(Tools.processImage, { input: { image: '../outside.png', operation: 'upscale' }, toolInvocationToken: undefined }, token)), /workspace|outside/i);
    assert.equal((await readHistory()).length, before, 'nothing was sent');
  });

  test('a cancelled operation leaves no file, partial or whole, and no history line', async () => {
    await copyFixture('pattern.png', 'ops-cancel/photo.png');
    const source = new vscode.CancellationTokenSource();
    const before = (await readHistory()).length;
    const running = Promise.resolve(vscode.lm.invokeTool(Tools.processImage, { input: { image: 'ops-cancel/photo.png', operation: 'upscale', factor: 4 }, toolInvocationToken: undefined }, source.token));
    source.cancel();
    await assert.rejects(running);
    assert.deepEqual(await namesIn('ops-cancel'), ['photo.png'], 'no result and no temporary file');
    assert.equal((await readHistory()).length, before);
  });

  test('with a Singapore key the commands say the models are served only in Beijing and offer the switch, before anything is sent', async () => {
    const section = vscode.workspace.getConfiguration(ConfigKeys.section);
    await copyFixture('pattern.png', 'ops-region/photo.png');
    // The runner's user settings choose the region: put back exactly what was there.
    const previous = section.inspect<string>(ConfigKeys.region)?.globalValue;
    await section.update(ConfigKeys.region, 'singapore', vscode.ConfigurationTarget.Global);
    try {
      const before = (await readHistory()).length;
      for (const command of [Commands.upscaleImage2x, Commands.extendImage, Commands.upscaleFolder]) {
        const outcome = failed(await vscode.commands.executeCommand<CommandOutcome>(command, command === Commands.upscaleFolder ? { folder: 'ops-region', factor: 2 } : { image: 'ops-region/photo.png', ratio: '16:9' }));
        assert.match(outcome.error.message, /only in Beijing/, command);
        assert.ok(outcome.error.actions.includes('switchRegion'), JSON.stringify(outcome.error));
        assert.equal(outcome.error.switchTo, 'beijing');
      }
      assert.equal((await readHistory()).length, before);
      assert.deepEqual(await namesIn('ops-region'), ['photo.png']);
    } finally {
      await section.update(ConfigKeys.region, previous, vscode.ConfigurationTarget.Global);
    }
  });

  test('an operation chosen from the Explorer opens its result beside the original', async () => {
    const original = await copyFixture('pattern.png', 'ops-open/photo.png');
    await vscode.commands.executeCommand('vscode.open', original);
    const column = vscode.window.tabGroups.activeTabGroup.viewColumn;
    assert.ok(await exists(original));
    // The Explorer passes the Uri: the interactive path, without a question for Upscale.
    const outcome = saved(await vscode.commands.executeCommand<CommandOutcome>(Commands.upscaleImage2x, original, [original]));
    assert.equal(outcome.files[0]!.path, 'ops-open/photo.x2.png');
    const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => ({ t, column: g.viewColumn }))).find(({ t }) => t.input instanceof vscode.TabInputCustom && t.input.uri.path.endsWith('/ops-open/photo.x2.png'));
    assert.ok(tab, 'the result is open');
    assert.notEqual(tab.column, column, 'beside the original');
    const line = (await readHistory()).filter((e) => e.outputs.some((o) => o.path === 'ops-open/photo.x2.png')).at(-1)!;
    assert.equal(line.source, 'explorer');
  });
});
