/**
 * The checks OSS makes on an upload form against the policy it was issued with (reference §7),
 * each failure the OSS error it answers with; and reading a form body up to a cap.
 */
import { createHmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A policy this host handed out, with the conditions it signed. */
export interface IssuedPolicy {
  policy: string;
  signature: string;
  uploadDir: string;
  model: string;
  keyId: string;
  expiresAtMs: number;
  maxBytes: number;
  acl: string;
  forbidOverwrite: string;
}

/** An OSS error answer: status, code, message and the extra XML elements. */
export interface OssFailure {
  status: number;
  code: string;
  message: string;
  details?: Record<string, string>;
}

/** What the form checks read: the form's fields, the object key and size, and the host's issued policies. */
export interface UploadForm {
  field: (name: string) => string | undefined;
  key: string;
  fileBytes: number;
  now: number;
  accessKeyId: string;
  secret: Buffer;
  policies: ReadonlyMap<string, IssuedPolicy>;
}

/** The first condition the form breaks, in the order OSS checks them, or undefined when it passes. */
export function checkUploadForm({ field, key, fileBytes, now, accessKeyId: hostKeyId, secret, policies }: UploadForm): OssFailure | undefined {
  const accessKeyId = field('OSSAccessKeyId');
  const policy = field('policy');
  const signature = field('Signature');
  if (!accessKeyId || !policy || !signature) return { status: 403, code: 'AccessDenied', message: 'You have no right to access this bucket.' };
  if (accessKeyId !== hostKeyId) {
    return { status: 403, code: 'InvalidAccessKeyId', message: 'The OSS Access Key Id you provided does not exist in our records.', details: { OSSAccessKeyId: accessKeyId } };
  }
  const issued = policies.get(policy);
  const expectedSig = createHmac('sha1', secret).update(policy).digest('base64');
  if (!issued || signature !== expectedSig) {
    return { status: 403, code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.' };
  }
  if (issued.expiresAtMs <= now) return { status: 403, code: 'AccessDenied', message: 'Invalid according to Policy: Policy expired.' };
  if (!key.startsWith(issued.uploadDir)) {
    return { status: 403, code: 'AccessDenied', message: `Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "${issued.uploadDir}"]` };
  }
  if (field('x-oss-object-acl') !== issued.acl) {
    return { status: 403, code: 'AccessDenied', message: `Invalid according to Policy: Policy Condition failed: ["eq", "$x-oss-object-acl", "${issued.acl}"]` };
  }
  if (field('x-oss-forbid-overwrite') !== issued.forbidOverwrite) {
    return { status: 403, code: 'AccessDenied', message: `Invalid according to Policy: Policy Condition failed: ["eq", "$x-oss-forbid-overwrite", "${issued.forbidOverwrite}"]` };
  }
  if (fileBytes > issued.maxBytes) return { status: 400, code: 'EntityTooLarge', message: 'Your proposed upload exceeds the maximum allowed size.' };
  return undefined;
}

/** Reads a request body up to `cap` bytes; `too-large` beyond it, `aborted` when the client goes away. */
export function readCapped(req: IncomingMessage, cap: number): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (c: Buffer) => {
      if (done) return;
      size += c.length;
      if (size > cap) {
        done = true;
        chunks.length = 0;
        req.resume();
        resolve('too-large');
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks));
    });
    req.on('error', () => {
      if (done) return;
      done = true;
      resolve('aborted');
    });
    req.on('close', () => {
      if (done) return;
      done = true;
      resolve('aborted');
    });
  });
}
