import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands, ConfigKeys } from '../../src/constants';
import type { CommandOutcome as GenerateImageOutcome } from '../../src/workflows/outcome';
import { isTemporaryName } from '../../src/pipeline/files';
import { isPng, readProvenance } from '../../src/pipeline/provenance';
import { activateExtension } from './workbench';

/** The workspace's output folder (the runner's settings leave bailian.outputFolder at its default). */
function outputFolder(): vscode.Uri {
  const [folder] = vscode.workspace.workspaceFolders ?? [];
  assert.ok(folder, 'the suite runs with a workspace folder');
  const setting = vscode.workspace.getConfiguration(ConfigKeys.section).get<string>(ConfigKeys.outputFolder, 'generated-images');
  return vscode.Uri.joinPath(folder.uri, setting);
}

async function generate(args: Record<string, unknown>): Promise<GenerateImageOutcome> {
  const outcome = await vscode.commands.executeCommand<GenerateImageOutcome>(Commands.generateImage, args);
  assert.ok(outcome, 'the command resolves with its outcome');
  return outcome;
}

function saved(outcome: GenerateImageOutcome): Extract<GenerateImageOutcome, { status: 'succeeded' }> {
  assert.equal(outcome.status, 'succeeded', JSON.stringify(outcome));
  return outcome as Extract<GenerateImageOutcome, { status: 'succeeded' }>;
}

/** Every file name under `folder`, recursively, relative to it. */
async function listFiles(folder: vscode.Uri, prefix = ''): Promise<string[]> {
  const names: string[] = [];
  for (const [name, type] of await vscode.workspace.fs.readDirectory(folder)) {
    if (type === vscode.FileType.Directory) names.push(...(await listFiles(vscode.Uri.joinPath(folder, name), `${prefix}${name}/`)));
    else names.push(`${prefix}${name}`);
  }
  return names;
}

suite('Generate Image (against the DashScope simulator)', () => {
  suiteSetup(async () => {
    await activateExtension();
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand(Commands.clearApiKey);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('saves a real PNG with provenance into the workspace output folder', async () => {
    const outcome = saved(await generate({ prompt: 'A red lantern over West Lake at dawn', model: 'qwen-image', size: '1328*1328' }));
    assert.equal(outcome.files.length, 1);
    const uri = vscode.Uri.parse(outcome.files[0]!.uri);
    assert.ok(uri.path.startsWith(`${outputFolder().path}/`), `${uri.path} is inside ${outputFolder().path}`);
    assert.match(outcome.files[0]!.path, /^generated-images\/.+\.png$/);
    const stat = await vscode.workspace.fs.stat(uri);
    assert.equal(stat.type, vscode.FileType.File);
    const bytes = await vscode.workspace.fs.readFile(uri);
    assert.ok(isPng(bytes), 'PNG magic bytes');
    const record = readProvenance(bytes);
    assert.ok(record, 'the bailian provenance chunk is present');
    assert.equal(record.model, 'qwen-image');
    assert.equal(record.prompt, 'A red lantern over West Lake at dawn');
    assert.equal(record.seed, outcome.files[0]!.seed);
  });

  test('an async model saves every image it made', async () => {
    const outcome = saved(await generate({ prompt: 'two paper cranes', model: 'wan2.2-t2i-flash', n: 2, seed: 7 }));
    assert.deepEqual(outcome.files.map((f) => f.seed), [7, 8]);
    for (const file of outcome.files) {
      assert.ok(isPng(await vscode.workspace.fs.readFile(vscode.Uri.parse(file.uri))));
    }
  });

  test('a second run with the same file name never overwrites the first', async () => {
    const name = `collision-${Date.now()}`;
    const first = saved(await generate({ prompt: 'first', model: 'z-image-turbo', nameTemplate: name }));
    const second = saved(await generate({ prompt: 'second', model: 'z-image-turbo', nameTemplate: name }));
    assert.equal(first.files[0]!.path, `generated-images/${name}.png`);
    assert.equal(second.files[0]!.path, `generated-images/${name}-2.png`);
    const firstBytes = await vscode.workspace.fs.readFile(vscode.Uri.parse(first.files[0]!.uri));
    assert.equal(readProvenance(firstBytes)?.prompt, 'first', 'the first file still holds the first image');
    assert.equal(readProvenance(await vscode.workspace.fs.readFile(vscode.Uri.parse(second.files[0]!.uri)))?.prompt, 'second');
  });

  test('a request the catalog rejects fails before anything is sent, with the reason', async () => {
    const outcome = await generate({ prompt: 'x', model: 'qwen-image', n: 3 });
    assert.equal(outcome.status, 'failed');
    if (outcome.status !== 'failed') return;
    assert.equal(outcome.error.name, 'RequestValidationError');
    assert.match(outcome.error.issues?.map((i) => i.message).join(' ') ?? '', /exactly 1 image/);
  });

  test('a wrong key surfaces DashScope InvalidApiKey with its hint and request id', async () => {
    const stored = await vscode.commands.executeCommand<boolean>(Commands.setApiKey, 'sk-integration-wrong-key-0000');
    assert.equal(stored, true);
    try {
      const outcome = await generate({ prompt: 'should not render', model: 'qwen-image' });
      assert.equal(outcome.status, 'failed', JSON.stringify(outcome));
      if (outcome.status !== 'failed') return;
      assert.equal(outcome.error.name, 'DashScopeError');
      assert.equal(outcome.error.code, 'InvalidApiKey');
      assert.match(outcome.error.hint ?? '', /region/);
      assert.ok(outcome.error.requestId, 'the request id is kept for support');
      assert.ok(outcome.error.actions.includes('setApiKey'), 'offers Set API Key');
      assert.ok(!JSON.stringify(outcome).includes('sk-integration-wrong-key'), 'the key never appears in the outcome');
    } finally {
      await vscode.commands.executeCommand(Commands.clearApiKey);
    }
  });

  test('saving leaves no temporary files behind', async () => {
    const outcome = saved(await generate({ prompt: 'nothing left over', model: 'wan2.2-t2i-flash', n: 2, seed: 21 }));
    const names = await listFiles(outputFolder());
    for (const file of outcome.files) assert.ok(names.includes(file.path.replace(/^generated-images\//, '')), `${file.path} was saved (${names.join(', ')})`);
    assert.deepEqual(names.filter((name) => isTemporaryName(name) || name.startsWith('.')), []);
  });
});
