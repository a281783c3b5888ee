/** The simulator's own wording, for rules the reference states without the service's message ("sim wording"). */
import { MSG } from './errors.js';
import { SEED_MAX } from './models.js';

/** Sim wording for rules the reference states without giving the service's message. */
export const SIM_MSG = {
  /**
   * API §10: the service's answer to `enable_interleave=true` without streaming is not documented.
   * The doc says both `X-DashScope-Sse: enable` and `parameters.stream=true` are required.
   */
  interleaveNeedsStream:
    'The interleave mode (enable_interleave=true) only supports streaming output: set parameters.stream to true and send the header X-DashScope-Sse: enable.',
  /** A model called on an endpoint that does not serve it (the service answers "url error"). */
  wrongEndpoint: MSG.urlError,
  roleMustBeUser: 'Role must be user.',
  contentItem: 'Each content item must be an object with exactly one of "text" or "image" (a string).',
  textLength: 'text length only support 1',
  contentLength: (max: number) => `content length only support ${max}`,
  promptTooLong: (field: string, max: number, got: number) =>
    `The length of ${field} must be no more than ${max} characters, but got ${got}.`,
  notString: (field: string) => `The parameter ${field} must be a string.`,
  notBoolean: (field: string) => `The parameter ${field} must be a boolean.`,
  notObject: (field: string) => `The parameter ${field} must be an object.`,
  unsupported: (field: string, model: string) => `The parameter ${field} is not supported by ${model}.`,
  nRange: (min: number, max: number) => `num_images_per_prompt must be between ${min} and ${max}`,
  seedRange: `The parameter seed must be an integer in [0, ${SEED_MAX}].`,
  maxImagesRange: (min: number, max: number) => `The parameter max_images must be an integer in [${min}, ${max}].`,
  missing: (field: string) => `${MSG.requiredMissing} (${field})`,
  imageUrlScheme:
    'The parameter image_url must be a public http(s) URL or an oss:// temporary URL; data: URIs are not accepted by qwen-mt-image.',
  langUnsupported: (field: string, value: string, allowed: readonly string[]) =>
    `The ${field} "${value}" is not supported. Supported: ${allowed.join(', ')}${field === 'source_lang' ? ', auto' : ''}.`,
  targetAuto: 'The target_lang can not be auto.',
  sameLang: 'The source_lang and target_lang must be different.',
  zhOrEn: 'Either source_lang or target_lang must be Chinese (zh) or English (en).',
  domainHintEnglish: 'The ext.domainHint must be written in English.',
  // wan2.7 (NEW §3).
  colorPaletteCount: 'The parameter color_palette must be a list of 3 to 10 colours.',
  colorPaletteItem: 'Each color_palette item must be {"hex": "#RRGGBB", "ratio": "NN.NN%"}.',
  colorPaletteSum: (sum: string) => `The ratios of color_palette must add up to 100.00%, but add up to ${sum}%.`,
  colorPaletteSequential: 'The parameter color_palette is only supported when enable_sequential is false.',
  bboxShape: 'The parameter bbox_list must be a list with one list of boxes [x1, y1, x2, y2] (integers) per input image.',
  bboxCount: (images: number, got: number) => `The parameter bbox_list must have one entry per input image: ${images} image(s), ${got} entries.`,
  bboxPerImage: (index: number) => `The bbox_list entry of image ${index + 1} has more than 2 boxes.`,
  bboxOrder: 'Each bbox_list box must be [x1, y1, x2, y2] with 0 <= x1 < x2 and 0 <= y1 < y2.',
  bboxOutside: (index: number, w: number, h: number) => `A bbox_list box of image ${index + 1} lies outside the image (${w}*${h}).`,
  // qwen-image-3.0 (NEW §5).
  promptExtendMode: 'The parameter prompt_extend_mode must be "direct" or "agent".',
  agentNeedsTextOnly: 'prompt_extend_mode "agent" only supports text-to-image; use "direct" with input images.',
} as const;

/** Sim wording for size errors other than the list one (the reference gives only that, API §1.6). */
export const SIZE_MSG = {
  notWireForm: (size: string, presets: readonly string[]) =>
    `The size "${size}" is not valid: use WIDTH*HEIGHT (for example 1024*1024)${presets.length ? ` or one of ${presets.join(', ')}` : ''}.`,
  pixels: (size: string, min: number, max: number) =>
    `The size ${size} is not supported: width*height must be between ${pixelsLabel(min)} and ${pixelsLabel(max)} pixels.`,
  aspect: (size: string, min: number, max: number) => `The size ${size} is not supported: the aspect ratio must be between ${aspectLabel(min)} and ${aspectLabel(max)}.`,
  sides: (size: string, min: number, max: number) => `The size ${size} is not supported: width and height must each be between ${min} and ${max}.`,
  presetTextToImageOnly: (preset: string) => `The size ${preset} is only supported for text-to-image without an image set.`,
} as const;

function pixelsLabel(px: number): string {
  const side = Math.round(Math.sqrt(px));
  return side * side === px ? `${side}*${side}` : String(px);
}

function aspectLabel(a: number): string {
  return a >= 1 ? `${Number(a.toFixed(2))}:1` : `1:${Number((1 / a).toFixed(2))}`;
}
