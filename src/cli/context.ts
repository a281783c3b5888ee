/**
 * What every CLI verb shares: the process's I/O, the run's state (for Ctrl-C), the client built
 * from flags and the environment, progress lines, and where files go (the output folder through
 * the pipeline's one atomic save, a rescue folder when it cannot be written, and the workspace's
 * history manifest when the output folder lies inside a workspace that has one).
 */
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { DashScopeClient, REGIONS, checkBaseUrl, describeRetry, durationScaleFrom, systemClock, type Clock, type ProgressEvent, type RateWindow, type Region, type SubmittedTask } from '../dashscope/index.js';
import { saveAtomically } from '../pipeline/files.js';
import { failedFacts, historyEntry, keptFacts, type HistoryFacts, type JobContextFacts } from '../pipeline/history.js';
import { HistoryLog } from '../pipeline/historyLog.js';
import type { ImageJobResult, ImageSaver, OutputFile, SavedFileRef } from '../pipeline/images.js';
import { nodeFileSystem } from '../pipeline/nodeFs.js';
import pkg from '../../package.json';
import { bool, str, type Values } from './args.js';
import { findHistoryRoot } from './historyRoot.js';
import { ENV_API_KEY, POLL_SCALE_ENV } from '../constants.js';
import { DEFAULT_OUT, PROGRAM, UsageError } from './usage.js';
import { durationCachePath, fileDurationStore } from './durationCache.js';

export { DEFAULT_OUT, EXIT, InterruptedError, PROGRAM, UsageError } from './usage.js';
/** The key's environment variable: the CLI's only source of the key. */
export const KEY_ENV = ENV_API_KEY;
export { POLL_SCALE_ENV };
/** The regions `--region` accepts. */
export const CLI_REGIONS: readonly Region[] = REGIONS;

/** Where output goes; tests run the real process, so this is just stdout/stderr with the key redacted. */
export interface Io {
  out(line: string): void;
  err(line: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The client's clock (retry waits); the real one unless a test runs the CLI in-process. */
  clock?: Clock;
}

/** State of one run, for Ctrl-C: what to cancel and what to say. */
export interface RunState {
  signal: AbortSignal;
  interrupted: () => boolean;
  /** A task this process submitted, with its last known status. */
  task?: { taskId: string; model: string; status: string };
  /** --timeout in ms, for the message when it fires. */
  timeoutMs?: number;
  /** The last wait for a model's rate window to reopen, and when it ends (clock time): a --timeout within it says so. */
  rateWait?: { window: RateWindow; until: number };
}

function apiKeyOf(io: Io): string {
  const key = io.env[KEY_ENV]?.trim();
  if (!key) {
    throw new UsageError(
      `${KEY_ENV} is not set. Create a key in the Model Studio console (keys are region-bound) and set it:\n` +
        `  export ${KEY_ENV}=sk-…          (bash/zsh)\n` +
        `  $env:${KEY_ENV} = "sk-…"       (PowerShell)\n` +
        `  set ${KEY_ENV}=sk-…             (cmd.exe)`,
      undefined,
      false,
    );
  }
  return key;
}

/** The client for this run, from --region / --base-url and the environment. */
export function createClient(values: Values, io: Io): DashScopeClient {
  const apiKey = apiKeyOf(io);
  const rawRegion = str(values, 'region');
  let region: Region | undefined;
  if (rawRegion !== undefined) {
    const r = rawRegion.trim().toLowerCase();
    const known = CLI_REGIONS.find((c) => c === r);
    if (!known) throw new UsageError(`--region must be ${CLI_REGIONS.join(', ')}; got "${rawRegion}".`);
    region = known;
  }
  const baseUrl = str(values, 'base-url');
  if (baseUrl !== undefined) {
    const checked = checkBaseUrl(baseUrl);
    if (!checked.ok) throw new UsageError(`--base-url cannot be used: ${checked.reason}.`);
  }
  const scale = durationScaleFrom(io.env[POLL_SCALE_ENV]);
  const quiet = bool(values, 'quiet') === true;
  return new DashScopeClient({
    apiKey,
    ...(region ? { region } : {}),
    ...(baseUrl ? { baseUrl } : {}),
    useEnvProxy: Boolean(io.env.HTTPS_PROXY || io.env.https_proxy),
    ...(io.clock ? { clock: io.clock } : {}),
    userAgent: `${PROGRAM}/${pkg.version}`,
    poll: { ...(scale ? { durationScale: scale } : {}), durations: fileDurationStore(durationCachePath(io.env)) },
    onRetry: (e) => {
      if (!quiet) io.err(describeRetry(e));
    },
  });
}

/** Keeps a submitted task in the run state (Ctrl-C cancels it) and tells how to resume it. */
export function taskRecorder(io: Io, quiet: boolean, state: RunState): (task: SubmittedTask) => void {
  return (task) => {
    state.task = { taskId: task.taskId, model: task.model, status: task.status };
    if (!quiet) io.err(`resume later with: ${PROGRAM} task wait ${task.taskId} --model ${task.model}`);
  };
}

/** Turns client progress into short stderr lines; status lines only on change. */
export function progressPrinter(io: Io, quiet: boolean, state: RunState): (e: ProgressEvent) => void {
  let lastStatus = '';
  return (e) => {
    if (e.type === 'status' && state.task && state.task.taskId === e.taskId) state.task.status = e.status;
    if (e.type === 'wait' && e.rateWindow) state.rateWait = { window: e.rateWindow, until: (io.clock ?? systemClock).now() + e.remainingMs };
    if (quiet) return;
    switch (e.type) {
      case 'upload':
        if (e.phase === 'upload') io.err(`uploading ${e.name} (${Math.max(1, Math.round(e.bytes / 1024))} kB)…`);
        break;
      case 'request':
        io.err(`${e.mode === 'async' ? 'submitting' : 'requesting'} ${e.model} (${e.mode})…`);
        break;
      case 'submitted':
        io.err(`task ${e.taskId} submitted`);
        break;
      case 'status':
        if (e.status !== lastStatus) {
          lastStatus = e.status;
          io.err(`task ${e.taskId}: ${e.status} (${(e.elapsedMs / 1000).toFixed(1)} s)`);
        }
        break;
      case 'delta':
        if (e.delta.type === 'image') io.err(`image ${e.delta.index + 1} received`);
        break;
      case 'retry':
        // Printed by the client-wide onRetry (covers downloads too).
        break;
      case 'wait': {
        // The retry line said the whole wait; a long one counts down every 10 s.
        const secs = Math.ceil(e.remainingMs / 1000);
        if (e.rateWindow && secs % 10 === 0 && secs < e.rateWindow.windowMs / 1000) io.err(`waiting for the rate limit (${secs} s)`);
        break;
      }
    }
  };
}

/** A file the CLI saved: its name in the output folder and the path to print. */
export interface CliSavedFile extends SavedFileRef {
  /** `join(--out, name)`: relative to the cwd when --out is. */
  readonly path: string;
}

/** Where a run's files go. */
export interface CliOutput {
  /** The --out folder as given (or the default). */
  readonly outDir: string;
  readonly saver: ImageSaver<CliSavedFile>;
  /** Saves an image whose save failed into a rescue folder (and says so); for the pipeline's `rescue`. */
  readonly rescue: (file: OutputFile, error: unknown) => Promise<CliSavedFile | undefined>;
  /** The workspace manifest the run appends to, with the root its paths are relative to. */
  readonly history?: { log: HistoryLog; root: string };
  /** A local path as recorded in provenance and history: relative to the workspace root if any, else to the output folder. */
  readonly reference: (path: string) => string;
  /** An output path (as printed) as the history records it. */
  readonly historyPath: (path: string) => string;
}

function slash(path: string): string {
  return path.split(sep).join('/');
}

/** The output of a run: --out (default ./bailian-output), its rescue folder and the workspace history. */
export async function cliOutput(values: Values, io: Io): Promise<CliOutput> {
  const outDir = str(values, 'out') ?? DEFAULT_OUT;
  const absOut = resolve(io.cwd, outDir);
  const fs = nodeFileSystem(absOut);
  const saver: ImageSaver<CliSavedFile> = {
    save: async (file) => {
      const name = await saveAtomically(fs, file);
      return { name, path: join(outDir, ...name.split('/')) };
    },
  };
  const rescueDir = join(tmpdir(), 'bailian-rescued');
  const rescueFs = nodeFileSystem(rescueDir);
  const rescue = async (file: OutputFile, error: unknown): Promise<CliSavedFile | undefined> => {
    const name = await saveAtomically(rescueFs, file);
    const path = join(rescueDir, ...name.split('/'));
    io.err(`warning: could not write into ${outDir} (${error instanceof Error ? error.message : String(error)}); saved ${path} instead: move it where you want it, or fix --out.`);
    return { name, path };
  };
  const root = await findHistoryRoot(absOut);
  const history = root ? { log: new HistoryLog(nodeFileSystem(root)), root } : undefined;
  const base = root ?? absOut;
  return {
    outDir,
    saver,
    rescue,
    ...(history ? { history } : {}),
    reference: (path) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(path) ? path : slash(relative(base, resolve(io.cwd, path)))),
    historyPath: (path) => slash(relative(base, resolve(io.cwd, path))),
  };
}

/** Appends a line to the workspace history when the output folder has one; a failure only warns. */
export async function recordHistory(output: CliOutput, io: Io, facts: HistoryFacts): Promise<void> {
  if (!output.history) return;
  await output.history.log.append(historyEntry(facts)).catch((err: unknown) => io.err(`warning: could not append to the history ${output.history!.log.path}: ${(err as Error).message}`));
}

/** Records an image job of the CLI: what it kept, or how it failed. */
export async function recordImageJob(
  output: CliOutput,
  io: Io,
  context: JobContextFacts,
  result: Omit<ImageJobResult<CliSavedFile>, 'cancelledAfterGeneration'> | undefined,
  failure: unknown,
  interrupted: boolean,
): Promise<void> {
  await recordHistory(output, io, result ? keptFacts(context, result, (file) => output.historyPath(file.path)) : failedFacts(context, failure, interrupted));
}
