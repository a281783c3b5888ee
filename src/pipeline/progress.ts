/**
 * A job's progress as the UI shows it (status bar, notification, studio card, Show Jobs): the
 * client's events narrowed to what a person reads, in the order they happen. The host turns
 * each into localized text.
 */
import type { ProgressEvent } from '../dashscope/index.js';

/** Progress of a job, in the order it happens; the host turns it into localized text. */
export type JobProgress =
  | { readonly kind: 'upload'; readonly name: string; readonly bytes: number }
  | { readonly kind: 'request'; readonly model: string; readonly mode: 'sync' | 'stream' | 'async' }
  | { readonly kind: 'submitted'; readonly taskId: string }
  | { readonly kind: 'task'; readonly taskId: string; readonly status: string; readonly elapsedMs: number }
  | { readonly kind: 'retry'; readonly message: string }
  /** Waiting for a model's rate window to reopen (qwen-image-max: 2 a minute); `seconds` counts down. */
  | { readonly kind: 'rateWait'; readonly model: string; readonly seconds: number }
  | { readonly kind: 'download'; readonly done: number; readonly total: number }
  | { readonly kind: 'save'; readonly done: number; readonly total: number }
  | { readonly kind: 'cancelTask'; readonly taskId: string; readonly outcome: 'cancelled' | 'started' | 'failed' };

/** The client's progress as job progress (what the UI shows). */
export function jobProgressOf(event: ProgressEvent): JobProgress | undefined {
  switch (event.type) {
    case 'upload':
      return event.phase === 'upload' ? { kind: 'upload', name: event.name, bytes: event.bytes } : undefined;
    case 'request':
      return { kind: 'request', model: event.model, mode: event.mode };
    case 'status':
      return { kind: 'task', taskId: event.taskId, status: event.status, elapsedMs: event.elapsedMs };
    case 'retry':
      return { kind: 'retry', message: event.message };
    case 'wait':
      // Short backoffs are said once by the retry line; a window's minute counts down.
      return event.rateWindow ? { kind: 'rateWait', model: event.rateWindow.model, seconds: Math.ceil(event.remainingMs / 1000) } : undefined;
    default:
      return undefined;
  }
}
