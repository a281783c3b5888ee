// Restricted mode: in a workspace nobody trusted, the paid actions refuse to run (nothing is
// sent, nothing is written) and say why; the extension itself still loads. The runner opens
// this suite alone, with workspace trust on and the folder untrusted.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands } from '../../src/constants';
import type { CommandOutcome } from '../../src/workflows/outcome';
import { activateExtension, workspaceRoot, exists } from './workbench';

const root = workspaceRoot;


suite('Untrusted workspace (restricted mode)', () => {
  suiteSetup(async () => {
    await activateExtension();
  });

  test('the workspace really is untrusted', () => {
    assert.equal(vscode.workspace.isTrusted, false);
  });

  test('every paid action refuses with an explanation, and nothing is written', async () => {
    const calls: [string, unknown][] = [
      [Commands.generateImage, { prompt: 'should not run', model: 'z-image-turbo' }],
      [Commands.editImage, { images: ['street.png'], model: 'qwen-image-edit-plus', prompt: 'should not run' }],
      [Commands.translateImage, { image: 'sunset.png', to: 'en' }],
      [Commands.generateGuide, { prompt: 'should not run', maxImages: 1 }],
    ];
    for (const [command, argument] of calls) {
      const outcome = await vscode.commands.executeCommand<CommandOutcome>(command, argument);
      assert.equal(outcome?.status, 'failed', `${command}: ${JSON.stringify(outcome)}`);
      if (outcome?.status !== 'failed') continue;
      assert.equal(outcome.error.name, 'UntrustedWorkspaceError', command);
      assert.match(outcome.error.hint ?? '', /Trust/);
    }
    const folder = (await vscode.commands.executeCommand(Commands.translateFolder, { folder: '.', to: 'en' })) as CommandOutcome;
    assert.equal(folder.status, 'failed');
    assert.equal(await exists(vscode.Uri.joinPath(root(), 'generated-images')), false, 'no output folder');
    assert.equal(await exists(vscode.Uri.joinPath(root(), 'sunset.en.jpg')), false, 'no translation');
    assert.equal(await exists(vscode.Uri.joinPath(root(), '.bailian', 'history.jsonl')), false, 'no history');
  });
});
