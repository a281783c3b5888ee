/**
 * `regenerate --all-changed [--dry-run]`: re-runs every asset of the workspace history whose
 * preset now gives another request than the one that made it, or whose glossary file's terms
 * changed since (src/pipeline/changedJobs.ts), for a CI step that keeps generated assets in step
 * with `.bailian/presets.json` and the glossary. Each asset is made again with the preset as it
 * is now, the blanks and input images it had and the seed it had (unless the preset pins one),
 * and the glossary's terms as they are now, into a NEW file next to the original; its history
 * line names the preset and the glossary's digest again, so a second run finds nothing to do.
 *
 * `--dry-run` lists them (entry id, preset, model, what changed, the list-price estimate) on
 * stdout, or as one JSON object with --json, and sends nothing. Jobs that cannot be checked
 * (a glossary file that is gone) and jobs whose glossary is unknown (lines written before
 * glossaries were recorded) are reported on stderr, and in the JSON.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { REGIONS, type CostEstimate, type Region } from '../dashscope/index.js';
import { changedJobCost, glossaryPathOf, selectChangedJobs, type ChangedJob, type GlossaryNow, type PresetHistoryEntry } from '../pipeline/changedJobs.js';
import { confinePath } from '../pipeline/confine.js';
import { GlossaryError, parseGlossary } from '../pipeline/glossary.js';
import { PRESETS_PATH, formatProblem, parsePresetsText, type Preset } from '../pipeline/presets/index.js';
import { bool, str, type Values } from './args.js';
import { EXIT, UsageError, type Io, type RunState } from './context.js';
import { readWorkspaceHistory } from './history.js';
import { resolveInputs, runRegeneration, type Regeneration } from './regenerate.js';
import { placeProcessInputs } from './regenerateProcess.js';

function money(cost: CostEstimate): string {
  if (cost.amount === undefined) return 'price unknown';
  return `${cost.upperBound ? 'up to ' : ''}${cost.amount.toFixed(2)} ${cost.currency}`;
}

/** Whose list prices estimate the spend: --region, else Beijing's (a custom --base-url has none of its own). */
function pricingRegion(values: Values): Region {
  const region = str(values, 'region');
  return region && (REGIONS as readonly string[]).includes(region) ? (region as Region) : 'beijing';
}

/**
 * The workspace's presets, with every problem of the file on stderr (a bad preset is left out, as
 * everywhere). Without a presets file there are none, which is an error only when a job names one.
 */
async function readPresets(root: string, io: Io, needed: boolean): Promise<ReturnType<typeof parsePresetsText>['presets']> {
  let text: string;
  try {
    text = await readFile(join(root, PRESETS_PATH), 'utf8');
  } catch {
    if (!needed) return [];
    throw new UsageError(`--all-changed compares jobs with their presets, and ${join(root, PRESETS_PATH)} does not exist.`, 'regenerate', false);
  }
  const { presets, problems } = parsePresetsText(text, PRESETS_PATH);
  for (const problem of problems) io.err(`warning: ${formatProblem(problem)}`);
  return presets;
}

/** Every glossary file the jobs and presets name, read once: its terms, or why there are none. */
async function readGlossaries(root: string, entries: readonly PresetHistoryEntry[], presets: readonly Preset[]): Promise<(path: string) => GlossaryNow> {
  const paths = new Set<string>();
  for (const entry of entries) if (entry.glossary) paths.add(glossaryPathOf(entry.glossary.path));
  for (const preset of presets) if (typeof preset.glossary === 'string') paths.add(glossaryPathOf(preset.glossary));
  const read = new Map<string, GlossaryNow>();
  for (const path of paths) {
    const confined = confinePath(path, root.split(sep).join('/'));
    if (!confined.ok) {
      read.set(path, { state: 'unreadable', reason: confined.reason });
      continue;
    }
    let text: string;
    try {
      text = await readFile(join(root, ...confined.segments), 'utf8');
    } catch (error) {
      read.set(path, (error as NodeJS.ErrnoException).code === 'ENOENT' ? { state: 'missing' } : { state: 'unreadable', reason: (error as Error).message });
      continue;
    }
    try {
      read.set(path, { state: 'terms', terms: parseGlossary(text) });
    } catch (error) {
      if (!(error instanceof GlossaryError)) throw error;
      read.set(path, { state: 'unreadable', reason: error.message });
    }
  }
  return (path) => read.get(path) ?? { state: 'unreadable', reason: 'it was not read' };
}

/** What re-running a changed job sends (one request a seed for Variations), and where its files go. */
async function regenerationsOfChanged(job: ChangedJob, root: string, io: Io): Promise<Regeneration[]> {
  const { entry } = job;
  const request = { ...job.request };
  const inputs = entry.inputs.length ? await resolveInputs(entry.inputs, [root], io.cwd) : [];
  // An operation takes its image, mask and reference each in its own place.
  if (entry.kind === 'process') placeProcessInputs(request, inputs, `History entry ${entry.id}`);
  else if (inputs.length) request.images = inputs;
  const first = entry.outputs[0]?.path;
  const whole: Regeneration = {
    request,
    kind: entry.kind === 'guide' ? 'generate' : entry.kind,
    origin: `history entry ${entry.id} (${job.preset ? `preset "${job.preset.name}": ` : ''}${job.changes.join(', ')})`,
    outDir: first ? dirname(join(root, ...first.split('/'))) : root,
    ...(entry.preset ? { preset: entry.preset } : {}),
    ...(job.glossary ? { glossary: job.glossary } : {}),
  };
  if (!job.seeds?.length) return [whole];
  return job.seeds.map((seed) => ({ ...whole, request: { ...request, seed, ...(request.n !== undefined ? { n: 1 } : {}) } }));
}

/** Runs `regenerate --all-changed`. */
export async function runRegenerateChanged(values: Values, positionals: string[], io: Io, state: RunState): Promise<number> {
  if (positionals.length) throw new UsageError(`--all-changed takes no file or entry id; got ${positionals.join(' ')}.`, 'regenerate');
  const { root, entries } = await readWorkspaceHistory(values, io, 'regenerate');
  const lines = entries as PresetHistoryEntry[];
  const presets = await readPresets(root, io, lines.some((e) => e.preset));
  const { changed, skipped, unknown, unchanged } = selectChangedJobs(lines, presets, { glossary: await readGlossaries(root, lines, presets) });
  const quiet = bool(values, 'quiet') === true;
  for (const s of skipped) io.err(`skipped ${s.entry.id}: ${s.reason}`);
  for (const u of unknown) io.err(`unknown ${u.entry.id}: ${u.reason}`);
  const region = pricingRegion(values);
  const costs = changed.map((job) => changedJobCost(job, region));
  if (bool(values, 'dry-run')) {
    const known = costs.filter((c) => c.amount !== undefined);
    const total = known.reduce((sum, c) => sum + c.amount!, 0);
    if (bool(values, 'json')) {
      io.out(
        JSON.stringify({
          root,
          jobs: changed.map((job, i) => ({ id: job.entry.id, preset: job.preset?.name ?? null, model: job.request.model, changes: job.changes, images: costs[i]!.billableImages, estimatedCost: costs[i]!.amount ?? null, currency: costs[i]!.currency })),
          skipped: skipped.map((s) => ({ id: s.entry.id, reason: s.reason })),
          unknown: unknown.map((u) => ({ id: u.entry.id, reason: u.reason })),
          unchanged,
          estimatedTotal: total,
          currency: costs[0]?.currency ?? null,
          pricesUnknown: costs.length - known.length,
        }),
      );
    } else {
      changed.forEach((job, i) => io.out([job.entry.id, job.preset?.name ?? '-', job.request.model, job.changes.join('; '), money(costs[i]!)].join('\t')));
      if (!quiet) io.err(`${changed.length} job${changed.length === 1 ? '' : 's'} would run again (${unchanged} up to date${unknown.length ? `, ${unknown.length} unknown` : ''}); estimated ${total.toFixed(2)} ${costs[0]?.currency ?? ''}${known.length < costs.length ? ` plus ${costs.length - known.length} of unknown price` : ''} at ${region} list prices. Nothing was sent.`);
    }
    return EXIT.ok;
  }
  if (!changed.length) {
    if (!quiet) io.err(`nothing to regenerate: every job made from a preset matches it (${unchanged} checked${unknown.length ? `, ${unknown.length} unknown` : ''}).`);
    return EXIT.ok;
  }
  let code: number = EXIT.ok;
  for (const job of changed) {
    if (state.interrupted()) break;
    try {
      for (const regeneration of await regenerationsOfChanged(job, root, io)) {
        if (state.interrupted()) break;
        const result = await runRegeneration(regeneration, values, io, state);
        if (result !== EXIT.ok) code = EXIT.failure;
      }
    } catch (error) {
      // One asset failing does not hold the others back; the run still exits non-zero.
      if (state.interrupted()) throw error;
      io.err(`error: regenerating ${job.entry.id} failed: ${error instanceof Error ? error.message : String(error)}`);
      code = EXIT.failure;
    }
  }
  return code;
}
