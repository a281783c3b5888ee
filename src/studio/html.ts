// The studio webview's HTML and Content Security Policy. Kept free of `vscode` imports so
// plain Node unit tests can check the policy (test/unit/studio-html.test.ts).
import { randomBytes } from 'node:crypto';

/** Bytes of entropy in each script nonce (128 bits). */
export const NONCE_BYTES = 16;

/** A fresh CSP nonce from the OS CSPRNG, base64 encoded; never reuse one across page loads. */
export function createNonce(): string {
  return randomBytes(NONCE_BYTES).toString('base64');
}

/**
 * The studio's CSP: nothing by default; styles, fonts and images only from the webview's own
 * resource origin (plus data:/blob: images for previews); scripts only with this page's nonce.
 *
 * style-src also takes the nonce, for one `<style>` element: the toolkit's FAST runtime probes
 * `:focus-visible` support by appending a style element, stamped with the nonce it reads from
 * `<meta property="csp-nonce">`. Without it every studio load logs a CSP violation from
 * dist/webview/main.js. No 'unsafe-inline': style attributes stay blocked.
 */
export function buildContentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data: blob:`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

/** Inputs of {@link buildStudioHtml}; URIs are already webview URIs (`asWebviewUri`). */
export interface StudioHtmlOptions {
  /** `webview.cspSource`. */
  readonly cspSource: string;
  /** The app bundle's text (dist/webview/main.js), inlined: the first paint needs no fetch. */
  readonly script: string;
  /** The stylesheet's text (dist/webview/studio.css, bundled from media/studio.css), inlined for the same reason. */
  readonly style: string;
  /** The toolkit's components (dist/webview/toolkit.js), loaded once the page has loaded. */
  readonly toolkitUri: string;
  /** The host messages' schemas with zod (dist/webview/schemas.js), which the app imports after its first paint. */
  readonly schemasUri: string;
  /** The Retouch mode (dist/webview/retouch.js), which the app imports when its tab first opens. */
  readonly retouchUri?: string;
  /** Presets and Compare (dist/webview/team.js), which the app imports after its first paint. */
  readonly teamUri?: string;
  /** BCP 47 language of the UI (`vscode.env.language`). */
  readonly language: string;
  /** Document title; the visible title comes with the bootstrap or `init`. */
  readonly title: string;
  /** Defaults to a fresh {@link createNonce}. */
  readonly nonce?: string;
  /**
   * The static part of the `init` message (strings, models, languages), inlined as a JSON data
   * block so the form renders as soon as the script runs, before the `ready`/`init` round trip
   * through the extension host completes. Not executable: CSP does not apply to data blocks.
   */
  readonly bootstrap?: unknown;
}

/**
 * The studio page. VS Code shows a webview's frame at its load event (or 200 ms after writing it,
 * if sooner), and a fetched script or stylesheet holds that event back by a round trip through
 * its resource service worker and the bundle's compile. So the app and its styles are inline
 * (under the nonce; nothing in them can end their element), it draws the form with plain
 * controls, and a small script loads the toolkit's components after the load event; the app then
 * draws again with them (webview/components/index.ts). The app imports the host messages'
 * schemas (with zod) after its first paint, from the URL on `#app` (webview/schemas.ts).
 */
export function buildStudioHtml(options: StudioHtmlOptions): string {
  const nonce = options.nonce ?? createNonce();
  const csp = buildContentSecurityPolicy(options.cspSource, nonce);
  const n = escapeAttribute(nonce);
  const loadToolkit = `addEventListener('load', () => { const s = document.createElement('script'); s.type = 'module'; s.nonce = ${jsonForScript(nonce)}; s.src = ${jsonForScript(options.toolkitUri)}; document.head.append(s); }, { once: true });`;
  return `<!DOCTYPE html>
<html lang="${escapeAttribute(options.language)}">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
  <meta property="csp-nonce" content="${n}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <style nonce="${n}">${inlineText(options.style, 'style')}</style>
  <title>${escapeText(options.title)}</title>
</head>
<body>
  <main id="app" aria-busy="true" data-schemas="${escapeAttribute(options.schemasUri)}"${options.retouchUri ? ` data-retouch="${escapeAttribute(options.retouchUri)}"` : ''}${options.teamUri ? ` data-team="${escapeAttribute(options.teamUri)}"` : ''}></main>
${options.bootstrap === undefined ? '' : `  <script type="application/json" id="bootstrap">${jsonForScript(options.bootstrap)}</script>\n`}  <script type="module" nonce="${n}">${inlineText(options.script, 'script')}</script>
  <script nonce="${n}">${loadToolkit}</script>
</body>
</html>`;
}

/**
 * Code or CSS to inline in a `<script>` or `<style>` element: a `</script` or `</style` in it
 * (esbuild escapes them in the bundle; a comment could still hold one) is written `<\/…`, which
 * means the same inside a JS string or regular expression and cannot end the element.
 */
export function inlineText(text: string, element: 'script' | 'style'): string {
  return text.replace(new RegExp(`</(${element})`, 'gi'), '<\\/$1');
}

/** JSON that cannot end its `<script>` element or open a comment there: every `<` is escaped. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeAttribute(value: string): string {
  return escapeText(value).replace(/"/g, '&quot;');
}
