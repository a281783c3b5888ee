/**
 * The result host: an OSS-like HTTP server on 127.0.0.1 that serves generated images under
 * signed, expiring URLs, like `dashscope-result-*.oss-cn-*.aliyuncs.com` (reference §2.3, §8):
 *
 *   http://127.0.0.1:PORT/<yyyymmdd>/<hex8>/<uuid>-<index>.png?Expires=<epoch s>&OSSAccessKeyId=SIMAK…&Signature=<b64>
 *
 * `Signature` is base64(HMAC-SHA256(secret, "GET\n" + Expires + "\n" + path)) with a per-process
 * secret. Errors are OSS XML bodies (`application/xml`):
 *   - no signature parameters           → 403 AccessDenied "You have no right to access this object because of bucket acl."
 *   - unknown OSSAccessKeyId            → 403 InvalidAccessKeyId
 *   - past Expires (or the object's ttl) → 403 AccessDenied "Request has expired."
 *   - bad signature                     → 403 SignatureDoesNotMatch
 *   - object evicted / never stored     → 404 NoSuchKey
 * `GET` and `HEAD` are served (with `Range: bytes=…` support); anything else → 405.
 * Fixtures under `/static/<name>` are served without a signature and never expire.
 *
 * Fault knobs: {@link ResultHost.setThrottle} (bytes/s for downloads started afterwards) and
 * {@link ResultHost.failNextDownloads} (the next N GETs of signed objects are reset mid-body, or
 * answered 500 InternalError).
 */
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { SimClock } from '../clock';
import { closeServer, httpDate, isoSeconds, listen, originOf, ossRequestId, sendOssError, yyyymmdd } from './oss';

export interface StoredObject {
  /** URL path, e.g. `/20260611/d23adf3d/5795d646-…-1.png`. */
  path: string;
  bytes: Buffer;
  contentType: string;
  createdAtMs: number;
  /** Exact expiry in ms (the URL's `Expires` is this rounded up to whole seconds). */
  expiresAtMs: number;
  etag: string;
  /** base64 MD5 of the bytes (OSS `Content-MD5`). */
  md5: string;
}

export type UrlLookup =
  | { ok: true; object: StoredObject }
  | { ok: false; status: number; code: string; message: string };

export interface ResultHostOptions {
  host: string;
  /** Expiry, `Date` headers and throttled-download pacing. */
  clock: SimClock;
  /** Default lifetime of a URL and its object. */
  defaultTtlMs: number;
  /** Storage bounds: the oldest objects are dropped beyond these. */
  maxItems?: number;
  maxBytes?: number;
}

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  bmp: 'image/bmp',
  gif: 'image/gif',
  tiff: 'image/tiff',
};

type FailKind = 'reset' | '500';

export class ResultHost {
  readonly baseUrl: string;
  /** The `OSSAccessKeyId` in every URL of this process. */
  readonly accessKeyId: string;
  private readonly secret = randomBytes(32);
  private readonly objects = new Map<string, StoredObject>();
  private readonly statics = new Map<string, StoredObject>();
  private storedBytes = 0;
  private counter = 0;
  private throttleBps: number | undefined;
  private failQueue: FailKind[] = [];
  private readonly maxItems: number;
  private readonly maxBytes: number;
  /** GETs of signed objects served (including failed ones); for tests and stats. */
  downloads = 0;

  private constructor(
    private readonly server: Server,
    port: number,
    private readonly opts: ResultHostOptions,
  ) {
    this.baseUrl = originOf(opts.host, port);
    this.accessKeyId = `SIMAK${randomBytes(8).toString('hex').toUpperCase()}`;
    this.maxItems = opts.maxItems ?? 500;
    this.maxBytes = opts.maxBytes ?? 512 * 1024 * 1024;
  }

  static async start(opts: ResultHostOptions): Promise<ResultHost> {
    const server = createServer();
    server.keepAliveTimeout = 5_000;
    const port = await listen(server, opts.host);
    const self = new ResultHost(server, port, opts);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => self.handle(req, res));
    return self;
  }

  /** Port of the host (for "is this URL ours" checks). */
  get port(): number {
    return Number(new URL(this.baseUrl).port);
  }

  private sign(path: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`GET\n${expires}\n${path}`).digest('base64');
  }

  /** Stores bytes and returns their signed URL. */
  put(bytes: Buffer, ext: string, ttlMs?: number, index?: number): string {
    const now = this.opts.clock.now();
    const ttl = ttlMs ?? this.opts.defaultTtlMs;
    const idx = index ?? ++this.counter;
    const path = `/${yyyymmdd(now)}/${randomBytes(4).toString('hex')}/${randomUUID()}-${idx}.${ext}`;
    const object: StoredObject = {
      path,
      bytes,
      contentType: CONTENT_TYPES[ext] ?? 'application/octet-stream',
      createdAtMs: now,
      expiresAtMs: now + ttl,
      ...digests(bytes),
    };
    this.objects.set(path, object);
    this.storedBytes += bytes.length;
    this.evict();
    const expires = Math.ceil((now + ttl) / 1000);
    const q = `Expires=${expires}&OSSAccessKeyId=${this.accessKeyId}&Signature=${encodeURIComponent(this.sign(path, expires))}`;
    return `${this.baseUrl}${path}?${q}`;
  }

  /** Serves `bytes` at `/static/<name>` without signature or expiry; returns the URL. */
  putStatic(name: string, bytes: Buffer, contentType?: string): string {
    const clean = name.replace(/^\/+/, '');
    const path = `/static/${clean}`;
    const ext = clean.split('.').pop()?.toLowerCase() ?? '';
    this.statics.set(path, {
      path,
      bytes,
      contentType: contentType ?? CONTENT_TYPES[ext] ?? 'application/octet-stream',
      createdAtMs: this.opts.clock.now(),
      expiresAtMs: Number.POSITIVE_INFINITY,
      ...digests(bytes),
    });
    return `${this.baseUrl}${path.split('/').map(encodeURIComponent).join('/')}`;
  }

  private evict(): void {
    while (this.objects.size > this.maxItems || this.storedBytes > this.maxBytes) {
      const first = this.objects.keys().next();
      if (first.done) break;
      const o = this.objects.get(first.value)!;
      this.objects.delete(first.value);
      this.storedBytes -= o.bytes.length;
    }
  }

  /** Number of stored objects and their bytes. */
  stats(): { items: number; bytes: number; downloads: number } {
    return { items: this.objects.size, bytes: this.storedBytes, downloads: this.downloads };
  }

  setThrottle(bytesPerSecond: number | undefined): void {
    if (bytesPerSecond !== undefined && !(bytesPerSecond > 0)) throw new RangeError('throttle must be > 0 bytes/s or undefined');
    this.throttleBps = bytesPerSecond;
  }

  failNextDownloads(count: number, kind: FailKind): void {
    for (let i = 0; i < count; i++) this.failQueue.push(kind);
  }

  /** Pending injected download failures. */
  get pendingFailures(): number {
    return this.failQueue.length;
  }

  /**
   * Checks a URL the way a GET would (signature, expiry, existence) without any HTTP traffic.
   * Used to resolve input images that point at this host.
   */
  lookup(url: URL): UrlLookup {
    let path: string;
    try {
      path = decodeURIComponent(url.pathname);
    } catch {
      return { ok: false, status: 400, code: 'InvalidURI', message: 'Could not parse the specified URI.' };
    }
    const stat = this.statics.get(path);
    if (stat) return { ok: true, object: stat };
    const q = url.searchParams;
    const expiresRaw = q.get('Expires');
    const keyId = q.get('OSSAccessKeyId');
    const signature = q.get('Signature');
    if (expiresRaw === null || keyId === null || signature === null) {
      return { ok: false, status: 403, code: 'AccessDenied', message: 'You have no right to access this object because of bucket acl.' };
    }
    if (keyId !== this.accessKeyId) {
      return { ok: false, status: 403, code: 'InvalidAccessKeyId', message: 'The OSS Access Key Id you provided does not exist in our records.' };
    }
    const expires = Number(expiresRaw);
    const now = this.opts.clock.now();
    if (!/^\d+$/.test(expiresRaw) || expires * 1000 < now) {
      return { ok: false, status: 403, code: 'AccessDenied', message: 'Request has expired.' };
    }
    if (signature !== this.sign(url.pathname, expires)) {
      return {
        ok: false,
        status: 403,
        code: 'SignatureDoesNotMatch',
        message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      };
    }
    const object = this.objects.get(path);
    if (!object) return { ok: false, status: 404, code: 'NoSuchKey', message: 'The specified key does not exist.' };
    if (object.expiresAtMs <= now) return { ok: false, status: 403, code: 'AccessDenied', message: 'Request has expired.' };
    return { ok: true, object };
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const hostId = req.headers.host ?? 'dashscope-result-sim.oss-cn-beijing.aliyuncs.com';
    res.setHeader('Date', httpDate(this.opts.clock.now()));
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      req.resume();
      sendOssError(req, res, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.', hostId);
      return;
    }
    let url: URL;
    try {
      url = new URL(req.url ?? '/', this.baseUrl);
    } catch {
      sendOssError(req, res, 400, 'InvalidURI', 'Could not parse the specified URI.', hostId);
      return;
    }
    const found = this.lookup(url);
    if (!found.ok) {
      const extra: Record<string, string> = {};
      if (found.message === 'Request has expired.') {
        const e = Number(url.searchParams.get('Expires'));
        if (Number.isFinite(e)) extra.Expires = isoSeconds(e * 1000);
        extra.ServerTime = isoSeconds(this.opts.clock.now());
      }
      sendOssError(req, res, found.status, found.code, found.message, hostId, extra);
      return;
    }
    const obj = found.object;
    const isStatic = obj.expiresAtMs === Number.POSITIVE_INFINITY;

    // Injected failures apply to GETs of signed objects only.
    let fail: FailKind | undefined;
    if (req.method === 'GET' && !isStatic) {
      this.downloads++;
      fail = this.failQueue.shift();
      if (fail === '500') {
        sendOssError(req, res, 500, 'InternalError', 'We encountered an internal error. Please try again.', hostId);
        return;
      }
    }

    let body = obj.bytes;
    let status = 200;
    const headers: Record<string, string | number> = {
      Server: 'AliyunOSS',
      'Content-Type': obj.contentType,
      'Accept-Ranges': 'bytes',
      ETag: obj.etag,
      'Last-Modified': new Date(obj.createdAtMs).toUTCString(),
      'x-oss-request-id': ossRequestId(),
      'x-oss-object-type': 'Normal',
      'x-oss-storage-class': 'Standard',
    };
    const range = parseRange(req.headers.range, obj.bytes.length);
    if (range === 'unsatisfiable') {
      sendOssError(req, res, 416, 'InvalidRange', 'The requested range cannot be satisfied.', hostId);
      return;
    }
    if (range) {
      status = 206;
      body = obj.bytes.subarray(range.start, range.end + 1);
      headers['Content-Range'] = `bytes ${range.start}-${range.end}/${obj.bytes.length}`;
    } else {
      headers['Content-MD5'] = obj.md5;
    }
    headers['Content-Length'] = body.length;
    res.writeHead(status, headers);
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    sendBody(res, body, this.throttleBps, fail === 'reset', this.opts.clock);
  }

  stop(): Promise<void> {
    this.failQueue = [];
    return closeServer(this.server);
  }
}

function digests(bytes: Buffer): { etag: string; md5: string } {
  const md5 = createHash('md5').update(bytes).digest();
  return { etag: `"${md5.toString('hex').toUpperCase()}"`, md5: md5.toString('base64') };
}

function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined; // malformed / multi-range: OSS ignores and sends all
  let start: number;
  let end: number;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size) return 'unsatisfiable';
  if (end < start) return undefined;
  return { start, end };
}

/**
 * Writes a body at full speed or throttled (a chunk at once, then one every 50 ms of the clock),
 * optionally resetting the connection halfway through. The 20 ms before a reset is real time on
 * purpose: it lets the bytes already written reach the client, it is not simulated time.
 */
function sendBody(res: ServerResponse, body: Buffer, bps: number | undefined, resetMidway: boolean, clock: SimClock): void {
  const resetAt = resetMidway ? Math.max(1, Math.floor(body.length / 2)) : body.length + 1;
  const reset = (): void => {
    res.socket?.destroy();
    res.destroy();
  };
  if (!bps) {
    if (!resetMidway) {
      res.end(body);
      return;
    }
    res.write(body.subarray(0, resetAt), () => setTimeout(reset, 20));
    return;
  }
  // 50 ms ticks; for very low rates, one byte per 1000/bps ms so the rate stays right.
  const tickMs = Math.max(50, Math.ceil(1000 / bps));
  const chunk = Math.max(1, Math.round((bps * tickMs) / 1000));
  let sent = 0;
  let cancel: (() => void) | undefined;
  let closed = false;
  res.on('close', () => {
    closed = true;
    cancel?.();
  });
  const step = (): void => {
    cancel = undefined;
    if (closed) return;
    const limit = Math.min(body.length, resetAt);
    const next = Math.min(limit, sent + chunk);
    const piece = body.subarray(sent, next);
    sent = next;
    if (sent >= resetAt) {
      res.write(piece, () => setTimeout(reset, 20));
      return;
    }
    if (sent >= body.length) {
      res.end(piece);
      return;
    }
    res.write(piece);
    cancel = clock.timer(step, tickMs);
  };
  step();
}
