// The studio's host ⇄ webview message contract. Both sides import this module (the webview
// bundle included), so it must not import `vscode` or Node built-ins. Every inbound message is
// `safeParse`d by its receiver; senders build messages that `satisfies` the inferred types.
//
// Handshake: the webview posts `ready` once its script runs (and again after a reload); the
// host answers with one `init` that carries all state the webview needs, so the webview never
// renders from guesses.
import { z } from 'zod';

/** Localized UI strings, computed by the host with `vscode.l10n.t` and sent in `init`. */
export const StudioStrings = z.object({
  title: z.string(),
  promptLabel: z.string(),
  promptPlaceholder: z.string(),
  modelLabel: z.string(),
  generate: z.string(),
  noApiKey: z.string(),
  notAvailableYet: z.string(),
});
export type StudioStrings = z.infer<typeof StudioStrings>;

/** A model the studio offers in its picker. */
export const ModelOption = z.object({ id: z.string().min(1), label: z.string().min(1) });
export type ModelOption = z.infer<typeof ModelOption>;

/** Messages from the webview to the extension host. */
export const WebviewMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({
    type: z.literal('generate'),
    prompt: z.string().trim().min(1).max(4000),
    model: z.string().min(1),
  }),
]);
export type WebviewMessage = z.infer<typeof WebviewMessage>;

/** Messages from the extension host to the webview. */
export const HostMessage = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('init'),
    strings: StudioStrings,
    models: z.array(ModelOption).min(1),
    /** Whether an API key is configured. The key itself never crosses into the webview. */
    hasApiKey: z.boolean(),
  }),
  z.object({
    type: z.literal('notice'),
    level: z.enum(['info', 'warning', 'error']),
    text: z.string(),
  }),
]);
export type HostMessage = z.infer<typeof HostMessage>;

/** The webview's persisted state (vscode.setState), restored when the panel is revived. */
export const StudioViewState = z.object({
  prompt: z.string().default(''),
  model: z.string().optional(),
});
export type StudioViewState = z.infer<typeof StudioViewState>;
