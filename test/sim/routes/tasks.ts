/** `GET /tasks/{id}` and `POST /tasks/{id}/cancel` (§5). */
import { MSG, SimError } from '../errors.js';
import { DEFAULT_TASK_QUERY_RPS, findSimModel } from '../models.js';
import type { RouteCall } from './shared.js';

const TASK_CT = 'application/json;charset=UTF-8';

/**
 * `GET /tasks/{id}`: 20 queries per second per account (API §5.1), and for models with a lower
 * documented query rate (qwen-mt-image: 1/s, API §8) that rate per account for their tasks.
 */
export function getTask({ core, ex, caller, param: id }: RouteCall): void {
  core.limiter.take(`${caller.accountId}|taskquery`, DEFAULT_TASK_QUERY_RPS);
  const t = core.tasks.get(id, caller.accountId);
  const qps = t ? findSimModel(t.model)?.rateLimits.queryPerSecond : undefined;
  if (t && qps !== undefined && qps < DEFAULT_TASK_QUERY_RPS) core.limiter.take(`${caller.accountId}|${t.model}|taskquery`, qps);
  if (!t) {
    ex.json(200, { request_id: ex.requestId, output: { task_id: id, task_status: 'UNKNOWN' } }, { contentType: TASK_CT });
    return;
  }
  const v = core.tasks.view(t);
  ex.json(200, { request_id: ex.requestId, output: v.output, ...(v.usage ? { usage: v.usage } : {}) }, { contentType: TASK_CT });
}

/** `POST /tasks/{id}/cancel`: only a PENDING task can be cancelled. */
export function cancelTask({ core, ex, caller, param: id }: RouteCall): void {
  if (!core.tasks.cancel(id, caller.accountId)) {
    ex.error(new SimError(400, 'UnsupportedOperation', MSG.cancelNotPending), { contentType: TASK_CT, requestIdFirst: true });
    return;
  }
  // §10: success body not captured; the SDKs model it as {request_id}.
  ex.json(200, { request_id: ex.requestId }, { contentType: TASK_CT });
}
