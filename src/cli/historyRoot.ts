/** Where the CLI finds the workspace's history manifest or presets: the nearest folder at or above a path that holds one. */
import { dirname, join, resolve } from 'node:path';
import { HISTORY_PATH } from '../pipeline/history.js';
import { pathExists } from '../pipeline/nodeFs.js';

/** The nearest folder at or above `start` that holds a history manifest. */
export function findHistoryRoot(start: string): Promise<string | undefined> {
  return findWorkspaceRoot(start, HISTORY_PATH);
}

/** The nearest folder at or above `start` that holds `file` (a `/`-separated path such as `.bailian/presets.json`). */
export async function findWorkspaceRoot(start: string, file: string): Promise<string | undefined> {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    if (await pathExists(join(dir, ...file.split('/')))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
