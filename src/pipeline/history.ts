/**
 * The history manifest: one JSON line per job in `.bailian/history.jsonl` at the root of the
 * workspace folder (format in docs/architecture.md). The extension and the CLI (when its output
 * folder lies inside a workspace that has a manifest) append to the same file, so any asset can
 * be traced back to the job that made it and regenerated.
 *
 * A line never holds the API key: it is built from explicit fields, and every string goes
 * through the provenance key scrubber as a last line of defence. Lines that do not parse (hand
 * edits, a newer format) are skipped and reported, never fatal.
 */
import * as z from 'zod';
import { estimateCost, type Region } from '../dashscope/index.js';
import type { GuideOutcome } from './guide.js';
import type { GlossaryRecord } from './glossary.js';
import { provenanceParameters, scrubSecrets, type RequestLike } from './provenance.js';

/** Where the manifest lives, relative to the workspace folder. */
export const HISTORY_PATH = '.bailian/history.jsonl';

/** What kind of job a line records. */
export const HistoryKind = z.enum(['generate', 'edit', 'translate', 'guide', 'process']);
/** Where the job was started from. */
export const HistorySource = z.enum(['palette', 'explorer', 'studio', 'agent', 'batch', 'cli']);
/** How the job ended. */
export const HistoryOutcome = z.enum(['succeeded', 'partial', 'failed', 'cancelled', 'stopped', 'expired']);

/** One saved output of a job. */
export const HistoryOutput = z.object({
  /** Workspace-relative path, `/`-separated. */
  path: z.string(),
  seed: z.number().int().optional(),
  width: z.number().int().optional(),
  height: z.number().int().optional(),
});

/** The preset a job came from, and the values of its blanks (so a regenerate can fill them again). */
export const HistoryPreset = z.object({ name: z.string().min(1), blanks: z.record(z.string(), z.string()).optional() });

/** The glossary file a translation used: its path, a digest of its terms, how many terms it gave (pipeline/glossary.ts). */
export const HistoryGlossary = z.object({ path: z.string().min(1), digest: z.string().min(1), terms: z.number().int().nonnegative() });

/** One line of the manifest. */
export const HistoryEntrySchema = z.object({
  version: z.literal(1),
  /** Unique id of the job. */
  id: z.string().min(1),
  kind: HistoryKind,
  source: HistorySource,
  /** Catalog id. */
  model: z.string().min(1),
  prompt: z.string().optional(),
  negativePrompt: z.string().optional(),
  /** The preset the job was made from. */
  preset: HistoryPreset.optional(),
  seed: z.number().int().optional(),
  size: z.string().optional(),
  n: z.number().int().optional(),
  /**
   * A job sent as one request of one image a seed (Variations): each request's seed, in order, so
   * the job can be made again image by image. `n` is then their count and `seed` is absent.
   */
  seeds: z.array(z.number().int()).optional(),
  /** Request parameters as sent (snake_case, see provenanceParameters). */
  parameters: z.record(z.string(), z.unknown()).default({}),
  /** The glossary file whose terms end `parameters.terminologies` (a translation). */
  glossary: HistoryGlossary.optional(),
  /** Input images as workspace paths (or URLs), in request order. */
  inputs: z.array(z.string()).default([]),
  outputs: z.array(HistoryOutput).default([]),
  /** The guide's Markdown document, workspace-relative. */
  document: z.string().optional(),
  requestId: z.string().optional(),
  taskId: z.string().optional(),
  /** ISO 8601. */
  started: z.string(),
  finished: z.string(),
  durationMs: z.number().nonnegative(),
  outcome: HistoryOutcome,
  error: z.object({ code: z.string().optional(), message: z.string(), requestId: z.string().optional() }).optional(),
  /** Images the service produced (billed), when known. */
  produced: z.number().int().nonnegative().optional(),
  /** Estimated spend from list prices, when known. */
  estimatedCost: z.object({ amount: z.number().nonnegative(), currency: z.string() }).optional(),
});
/** One line of the manifest. */
export type HistoryEntry = z.infer<typeof HistoryEntrySchema>;
/** What a caller provides (defaults filled in by the schema). */
export type HistoryEntryInput = z.input<typeof HistoryEntrySchema>;

function scrub(value: unknown): unknown {
  if (typeof value === 'string') return scrubSecrets(value);
  if (Array.isArray(value)) return value.map(scrub);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (/api.?key|authorization|secret|token/i.test(k)) continue;
      out[k] = scrub(v);
    }
    return out;
  }
  return value;
}

/** The JSON line for an entry (validated, key-scrubbed, newline-terminated). */
export function historyLine(entry: HistoryEntryInput): string {
  const parsed = HistoryEntrySchema.parse(scrub(entry));
  return `${JSON.stringify(parsed)}\n`;
}

/** One manifest line as an entry; undefined when it does not parse. */
export function parseHistoryLine(text: string): HistoryEntry | undefined {
  try {
    const parsed = HistoryEntrySchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The entries of a manifest's text, newest last, and the 1-based numbers of lines that did not parse. */
export function parseHistory(text: string): { entries: HistoryEntry[]; badLines: number[] } {
  const entries: HistoryEntry[] = [];
  const badLines: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const entry = parseHistoryLine(line);
    if (entry) entries.push(entry);
    else badLines.push(i + 1);
  });
  return { entries, badLines };
}

/** A short unique job id (time + random), sortable by start. */
export function newJobId(now: Date = new Date(), random: () => number = Math.random): string {
  return `${now.getTime().toString(36)}-${Math.floor(random() * 36 ** 6).toString(36).padStart(6, '0')}`;
}

/** What {@link historyEntry} builds a line from. */
export interface HistoryFacts {
  id?: string;
  kind: HistoryEntry['kind'];
  source: HistoryEntry['source'];
  model: string;
  request: RequestLike & { prompt?: string | undefined; negativePrompt?: string | undefined };
  /** The preset the job was made from. */
  preset?: { name: string; blanks?: Readonly<Record<string, string>> | undefined } | undefined;
  /** The seed of each one-image request of the job (Variations). */
  seeds?: readonly number[] | undefined;
  /** The glossary file the translation's last terms came from. */
  glossary?: GlossaryRecord | undefined;
  inputs?: readonly string[];
  outputs?: readonly { path: string; seed?: number | undefined; width?: number | undefined; height?: number | undefined }[];
  document?: string | undefined;
  started: Date;
  finished: Date;
  outcome: HistoryEntry['outcome'];
  requestId?: string | undefined;
  taskId?: string | undefined;
  error?: unknown;
  produced?: number | undefined;
  estimatedCost?: { amount: number; currency: string } | undefined;
}

/** The error part of a line: code, message and request id of whatever failed. */
export function historyError(error: unknown): HistoryEntry['error'] {
  if (error === undefined) return undefined;
  const e = error as { code?: unknown; message?: unknown; requestId?: unknown };
  return {
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
    message: typeof e?.message === 'string' ? e.message : String(error),
    ...(typeof e?.requestId === 'string' ? { requestId: e.requestId } : {}),
  };
}

/** One history line from what a job did; the same for the CLI and the extension. */
export function historyEntry(facts: HistoryFacts): HistoryEntryInput {
  const r = facts.request;
  const error = historyError(facts.error);
  return {
    version: 1,
    id: facts.id ?? newJobId(facts.started),
    kind: facts.kind,
    source: facts.source,
    model: facts.model,
    ...(r.prompt ? { prompt: r.prompt } : {}),
    ...(r.negativePrompt ? { negativePrompt: r.negativePrompt } : {}),
    ...(facts.preset ? { preset: { name: facts.preset.name, ...(facts.preset.blanks && Object.keys(facts.preset.blanks).length ? { blanks: { ...facts.preset.blanks } } : {}) } } : {}),
    ...(r.seed !== undefined ? { seed: r.seed } : {}),
    ...(r.size !== undefined ? { size: r.size } : {}),
    ...(r.n !== undefined ? { n: r.n } : {}),
    ...(facts.seeds?.length ? { seeds: [...facts.seeds] } : {}),
    parameters: provenanceParameters(r),
    ...(facts.glossary ? { glossary: { path: facts.glossary.path, digest: facts.glossary.digest, terms: facts.glossary.terms } } : {}),
    inputs: [...(facts.inputs ?? [])],
    outputs: (facts.outputs ?? []).map((o) => ({ path: o.path, ...(o.seed !== undefined ? { seed: o.seed } : {}), ...(o.width ? { width: o.width } : {}), ...(o.height ? { height: o.height } : {}) })),
    ...(facts.document ? { document: facts.document } : {}),
    ...(facts.requestId ? { requestId: facts.requestId } : {}),
    ...(facts.taskId ? { taskId: facts.taskId } : {}),
    started: facts.started.toISOString(),
    finished: facts.finished.toISOString(),
    durationMs: Math.max(0, facts.finished.getTime() - facts.started.getTime()),
    outcome: facts.outcome,
    ...(error ? { error } : {}),
    ...(facts.produced !== undefined ? { produced: facts.produced } : {}),
    ...(facts.estimatedCost ? { estimatedCost: facts.estimatedCost } : {}),
  };
}

/** What every line of one job shares: who ran what, on which inputs, since when. */
export interface JobContextFacts {
  /** The job's id, when it was chosen up front (names with `${jobId}`); else one is made. */
  id?: string | undefined;
  kind: HistoryEntry['kind'];
  source: HistoryEntry['source'];
  /** Catalog id (the result's, once there is one). */
  model: string;
  request: HistoryFacts['request'];
  /** The preset the job was made from. */
  preset?: HistoryFacts['preset'];
  /** The seed of each one-image request of the job (Variations). */
  seeds?: HistoryFacts['seeds'];
  /** The glossary file the translation's last terms came from. */
  glossary?: HistoryFacts['glossary'];
  inputs: readonly string[];
  started: Date;
  /** A task id known from the submit (the result may not carry it). */
  taskId?: string | undefined;
  /** Whose list prices estimate the spend; none, no estimate. */
  region?: Region | undefined;
}

/** The estimated spend of `produced` images from list prices, when the price is known (never a made-up 0). */
function spendOf(model: string, request: HistoryFacts['request'] & { version?: string | undefined }, produced: number | undefined, region: Region | undefined): HistoryFacts['estimatedCost'] {
  if (!region || produced === undefined) return undefined;
  const estimate = estimateCost({ model, ...(request.version ? { version: request.version } : {}), ...(request.promptExtend !== undefined ? { promptExtend: request.promptExtend } : {}), producedImages: produced }, region);
  return estimate.unknown || estimate.amount === undefined ? undefined : { amount: estimate.amount, currency: estimate.currency };
}

/** A saved image as the pipeline reports it; `path` says how its file is recorded. */
interface KeptImage<F> {
  readonly file: F;
  readonly seed?: number | undefined;
  readonly width: number;
  readonly height: number;
}

/** The line of a job that kept images: succeeded, or partial when some failed upstream or were lost. */
export function keptFacts<F>(
  context: JobContextFacts,
  kept: { model: string; request?: HistoryFacts['request']; images: readonly KeptImage<F>[]; failures: readonly unknown[]; lost: readonly unknown[]; requestId?: string | undefined; taskId?: string | undefined; produced?: number | undefined },
  path: (file: F) => string,
): HistoryFacts {
  const { region: _region, ...shared } = context;
  return {
    ...shared,
    model: kept.model,
    request: kept.request ?? context.request,
    outputs: kept.images.map((i) => ({ path: path(i.file), seed: i.seed, width: i.width, height: i.height })),
    finished: new Date(),
    outcome: kept.failures.length || kept.lost.length ? 'partial' : 'succeeded',
    requestId: kept.requestId,
    taskId: kept.taskId ?? context.taskId,
    produced: kept.produced,
    estimatedCost: spendOf(kept.model, kept.request ?? context.request, kept.produced, context.region),
  };
}

/** The line of a job that ended without images: failed, or cancelled (then no error is recorded). */
export function failedFacts(context: JobContextFacts, error: unknown, cancelled: boolean): HistoryFacts {
  const ids = error as { requestId?: unknown; taskId?: unknown } | undefined;
  const { region: _region, ...shared } = context;
  return {
    ...shared,
    finished: new Date(),
    outcome: cancelled ? 'cancelled' : 'failed',
    requestId: typeof ids?.requestId === 'string' ? ids.requestId : undefined,
    taskId: (typeof ids?.taskId === 'string' ? ids.taskId : undefined) ?? context.taskId,
    error: cancelled ? undefined : error,
  };
}

/** The line of a guide, whatever way it ended. */
export function guideFacts<F>(
  context: Omit<JobContextFacts, 'kind'>,
  result: { model: string; request: HistoryFacts['request']; images: readonly KeptImage<F>[]; lost: readonly unknown[]; outcome: GuideOutcome; requestId?: string | undefined; error?: unknown },
  path: (file: F) => string,
  document: string | undefined,
): HistoryFacts {
  const { region: _region, ...shared } = context;
  return {
    ...shared,
    kind: 'guide',
    model: result.model,
    request: result.request,
    outputs: result.images.map((i) => ({ path: path(i.file), seed: i.seed, width: i.width, height: i.height })),
    document,
    finished: new Date(),
    outcome: result.outcome,
    requestId: result.requestId,
    error: result.error,
    produced: result.images.length + result.lost.length,
    estimatedCost: spendOf(result.model, result.request, result.images.length + result.lost.length, context.region),
  };
}
