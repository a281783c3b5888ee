/**
 * The simulator's API gateway: one node:http server per region, routing the DashScope endpoints
 * (reference §9 checklist) under `/api/v1`.
 *
 * Order of checks for a request (gateway first, model second):
 *   faults (by method / path / model) → auth (401) → X-DashScope-Async header (403) →
 *   body JSON (400 BadRequest.IllegalInput) → envelope (BadRequest.EmptyModel / EmptyInput) →
 *   model / region / endpoint (404 ModelNotFound, 400 "url error") → model access (403) → rate limits (429) →
 *   per-model validation (400 InvalidParameter) → inputs (400) → work.
 * When SSE was requested on the sync endpoint, 400/404 errors are delivered as an SSE
 * `event:error` with HTTP 200 (capture parameter-error-sse); gateway errors (401, 403, 429,
 * injected 5xx) stay plain HTTP errors (§3.4: "requests rejected before streaming … may come back
 * as a normal non-200 JSON error").
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { maskKey, type Caller } from './auth.js';
import { API_PREFIX, type SimCore } from './core.js';
import { MSG, SimError } from './errors.js';
import { Exchange, isInputError, readBody } from './exchange.js';
import { faultStatusError, type FaultRule } from './faults.js';
import { ENDPOINT_PATHS, type EndpointKey, type Region } from './models.js';
import { rateQuotaError } from './ratelimit.js';
import { getTask, cancelTask } from './routes/tasks.js';
import { sync } from './routes/generation.js';
import type { RouteCall } from './routes/shared.js';
import { submitTask } from './routes/submit.js';
import { textGeneration } from './routes/text-generation.js';
import { getPolicy } from './routes/uploads.js';
import { newId } from './service-formats.js';

export { API_PREFIX, type AssetsLike, type SimCore, type TimingConfig } from './core.js';
export { sseRequested } from './exchange.js';

/** One endpoint: a method and a path under `/api/v1` (a pattern where it has a parameter), and its handler. */
interface Route {
  method: 'GET' | 'POST';
  path: string | RegExp;
  handle(call: RouteCall): void | Promise<void>;
}

/** Every endpoint the simulator serves; anything else under `/api/v1` is 404 NotFound. */
const ROUTES: readonly Route[] = [
  { method: 'POST', path: ENDPOINT_PATHS.multimodalGeneration, handle: sync },
  { method: 'POST', path: ENDPOINT_PATHS.text2image, handle: submitTask },
  { method: 'POST', path: ENDPOINT_PATHS.image2image, handle: submitTask },
  { method: 'POST', path: ENDPOINT_PATHS.imageGeneration, handle: submitTask },
  { method: 'POST', path: ENDPOINT_PATHS.outPainting, handle: submitTask },
  // The documented path ends in a slash; paths are compared without trailing slashes.
  { method: 'POST', path: ENDPOINT_PATHS.backgroundGeneration.replace(/\/+$/, ''), handle: submitTask },
  { method: 'GET', path: /^\/tasks\/([^/]+)$/, handle: getTask },
  { method: 'POST', path: /^\/tasks\/([^/]+)\/cancel$/, handle: cancelTask },
  { method: 'GET', path: '/uploads', handle: getPolicy },
  { method: 'POST', path: '/services/aigc/text-generation/generation', handle: textGeneration },
];

/** The route for a method and a path below `/api/v1`, with the path's parameter. */
function findRoute(method: string, apiPath: string): { route: Route; param: string } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    if (typeof route.path === 'string') {
      if (route.path === apiPath) return { route, param: '' };
      continue;
    }
    const m = route.path.exec(apiPath);
    if (m) return { route, param: decodeURIComponent(m[1]) };
  }
  return undefined;
}

const ENDPOINT_BY_PATH = new Map(Object.entries(ENDPOINT_PATHS).map(([k, p]) => [API_PREFIX + p.replace(/\/+$/, ''), k as EndpointKey]));

export function createHandler(core: SimCore, region: Region): (req: IncomingMessage, res: ServerResponse) => void {
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ex = new Exchange(req, res, core.clock);
    const url = new URL(req.url ?? '/', 'http://sim.local');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = (req.method ?? 'GET').toUpperCase();
    let callerKey: string | undefined;
    res.on('finish', () => core.log?.(`[sim ${region}] ${method} ${path} → ${ex.status} ${core.clock.now() - ex.arrive}ms${callerKey ? ` key=${maskKey(callerKey)}` : ''}`));

    const { buf, tooLarge } = await readBody(req);
    let body: unknown;
    let parseError = false;
    if (buf.length > 0 && !tooLarge) {
      try {
        body = JSON.parse(buf.toString('utf8').replace(/^\uFEFF/, ''));
      } catch {
        parseError = true;
      }
    }

    // Fault rules match on the request before anything else.
    const taskMatch = /^\/api\/v1\/tasks\/([^/]+)(\/cancel)?$/.exec(path);
    const endpoint = ENDPOINT_BY_PATH.get(path);
    const submit = method === 'POST' && endpoint !== undefined && endpoint !== 'multimodalGeneration';
    const bodyModel = typeof (body as { model?: unknown } | undefined)?.model === 'string' ? (body as { model: string }).model : undefined;
    const model = taskMatch ? core.tasks.get(decodeURIComponent(taskMatch[1]))?.model : (bodyModel ?? url.searchParams.get('model') ?? undefined);
    const rules = core.faults.match({ method, path, model, submit });
    const taskFail = rules.find((r) => r.kind === 'taskFail') as Extract<FaultRule, { kind: 'taskFail' }> | undefined;
    for (const r of rules) if (r.kind === 'delay') await core.clock.sleep(r.ms);
    for (const r of rules) {
      if ((r.kind === 'status' || r.kind === 'resetBeforeHeaders') && r.counted) {
        ex.fault.afterCount = r;
        continue;
      }
      if (r.kind === 'resetBeforeHeaders') {
        req.socket.destroy();
        return;
      }
      if (r.kind === 'status') {
        ex.error(faultStatusError(r));
        return;
      }
      if (r.kind === 'throttle') {
        ex.error(rateQuotaError(r.retryAfter));
        return;
      }
      if (r.kind === 'resetMidBody') ex.fault.midBody = true;
      if (r.kind === 'resetMidStream') ex.fault.midStreamAfter = r.afterEvents;
      if (r.kind === 'malformedJson') ex.fault.malformed = true;
    }

    try {
      if (!path.startsWith(API_PREFIX + '/') && path !== API_PREFIX) throw new SimError(404, 'NotFound', MSG.notFound);
      const caller: Caller = core.keys.authenticate(req.headers.authorization, region);
      callerKey = caller.key;
      if (tooLarge) throw new SimError(400, 'BadRequest.TooLarge', MSG.payloadTooLarge);
      const found = findRoute(method, path.slice(API_PREFIX.length));
      if (!found) throw new SimError(404, 'NotFound', MSG.notFound);
      await found.route.handle({ core, region, ex, caller, url, body, parseError, param: found.param, endpoint: endpoint ?? 'multimodalGeneration', taskFail });
    } catch (err) {
      if (err instanceof SimError) ex.error(err);
      else if (isInputError(err)) ex.error(new SimError(err.status, err.code, err.message));
      else {
        core.log?.(`[sim ${region}] internal error: ${err instanceof Error ? err.stack : String(err)}`);
        ex.error(new SimError(500, 'InternalError', MSG.internalError));
      }
    }
  }

  return (req, res) => {
    handle(req, res).catch((err) => {
      core.log?.(`[sim ${region}] unhandled: ${err instanceof Error ? err.stack : String(err)}`);
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ code: 'InternalError', message: MSG.internalError, request_id: newId() }));
      } else res.destroy();
    });
  };
}
