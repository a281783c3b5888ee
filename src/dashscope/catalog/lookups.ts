/** Finding models: by id, wire name or snapshot; per task; per region. */
import { DEFAULT_MODEL_IDS, MODELS } from './models.js';
import { regionUnavailableReason } from './regions.js';
import type { ModelSpec, ModelVersion, RateLimits, Region, Task } from './types.js';

/**
 * Looks a catalog entry up by its id (`wan2.6-image:interleave`), wire model name, or the id of
 * one of its dated snapshots (`qwen-image-2.0-2026-03-03` → the qwen-image-2.0 entry).
 */
export function findModel(idOrModel: string): ModelSpec | undefined {
  return (
    MODELS.find((m) => m.id === idOrModel) ??
    MODELS.find((m) => m.model === idOrModel) ??
    MODELS.find((m) => m.versions?.some((v) => v.model === idOrModel))
  );
}

/** Like {@link findModel} but throws a message that lists the known ids. */
export function getModel(idOrModel: string): ModelSpec {
  const spec = findModel(idOrModel);
  if (!spec) {
    throw new Error(`Unknown model "${idOrModel}". Known models: ${MODELS.map((m) => m.id).join(', ')}.`);
  }
  return spec;
}

/** A snapshot of `spec` by its full id (`qwen-image-2.0-2026-03-03`) or its date (`2026-03-03`). */
export function findVersion(spec: Pick<ModelSpec, 'versions'>, idOrDate: string): ModelVersion | undefined {
  const v = idOrDate.trim();
  return spec.versions?.find((s) => s.model === v || s.date === v);
}

/** What a model reference resolves to: the catalog entry, and the exact `model` sent on the wire. */
export interface ResolvedModel {
  spec: ModelSpec;
  /** The wire id: the family alias, or the pinned snapshot. */
  wireModel: string;
  /** The pinned snapshot, when there is one. */
  version?: ModelVersion;
}

/**
 * Resolves a model reference (catalog id, wire name or snapshot id) and an optional `version`
 * (snapshot id or date) to its entry and wire id. Returns undefined for an unknown model or a
 * version the family does not have, or when `idOrModel` names a snapshot and `version` another.
 */
export function resolveModel(idOrModel: string, version?: string): ResolvedModel | undefined {
  const spec = findModel(idOrModel);
  if (!spec) return undefined;
  const named = findVersion(spec, idOrModel);
  if (version === undefined || version.trim() === '') {
    return named ? { spec, wireModel: named.model, version: named } : { spec, wireModel: spec.model };
  }
  const pinned = findVersion(spec, version);
  if (!pinned || (named && named.model !== pinned.model)) return undefined;
  return { spec, wireModel: pinned.model, version: pinned };
}

/**
 * Models for one task: the task's default ({@link DEFAULT_MODEL_IDS}) first, then the others in
 * {@link MODELS} order (newest first). Models with several `tasks` appear under each of them.
 */
export function modelsForTask(task: Task): ModelSpec[] {
  const all = MODELS.filter((m) => m.tasks.includes(task));
  const def = all.find((m) => m.id === DEFAULT_MODEL_IDS[task]);
  return def ? [def, ...all.filter((m) => m !== def)] : all;
}

/** Whether `spec` does `task` (any of its `tasks`). */
export function modelDoes(spec: Pick<ModelSpec, 'tasks'>, task: Task): boolean {
  return spec.tasks.includes(task);
}

/** For one region: the models it serves (MODELS order) and, for the others, why they are missing. */
export interface RegionAvailability {
  region: Region;
  served: ModelSpec[];
  missing: { spec: ModelSpec; reason: string }[];
}

/** Lists, for `region`, the models it serves and why the others are missing (pickers say why). */
export function regionAvailability(region: Region): RegionAvailability {
  const served: ModelSpec[] = [];
  const missing: { spec: ModelSpec; reason: string }[] = [];
  for (const spec of MODELS) {
    const reason = regionUnavailableReason(spec, region);
    if (reason) missing.push({ spec, reason });
    else served.push(spec);
  }
  return { region, served, missing };
}

/** The shortest spacing between two submits that keeps within `limits` (per-minute limits spread evenly). */
export function minSubmitIntervalMs(limits: Pick<RateLimits, 'requestsPerSecond'>): number {
  return Math.ceil(1000 / limits.requestsPerSecond);
}
