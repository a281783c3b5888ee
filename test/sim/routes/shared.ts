/** What every route gets (one call), and the steps the generation routes share. */
import { randomInt } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Caller } from '../auth.js';
import type { SimCore } from '../core.js';
import { MSG, SimError } from '../errors.js';
import { isEnabled, isInputError, type Exchange, type ImgInfo } from '../exchange.js';
import { faultStatusError, type FaultRule } from '../faults.js';
import { DATA_URI_MAX_BYTES, SEED_MAX, type EndpointKey, type Region, type SimModel } from '../models.js';
import { textLength, type MessagesJob } from '../validate.js';

/** A `taskFail` fault rule matched by the request. */
export type TaskFailRule = Extract<FaultRule, { kind: 'taskFail' }>;

/** One authenticated request, as the dispatcher hands it to a route. */
export interface RouteCall {
  core: SimCore;
  region: Region;
  ex: Exchange;
  caller: Caller;
  url: URL;
  body: unknown;
  /** The body was not JSON. */
  parseError: boolean;
  /** The first parameter of the route's path (the task id of `/tasks/{id}`). */
  param: string;
  /** The generation endpoint the path names. */
  endpoint: EndpointKey;
  taskFail?: TaskFailRule;
}

/** A sync call lasts the table's typical duration, scaled. */
export const syncDelayMs = (core: SimCore, spec: SimModel) => Math.round(spec.typicalDurationMs * core.timing.scale);
/** How long a task stays PENDING, then RUNNING. */
export const taskTiming = (core: SimCore, spec: SimModel) => {
  // The table's typicalDurationMs (or the hook's duration) is the whole task, queue included:
  // a short queue (a tenth, at most 1 s) then the rest RUNNING, so a task ends when it says.
  const total = core.timing.taskDurationMs?.(spec.model) ?? spec.typicalDurationMs;
  return {
    pendingMs: core.timing.pendingMs ?? Math.round(Math.min(1000, total / 10) * core.timing.scale),
    runningMs: core.timing.runningMs ?? Math.round((total - Math.min(1000, total / 10)) * core.timing.scale),
  };
};

/** Resolves the request's image references (URLs, `oss://`, `data:`) to bytes and sizes. */
export async function resolveImages(core: SimCore, job: { imageRefs: string[] } | { imageRef: string }, spec: SimModel, caller: Caller, req: IncomingMessage): Promise<ImgInfo[]> {
  const refs = 'imageRefs' in job ? job.imageRefs : [job.imageRef];
  const ossResolve = isEnabled(req, 'x-dashscope-ossresourceresolve');
  const out: ImgInfo[] = [];
  for (const ref of refs) {
    let img: ImgInfo;
    // The resolver also checks format, bytes, sides and aspect against the model table's image rule.
    try {
      img = await core.assets.resolveImage(ref, { model: spec.model, ossResolve, maxBytes: DATA_URI_MAX_BYTES, keyId: caller.keyId });
    } catch (err) {
      if (isInputError(err)) throw new SimError(err.status, err.code, err.message);
      throw err;
    }
    out.push(img);
  }
  return out;
}

/** The request's seed, or a random one as the service picks. */
export const seedOf = (job: { seed?: number }) => job.seed ?? randomInt(0, SEED_MAX);

/** Renders `count` result images with consecutive seeds and stores them; returns their URLs. */
export async function renderAll(core: SimCore, spec: SimModel, prompt: string, seed: number, count: number, size: { width: number; height: number }): Promise<string[]> {
  const urls: string[] = [];
  for (let i = 0; i < count; i++) {
    urls.push(await core.assets.putResult({ model: spec.model, prompt, seed: (seed + i) % (SEED_MAX + 1), width: size.width, height: size.height, format: spec.outputFormat, index: i }));
  }
  return urls;
}

/** The headers of a generation answer. */
export const generationHeaders = (finished: boolean) => ({ 'x-dashscope-timeout': '298', 'x-dashscope-finished': String(finished) });

/** Invite-only models (NEW §5) answer 403 AccessDenied.Unpurchased to keys switched off (API §1.6 wording). */
export function checkAccess(core: SimCore, spec: SimModel, caller: Caller): void {
  if (spec.accessRestricted && !core.modelAccess(caller.key)) throw new SimError(403, 'AccessDenied.Unpurchased', MSG.accessUnpurchased);
}

/** One submit / sync call against the model's `requests` per `windowMs`. */
export function takeSubmit(core: SimCore, ex: Exchange, spec: SimModel, caller: Caller): void {
  core.limiter.take(`${caller.accountId}|${spec.model}|rps`, spec.rateLimits.requests, spec.rateLimits.windowMs);
  const f = ex.fault.afterCount;
  if (!f) return;
  // A `counted` fault (faults.ts) strikes once the call has used its place in the window.
  if (f.kind === 'resetBeforeHeaders') {
    ex.req.socket.destroy();
    throw new SimError(500, 'InternalError', MSG.internalError);
  }
  throw faultStatusError(f);
}

/**
 * wan2.7 (NEW §3): an image set is one choice with several items, and tokens are informational
 * but non-zero (the doc example: input 10867, output 2); the simulator counts the prompt's
 * characters plus 1024 per input image in, 2 per image out (sim choice).
 */
export function wanOptions(job: MessagesJob, imgs: ImgInfo[]): { oneChoice?: boolean; tokens?: { input: number; output: number } } {
  if (!job.spec.features?.sequential) return {};
  return { oneChoice: job.sequential, tokens: { input: textLength(job.prompt) + 1024 * imgs.length, output: 2 * job.n } };
}
