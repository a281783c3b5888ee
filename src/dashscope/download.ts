/**
 * Result downloads: stream a result URL to a file, then check that the bytes really are an image
 * (magic bytes, decoded size) of the expected type. Result URLs are signed OSS URLs that live 24 h
 * (§8); after that the host answers 403, which becomes a clear `ResultExpired` error.
 *
 * Result URLs are fetched WITHOUT the API key (they are pre-signed; the key must never leave for
 * another host).
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, stat, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CLIENT_ERROR_CODES, DashScopeError, isAbortError, networkError } from './errors.js';
import { backoffDelay, DEFAULT_RETRY, abortReason, type RetryEvent, type Transport } from './transport.js';
import { inspectImageFile } from './upload.js';

/** Options of {@link downloadImage}. */
export interface DownloadOptions {
  /** Where to write; default a fresh file in `dir`. An existing file is replaced only after a verified download. */
  filePath?: string;
  /** Directory for the default file name; default `os.tmpdir()`. */
  dir?: string;
  /** Refuse anything that is not of this format (`png`, `jpg`, …). */
  expectedFormat?: string;
  signal?: AbortSignal;
  onRetry?: (e: RetryEvent) => void;
  /** Attempts after a broken transfer (the transport retries failed connections itself). Default 3. */
  maxRetries?: number;
}

/** A downloaded and verified image. */
export interface DownloadedImage {
  path: string;
  bytes: number;
  format: string;
  width: number;
  height: number;
}

/** Streams `url` to a file and verifies it. Throws `ResultExpired` on 403/404/410 from the result host. */
export async function downloadImage(transport: Transport, url: string, options: DownloadOptions = {}): Promise<DownloadedImage> {
  const target = options.filePath ?? join(options.dir ?? tmpdir(), `bailian-${randomBytes(6).toString('hex')}`);
  const part = `${target}.${randomBytes(3).toString('hex')}.part`;
  const maxRetries = options.maxRetries ?? 3;
  let attempt = 0;
  for (;;) {
    try {
      const res = await transport.open({ method: 'GET', url, signal: options.signal, onRetry: options.onRetry, label: 'download result' });
      await pipeline(res.body, createWriteStream(part), { signal: options.signal });
      break;
    } catch (err) {
      await unlink(part).catch(() => undefined);
      if (options.signal?.aborted) throw abortReason(options.signal);
      if (isAbortError(err)) throw err;
      if (err instanceof DashScopeError && err.httpStatus !== undefined && [403, 404, 410].includes(err.httpStatus)) {
        throw new DashScopeError({
          httpStatus: err.httpStatus,
          code: CLIENT_ERROR_CODES.resultExpired,
          message: 'This result URL has expired (DashScope keeps results 24 h).',
          requestId: err.requestId,
          retriable: false,
          cause: err,
        });
      }
      // Redirects are never followed (undici's request does not, and we do not ask it to): a signed
      // result URL answers with the image itself, and a redirect could lead anywhere.
      if (err instanceof DashScopeError && err.httpStatus !== undefined && err.httpStatus >= 300 && err.httpStatus < 400) {
        throw new DashScopeError({
          httpStatus: err.httpStatus,
          code: 'ResultRedirected',
          message: `The result host answered with a redirect (HTTP ${err.httpStatus}) instead of the image; redirects are not followed.`,
          hint: 'Generate the image again; if this keeps happening, a proxy or firewall may be rewriting DashScope result URLs.',
          requestId: err.requestId,
          retriable: false,
          cause: err,
        });
      }
      const error = networkError(err, { url, phase: 'while downloading' }) ?? err;
      if (error instanceof DashScopeError && error.retriable && attempt < maxRetries) {
        attempt++;
        const delayMs = backoffDelay(attempt, DEFAULT_RETRY);
        options.onRetry?.({ attempt, maxRetries, delayMs, error, method: 'GET', target: 'result' });
        await transport.clock.sleep(delayMs, options.signal);
        continue;
      }
      throw error;
    }
  }

  // Verified from the file's head (headers come first), so a large result is never held in memory.
  const size = (await stat(part)).size;
  const info = await inspectImageFile(part, size);
  if (!info || (options.expectedFormat && normalizeFormat(info.format) !== normalizeFormat(options.expectedFormat))) {
    const what = info ? `a ${info.format.toUpperCase()} image` : `not an image (${describeStart(await readStart(part), size)})`;
    await unlink(part).catch(() => undefined);
    throw new DashScopeError({
      code: CLIENT_ERROR_CODES.invalidResult,
      message: `The downloaded result is ${what}${options.expectedFormat ? `; expected ${options.expectedFormat.toUpperCase()}` : ''}.`,
      retriable: false,
    });
  }
  const finalPath = options.filePath ?? `${target}.${info.format === 'jpg' ? 'jpg' : info.format}`;
  await rename(part, finalPath);
  transport.logger.debug('downloaded result', { bytes: size, format: info.format, width: info.width, height: info.height });
  return { path: finalPath, bytes: size, format: info.format, width: info.width, height: info.height };
}

function normalizeFormat(f: string): string {
  const l = f.toLowerCase();
  return l === 'jpeg' ? 'jpg' : l;
}

/** The first 16 bytes of a file, for the error message. */
async function readStart(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(16);
    const { bytesRead } = await handle.read(buf, 0, 16, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function describeStart(start: Uint8Array, size: number): string {
  if (size === 0) return 'empty';
  const head = Buffer.from(start.subarray(0, 16)).toString('latin1').replace(/[^\x20-\x7e]/g, '.');
  return `${size} bytes starting "${head}"`;
}
