import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildContentSecurityPolicy, buildStudioHtml, createNonce, NONCE_BYTES } from '../../src/studio/html';

const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';
const options = {
  cspSource,
  scriptUri: `${cspSource}/ext/dist/webview/main.js`,
  styleUri: `${cspSource}/ext/media/studio.css`,
  language: 'zh-cn',
  title: 'Bailian <Studio>',
};

function cspOf(html: string): Map<string, string[]> {
  const content = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
  assert.ok(content, 'the page declares a CSP meta tag');
  return new Map(
    content
      .replace(/&#39;|&quot;/g, "'")
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values] as [string, string[]]),
  );
}

describe('studio html', () => {
  test('nonce has 128 bits from crypto and differs per call', () => {
    const nonces = new Set(Array.from({ length: 64 }, () => createNonce()));
    assert.equal(nonces.size, 64);
    for (const nonce of nonces) {
      assert.equal(Buffer.from(nonce, 'base64').length, NONCE_BYTES);
      assert.ok(NONCE_BYTES >= 16);
    }
  });

  test('CSP denies by default and allows scripts only by nonce', () => {
    const html = buildStudioHtml({ ...options, nonce: 'abc123' });
    const csp = cspOf(html);
    assert.deepEqual(csp.get('default-src'), ["'none'"]);
    assert.deepEqual(csp.get('script-src'), ["'nonce-abc123'"]);
    assert.deepEqual(csp.get('style-src'), [cspSource, "'nonce-abc123'"]);
    assert.deepEqual(csp.get('font-src'), [cspSource]);
    assert.deepEqual(csp.get('img-src'), [cspSource, 'data:', 'blob:']);
    assert.ok(!html.includes('unsafe-inline') && !html.includes('unsafe-eval'));
  });

  test('every script tag carries the nonce and loads the bundle', () => {
    const html = buildStudioHtml(options);
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((match) => match[1]);
    assert.equal(scripts.length, 1);
    const pageNonce = /'nonce-([^']+)'/.exec(html)?.[1];
    assert.ok(pageNonce);
    assert.match(scripts[0], new RegExp(`nonce="${pageNonce.replace(/[+/=]/g, '\\$&')}"`));
    assert.match(scripts[0], /type="module"/);
    assert.match(scripts[0], /src="[^"]+\/dist\/webview\/main\.js"/);
  });

  test('the bootstrap is an inert JSON data block that no string in it can end or escape', () => {
    const bootstrap = { type: 'init', strings: { title: '</script><script>alert(1)</script>', tricky: '<!-- \u2028 \u2029 &amp;' } };
    const html = buildStudioHtml({ ...options, bootstrap });
    const blocks = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(blocks.length, 2, 'the data block and the module script, nothing else');
    const [data, module] = blocks;
    assert.match(data[1], /type="application\/json"/, 'not executable');
    assert.match(data[1], /id="bootstrap"/);
    assert.doesNotMatch(data[2], /</, 'no "<" can close the element or open a comment');
    assert.deepEqual(JSON.parse(data[2]), bootstrap, 'it parses back to the same value');
    assert.match(module[1], /type="module"/);
    // Without a bootstrap there is no data block.
    assert.doesNotMatch(buildStudioHtml(options), /application\/json/);
  });

  test('the policy is one directive list without stray separators', () => {
    assert.equal(
      buildContentSecurityPolicy('vscode-resource:', 'n0nce'),
      "default-src 'none'; style-src vscode-resource: 'nonce-n0nce'; font-src vscode-resource:; img-src vscode-resource: data: blob:; script-src 'nonce-n0nce'",
    );
  });

  test('publishes the nonce for the toolkit runtime (FAST reads meta[property=csp-nonce])', () => {
    const html = buildStudioHtml({ ...options, nonce: 'abc123' });
    assert.match(html, /<meta property="csp-nonce" content="abc123">/);
  });

  test('two renders use different nonces', () => {
    const first = /'nonce-([^']+)'/.exec(buildStudioHtml(options))?.[1];
    const second = /'nonce-([^']+)'/.exec(buildStudioHtml(options))?.[1];
    assert.ok(first && second);
    assert.notEqual(first, second);
  });

  test('text and attributes are escaped', () => {
    const html = buildStudioHtml({ ...options, language: 'en"><script>' });
    assert.ok(html.includes('<title>Bailian &lt;Studio&gt;</title>'));
    assert.ok(!html.includes('"><script>'));
  });

  test('no script source is unsafe (issue 11): every directive that governs scripts, for any nonce and cspSource', () => {
    // Directives a browser consults for scripts; default-src governs them when script-src is absent.
    const scriptDirectives = ['script-src', 'script-src-elem', 'script-src-attr', 'worker-src', 'default-src'];
    const unsafe = [/'unsafe-inline'/, /'unsafe-eval'/, /'wasm-unsafe-eval'/, /'unsafe-hashes'/, /^\*$/, /^https?:$/, /^data:$/, /^blob:$/, /'strict-dynamic'/];
    for (const source of [cspSource, 'vscode-resource:', 'https://*.vscode-cdn.net']) {
      for (const nonce of [undefined, 'AAAAAAAAAAAAAAAAAAAAAA==', createNonce()]) {
        const html = buildStudioHtml({ ...options, cspSource: source, ...(nonce ? { nonce } : {}) });
        const csp = cspOf(html);
        assert.ok(csp.has('script-src'), 'scripts have their own directive');
        for (const name of scriptDirectives) {
          for (const value of csp.get(name) ?? []) {
            for (const pattern of unsafe) assert.doesNotMatch(value, pattern, `${name} allows ${value}`);
            if (name !== 'default-src') assert.match(value, /^'nonce-[A-Za-z0-9+/=]+'$/, `${name}: only the nonce, got ${value}`);
          }
        }
        // Nothing inline that a nonce-only policy would have to allow: no inline script, no event-handler attributes.
        assert.ok(![...html.matchAll(/<script\b([^>]*)>/g)].some((m) => !/\ssrc="/.test(m[1]!)), 'no inline script');
        assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handlers');
        assert.doesNotMatch(html, /javascript:/i);
      }
    }
  });
});
