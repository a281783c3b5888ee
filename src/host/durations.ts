/**
 * The extension's store of learned task durations: in global state, so every window and workspace
 * of this machine polls with what earlier tasks of the account took. Only model ids and durations
 * go in (LearnedDurations refuses anything else); never a key, a prompt or a task id.
 */
import type * as vscode from 'vscode';
import { LearnedDurations } from '../dashscope/durations';

/** The global-state key; not synced across machines (load differs by network and region). */
export const DURATIONS_STATE_KEY = 'bailian.taskDurations';

/** A store over `state` (the context's globalState); a failed write is reported to `onError` and otherwise ignored. */
export function globalStateDurations(state: Pick<vscode.Memento, 'get' | 'update'>, onError: (error: unknown) => void): LearnedDurations {
  return new LearnedDurations(state.get<unknown>(DURATIONS_STATE_KEY), (snapshot) => {
    Promise.resolve(state.update(DURATIONS_STATE_KEY, snapshot)).catch(onError);
  });
}
