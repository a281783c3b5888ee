// Composition root, loaded on first use (src/extension.ts is the activation shim): builds the
// services and the one table of commands, the studio reviver and the agent tools. Loading it
// touches no network; on disk it only reads the history manifests, for the Explorer's set of
// images with provenance (workflows/provenanceFiles.ts); real work starts when a command runs.
import * as vscode from 'vscode';
import { editImageCommand } from './commands/edit';
import { generateImageCommand } from './commands/generate';
import { generateGuideCommand } from './commands/guide';
import { generateFromPresetCommand } from './commands/presets';
import { PresetDiagnostics } from './workflows/presetDiagnostics';
import { ScriptableQuestions, type AskedQuestion } from './workflows/questions';
import { WorkspaceHistory } from './workflows/history';
import { ProvenanceFiles } from './workflows/provenanceFiles';
import { NoProvenanceError } from './workflows/provenance';
import { type SharedServices } from './workflows/context';
import { JobFiles } from './workflows/jobFiles';
import { createJobsStatusBar, showJobsCommand } from './commands/jobs';
import { showSpendCommand } from './commands/spend';
import { copyAsCliCommand, imageVariationsCommand, regenerateImageCommand } from './commands/reproduce';
import { OpenStreams } from './workflows/streams';
import { TaskPersistence, mementoStateFile } from './workflows/taskPersistence';
import { resumePersistedTasks, type ResumeReport } from './workflows/resume';
import { toolsByName } from './commands/tools';
import { clearApiKeyCommand, setApiKeyCommand, switchRegionCommand, testApiKeyCommand } from './commands/keys';
import { insertImageLinkCommand } from './commands/links';
import { translateFolderCommand, translateImageCommand } from './commands/translate';
import { IMAGE_COMMANDS, processFolderCommand, processImageCommand } from './commands/process';
import { Commands } from './constants';
import { REGION_BASE_URLS, systemClock } from './dashscope';
import * as z from 'zod';
import { JobManager, type JobInfo } from './jobs/manager';
import { PersistedTaskStore, type NewPersistedTask, type PersistedTask } from './jobs/persisted';
import { DashScopeClientProvider, SERVICE_REGIONS, TEST_OFFICIAL_ENDPOINTS_ENV, type ServiceRegion } from './host/clients';
import { globalStateDurations } from './host/durations';
import { Config } from './host/config';
import { guarded } from './host/errors';
import { createLog } from './host/log';
import { ApiKeyStore, type ApiKeySource } from './host/secrets';
import { openSettingsInStudio } from './studio/openSettings';
import { StudioPanel, type StudioServices } from './studio/panel';
import type { StudioJobOutcome } from './studio/runs';
import { staticInitCacheFor, type EarlyStudioHandOver } from './studio/shell';

/**
 * What `activate` returns (`extension.exports`). Deliberately small and key-free: other
 * extensions can read it, so it reports only where a key comes from, never the key.
 */
export interface BailianExtensionApi {
  /** Where the effective API key (for the current region) comes from, or undefined when none is configured. */
  apiKeySource(): Promise<ApiKeySource | undefined>;
  /** The "workspace settings are ignored" notices shown in this session (tests). */
  ignoredSettingsNotices(): Promise<string[]>;
  /** Resolves when the open studio finished its webview handshake; rejects if none is open. */
  whenStudioReady(): Promise<void>;
  /** Resolves at the open studio's next handshake (a page loaded again: shown after hidden, or retried); rejects if none is open. */
  whenStudioHandshakesAgain(): Promise<void>;
  /** Resolves with the outcome of the open studio's next generation (tests, automation). */
  whenStudioJobFinished(): Promise<StudioJobOutcome>;
  /** The jobs of this window (snapshots; no request, no key). */
  jobs(): Promise<JobInfo[]>;
  /** Resolves with the jobs of this window at their next change (tests wait on it instead of polling). */
  whenJobsChange(): Promise<JobInfo[]>;
  /** The persisted async tasks of this workspace (what a reload resumes; never holds the key). */
  persistedTasks(): Promise<PersistedTask[]>;
  /** Records a task to resume (tests, tools that submitted one themselves). */
  persistTask(task: NewPersistedTask): Promise<void>;
  /** Forgets a persisted task (tests clean up what they recorded). */
  forgetTask(taskId: string): Promise<void>;
  /** Resumes the persisted tasks now (also done once after activation); resolves when each was saved, expired or kept. */
  resumeTasks(): Promise<ResumeReport>;
  /** Records a guide document as streaming, as an interrupted session would have left it (tests). */
  persistStream(uri: string): Promise<void>;
  /** Answers the next questions of the preset command from `answers` (tests). */
  answerPresetQuestions(answers: string[]): Promise<void>;
  /** The questions the preset command asked since {@link answerPresetQuestions} (tests). */
  askedPresetQuestions(): Promise<AskedQuestion[]>;
  /** The `bailian.provenanceFiles` context key's keys, once pending reads are in (tests). */
  provenanceFiles(): Promise<string[]>;
}

/** What the activation shim hands work to. */
export interface Services {
  /** Runs a command (failures are logged and shown once, with the buttons that fix them). */
  run(id: string, args: unknown[]): Promise<unknown>;
  /** Revives a studio panel after a reload (the serializer). */
  revive(panel: vscode.WebviewPanel): void;
  /** Takes over the studio the activation shim opened before this bundle loaded. */
  adoptStudio(early: EarlyStudioHandOver): void;
  /** The agent tools by name. */
  readonly tools: Readonly<Record<string, vscode.LanguageModelTool<never>>>;
  readonly api: BailianExtensionApi;
  /** Resumes the tasks of an earlier session. */
  resume(): Promise<ResumeReport>;
  /** Called on deactivation, before the subscriptions are disposed. */
  deactivate(): void;
}

/**
 * The official regional endpoints, where a key refused in its region may be tried in the others.
 * Only in the test mode may the environment point them elsewhere (the simulator of the
 * integration tests); in real use they are DashScope's own, whatever any setting says.
 */
function officialEndpoints(context: vscode.ExtensionContext): Record<ServiceRegion, string> {
  const official = { ...REGION_BASE_URLS };
  const raw = context.extensionMode === vscode.ExtensionMode.Test ? process.env[TEST_OFFICIAL_ENDPOINTS_ENV] : undefined;
  if (!raw) return official;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return official;
  }
  const parsed = z.partialRecord(z.enum(SERVICE_REGIONS), z.url()).safeParse(json);
  return parsed.success ? { ...official, ...parsed.data } : official;
}

/** Builds every service; everything it creates is owned by `context.subscriptions`. */
export function startExtension(context: vscode.ExtensionContext): Services {
  const log = createLog();
  const config = new Config();
  const apiKeys = new ApiKeyStore(context.secrets);
  const version = (context.extension.packageJSON as { version?: string }).version ?? '0';
  // One manager, hence one set of account limits, for every run and every client of the window.
  const jobs = new JobManager({ clock: systemClock, onListenerError: (error) => log.warn('A job listener failed:', error) });
  const durations = globalStateDurations(context.globalState, (error) => log.warn('Could not save the learned task durations:', error));
  const clients = new DashScopeClientProvider(config, apiKeys, log, `bailian-image-studio/${version} vscode/${vscode.version}`, jobs.limits, durations, officialEndpoints(context));
  const history = new WorkspaceHistory();
  const store = new PersistedTaskStore(mementoStateFile(context.workspaceState), {
    onProblem: (problem) => {
      log.warn(problem.message);
      if (problem.kind === 'unreadable') void vscode.window.showWarningMessage(vscode.l10n.t('Bailian could not read its list of running tasks; it was set aside and the readable entries kept. See the log for details.'));
    },
  });
  const tasks = new TaskPersistence(store, log);
  const jobFiles = new JobFiles(jobs);
  const streams = new OpenStreams(context.workspaceState);
  const provenanceFiles = new ProvenanceFiles(history, log);
  const host: SharedServices = { clients, config, log, apiKeys, state: context.workspaceState, globalState: context.globalState, history, jobs, tasks, jobFiles, streams, provenanceFiles };
  let resuming: Promise<ResumeReport> | undefined;
  const resume = (): Promise<ResumeReport> =>
    (resuming ??= streams
      .markInterrupted(log)
      .then(() => resumePersistedTasks(host, tasks))
      .catch((error: unknown): ResumeReport => {
        log.error('Resuming the tasks of the last session failed:', error);
        return { saved: [], expired: [], failed: [], kept: [], refused: [] };
      })
      .finally(() => (resuming = undefined)));
  const staticInitCache = staticInitCacheFor(context);
  const presetQuestions = new ScriptableQuestions();
  const presetContext = {
    questions: presetQuestions,
    openRetouch: (image: vscode.Uri, preset: { name: string; blanks: Record<string, string> }) => void StudioPanel.createOrShow(studio, { mode: 'retouch', uris: [image], preset }),
  };
  const studio: StudioServices = { ...host, extensionUri: context.extensionUri, onDidChangeApiKey: apiKeys.onDidChange, ...(staticInitCache ? { staticInitCache } : {}) };

  /** Every command, in one table: id → handler (arguments as VS Code passes them). */
  const commands: Record<(typeof Commands)[keyof typeof Commands], (...args: unknown[]) => unknown> = {
    [Commands.openStudio]: () => void StudioPanel.createOrShow(studio),
    [Commands.openInStudio]: (argument, selection) => void StudioPanel.createOrShow(studio, { mode: 'edit', uris: [argument, selection] }),
    [Commands.setApiKey]: (argument) => setApiKeyCommand(host, argument),
    [Commands.testApiKey]: (argument) => testApiKeyCommand(host, argument),
    [Commands.clearApiKey]: (argument) => clearApiKeyCommand(host, argument),
    [Commands.switchRegion]: (argument) => switchRegionCommand(host, argument),
    [Commands.generateImage]: (argument) => generateImageCommand(host, argument),
    [Commands.generateFromPreset]: (argument, selection) => generateFromPresetCommand(host, presetContext, argument, selection),
    [Commands.editImage]: (argument, selection) => editImageCommand(host, argument, selection),
    [Commands.translateImage]: (argument, selection) => translateImageCommand(host, argument, selection),
    [Commands.translateFolder]: (argument) => translateFolderCommand(host, argument),
    [Commands.upscaleImage2x]: (argument, selection) => processImageCommand(host, IMAGE_COMMANDS.upscale2x, argument, selection),
    [Commands.upscaleImage4x]: (argument, selection) => processImageCommand(host, IMAGE_COMMANDS.upscale4x, argument, selection),
    [Commands.extendImage]: (argument, selection) => processImageCommand(host, IMAGE_COMMANDS.extend, argument, selection),
    [Commands.removeText]: (argument, selection) => processImageCommand(host, IMAGE_COMMANDS.removeText, argument, selection),
    [Commands.colorizeImage]: (argument, selection) => processImageCommand(host, IMAGE_COMMANDS.colorize, argument, selection),
    [Commands.restyleImage]: (argument, selection) => processImageCommand(host, IMAGE_COMMANDS.restyle, argument, selection),
    [Commands.replaceBackground]: (argument, selection) => processImageCommand(host, IMAGE_COMMANDS.replaceBackground, argument, selection),
    [Commands.upscaleFolder]: (argument) => processFolderCommand(host, 'upscale', argument),
    [Commands.extendFolder]: (argument) => processFolderCommand(host, 'extend', argument),
    [Commands.generateGuide]: (argument) => generateGuideCommand(host, argument),
    [Commands.insertImageLink]: (argument) => insertImageLinkCommand(argument),
    [Commands.showJobs]: () => showJobsCommand(jobs, jobFiles, log),
    [Commands.showSpend]: () => showSpendCommand(host),
    [Commands.regenerateImage]: (argument) => regenerateImageCommand(host, argument),
    [Commands.imageVariations]: (argument) => imageVariationsCommand(host, argument),
    [Commands.openSettingsInStudio]: (argument) => openSettingsInStudio(studio, argument),
    [Commands.copyAsCliCommand]: (argument) => copyAsCliCommand(host, argument),
    // Greyed in the menu (enablement false); should anything run it, it says what the entry says.
    [Commands.noGenerationRecord]: (argument) => {
      const name = argument instanceof vscode.Uri ? argument.path.slice(argument.path.lastIndexOf('/') + 1) : '';
      throw new NoProvenanceError(name, vscode.l10n.t('Regenerate'));
    },
  };

  context.subscriptions.push(
    log,
    config,
    apiKeys,
    clients,
    history,
    provenanceFiles,
    jobFiles,
    createJobsStatusBar(jobs),
    new PresetDiagnostics(),
    { dispose: () => StudioPanel.currentPanel?.dispose() },
    config.onDidChange((settings) => log.info(`Settings changed: region=${settings.region}`)),
  );
  const guardedCommands = new Map(Object.entries(commands).map(([id, handler]) => [id, guarded(id, log, handler)]));
  log.info(`Started in ${vscode.env.appName} ${vscode.version} (${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'})`);
  // The job manager is deliberately not disposed on deactivation: cancelling its jobs would cancel
  // their PENDING tasks upstream; the process ends anyway and the persisted records resume them.

  const api: BailianExtensionApi = {
    apiKeySource: async () => (await apiKeys.get(config.read().region))?.source,
    ignoredSettingsNotices: async () => [...clients.ignoredSettings.notices],
    whenStudioReady: () => StudioPanel.currentPanel?.whenReady() ?? Promise.reject(new Error('The studio is not open')),
    whenStudioHandshakesAgain: () => {
      const panel = StudioPanel.currentPanel;
      if (!panel) return Promise.reject(new Error('The studio is not open'));
      return new Promise((resolve) => {
        const subscription = panel.onDidBecomeReady(() => {
          subscription.dispose();
          resolve();
        });
      });
    },
    whenStudioJobFinished: () => {
      const panel = StudioPanel.currentPanel;
      if (!panel) return Promise.reject(new Error('The studio is not open'));
      return new Promise((resolve) => {
        const subscription = panel.onDidFinishJob((outcome) => {
          subscription.dispose();
          resolve(outcome);
        });
      });
    },
    jobs: async () => jobs.list(),
    whenJobsChange: () =>
      new Promise((resolve) => {
        const subscription = jobs.onDidChange(() => {
          subscription.dispose();
          resolve(jobs.list());
        });
      }),
    persistedTasks: () => store.list(),
    persistTask: async (task) => {
      await store.add(task);
    },
    forgetTask: async (taskId) => {
      await store.remove(taskId);
    },
    resumeTasks: resume,
    persistStream: async (uri) => streams.add(vscode.Uri.parse(uri)),
    answerPresetQuestions: async (answers) => presetQuestions.answerWith(answers),
    askedPresetQuestions: async () => presetQuestions.takeAsked(),
    provenanceFiles: () => provenanceFiles.settled(),
  };
  return {
    run: async (id, args) => {
      const handler = guardedCommands.get(id);
      if (!handler) throw new Error(`Unknown command ${id}`);
      return handler(...args);
    },
    revive: (panel) => void StudioPanel.revive(panel, studio),
    adoptStudio: (early) => void StudioPanel.adopt(early, studio),
    tools: toolsByName(host),
    api,
    resume,
    // Records of running tasks stay for the next activation.
    deactivate: () => tasks.suspend(),
  };
}
