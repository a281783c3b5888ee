/**
 * What the poll benchmarks share: the request each model's task is submitted with, submitting a
 * task with the duration meant for it, noting when each task query leaves the client, and the
 * completion lag of one task from those and the simulator's report.
 */
import { PNG } from 'pngjs';
import { Agent, type Dispatcher } from 'undici';
import type { DashScopeClient, GenerationRequest } from '../../src/dashscope/index';
import { maxInWindow } from './figures';
import type { SimProcess, TaskReport } from './sim-process';

/** A non-flat test sign for qwen-mt-image (a flat image means "no text"). */
const SIGN = (() => {
  const p = new PNG({ width: 320, height: 240, colorType: 2 });
  for (let i = 0; i < p.data.length; i++) p.data[i] = i % 4 === 3 ? 255 : (i * 31) % 256;
  return PNG.sync.write(p, { colorType: 2 });
})();

export function requestOf(model: string): GenerationRequest {
  return model === 'qwen-mt-image'
    ? { model, images: [{ kind: 'bytes', bytes: SIGN, name: 'sign.png' }], translation: { sourceLang: 'zh', targetLang: 'en' } }
    : // A fixed seed: the simulator caches the rendered image, so no task's rendering stalls the
      // simulator while other tasks' queries wait (that stall would count as lag, ×1/scale).
      { model, prompt: 'a quiet harbour at dawn', n: 1, seed: 7 };
}

/** Serializes "set the next task's duration, submit" so each task gets the duration meant for it. */
export function submitter(sim: SimProcess): (client: DashScopeClient, model: string, durationMs: number) => Promise<{ taskId: string; submittedAt: number }> {
  let chain: Promise<unknown> = Promise.resolve();
  return (client, model, durationMs) => {
    const run = chain.then(async () => {
      await sim.setNextDuration(model, durationMs);
      return client.submitTask(requestOf(model));
    });
    chain = run.catch(() => undefined);
    return run;
  };
}

/** An undici Agent that notes when each task query leaves the client. */
export function recordingAgent(sentAt: number[]): Dispatcher {
  return new Agent().compose((dispatch) => (opts, handler) => {
    if (opts.method === 'GET' && /\/tasks\/[^/]+$/.test(opts.path)) sentAt.push(Date.now());
    return dispatch(opts, handler);
  });
}

/** One waited-for task, client side. */
export interface LagSample {
  taskId: string;
  savedAt: number;
  /** When the client sent each `GET /tasks/{id}` of this task (epoch ms), in order. */
  sentAt: number[];
}

export interface LagRow {
  lagS: number;
  /** The real-time part: from the later of task end and the detecting query's send to the file saved. */
  realS: number;
  queries: number;
  maxPerSecond: number;
}

/**
 * Lag (unscaled s) = the schedule's wait, from the task's end to the send of the query that saw
 * it (client time: ÷ scale), plus real time from there to the file saved (the query's round trip,
 * download, write — not scaled, so a stall of this machine counts once, not 1/scale times).
 */
export function lagOf(s: LagSample, r: TaskReport, scale: number): LagRow {
  if (r.endMs === undefined) throw new Error(`task ${s.taskId} has no end`);
  // The detecting query: the first to arrive after the end; queries of one task go one at a time, in order.
  const k = r.queries.findIndex((t) => t >= r.endMs!);
  if (k < 0 || s.sentAt.length !== r.queries.length) throw new Error(`task ${s.taskId}: ${s.sentAt.length} queries sent, ${r.queries.length} seen, detecting ${k}`);
  const sent = s.sentAt[k]!;
  const from = Math.max(sent, r.endMs);
  const lagMs = Math.max(0, sent - r.endMs) / scale + (s.savedAt - from);
  return { lagS: lagMs / 1000, realS: (s.savedAt - from) / 1000, queries: r.queries.length, maxPerSecond: maxInWindow(r.queries, 1000 * scale) };
}
