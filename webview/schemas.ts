// The schema of the host's messages: a bundle of its own (dist/webview/schemas.js, with zod),
// which webview/main.ts imports after its first paint. The page inlines main.js; zod and the
// protocol's schemas are a third of it, and the first paint needs neither (it draws from the
// bootstrap block, which the host wrote).
import './zod-config';

export { HostMessage } from '../src/protocol/messages';
