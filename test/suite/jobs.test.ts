// Jobs in the editor against the DashScope simulator: a persisted async task is resumed (as after
// a reload or an extension-host restart) and its image saved into the recorded folder with a
// history line; expired tasks (older than 24 h, or UNKNOWN to the service) are reported and
// nothing is saved; a normal run leaves no record behind; the agent tools answer with a saved
// workspace path and a relative Markdown link.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands, ConfigKeys } from '../../src/constants';
import type { CommandOutcome } from '../../src/workflows/outcome';
import { Tools } from '../../src/constants';
import type { BailianExtensionApi } from '../../src/extension';
import { isPng, readProvenance } from '../../src/pipeline/provenance';
import { activateExtension, destination, simulatorClient, withTimeout, workspaceRoot, exists, readHistory } from './workbench';

const DAY_MS = 24 * 60 * 60 * 1000;

const root = workspaceRoot;

const history = readHistory;


suite('Jobs: resume, expiry, agent tools (against the DashScope simulator)', () => {
  let api: BailianExtensionApi;

  suiteSetup(async () => {
    api = await activateExtension();
  });

  suiteTeardown(async () => {
    await vscode.workspace.getConfiguration(ConfigKeys.section).update(ConfigKeys.agentToolsConfirm, undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a task persisted by an earlier session is resumed: its image is saved where it was going, with a history line', async () => {
    const client = simulatorClient();
    const request = { model: 'wan2.2-t2i-flash', prompt: 'a paper boat on a pond', seed: 31, n: 1 };
    try {
      const task = await client.submitTask(request);
      await api.persistTask({
        taskId: task.taskId,
        modelId: task.model,
        baseUrl: client.baseUrl,
        request,
        destination: destination('generated-images/resumed', { template: 'resumed-${seed}' }),
        submittedAt: task.submittedAt,
        label: 'wan2.2-t2i-flash: a paper boat',
      });
      assert.ok((await api.persistedTasks()).some((t) => t.taskId === task.taskId), 'the record is there before the resume');
      const report = await withTimeout(api.resumeTasks(), 60_000, 'the resume');
      assert.deepEqual(report.saved, [task.taskId], JSON.stringify(report));
      const file = vscode.Uri.joinPath(root(), 'generated-images', 'resumed', 'resumed-31.png');
      const bytes = await vscode.workspace.fs.readFile(file);
      assert.ok(isPng(bytes));
      const record = readProvenance(bytes)!;
      assert.equal(record.task_id, task.taskId);
      assert.equal(record.prompt, 'a paper boat on a pond');
      assert.equal(record.seed, 31);
      const line = (await history()).find((e) => e.taskId === task.taskId);
      assert.ok(line, 'a history line for the resumed task');
      assert.equal(line.outcome, 'succeeded');
      assert.deepEqual(line.outputs.map((o) => o.path), ['generated-images/resumed/resumed-31.png']);
      assert.ok(!(await api.persistedTasks()).some((t) => t.taskId === task.taskId), 'the record is removed once saved');
    } finally {
      await client.close();
    }
  });

  test('tasks older than 24 h, or unknown to the service, are reported as expired and nothing is saved', async () => {
    const old = 'sim-expired-task-0001';
    const unknown = 'sim-unknown-task-0002';
    const client = simulatorClient();
    const baseUrl = client.baseUrl;
    await client.close();
    const request = { model: 'wan2.2-t2i-flash', prompt: 'never saved' };
    await api.persistTask({ taskId: old, modelId: 'wan2.2-t2i-flash', baseUrl, request, destination: destination('generated-images/expired', { template: 'expired-${index}' }), submittedAt: Date.now() - DAY_MS - 60_000 });
    await api.persistTask({ taskId: unknown, modelId: 'wan2.2-t2i-flash', baseUrl, request, destination: destination('generated-images/expired', { template: 'expired-${index}' }), submittedAt: Date.now() - 60_000 });
    const report = await withTimeout(api.resumeTasks(), 60_000, 'the resume');
    assert.deepEqual([...report.expired].sort(), [old, unknown].sort(), JSON.stringify(report));
    assert.deepEqual(report.saved, []);
    const lines = await history();
    for (const taskId of [old, unknown]) {
      const line = lines.find((e) => e.taskId === taskId);
      assert.ok(line, `a history line for ${taskId}`);
      assert.equal(line.outcome, 'expired');
      assert.deepEqual(line.outputs, []);
    }
    assert.ok(!(await exists(vscode.Uri.joinPath(root(), 'generated-images', 'expired'))), 'nothing was saved');
    const left = (await api.persistedTasks()).map((t) => t.taskId);
    assert.ok(!left.includes(old) && !left.includes(unknown), 'the records are removed');
  });

  test('an async job run from the palette goes through the job manager and leaves no record behind', async () => {
    const outcome = await vscode.commands.executeCommand<CommandOutcome>(Commands.generateImage, { prompt: 'a kite over dunes', model: 'wan2.2-t2i-flash', seed: 5 });
    assert.ok(outcome && outcome.status === 'succeeded', JSON.stringify(outcome));
    const line = (await history()).filter((e) => e.model === 'wan2.2-t2i-flash' && e.prompt === 'a kite over dunes').at(-1);
    assert.ok(line?.taskId, 'the task id is recorded');
    assert.ok(!(await api.persistedTasks()).some((t) => t.taskId === line.taskId), 'saved, so nothing is left to resume');
    const job = (await api.jobs()).filter((j) => j.model === 'wan2.2-t2i-flash' && j.source === 'palette').at(-1);
    assert.ok(job, 'the job is in the manager');
    assert.equal(job.state, 'succeeded');
  });

  test('the agent tools generate and translate into the workspace and answer with the path and a relative link', async () => {
    // VS Code 1.100 (the engine this extension requires) has the tools API: never a silent skip.
    assert.equal(typeof vscode.lm?.invokeTool, 'function', 'vscode.lm.invokeTool exists');
    assert.ok(vscode.lm.tools.some((t) => t.name === Tools.generateImage) && vscode.lm.tools.some((t) => t.name === Tools.translateImage), 'both tools are registered');
    // Outside a chat VS Code would ask in a modal dialog; nobody answers it here.
    await vscode.workspace.getConfiguration(ConfigKeys.section).update(ConfigKeys.agentToolsConfirm, false, vscode.ConfigurationTarget.Global);
    const token = new vscode.CancellationTokenSource().token;
    const text = (result: vscode.LanguageModelToolResult): string =>
      result.content.map((part) => (part instanceof vscode.LanguageModelTextPart ? part.value : '')).join('');
    const answerOf = (result: vscode.LanguageModelToolResult): { files: { path: string; uri: string; markdown: string }[] } => JSON.parse(text(result).slice(text(result).lastIndexOf('\n{') + 1)) as { files: { path: string; uri: string; markdown: string }[] };

    const generated = answerOf(
      await withTimeout(
        Promise.resolve(vscode.lm.invokeTool(Tools.generateImage, { input: { prompt: 'a tiny robot watering a plant', model: 'z-image-turbo', markdownFile: 'docs/robots.md' }, toolInvocationToken: undefined }, token)),
        60_000,
        'the generate tool',
      ),
    );
    assert.equal(generated.files.length, 1);
    const image = generated.files[0]!;
    assert.ok(await exists(vscode.Uri.parse(image.uri)), `${image.path} exists`);
    assert.match(image.path, /^generated-images\/.+\.png$/);
    assert.equal(image.markdown.replace(/^!\[[^\]]*\]\(|\)$/g, ''), `../${image.path.split('/').map(encodeURIComponent).join('/')}`, 'the link is relative to docs/robots.md');
    const line = (await history()).find((e) => e.outputs.some((o) => o.path === image.path));
    assert.equal(line?.source, 'agent');

    const poster = vscode.Uri.joinPath(root(), 'agent', 'poster.png');
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(poster, '..'));
    await vscode.workspace.fs.copy(vscode.Uri.joinPath(root(), 'sunset.png'), poster, { overwrite: true });
    const translated = answerOf(
      await withTimeout(Promise.resolve(vscode.lm.invokeTool(Tools.translateImage, { input: { image: 'agent/poster.png', from: 'zh', to: 'en' }, toolInvocationToken: undefined }, token)), 60_000, 'the translate tool'),
    );
    assert.equal(translated.files[0]!.path, 'agent/poster.en.jpg');
    assert.ok(await exists(vscode.Uri.parse(translated.files[0]!.uri)));
    assert.equal(translated.files[0]!.markdown, '![poster.en](agent/poster.en.jpg)');
  });
});
