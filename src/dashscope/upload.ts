/**
 * Local images → something the service can read (§7):
 * - a `data:` URI when the endpoint accepts one and the file is at most {@link INLINE_MAX_BYTES}
 *   (the service's own limit is 10 MB decoded, `DATA_URI_MAX_BYTES`: "Exceeded limit on max
 *   bytes per data-uri item : 10485760"; the lower one is for memory, see INLINE_MAX_BYTES);
 * - otherwise, and always for qwen-mt-image (URL only, §4.3), the temporary upload:
 *   `GET /uploads?action=getPolicy&model=…` → multipart POST to `upload_host` with `file` LAST
 *   → `oss://{key}`, which then needs `X-DashScope-OssResourceResolve: enable` on the request.
 *
 * Format and pixel size are checked against the catalog BEFORE anything is uploaded, so a wrong
 * file costs nothing and the message says what the model accepts.
 */
import { openAsBlob } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { imageSize } from 'image-size';
import { DATA_URI_MAX_BYTES, UPLOAD_POLICY_PATH, type ImageInputRule, type ModelSpec } from './catalog/index.js';
import { CLIENT_ERROR_CODES, DashScopeError, RequestValidationError, type ValidationIssue } from './errors.js';
import { checkBoxesInImages, type ResolvedImageInput } from './requests/index.js';
import { UploadPolicySchema, type UploadPolicy } from './schemas.js';
import { undici, type RetryEvent, type Transport } from './transport.js';

/** What {@link inspectImage} learned about an image file. */
export interface ImageInfo {
  /** Lowercase type as image-size names it (`jpg`, `png`, `webp`, …). */
  format: string;
  mime: string;
  width: number;
  height: number;
  bytes: number;
  /** The image has an alpha channel (PNG colour type 4 or 6, or a tRNS chunk). */
  hasAlpha: boolean;
}

const MIME: Record<string, string> = {
  jpg: 'image/jpeg',
  png: 'image/png',
  bmp: 'image/bmp',
  gif: 'image/gif',
  tiff: 'image/tiff',
  webp: 'image/webp',
  pnm: 'image/x-portable-anymap',
  heif: 'image/heif',
  svg: 'image/svg+xml',
  ico: 'image/x-icon',
};

/** MIME type of an image-size type name. */
export function mimeOf(format: string): string {
  return MIME[format] ?? `image/${format}`;
}

/**
 * The largest local image sent inline as a `data:` URI where the model also takes the temporary
 * upload. Inline, the image is held several times over while the request is built and sent (the
 * bytes, the base64 URI, the JSON text, the bytes undici writes): a 10 MB PNG took an upscale job
 * to 11× the file in peak memory (bench/memory-process.bench.ts), against issue 20's bound of 3×.
 * The upload streams the file from disk (about 2×) and sends a quarter fewer bytes; below this
 * size, one request is quicker than three and the copies are a few MB.
 */
export const INLINE_MAX_BYTES = 1024 * 1024;

/** The largest image `rule` takes inline: {@link INLINE_MAX_BYTES}, or the service's limit where it takes no upload. */
export function inlineMaxBytes(rule: ImageInputRule): number {
  if (!rule.accepts.includes('data')) return 0;
  return rule.accepts.includes('oss') ? INLINE_MAX_BYTES : DATA_URI_MAX_BYTES;
}

/** Reads type and pixel size from the bytes (not from the file name). */
export function inspectImage(bytes: Uint8Array): ImageInfo | undefined {
  try {
    const r = imageSize(bytes);
    if (!r.type || !r.width || !r.height) return undefined;
    // EXIF orientation 5–8 swaps width and height on display, and the service sees the rotated image.
    const swap = r.orientation !== undefined && r.orientation >= 5;
    return { format: r.type, mime: mimeOf(r.type), width: swap ? r.height : r.width, height: swap ? r.width : r.height, bytes: bytes.byteLength, hasAlpha: r.type === 'png' && pngHasAlpha(bytes) };
  } catch {
    return undefined;
  }
}

/**
 * Whether a PNG carries transparency: colour type 4 (grey + alpha) or 6 (RGBA) in IHDR, or a
 * tRNS chunk before the image data. Walks the chunk headers only.
 */
export function pngHasAlpha(bytes: Uint8Array): boolean {
  return pngAlphaScan(bytes) ?? false;
}

/** {@link pngHasAlpha}, or undefined when `bytes` (the head of a file) ends before the image data. */
function pngAlphaScan(bytes: Uint8Array): boolean | undefined {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.length < 33 || view.readUInt32BE(12) !== 0x49484452 /* IHDR */) return false;
  const colourType = view[25];
  if (colourType === 4 || colourType === 6) return true;
  for (let at = 8; at + 8 <= view.length; ) {
    const length = view.readUInt32BE(at);
    const type = view.toString('latin1', at + 4, at + 8);
    if (type === 'tRNS') return true;
    if (type === 'IDAT' || type === 'IEND') return false;
    at += 12 + length;
  }
  return undefined;
}

/** How much of a local file is read to learn its type, size and alpha (headers come first). */
const HEAD_BYTES = 256 * 1024;

/**
 * Inspects a local file from its first {@link HEAD_BYTES} bytes, so that a large file bound for
 * the temporary upload is never held in memory (it is streamed from disk). Falls back to the
 * whole file when the head does not decide (a JPEG whose size marker comes late, a PNG with
 * large chunks before its image data).
 */
export async function inspectImageFile(path: string, size: number): Promise<ImageInfo | undefined> {
  if (size > HEAD_BYTES) {
    const handle = await open(path, 'r');
    let head: Buffer;
    try {
      const buf = Buffer.alloc(HEAD_BYTES);
      const { bytesRead } = await handle.read(buf, 0, HEAD_BYTES, 0);
      head = buf.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
    const info = inspectImage(head);
    if (info && (info.format !== 'png' || pngAlphaScan(head) !== undefined)) return { ...info, bytes: size };
  }
  const info = inspectImage(await readFile(path));
  return info && { ...info, bytes: size };
}

/** Checks an image against a model's input rule; returns sentences saying what is wrong. */
export function checkImageAgainstRule(info: ImageInfo, rule: ImageInputRule, modelId: string, label: string): string[] {
  const problems: string[] = [];
  const fmt = info.format === 'jpeg' ? 'jpg' : info.format;
  if (!rule.formats.includes(fmt) && !(fmt === 'pnm' && rule.formats.includes('ppm'))) {
    problems.push(`${label} is ${fmt.toUpperCase()}; ${modelId} accepts ${rule.formats.map((f) => f.toUpperCase()).join(', ')}. Convert it first.`);
  }
  const { width: w, height: h } = info;
  if (w < rule.minSide || h < rule.minSide || w > rule.maxSide || h > rule.maxSide) {
    problems.push(`${label} is ${w}×${h} px; ${modelId} needs width and height each between ${rule.minSide} and ${rule.maxSide} px.`);
  }
  const aspect = w / h;
  if ((rule.minAspect !== undefined && aspect < rule.minAspect - 1e-9) || (rule.maxAspect !== undefined && aspect > rule.maxAspect + 1e-9)) {
    problems.push(`${label} has an aspect ratio of ${aspect.toFixed(2)}; ${modelId} needs it between ${ratio(rule.minAspect)} and ${ratio(rule.maxAspect)}.`);
  }
  if (rule.alphaRequired && !info.hasAlpha) {
    problems.push(`${label} has no transparency; ${modelId} needs a PNG cut-out whose background is transparent (RGBA). Remove the background in an image editor and save it as PNG with transparency.`);
  }
  if (rule.alphaAllowed === false && info.hasAlpha) {
    problems.push(`${label} has transparency (an alpha channel); ${modelId} accepts only opaque images. Flatten it onto a background or save it as JPG.`);
  }
  if (info.bytes > rule.maxBytes) {
    problems.push(`${label} is ${mb(info.bytes)}; ${modelId} accepts files up to ${mb(rule.maxBytes)}.`);
  }
  return problems;
}

/** Decodes a base64 `data:` URI. */
export function decodeDataUri(uri: string): { mime: string; bytes: Uint8Array } | undefined {
  const m = /^data:([\w.+-]+\/[\w.+-]+)?(?:;[\w-]+=[^;,]*)*;base64,(.*)$/is.exec(uri);
  if (!m) return undefined;
  return { mime: m[1] ?? 'application/octet-stream', bytes: Buffer.from(m[2]!, 'base64') };
}

/** Encodes bytes as a `data:` URI. */
export function toDataUri(bytes: Uint8Array, mime: string): string {
  return `data:${mime};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`;
}

/** Reported per image that goes through the temporary upload. */
export interface UploadEvent {
  index: number;
  name: string;
  bytes: number;
  phase: 'policy' | 'upload' | 'done';
}

/** Options of {@link resolveImageInputs}. */
export interface ResolveImagesOptions {
  signal?: AbortSignal;
  onUpload?: (e: UploadEvent) => void;
  onRetry?: (e: RetryEvent) => void;
  /** Always upload local files, even where a data: URI would do (the UI may prefer small requests). */
  forceUpload?: boolean;
  /** wan2.7 `bbox_list` of the request: boxes are checked to lie inside the local images read here (N§3). */
  bboxList?: readonly (readonly (readonly number[])[])[];
  /**
   * Per image (same order): a rule other than the model's, and a check of the image's size and
   * pixels that runs before anything is uploaded (image-processing masks, cut-outs, offsets).
   */
  perImage?: readonly (PerImageCheck | undefined)[];
}

/** See {@link ResolveImagesOptions.perImage}. */
export interface PerImageCheck {
  rule?: ImageInputRule;
  /** Returns sentences saying what is wrong; `read` gives the bytes (read from disk once, on demand). */
  check?: (info: ImageInfo, read: () => Promise<Uint8Array>) => Promise<string[]>;
}

/** Wire references for the request body, and whether any is an `oss://` URL. */
export interface ResolvedImages {
  refs: string[];
  ossResolve: boolean;
}

/**
 * Turns the request's images into wire references. Local files and bytes are read and checked
 * first (all of them, so every problem is reported at once), then inlined or uploaded.
 */
export async function resolveImageInputs(
  transport: Transport,
  spec: ModelSpec,
  images: readonly ResolvedImageInput[],
  options: ResolveImagesOptions = {},
): Promise<ResolvedImages> {
  const modelRule = spec.images;
  if (!modelRule || images.length === 0) return { refs: [], ossResolve: false };
  const issues: ValidationIssue[] = [];
  // A local file keeps only its path: it is read whole for a data: URI, streamed for an upload.
  const loaded: ({ kind: 'ref'; ref: string } | { kind: 'local'; bytes?: Uint8Array; path?: string; name: string; info: ImageInfo })[] = [];
  const sizes: ({ width: number; height: number } | undefined)[] = images.map(() => undefined);

  for (const [i, img] of images.entries()) {
    const path = `images.${i}`;
    const rule = options.perImage?.[i]?.rule ?? modelRule;
    if (img.kind === 'url' || img.kind === 'oss') {
      loaded.push({ kind: 'ref', ref: img.url });
      continue;
    }
    let bytes: Uint8Array | undefined;
    let info: ImageInfo | undefined;
    let filePath: string | undefined;
    let name: string;
    if (img.kind === 'file') {
      name = basename(img.path);
      filePath = img.path;
      try {
        const st = await stat(img.path);
        if (!st.isFile()) throw new Error('not a file');
        // Refuse before reading a huge file into memory.
        if (st.size > rule.maxBytes) {
          issues.push({ path, message: `${name} is ${mb(st.size)}; ${spec.id} accepts files up to ${mb(rule.maxBytes)}.` });
          continue;
        }
        info = await inspectImageFile(img.path, st.size);
      } catch (err) {
        issues.push({ path, message: `Cannot read ${img.path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}.` });
        continue;
      }
    } else if (img.kind === 'bytes') {
      bytes = img.bytes;
      name = img.name ?? `image-${i + 1}`;
    } else {
      const decoded = decodeDataUri(img.uri);
      if (!decoded) {
        issues.push({ path, message: 'This data URI is not base64 (expected data:image/png;base64,…).' });
        continue;
      }
      bytes = decoded.bytes;
      name = `image-${i + 1}`;
    }
    if (bytes) info = inspectImage(bytes);
    if (!info) {
      issues.push({ path, message: `${name} is not an image ${spec.id} can read (accepted: ${rule.formats.map((f) => f.toUpperCase()).join(', ')}).` });
      continue;
    }
    const problems = checkImageAgainstRule(info, rule, spec.id, name);
    const extra = options.perImage?.[i]?.check;
    if (extra && problems.length === 0) {
      const known = bytes;
      let cached: Uint8Array | undefined = known;
      problems.push(...(await extra(info, async () => (cached ??= await readFile(filePath!)))));
      // Keep the bytes read for the check: a data: URI needs them again.
      if (!bytes && cached && cached.byteLength <= inlineMaxBytes(modelRule)) bytes = cached;
    }
    for (const p of problems) issues.push({ path, message: p });
    sizes[i] = { width: info.width, height: info.height };
    loaded.push({ kind: 'local', ...(bytes ? { bytes } : { path: filePath }), name, info });
  }
  if (options.bboxList) issues.push(...checkBoxesInImages(options.bboxList, sizes));
  if (issues.length) throw new RequestValidationError(issues, spec.id);

  const refs: string[] = [];
  let ossResolve = images.some((img) => img.kind === 'oss');
  for (const [index, item] of loaded.entries()) {
    if (item.kind === 'ref') {
      refs.push(item.ref);
      continue;
    }
    if (!options.forceUpload && item.info.bytes <= inlineMaxBytes(modelRule)) {
      refs.push(toDataUri(item.bytes ?? (await readFile(item.path!)), item.info.mime));
      continue;
    }
    const emit = (phase: UploadEvent['phase']): void => options.onUpload?.({ index, name: item.name, bytes: item.info.bytes, phase });
    emit('policy');
    const policy = await getUploadPolicy(transport, spec.model, options);
    emit('upload');
    // A file is streamed from disk (a file-backed Blob), not copied into memory.
    const data = item.bytes ?? (await openAsBlob(item.path!, { type: item.info.mime }));
    refs.push(await uploadToOss(transport, policy, data, uploadFileName(item.name, item.info.format), item.info.mime, options));
    emit('done');
    ossResolve = true;
  }
  return { refs, ossResolve };
}

/** `GET /uploads?action=getPolicy&model=…` (§7 step 1). The policy is bound to the model. */
export async function getUploadPolicy(transport: Transport, model: string, options: { signal?: AbortSignal; onRetry?: (e: RetryEvent) => void } = {}): Promise<UploadPolicy> {
  const path = `${UPLOAD_POLICY_PATH}?action=getPolicy&model=${encodeURIComponent(model)}`;
  const res = await transport.json({ method: 'GET', path, signal: options.signal, onRetry: options.onRetry, label: 'upload policy' });
  const parsed = UploadPolicySchema.safeParse(res.body);
  if (!parsed.success) {
    throw new DashScopeError({ httpStatus: res.status, code: CLIENT_ERROR_CODES.malformed, message: 'The upload policy response is missing fields.', requestId: res.requestId });
  }
  return parsed.data.data;
}

/**
 * The OSS form POST (§7 step 2), fields in the order the SDKs send them with `file` LAST (OSS
 * ignores fields after the file). Returns `oss://{key}`. The API key is NOT sent to the upload host.
 */
export async function uploadToOss(
  transport: Transport,
  policy: UploadPolicy,
  data: Uint8Array | Blob,
  fileName: string,
  mime: string,
  options: { signal?: AbortSignal; onRetry?: (e: RetryEvent) => void } = {},
): Promise<string> {
  const key = `${policy.upload_dir}/${fileName}`;
  const form = new (undici().FormData)();
  form.append('OSSAccessKeyId', policy.oss_access_key_id);
  form.append('Signature', policy.signature);
  form.append('policy', policy.policy);
  form.append('key', key);
  form.append('x-oss-object-acl', policy.x_oss_object_acl);
  form.append('x-oss-forbid-overwrite', policy.x_oss_forbid_overwrite);
  form.append('success_action_status', '200');
  form.append('x-oss-content-type', mime);
  // Bytes: one copy into the Blob (the Blob constructor copies; no intermediate Uint8Array).
  const file = data instanceof Blob ? data : new Blob([data as Uint8Array<ArrayBuffer>], { type: mime });
  form.append('file', file, fileName);
  try {
    await transport.json({ method: 'POST', url: policy.upload_host, body: form, signal: options.signal, onRetry: options.onRetry, label: 'upload file' });
  } catch (err) {
    if (err instanceof DashScopeError && err.code !== 'AccessDenied') {
      throw new DashScopeError({
        httpStatus: err.httpStatus,
        code: CLIENT_ERROR_CODES.uploadFailed,
        message: `Uploading ${fileName} failed: ${err.code}: ${err.message}`,
        requestId: err.requestId,
        retriable: err.retriable,
        cause: err,
      });
    }
    throw err;
  }
  return `oss://${key}`;
}

/** An ASCII file name with the right extension: qwen-mt-image rejects URLs with Chinese characters (§4.3). */
export function uploadFileName(name: string, format: string): string {
  const ext = format === 'jpg' ? 'jpg' : format;
  const stem = basename(name, extname(name)).replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '') || 'image';
  return `${stem.slice(0, 80)}.${ext}`;
}

function mb(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

function ratio(r: number | undefined): string {
  if (r === undefined) return 'any';
  return r >= 1 ? `${r}:1` : `1:${Math.round(1 / r)}`;
}
