// The editor flows against the DashScope simulator, each command with scripted arguments: the
// right files appear with the right names, place, provenance and history line; bad input fails
// before anything is sent and writes nothing; a key of the other region offers the switch.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../src/constants';
import type { CommandOutcome } from '../../src/workflows/outcome';
import { isPng, readProvenance } from '../../src/pipeline/provenance';
import { activateExtension, copyFixture, workspaceRoot, exists, readHistory, saved, failed } from './workbench';

const root = workspaceRoot;

const history = readHistory;



suite('Editor flows (against the DashScope simulator)', () => {
  suiteSetup(async () => {
    await activateExtension();
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Edit Image with two images keeps their order, saves with provenance and a history line', async () => {
    const outcome = saved(await vscode.commands.executeCommand<CommandOutcome>(Commands.editImage, { images: ['street.png', 'pattern.png'], model: 'qwen-image-edit-plus', prompt: 'put the pattern of image 2 on the sky of image 1', n: 1 }));
    assert.equal(outcome.files.length, 1);
    assert.match(outcome.files[0]!.path, /^generated-images\/.+qwen-image-edit-plus.+\.png$/);
    const record = readProvenance(await vscode.workspace.fs.readFile(vscode.Uri.parse(outcome.files[0]!.uri)));
    assert.deepEqual(record?.sources, ['street.png', 'pattern.png'], 'the references keep the user order');
    const line = (await history()).filter((e) => e.kind === 'edit').at(-1)!;
    assert.deepEqual(line.inputs, ['street.png', 'pattern.png']);
    assert.equal(line.outcome, 'succeeded');
    assert.equal(line.outputs[0]!.path, outcome.files[0]!.path);
    assert.ok(line.requestId);
  });

  test('Translate Image saves poster.en.jpg next to the original, with a sidecar and a history line', async () => {
    const poster = await copyFixture('sunset.png', 'posters/poster.png');
    const outcome = saved(await vscode.commands.executeCommand<CommandOutcome>(Commands.translateImage, { image: 'posters/poster.png', from: 'zh', to: 'en', domainHint: 'travel poster', terms: [{ src: '日落', tgt: 'Sunset' }] }));
    assert.equal(outcome.files[0]!.path, 'posters/poster.en.jpg');
    const sidecar = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(poster, '..', 'poster.en.jpg.json')))) as { model: string; parameters: Record<string, unknown>; sources: string[] };
    assert.equal(sidecar.model, 'qwen-mt-image');
    assert.equal(sidecar.parameters.target_lang, 'en');
    assert.deepEqual(sidecar.parameters.terminologies, [{ src: '日落', tgt: 'Sunset' }]);
    assert.deepEqual(sidecar.sources, ['posters/poster.png']);
    const again = saved(await vscode.commands.executeCommand<CommandOutcome>(Commands.translateImage, { image: 'posters/poster.png', to: 'en' }));
    assert.equal(again.files[0]!.path, 'posters/poster.en-2.jpg', 'never overwrites');
    const line = (await history()).filter((e) => e.kind === 'translate').at(-1)!;
    assert.equal(line.parameters.target_lang, 'en');
    assert.ok(line.taskId, 'the task id is recorded');
  });

  test('Translate Images in Folder translates every image, skips the rest and summarizes', async () => {
    await copyFixture('sunset.png', 'batch/a.png');
    await copyFixture('checker.png', 'batch/nested/b.png');
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(root(), 'batch', 'notes.txt'), new TextEncoder().encode('not an image'));
    const outcome = (await vscode.commands.executeCommand(Commands.translateFolder, { folder: 'batch', from: 'zh', to: 'ja' })) as { status: string; translated: { path: string }[]; skipped: string[]; failed: unknown[] };
    assert.equal(outcome.status, 'succeeded', JSON.stringify(outcome));
    assert.deepEqual(outcome.translated.map((t) => t.path).sort(), ['batch/a.ja.jpg', 'batch/nested/b.ja.jpg']);
    assert.deepEqual(outcome.skipped, ['batch/notes.txt']);
    assert.deepEqual(outcome.failed, []);
  });

  test('Generate Illustrated Guide writes a Markdown document with relative links and saved images', async () => {
    const outcome = saved(await vscode.commands.executeCommand<CommandOutcome>(Commands.generateGuide, { prompt: 'a three step guide to folding a paper crane', maxImages: 3, size: '1024*1024' }));
    assert.ok(outcome.document, 'the document is reported');
    const docUri = vscode.Uri.parse(outcome.document.uri);
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(docUri));
    assert.ok(!/https?:\/\//.test(text), 'no DashScope URL in the document');
    const links = [...text.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => decodeURIComponent(m[1]!));
    assert.equal(links.length, outcome.files.length);
    assert.ok(links.length >= 1);
    for (const link of links) {
      assert.ok(!link.startsWith('/'), link);
      const image = vscode.Uri.joinPath(docUri, '..', ...link.split('/'));
      assert.ok(isPng(await vscode.workspace.fs.readFile(image)), `${link} is a saved PNG`);
    }
    assert.match(text, /<!-- bailian: \{"model":"wan2\.6-image:interleave"/);
    const line = (await history()).filter((e) => e.kind === 'guide').at(-1)!;
    assert.equal(line.document, outcome.document.path);
    assert.equal(line.outcome, 'succeeded');
  });

  test('a guide cut by a reload is marked as interrupted after the next activation, keeping what arrived', async () => {
    const api = await activateExtension();
    const doc = vscode.Uri.joinPath(root(), 'generated-images', 'cut-guide.md');
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(doc, '..'));
    await vscode.workspace.fs.writeFile(doc, new TextEncoder().encode('<!-- Generated by Bailian Image Studio -->\n\nStep 1: fold the paper'));
    await api.persistStream(doc.toString());
    await api.resumeTasks();
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(doc));
    assert.match(text, /^<!-- Generated by Bailian Image Studio -->\n\nStep 1: fold the paper\n\n---\n\n> \*\*⚠ Interrupted:\*\* the window was reloaded/);
    await api.resumeTasks();
    const again = new TextDecoder().decode(await vscode.workspace.fs.readFile(doc));
    assert.equal(again, text, 'marked once');
  });

  test('Insert Image Link puts a relative, encoded link at the cursor', async () => {
    const image = await copyFixture('sunset.png', 'figures/sunset figure.png');
    const doc = vscode.Uri.joinPath(root(), 'docs', 'page.md');
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(doc, '..'));
    await vscode.workspace.fs.writeFile(doc, new TextEncoder().encode('# Page\n\n'));
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(2, 0, 2, 0);
    const text = await vscode.commands.executeCommand<string>(Commands.insertImageLink, { image: image.toString() });
    assert.equal(text, '![sunset figure](../figures/sunset%20figure.png)');
    assert.ok(editor.document.getText().includes(text), 'the link is in the document');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('bad input fails before anything is sent and writes nothing', async () => {
    const svg = vscode.Uri.joinPath(root(), 'bad', 'logo.svg');
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(svg, '..'));
    await vscode.workspace.fs.writeFile(svg, new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'));
    const before = (await history()).length;
    const tooMany = failed(await vscode.commands.executeCommand<CommandOutcome>(Commands.editImage, { images: ['sunset.png', 'checker.png', 'sunset.png', 'checker.png'], model: 'qwen-image-edit-plus', prompt: 'x' }));
    assert.match(JSON.stringify(tooMany.error), /1–3|1-3/);
    const format = failed(await vscode.commands.executeCommand<CommandOutcome>(Commands.editImage, { images: ['bad/logo.svg'], model: 'qwen-image-edit-plus', prompt: 'x' }));
    assert.match(`${format.error.message} ${format.error.hint ?? ''}`, /svg|format|PNG|JPG/i);
    const pair = failed(await vscode.commands.executeCommand<CommandOutcome>(Commands.translateImage, { image: 'sunset.png', from: 'ja', to: 'ko' }));
    assert.match(JSON.stringify(pair.error), /Chinese or English/);
    const empty = failed(await vscode.commands.executeCommand<CommandOutcome>(Commands.editImage, { images: ['sunset.png'], model: 'qwen-image-edit-plus', prompt: '   ' }));
    assert.ok(empty.error.issues?.length || empty.error.message, 'says what is wrong');
    const glossary = vscode.Uri.joinPath(root(), '.bailian', 'glossary.txt');
    await vscode.workspace.fs.writeFile(glossary, new TextEncoder().encode('# terms\n千问 = Qwen\nno separator here\n'));
    try {
      const bad = failed(await vscode.commands.executeCommand<CommandOutcome>(Commands.translateImage, { image: 'sunset.png', to: 'en' }));
      assert.match(bad.error.message, /Line 3/);
    } finally {
      await vscode.workspace.fs.delete(glossary);
    }
    assert.equal(await exists(vscode.Uri.joinPath(root(), 'bad', 'logo.en.jpg')), false);
    assert.equal(await exists(vscode.Uri.joinPath(root(), 'sunset.en.jpg')), false, 'nothing was written');
    assert.equal((await history()).length, before, 'nothing was sent, so nothing was recorded');
  });

  test('a key refused here but valid in another region offers the switch', async () => {
    const section = vscode.workspace.getConfiguration('bailian');
    // The runner's user settings choose the region: put back exactly what was there.
    const previous = section.inspect<string>('region')?.globalValue;
    await section.update('region', 'singapore', vscode.ConfigurationTarget.Global);
    try {
      const outcome = failed(await vscode.commands.executeCommand<CommandOutcome>(Commands.generateImage, { prompt: 'a key in the wrong region', model: 'z-image-turbo' }));
      assert.equal(outcome.error.code, 'InvalidApiKey');
      assert.ok(outcome.error.actions.includes('switchRegion'), JSON.stringify(outcome.error));
      assert.equal(outcome.error.switchTo, 'beijing');
      assert.ok(outcome.error.actions.includes('setApiKey'), 'Set API Key is always offered');
      const test = (await vscode.commands.executeCommand(Commands.testApiKey)) as { status: string; acceptedBy: string[] };
      assert.equal(test.status, 'invalid');
      assert.deepEqual(test.acceptedBy, ['beijing']);
    } finally {
      await section.update('region', previous, vscode.ConfigurationTarget.Global);
    }
  });
});
