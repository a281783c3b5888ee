/**
 * Small helpers shared by the simulator core: ids, the service's timestamp format, hashing.
 */
import { createHash, randomUUID } from 'node:crypto';

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

export function md5Hex(s: string): string {
  return createHash('md5').update(s).digest('hex');
}

/** A stable 32-bit hash of a string. */
export function hash32(s: string): number {
  return createHash('sha256').update(s).digest().readUInt32BE(0);
}

/** Masks a key for logs: `sk-sim-b…0001`. Never prints a full key. */
export function maskKey(key: string): string {
  if (key.length <= 10) return '***';
  return `${key.slice(0, 8)}…${key.slice(-4)}`;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
