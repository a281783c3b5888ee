// The connection to the extension host: the messages the page posts, the `ready`/`init` handshake
// (src/protocol/messages.ts) with the bootstrap block the page carries, and every host message
// checked against the schemas bundle (webview/schemas.ts) before the app sees it.
import type { HostMessage, InitMessage, WebviewMessage } from '../src/protocol/messages';
import { usesToolkit } from './components';
import { app, showNotice } from './layout';
import { init, s, setInit } from './session';
import { vscode } from './vscode-api';

/** The latest a page drawn from its bootstrap asks for `init` (see sayReady). */
const READY_AFTER_MS = 100;

export function post(message: WebviewMessage): void {
  vscode.postMessage(message);
}

type Schemas = typeof import('./schemas');
/**
 * The schema of the host's messages, from its own bundle (webview/schemas.ts, whose URL the page
 * carries), loaded on first use, which comes after the first paint. Without it no message from
 * the host can be read: the page says so.
 */
let schemas: Promise<Schemas> | undefined;
function hostSchemas(): Promise<Schemas> {
  const url = app.dataset.schemas;
  schemas ??= (url ? (import(url) as Promise<Schemas>) : Promise.reject(new Error('the page names no schemas.js'))).catch((error: unknown) => {
    console.error('Bailian studio: could not load its message schemas', error);
    // Without a bootstrap there are no strings yet: English then.
    showNotice(init ? s('pageIncomplete') : 'Part of Bailian Studio did not load. Reload the window (Developer: Reload Window).', 'error');
    throw error;
  });
  return schemas;
}

/** Whether the form drawn from the bootstrap block stands; false when its full check failed (then `init` draws it anew). */
export let bootstrapStands = true;
/** When this page posted `ready` (the `init` that answers it lists the jobs the host knew then). */
export let readyPostedAt: number | undefined;

/**
 * Draws the page with `render` from its bootstrap block (the static part of `init`, see
 * src/studio/html.ts) before the handshake completes; the real `init` then adds the jobs, the
 * glossary and the key state. The block is part of the page the host wrote, so the first paint
 * checks only its outline; the full check runs after that paint ({@link checkBootstrap}). A block
 * that does not parse or draw is ignored: `init` still comes. Returns the block when it was drawn.
 */
export function drawBootstrap(render: () => void): unknown {
  const text = document.getElementById('bootstrap')?.textContent;
  if (!text) return undefined;
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!looksLikeInit(data)) return undefined;
  setInit(data);
  try {
    render();
  } catch (error) {
    console.warn('Bailian studio: could not draw from the bootstrap block', error);
    setInit(undefined);
    app.replaceChildren();
    app.setAttribute('aria-busy', 'true');
    return undefined;
  }
  performance.mark('bailian:rendered', { detail: { toolkit: usesToolkit() } });
  // VS Code shows the frame at its load event (or 200 ms after writing the page, if sooner).
  window.addEventListener('load', () => performance.mark('bailian:load'), { once: true });
  requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('bailian:painted')));
  return data;
}

/** The outline of an `init` message: what drawing the form reads first. */
function looksLikeInit(data: unknown): data is InitMessage {
  if (typeof data !== 'object' || data === null) return false;
  const value = data as Partial<Record<keyof InitMessage, unknown>>;
  return value.type === 'init' && typeof value.strings === 'object' && value.strings !== null && Array.isArray(value.models) && value.models.length > 0 && typeof value.languages === 'object' && value.languages !== null;
}

/**
 * The full check of a drawn bootstrap block, as for every host message; a block that fails it
 * leaves the form to `init`. Called before `ready` is posted, so it runs before any message is
 * handled (each waits on the same promise).
 */
function checkBootstrap(data: unknown): void {
  hostSchemas().then(({ HostMessage }) => {
    const parsed = HostMessage.safeParse(data);
    if (parsed.success && parsed.data.type === 'init') return;
    bootstrapStands = false;
    console.warn('Bailian studio: the bootstrap block is not a valid init message; waiting for init', parsed.success ? parsed.data.type : parsed.error.message);
  }, () => undefined);
}

/** Hands every valid host message to `handle`, in the order they came: each waits for the same promise of the schemas. */
export function onHostMessages(handle: (message: HostMessage) => void): void {
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    hostSchemas().then(({ HostMessage }) => {
      const parsed = HostMessage.safeParse(event.data);
      if (!parsed.success) {
        console.warn('Bailian studio: ignored an invalid host message', parsed.error.message);
        return;
      }
      handle(parsed.data);
    }, () => undefined);
  });
}

/**
 * Asks for `init`. A page drawn from its bootstrap does so after its first paint, and checks that
 * block in full then: in code-server the webview shares the workbench's main thread, and the
 * host's answer (the key's state from SecretStorage, the glossary through workspace.fs, then
 * `init` itself) is work there that would otherwise come before that paint. A page without a
 * bootstrap asks at once. The timer covers a window in the background, where animation frames
 * do not run.
 */
export function sayReady(drawn: unknown): void {
  let said = false;
  const say = (): void => {
    if (said) return;
    said = true;
    // The check runs before any message is handled: the messages wait for the same schemas.
    if (drawn !== undefined) checkBootstrap(drawn);
    else hostSchemas().catch(() => undefined);
    readyPostedAt = Date.now();
    post({ type: 'ready' });
  };
  if (drawn === undefined) return say();
  requestAnimationFrame(() => setTimeout(say, 0));
  setTimeout(say, READY_AFTER_MS);
}
