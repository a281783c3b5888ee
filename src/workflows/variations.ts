/**
 * Regenerate and Variations of a workspace image, the jobs behind the Explorer's entries: the
 * image's own request again (a new file), or the same settings with k new seeds, sent as k
 * requests of one image each (so every image has the seed it was made with, whatever the model
 * reports for n > 1) and recorded as ONE job: one history line listing the k files and, in
 * `seeds`, the seed of each request (also of one that failed), so a regenerate or Copy as CLI
 * Command of the line makes each image again with its own seed. Each file's provenance holds its
 * own seed and request (n = 1), and the preset the original came from, as any image's does.
 */
import * as vscode from 'vscode';
import { SEED_MAX, type GenerationRequest } from '../dashscope';
import { failedFacts, keptFacts, newJobId, type JobContextFacts } from '../pipeline/history';
import { newSeeds } from '../pipeline/reproduce';
import type { SharedServices } from './context';
import { pricingRegion } from './cost';
import type { ImageRecipe } from './provenance';
import { runWorkspaceImageJob, workspaceReference, type WorkspaceImageJob } from './workspaceJob';

/** Options of the two runs. */
export interface ReproduceOptions {
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((text: string) => void) | undefined;
  readonly interactive: boolean;
}

/** The request of one variation: the image's settings with another seed, one image. */
export function variationRequest(recipe: ImageRecipe, seed: number): GenerationRequest {
  return { ...recipe.request, seed, ...(recipe.request.n !== undefined ? { n: 1 } : {}) };
}

/** The preset the original was made from, recorded again with what is made from it. */
function presetOf(recipe: ImageRecipe): { preset?: JobContextFacts['preset'] } {
  const preset = recipe.record.preset;
  return preset && typeof preset.name === 'string' ? { preset: { name: preset.name, ...(preset.blanks ? { blanks: preset.blanks } : {}) } } : {};
}

/** Makes the image again: same model, prompt, seed, size and inputs; a new file and its own history line. */
export function regenerateImage(host: SharedServices, recipe: ImageRecipe, options: ReproduceOptions): Promise<WorkspaceImageJob> {
  return runWorkspaceImageJob(host, recipe.request, { kind: recipe.kind, source: 'explorer', signal: options.signal, inputs: recipe.inputs, interactive: options.interactive, ...presetOf(recipe) });
}

/** What a Variations run made: every job that kept images, and why the others did not. */
export interface VariationsResult {
  readonly jobId: string;
  readonly seeds: readonly number[];
  readonly jobs: readonly WorkspaceImageJob[];
  readonly errors: readonly unknown[];
}

/**
 * Runs `count` variations of the image (new seeds, distinct, none the original's) through the job
 * manager, within the model's limits, and records them as one job. Throws the first error when
 * none kept an image.
 */
export async function runVariations(host: SharedServices, recipe: ImageRecipe, count: number, options: ReproduceOptions & { seeds?: readonly number[] }): Promise<VariationsResult> {
  const started = new Date();
  const jobId = newJobId(started);
  const seeds = options.seeds ?? newSeeds(count, SEED_MAX, recipe.record.seed);
  let done = 0;
  const settled = await Promise.allSettled(
    seeds.map(async (seed) => {
      const job = await runWorkspaceImageJob(host, variationRequest(recipe, seed), {
        kind: recipe.kind,
        source: 'explorer',
        signal: options.signal,
        inputs: recipe.inputs,
        interactive: options.interactive,
        jobId,
        distinctSeeds: true,
        recordHistory: false,
        ...presetOf(recipe),
      });
      options.onProgress?.(vscode.l10n.t('{0} of {1} variations saved', ++done, seeds.length));
      return job;
    }),
  );
  const jobs = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const errors = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
  const request: GenerationRequest = { ...recipe.request, n: seeds.length };
  delete request.seed;
  const context: JobContextFacts = { id: jobId, kind: recipe.kind, source: 'explorer', model: recipe.request.model, request, seeds, inputs: recipe.inputs.map(workspaceReference), started, region: pricingRegion(host), ...presetOf(recipe) };
  const folder = jobs[0]?.location.workspaceFolder ?? vscode.workspace.getWorkspaceFolder(recipe.uri);
  if (jobs.length === 0) {
    const first = errors[0];
    const cancelled = (first as { name?: string } | undefined)?.name === 'AbortError';
    // Refused before anything was sent (validation, trust, a bad template): no job to record.
    if (!(first instanceof Error && ['RequestValidationError', 'MissingApiKeyError', 'InvalidBaseUrlError', 'OutputTemplateError', 'UntrustedWorkspaceError', 'Canceled'].includes(first.name))) {
      await host.history.record(folder, failedFacts(context, first, cancelled), host.log);
    }
    throw first;
  }
  const produced = jobs.every((j) => j.job.produced !== undefined) ? jobs.reduce((n, j) => n + (j.job.produced ?? 0), 0) : undefined;
  const kept = {
    model: jobs[0]!.job.model,
    images: jobs.flatMap((j) => j.job.images),
    failures: [...jobs.flatMap((j) => j.job.failures), ...errors],
    lost: jobs.flatMap((j) => j.job.lost),
    requestId: jobs[0]!.job.requestId,
    produced,
  };
  await host.history.record(folder, keptFacts(context, kept, (file) => workspaceReference(file.uri)), host.log);
  return { jobId, seeds, jobs, errors };
}
