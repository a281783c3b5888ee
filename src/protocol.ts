// The studio's host ⇄ webview protocol lives in src/studio/protocol.ts; this module keeps the
// older import path (src/host/errors.ts takes ErrorSummary from here).
export * from './studio/protocol';
