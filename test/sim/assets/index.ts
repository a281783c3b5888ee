/**
 * The simulator's assets layer: result images (rendering + a signed-URL result host), the
 * temporary-upload policy and OSS-like upload host, and input-image resolution.
 *
 *   const hosts = await startAssetHosts();
 *   const url = await hosts.putResult({ model, prompt, seed, width, height, format: 'png', index: 1 });
 *   const policy = hosts.createUploadPolicy({ keyId, model });      // `data` of getPolicy
 *   const img = await hosts.resolveImage(ref, { model, ossResolve, maxBytes: 10485760 });
 *   await hosts.stop();
 */
import { realClock, type SimClock } from '../clock';
import { RETENTION_MS } from '../models';
import { InputResolver, type ResolvedImage, type ResolveOptions } from './inputs';
import { renderImageAsync, type RenderOptions } from './render';
import { ResultHost } from './store';
import { UPLOAD_FILE_TTL_MS, UploadHost, type UploadPolicyData, type UploadedObject } from './upload';

export { SimInputError } from './errors';
export { renderImage, renderImageAsync, renderTranslation, clearRenderCache, decodeRgba, type RenderOptions } from './render';
export type { UploadPolicyData, UploadedObject } from './upload';
export type { ResolvedImage, ResolveOptions } from './inputs';
export { MSG as INPUT_ERROR_MESSAGES } from './inputs';

export interface AssetHosts {
  /** http://127.0.0.1:PORT of the result host. */
  resultBaseUrl: string;
  /** http://127.0.0.1:PORT of the OSS-like form-POST upload host. */
  uploadHostUrl: string;
  /** Renders + stores a result image; returns its signed URL (expires after ttlMs, default the hosts' resultTtlMs, default 24 h). */
  putResult(opts: { model: string; prompt: string; seed: number; width: number; height: number; format: 'png' | 'jpg'; index: number; ttlMs?: number }): Promise<string>;
  /** Stores already-made image bytes → signed URL. `index` is the `-<index>` suffix of the file name (default: a counter). */
  putResultBytes(bytes: Buffer, ext: 'png' | 'jpg', ttlMs?: number, index?: number): string;
  /** Serves bytes at `${resultBaseUrl}/static/<name>` (no signature, no expiry) and returns that URL; resolveImage reaches it. */
  putStatic(name: string, bytes: Buffer, contentType?: string): string;
  /**
   * The `data` object of a getPolicy response for (keyId, model), as in the capture.
   * `requestId` (optional) becomes the last segment of upload_dir, as in the capture where it
   * equals the response's request_id; `maxFileSizeMb` / `ttlSeconds` override the host defaults.
   */
  createUploadPolicy(opts: { keyId: string; model: string; requestId?: string; maxFileSizeMb?: number; ttlSeconds?: number }): UploadPolicyData;
  /** An uploaded file by key (as in `oss://<key>`), if present. */
  getUpload(key: string): UploadedObject | undefined;
  /**
   * Resolves an image reference for `model` (http(s) URL of the simulator's own hosts, data: URI,
   * or oss:// key) and returns its bytes, sniffed format and pixel size; throws SimInputError with
   * the service's status/code/message otherwise. See inputs.ts for the error table.
   */
  resolveImage(ref: string, opts: ResolveOptions): Promise<ResolvedImage>;
  /** Slow result downloads (bytes/s) for fault injection; undefined = full speed. */
  setResultThrottle(bytesPerSecond: number | undefined): void;
  /** Fail the next N result downloads: 'reset' cuts the connection mid-body, '500' answers an OSS InternalError. */
  failNextDownloads(count: number, kind: 'reset' | '500'): void;
  /** Counters for tests and the CLI. */
  stats(): { results: { items: number; bytes: number; downloads: number }; uploads: { items: number; bytes: number; policies: number } };
  stop(): Promise<void>;
}

export interface AssetHostsOptions {
  /** Lifetime of result URLs (default 24 h, §8). */
  resultTtlMs?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** `expire_in_seconds` of upload policies (default 300, as the capture). */
  policyTtlSeconds?: number;
  /** `max_file_size_mb` of upload policies (default 1024, as the capture). */
  maxUploadMb?: number;
  /** Lifetime of uploaded files (default 48 h, §7). */
  uploadTtlMs?: number;
  /** Expiry, timestamps and download pacing (default the real clock); lets the hosts run on simulated time. */
  clock?: SimClock;
  /** Result storage bounds (defaults 500 items, 512 MB). */
  maxResultItems?: number;
  maxResultBytes?: number;
}

export async function startAssetHosts(opts: AssetHostsOptions = {}): Promise<AssetHosts> {
  const host = opts.host ?? '127.0.0.1';
  const clock = opts.clock ?? realClock;
  const results = await ResultHost.start({
    host,
    clock,
    defaultTtlMs: opts.resultTtlMs ?? RETENTION_MS,
    maxItems: opts.maxResultItems,
    maxBytes: opts.maxResultBytes,
  });
  let uploads: UploadHost;
  try {
    uploads = await UploadHost.start({
      host,
      clock,
      policyTtlSeconds: opts.policyTtlSeconds ?? 300,
      maxFileSizeMb: opts.maxUploadMb ?? 1024,
      fileTtlMs: opts.uploadTtlMs ?? UPLOAD_FILE_TTL_MS,
    });
  } catch (e) {
    await results.stop();
    throw e;
  }
  const resolver = new InputResolver(results, uploads, () => clock.now());
  let stopped: Promise<void> | undefined;

  return {
    resultBaseUrl: results.baseUrl,
    uploadHostUrl: uploads.baseUrl,
    async putResult(o) {
      const r: RenderOptions = { model: o.model, prompt: o.prompt, seed: o.seed, width: o.width, height: o.height, format: o.format, index: o.index };
      const bytes = await renderImageAsync(r);
      return results.put(bytes, o.format, o.ttlMs, o.index);
    },
    putResultBytes(bytes, ext, ttlMs, index) {
      return results.put(bytes, ext, ttlMs, index);
    },
    putStatic(name, bytes, contentType) {
      return results.putStatic(name, bytes, contentType);
    },
    createUploadPolicy(o) {
      return uploads.createPolicy(o);
    },
    getUpload(key) {
      return uploads.getObject(key);
    },
    resolveImage(ref, o) {
      return resolver.resolve(ref, o);
    },
    setResultThrottle(bps) {
      results.setThrottle(bps);
    },
    failNextDownloads(count, kind) {
      results.failNextDownloads(count, kind);
    },
    stats() {
      return { results: results.stats(), uploads: uploads.stats() };
    },
    stop() {
      stopped ??= Promise.all([results.stop(), uploads.stop()]).then(() => undefined);
      return stopped;
    },
  };
}
