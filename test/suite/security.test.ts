// Security in the editor: what the studio does with paths a webview message names.
// Every message is first parsed against the studio protocol (src/protocol/messages.ts, unit-tested in
// test/unit/security.test.ts); the paths in it are then resolved by resolveInsideWorkspace
// (src/host/workspaceFs.ts), which must refuse anything outside the workspace folders. The panel's
// message handler itself is private (src/studio/panel.ts): nothing here can post a message
// through it, so these tests cover the two functions it relies on.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { resolveInsideWorkspace, safeRelativeSegments } from '../../src/host/workspaceFs';
import { WebviewMessage } from '../../src/protocol/messages';
import { workspaceRoot } from './workbench';

suite('Security: webview paths stay inside the workspace', () => {
  const outside: [string, number, string][] = [
    ['a parent folder', 0, '../outside.png'],
    ['a parent folder, Windows separators', 0, '..\\..\\outside.png'],
    ['a parent folder in the middle', 0, 'images/../../outside.png'],
    ['only dots', 0, '..'],
    ['a Windows drive', 0, 'C:\\Windows\\win.ini'],
    ['a Windows drive, forward slashes', 0, 'c:/Windows/win.ini'],
    ['an empty path', 0, ''],
    ['a path of separators', 0, '///'],
    ['a folder that does not exist', 7, 'images/cat.png'],
    ['a negative folder', -1, 'images/cat.png'],
  ];
  for (const [what, folderIndex, path] of outside) {
    test(`refuses ${what} (${JSON.stringify(path)})`, () => {
      assert.equal(resolveInsideWorkspace(folderIndex, path), undefined);
    });
  }

  test('a path inside resolves to a file inside the folder, whatever its form', () => {
    const root = workspaceRoot();
    for (const path of ['images/cat.png', './images/cat.png', 'images\\cat.png', '/images/cat.png', 'images//cat.png']) {
      const uri = resolveInsideWorkspace(0, path);
      assert.ok(uri, path);
      assert.equal(uri.toString(), vscode.Uri.joinPath(root, 'images', 'cat.png').toString(), path);
    }
  });

  test('the segments of a relative path: never "..", never a drive', () => {
    assert.deepEqual(safeRelativeSegments('a/./b//c.png'), ['a', 'b', 'c.png']);
    assert.equal(safeRelativeSegments('a/../b'), undefined);
    assert.equal(safeRelativeSegments('D:'), undefined);
  });

  test('a well-formed message naming an outside path passes the schema, and is then refused by the resolver', () => {
    const message = { type: 'file', action: 'open', location: { folderIndex: 0, path: '../../etc/passwd' } };
    const parsed = WebviewMessage.safeParse(message);
    assert.ok(parsed.success, 'the shape is fine');
    assert.ok(parsed.data.type === 'file');
    assert.equal(resolveInsideWorkspace(parsed.data.location.folderIndex, parsed.data.location.path), undefined);
  });

  test('unknown types and bad shapes do not parse', () => {
    for (const message of [{ type: 'deleteFile', path: '/' }, { type: 'file', action: 'open' }, { type: 'run', jobId: 'a/b', params: { mode: 'generate', model: 'x' } }, 42]) {
      assert.equal(WebviewMessage.safeParse(message).success, false, JSON.stringify(message));
    }
  });
});
