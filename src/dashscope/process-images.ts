/**
 * The images of an image-processing request (image-processing.md) and the checks that need their
 * pixels, run on local files before anything is uploaded or sent:
 * - the mask has the base image's resolution and is not all black (nothing to edit);
 * - a cut-out for background generation has a transparent pixel (an alpha channel alone is not enough);
 * - image-out-painting's offsets fit the image (top + bottom < 3 × height, left + right < 3 × width).
 * - a local mask is a PNG (the only format whose pixels are read here);
 * Remote URLs are left to the service. The reference image of background generation follows the
 * model's image rule without the cut-out's transparency requirement.
 */
import type { ImageInputRule } from './catalog/index.js';
import { hasTransparentPixel, maskHasWhite } from './pngPixels.js';
import { checkOutpaintOffsets, type ResolvedImageInput, type ValidatedRequest } from './requests/index.js';
import type { ImageInfo, PerImageCheck } from './upload.js';

/** The images to resolve in order (base, then mask, then reference image), their checks, and where each lands. */
export interface ProcessImagePlan {
  images: ResolvedImageInput[];
  perImage: (PerImageCheck | undefined)[];
  maskIndex?: number;
  refImageIndex?: number;
}

/** Plans the images of a validated request; for other models just its images. */
export function planProcessImages(v: ValidatedRequest): ProcessImagePlan {
  const images = [...v.images];
  const perImage: (PerImageCheck | undefined)[] = images.map(() => undefined);
  if (!v.processFunction || !v.spec.images) return { images, perImage };
  let base: ImageInfo | undefined;
  const rule = v.spec.images;
  const id = v.spec.id;
  perImage[0] = {
    check: async (info, read) => {
      base = info;
      const problems: string[] = [];
      if (rule.alphaRequired && (await isOpaque(info, read))) {
        problems.push(`The image has an alpha channel but no transparent pixel; ${id} needs a cut-out whose background is transparent. Remove the background and save it as PNG with transparency.`);
      }
      if (v.processFunction?.id === 'outpaint') problems.push(...checkOutpaintOffsets(v.request.process, info));
      return problems;
    },
  };
  const plan: ProcessImagePlan = { images, perImage };
  if (v.mask) {
    plan.maskIndex = images.length;
    images.push(v.mask);
    perImage.push({
      rule: { ...rule, alphaRequired: false, min: 0, max: 1 },
      check: async (info, read) => {
        const problems: string[] = [];
        if (base && (info.width !== base.width || info.height !== base.height)) {
          problems.push(`The mask is ${info.width}×${info.height} px but the image is ${base.width}×${base.height} px; paint or export the mask at the image's own resolution.`);
        }
        // The reference allows a mask in the base image's formats, but only a PNG can be decoded
        // here (a JPEG decoder would be a new dependency), so an empty mask could slip through:
        // local masks must be PNGs. A remote mask is left to the service.
        if (info.format !== 'png') {
          problems.push(`The mask must be a PNG (this one is ${info.format.toUpperCase()}); export it as PNG, white where to edit and black where to keep, at the image's own resolution.`);
        } else if ((await maskHasWhite(await read())) === false) {
          problems.push('The mask is all black, so there is nothing to edit; paint the area to change in white.');
        }
        return problems;
      },
    });
  }
  if (v.refImage) {
    plan.refImageIndex = images.length;
    images.push(v.refImage);
    // image-processing.md §4 documents no rule of its own for ref_image_url; client and simulator
    // both apply the model's image rule (PNG, sides 512–2048, ≤ 10 MB) without the transparency
    // requirement, so nothing the simulator would refuse is sent (test/sim/README.md).
    const refRule: ImageInputRule = { ...rule, alphaRequired: false };
    perImage.push({ rule: refRule });
  }
  return plan;
}

async function isOpaque(info: ImageInfo, read: () => Promise<Uint8Array>): Promise<boolean> {
  if (info.format !== 'png' || !info.hasAlpha) return false;
  return (await hasTransparentPixel(await read())) === false;
}
