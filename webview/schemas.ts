// The schema of the host's messages, built when the page first needs it: webview/main.ts imports
// this module dynamically, after its first paint, because building the protocol's zod schemas
// takes a few milliseconds that the first paint need not wait for.
export { HostMessage } from '../src/studio/protocol';
