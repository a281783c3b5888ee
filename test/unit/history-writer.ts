/**
 * A writer process for the two-writer test in history-scan.test.ts: appends `count` lines with
 * long prompts to the manifest under `root` through HistoryLog over node fs, as the CLI and the
 * extension in a local workspace do, and prints "done" when every append resolved.
 *
 *   node --import tsx test/unit/history-writer.ts <root> <name> <count>
 */
import { HistoryLog } from '../../src/pipeline/historyLog';
import { nodeFileSystem } from '../../src/pipeline/nodeFs';

const [root, name, count] = process.argv.slice(2);
const log = new HistoryLog(nodeFileSystem(root!));
const appends: Promise<void>[] = [];
for (let i = 0; i < Number(count); i++) {
  appends.push(
    log.append({
      version: 1,
      id: `${name}-${i}`,
      kind: 'generate',
      source: name === 'cli' ? 'cli' : 'studio',
      model: 'qwen-image',
      // Long enough (about 9 KB) that a line written in pieces would show up torn.
      prompt: `${name} ${i} ${'lantern '.repeat(1100)}`,
      started: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
      finished: new Date(Date.UTC(2026, 0, 1) + i * 1000 + 500).toISOString(),
      durationMs: 500,
      outcome: 'succeeded',
    }),
  );
}
void Promise.all(appends).then(() => process.stdout.write('done\n'));
