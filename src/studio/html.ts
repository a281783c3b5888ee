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
  /** The esbuild webview bundle (dist/webview/main.js). */
  readonly scriptUri: string;
  /** The studio stylesheet (media/studio.css). */
  readonly styleUri: string;
  /** BCP 47 language of the UI (`vscode.env.language`). */
  readonly language: string;
  /** Document title; the visible title comes later with the `init` message. */
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

/** The studio page: a static shell; webview/main.ts renders the UI once `init` arrives. */
export function buildStudioHtml(options: StudioHtmlOptions): string {
  const nonce = options.nonce ?? createNonce();
  const csp = buildContentSecurityPolicy(options.cspSource, nonce);
  return `<!DOCTYPE html>
<html lang="${escapeAttribute(options.language)}">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
  <meta property="csp-nonce" content="${escapeAttribute(nonce)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <link rel="stylesheet" href="${escapeAttribute(options.styleUri)}">
  <title>${escapeText(options.title)}</title>
</head>
<body>
  <main id="app" aria-busy="true"></main>
${options.bootstrap === undefined ? '' : `  <script type="application/json" id="bootstrap">${jsonForScript(options.bootstrap)}</script>\n`}  <script type="module" nonce="${escapeAttribute(nonce)}" src="${escapeAttribute(options.scriptUri)}"></script>
</body>
</html>`;
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
