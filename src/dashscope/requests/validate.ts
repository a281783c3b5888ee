/**
 * Validation of a request against the model catalog, BEFORE anything is sent or uploaded. Every
 * message says what to change ("wan2.2-t2i-flash accepts n from 1 to 4; you gave 6."), because a
 * 400 from the service costs a round trip and its wording is often vaguer (§1.6
 * "num_images_per_prompt must be 1").
 */
import type * as z from 'zod';
import { MODELS, findModel } from '../catalog/index.js';
import { RequestValidationError, type ValidationIssue } from '../errors.js';
import { checkImages, checkTranslation } from './check-inputs.js';
import { checkOutpaintOffsets, checkProcess } from './check-process.js';
import { checkBoxesOption, checkPaletteOption, checkPromptExtendOptions } from './check-options.js';
import {
  checkCounts,
  checkNegativePrompt,
  checkPrompt,
  checkRegionAndMode,
  checkSizeParam,
  checkUnknownParams,
  checkVersion,
  type CheckContext,
  type ValidateOptions,
} from './checks.js';
import { GenerationRequestSchema, toImageInput, type ValidatedRequest } from './schema.js';

/**
 * Validates a request against its model's catalog entry. Throws {@link RequestValidationError}
 * listing EVERY problem (not just the first) with what to change.
 */
export function validateRequest(input: unknown, options: ValidateOptions = {}): ValidatedRequest {
  const parsed = GenerationRequestSchema.safeParse(input);
  if (!parsed.success) {
    throw new RequestValidationError(
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: describeZodIssue(i) })),
    );
  }
  const req = parsed.data;
  const spec = findModel(req.model);
  if (!spec) {
    throw new RequestValidationError([{ path: 'model', message: `Unknown model "${req.model}". Known models: ${MODELS.map((m) => m.id).join(', ')}.` }]);
  }
  const issues: ValidationIssue[] = [];
  const images = (req.images ?? []).map(toImageInput);
  const context: CheckContext = {
    spec,
    req,
    id: spec.id,
    images,
    imageSet: req.enableSequential === true && spec.params.includes('enable_sequential'),
    options,
    add: (path, message) => {
      issues.push({ path, message });
    },
  };

  // The order of the checks is the order of the messages the user reads.
  const version = checkVersion(context);
  const useAsyncVariant = checkRegionAndMode(context, version);
  const prompt = checkPrompt(context);
  checkUnknownParams(context);
  checkNegativePrompt(context);
  checkSizeParam(context);
  checkCounts(context);
  checkPaletteOption(context);
  checkBoxesOption(context);
  checkPromptExtendOptions(context);
  checkImages(context);
  const { sourceLang, targetLang } = checkTranslation(context);
  const processing = checkProcess(context);
  const baseSize = options.imageSizes?.[0];
  if (processing.processFunction?.id === 'outpaint' && baseSize) {
    for (const message of checkOutpaintOffsets(req.process, baseSize)) context.add('process', message);
  }

  if (issues.length) throw new RequestValidationError(issues, spec.id);
  const wireModel = version?.model ?? spec.model;
  const validated: ValidatedRequest = { spec, request: { ...req, prompt: req.prompt === undefined ? undefined : prompt }, wireModel, images, useAsyncVariant };
  if (version) validated.version = version;
  if (sourceLang) validated.sourceLang = sourceLang;
  if (targetLang) validated.targetLang = targetLang;
  if (processing.processFunction) validated.processFunction = processing.processFunction;
  if (processing.mask) validated.mask = processing.mask;
  if (processing.refImage) validated.refImage = processing.refImage;
  return validated;
}

function describeZodIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `Unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => `"${k}"`).join(', ')}; check the spelling.`;
  if (issue.code === 'invalid_union' && issue.path[0] === 'images') return 'An image must be a URL, an oss:// URL, a data: URI, a file path, or {kind, …}.';
  return issue.message;
}
