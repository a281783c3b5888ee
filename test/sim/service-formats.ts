/**
 * Values in the service's own formats: request and task ids, and task timestamps.
 */
import { randomUUID } from 'node:crypto';

/** A request id / task id in the service's 8-4-4-4-12 hex form. */
export function newId(): string {
  return randomUUID();
}

/**
 * The service's task timestamp: `YYYY-MM-DD HH:mm:ss.SSS`, no zone, UTC+8 wall clock
 * (captures: submit "2024-03-01 17:38:24.817" for HTTP Date 09:38:24 GMT; reference §5.3).
 */
export function formatTaskTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().replace('T', ' ').replace('Z', '');
}

/** Parses {@link formatTaskTime} back to epoch ms (tests). */
export function parseTaskTime(s: string): number {
  return Date.parse(s.replace(' ', 'T') + 'Z') - 8 * 3600_000;
}
