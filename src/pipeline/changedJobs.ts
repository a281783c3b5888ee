/**
 * `regenerate --all-changed`: which jobs of the history manifest no longer match their preset.
 *
 * A job made from a preset records the preset's name and the values of its blanks. The newest
 * job of each asset (same preset, same blanks, same input images) is compared with what the
 * preset gives TODAY for those blanks: model, prompt, negative prompt and every parameter the
 * preset sets. Where one differs, the asset is out of date and is listed with what changed. A
 * regenerated asset's new line then matches, so a CI step that runs this is idempotent.
 *
 * A translation also depends on the glossary FILE it used (a preset's `glossary`, or
 * `bailian.glossaryFile` / `--glossary` without a preset): its line records the file's path and a
 * digest of its terms (pipeline/glossary.ts), and a file whose terms differ now makes the job
 * changed, with or without a preset. A file that is not there any more, or does not parse, is
 * reported with its path and the job skipped. A line written before glossaries were recorded
 * cannot tell: when its preset names a glossary file, the job is listed as unknown and re-run only
 * when the preset or prompt changed too. Other jobs without a preset have nothing to compare with
 * and are never selected.
 *
 * Pure (no `vscode`, no Node built-ins): the CLI reads the manifest and the presets file.
 */
import { estimateCost, findModel, resolveModel, type CostEstimate, type GenerationRequest, type Region } from '../dashscope/index.js';
import { glossaryRecord, type GlossaryRecord, type GlossaryTerm } from './glossary.js';
import type { HistoryEntry } from './history.js';
import { usePreset, withGlossaryTerms, type Preset } from './presets/index.js';
import { provenanceParameters } from './provenance.js';
import { requestOfParameters } from './reproduce.js';

/** The preset part of a history line (`preset: { name, blanks }`). */
export interface EntryPreset {
  readonly name: string;
  readonly blanks?: Readonly<Record<string, string>> | undefined;
}

/** A history line that may name its preset. */
export type PresetHistoryEntry = HistoryEntry & { readonly preset?: EntryPreset | undefined };

/** A job whose preset (or glossary file) changed since its files were made. */
export interface ChangedJob {
  /** The newest line of the asset. */
  readonly entry: PresetHistoryEntry;
  /** The preset as it is now; none for a translation that changed only by its glossary file. */
  readonly preset?: Preset | undefined;
  /** What the preset gives now (no input images; the seed is the recorded one unless the preset pins one), with the glossary's terms now. */
  readonly request: GenerationRequest;
  /** What differs, for the listing: `prompt`, `size 1024*1024 → 1328*1328`, `glossary .bailian/glossary.txt changed` … */
  readonly changes: string[];
  /** The glossary file the new run reads, to record with it. */
  readonly glossary?: GlossaryRecord | undefined;
  /** A Variations job: one request of one image a seed. */
  readonly seeds?: readonly number[] | undefined;
}

/** A glossary file as it is now: its terms, or why there are none. */
export type GlossaryNow = { readonly state: 'terms'; readonly terms: readonly GlossaryTerm[] } | { readonly state: 'missing' } | { readonly state: 'unreadable'; readonly reason: string };

/** What {@link selectChangedJobs} reads besides the history and the presets. */
export interface ChangedJobsOptions {
  /** The glossary file at a workspace path (as {@link glossaryPathOf} writes it) as it is now; the caller reads it. */
  readonly glossary?: ((path: string) => GlossaryNow) | undefined;
}

/** A job that cannot be checked or re-run, and why. */
export interface SkippedJob {
  readonly entry: PresetHistoryEntry;
  readonly reason: string;
}

/** What {@link selectChangedJobs} found. */
export interface ChangedJobs {
  readonly changed: ChangedJob[];
  readonly skipped: SkippedJob[];
  /** Jobs that may be out of date but cannot tell (a line that did not record its glossary file); left alone. */
  readonly unknown: SkippedJob[];
  /** Assets whose newest job matches its preset. */
  readonly unchanged: number;
}

/** Outcomes whose job left files behind: the assets there are to keep in step. */
const KEPT = new Set<HistoryEntry['outcome']>(['succeeded', 'partial']);

/** One asset: the same preset, blanks, inputs and kind. Its newest line is the one compared. */
function assetKey(entry: PresetHistoryEntry, preset: EntryPreset): string {
  const blanks = Object.entries(preset.blanks ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([preset.name, blanks, entry.kind, entry.inputs]);
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function shown(value: unknown): string {
  return value === undefined ? '(none)' : typeof value === 'string' ? value : JSON.stringify(value);
}

/** Whether the request's model (and pinned snapshot) is what the line recorded: same entry, same wire id. */
function sameModel(request: GenerationRequest, entry: HistoryEntry): boolean {
  const now = resolveModel(request.model, request.version);
  const recordedWire = typeof entry.parameters.model_version === 'string' ? entry.parameters.model_version : findModel(entry.model)?.model;
  return now !== undefined && now.spec.id === findModel(entry.model)?.id && now.wireModel === recordedWire;
}

/** What differs between the preset's request today and the recorded line. */
export function presetChanges(request: GenerationRequest, entry: HistoryEntry, seedPinned: boolean, termsFromFile = false): string[] {
  const changes: string[] = [];
  if (!sameModel(request, entry)) changes.push(`model ${entry.model} → ${request.version ?? request.model}`);
  if (!request.translation && (request.prompt ?? '') !== (entry.prompt ?? '')) changes.push('prompt');
  if ((request.negativePrompt ?? '') !== (entry.negativePrompt ?? '')) changes.push('negative prompt');
  const now = provenanceParameters(request);
  const recorded: Record<string, unknown> = { ...entry.parameters, ...(entry.size !== undefined ? { size: entry.size } : {}), ...(entry.n !== undefined ? { n: entry.n } : {}), ...(entry.seed !== undefined ? { seed: entry.seed } : {}) };
  // A Variations line sent its requests one image each (`n` there is their count).
  if (entry.seeds?.length && recorded.n !== undefined) recorded.n = 1;
  for (const [key, value] of Object.entries(now)) {
    // A random seed is not the preset's; only a seed the preset pins is compared.
    if (key === 'seed' && !seedPinned) continue;
    // Terms from a glossary file are compared by the file's digest (checkGlossary).
    if (key === 'terminologies' && termsFromFile) continue;
    if (!same(value, recorded[key])) changes.push(`${key} ${shown(recorded[key])} → ${shown(value)}`);
  }
  return changes;
}

/** A workspace path as lines and presets write it (`./a\\b` → `a/b`), so a record and a preset compare. */
export function glossaryPathOf(path: string): string {
  return path.replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/{2,}/g, '/');
}

/** What the glossary file of a job says now, against what its line recorded. */
interface GlossaryCheck {
  readonly changes: string[];
  /** The job cannot be checked or re-run (the file is gone or does not parse). */
  readonly skip?: string;
  /** The line did not record its glossary: whether it changed is unknown. */
  readonly unknown?: string;
  /** The file's terms now and their record, for the new run. */
  readonly terms?: readonly GlossaryTerm[];
  readonly record?: GlossaryRecord;
}

function readGlossaryNow(path: string, options: ChangedJobsOptions): { terms: readonly GlossaryTerm[] } | { skip: string } {
  const now = options.glossary?.(path) ?? { state: 'unreadable' as const, reason: 'it was not read' };
  if (now.state === 'missing') return { skip: `its glossary file ${path} is not there any more (restore it, or change the glossary the job uses)` };
  if (now.state === 'unreadable') return { skip: `its glossary file ${path} cannot be used: ${now.reason}` };
  return { terms: now.terms };
}

/** How the file a job's terms came from compares with what its line recorded. */
function checkGlossary(file: string | undefined, entry: HistoryEntry, options: ChangedJobsOptions): GlossaryCheck {
  const recorded = entry.glossary;
  if (file === undefined) return recorded ? { changes: [`glossary ${recorded.path} → (none)`] } : { changes: [] };
  const path = glossaryPathOf(file);
  const now = readGlossaryNow(path, options);
  if ('skip' in now) return { changes: [], skip: now.skip };
  const record = glossaryRecord(path, now.terms);
  const fresh = { terms: now.terms, record };
  if (!recorded) return { changes: [], unknown: `the job did not record its glossary file (its line was written before glossaries were recorded), so whether ${path} changed since is unknown; it is left as it is unless its preset or prompt changed`, ...fresh };
  if (glossaryPathOf(recorded.path) !== path) return { changes: [`glossary ${recorded.path} → ${path}`], ...fresh };
  if (recorded.digest !== record.digest) return { changes: [`glossary ${path} changed (${recorded.terms} → ${record.terms} terms)`], ...fresh };
  return { changes: [], ...fresh };
}

/** The recorded terms without the ones that came from the glossary file (the request's last). */
function ownTerms(request: GenerationRequest, recorded: GlossaryRecord): GenerationRequest {
  const t = request.translation;
  if (!t?.terminologies) return request;
  const own = t.terminologies.slice(0, Math.max(0, t.terminologies.length - recorded.terms));
  const { terminologies: _file, ...rest } = t;
  return { ...request, translation: { ...rest, ...(own.length ? { terminologies: own } : {}) } };
}

/** A translation without a preset: one asset per input, target language and glossary file. */
function translationKey(entry: HistoryEntry): string {
  return JSON.stringify(['translate', entry.inputs, entry.parameters.target_lang, entry.glossary?.path]);
}

/**
 * The assets of `entries` (oldest first, as the manifest holds them) whose preset in `presets`
 * now gives another request than the one recorded, or whose glossary file's terms changed; other
 * lines without a preset are left alone.
 */
export function selectChangedJobs(entries: readonly PresetHistoryEntry[], presets: readonly Preset[], options: ChangedJobsOptions = {}): ChangedJobs {
  const newest = new Map<string, PresetHistoryEntry>();
  const translations = new Map<string, PresetHistoryEntry>();
  for (const entry of entries) {
    if (!KEPT.has(entry.outcome)) continue;
    if (entry.preset) newest.set(assetKey(entry, entry.preset), entry);
    else if (entry.kind === 'translate' && entry.glossary) translations.set(translationKey(entry), entry);
  }
  const changed: ChangedJob[] = [];
  const skipped: SkippedJob[] = [];
  const unknown: SkippedJob[] = [];
  let unchanged = 0;
  const seedsOf = (entry: HistoryEntry): { seeds?: readonly number[] } => (entry.seeds?.length ? { seeds: entry.seeds } : {});
  for (const entry of newest.values()) {
    const named = entry.preset!;
    const preset = presets.find((p) => p.name === named.name);
    if (!preset) {
      skipped.push({ entry, reason: `the preset "${named.name}" is not in the presets file any more` });
      continue;
    }
    if (entry.kind === 'guide') {
      skipped.push({ entry, reason: `it is an illustrated guide; run it again with \`interleave --preset "${named.name}"\`` });
      continue;
    }
    let request: GenerationRequest;
    try {
      request = { ...usePreset(preset, named.blanks ?? {}, { blankLabel: (b) => `{${b}}` }).request };
    } catch (error) {
      skipped.push({ entry, reason: `the preset "${named.name}" changed its blanks: ${error instanceof Error ? error.message.replace(/^.*?: preset "[^"]*", \w+: /, '') : String(error)}` });
      continue;
    }
    const glossary = checkGlossary(preset.mode === 'translate' && typeof preset.glossary === 'string' ? preset.glossary : undefined, entry, options);
    if (glossary.skip) {
      skipped.push({ entry, reason: glossary.skip });
      continue;
    }
    const seedPinned = preset.seed !== undefined;
    // The glossary file's terms are compared by digest, not term by term.
    const changes = [...presetChanges(request, entry, seedPinned, glossary.record !== undefined), ...glossary.changes];
    if (!changes.length) {
      if (glossary.unknown) unknown.push({ entry, reason: glossary.unknown });
      else unchanged++;
      continue;
    }
    if (glossary.terms) request = withGlossaryTerms(request, glossary.terms);
    // The same seed as the asset had, so what changes is only what the preset changed.
    if (!seedPinned && entry.seed !== undefined) request.seed = entry.seed;
    changed.push({ entry, preset, request, changes, ...(glossary.record ? { glossary: glossary.record } : {}), ...seedsOf(entry) });
  }
  for (const entry of translations.values()) {
    const recorded = entry.glossary!;
    const glossary = checkGlossary(recorded.path, entry, options);
    if (glossary.skip) {
      skipped.push({ entry, reason: glossary.skip });
      continue;
    }
    if (!glossary.changes.length) {
      unchanged++;
      continue;
    }
    const request = withGlossaryTerms(ownTerms(requestOfParameters(entry.model, entry.prompt, entry.negativePrompt, entry.parameters), recorded), glossary.terms ?? []);
    changed.push({ entry, request, changes: glossary.changes, ...(glossary.record ? { glossary: glossary.record } : {}) });
  }
  return { changed, skipped, unknown, unchanged };
}

/** The list-price estimate of re-running a changed job (its images, one a seed for Variations; interleave and sets as an upper bound). */
export function changedJobCost(job: ChangedJob, region: Region): CostEstimate {
  const r = job.request;
  // Variations: one image a seed.
  const n = job.seeds?.length ?? r.n;
  return estimateCost({ model: r.model, ...(r.version ? { version: r.version } : {}), ...(n !== undefined ? { n } : {}), ...(r.maxImages !== undefined ? { maxImages: r.maxImages } : {}), ...(r.promptExtend !== undefined ? { promptExtend: r.promptExtend } : {}), ...(r.enableSequential !== undefined ? { enableSequential: r.enableSequential } : {}) }, region);
}
