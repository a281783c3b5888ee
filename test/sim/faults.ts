/**
 * Fault injection. Rules are set from code (`startSimulator({ faults })`, `sim.faults.add(rule)`):
 * the client never sends anything simulator-specific. A rule matches a request by `model` (the
 * body's `model`, or the task's model for `/tasks/{id}`), `path` (exact pathname, a suffix of it
 * such as `/tasks`, or a RegExp), `method`, and applies `times` times (default: every time).
 *
 * Kinds:
 * - `delay`: wait `ms` before handling (combines with the other kinds).
 * - `status`: 500 `InternalError` / 503 `ModelUnavailable` (or the given code/message).
 * - `throttle`: 429 `Throttling.RateQuota`, with a `Retry-After: <retryAfter>` header when set.
 * - `resetBeforeHeaders`: the socket is destroyed before any response byte.
 *   `status` and `resetBeforeHeaders` strike before the request is looked at, unless `counted`:
 *   then the submit (or sync call) is first counted against the model's rate window, as a
 *   gateway that counts before the model fails would do (sim choice, unconfirmed), so a retry
 *   meets a window with one call less left.
 * - `resetMidBody`: headers and about half of the (uncompressed) body are sent, then the socket is destroyed.
 * - `resetMidStream`: an SSE stream is cut after `afterEvents` events (a JSON body: like resetMidBody).
 * - `malformedJson`: HTTP 200 with a truncated, unparseable JSON body (or SSE `data:` line).
 * - `taskFail`: the task created by a matching submit ends FAILED with `code`/`message` (default
 *   `InternalError`); with `failedImages` < n on text2image it ends SUCCEEDED with that many
 *   failed entries in `results` (partial failure, §5.3).
 * - `slowDownload`: the result host serves images at `bytesPerSecond` while the rule is active
 *   (not request-matched; removing the rule or `clear()` restores full speed).
 */
import { MSG, SimError } from './errors.js';

export interface FaultMatch {
  model?: string;
  path?: string | RegExp;
  method?: string;
  /** How many matching requests the rule applies to; default unlimited. */
  times?: number;
}

export type FaultAction =
  | { kind: 'delay'; ms: number }
  | { kind: 'status'; status: 500 | 503; code?: string; message?: string; counted?: boolean }
  | { kind: 'throttle'; retryAfter?: number }
  | { kind: 'resetBeforeHeaders'; counted?: boolean }
  | { kind: 'resetMidBody' }
  | { kind: 'resetMidStream'; afterEvents: number }
  | { kind: 'malformedJson' }
  | { kind: 'taskFail'; code?: string; message?: string; failedImages?: number }
  | { kind: 'slowDownload'; bytesPerSecond: number };

export type FaultRule = FaultMatch & FaultAction;

export interface RequestInfo {
  method: string;
  path: string;
  model?: string;
  /** Whether this request creates a task (taskFail rules are consulted only then). */
  submit: boolean;
}

interface Entry {
  rule: FaultRule;
  remaining: number;
}

export class FaultStore {
  private entries: Entry[] = [];

  constructor(private readonly onSlowDownload: (bps: number | undefined) => void) {}

  add(rule: FaultRule): () => void {
    const entry: Entry = { rule, remaining: rule.times ?? Infinity };
    this.entries.push(entry);
    this.refreshThrottle();
    return () => {
      this.entries = this.entries.filter((e) => e !== entry);
      this.refreshThrottle();
    };
  }

  clear(): void {
    this.entries = [];
    this.refreshThrottle();
  }

  /** The rules that apply to this request; each one's `times` is consumed. */
  match(info: RequestInfo): FaultRule[] {
    const out: FaultRule[] = [];
    for (const e of this.entries) {
      const r = e.rule;
      if (r.kind === 'slowDownload') continue;
      if (r.kind === 'taskFail' && !info.submit) continue;
      if (e.remaining <= 0) continue;
      if (r.method && r.method.toUpperCase() !== info.method.toUpperCase()) continue;
      if (r.model && r.model !== info.model) continue;
      if (r.path !== undefined) {
        const ok = typeof r.path === 'string' ? info.path === r.path || info.path.endsWith(r.path) : r.path.test(info.path);
        if (!ok) continue;
      }
      e.remaining -= 1;
      out.push(r);
    }
    this.entries = this.entries.filter((e) => e.remaining > 0 || e.rule.kind === 'slowDownload');
    return out;
  }

  private refreshThrottle(): void {
    const slow = this.entries.filter((e) => e.rule.kind === 'slowDownload').map((e) => (e.rule as { bytesPerSecond: number }).bytesPerSecond);
    this.onSlowDownload(slow.length ? Math.min(...slow) : undefined);
  }
}

/** The answer of a `status` fault: 500 InternalError or 503 ModelUnavailable unless the rule names its own. */
export function faultStatusError(r: Extract<FaultRule, { kind: 'status' }>): SimError {
  const code = r.code ?? (r.status === 503 ? 'ModelUnavailable' : 'InternalError');
  return new SimError(r.status, code, r.message ?? (r.status === 503 ? MSG.modelUnavailable : MSG.internalError));
}
