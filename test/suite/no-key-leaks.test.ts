// The key scan of the integration suite. It first makes what it scans: a sync and an
// async generation, an edit, a translation (through the temporary upload), an illustrated guide,
// the studio opened, and a task persisted for resuming; so it does not depend on which suites ran
// before it. It then reads every file under the workspace folder (images with provenance,
// sidecars, guides, the history manifest, anything else), the Bailian settings at every level,
// the user settings and state files and the extension's log output (the runners put `user-data`
// next to `workspace` and the report), and what the extension API reports about jobs and
// persisted tasks, and asserts that the simulator key (DASHSCOPE_API_KEY) appears nowhere.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../../src/constants';
import type { CommandOutcome } from '../../src/workflows/outcome';
import { EXTENSION_ID, activateExtension, copyFixture, destination, openStudio, simulatorClient, workspaceRoot } from './workbench';

/** Every file under a folder, through workspace.fs (local, remote and web workspaces alike). */
async function workspaceFiles(folder: vscode.Uri): Promise<vscode.Uri[]> {
  const out: vscode.Uri[] = [];
  for (const [name, type] of await vscode.workspace.fs.readDirectory(folder)) {
    const uri = vscode.Uri.joinPath(folder, name);
    if (type & vscode.FileType.Directory) out.push(...(await workspaceFiles(uri)));
    else if (type & vscode.FileType.File) out.push(uri);
  }
  return out;
}

/** Every file under a local folder (node:fs; the user-data folder of the sandbox). */
async function localFiles(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

/** Whether `bytes` hold the key: plain, URL-encoded, or base64 at any of its three alignments. */
function holdsKey(bytes: Uint8Array, key: string): boolean {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const base64 = [0, 1, 2].map((k) => Buffer.from('x'.repeat(k) + key).toString('base64').slice(k ? 4 : 0, -4));
  return [key, encodeURIComponent(key), ...base64].some((form) => buffer.includes(form));
}

suite('Key scan: the API key is written nowhere', () => {
  const key = process.env.DASHSCOPE_API_KEY ?? '';
  let persistedTaskId: string | undefined;

  suiteSetup(async function () {
    this.timeout(240_000);
    const api = await activateExtension();
    const run = async (command: string, args: Record<string, unknown>): Promise<void> => {
      const outcome = await vscode.commands.executeCommand<CommandOutcome>(command, args);
      assert.equal(outcome?.status, 'succeeded', `${command}: ${JSON.stringify(outcome)}`);
    };
    await run(Commands.generateImage, { prompt: 'key scan: a sync call', model: 'qwen-image' });
    await run(Commands.generateImage, { prompt: 'key scan: an async task', model: 'wan2.2-t2i-flash', seed: 41 });
    await run(Commands.editImage, { images: ['street.png'], model: 'qwen-image-edit-plus', prompt: 'key scan: an edit', n: 1 });
    await copyFixture('sunset.png', 'key-scan/poster.png');
    await run(Commands.translateImage, { image: 'key-scan/poster.png', from: 'zh', to: 'en' });
    await run(Commands.generateGuide, { prompt: 'key scan: a one step guide', maxImages: 1, size: '1024*1024' });
    await openStudio();
    // A task left for resuming, as a reload in the middle of a run leaves it.
    const client = simulatorClient();
    try {
      const request = { model: 'wan2.2-t2i-flash', prompt: 'key scan: a persisted task', seed: 43, n: 1 };
      const task = await client.submitTask(request);
      await api.persistTask({ taskId: task.taskId, modelId: task.model, baseUrl: client.baseUrl, request, destination: destination('generated-images/key-scan', { template: 'key-scan-${seed}' }), submittedAt: task.submittedAt, label: 'key scan' });
      persistedTaskId = task.taskId;
    } finally {
      await client.close();
    }
  });

  suiteTeardown(async function () {
    this.timeout(90_000);
    // Resuming saves the persisted task's image and removes its record, so no later suite meets it.
    if (persistedTaskId) await (await activateExtension()).resumeTasks();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the scan can find the key (a scan that finds nothing proves nothing)', () => {
    assert.ok(key.length >= 8, 'the suite runs with the simulator key in DASHSCOPE_API_KEY');
    for (const sample of [`Authorization: Bearer ${key}`, Buffer.from(`{"apiKey":"${key}"}`).toString('base64'), `?k=${encodeURIComponent(key)}`]) {
      assert.ok(holdsKey(new TextEncoder().encode(sample), key), sample);
    }
  });

  test('no file in the workspace folder holds the key', async () => {
    const files = await workspaceFiles(workspaceRoot());
    assert.ok(files.length > 0, 'the setup wrote files');
    const hits: string[] = [];
    for (const uri of files) if (holdsKey(await vscode.workspace.fs.readFile(uri), key)) hits.push(vscode.workspace.asRelativePath(uri));
    assert.deepEqual(hits, [], 'files holding the key');
  });

  test('no Bailian setting, at any level, holds the key', () => {
    const config = vscode.workspace.getConfiguration('bailian');
    const values: unknown[] = [];
    const settings = (vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON as { contributes?: { configuration?: { properties?: Record<string, unknown> } | { properties?: Record<string, unknown> }[] } } | undefined)?.contributes?.configuration;
    const names = (Array.isArray(settings) ? settings : [settings]).flatMap((c) => Object.keys(c?.properties ?? {}));
    assert.ok(names.length > 0, 'the extension contributes settings');
    for (const name of names) values.push(config.inspect(name.replace(/^bailian\./, '')));
    assert.ok(!JSON.stringify(values).includes(key), 'a setting holds the key');
  });

  test('the user settings, state and the extension log hold no key (where the sandbox makes them reachable)', async () => {
    // Both runners put report.json, user-data and workspace in one sandbox folder.
    const sandbox = process.env.BAILIAN_TEST_REPORT ? dirname(process.env.BAILIAN_TEST_REPORT) : dirname(workspaceRoot().fsPath);
    const userData = join(sandbox, 'user-data');
    if (!process.env.BAILIAN_TEST_REPORT && !existsSync(userData)) {
      console.log(`key scan: not run by the repository's runners and no user-data folder at ${userData}; settings and logs not scanned`);
      return;
    }
    assert.ok(existsSync(userData), `the sandbox's user-data folder (${userData})`);
    const files = await localFiles(join(userData, 'User'));
    // Every log of the session: the extension's own output channel is one of them.
    const logs = await localFiles(join(userData, 'logs'));
    assert.ok(logs.some((f) => /bailian/i.test(f.slice(userData.length))), `the extension's log is reachable (${logs.length} log files)`);
    assert.ok(files.some((f) => f.endsWith('settings.json')), 'the user settings file is there');
    const hits: string[] = [];
    for (const file of [...files, ...logs]) if (holdsKey(await readFile(file), key)) hits.push(file.slice(userData.length + 1));
    assert.deepEqual(hits, [], 'user files or logs holding the key');
  });

  test('jobs and persisted tasks, as the extension reports them, hold no key', async () => {
    const api = await activateExtension();
    const jobs = await api.jobs();
    const tasks = await api.persistedTasks();
    assert.ok(jobs.length >= 5, `the setup's jobs are reported (${jobs.length})`);
    assert.ok(tasks.some((t) => t.taskId === persistedTaskId), 'the persisted task is reported');
    assert.ok(!JSON.stringify({ jobs, tasks }).includes(key));
  });
});
