// Types of scripts/lib/l10n.mjs for the TypeScript test that imports it (tsconfig has no allowJs).

/** One message found in a source, with its 1-based line. */
export interface FoundMessage {
  message: string;
  line: number;
}

/** A use of l10n.t whose message is not a literal (so no bundle key can be checked for it). */
export interface DynamicUse {
  line: number;
  text: string;
}

/** The messages and unchecked uses of one TypeScript source. */
export function extractMessages(sourceText: string, fileName?: string): { messages: FoundMessage[]; dynamic: DynamicUse[] };

/** Every message under `<root>/src`, mapped to its uses (`src/x.ts:12`), and the unchecked uses. */
export function collectMessages(root: string): { messages: Map<string, string[]>; dynamic: { where: string; text: string }[] };

/** The zh-cn bundle's path, from package.json's `l10n` folder. */
export function zhCnBundlePath(root: string): string;

/** Reads a bundle (message → translation). */
export function readBundle(path: string): Record<string, string>;

/** The bundle's key order. */
export function compareKeys(a: string, b: string): number;

/** Writes a bundle sorted by compareKeys, atomically. */
export function writeBundle(path: string, bundle: Record<string, string>): void;

/** The sorted `{0}` / `{name}` placeholders of a message. */
export function placeholders(text: string): string[];

/** Messages without a bundle entry, and bundle keys no longer used. */
export function compareWithBundle(messages: Map<string, string[]>, bundle: Record<string, string>): { missing: string[]; unused: string[] };
