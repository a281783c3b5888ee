/**
 * `regenerate --all-changed`: which jobs of the history manifest no longer match their preset.
 *
 * A job made from a preset records the preset's name and the values of its blanks. The newest
 * job of each asset (same preset, same blanks, same input images) is compared with what the
 * preset gives TODAY for those blanks: model, prompt, negative prompt and every parameter the
 * preset sets. Where one differs, the asset is out of date and is listed with what changed. A
 * regenerated asset's new line then matches, so a CI step that runs this is idempotent. Jobs
 * without a preset have nothing to compare with and are never selected.
 *
 * Pure (no `vscode`, no Node built-ins): the CLI reads the manifest and the presets file.
 */
import { estimateCost, findModel, resolveModel, type CostEstimate, type GenerationRequest, type Region } from '../dashscope/index.js';
import type { HistoryEntry } from './history.js';
import { usePreset, type Preset } from './presets/index.js';
import { provenanceParameters } from './provenance.js';

/** The preset part of a history line (`preset: { name, blanks }`). */
export interface EntryPreset {
  readonly name: string;
  readonly blanks?: Readonly<Record<string, string>> | undefined;
}

/** A history line that may name its preset. */
export type PresetHistoryEntry = HistoryEntry & { readonly preset?: EntryPreset | undefined };

/** A job whose preset changed since its files were made. */
export interface ChangedJob {
  /** The newest line of the asset. */
  readonly entry: PresetHistoryEntry;
  readonly preset: Preset;
  /** What the preset gives now (no input images; the seed is the recorded one unless the preset pins one). */
  readonly request: GenerationRequest;
  /** What differs, for the listing: `prompt`, `size 1024*1024 → 1328*1328` … */
  readonly changes: string[];
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
export function presetChanges(request: GenerationRequest, entry: HistoryEntry, seedPinned: boolean): string[] {
  const changes: string[] = [];
  if (!sameModel(request, entry)) changes.push(`model ${entry.model} → ${request.version ?? request.model}`);
  if (!request.translation && (request.prompt ?? '') !== (entry.prompt ?? '')) changes.push('prompt');
  if ((request.negativePrompt ?? '') !== (entry.negativePrompt ?? '')) changes.push('negative prompt');
  const now = provenanceParameters(request);
  const recorded: Record<string, unknown> = { ...entry.parameters, ...(entry.size !== undefined ? { size: entry.size } : {}), ...(entry.n !== undefined ? { n: entry.n } : {}), ...(entry.seed !== undefined ? { seed: entry.seed } : {}) };
  for (const [key, value] of Object.entries(now)) {
    // A random seed is not the preset's; only a seed the preset pins is compared.
    if (key === 'seed' && !seedPinned) continue;
    if (!same(value, recorded[key])) changes.push(`${key} ${shown(recorded[key])} → ${shown(value)}`);
  }
  return changes;
}

/**
 * The assets of `entries` (oldest first, as the manifest holds them) whose preset in `presets`
 * now gives another request than the one recorded; lines without a preset are left alone.
 */
export function selectChangedJobs(entries: readonly PresetHistoryEntry[], presets: readonly Preset[]): ChangedJobs {
  const newest = new Map<string, PresetHistoryEntry>();
  for (const entry of entries) {
    if (!entry.preset || !KEPT.has(entry.outcome)) continue;
    newest.set(assetKey(entry, entry.preset), entry);
  }
  const changed: ChangedJob[] = [];
  const skipped: SkippedJob[] = [];
  let unchanged = 0;
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
    const seedPinned = preset.seed !== undefined;
    const changes = presetChanges(request, entry, seedPinned);
    if (!changes.length) {
      unchanged++;
      continue;
    }
    // The same seed as the asset had, so what changes is only what the preset changed.
    if (!seedPinned && entry.seed !== undefined) request.seed = entry.seed;
    changed.push({ entry, preset, request, changes });
  }
  return { changed, skipped, unchanged };
}

/** The list-price estimate of re-running a changed job (its images; interleave and sets as an upper bound). */
export function changedJobCost(job: ChangedJob, region: Region): CostEstimate {
  const r = job.request;
  return estimateCost({ model: r.model, ...(r.version ? { version: r.version } : {}), ...(r.n !== undefined ? { n: r.n } : {}), ...(r.maxImages !== undefined ? { maxImages: r.maxImages } : {}), ...(r.promptExtend !== undefined ? { promptExtend: r.promptExtend } : {}), ...(r.enableSequential !== undefined ? { enableSequential: r.enableSequential } : {}) }, region);
}
