/**
 * `regenerate --all-changed [--dry-run]`: re-runs every asset of the workspace history whose
 * preset now gives another request than the one that made it (src/pipeline/changedJobs.ts), for
 * a CI step that keeps generated assets in step with `.bailian/presets.json`. Each asset is made
 * again with the preset as it is now, the blanks and input images it had and the seed it had
 * (unless the preset pins one), into a NEW file next to the original; its history line names the
 * preset again, so a second run finds nothing to do.
 *
 * `--dry-run` lists them (entry id, preset, model, what changed, the list-price estimate) on
 * stdout, or as one JSON object with --json, and sends nothing.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { REGIONS, type CostEstimate, type Region } from '../dashscope/index.js';
import { changedJobCost, selectChangedJobs, type ChangedJob, type PresetHistoryEntry } from '../pipeline/changedJobs.js';
import { PRESETS_PATH, formatProblem, parsePresetsText } from '../pipeline/presets/index.js';
import { bool, str, type Values } from './args.js';
import { EXIT, UsageError, type Io, type RunState } from './context.js';
import { readWorkspaceHistory } from './history.js';
import { resolveInputs, runRegeneration, type Regeneration } from './regenerate.js';

function money(cost: CostEstimate): string {
  if (cost.amount === undefined) return 'price unknown';
  return `${cost.upperBound ? 'up to ' : ''}${cost.amount.toFixed(2)} ${cost.currency}`;
}

/** Whose list prices estimate the spend: --region, else Beijing's (a custom --base-url has none of its own). */
function pricingRegion(values: Values): Region {
  const region = str(values, 'region');
  return region && (REGIONS as readonly string[]).includes(region) ? (region as Region) : 'beijing';
}

/** The workspace's presets, with every problem of the file on stderr (a bad preset is left out, as everywhere). */
async function readPresets(root: string, io: Io): Promise<ReturnType<typeof parsePresetsText>['presets']> {
  let text: string;
  try {
    text = await readFile(join(root, PRESETS_PATH), 'utf8');
  } catch {
    throw new UsageError(`--all-changed compares jobs with their presets, and ${join(root, PRESETS_PATH)} does not exist.`, 'regenerate', false);
  }
  const { presets, problems } = parsePresetsText(text, PRESETS_PATH);
  for (const problem of problems) io.err(`warning: ${formatProblem(problem)}`);
  return presets;
}

/** What re-running a changed job sends, and where its files go. */
async function regenerationOfChanged(job: ChangedJob, root: string, io: Io): Promise<Regeneration> {
  const { entry } = job;
  const request = { ...job.request };
  if (entry.inputs.length) request.images = await resolveInputs(entry.inputs, [root], io.cwd);
  const first = entry.outputs[0]?.path;
  return {
    request,
    kind: entry.kind === 'guide' ? 'generate' : entry.kind,
    origin: `history entry ${entry.id} (preset "${job.preset.name}": ${job.changes.join(', ')})`,
    outDir: first ? dirname(join(root, ...first.split('/'))) : root,
    preset: entry.preset,
  };
}

/** Runs `regenerate --all-changed`. */
export async function runRegenerateChanged(values: Values, positionals: string[], io: Io, state: RunState): Promise<number> {
  if (positionals.length) throw new UsageError(`--all-changed takes no file or entry id; got ${positionals.join(' ')}.`, 'regenerate');
  const { root, entries } = await readWorkspaceHistory(values, io, 'regenerate');
  const presets = await readPresets(root, io);
  const { changed, skipped, unchanged } = selectChangedJobs(entries as PresetHistoryEntry[], presets);
  const quiet = bool(values, 'quiet') === true;
  for (const s of skipped) io.err(`skipped ${s.entry.id}: ${s.reason}`);
  const region = pricingRegion(values);
  const costs = changed.map((job) => changedJobCost(job, region));
  if (bool(values, 'dry-run')) {
    const known = costs.filter((c) => c.amount !== undefined);
    const total = known.reduce((sum, c) => sum + c.amount!, 0);
    if (bool(values, 'json')) {
      io.out(
        JSON.stringify({
          root,
          jobs: changed.map((job, i) => ({ id: job.entry.id, preset: job.preset.name, model: job.request.model, changes: job.changes, images: costs[i]!.billableImages, estimatedCost: costs[i]!.amount ?? null, currency: costs[i]!.currency })),
          skipped: skipped.map((s) => ({ id: s.entry.id, reason: s.reason })),
          unchanged,
          estimatedTotal: total,
          currency: costs[0]?.currency ?? null,
          pricesUnknown: costs.length - known.length,
        }),
      );
    } else {
      changed.forEach((job, i) => io.out([job.entry.id, job.preset.name, job.request.model, job.changes.join('; '), money(costs[i]!)].join('\t')));
      if (!quiet) io.err(`${changed.length} job${changed.length === 1 ? '' : 's'} would run again (${unchanged} up to date); estimated ${total.toFixed(2)} ${costs[0]?.currency ?? ''}${known.length < costs.length ? ` plus ${costs.length - known.length} of unknown price` : ''} at ${region} list prices. Nothing was sent.`);
    }
    return EXIT.ok;
  }
  if (!changed.length) {
    if (!quiet) io.err(`nothing to regenerate: every job made from a preset matches it (${unchanged} checked).`);
    return EXIT.ok;
  }
  let code: number = EXIT.ok;
  for (const job of changed) {
    if (state.interrupted()) break;
    try {
      const result = await runRegeneration(await regenerationOfChanged(job, root, io), values, io, state);
      if (result !== EXIT.ok) code = EXIT.failure;
    } catch (error) {
      // One asset failing does not hold the others back; the run still exits non-zero.
      if (state.interrupted()) throw error;
      io.err(`error: regenerating ${job.entry.id} failed: ${error instanceof Error ? error.message : String(error)}`);
      code = EXIT.failure;
    }
  }
  return code;
}
