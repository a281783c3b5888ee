// The client's catalog (src/dashscope/catalog/, MODELS) and the simulator's own model table
// (test/sim/models.ts, SIM_MODELS) are written separately from the reference, so that a wrong
// entry is not agreed on by both sides. This test lines them up model by model and fact by fact
// and fails on every disagreement, naming both values and the reference section the simulator's
// entry cites, so the entry that is wrong can be fixed where it is wrong. A model present on one
// side only fails too.
//
// The client side is read loosely (as plain data) so that the catalog's types can evolve (a new
// size kind, a per-minute rate) without this test failing to compile.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { MODELS, findModel, findVersion } from '../../src/dashscope/catalog';
import { SIM_MODELS, requestsPerSecond, type FactName, type SimModel } from '../sim/models';

type Data = Record<string, unknown>;
type Value = string | number | boolean | null | undefined | readonly (string | number)[];

/** One comparable fact: a dotted name under one of the reference's fact groups. */
interface Fact {
  group: FactName;
  name: string;
  value: Value;
}

const obj = (v: unknown): Data | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Data) : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const sorted = (v: unknown): readonly string[] | undefined => (Array.isArray(v) ? [...v].map(String).sort() : undefined);
/** Aspect bounds and per-second rates compared to 4 decimals (1/4 vs 0.25, 2 per 60 s vs 0.0333). */
const round4 = (v: number | undefined): number | undefined => (v === undefined ? undefined : Math.round(v * 10_000) / 10_000);
/** `null`, `Infinity` and absence of a concurrency cap all mean "unlimited". */
const cap = (v: unknown): number | 'unlimited' => (typeof v === 'number' && Number.isFinite(v) ? v : 'unlimited');
const variant = (v: unknown): string => {
  const a = obj(v);
  return a ? `${String(a.endpoint)} / ${String(a.input)} / ${String(a.response)}` : 'none';
};

/** Size facts from a rule of either side (`list`, `pixels`, `sides`, `none`). */
function sizeFacts(rule: Data | undefined): Fact[] {
  const f = (name: string, value: Value): Fact => ({ group: 'size', name, value });
  const kind = typeof rule?.kind === 'string' ? rule.kind : undefined;
  const facts = [f('size.kind', kind)];
  if (!rule) return facts;
  const presets = Array.isArray(rule.presets) ? sorted(rule.presets) : obj(rule.presets) ? Object.keys(obj(rule.presets)!).sort() : [];
  if (kind === 'list') facts.push(f('size.sizes', sorted(rule.sizes)), f('size.default', rule.default as Value));
  if (kind === 'pixels') {
    facts.push(
      f('size.minPixels', num(rule.minPixels)),
      f('size.maxPixels', num(rule.maxPixels)),
      f('size.minAspect', round4(num(rule.minAspect))),
      f('size.maxAspect', round4(num(rule.maxAspect))),
      f('size.default', (rule.default ?? null) as Value),
      f('size.presets', presets),
    );
  }
  if (kind === 'sides') facts.push(f('size.minSide', num(rule.minSide)), f('size.maxSide', num(rule.maxSide)), f('size.default', (rule.default ?? null) as Value));
  return facts;
}

/** Input image facts; a model without images is `images.max 0`. */
function imageFacts(rule: Data | undefined): Fact[] {
  const f = (name: string, value: Value): Fact => ({ group: 'images', name, value });
  if (!rule) return [f('images.max', 0)];
  return [
    f('images.min', num(rule.min)),
    f('images.max', num(rule.max)),
    f('images.formats', sorted(rule.formats)),
    f('images.minSide', num(rule.minSide)),
    f('images.maxSide', num(rule.maxSide)),
    f('images.maxBytes', num(rule.maxBytes)),
    f('images.minAspect', round4(num(rule.minAspect))),
    f('images.maxAspect', round4(num(rule.maxAspect))),
    f('images.accepts', sorted(rule.accepts)),
    // The client leaves `alphaAllowed` out where alpha is fine.
    f('images.alphaAllowed', rule.alphaAllowed !== false),
    // Background generation needs a cut-out with transparency (image-processing.md §4).
    f('images.alphaRequired', rule.alphaRequired === true),
  ];
}

/** The client entry's facts, read as data. */
function clientFacts(entry: unknown): Fact[] {
  const m = obj(entry) ?? {};
  const prompt = obj(m.prompt) ?? {};
  const n = obj(m.n) ?? {};
  const rl = obj(m.rateLimits) ?? {};
  const perSecond =
    num(rl.requestsPerSecond) ??
    (num(rl.requestsPerMinute) !== undefined ? num(rl.requestsPerMinute)! / 60 : undefined) ??
    (num(rl.requests) !== undefined && num(rl.windowMs) ? num(rl.requests)! / (num(rl.windowMs)! / 1000) : undefined);
  return [
    { group: 'endpoint', name: 'endpoint', value: m.endpoint as Value },
    { group: 'asyncVariant', name: 'asyncVariant', value: variant(m.asyncVariant) },
    { group: 'input', name: 'input', value: m.input as Value },
    ...sizeFacts(obj(m.size)),
    { group: 'n', name: 'n.min', value: num(n.min) },
    { group: 'n', name: 'n.max', value: num(n.max) },
    { group: 'n', name: 'n.default', value: num(n.default) },
    ...imageFacts(obj(m.images)),
    { group: 'prompt', name: 'prompt.maxLength', value: num(prompt.maxLength) },
    { group: 'prompt', name: 'prompt.unit', value: prompt.unit as Value },
    { group: 'regions', name: 'regions', value: sorted(m.regions) },
    { group: 'rateLimits', name: 'rateLimits.requestsPerSecond', value: round4(perSecond) },
    { group: 'rateLimits', name: 'rateLimits.concurrent', value: cap(rl.concurrent) },
    { group: 'rateLimits', name: 'rateLimits.queryPerSecond', value: num(rl.queryPerSecond) },
    { group: 'rateLimits', name: 'rateLimits.assumed', value: rl.assumed === true },
    { group: 'duration', name: 'typicalDurationMs', value: num(m.typicalDurationMs) },
    { group: 'response', name: 'response', value: m.response as Value },
  ];
}

/** The simulator entry's facts, in the same vocabulary. */
function simFacts(m: SimModel): Fact[] {
  const rl = m.rateLimits;
  // The client has one concurrency figure: the one of the model's primary way of calling.
  const concurrent = m.endpoint === 'multimodalGeneration' ? rl.syncConcurrent : rl.asyncConcurrent;
  return [
    { group: 'endpoint', name: 'endpoint', value: m.endpoint },
    { group: 'asyncVariant', name: 'asyncVariant', value: variant(m.asyncVariant) },
    { group: 'input', name: 'input', value: m.input },
    ...sizeFacts(m.size as unknown as Data),
    { group: 'n', name: 'n.min', value: m.n.min },
    { group: 'n', name: 'n.max', value: m.n.max },
    { group: 'n', name: 'n.default', value: m.n.default },
    ...imageFacts(m.images as unknown as Data | undefined),
    { group: 'prompt', name: 'prompt.maxLength', value: m.prompt.maxLength },
    { group: 'prompt', name: 'prompt.unit', value: m.prompt.unit },
    { group: 'regions', name: 'regions', value: [...m.regions].sort() },
    { group: 'rateLimits', name: 'rateLimits.requestsPerSecond', value: round4(requestsPerSecond(rl)) },
    { group: 'rateLimits', name: 'rateLimits.concurrent', value: cap(concurrent) },
    { group: 'rateLimits', name: 'rateLimits.queryPerSecond', value: rl.queryPerSecond },
    { group: 'rateLimits', name: 'rateLimits.assumed', value: rl.assumed },
    { group: 'duration', name: 'typicalDurationMs', value: m.typicalDurationMs },
    { group: 'response', name: 'response', value: m.response },
  ];
}

const show = (v: Value): string => (v === undefined ? '(absent)' : JSON.stringify(v));

/** Rate-limit facts where an unconfirmed figure only has to be no looser on the client than in the simulator. */
const CONSERVATIVE_WHEN_ASSUMED = new Set(['rateLimits.requestsPerSecond', 'rateLimits.concurrent', 'rateLimits.queryPerSecond', 'rateLimits.assumed']);

/**
 * Every disagreement between the two entries of one model, one line each. Where BOTH sides mark
 * the rate limits as unconfirmed (the reference publishes none), the client may be stricter than
 * the simulator (the issue asks it to be conservative) but never looser, so it never trips the
 * service's real limit; `assumed` itself must still agree.
 */
export function disagreements(client: unknown, sim: SimModel): string[] {
  const clientList = clientFacts(client);
  const theirs = new Map(clientList.map((f) => [f.name, f]));
  const bothAssumed = sim.rateLimits.assumed && clientList.find((f) => f.name === 'rateLimits.assumed')?.value === true;
  const out: string[] = [];
  for (const mine of simFacts(sim)) {
    const other = theirs.get(mine.name);
    theirs.delete(mine.name);
    if (JSON.stringify(other?.value) === JSON.stringify(mine.value)) continue;
    if (bothAssumed && CONSERVATIVE_WHEN_ASSUMED.has(mine.name) && typeof other?.value === 'number' && typeof mine.value === 'number' && other.value <= mine.value) continue;
    const section = sim.refs[mine.group] ?? sim.refs.default;
    out.push(`${sim.id} ${mine.name}: client catalog ${show(other?.value)} ≠ simulator ${show(mine.value)} (reference: ${section})`);
  }
  // Facts only the client has (a size kind the simulator's rule does not have, e.g.).
  for (const f of theirs.values()) out.push(`${sim.id} ${f.name}: client catalog ${show(f.value)} ≠ simulator (absent) (reference: ${sim.refs[f.group] ?? sim.refs.default})`);
  return out;
}

/**
 * The client entry a simulator entry stands for: the same id, or — for a dated snapshot, which
 * the simulator lists on its own and the catalog as a version of its family — the family.
 */
function clientEntryOf(simId: string): (typeof MODELS)[number] | undefined {
  const same = MODELS.find((m) => m.id === simId);
  if (same) return same;
  const family = findModel(simId);
  const version = family ? findVersion(family, simId) : undefined;
  if (!family || !version) return undefined;
  // A version states where it differs from its family (a snapshot without the async variant).
  return version.syncOnly ? { ...family, asyncVariant: undefined } : family;
}

const clientIds = MODELS.map((m) => m.id);
const simIds = SIM_MODELS.map((m) => m.id);

describe('client catalog ⇄ simulator model table', () => {
  test('an unconfirmed limit may be stricter on the client, never looser', () => {
    const sim = SIM_MODELS.find((m) => m.rateLimits.assumed)!;
    const client = clientEntryOf(sim.id)!;
    const stricter = { ...client, rateLimits: { ...client.rateLimits, assumed: true, requestsPerSecond: 0.0001 } };
    assert.ok(!disagreements(stricter, sim).some((l) => l.includes('requestsPerSecond')), 'stricter is fine');
    const looser = { ...client, rateLimits: { ...client.rateLimits, assumed: true, requestsPerSecond: 1000 } };
    assert.ok(disagreements(looser, sim).some((l) => l.includes('requestsPerSecond')), 'looser is a disagreement');
  });

  test('the comparison itself finds a disagreement and names both values and the section', () => {
    const sim = SIM_MODELS.find((m) => m.id === 'qwen-mt-image')!;
    const client = MODELS.find((m) => m.id === 'qwen-mt-image') ?? {};
    const wrong = { ...client, regions: ['beijing', 'singapore'], n: { min: 1, max: 2, default: 1 } };
    const lines = disagreements(wrong, sim);
    assert.ok(lines.includes('qwen-mt-image regions: client catalog ["beijing","singapore"] ≠ simulator ["beijing"] (reference: API §1.1)'), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith('qwen-mt-image n.max: client catalog 2 ≠ simulator 1 (reference: API §4.3)')), lines.join('\n'));
  });

  test('the simulator imports nothing from src/ (it must not read the client catalog)', () => {
    const simDir = resolve(__dirname, '..', 'sim');
    const files = readdirSync(simDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length > 10, 'test/sim found');
    const offenders = files.filter((f) => /from\s+['"][./]*\/src\/|import\(\s*['"][./]*\/src\/|require\(\s*['"][./]*\/src\//.test(readFileSync(join(simDir, f), 'utf8')));
    assert.deepEqual(offenders.map((f) => relative(resolve(simDir, '..', '..'), join(simDir, f))), []);
  });

  test('every model is on both sides', () => {
    const onlyClient = clientIds.filter((id) => !simIds.includes(id));
    const onlySim = simIds.filter((id) => !clientEntryOf(id));
    const lines = [
      ...onlyClient.map((id) => `${id}: in the client catalog only (add it to test/sim/models.ts, or remove it from the catalog)`),
      ...onlySim.map((id) => `${id}: in the simulator's model table only (add it to its family's file in src/dashscope/catalog/)`),
    ];
    if (lines.length) assert.fail(`${lines.length} model(s) on one side only:\n${lines.join('\n')}`);
  });

  for (const sim of SIM_MODELS) {
    const client = clientEntryOf(sim.id);
    if (!client) continue;
    test(`${sim.id}: every fact agrees`, () => {
      const lines = disagreements(client, sim);
      if (lines.length) assert.fail(`${lines.length} disagreement(s):\n${lines.join('\n')}`);
    });
  }
});
