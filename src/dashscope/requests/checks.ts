/**
 * The checks of a request against its model's catalog entry, one concern each. Every check adds
 * what it finds to the context instead of throwing, so the user sees EVERY problem at once.
 */
import {
  REGION_NAMES,
  SEED_MAX,
  checkSize,
  describeRegions,
  describeSizeRule,
  findVersion,
  nRangeFor,
  sizeRuleFor,
  type ModelSpec,
  type ModelVersion,
  type ParamName,
  type Region,
} from '../catalog/index.js';
import type { GenerationRequest, ResolvedImageInput } from './schema.js';

/** Options of {@link validateRequest}. */
export interface ValidateOptions {
  /** The client's region; checked against the model's regions (qwen-mt-image: Beijing only). */
  region?: Region;
  /** Use the model's async variant (qwen-image-plus/qwen-image via text2image, wan2.6 via image-generation). */
  useAsyncVariant?: boolean;
  /**
   * Pixel sizes of the input images, where the caller knows them (same order as `images`):
   * `bboxList` boxes are then checked to lie inside their image. Local files are checked on
   * resolution anyway (upload.ts).
   */
  imageSizes?: readonly ({ width: number; height: number } | undefined)[];
}

/** What every check reads, and where it reports. */
export interface CheckContext {
  spec: ModelSpec;
  req: GenerationRequest;
  /** The catalog id, for messages. */
  id: string;
  images: ResolvedImageInput[];
  /** wan2.7 image-set mode: changes the n range and the size rule. */
  imageSet: boolean;
  options: ValidateOptions;
  add(path: string, message: string): void;
}

/** Snapshots (N§4): a snapshot id as `model`, or `version`; returns the snapshot the request pins, if any. */
export function checkVersion({ spec, req, id, add }: CheckContext): ModelVersion | undefined {
  let version = spec.versions?.find((v) => v.model === req.model);
  if (req.version !== undefined) {
    const pinned = findVersion(spec, req.version);
    if (!pinned) {
      add(
        'version',
        spec.versions?.length
          ? `${id} has no snapshot "${req.version}"; use one of ${spec.versions.map((v) => v.model).join(', ')}, or leave version out for the current ${spec.model}.`
          : `${id} has no dated snapshots; remove version.`,
      );
    } else if (version && version.model !== pinned.model) {
      add('version', `model names the snapshot ${version.model} but version says ${pinned.model}; give only one of them.`);
    } else {
      version = pinned;
    }
  }
  return version;
}

/** The region serves the model, and the async variant exists; returns whether the variant is used. */
export function checkRegionAndMode({ spec, id, options, add }: CheckContext, version: ModelVersion | undefined): boolean {
  if (options.region && !spec.regions.includes(options.region)) {
    const note = spec.processing ? ` ${spec.regionNotes?.[options.region] ?? ''}`.trimEnd() : '';
    add('model', `${id} is served only in ${describeRegions(spec.regions)}, not in ${REGION_NAMES[options.region]}; switch the region (your key must belong to that region too).${note}`);
  }
  const useAsyncVariant = Boolean(options.useAsyncVariant) && spec.mode !== 'async';
  if (options.useAsyncVariant && spec.mode !== 'async' && !spec.asyncVariant) {
    add('model', `${id} has no async task variant; call it directly.`);
  } else if (useAsyncVariant && version?.syncOnly) {
    add('model', `${version.model} has no async task variant (only ${spec.model} has); call it directly, or use ${spec.model}.`);
  }
  return useAsyncVariant;
}

/** Prompt (§2.2 lengths; token limits are the service's to count, it truncates); returns the trimmed prompt. */
export function checkPrompt({ spec, req, id, add }: CheckContext): string {
  const prompt = req.prompt?.trim() ?? '';
  if (spec.prompt.required && !prompt) add('prompt', `${id} needs a prompt.`);
  // Processing models say per operation whether a prompt applies (check-process.ts).
  if (!spec.processing && !spec.prompt.required && spec.prompt.maxLength === 0 && prompt) {
    add('prompt', `${id} takes no prompt; pass the languages and glossary as translation options instead.`);
  }
  if (spec.prompt.unit === 'chars' && spec.prompt.maxLength > 0 && [...prompt].length > spec.prompt.maxLength) {
    add('prompt', `${id} accepts prompts up to ${spec.prompt.maxLength} characters; yours has ${[...prompt].length}. Shorten it.`);
  }
  return prompt;
}

const PARAM_FIELDS: ReadonlyArray<[keyof GenerationRequest, ParamName, string]> = [
  ['negativePrompt', 'negative_prompt', 'a negative prompt'],
  ['size', 'size', 'a size'],
  ['seed', 'seed', 'a seed'],
  ['promptExtend', 'prompt_extend', 'prompt extension (promptExtend)'],
  ['watermark', 'watermark', 'a watermark option'],
  ['maxImages', 'max_images', 'maxImages'],
  ['enableSequential', 'enable_sequential', 'image sets (enableSequential)'],
  ['thinkingMode', 'thinking_mode', 'thinkingMode'],
  ['colorPalette', 'color_palette', 'a colour palette (colorPalette)'],
  ['bboxList', 'bbox_list', 'boxes (bboxList)'],
  ['promptExtendMode', 'prompt_extend_mode', 'promptExtendMode'],
  ['enableThinking', 'enable_thinking', 'enableThinking'],
];

/** Optional parameters the model does not understand: say so instead of silently dropping them. */
export function checkUnknownParams({ spec, req, id, add }: CheckContext): void {
  for (const [field, param, what] of PARAM_FIELDS) {
    if (req[field] !== undefined && !spec.params.includes(param)) {
      add(field, `${id} does not take ${what}; remove it.`);
    }
  }
}

/** The negative prompt's length. */
export function checkNegativePrompt({ spec, req, id, add }: CheckContext): void {
  if (req.negativePrompt !== undefined && spec.negativePromptMaxLength !== undefined && [...req.negativePrompt].length > spec.negativePromptMaxLength) {
    add('negativePrompt', `${id} accepts negative prompts up to ${spec.negativePromptMaxLength} characters; yours has ${[...req.negativePrompt].length}.`);
  }
}

/** The size against the rule that applies (with images or image sets, wan2.7-image-pro has no 4K). */
export function checkSizeParam({ spec, req, id, images, imageSet, add }: CheckContext): void {
  if (req.size === undefined || !spec.params.includes('size')) return;
  const rule = sizeRuleFor(spec, { imageCount: images.length, imageSet });
  const preset = req.size.trim().toUpperCase();
  const t2iOnlyPreset = rule !== spec.size && spec.size.kind === 'pixels' && spec.size.presets?.includes(preset) && !(rule.kind === 'pixels' && rule.presets?.includes(preset));
  if (t2iOnlyPreset) {
    add('size', `${id} offers ${preset} only for text-to-image without an image set; with input images or enableSequential use ${rule.kind === 'pixels' && rule.presets ? `${rule.presets.join(', ')} or ` : ''}a size within ${describeSizeRule(rule)}.`);
  } else {
    const problem = checkSize(rule, req.size, id);
    if (problem) add('size', rule === spec.size ? problem : `${problem} (This limit applies with input images or enableSequential.)`);
  }
}

/** n, seed and max_images: whole numbers within the model's ranges. */
export function checkCounts({ spec, req, id, imageSet, add }: CheckContext): void {
  if (req.n !== undefined) {
    const r = nRangeFor(spec, imageSet);
    const where = imageSet ? ' in image sets (enableSequential)' : spec.imageSet && spec.params.includes('enable_sequential') ? ` (up to ${spec.imageSet.n.max} with enableSequential)` : '';
    if (!Number.isInteger(req.n)) add('n', `n must be a whole number; you gave ${req.n}.`);
    else if (r.min === r.max && req.n !== r.min) add('n', `${id} makes exactly ${r.min} image per call (n=${r.min}); you gave ${req.n}.`);
    else if (req.n < r.min || req.n > r.max) add('n', `${id} accepts n from ${r.min} to ${r.max}${where}; you gave ${req.n}.`);
  }
  if (req.seed !== undefined && spec.params.includes('seed') && (!Number.isInteger(req.seed) || req.seed < 0 || req.seed > SEED_MAX)) {
    add('seed', `seed must be a whole number from 0 to ${SEED_MAX}; you gave ${req.seed}.`);
  }
  if (req.maxImages !== undefined && spec.maxImages) {
    const r = spec.maxImages;
    if (!Number.isInteger(req.maxImages) || req.maxImages < r.min || req.maxImages > r.max) {
      add('maxImages', `${id} accepts maxImages from ${r.min} to ${r.max}; you gave ${req.maxImages}.`);
    }
  }
}
