import * as vscode from 'vscode';
import { LOG_CHANNEL_NAME } from '../constants';

/** The extension's one log: levels come from the user's "Developer: Set Log Level". */
export type Log = vscode.LogOutputChannel;

/** Creates the single LogOutputChannel; the caller owns (disposes) it. */
export function createLog(): Log {
  return vscode.window.createOutputChannel(LOG_CHANNEL_NAME, { log: true });
}
