/**
 * The host side of a generation, shared by the palette command and the studio: borrows the
 * client, checks the request against the catalog, picks the output folder, runs the vscode-free
 * job (src/jobs/generate.ts) with a `workspace.fs` saver, and logs what happened (never the key).
 */
import * as vscode from 'vscode';
import type { Config } from '../config';
import type { GenerationRequest } from '../dashscope';
import { runGenerationJob, type GenerationJobResult, type JobProgress } from '../jobs/generate';
import type { Log } from '../log';
import type { DashScopeClientProvider } from '../services/client';
import { WorkspaceImageSaver, displayPath, resolveOutputLocation, type OutputLocation, type WorkspaceSavedFile } from '../workspace/save';

/** What a generation needs from the extension. */
export interface GenerationHost {
  readonly clients: DashScopeClientProvider;
  readonly config: Config;
  readonly log: Log;
}

/** Options of {@link generateIntoWorkspace}. */
export interface GenerateIntoWorkspaceOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: JobProgress) => void;
  /** May the user be asked where to save (no folder open, several folders)? */
  readonly interactive: boolean;
  /** With several workspace folders, ask which one (the palette command). */
  readonly pickAmongFolders?: boolean;
  /** File name template; default the naming module's. */
  readonly nameTemplate?: string;
  /** Called once the request passed the catalog checks, before anything is sent. */
  readonly onValidated?: () => void;
}

/** A finished generation and where its files went. */
export interface WorkspaceGeneration {
  readonly location: OutputLocation;
  readonly job: GenerationJobResult<WorkspaceSavedFile>;
}

/** No folder to save into and nobody to ask. */
export class NoOutputFolderError extends Error {
  override readonly name = 'NoOutputFolderError';
  constructor() {
    super(vscode.l10n.t('Open a folder first: generated images are saved into the workspace.'));
  }
}

/**
 * Runs one generation into the workspace. Throws RequestValidationError before anything is sent,
 * MissingApiKeyError without a key, DashScopeError from the service, a CancellationError when the
 * user dismissed the folder question, and the signal's reason when aborted.
 */
export async function generateIntoWorkspace(host: GenerationHost, request: GenerationRequest, options: GenerateIntoWorkspaceOptions): Promise<WorkspaceGeneration> {
  const lease = await host.clients.acquire();
  try {
    lease.client.validate(request);
    options.onValidated?.();
    const location = await resolveOutputLocation({
      outputFolder: host.config.read().outputFolder,
      interactive: options.interactive,
      ...(options.pickAmongFolders !== undefined ? { pickAmongFolders: options.pickAmongFolders } : {}),
    });
    if (!location) {
      if (options.interactive) throw new vscode.CancellationError();
      throw new NoOutputFolderError();
    }
    host.log.info(`Generating with ${request.model} (prompt of ${[...(request.prompt ?? '')].length} characters) into ${location.folder.toString(true)}`);
    const job = await runGenerationJob(request, {
      client: lease.client,
      saver: new WorkspaceImageSaver(location),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.nameTemplate ? { nameTemplate: options.nameTemplate } : {}),
      onProgress: (event) => {
        if (event.kind === 'cancelTask') host.log.info(`Task ${event.taskId}: ${event.outcome === 'cancelled' ? 'cancelled upstream while still pending' : event.outcome === 'started' ? 'already started; it may still finish upstream' : 'cancelling upstream failed'}`);
        if (event.kind === 'submitted') host.log.info(`Task ${event.taskId} submitted`);
        if (event.kind === 'retry') host.log.warn(event.message);
        options.onProgress?.(event);
      },
    });
    for (const failure of job.failures) host.log.warn(`Image ${failure.index + 1} failed: ${failure.code}: ${failure.message}`);
    host.log.info(`Saved ${job.images.length} image(s): ${job.images.map((i) => displayPath(i.file.uri)).join(', ')}${job.requestId ? ` (request id ${job.requestId})` : ''}`);
    return { location, job };
  } finally {
    lease.release();
  }
}

/** A localized line for a job's progress. */
export function describeProgress(event: JobProgress): string {
  switch (event.kind) {
    case 'request':
      return event.mode === 'async' ? vscode.l10n.t('Submitting the task to {0}…', event.model) : vscode.l10n.t('Generating with {0}…', event.model);
    case 'submitted':
      return vscode.l10n.t('Task submitted; waiting in the queue…');
    case 'task':
      if (event.status === 'PENDING') return vscode.l10n.t('Queued ({0} s)…', Math.round(event.elapsedMs / 1000));
      if (event.status === 'RUNNING') return vscode.l10n.t('Generating ({0} s)…', Math.round(event.elapsedMs / 1000));
      return vscode.l10n.t('Task {0}…', event.status);
    case 'retry':
      return vscode.l10n.t('Retrying: {0}', event.message);
    case 'download':
      return vscode.l10n.t('Downloading images ({0}/{1})…', event.done, event.total);
    case 'save':
      return vscode.l10n.t('Saving images ({0}/{1})…', event.done, event.total);
    case 'cancelTask':
      return event.outcome === 'cancelled' ? vscode.l10n.t('Cancelled the queued task.') : vscode.l10n.t('Cancelling…');
  }
}
