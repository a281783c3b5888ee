/**
 * Temporary upload (reference §7, captures get-upload-policy-nosse / upload-temporary-file-nosse):
 * the policy the `GET /api/v1/uploads?action=getPolicy` endpoint hands out, and an OSS-like host
 * that takes the browser-style form POST.
 *
 * Policy: base64 of `{"expiration": ISO, "conditions": [["content-length-range",0,max],
 * ["starts-with","$key",upload_dir], {"bucket":"dashscope-file-mgr"}, {"x-oss-object-acl":"private"},
 * {"x-oss-forbid-overwrite":"true"}]}` (slashes escaped as `\/`, like the capture), signed with
 * base64(HMAC-SHA1(secret, policy)) as OSS V1 POST signatures are.
 *
 * The POST is checked like OSS does, each failure an OSS XML error:
 *   - not multipart / no `file`           → 400 MalformedPOSTRequest / InvalidArgument
 *   - no `key`                            → 400 InvalidArgument "Bucket POST must contain a field named 'key'. …"
 *   - missing OSSAccessKeyId/policy/Signature → 403 AccessDenied
 *   - policy/signature/key id not issued here → 403 SignatureDoesNotMatch / InvalidAccessKeyId
 *   - policy expired                      → 403 AccessDenied "Invalid according to Policy: Policy expired."
 *   - key outside upload_dir, acl / forbid-overwrite differing → 403 AccessDenied "Invalid according to Policy: Policy Condition failed: …"
 *   - file larger than max_file_size_mb   → 400 EntityTooLarge
 *   - key exists and forbid-overwrite     → 409 FileAlreadyExists
 * Success: `success_action_status` 200 → 200 with an empty body (what the SDKs send and check);
 * 201 → 201 with a `<PostResponse>` XML body; absent or anything else → 204, as OSS does.
 *
 * Uploaded objects remember the model (and key id) of their policy and live 48 h.
 */
import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { parseMultipart, type FormPart } from './multipart';
import { checkUploadForm, readCapped, type IssuedPolicy, type OssFailure } from './upload-form';
import type { SimClock } from '../clock';
import { closeServer, httpDate, listen, originOf, ossRequestId, sendOssError } from './oss';

export interface UploadPolicyData {
  policy: string;
  signature: string;
  upload_dir: string;
  upload_host: string;
  expire_in_seconds: number;
  max_file_size_mb: number;
  capacity_limit_mb: number;
  oss_access_key_id: string;
  x_oss_object_acl: string;
  x_oss_forbid_overwrite: string;
}

export interface UploadedObject {
  key: string;
  bytes: Buffer;
  contentType?: string;
  filename?: string;
  model: string;
  keyId: string;
  uploadedAtMs: number;
  expiresAtMs: number;
}


export interface UploadHostOptions {
  host: string;
  /** Policy and file expiry, `Date` headers. */
  clock: SimClock;
  /** `expire_in_seconds` of issued policies (the capture: 300). */
  policyTtlSeconds: number;
  /** `max_file_size_mb` of issued policies (the capture: 1024). */
  maxFileSizeMb: number;
  /** Lifetime of uploaded files (§7: 48 h). */
  fileTtlMs: number;
  /** Storage bounds: the oldest uploads are dropped beyond these. */
  maxItems?: number;
  maxBytes?: number;
}

export const UPLOAD_BUCKET = 'dashscope-file-mgr';
export const UPLOAD_FILE_TTL_MS = 48 * 60 * 60 * 1000;
const MB = 1024 * 1024;
/** Multipart overhead allowed on top of the file size before the body is refused unread. */
const FORM_OVERHEAD = 256 * 1024;

export class UploadHost {
  readonly baseUrl: string;
  readonly accessKeyId: string;
  private readonly secret = randomBytes(32);
  private readonly policies = new Map<string, IssuedPolicy>();
  private readonly objects = new Map<string, UploadedObject>();
  private storedBytes = 0;
  private readonly maxItems: number;
  private readonly maxBytes: number;

  private constructor(
    private readonly server: Server,
    port: number,
    private readonly opts: UploadHostOptions,
  ) {
    this.baseUrl = originOf(opts.host, port);
    this.accessKeyId = `SIMAK${randomBytes(8).toString('hex').toUpperCase()}`;
    this.maxItems = opts.maxItems ?? 500;
    this.maxBytes = opts.maxBytes ?? 512 * MB;
  }

  static async start(opts: UploadHostOptions): Promise<UploadHost> {
    const server = createServer();
    const port = await listen(server, opts.host);
    const self = new UploadHost(server, port, opts);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      res.setHeader('Date', httpDate(opts.clock.now()));
      self.handle(req, res).catch(() => {
        if (!res.headersSent) sendOssError(req, res, 500, 'InternalError', 'We encountered an internal error. Please try again.', 'upload');
        else res.destroy();
      });
    });
    return self;
  }

  get port(): number {
    return Number(new URL(this.baseUrl).port);
  }

  /** The `data` of a getPolicy response for (keyId, model). */
  createPolicy(o: { keyId: string; model: string; requestId?: string; maxFileSizeMb?: number; ttlSeconds?: number }): UploadPolicyData {
    const now = this.opts.clock.now();
    this.prunePolicies(now);
    const ttl = o.ttlSeconds ?? this.opts.policyTtlSeconds;
    const maxMb = o.maxFileSizeMb ?? this.opts.maxFileSizeMb;
    const maxBytes = Math.floor(maxMb * MB);
    const expiresAtMs = now + ttl * 1000;
    const day = new Date(now).toISOString().slice(0, 10);
    const account = createHash('md5').update(`sim-account:${o.keyId}`).digest('hex');
    const uploadDir = `dashscope-instant/${account}/${day}/${o.requestId ?? randomUUID()}`;
    const doc = {
      expiration: new Date(expiresAtMs).toISOString(),
      conditions: [
        ['content-length-range', 0, maxBytes],
        ['starts-with', '$key', uploadDir],
        { bucket: UPLOAD_BUCKET },
        { 'x-oss-object-acl': 'private' },
        { 'x-oss-forbid-overwrite': 'true' },
      ],
    };
    const policy = Buffer.from(JSON.stringify(doc).replace(/\//g, '\\/'), 'utf8').toString('base64');
    const signature = createHmac('sha1', this.secret).update(policy).digest('base64');
    this.policies.set(policy, {
      policy,
      signature,
      uploadDir,
      model: o.model,
      keyId: o.keyId,
      expiresAtMs,
      maxBytes,
      acl: 'private',
      forbidOverwrite: 'true',
    });
    return {
      policy,
      signature,
      upload_dir: uploadDir,
      upload_host: this.baseUrl,
      expire_in_seconds: ttl,
      max_file_size_mb: maxMb,
      capacity_limit_mb: 999999999,
      oss_access_key_id: this.accessKeyId,
      x_oss_object_acl: 'private',
      x_oss_forbid_overwrite: 'true',
    };
  }

  /** Drops policies that expired more than an hour ago (they only matter for the error text). */
  private prunePolicies(now: number): void {
    for (const [k, p] of this.policies) {
      if (p.expiresAtMs + 3_600_000 < now) this.policies.delete(k);
    }
    while (this.policies.size > 10_000) {
      const first = this.policies.keys().next();
      if (first.done) break;
      this.policies.delete(first.value);
    }
  }

  /** An uploaded object by key (undefined when never uploaded or dropped). Expiry is the caller's to check. */
  getObject(key: string): UploadedObject | undefined {
    return this.objects.get(key);
  }

  stats(): { items: number; bytes: number; policies: number } {
    return { items: this.objects.size, bytes: this.storedBytes, policies: this.policies.size };
  }

  private largestPolicyBytes(): number {
    let max = Math.floor(this.opts.maxFileSizeMb * MB);
    for (const p of this.policies.values()) max = Math.max(max, p.maxBytes);
    return max;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const hostId = req.headers.host ?? `${UPLOAD_BUCKET}.oss-cn-beijing.aliyuncs.com`;
    if (req.method !== 'POST') {
      req.resume();
      if (req.method === 'GET' || req.method === 'HEAD') {
        sendOssError(req, res, 403, 'AccessDenied', 'You have no right to access this object because of bucket acl.', hostId);
      } else {
        sendOssError(req, res, 405, 'MethodNotAllowed', 'The specified method is not allowed against this resource.', hostId);
      }
      return;
    }
    const contentType = req.headers['content-type'] ?? '';
    if (!/^multipart\/form-data/i.test(contentType)) {
      req.resume();
      sendOssError(req, res, 400, 'MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.', hostId);
      return;
    }
    const cap = this.largestPolicyBytes() + FORM_OVERHEAD;
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > cap) {
      res.setHeader('Connection', 'close');
      sendOssError(req, res, 400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size.', hostId);
      req.resume();
      return;
    }
    const body = await readCapped(req, cap);
    if (body === 'too-large') {
      res.setHeader('Connection', 'close');
      sendOssError(req, res, 400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size.', hostId);
      return;
    }
    if (body === 'aborted') return;

    let parts: FormPart[];
    try {
      parts = await parseMultipart(body, contentType);
    } catch {
      sendOssError(req, res, 400, 'MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.', hostId);
      return;
    }
    const field = (name: string): string | undefined => {
      const p = parts.find((x) => x.name.toLowerCase() === name.toLowerCase() && x.name.toLowerCase() !== 'file');
      return p ? p.data.toString('utf8') : undefined;
    };
    const file = parts.find((x) => x.name.toLowerCase() === 'file');
    if (!file) {
      sendOssError(req, res, 400, 'InvalidArgument', 'The body of your POST request is not well-formed multipart/form-data.', hostId, {
        ArgumentName: 'file',
        ArgumentValue: '',
      });
      return;
    }
    const keyTemplate = field('key');
    if (!keyTemplate) {
      sendOssError(req, res, 400, 'InvalidArgument', "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.", hostId, {
        ArgumentName: 'key',
        ArgumentValue: '',
      });
      return;
    }
    const key = keyTemplate.replace(/\$\{filename\}/g, file.filename ?? '');
    const now = this.opts.clock.now();
    const failure = this.checkForm(field, key, file.data.length, now);
    if (failure) {
      sendOssError(req, res, failure.status, failure.code, failure.message, hostId, failure.details);
      return;
    }
    const issued = this.policies.get(field('policy')!)!;
    const forbid = field('x-oss-forbid-overwrite')!;
    const existing = this.objects.get(key);
    if (existing && existing.expiresAtMs > now && forbid.toLowerCase() === 'true') {
      sendOssError(req, res, 409, 'FileAlreadyExists', 'The object you specified already exists and can not be overwritten.', hostId);
      return;
    }
    if (existing) {
      this.objects.delete(key);
      this.storedBytes -= existing.bytes.length;
    }
    this.objects.set(key, {
      key,
      bytes: file.data,
      contentType: field('x-oss-content-type') ?? field('Content-Type') ?? file.contentType,
      filename: file.filename,
      model: issued.model,
      keyId: issued.keyId,
      uploadedAtMs: now,
      expiresAtMs: now + this.opts.fileTtlMs,
    });
    this.storedBytes += file.data.length;
    this.evict();

    this.sendStored(res, key, file.data, field('success_action_status'));
  }

  /** Answers a stored upload as OSS does for `success_action_status` 200, 201 or anything else (204). */
  private sendStored(res: ServerResponse, key: string, data: Buffer, successStatus: string | undefined): void {
    const etag = `"${createHash('md5').update(data).digest('hex').toUpperCase()}"`;
    const headers: Record<string, string | number> = {
      Server: 'AliyunOSS',
      ETag: etag,
      'x-oss-request-id': ossRequestId(),
      'x-oss-hash-crc64ecma': '0',
    };
    if (successStatus === '200') {
      res.writeHead(200, { ...headers, 'Content-Length': 0 });
      res.end();
    } else if (successStatus === '201') {
      const xml = Buffer.from(
        `<?xml version="1.0" encoding="UTF-8"?>\n<PostResponse>\n  <Bucket>${UPLOAD_BUCKET}</Bucket>\n  <Location>${this.baseUrl}/${encodeURI(key)}</Location>\n  <Key>${key.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</Key>\n  <ETag>${etag}</ETag>\n</PostResponse>\n`,
        'utf8',
      );
      res.writeHead(201, { ...headers, 'Content-Type': 'application/xml', 'Content-Length': xml.length });
      res.end(xml);
    } else {
      res.writeHead(204, headers);
      res.end();
    }
  }

  /** The form's conditions against the policies issued here. */
  private checkForm(field: (name: string) => string | undefined, key: string, fileBytes: number, now: number): OssFailure | undefined {
    return checkUploadForm({ field, key, fileBytes, now, accessKeyId: this.accessKeyId, secret: this.secret, policies: this.policies });
  }

  private evict(): void {
    const now = this.opts.clock.now();
    for (const [k, o] of this.objects) {
      if (o.expiresAtMs > now) break; // insertion order ≈ expiry order
      this.objects.delete(k);
      this.storedBytes -= o.bytes.length;
    }
    while (this.objects.size > this.maxItems || this.storedBytes > this.maxBytes) {
      const first = this.objects.keys().next();
      if (first.done) break;
      const o = this.objects.get(first.value)!;
      this.objects.delete(first.value);
      this.storedBytes -= o.bytes.length;
    }
  }

  stop(): Promise<void> {
    return closeServer(this.server);
  }
}
