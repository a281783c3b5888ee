import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands, ConfigKeys, ENV_API_KEY, ViewTypes } from '../../src/constants';
import { EXTENSION_ID, activateExtension, openStudio, webviewTabs, whenTabs, withTimeout } from './workbench';

suite('Bailian Image Studio', () => {
  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('activates and reports a key-free API', async () => {
    const api = await activateExtension();
    assert.equal(typeof api.apiKeySource, 'function');
    assert.equal(typeof api.whenStudioReady, 'function');
  });

  test('runs on the VS Code the runner started, no older than engines.vscode allows', () => {
    // The code-server runner names the version it serves (the oldest supported or the newest).
    const expected = process.env.BAILIAN_EXPECT_VSCODE;
    if (expected) assert.equal(vscode.version, expected);
    const engine = String(vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON.engines.vscode);
    const [minMajor, minMinor] = (/(\d+)\.(\d+)/.exec(engine) ?? []).slice(1).map(Number);
    const [major, minor] = vscode.version.split('.').map(Number);
    assert.ok(major > minMajor || (major === minMajor && minor >= minMinor), `VS Code ${vscode.version} satisfies engines.vscode ${engine}`);
  });

  test('registers every command it contributes', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const command of Object.values(Commands)) {
      assert.ok(registered.has(command), `${command} is registered`);
    }
  });

  test('sees the user settings the runner wrote', () => {
    const section = vscode.workspace.getConfiguration(ConfigKeys.section);
    assert.equal(section.get(ConfigKeys.region), 'custom');
    assert.match(section.get<string>(ConfigKeys.customBaseUrl) ?? '', /^http:\/\/127\.0\.0\.1:\d+/);
    assert.equal(section.get(ConfigKeys.outputFolder), 'generated-images');
  });

  test('Open Studio opens the studio webview, which completes its handshake', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await whenTabs(() => (webviewTabs(ViewTypes.studio).length === 0 ? true : undefined), 10_000, 'no studio to begin with');
    const { tab } = await openStudio();
    assert.ok(tab.input instanceof vscode.TabInputWebview);
  });

  test('Open Studio again reveals the same panel instead of opening a second one', async () => {
    await openStudio();
    await vscode.commands.executeCommand(Commands.openStudio);
    assert.equal(webviewTabs(ViewTypes.studio).length, 1);
  });

  test('a hidden studio shown again loads its page anew, which completes the handshake again', async function () {
    // Now and then VS Code's webview service worker loses the request for the frame the page is
    // written into and answers it only at its 30 s timeout (seen once in CI); past that, the
    // page must still come (the studio's watchdog hands it over again meanwhile).
    this.timeout(150_000);
    const { api, tab } = await openStudio();
    const again = api.whenStudioHandshakesAgain();
    // An editor in the studio's group hides it: without retainContextWhenHidden its page is dropped.
    const document = await vscode.workspace.openTextDocument({ content: 'hides the studio' });
    await vscode.window.showTextDocument(document, { viewColumn: tab.group.viewColumn, preview: false });
    await whenTabs(() => (webviewTabs(ViewTypes.studio)[0]?.isActive === false ? true : undefined), 10_000, 'the studio tab to be hidden');
    await vscode.commands.executeCommand(Commands.openStudio);
    await withTimeout(again, 75_000, 'the handshake of the page shown again');
    await withTimeout(api.whenStudioReady(), 1_000, 'the studio to be ready');
  });

  test('closing the studio disposes the panel', async () => {
    const { api, tab } = await openStudio();
    await vscode.window.tabGroups.close(tab);
    await whenTabs(() => (webviewTabs(ViewTypes.studio).length === 0 ? true : undefined), 10_000, 'the tab to close');
    await assert.rejects(api.whenStudioReady(), /not open/);
  });

  test('Set API Key and Clear API Key round-trip through SecretStorage', async () => {
    const api = await activateExtension();
    const environmentSource = process.env[ENV_API_KEY] ? 'environment' : undefined;
    await vscode.commands.executeCommand(Commands.clearApiKey);
    assert.equal(await api.apiKeySource(), environmentSource);

    const stored = await vscode.commands.executeCommand<boolean>(Commands.setApiKey, 'sk-integration-test-not-a-real-key');
    assert.equal(stored, true);
    assert.equal(await api.apiKeySource(), 'secretStorage');

    await vscode.commands.executeCommand(Commands.clearApiKey);
    assert.equal(await api.apiKeySource(), environmentSource);
  });

  test('the API key never lands in settings', async () => {
    const api = await activateExtension();
    await vscode.commands.executeCommand(Commands.setApiKey, 'sk-integration-test-not-a-real-key');
    try {
      const inspected = JSON.stringify(vscode.workspace.getConfiguration(ConfigKeys.section));
      assert.ok(!inspected.includes('sk-integration-test'), 'settings do not contain the key');
      assert.equal(await api.apiKeySource(), 'secretStorage');
    } finally {
      await vscode.commands.executeCommand(Commands.clearApiKey);
    }
  });
});
