/** The three async submit endpoints: text2image, image2image (qwen-mt-image) and image-generation. */
import { isFlatColour } from '../assets/inputs.js';
import { renderTranslation } from '../assets/render.js';
import { MSG, SimError } from '../errors.js';
import { isEnabled } from '../exchange.js';
import { choicesOutcome, interleaveOutcome, qwen3Body, resultsOutcome, type Json } from '../responses.js';
import { interleavePlan } from '../sse.js';
import type { TaskOutcome } from '../tasks.js';
import { checkMaskSize, checkOffsets, checkTransparent, processOutputSize, validateProcess } from '../process.js';
import { checkBboxBounds, checkEnvelope, outputSize, selectSpec, textLength, validateMessages, validatePrompt, validateTranslate } from '../validate.js';
import { checkAccess, renderAll, resolveImages, seedOf, takeSubmit, taskTiming, wanOptions, type RouteCall } from './shared.js';

/** The three async submit endpoints (§4). */
export async function submitTask({ core, region, ex, caller, endpoint, body, parseError, taskFail }: RouteCall): Promise<void> {
  const req = ex.req;
  if (!isEnabled(req, 'x-dashscope-async')) throw new SimError(403, 'AccessDenied', MSG.syncNotSupported);
  if (parseError || body === undefined) throw new SimError(400, 'BadRequest.IllegalInput', MSG.illegalInput);
  const env = checkEnvelope(body);
  const spec = selectSpec(env.model, endpoint, region, env.parameters);
  checkAccess(core, spec, caller);
  core.limiter.checkConcurrent(core.tasks.active(caller.accountId, spec.model), spec.rateLimits.asyncConcurrent);
  takeSubmit(core, ex, spec, caller);

  let total = 1;
  let family: 'results' | 'choices' | 'image_url' | 'output_image_url';
  let run: () => Promise<TaskOutcome>;
  const failOutcome = (): TaskOutcome => ({
    status: 'FAILED',
    output: {
      code: taskFail?.code ?? 'InternalError',
      message: taskFail?.message ?? MSG.internalError,
      ...(family === 'results' ? { task_metrics: { TOTAL: total, SUCCEEDED: 0, FAILED: total } } : {}),
    },
  });

  if (spec.process) {
    const job = validateProcess(spec, env.input, env.parameters);
    const [base] = await resolveImages(core, { imageRef: job.baseRef }, spec, caller, req);
    if (spec.images?.alphaRequired) checkTransparent(base.bytes);
    if (job.maskRef) checkMaskSize((await resolveImages(core, { imageRef: job.maskRef }, spec, caller, req))[0], base);
    if (job.refImageRef) await resolveImages(core, { imageRef: job.refImageRef }, spec, caller, req);
    if (spec.input === 'outpainting') checkOffsets(job.parameters, base);
    const size = processOutputSize(job, base);
    family = spec.response === 'output_image_url' ? 'output_image_url' : 'results';
    total = job.n;
    const seed = seedOf(job);
    const label = job.prompt || job.fn || spec.model;
    run = async () => {
      const failed = taskFail ? Math.min(total, taskFail.failedImages ?? total) : 0;
      if (failed >= total) return failOutcome();
      const urls = await renderAll(core, spec, label, seed, total - failed, size);
      // PROC §2: image-out-painting returns one output.output_image_url.
      if (family === 'output_image_url') return { status: 'SUCCEEDED', output: { output_image_url: urls[0] }, usage: { image_count: 1 } };
      const entries = [
        ...urls.map((url) => ({ url })),
        ...Array.from({ length: failed }, () => ({ code: taskFail?.code ?? 'InternalError.Timeout', message: taskFail?.message ?? MSG.timeoutEntry })),
      ];
      const { output, usage } = resultsOutcome(entries, job.prompt, false);
      // PROC §1 result entries carry only `url` (no orig_prompt).
      output.results = (output.results as Record<string, unknown>[]).map((r) => ('url' in r ? { url: r.url } : r));
      return { status: 'SUCCEEDED', output, usage };
    };
  } else if (endpoint === 'text2image') {
    const job = validatePrompt(spec, env.input, env.parameters);
    total = job.n;
    family = 'results';
    const seed = seedOf(job);
    run = async () => {
      const failed = taskFail ? Math.min(total, taskFail.failedImages ?? total) : 0;
      if (failed >= total) return failOutcome();
      const urls = await renderAll(core, spec, job.prompt, seed, total - failed, job);
      const entries = [
        ...urls.map((url) => ({ url })),
        ...Array.from({ length: failed }, () => ({ code: taskFail?.code ?? 'InternalError.Timeout', message: taskFail?.message ?? MSG.timeoutEntry })),
      ];
      return { status: 'SUCCEEDED', ...resultsOutcome(entries, job.prompt, job.promptExtend) };
    };
  } else if (endpoint === 'imageGeneration') {
    const job = validateMessages(spec, env.input, env.parameters, { sse: false, asyncCall: true });
    const imgs = await resolveImages(core, job, spec, caller, req);
    checkBboxBounds(job, imgs);
    const size = outputSize(spec, job, imgs);
    family = 'choices';
    total = job.interleave ? job.maxImages : job.n;
    const seed = seedOf(job);
    run = async () => {
      if (taskFail) return failOutcome();
      if (job.interleave) {
        const { plan } = interleavePlan(job.prompt, job.maxImages, seed);
        const items: ({ type: 'text'; text: string } | { type: 'image'; image: string })[] = [];
        for (const p of plan) {
          if (p.type === 'text') items.push(p);
          else items.push({ type: 'image', image: (await renderAll(core, spec, job.prompt, seed + p.index, 1, size))[0] });
        }
        return { status: 'SUCCEEDED', ...interleaveOutcome(items, textLength(job.prompt) + imgs.length * 256, size.width, size.height) };
      }
      const urls = await renderAll(core, spec, job.prompt, seed, total, size);
      if (job.family === 'qwen3') return { status: 'SUCCEEDED', ...qwen3Body(urls, size.width, size.height, imgs, job.promptExtend, { typed: true }) };
      return { status: 'SUCCEEDED', ...choicesOutcome(urls, size.width, size.height, wanOptions(job, imgs)) };
    };
  } else {
    const job = validateTranslate(spec, env.input);
    const [img] = await resolveImages(core, job, spec, caller, req);
    family = 'image_url';
    run = async () => {
      if (taskFail) return failOutcome();
      const jpg = renderTranslation({ bytes: img.bytes, width: img.width, height: img.height }, job.targetLang);
      const url = core.assets.putResultBytes(jpg, 'jpg');
      const output: Json = { image_url: url };
      // Deterministic "no text" trigger: an input that is one flat colour has nothing to translate.
      // The service still SUCCEEDS (and bills) with this message in output (§5.3).
      if (isFlatColour(img.bytes)) output.message = MSG.noTextDetected;
      return { status: 'SUCCEEDED', output, usage: { image_count: 1 } };
    };
  }

  const task = core.tasks.create({ accountId: caller.accountId, model: spec.model, family, total, timing: taskTiming(core, spec), run });
  ex.json(200, { output: { task_status: 'PENDING', task_id: task.id }, request_id: ex.requestId }, { headers: { 'x-dashscope-timeout': '298' } });
}
