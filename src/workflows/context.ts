/**
 * What every workflow runs with: the client, settings, log, keys, workspace state, the history
 * manifests, the job manager and the records that survive a reload. The composition root
 * (src/services.ts) builds one; the palette commands, the studio and the agent tools pass it down.
 */
import type * as vscode from 'vscode';
import type { DashScopeClientProvider } from '../host/clients';
import type { Config } from '../host/config';
import type { Log } from '../host/log';
import type { ApiKeyStore } from '../host/secrets';
import type { JobManager } from '../jobs/manager';
import type { JobFiles } from './jobFiles';
import type { OpenStreams } from './streams';
import type { TaskPersistence } from './taskPersistence';
import type { WorkspaceHistory } from './history';
import type { ProvenanceSeen } from './provenance';

/** The services every workflow needs: what the palette commands, the studio and the agent tools run jobs with. */
export interface SharedServices {
  readonly clients: DashScopeClientProvider;
  readonly config: Config;
  readonly log: Log;
  readonly apiKeys: ApiKeyStore;
  /** Workspace-scoped memory of the user's last choices. */
  readonly state: vscode.Memento;
  /** Memory across workspaces: the user's own presets. */
  readonly globalState: vscode.Memento;
  readonly history: WorkspaceHistory;
  /** Owns every run: its limits pace and queue jobs across the palette, the studio, batches and agents. */
  readonly jobs: JobManager;
  /** Persists submitted async tasks so a reload resumes them; absent where nothing should survive (tests). */
  readonly tasks?: TaskPersistence | undefined;
  /** The file each job saved, for the jobs list's Show. */
  readonly jobFiles?: JobFiles | undefined;
  /** Guide documents being streamed (marked interrupted after a reload). */
  readonly streams?: OpenStreams;
  /** The images known to carry provenance (the Explorer's context key), told what the commands read. */
  readonly provenanceFiles?: ProvenanceSeen;
}
