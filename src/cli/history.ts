/**
 * `history`: lists the workspace's history manifest (`.bailian/history.jsonl`, the one the
 * extension and the CLI append to), found at or above --out or the current folder, newest first,
 * filtered by model, kind, outcome, date or text. `regenerate` reads the same manifest to re-run
 * an entry by id.
 */
import { join, resolve } from 'node:path';
import { HISTORY_PATH, HistoryLog, type HistoryEntry } from '../pipeline/history.js';
import { nodeFileSystem } from '../pipeline/nodeFs.js';
import { findHistoryRoot } from './historyRoot.js';
import type { ProcessOptions } from '../dashscope/requests/index.js';
import { operationSuffix } from '../pipeline/operationNames.js';
import { bool, integer, str, type Values } from './args.js';
import { EXIT, PROGRAM, UsageError, type Io } from './context.js';

export { findHistoryRoot };

/** The manifest found from --out (or the cwd) upward, read; throws a UsageError when there is none. */
export async function readWorkspaceHistory(values: Values, io: Io, command: string): Promise<{ root: string; entries: HistoryEntry[]; badLines: number[] }> {
  const start = resolve(io.cwd, str(values, 'out') ?? '.');
  const root = await findHistoryRoot(start);
  if (!root) throw new UsageError(`No history found: there is no ${HISTORY_PATH} in ${start} or any folder above it.`, command, false);
  const { entries, badLines } = await new HistoryLog(nodeFileSystem(root)).read();
  if (badLines.length) io.err(`warning: skipped ${badLines.length} line${badLines.length === 1 ? '' : 's'} of ${join(root, HISTORY_PATH)} that do not parse (line ${badLines.slice(0, 5).join(', ')}${badLines.length > 5 ? ', …' : ''})`);
  return { root, entries, badLines };
}

/** The entry with this id, or the only one whose id starts with it. */
export function findEntry(entries: readonly HistoryEntry[], id: string): HistoryEntry | undefined {
  const exact = entries.find((e) => e.id === id);
  if (exact) return exact;
  const matches = entries.filter((e) => e.id.startsWith(id));
  if (matches.length > 1) throw new UsageError(`"${id}" matches ${matches.length} history entries (${matches.slice(0, 3).map((e) => e.id).join(', ')}…); give more of the id.`, undefined, false);
  return matches[0];
}

function sinceOf(values: Values): number | undefined {
  const raw = str(values, 'since');
  if (raw === undefined) return undefined;
  const relative = /^(\d+)\s*([hd])$/i.exec(raw.trim());
  if (relative) return Date.now() - Number(relative[1]) * (relative[2]!.toLowerCase() === 'h' ? 3_600_000 : 86_400_000);
  const t = Date.parse(raw);
  if (!Number.isFinite(t)) throw new UsageError(`--since takes a date (2026-05-01), a time (2026-05-01T10:00) or an age (12h, 7d); got "${raw}".`, 'history');
  return t;
}

/** Entries that match every given filter, newest first. */
export function filterHistory(entries: readonly HistoryEntry[], values: Values): HistoryEntry[] {
  const model = str(values, 'model');
  const kind = str(values, 'kind');
  const outcome = str(values, 'outcome');
  const text = str(values, 'grep')?.toLowerCase();
  const since = sinceOf(values);
  const limit = integer(values, 'limit');
  if (limit !== undefined && limit < 1) throw new UsageError('--limit must be at least 1.', 'history');
  const out = entries
    .filter((e) => (model === undefined || e.model === model) && (kind === undefined || e.kind === kind) && (outcome === undefined || e.outcome === outcome))
    .filter((e) => since === undefined || Date.parse(e.started) >= since)
    .filter((e) => text === undefined || [e.prompt, e.negativePrompt, e.id, e.taskId, ...e.outputs.map((o) => o.path), ...e.inputs].some((s) => s?.toLowerCase().includes(text)))
    .reverse();
  return limit === undefined ? out : out.slice(0, limit);
}

function oneLine(text: string | undefined, max: number): string {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return [...flat].length > max ? `${[...flat].slice(0, max - 1).join('')}…` : flat;
}

/**
 * The text column: the prompt, or the inputs. A processing job leads with its operation as its
 * result names show it (`[x2] photo.png`, `[16x9] banner.png`, `[edit] remove the sign`).
 */
export function describeEntry(e: HistoryEntry): string {
  const text = e.prompt ?? e.inputs[0] ?? '';
  if (e.kind !== 'process') return e.prompt ?? e.inputs.join(' ');
  const process = e.parameters.process;
  const operation = operationSuffix({ model: e.model, process: process && typeof process === 'object' ? (process as ProcessOptions) : undefined });
  return operation ? `[${operation}] ${text}` : text;
}

/** Runs `history`. */
export async function runHistory(values: Values, positionals: string[], io: Io): Promise<number> {
  if (positionals.length) throw new UsageError(`history takes no arguments; filter with --model, --kind, --outcome, --since, --grep.`, 'history');
  const { root, entries } = await readWorkspaceHistory(values, io, 'history');
  const shown = filterHistory(entries, values);
  if (bool(values, 'json')) {
    io.out(JSON.stringify({ root, manifest: join(root, HISTORY_PATH), total: entries.length, entries: shown }));
    return EXIT.ok;
  }
  if (shown.length === 0) {
    io.err(`no entries${entries.length ? ` match (of ${entries.length})` : ''} in ${join(root, HISTORY_PATH)}`);
    return EXIT.ok;
  }
  for (const e of shown) {
    const outputs = e.document ? e.document : e.outputs.length ? `${e.outputs[0]!.path}${e.outputs.length > 1 ? ` (+${e.outputs.length - 1})` : ''}` : '-';
    io.out([e.id, e.started.replace(/\.\d+Z$/, 'Z'), e.kind, e.model, e.outcome, outputs, oneLine(describeEntry(e), 60)].join('\t'));
  }
  if (!bool(values, 'quiet')) io.err(`${shown.length} of ${entries.length} entries; re-run one with \`${PROGRAM} regenerate <id>\``);
  return EXIT.ok;
}
