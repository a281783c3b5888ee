/**
 * Where the key may go and what a path from a setting, a record or an agent tool may name:
 * src/dashscope/endpoints.ts (base URLs), src/pipeline/confine.ts (paths, symbolic links) and
 * the Markdown escaping of confirmation text (src/pipeline/markdown.ts).
 *
 *   node --import tsx --test test/unit/trust-boundaries.test.ts
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { REGION_BASE_URLS } from '../../src/dashscope/catalog';
import { checkBaseUrl, isLoopbackHost } from '../../src/dashscope/endpoints';
import { confinePath, symlinkEscape } from '../../src/pipeline/confine';
import { escapeMarkdown } from '../../src/pipeline/markdown';

describe('base URLs the key may be sent to', () => {
  test('https anywhere; the trailing slash is dropped', () => {
    assert.deepEqual(checkBaseUrl('https://dashscope.aliyuncs.com/api/v1/'), { ok: true, url: 'https://dashscope.aliyuncs.com/api/v1' });
    assert.deepEqual(checkBaseUrl(' https://gateway.example.com/api/v1 '), { ok: true, url: 'https://gateway.example.com/api/v1' });
  });

  test('http only on loopback', () => {
    for (const url of ['http://127.0.0.1:8787/api/v1', 'http://localhost:1/api/v1', 'http://[::1]:8300/api/v1', 'http://127.3.4.5/api/v1', 'http://sim.localhost/api/v1']) {
      assert.equal(checkBaseUrl(url).ok, true, url);
    }
    for (const url of ['http://192.168.1.10/api/v1', 'http://10.0.0.1/api/v1', 'http://example.com/api/v1', 'http://127.0.0.1.evil.com/api/v1', 'http://[::2]/api/v1', 'http://0.0.0.0/api/v1']) {
      const checked = checkBaseUrl(url);
      assert.equal(checked.ok, false, url);
      assert.match(!checked.ok ? checked.reason : '', /unencrypted.*https/, url);
    }
  });

  test('other schemes, non-URLs and credentials in the URL are refused with what to change', () => {
    const cases: [string, RegExp][] = [
      ['ftp://example.com/api/v1', /not an http\(s\) URL/],
      ['dashscope.aliyuncs.com/api/v1', /not a URL/],
      ['', /not a URL/],
      ['https://user:pass@example.com/api/v1', /user name or password/],
    ];
    for (const [url, reason] of cases) {
      const checked = checkBaseUrl(url);
      assert.equal(checked.ok, false, url);
      assert.match(!checked.ok ? checked.reason : '', reason, url);
    }
  });

  test('loopback hosts', () => {
    assert.equal(isLoopbackHost('LOCALHOST'), true);
    assert.equal(isLoopbackHost('127.255.255.255'), true);
    assert.equal(isLoopbackHost('127.256.0.1'), false);
    assert.equal(isLoopbackHost('[::1]'), true);
    assert.equal(isLoopbackHost('localhost.example.com'), false);
  });

  test('the official endpoints are DashScope’s own, over https', () => {
    assert.equal(REGION_BASE_URLS.beijing, 'https://dashscope.aliyuncs.com/api/v1');
    assert.equal(REGION_BASE_URLS.singapore, 'https://dashscope-intl.aliyuncs.com/api/v1');
    assert.match(REGION_BASE_URLS.us, /^https:\/\/[^/]+\.aliyuncs\.com\/api\/v1$/);
    for (const url of Object.values(REGION_BASE_URLS)) assert.ok(checkBaseUrl(url).ok, url);
  });
});

describe('paths confined to a workspace folder', () => {
  const root = '/home/dev/project';

  test('relative paths become segments below the folder', () => {
    assert.deepEqual(confinePath('.bailian/glossary.txt', root), { ok: true, segments: ['.bailian', 'glossary.txt'] });
    assert.deepEqual(confinePath('./a//b\\c.png', root), { ok: true, segments: ['a', 'b', 'c.png'] });
  });

  test('".." is refused anywhere, even where it would come back inside', () => {
    for (const ref of ['../../somewhere/glossary.txt', 'a/../../b', 'a/../b', '..', '..\\..\\win.ini', `${root}/../other/x.png`]) {
      const confined = confinePath(ref, root);
      assert.equal(confined.ok, false, ref);
      assert.match(!confined.ok ? confined.reason : '', /\.\./, ref);
    }
  });

  test('absolute paths: inside the folder they are accepted, elsewhere refused', () => {
    assert.deepEqual(confinePath(`${root}/assets/a.png`, root), { ok: true, segments: ['assets', 'a.png'] });
    for (const ref of ['/etc/passwd', '/home/dev/project-other/a.png', '/home/dev', 'C:\\Windows\\win.ini', 'c:/Windows/win.ini']) {
      const confined = confinePath(ref, root);
      assert.equal(confined.ok, false, ref);
      assert.match(!confined.ok ? confined.reason : '', /outside the workspace folder/, ref);
    }
    assert.equal(confinePath(root, root).ok, false, 'the folder itself names no file');
  });

  test('Windows folders compare without case', () => {
    assert.deepEqual(confinePath('C:\\Users\\dev\\Project\\img\\a.png', '/c:/Users/dev/Project'), { ok: true, segments: ['img', 'a.png'] });
    assert.equal(confinePath('D:\\img\\a.png', '/c:/Users/dev/Project').ok, false);
  });

  test('file: URIs are paths; other schemes are refused', () => {
    assert.deepEqual(confinePath(`file://${root}/assets/a%20b.png`, root), { ok: true, segments: ['assets', 'a b.png'] });
    const outside = confinePath('file:///etc/passwd', root);
    assert.equal(outside.ok, false);
    assert.match(!outside.ok ? outside.reason : '', /outside/);
    const remote = confinePath('file://other-host/share/a.png', root);
    assert.match(!remote.ok ? remote.reason : '', /another machine/);
    for (const ref of ['https://example.com/a.png', 'vscode-remote://ssh/x', 'data:image/png;base64,AAAA']) {
      const confined = confinePath(ref, root);
      assert.equal(confined.ok, false, ref);
      assert.match(!confined.ok ? confined.reason : '', /only workspace paths and file: URIs/, ref);
    }
  });

  test('empty and separator-only paths are refused', () => {
    for (const ref of ['', '   ', '///', './.']) assert.equal(confinePath(ref, root).ok, false, JSON.stringify(ref));
  });
});

describe('symbolic links out of the folder', () => {
  let base: string;
  let workspace: string;
  let outside: string;

  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'bailian-confine-'));
    workspace = join(base, 'workspace');
    outside = join(base, 'outside');
    await mkdir(join(workspace, 'assets'), { recursive: true });
    await mkdir(outside, { recursive: true });
    await writeFile(join(outside, 'secret.txt'), 'not yours');
    await symlink(outside, join(workspace, 'escape'), 'dir');
    await symlink(join(outside, 'secret.txt'), join(workspace, 'glossary.txt'), 'file');
    await symlink(join(workspace, 'assets'), join(workspace, 'alias'), 'dir');
  });
  after(async () => {
    await rm(base, { recursive: true, force: true });
  });

  test('a folder link that leads out is refused, also for files not created yet', async () => {
    assert.match((await symlinkEscape(workspace, join(workspace, 'escape', 'new', 'image.png'))) ?? '', /symbolic link.*outside|leads out/);
    assert.match((await symlinkEscape(workspace, join(workspace, 'escape'))) ?? '', /leads out/);
  });

  test('a file link that leads out is refused', async () => {
    assert.match((await symlinkEscape(workspace, join(workspace, 'glossary.txt'))) ?? '', /leads out/);
  });

  test('links that stay inside, plain files and paths not there yet are fine', async () => {
    assert.equal(await symlinkEscape(workspace, join(workspace, 'alias', 'a.png')), undefined);
    assert.equal(await symlinkEscape(workspace, join(workspace, 'assets', 'new-folder', 'a.png')), undefined);
    assert.equal(await symlinkEscape(workspace, workspace), undefined);
  });

  test('the workspace folder itself reached through a link is still inside', async () => {
    const linkedRoot = join(base, 'linked-workspace');
    await symlink(workspace, linkedRoot, 'dir');
    assert.equal(await symlinkEscape(linkedRoot, join(linkedRoot, 'assets', 'a.png')), undefined);
    assert.match((await symlinkEscape(linkedRoot, join(linkedRoot, 'escape', 'a.png'))) ?? '', /leads out/);
  });

  test('a file: URI through a link passes the path rule and is caught by the link check', async () => {
    const url = pathToFileURL(join(workspace, 'escape', 'x.png')).href;
    const confined = confinePath(url, workspace.split('\\').join('/'));
    assert.ok(confined.ok, 'the path rule alone cannot see the link');
    assert.match((await symlinkEscape(workspace, join(workspace, ...confined.segments))) ?? '', /leads out/);
  });
});

describe('confirmation text shows model and user text literally', () => {
  test('links, images, emphasis, headings and HTML are escaped; line breaks become spaces', () => {
    const text = '![x](https://evil.example/p.png) **bold** [click](command:workbench.action.reloadWindow)\n# heading <img src=x>';
    const escaped = escapeMarkdown(text);
    assert.ok(!escaped.includes('\n'));
    assert.ok(!/(^|[^\\])\[/.test(escaped), 'every [ is escaped');
    assert.ok(!/(^|[^\\])[<>]/.test(escaped), 'every < and > is escaped');
    assert.ok(!/(^|[^\\])\*/.test(escaped), 'every * is escaped');
    assert.ok(!/(^|[^\\]):/.test(escaped), 'no scheme stays intact for autolinks');
    assert.equal(escaped.replace(/\\(.)/g, '$1'), text.replace('\n', ' '), 'unescaped, it is the text itself');
  });

  test('plain words pass unchanged', () => {
    assert.equal(escapeMarkdown('a calm lake at dawn'), 'a calm lake at dawn');
    assert.equal(escapeMarkdown('千问 海报'), '千问 海报');
  });
});
