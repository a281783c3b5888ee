/** `POST …/multimodal-generation/generation`: sync calls, one-event SSE, and wan2.6-image interleave streams. */
import type { SimCore } from '../core.js';
import { MSG, SimError } from '../errors.js';
import { isEnabled, sseRequested, type Exchange, type ImgInfo } from '../exchange.js';
import { SEED_MAX } from '../models.js';
import { qwen3Body, qwenSyncBody, wanSyncBody, zImageSyncBody, type Json } from '../responses.js';
import { interleavePlan, textDeltas } from '../sse.js';
import { checkBboxBounds, checkEnvelope, outputSize, selectSpec, textLength, validateMessages, type MessagesJob } from '../validate.js';
import { checkAccess, generationHeaders, renderAll, resolveImages, seedOf, syncDelayMs, takeSubmit, wanOptions, type RouteCall } from './shared.js';

/** `POST …/multimodal-generation/generation` (§2, §3). */
export async function sync({ core, region, ex, caller, body, parseError }: RouteCall): Promise<void> {
  const req = ex.req;
  const sse = sseRequested(req);
  if (isEnabled(req, 'x-dashscope-async')) throw new SimError(403, 'AccessDenied', MSG.asyncNotSupported);
  ex.sseMode = sse;
  if (parseError || body === undefined) throw new SimError(400, 'BadRequest.IllegalInput', MSG.illegalInput);
  const env = checkEnvelope(body);
  const spec = selectSpec(env.model, 'multimodalGeneration', region, env.parameters);
  checkAccess(core, spec, caller);
  const release = core.limiter.acquire(`${caller.accountId}|${spec.model}|inflight`, spec.rateLimits.syncConcurrent);
  try {
    takeSubmit(core, ex, spec, caller);
    const job = validateMessages(spec, env.input, env.parameters, { sse, asyncCall: false });
    const imgs = await resolveImages(core, job, spec, caller, req);
    checkBboxBounds(job, imgs);
    const size = outputSize(spec, job, imgs);
    if (job.interleave) return await streamInterleave(core, ex, job, size, imgs);
    // W27: thinking_mode "adds latency"; the simulator adds half the typical duration (sim choice).
    await core.clock.sleep(Math.round(syncDelayMs(core, spec) * (job.thinking ? 1.5 : 1)), ex.abort.signal);
    if (ex.gone) return;
    const seed = seedOf(job);
    const urls = await renderAll(core, spec, job.prompt, seed, job.n, size);
    const resBody =
      job.family === 'qwen'
        ? qwenSyncBody(urls, size.width, size.height, ex.requestId, { taskMetric: spec.taskMetric })
        : job.family === 'z-image'
          ? zImageSyncBody(urls[0], job.prompt, job.promptExtend, size.width, size.height, ex.requestId)
          : job.family === 'qwen3'
            ? { ...qwen3Body(urls, size.width, size.height, imgs, job.promptExtend), request_id: ex.requestId }
            : wanSyncBody(urls, size.width, size.height, ex.requestId, wanOptions(job, imgs));
    if (sse) {
      // Non-interleave models with SSE requested: one result event carrying the whole answer.
      ex.extraHeaders = generationHeaders(false);
      ex.event(resBody);
      ex.endSse();
    } else {
      ex.json(200, resBody, { headers: generationHeaders(true) });
    }
  } finally {
    release();
  }
}

/** wan2.6-image interleave over SSE (§3.3): one content item per event, text deltas, whole images, cumulative usage. */
async function streamInterleave(core: SimCore, ex: Exchange, job: MessagesJob, size: { width: number; height: number }, imgs: ImgInfo[]): Promise<void> {
  const spec = job.spec;
  const seed = seedOf(job);
  const { plan } = interleavePlan(job.prompt, job.maxImages, seed);
  type Step = { type: 'text'; text: string } | { type: 'image'; index: number };
  const steps: Step[] = [];
  plan.forEach((item, k) => {
    if (item.type === 'text') for (const d of textDeltas(item.text, seed + k)) steps.push({ type: 'text', text: d });
    else steps.push(item);
  });
  const textGap = core.timing.streamEventMs ?? Math.max(1, Math.round(60 * core.timing.scale));
  const imageGap = core.timing.streamEventMs ?? Math.round((spec.typicalDurationMs * core.timing.scale) / (job.maxImages + 1));
  const inputTokens = textLength(job.prompt) + imgs.length * 256;
  let outputTokens = 0;
  let images = 0;
  ex.extraHeaders = generationHeaders(false);
  ex.startSse();
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    await core.clock.sleep(step.type === 'text' ? textGap : imageGap, ex.abort.signal);
    if (ex.gone) return;
    let item: Json;
    if (step.type === 'text') {
      outputTokens += textLength(step.text);
      item = { type: 'text', text: step.text };
    } else {
      const url = await core.assets.putResult({ model: spec.model, prompt: job.prompt, seed: (seed + step.index) % (SEED_MAX + 1), width: size.width, height: size.height, format: spec.outputFormat, index: step.index });
      if (ex.gone) return;
      images += 1;
      outputTokens += 150;
      item = { type: 'image', image: url };
    }
    const last = i === steps.length - 1;
    const ok = ex.event({
      output: { choices: [{ message: { content: [item], role: 'assistant' }, finish_reason: last ? 'stop' : 'null' }], finished: last },
      usage: { input_tokens: inputTokens, output_tokens: outputTokens, total_tokens: inputTokens + outputTokens, image_count: images, size: images ? `${size.width}*${size.height}` : '0*0' },
      request_id: ex.requestId,
    });
    if (!ok) return;
  }
  ex.endSse();
}
