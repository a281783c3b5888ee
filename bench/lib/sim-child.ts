/**
 * The simulator in its own process, so that its image rendering and JSON work do not delay the
 * client's timers in the benchmark process (and the other way round). Driven over IPC by
 * sim-process.ts. Task durations come from the parent, one per submit (the simulator's
 * `timing.taskDurationMs` hook); task queries are timed on arrival, from the request log.
 */
import { readFile } from 'node:fs/promises';
import { startSimulator, type Simulator } from '../../test/sim/index';

interface TaskView {
  accountId: string;
  model: string;
  submitMs: number;
  scheduledMs?: number;
  endMs?: number;
}

let sim: Simulator | undefined;
const nextDuration = new Map<string, number[]>();
/** Arrival times (epoch ms) of `GET /tasks/{id}`, per task id. */
const arrivals = new Map<string, number[]>();
const QUERY_LINE = /^\[sim \w+\] GET \/api\/v1\/tasks\/([^\s/]+) → \d+ (\d+)ms/;

function record(line: string): void {
  const m = QUERY_LINE.exec(line);
  if (!m) return;
  const at = Date.now() - Number(m[2]);
  const list = arrivals.get(m[1]!) ?? [];
  list.push(at);
  arrivals.set(m[1]!, list);
}

async function handle(msg: { id: number; type: string; [k: string]: unknown }): Promise<unknown> {
  switch (msg.type) {
    case 'start': {
      sim = await startSimulator({
        // Off by default (the poll benchmark counts queries itself); on where a 429 is the finding (batch).
        rateLimits: msg.rateLimits === true,
        ...(msg.keys ? { keys: { beijing: msg.keys as string[] } } : {}),
        timing: { scale: msg.scale as number, taskDurationMs: (model) => nextDuration.get(model)?.shift() },
        log: record,
      });
      return { url: sim.urls.beijing, key: sim.keys.beijing };
    }
    case 'duration': {
      const list = nextDuration.get(msg.model as string) ?? [];
      list.push(msg.ms as number);
      nextDuration.set(msg.model as string, list);
      return true;
    }
    case 'hostFile': {
      // A result URL serving this file's bytes (memory benchmark: downloads of a chosen size).
      return sim!.assets.putResultBytes(await readFile(msg.path as string), msg.ext as 'png' | 'jpg');
    }
    case 'render': {
      // A rendered result of this size, as a task would produce it.
      return sim!.assets.putResult({ model: 'z-image-turbo', prompt: 'a harbour at dawn', seed: 7, width: msg.width as number, height: msg.height as number, format: 'png', index: 1 });
    }
    case 'fault': {
      // Plain-data rules only (no RegExp paths): `slowDownload` for downloads at a realistic speed.
      sim!.faults.add(msg.rule as Parameters<Simulator['faults']['add']>[0]);
      return true;
    }
    case 'clearFaults': {
      sim!.faults.clear();
      return true;
    }
    case 'report': {
      const tasks: Record<string, TaskView & { queries: number[] }> = {};
      for (const id of msg.ids as string[]) {
        const t = sim!.tasks.get(id) as TaskView | undefined;
        if (t) tasks[id] = { accountId: t.accountId, model: t.model, submitMs: t.submitMs, scheduledMs: t.scheduledMs, endMs: t.endMs, queries: arrivals.get(id) ?? [] };
      }
      return tasks;
    }
    case 'stop':
      await sim?.stop();
      setImmediate(() => process.exit(0));
      return true;
    default:
      throw new Error(`unknown message ${msg.type}`);
  }
}

// The benchmark went away (finished, crashed or timed out): so does its simulator.
process.on('disconnect', () => process.exit(0));

process.on('message', (msg: { id: number; type: string }) => {
  handle(msg).then(
    (result) => process.send!({ id: msg.id, result }),
    (err: unknown) => process.send!({ id: msg.id, error: err instanceof Error ? err.stack : String(err) }),
  );
});
