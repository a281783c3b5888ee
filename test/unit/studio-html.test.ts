import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildContentSecurityPolicy, buildStudioHtml, createNonce, inlineText, NONCE_BYTES } from '../../src/studio/html';

const cspSource = 'https://file+.vscode-resource.vscode-cdn.net';
const options = {
  cspSource,
  // A bundle whose comment and string would end a naive <script> element.
  script: "/* a comment that says </script> */ const tag = '</SCRIPT><img src=x>'; console.log(tag);",
  style: 'body { color: red; } /* </STYLE><b>not markup</b> */',
  toolkitUri: `${cspSource}/ext/dist/webview/toolkit.js`,
  schemasUri: `${cspSource}/ext/dist/webview/schemas.js?a="b"`,
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

  test('every script and style element carries the nonce: the app and its styles inline, the toolkit loaded after the load event', () => {
    const html = buildStudioHtml({ ...options, nonce: 'abc123' });
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 2, 'the app and the toolkit loader (no bootstrap here)');
    for (const [, attributes] of scripts) assert.match(attributes!, /nonce="abc123"/);
    const [app, loader] = scripts as [RegExpMatchArray, RegExpMatchArray];
    assert.match(app[1]!, /type="module"/);
    assert.doesNotMatch(app[1]!, /src=/, 'inline: nothing to fetch before the first paint');
    assert.equal(app[2], inlineText(options.script, 'script'));
    // The loader adds the toolkit only once the page has loaded, with the nonce, as a module.
    assert.match(loader[2]!, /^addEventListener\('load', \(\) => \{ .*s\.type = 'module'; s\.nonce = "abc123"; s\.src = "https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\/toolkit\.js"; document\.head\.append\(s\); \}, \{ once: true \}\);$/);
    const styles = [...html.matchAll(/<style\b([^>]*)>([\s\S]*?)<\/style>/g)];
    assert.equal(styles.length, 1);
    assert.match(styles[0]![1]!, /nonce="abc123"/);
    assert.doesNotMatch(html, /<link\b/, 'no stylesheet to fetch either');
  });

  test('inlined code and styles cannot end their element, and mean the same', () => {
    assert.equal(inlineText('a</script>b</SCRIPT >c', 'script'), 'a<\\/script>b<\\/SCRIPT >c');
    assert.equal(inlineText('x</style>', 'style'), 'x<\\/style>');
    // In a JS string, "<\/script" is "</script": the bundle runs as built.
    assert.equal(Function(`return ${JSON.stringify('</script>').replace('</', '<\\/')}`)(), '</script>');
    const html = buildStudioHtml(options);
    assert.equal((html.match(/<\/script>/gi) ?? []).length, 2, 'only the two real end tags');
    assert.equal((html.match(/<\/style>/gi) ?? []).length, 1, 'only the real end tag');
  });

  test('the bootstrap is an inert JSON data block that no string in it can end or escape', () => {
    const bootstrap = { type: 'init', strings: { title: '</script><script>alert(1)</script>', tricky: '<!-- \u2028 \u2029 &amp;' } };
    const html = buildStudioHtml({ ...options, bootstrap });
    const blocks = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(blocks.length, 3, 'the data block, the app and the toolkit loader, nothing else');
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

  test('the app finds the URL of its message schemas (loaded after the first paint) on #app, escaped', () => {
    const html = buildStudioHtml(options);
    assert.match(html, /<main id="app" aria-busy="true" data-schemas="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/webview\/schemas\.js\?a=&quot;b&quot;"><\/main>/);
  });

  test('no script source is unsafe: every directive that governs scripts, for any nonce and cspSource', () => {
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
        // Nothing inline that a nonce-only policy would have to allow: every script is a data block or carries the nonce; no event-handler attributes.
        const pageNonce = /'nonce-([^']+)'/.exec(html)?.[1] ?? '';
        for (const [, attributes] of html.matchAll(/<script\b([^>]*)>/g)) {
          assert.ok(/type="application\/json"/.test(attributes!) || attributes!.includes(`nonce="${pageNonce}"`), `a script without the nonce: ${attributes}`);
        }
        assert.doesNotMatch(html, /\son[a-z]+\s*=/i, 'no inline event handlers');
        assert.doesNotMatch(html, /javascript:/i);
      }
    }
  });
});
