/**
 * The image-job runner the palette commands, the studio and the agent tools share: the trust
 * gate, reading workspace images, and {@link runWorkspaceImageJob}, which puts the vscode-free
 * pipeline (src/pipeline/) behind a `workspace.fs` saver as a job of the job manager, records the
 * job in the workspace history and logs what happened (never the key).
 */
import * as vscode from 'vscode';
import { pricingRegion } from './cost';
import type { GenerationRequest, ImageInput } from '../dashscope';
import type { ClientLease } from '../host/clients';
import { ActionableError } from '../host/errors';
import type { Log } from '../host/log';
import { WorkspaceImageSaver, displayPath, resolveOutputLocation, workspacePathOf, type OutputLocation, type WorkspaceSavedFile } from '../host/workspaceFs';
import { failedFacts, keptFacts, newJobId, type HistoryFacts, type JobContextFacts } from '../pipeline/history';
import { runImageJob, withSeed, type ImageJobOptions, type ImageJobResult, type JobProgress, type OutputFile } from '../pipeline/images';
import { DEFAULT_NAME_TEMPLATE, nameCollision } from '../pipeline/naming';
import { OutputTemplateError } from '../pipeline/outputTemplate';
import type { SharedServices } from './context';
import { describeProgress } from './progress';

/** Paid actions are refused in untrusted workspaces (`capabilities.untrustedWorkspaces: limited`). */
export class UntrustedWorkspaceError extends ActionableError {
  constructor() {
    super(
      'UntrustedWorkspaceError',
      vscode.l10n.t('This workspace is not trusted, so Bailian does not call DashScope (calls are billed) or write files here.'),
      [],
      vscode.l10n.t('Trust the workspace (Manage Workspace Trust) to generate, edit or translate images.'),
    );
  }
}

/** Throws {@link UntrustedWorkspaceError} in an untrusted workspace. */
export function requireTrust(): void {
  if (!vscode.workspace.isTrusted) throw new UntrustedWorkspaceError();
}

/** A workspace path (or the full path) for provenance and history. */
export function workspaceReference(uri: vscode.Uri): string {
  return workspacePathOf(uri)?.path ?? uri.fsPath;
}

/** Reads workspace images for a request, in the user's order (prompts say "image 1", "image 2"). */
export async function readInputImages(uris: readonly vscode.Uri[]): Promise<ImageInput[]> {
  return Promise.all(
    uris.map(async (uri) => {
      const bytes = await vscode.workspace.fs.readFile(uri);
      return { kind: 'bytes' as const, bytes, name: uri.path.slice(uri.path.lastIndexOf('/') + 1) };
    }),
  );
}

/** Options of {@link runWorkspaceImageJob}. */
export interface WorkspaceImageJobOptions {
  readonly kind: HistoryFacts['kind'];
  readonly source: HistoryFacts['source'];
  readonly signal?: AbortSignal | undefined;
  readonly onProgress?: ((event: JobProgress) => void) | undefined;
  /** May the user be asked where to save (no folder open, several folders)? */
  readonly interactive: boolean;
  readonly pickAmongFolders?: boolean | undefined;
  /** Input images in order (edit, translate). */
  readonly inputs?: readonly vscode.Uri[] | undefined;
  /** The workspace file the request's `mask` was read from: provenance and history record it after the inputs. */
  readonly mask?: vscode.Uri | undefined;
  /** The output-folder template and its setting; default `bailian.outputFolder`. */
  readonly template?: { value: string; setting: string } | undefined;
  /** Target language (`${lang}`). */
  readonly lang?: string | undefined;
  /** Names each image's stem instead of the name template (translations). */
  readonly name?: ImageJobOptions<WorkspaceSavedFile>['name'];
  readonly nameTemplate?: string | undefined;
  /** Called once the request passed the catalog checks, before anything is sent. */
  readonly onValidated?: (() => void) | undefined;
  /** Use a client already leased (batches share one). */
  readonly lease?: ClientLease | undefined;
  /** The job's id, when the caller chose it (one id for the requests of Variations); else a new one. */
  readonly jobId?: string | undefined;
  /** Every image of the job has a seed of its own (Variations): `${seed}` then tells them apart. */
  readonly distinctSeeds?: boolean | undefined;
  /** Leave the history line to the caller (Variations records its requests as one job). */
  readonly recordHistory?: false | undefined;
  /** The preset the job came from: provenance and history record it. */
  readonly preset?: JobContextFacts['preset'];
  /** The glossary file whose terms end the translation's (history records it, for `regenerate --all-changed`). */
  readonly glossary?: JobContextFacts['glossary'];
}

/** A finished image job and where its files went. */
export interface WorkspaceImageJob {
  readonly location: OutputLocation;
  readonly job: ImageJobResult<WorkspaceSavedFile>;
}

/** No folder to save into and nobody to ask. */
export class NoOutputFolderError extends ActionableError {
  constructor() {
    super('NoOutputFolderError', vscode.l10n.t('Open a folder first: generated images are saved into the workspace.'), []);
  }
}

/** The manager's label of an image job: "qwen-image: a red fox…", "qwen-mt-image: poster.png". */
export function jobLabel(model: string, request: Pick<GenerationRequest, 'prompt'>, inputs: readonly vscode.Uri[] = []): string {
  const prompt = [...(request.prompt ?? '').trim()];
  const what = prompt.length ? (prompt.length > 40 ? `${prompt.slice(0, 40).join('')}…` : prompt.join('')) : inputs.map((u) => u.path.slice(u.path.lastIndexOf('/') + 1)).join(', ');
  return what ? `${model}: ${what}` : model;
}

/**
 * Runs one generate / edit / translate job into the workspace, as a job of the host's
 * {@link JobManager}: the request is checked and the output folder chosen at once (the user
 * answers now, not when the job leaves the queue), then the job waits for its model's limits and
 * runs under the job's signal (cancelled by the caller's signal or from the jobs list). A
 * submitted async task is persisted until its images are saved, so a reload can resume it.
 *
 * Throws RequestValidationError before anything is sent, MissingApiKeyError without a key,
 * DashScopeError from the service, a CancellationError when the user dismissed the folder
 * question, an AbortError when cancelled while queued (nothing was sent), and a
 * CancelledJobError when cancelled before the service produced anything.
 */
export async function runWorkspaceImageJob(host: SharedServices, request: GenerationRequest, options: WorkspaceImageJobOptions): Promise<WorkspaceImageJob> {
  requireTrust();
  const lease = options.lease ?? (await host.clients.acquire());
  const started = new Date();
  const jobId = options.jobId ?? newJobId(started);
  let location: OutputLocation | undefined;
  const inputs = options.inputs ?? [];
  const sources = [...inputs, ...(options.mask ? [options.mask] : [])].map(workspaceReference);
  const context: JobContextFacts = { id: jobId, kind: options.kind, source: options.source, model: request.model, request, inputs: sources, started, region: pricingRegion(host), ...(options.preset ? { preset: options.preset } : {}), ...(options.glossary ? { glossary: options.glossary } : {}) };
  /** Whether the job left the queue: a job cancelled while queued sent nothing and gets no history line. */
  let ran = false;
  try {
    const withImages: GenerationRequest = inputs.length ? { ...request, images: await readInputImages(inputs) } : request;
    const validated = lease.client.validate(withImages);
    // The seed is chosen here rather than in the pipeline, so the persisted request is the one sent.
    // The image bytes are dropped until the job runs (read again then): a queued batch holds none.
    const { images: _checkedImages, ...seeded } = withSeed(withImages);
    const collision = options.nameTemplate !== undefined ? nameCollision(options.nameTemplate, { n: request.n ?? 1, distinctSeeds: options.distinctSeeds }) : undefined;
    if (collision) throw new OutputTemplateError(`The name template cannot be used: ${collision}.`);
    options.onValidated?.();
    const settings = host.config.read(inputs[0]);
    const template = options.template ?? { value: settings.outputFolder, setting: 'bailian.outputFolder' };
    location = await resolveOutputLocation({
      template: template.value,
      settingName: template.setting,
      model: validated.spec.id,
      date: started,
      source: inputs[0],
      lang: options.lang,
      jobId,
      preset: options.preset?.name,
      interactive: options.interactive,
      pickAmongFolders: options.pickAmongFolders,
    });
    if (!location) {
      if (options.interactive) throw new vscode.CancellationError();
      throw new NoOutputFolderError();
    }
    const where = location;
    const handle = host.jobs.enqueue({
      label: jobLabel(validated.spec.id, request, inputs),
      model: validated.spec.id,
      source: options.source,
      // Paced right before the submit (after any upload), not when the job starts.
      submitPacing: 'in-run',
      ...(options.signal ? { signal: options.signal } : {}),
      run: async (ctx) => {
        ran = true;
        host.log.info(`${options.kind} with ${validated.spec.id} (prompt of ${[...(request.prompt ?? '')].length} characters, ${inputs.length} input image(s)) into ${where.folder.toString(true)}`);
        let persisted: Promise<unknown> | undefined;
        let taskId: string | undefined;
        try {
          const toSend: GenerationRequest = inputs.length ? { ...seeded, images: await readInputImages(inputs) } : seeded;
          return await runImageJob(toSend, {
            client: lease.client,
            saver: new WorkspaceImageSaver(where.folder),
            rescue: (file, error) => rescueImage(host.log, file, error),
            beforeSubmit: () => ctx.beforeSubmit(),
            signal: ctx.signal,
            sources,
            started,
            jobId,
            preset: options.preset,
            name: options.name,
            nameTemplate: options.nameTemplate,
            onSubmitted: (task) => {
              taskId = task.taskId;
              persisted = host.tasks?.persist({
                task,
                client: lease.client,
                request: seeded,
                label: handle.info().label,
                destination: {
                  folder: where.folder.toString(),
                  ...(where.workspaceFolder ? { workspaceFolder: where.workspaceFolder.uri.toString() } : {}),
                  kind: options.kind,
                  source: options.source,
                  sources,
                  started: started.toISOString(),
                  naming: persistedNaming(options, validated.spec.id, seeded, started),
                },
              });
            },
            onProgress: (event) => {
              if (event.kind === 'cancelTask') host.log.info(`Task ${event.taskId}: ${event.outcome === 'cancelled' ? 'cancelled upstream while still pending' : event.outcome === 'started' ? 'already started; it may still finish upstream' : 'cancelling upstream failed'}`);
              if (event.kind === 'submitted') host.log.info(`Task ${event.taskId} submitted`);
              if (event.kind === 'retry') host.log.warn(event.message);
              // The service side is over once downloads start: the next job of this model may go.
              if (event.kind === 'download' && event.done === 0) ctx.releaseSlot();
              ctx.setProgress(describeProgress(event));
              options.onProgress?.(event);
            },
          });
        } finally {
          // Saved, failed or cancelled here: nothing is left to resume after a reload.
          if (taskId !== undefined) await host.tasks?.settled(taskId, persisted);
        }
      },
    });
    const job = await handle.result;
    if (job.images[0]) host.jobFiles?.set(handle.id, job.images[0].file.uri);
    for (const failure of job.failures) host.log.warn(`Image ${failure.index + 1} failed: ${failure.code}: ${failure.message}`);
    for (const lost of job.lost) host.log.error(`Image ${lost.index} could not be kept:`, lost.error);
    host.log.info(`Saved ${job.images.length} image(s): ${job.images.map((i) => displayPath(i.file.uri)).join(', ')}${job.requestId ? ` (request id ${job.requestId})` : ''}`);
    if (options.recordHistory !== false) await host.history.record(where.workspaceFolder, keptFacts(context, job, (file) => workspaceReference(file.uri)), host.log);
    return { location: where, job };
  } catch (error) {
    const folder = location?.workspaceFolder ?? (inputs[0] ? vscode.workspace.getWorkspaceFolder(inputs[0]) : vscode.workspace.workspaceFolders?.[0]);
    const cancelled = (error as { name?: string }).name === 'AbortError';
    // A job cancelled while queued, or refused before sending (an input the upload step rejects), sent nothing.
    const sent = ran && !(error instanceof Error && ['RequestValidationError', 'MissingApiKeyError', 'InvalidBaseUrlError', 'OutputTemplateError', 'UntrustedWorkspaceError', 'Canceled'].includes(error.name));
    if (sent && options.recordHistory !== false) {
      await host.history.record(folder, failedFacts(context, error, cancelled), host.log);
    }
    throw error;
  } finally {
    if (!options.lease) lease.release();
  }
}

/** How a resumed task names its files: the fixed stem a `name` callback gives (translations), else the template. */
function persistedNaming(options: WorkspaceImageJobOptions, model: string, request: GenerationRequest, started: Date): { stem: string } | { template: string } {
  if (options.name) return { stem: options.name({ index: 1, seed: request.seed, model, date: started, prompt: request.prompt }) };
  return { template: options.nameTemplate ?? DEFAULT_NAME_TEMPLATE };
}

/** An image whose save failed (unwritable folder, full disk): the user picks where it goes instead. */
export async function rescueImage(log: Log, file: OutputFile, error: unknown): Promise<WorkspaceSavedFile | undefined> {
  log.error(`Saving ${file.stem}.${file.ext} failed:`, error);
  const name = `${file.stem.slice(file.stem.lastIndexOf('/') + 1)}.${file.ext}`;
  const choice = await vscode.window.showErrorMessage(
    vscode.l10n.t('Could not save {0} ({1}). The image is paid for: save it somewhere else?', name, error instanceof Error ? error.message : String(error)),
    { modal: true },
    vscode.l10n.t('Save As…'),
  );
  if (!choice) return undefined;
  const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(name), title: vscode.l10n.t('Save the image') });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, file.bytes);
  return { name: target.path.slice(target.path.lastIndexOf('/') + 1), uri: target };
}
