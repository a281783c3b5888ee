/**
 * Resolving an input image reference (reference §2.2, §4.3, §7) to its bytes, format and size.
 *
 * Forms:
 *   - `http(s)://…` — only this simulator's own hosts are reachable (result host, its `/static/`
 *     fixtures); they are looked up in process, with the same signature / expiry checks a GET
 *     gets. Any other host is "unreachable", without a request ever leaving the machine.
 *   - `data:<mime>;base64,…` — decoded; at most the data-URI limit (10485760 bytes).
 *   - `oss://<key>` — a temporary upload; only with `X-DashScope-OssResourceResolve: enable`
 *     (opts.ossResolve), only for the model the policy was issued for, and only within 48 h.
 * Then the real bytes are sniffed (image-size) and checked against the model's image rule in the
 * simulator's model table (../models.ts): format, bytes, sides, aspect ratio.
 *
 * Errors (SimInputError, all HTTP 400), per the §1.6 table. The multimodal endpoints (qwen-image-edit,
 * wan2.6-image) run inputs through data inspection and answer with InvalidParameter.DataInspection;
 * qwen-mt-image (image2image) answers with the plain InvalidParameter texts:
 *
 * | case                                 | multimodal models                                   | qwen-mt-image                       |
 * |--------------------------------------|-----------------------------------------------------|-------------------------------------|
 * | not http/https/data/oss, bad syntax  | InvalidParameter "url error, please check url!"     | same                                |
 * | form not accepted (data: for mt)     | InvalidParameter "url error, please check url!"     | same                                |
 * | non-ASCII characters in URL (mt)     | –                                                   | InvalidParameter "url error, please check url!" |
 * | unreachable / 403 / 404 / expired    | InvalidParameter.DataInspection "Unable to download the media resource during the data inspection process." | InvalidParameter "download image failed" |
 * | oss:// without OssResourceResolve    | InvalidParameter "InternalError.Algo.InvalidParameter: The provided URL does not appear to be valid. Ensure it is correctly formatted." | same |
 * | oss:// other model / unknown / expired | as unreachable                                    | as unreachable                      |
 * | data: URI over the limit             | InvalidParameter "Exceeded limit on max bytes per data-uri item : 10485760" | same      |
 * | file over the model's maxBytes       | InvalidParameter "The image file is too large, the file size must not exceed 10MB." | same (100MB) |
 * | not an image / format not allowed    | InvalidParameter.DataInspection "The media format is not supported or incorrect for the data inspection." | InvalidParameter "image format error" |
 * | width/height outside the rule        | InvalidParameter "The image size is not valid, width and height must be between 384 and 3072 pixels." | same |
 * | aspect ratio outside the rule        | InvalidParameter "The aspect ratio of the image is not valid, it must be between 1:10 and 10:1." | same |
 */
import { imageSize } from 'image-size';
import { DATA_URI_MAX_BYTES, findSimModel, type SimImageRule } from '../models';
import { SimInputError } from './errors';
import { decodeRgba } from './render';
import type { ResultHost } from './store';
import type { UploadHost } from './upload';

export interface ResolveOptions {
  model: string;
  /** `X-DashScope-OssResourceResolve: enable` was sent. */
  ossResolve: boolean;
  /** Byte limit for `data:` items (capped at 10485760, the service's data-URI limit). */
  maxBytes: number;
  /** The API key id of the caller; when given, `oss://` files must have been uploaded with a policy of the same key. */
  keyId?: string;
}

export interface ResolvedImage {
  bytes: Buffer;
  /** image-size type name: `jpg`, `png`, `webp`, `bmp`, `gif`, `tiff`, `pnm`, … */
  format: string;
  width: number;
  height: number;
}

/** Formats when the model has no image rule (or is not in the model table). */
const DEFAULT_FORMATS = ['jpg', 'png', 'bmp', 'webp', 'tiff', 'gif'];

export const MSG = {
  urlError: 'url error, please check url!',
  downloadFailed: 'download image failed',
  formatError: 'image format error',
  inspectDownload: 'Unable to download the media resource during the data inspection process.',
  inspectFormat: 'The media format is not supported or incorrect for the data inspection.',
  ossNotResolved: 'InternalError.Algo.InvalidParameter: The provided URL does not appear to be valid. Ensure it is correctly formatted.',
  /** §2.2 wan2.6-image: "PNG (no alpha)"; the wording is the simulator's (the reference has none). */
  alpha: 'The image format is not supported: PNG images with an alpha channel (transparency) are not accepted.',
  /** The file is larger than the model's limit (§2.2: "≤ 10 MB"; §4.3: "≤ 100 MB"). */
  tooLarge: (maxBytes: number): string => `The image file is too large, the file size must not exceed ${Math.round(maxBytes / (1024 * 1024))}MB.`,
} as const;

export class InputResolver {
  constructor(
    private readonly results: ResultHost,
    private readonly uploads: UploadHost,
    private readonly now: () => number,
  ) {}

  async resolve(ref: string, opts: ResolveOptions): Promise<ResolvedImage> {
    const spec = findSimModel(opts.model);
    const rule: SimImageRule | undefined = spec?.images;
    const inspecting = spec?.endpoint !== 'image2image';
    const accepts = rule?.accepts ?? ['url', 'oss', 'data'];
    const downloadError = (): SimInputError =>
      inspecting
        ? new SimInputError(400, 'InvalidParameter.DataInspection', MSG.inspectDownload)
        : new SimInputError(400, 'InvalidParameter', MSG.downloadFailed);
    const formatError = (): SimInputError =>
      inspecting
        ? new SimInputError(400, 'InvalidParameter.DataInspection', MSG.inspectFormat)
        : new SimInputError(400, 'InvalidParameter', MSG.formatError);
    const urlError = (): SimInputError => new SimInputError(400, 'InvalidParameter', MSG.urlError);

    if (typeof ref !== 'string' || ref.trim() === '') throw urlError();
    const value = ref.trim();
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();

    let bytes: Buffer;
    if (scheme === 'data') {
      if (!accepts.includes('data')) throw urlError();
      bytes = this.decodeDataUri(value, opts, urlError);
    } else if (scheme === 'oss') {
      if (!accepts.includes('oss')) throw urlError();
      if (!opts.ossResolve) throw new SimInputError(400, 'InvalidParameter', MSG.ossNotResolved);
      const key = value.replace(/^oss:\/\//i, '');
      const obj = this.uploads.getObject(key);
      if (!obj || obj.expiresAtMs <= this.now() || obj.model !== opts.model || (opts.keyId !== undefined && obj.keyId !== opts.keyId)) {
        throw downloadError();
      }
      bytes = obj.bytes;
    } else if (scheme === 'http' || scheme === 'https') {
      if (!accepts.includes('url')) throw urlError();
      // qwen-mt-image: "no Chinese characters in URL" (§4.3) — any non-ASCII is refused.
      if (!inspecting && /[^\x20-\x7e]/.test(value)) throw urlError();
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw urlError();
      }
      bytes = this.fetchOwn(url, downloadError);
    } else {
      throw urlError();
    }

    const maxFile = rule?.maxBytes ?? opts.maxBytes;
    if (bytes.length > maxFile) throw new SimInputError(400, 'InvalidParameter', MSG.tooLarge(maxFile));

    let size: { width: number; height: number; type?: string };
    try {
      size = imageSize(bytes);
    } catch {
      throw formatError();
    }
    const format = size.type === 'jpeg' ? 'jpg' : (size.type ?? '');
    const allowed = rule?.formats ?? DEFAULT_FORMATS;
    const ok = allowed.includes(format) || (format === 'pnm' && allowed.includes('ppm'));
    if (!ok || !(size.width > 0) || !(size.height > 0)) throw formatError();

    if (rule?.alphaAllowed === false && format === 'png' && pngWithAlpha(bytes)) {
      throw new SimInputError(400, 'InvalidParameter', MSG.alpha);
    }
    if (rule) {
      const { width, height } = size;
      if (width < rule.minSide || width > rule.maxSide || height < rule.minSide || height > rule.maxSide) {
        throw new SimInputError(
          400,
          'InvalidParameter',
          `The image size is not valid, width and height must be between ${rule.minSide} and ${rule.maxSide} pixels.`,
        );
      }
      const aspect = width / height;
      if ((rule.minAspect !== undefined && aspect < rule.minAspect - 1e-9) || (rule.maxAspect !== undefined && aspect > rule.maxAspect + 1e-9)) {
        throw new SimInputError(
          400,
          'InvalidParameter',
          `The aspect ratio of the image is not valid, it must be between ${ratio(rule.minAspect ?? 0)} and ${ratio(rule.maxAspect ?? Infinity)}.`,
        );
      }
    }
    return { bytes, format, width: size.width, height: size.height };
  }

  private decodeDataUri(value: string, opts: ResolveOptions, urlError: () => SimInputError): Buffer {
    const comma = value.indexOf(',');
    if (comma < 0) throw urlError();
    const header = value.slice(5, comma); // after "data:"
    const params = header.split(';').map((s) => s.trim().toLowerCase());
    if (!params.includes('base64')) throw urlError();
    const mime = params[0] ?? '';
    if (mime !== '' && !mime.startsWith('image/')) throw urlError();
    const payload = value.slice(comma + 1).replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(payload)) throw urlError();
    const limit = Math.min(opts.maxBytes, DATA_URI_MAX_BYTES);
    // Check the decoded size before decoding (base64: 3 bytes per 4 characters, minus padding).
    const pad = payload.endsWith('==') ? 2 : payload.endsWith('=') ? 1 : 0;
    const decodedLength = Math.floor((payload.length * 3) / 4) - pad;
    if (decodedLength > limit) {
      throw new SimInputError(400, 'InvalidParameter', `Exceeded limit on max bytes per data-uri item : ${limit}`);
    }
    return Buffer.from(payload, 'base64');
  }

  /** Only the simulator's own hosts answer; everything else is unreachable. */
  private fetchOwn(url: URL, downloadError: () => SimInputError): Buffer {
    const own = (base: string): boolean => {
      const b = new URL(base);
      const port = url.port || (url.protocol === 'https:' ? '443' : '80');
      const sameHost = url.hostname === b.hostname || (isLoopback(url.hostname) && isLoopback(b.hostname));
      return url.protocol === 'http:' && sameHost && port === b.port;
    };
    if (own(this.results.baseUrl)) {
      const found = this.results.lookup(url);
      if (!found.ok) throw downloadError();
      return found.object.bytes;
    }
    // The upload bucket is private (no anonymous GET), other hosts are out of reach.
    throw downloadError();
  }
}

function isLoopback(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]' || host === '::1';
}

function ratio(a: number): string {
  if (!Number.isFinite(a)) return '∞';
  if (a >= 1) return `${Number(a.toFixed(2))}:1`;
  return `1:${Number((1 / a).toFixed(2))}`;
}

/** PNG colour type 4/6 (alpha) in IHDR, or a tRNS chunk before the image data. */
function pngWithAlpha(bytes: Buffer): boolean {
  if (bytes.length < 33 || bytes.toString('latin1', 12, 16) !== 'IHDR') return false;
  if (bytes[25] === 4 || bytes[25] === 6) return true;
  for (let at = 8; at + 8 <= bytes.length; at += 12 + bytes.readUInt32BE(at)) {
    const type = bytes.toString('latin1', at + 4, at + 8);
    if (type === 'tRNS') return true;
    if (type === 'IDAT' || type === 'IEND') return false;
  }
  return false;
}

/** True when every pixel of a PNG/JPEG has (nearly) the same colour. Other formats: false. */
export function isFlatColour(bytes: Buffer): boolean {
  const img = decodeRgba(bytes);
  if (!img) return false;
  const d = img.data;
  const [r, g, b] = [d[0], d[1], d[2]];
  for (let i = 4; i < d.length; i += 4) {
    if (Math.abs(d[i] - r) > 6 || Math.abs(d[i + 1] - g) > 6 || Math.abs(d[i + 2] - b) > 6) return false;
  }
  return true;
}
