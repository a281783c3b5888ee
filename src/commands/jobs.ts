/**
 * The jobs in the window: a status bar item counts the running and queued jobs of the
 * {@link JobManager} (hidden when there are none), and `bailian.showJobs` (the item's click)
 * lists every known job in a quick pick with Show (the file it saved, else the log) and Cancel.
 */
import * as vscode from 'vscode';
import { Commands } from '../constants';
import type { JobInfo, JobManager } from '../jobs/manager';
import type { Log } from '../host/log';
import type { JobOutputs } from '../workflows/jobFiles';

/** "2 running, 3 queued" (the status bar text and tooltip). */
export function jobCountsText(counts: { running: number; queued: number }): string {
  if (counts.queued === 0) return vscode.l10n.t('{0} running', counts.running);
  return vscode.l10n.t('{0} running, {1} queued', counts.running, counts.queued);
}

/** The status bar item; updates on every job change. */
export function createJobsStatusBar(jobs: JobManager): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('bailian.jobs', vscode.StatusBarAlignment.Left, 10);
  item.name = vscode.l10n.t('Bailian Jobs');
  item.command = Commands.showJobs;
  const update = (): void => {
    const counts = jobs.counts();
    if (counts.running + counts.queued === 0) {
      item.hide();
      return;
    }
    item.text = `$(${counts.running > 0 ? 'sync~spin' : 'clock'}) ${jobCountsText(counts)}`;
    item.tooltip = vscode.l10n.t('Bailian image jobs: {0}. Click to show or cancel them.', jobCountsText(counts));
    item.show();
  };
  const subscription = jobs.onDidChange(update);
  update();
  return { dispose: () => (subscription.dispose(), item.dispose()) };
}

function stateLabel(job: JobInfo): string {
  switch (job.state) {
    case 'queued':
      return vscode.l10n.t('queued');
    case 'running':
      return job.progress ?? vscode.l10n.t('running');
    case 'succeeded':
      return vscode.l10n.t('done');
    case 'failed':
      return vscode.l10n.t('failed: {0}', job.error instanceof Error ? job.error.message : String(job.error));
    case 'cancelled':
      return vscode.l10n.t('cancelled');
  }
}

function icon(job: JobInfo): string {
  return { queued: '$(clock)', running: '$(sync~spin)', succeeded: '$(check)', failed: '$(error)', cancelled: '$(circle-slash)' }[job.state];
}

interface JobItem extends vscode.QuickPickItem {
  readonly job: JobInfo;
}

/** `bailian.showJobs`: the jobs, newest first; Enter or the eye button shows, the × button cancels. */
export async function showJobsCommand(jobs: JobManager, outputs: JobOutputs, log: Log): Promise<void> {
  const show: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('eye'), tooltip: vscode.l10n.t('Show') };
  const cancel: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('close'), tooltip: vscode.l10n.t('Cancel') };
  const pick = vscode.window.createQuickPick<JobItem>();
  pick.title = vscode.l10n.t('Bailian Jobs');
  pick.placeholder = vscode.l10n.t('Select a job to show it; the × button cancels a running or queued one.');
  pick.matchOnDescription = true;
  const clear: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('clear-all'), tooltip: vscode.l10n.t('Clear Finished Jobs') };
  pick.buttons = [clear];
  const refresh = (): void => {
    const list = jobs.list().reverse();
    pick.items = list.map((job) => ({
      job,
      label: `${icon(job)} ${job.label}`,
      description: stateLabel(job),
      detail: `${job.model} · ${job.source}`,
      buttons: job.state === 'queued' || job.state === 'running' ? [show, cancel] : [show],
    }));
    if (list.length === 0) pick.placeholder = vscode.l10n.t('No jobs yet.');
  };
  const reveal = async (job: JobInfo): Promise<void> => {
    const file = outputs.fileOf(job.id);
    pick.hide();
    if (file) await vscode.commands.executeCommand('vscode.open', file, { preview: false });
    else log.show(true);
  };
  refresh();
  const subscriptions = [
    jobs.onDidChange(refresh),
    pick.onDidTriggerItemButton(async (event) => {
      if (event.button === cancel) {
        if (jobs.cancel(event.item.job.id)) log.info(`Cancelled ${event.item.job.label} from the jobs list`);
      } else {
        await reveal(event.item.job);
      }
    }),
    pick.onDidTriggerButton((button) => button === clear && (jobs.clearFinished(), refresh())),
    pick.onDidAccept(async () => {
      const [item] = pick.selectedItems;
      if (item) await reveal(item.job);
    }),
  ];
  await new Promise<void>((resolve) => {
    subscriptions.push(pick.onDidHide(() => resolve()));
    pick.show();
  });
  for (const s of subscriptions) s.dispose();
  pick.dispose();
}
