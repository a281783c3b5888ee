/** The file each job saved, for the jobs list's Show. */
import type * as vscode from 'vscode';
import type { JobManager } from '../jobs/manager';

/** Where a finished job's output went, so Show can open it. */
export interface JobOutputs {
  /** The first saved file of a job, by job id. */
  readonly fileOf: (jobId: string) => vscode.Uri | undefined;
}

/**
 * Remembers the first file each job saved: runners report it with {@link JobFiles.set}, the
 * quick pick's Show opens it. Forgotten with the job.
 */
export class JobFiles implements JobOutputs, vscode.Disposable {
  private readonly files = new Map<string, vscode.Uri>();
  private readonly subscription: vscode.Disposable;

  constructor(jobs: JobManager) {
    this.subscription = jobs.onDidChange((change) => {
      if (change.kind === 'removed') this.files.delete(change.job.id);
    });
  }

  /** Records the file a job saved. */
  set(jobId: string, uri: vscode.Uri): void {
    this.files.set(jobId, uri);
  }

  fileOf(jobId: string): vscode.Uri | undefined {
    return this.files.get(jobId);
  }

  dispose(): void {
    this.subscription.dispose();
    this.files.clear();
  }
}
