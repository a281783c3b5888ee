/**
 * Compare in the studio: one prompt on 2–4 generate models, shown as ONE card with a column per
 * model. Each column is a normal studio job (runs.ts, so `runWorkspaceImageJob` and the job
 * manager's per-model limits), with the model's own size (protocol/compare.ts). The estimate of
 * the whole comparison is confirmed once, before anything is sent.
 */
import * as vscode from 'vscode';
import { estimateCost } from '../dashscope';
import { compareParams } from '../protocol/compare';
import type { CompareColumn, JobSnapshot, ModelOption, RunParams } from '../protocol/messages';
import { confirmCost, describeCost, pricingRegion, totalOf } from '../workflows/cost';
import { imageRequestOf, runStudioJob, type StudioJobContext } from './runs';

/** What a comparison needs from the panel: how to run one column's job and how to show the card. */
export interface ComparisonContext extends Omit<StudioJobContext, 'jobId' | 'params' | 'update' | 'costConfirmed'> {
  /** The generate models the studio offers. */
  readonly models: readonly ModelOption[];
  readonly update: (snapshot: JobSnapshot) => void;
}

/** The compare card's status: running while a column runs, succeeded when one made images, else how the first ended. */
function overall(columns: readonly CompareColumn[]): JobSnapshot['status'] {
  if (columns.some((c) => c.status === 'running')) return 'running';
  if (columns.some((c) => c.status === 'succeeded')) return 'succeeded';
  return columns[0]?.status ?? 'failed';
}

/** Runs the comparison to its end; never throws (each column's failure stays in its column). */
export async function runComparison(context: ComparisonContext, jobId: string, params: RunParams, modelIds: readonly string[]): Promise<JobSnapshot> {
  const region = pricingRegion(context.host);
  const started = Date.now();
  const columns: CompareColumn[] = [];
  let snapshot: JobSnapshot = { jobId, status: 'running', text: vscode.l10n.t('Checking the request…'), images: [], columns };
  const publish = (patch: Partial<JobSnapshot> = {}): JobSnapshot => {
    snapshot = { ...snapshot, ...patch, columns: columns.map((c) => ({ ...c })), images: columns.flatMap((c) => c.images) };
    if (snapshot.status === 'running' && columns.length && overall(columns) !== 'running') snapshot = { ...snapshot, status: overall(columns), endedAt: Date.now() };
    context.update(snapshot);
    return snapshot;
  };
  const unknown = modelIds.filter((id) => !context.models.some((m) => m.id === id));
  if (unknown.length || new Set(modelIds).size !== modelIds.length) {
    return publish({ status: 'failed', endedAt: Date.now(), text: vscode.l10n.t('Compare takes 2 to 4 different text-to-image models; {0} is not one.', unknown.join(', ') || modelIds.join(', ')) });
  }
  modelIds.forEach((id, index) => {
    const model = context.models.find((m) => m.id === id)!;
    const own = compareParams(params, model);
    const cost = totalOf([estimateCost(imageRequestOf(own), region)]);
    columns.push({
      jobId: `${jobId}-${index + 1}`,
      modelLabel: model.label,
      params: own,
      cost: describeCost(cost),
      ...(own.size !== params.size && own.size ? { sizeNote: vscode.l10n.t('{0} (nearest size this model takes)', own.size.replace('*', '×')) } : {}),
      startedAt: started,
      status: 'running',
      text: '',
      images: [],
    });
  });
  const total = describeCost(totalOf(columns.map((c) => estimateCost(imageRequestOf(c.params), region))));
  publish({ text: vscode.l10n.t('Comparing {0} models: {1}', columns.length, total) });
  const confirmed = await confirmCost(context.host, columns.map((c) => imageRequestOf(c.params)), { interactive: true, what: vscode.l10n.t('This comparison') });
  if (!confirmed.proceed) {
    for (const column of columns) Object.assign(column, { status: 'cancelled', endedAt: Date.now(), text: vscode.l10n.t('Cancelled. Nothing was produced or saved.') });
    return publish({ status: 'cancelled', endedAt: Date.now(), text: vscode.l10n.t('Cancelled. Nothing was produced or saved.') });
  }
  await Promise.all(
    columns.map(async (column) => {
      const ended = await runStudioJob({
        ...context,
        jobId: column.jobId,
        params: column.params,
        costConfirmed: true,
        update: (job) => {
          Object.assign(column, { status: job.status, text: job.text, images: job.images, ...(job.endedAt ? { endedAt: job.endedAt } : {}), ...(job.error ? { error: job.error } : {}) });
          publish();
        },
      });
      Object.assign(column, { status: ended.status, endedAt: ended.endedAt ?? Date.now() });
    }),
  );
  const made = columns.filter((c) => c.images.length).length;
  return publish({ text: vscode.l10n.t('{0} of {1} models made images. {2}', made, columns.length, total), endedAt: Date.now() });
}
