// The Retouch chunk's entry (dist/webview/retouch.js): the app imports it when the Retouch tab
// first opens (webview/modes/retouch.ts), so the studio's first paint does not carry the mask
// painter and the extension frame. `mount` connects the chunk to the app's session and controls.
import type { ModeForm } from '../modes/context';
import { connect, type RetouchBridge } from './bridge';
import { retouchForm } from './form';

/** Connects the chunk to the app and returns the Retouch mode's form. */
export function mount(app: RetouchBridge): ModeForm {
  connect(app);
  return retouchForm;
}
