/**
 * How long a model's tasks take, as the poll schedule sees it: the catalog's typical duration as
 * a prior, plus the durations this account's tasks actually took. The service's durations move
 * with load and time of day, so a fixed spread around the catalog figure misses tasks that end
 * much earlier or later than it; the learned ones widen (or narrow) the window the schedule polls
 * densely.
 *
 * What is kept is a bounded list of recent durations per model id and nothing else: no key, no
 * prompt, no task id. The extension keeps it in global state, the CLI in the user's cache folder;
 * both go through {@link LearnedDurations}, which refuses anything that is not a model id mapped to
 * durations, so a tampered or corrupt store reads as (partly) empty, never as an error.
 */

/**
 * Spread of task durations around the typical one when nothing was learned: log-normal with this
 * σ (a task takes typical × e^(σ·z), z standard normal). 0.4 puts 80 % of tasks between 0.6× and
 * 1.7× typical.
 */
export const DURATION_SIGMA = 0.4;
/** Recent durations kept per model: enough for the tails of the window, few enough to follow a change of load. */
export const MAX_SAMPLES_PER_MODEL = 32;
/** The catalog's figure counts as this many learned durations, so a few odd tasks do not swing the window. */
const PRIOR_WEIGHT = 4;
/**
 * Each learned duration stands for durations near it (log-normal kernel): the end of a task is
 * only known to within a poll gap, and the next task of that load will not end at the same ms.
 */
const KERNEL_SIGMA = 0.2;
/** The dense window runs between these probabilities of the duration model: with no history, z = −1.5 to 2.33 of the prior. */
const WINDOW_LOW_P = 0.0668;
const WINDOW_HIGH_P = 0.9901;
/** Longer than any task lives (24 h): such a figure is not a duration. */
const MAX_DURATION_MS = 24 * 3600_000;
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;

/** Where the schedule reads and records durations. Implementations persist it (globalState, a cache file). */
export interface DurationStore {
  /** Learned durations of `model` in real-service ms, oldest first (empty when none). */
  samples(model: string): readonly number[];
  /** Notes one task's duration (submit to end, real-service ms). Never throws. */
  record(model: string, durationMs: number): void;
}

/** The persisted form: model id → recent durations in ms. */
export interface DurationSnapshot {
  version: 1;
  models: Record<string, number[]>;
}

function validDuration(ms: unknown): ms is number {
  return typeof ms === 'number' && Number.isFinite(ms) && ms > 0 && ms <= MAX_DURATION_MS;
}

/**
 * Reads a persisted snapshot, keeping only what it may hold: model ids mapped to valid durations,
 * at most {@link MAX_SAMPLES_PER_MODEL} each (the newest). Anything else reads as absent.
 */
export function parseDurationSnapshot(raw: unknown): DurationSnapshot {
  const out: DurationSnapshot = { version: 1, models: {} };
  if (typeof raw !== 'object' || raw === null) return out;
  const models = (raw as { models?: unknown }).models;
  if (typeof models !== 'object' || models === null || Array.isArray(models)) return out;
  for (const [id, list] of Object.entries(models as Record<string, unknown>)) {
    if (!MODEL_ID.test(id) || !Array.isArray(list)) continue;
    const kept = list.filter(validDuration).map((ms) => Math.round(ms)).slice(-MAX_SAMPLES_PER_MODEL);
    if (kept.length > 0) out.models[id] = kept;
  }
  return out;
}

/** An in-memory {@link DurationStore}; `onChange` gets the whole snapshot after every record, to persist it. */
export class LearnedDurations implements DurationStore {
  private readonly models = new Map<string, number[]>();

  constructor(
    initial?: unknown,
    private readonly onChange?: (snapshot: DurationSnapshot) => void,
  ) {
    for (const [id, list] of Object.entries(parseDurationSnapshot(initial).models)) this.models.set(id, list);
  }

  samples(model: string): readonly number[] {
    return this.models.get(model) ?? [];
  }

  record(model: string, durationMs: number): void {
    if (!MODEL_ID.test(model) || !validDuration(durationMs)) return;
    const list = [...(this.models.get(model) ?? []), Math.round(durationMs)].slice(-MAX_SAMPLES_PER_MODEL);
    this.models.set(model, list);
    try {
      this.onChange?.(this.snapshot());
    } catch {
      // Persisting is best effort: a lost sample only costs the schedule a little precision.
    }
  }

  snapshot(): DurationSnapshot {
    const models: Record<string, number[]> = {};
    for (const [id, list] of this.models) models[id] = [...list];
    return { version: 1, models };
  }
}

/** Where the schedule polls densely and the duration model's median, in ms since submit. */
export interface DurationWindow {
  startMs: number;
  endMs: number;
  medianMs: number;
}

/**
 * The dense window of the duration model: a mixture of the prior (log-normal, σ
 * {@link DURATION_SIGMA}, median `typicalMs`, weight {@link PRIOR_WEIGHT}) and one narrow
 * log-normal around each learned duration. With no history it is the prior's 6.7th to 99th
 * percentile; history of early or late tasks stretches it to cover them, a steady model narrows it.
 */
export function durationWindow(typicalMs: number, learnedMs: readonly number[] = []): DurationWindow {
  const parts = [{ mu: Math.log(typicalMs), sigma: DURATION_SIGMA, w: PRIOR_WEIGHT }, ...learnedMs.filter(validDuration).map((ms) => ({ mu: Math.log(ms), sigma: KERNEL_SIGMA, w: 1 }))];
  const total = parts.reduce((a, p) => a + p.w, 0);
  const cdf = (x: number) => parts.reduce((a, p) => a + p.w * normalCdf((x - p.mu) / p.sigma), 0) / total;
  const lo = Math.min(...parts.map((p) => p.mu - 6 * p.sigma));
  const hi = Math.max(...parts.map((p) => p.mu + 6 * p.sigma));
  const quantile = (q: number) => {
    let a = lo;
    let b = hi;
    for (let i = 0; i < 48; i++) {
      const m = (a + b) / 2;
      if (cdf(m) < q) a = m;
      else b = m;
    }
    return Math.exp((a + b) / 2);
  };
  return { startMs: quantile(WINDOW_LOW_P), endMs: quantile(WINDOW_HIGH_P), medianMs: quantile(0.5) };
}

/** Φ(z), the standard normal CDF (Abramowitz–Stegun 7.1.26 for erf, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/**
 * What a wait for `model` needs from a store, in the wait's own time (`scale` ≠ 1 against a
 * time-scaled simulator; the store holds real-service ms): the learned durations and where to
 * record the one it observes.
 */
export function learnedSchedule(store: DurationStore | undefined, model: string, scale: number): { learnedDurationsMs?: number[]; onDuration?: (ms: number) => void } {
  if (!store) return {};
  let learned: number[] = [];
  try {
    learned = store.samples(model).map((ms) => ms * scale);
  } catch {
    // An unreadable store means no history: the catalog's figure still gives a schedule.
  }
  return {
    learnedDurationsMs: learned,
    onDuration: (ms) => {
      try {
        store.record(model, ms / scale);
      } catch {
        // Never let the record of a duration fail the wait for a paid image.
      }
    },
  };
}

/**
 * The poll schedule's duration scale from its environment variable's value (a simulator with
 * scaled timing): a positive number other than 1, else `undefined` (real time). The CLI and the
 * extension both read it through this.
 */
export function durationScaleFrom(value: string | undefined): number | undefined {
  const scale = Number(value ?? '1');
  return Number.isFinite(scale) && scale > 0 && scale !== 1 ? scale : undefined;
}
