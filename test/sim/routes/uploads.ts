/** The temporary-upload policy endpoint (§7). */
import { MSG, invalidParameter } from '../errors.js';
import { UPLOAD_POLICY_RPS } from '../models.js';
import type { RouteCall } from './shared.js';

/** `GET /uploads?action=getPolicy&model=…` (§7). Any model name is accepted; the policy binds it. */
export function getPolicy({ core, ex, caller, url }: RouteCall): void {
  const action = url.searchParams.get('action');
  const model = url.searchParams.get('model');
  if (action !== 'getPolicy') throw invalidParameter(`${MSG.requiredMissing} (action=getPolicy)`);
  if (!model) throw invalidParameter(`${MSG.requiredMissing} (model)`);
  core.limiter.take(`${caller.accountId}|${model}|policy`, UPLOAD_POLICY_RPS);
  ex.json(200, { data: core.assets.createUploadPolicy({ keyId: caller.keyId, model, requestId: ex.requestId }), request_id: ex.requestId });
}
