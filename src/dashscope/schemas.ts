/**
 * Zod schemas of what DashScope sends back, and the ONE normalized result type every call mode
 * (sync JSON, SSE stream, async task) turns into.
 *
 * Response schemas are loose (`z.looseObject`): the service adds model-specific keys freely
 * (§5.3: `error_message`, `style_index` on old tasks; §2.3: `reasoning_content`), and a client
 * that rejects unknown keys breaks the day Alibaba adds one. Fields we only display use `.catch`
 * so a surprising type degrades to "unknown" instead of failing the whole call.
 *
 * Section numbers refer to ../shared/reference/dashscope-api.md; "N§" to newer-models.md.
 */
import * as z from 'zod';
import { parseSize, type ModelSpec, type ResponseFamily } from './catalog/index.js';

const optNumber = z.number().optional().catch(undefined);
const optString = z.string().optional().catch(undefined);

// ─── Wire: errors ────────────────────────────────────────────────────────────────────────────

/** Error envelope `{code, message, request_id}`; [PY] also accepts `msg` (§1.5). */
export const ErrorEnvelopeSchema = z.looseObject({
  code: z.string().optional(),
  message: z.string().optional(),
  msg: z.string().optional(),
  request_id: z.string().optional(),
});
export type ErrorEnvelope = z.infer<typeof ErrorEnvelopeSchema>;

// ─── Wire: content / choices (sync, stream, image-generation tasks) ──────────────────────────

/** One content item: `{image}` or `{text}`; wan adds `type` (§2.3). */
export const ContentItemSchema = z.looseObject({
  type: optString,
  image: z.string().optional(),
  text: z.string().nullable().optional(),
});

/** A choice; `finish_reason` is the STRING `"null"` on non-final stream chunks (§3.3). */
export const ChoiceSchema = z.looseObject({
  finish_reason: z.string().nullable().optional(),
  message: z
    .looseObject({
      role: optString,
      // Text-only LLM answers may put a plain string here; image models always send an array.
      content: z.union([z.array(ContentItemSchema), z.string()]).optional(),
      reasoning_content: z.string().nullable().optional().catch(undefined),
    })
    .optional(),
});

/** `TOTAL/SUCCEEDED/FAILED`; sync qwen spells the key `task_metric`, tasks `task_metrics` (§2.3, §5.3). */
export const TaskMetricsSchema = z.looseObject({ TOTAL: optNumber, SUCCEEDED: optNumber, FAILED: optNumber });

/**
 * `usage` of every family: qwen width/height, wan size "W*H" and tokens (§2.3, §3.3);
 * qwen-image-3.0 names them `output_width` / `output_height` / `output_image_count` (N§5).
 */
export const UsageSchema = z.looseObject({
  image_count: optNumber,
  width: optNumber,
  height: optNumber,
  output_width: optNumber,
  output_height: optNumber,
  output_image_count: optNumber,
  size: optString,
  input_tokens: optNumber,
  output_tokens: optNumber,
  total_tokens: optNumber,
});

/** One `results[]` entry of a text2image task: a URL, or a per-image failure (§5.3). */
export const TaskResultItemSchema = z.looseObject({
  url: z.string().optional(),
  code: optString,
  message: optString,
  orig_prompt: optString,
  actual_prompt: optString,
});

/** Task status values (§5.2); [PY] also knows SUSPENDED. Unknown strings are kept, not rejected. */
export const TASK_STATUSES = ['PENDING', 'RUNNING', 'SUSPENDED', 'SUCCEEDED', 'FAILED', 'CANCELED', 'UNKNOWN'] as const;
/** A task status string as the service spells it. */
export type TaskStatus = (typeof TASK_STATUSES)[number];
/** Statuses after which polling stops (§6). */
export const TERMINAL_TASK_STATUSES: ReadonlySet<string> = new Set(['SUCCEEDED', 'FAILED', 'CANCELED', 'UNKNOWN']);

/** `output` of any response: sync choices, task fields, results, qwen-mt `image_url`. */
export const OutputSchema = z.looseObject({
  choices: z.array(ChoiceSchema).optional(),
  finished: z.boolean().optional().catch(undefined),
  task_metric: TaskMetricsSchema.optional().catch(undefined),
  task_metrics: TaskMetricsSchema.optional().catch(undefined),
  task_id: z.string().optional(),
  task_status: z.string().optional(),
  submit_time: optString,
  scheduled_time: optString,
  end_time: optString,
  results: z.array(TaskResultItemSchema).optional(),
  image_url: z.string().optional(),
  /** image-out-painting's one result (image-processing.md §2). */
  output_image_url: z.string().optional(),
  code: optString,
  message: optString,
});

/** A successful response envelope `{output, usage, request_id}` (§1.4); also each SSE chunk (§3.3). */
export const ResponseEnvelopeSchema = z.looseObject({
  output: OutputSchema,
  usage: UsageSchema.optional().catch(undefined),
  request_id: z.string().optional(),
});
export type ResponseEnvelope = z.infer<typeof ResponseEnvelopeSchema>;

/** A task submit/query response: `output.task_id` and `output.task_status` are required (§4, §5). */
export const TaskResponseSchema = z.looseObject({
  output: OutputSchema.extend({ task_id: z.string(), task_status: z.string() }),
  usage: UsageSchema.optional().catch(undefined),
  request_id: z.string().optional(),
});
export type TaskResponse = z.infer<typeof TaskResponseSchema>;

/** `GET /uploads?action=getPolicy` response (§7, capture get-upload-policy-nosse). */
export const UploadPolicySchema = z.looseObject({
  data: z.looseObject({
    policy: z.string(),
    signature: z.string(),
    upload_dir: z.string(),
    upload_host: z.string(),
    expire_in_seconds: optNumber,
    max_file_size_mb: optNumber,
    oss_access_key_id: z.string(),
    x_oss_object_acl: z.string().optional().default('private'),
    x_oss_forbid_overwrite: z.string().optional().default('true'),
  }),
  request_id: z.string().optional(),
});
export type UploadPolicy = z.infer<typeof UploadPolicySchema>['data'];

// ─── Normalized result ───────────────────────────────────────────────────────────────────────

/** One generated image. `width`/`height` come from the response when it says them, else from the requested size. */
export const ResultImageSchema = z.object({
  /** Position among the images of this result, from 0. */
  index: z.number().int(),
  url: z.string(),
  width: z.number().optional(),
  height: z.number().optional(),
  /** Known when the request gave a seed (text2image models use seed, seed+1, … per image, §4.1). */
  seed: z.number().optional(),
});
/** One generated image of a {@link GenerationResult}. */
export type ResultImage = z.infer<typeof ResultImageSchema>;

/** Output in order: text paragraphs and images interleaved (wan2.6-image interleave, §3.3). */
export const ResultPartSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('image'), imageIndex: z.number().int() }),
]);
/** One ordered part of a {@link GenerationResult}. */
export type ResultPart = z.infer<typeof ResultPartSchema>;

/** A per-image failure inside an otherwise successful task (§5.3 "Partial failure"). */
export const ResultFailureSchema = z.object({ index: z.number().int(), code: z.string(), message: z.string() });
/** One per-image failure of a {@link GenerationResult}. */
export type ResultFailure = z.infer<typeof ResultFailureSchema>;

/** Usage, normalized across families; billing is per image (§8). */
export const ResultUsageSchema = z.object({
  imageCount: z.number().optional(),
  inputTokens: z.number().optional(),
  outputTokens: z.number().optional(),
  totalTokens: z.number().optional(),
});
/** Usage of a {@link GenerationResult}. */
export type ResultUsage = z.infer<typeof ResultUsageSchema>;

/** The one result type of every call mode. */
export const GenerationResultSchema = z.object({
  /** Catalog id of the model (`wan2.6-image:interleave`). */
  model: z.string(),
  /** The exact `model` sent on the wire (a pinned snapshot such as `qwen-image-2.0-2026-03-03`), when known. */
  wireModel: z.string().optional(),
  requestId: z.string().optional(),
  taskId: z.string().optional(),
  images: z.array(ResultImageSchema),
  /** All text the model wrote, concatenated (interleave); empty for pure image models. */
  text: z.string(),
  parts: z.array(ResultPartSchema),
  /** The prompt after `prompt_extend` rewrote it (z-image text item, results[].actual_prompt). */
  rewrittenPrompt: z.string().optional(),
  /** z-image thinking text when prompt_extend=true (§2.3). */
  reasoning: z.string().optional(),
  usage: ResultUsageSchema,
  failures: z.array(ResultFailureSchema),
  /** An informational message next to a success (qwen-mt-image: "No text detected for translation", §5.3). */
  message: z.string().optional(),
  /** Service wall-clock times (`YYYY-MM-DD HH:mm:ss.SSS`, UTC+8, §5.3) for tasks. */
  submitTime: z.string().optional(),
  endTime: z.string().optional(),
});
/** The normalized result of a generation, whatever the call mode. */
export type GenerationResult = z.infer<typeof GenerationResultSchema>;

/** A task's state as the client reports it. */
export const TaskSnapshotSchema = z.object({
  taskId: z.string(),
  status: z.string(),
  requestId: z.string().optional(),
  submitTime: z.string().optional(),
  scheduledTime: z.string().optional(),
  endTime: z.string().optional(),
  /** FAILED tasks: the task's code and message (§5.3). */
  code: z.string().optional(),
  message: z.string().optional(),
  metrics: z.object({ total: z.number().optional(), succeeded: z.number().optional(), failed: z.number().optional() }).optional(),
});
/** A task's state (PENDING, RUNNING, …) with its times and, when FAILED, code and message. */
export type TaskSnapshot = z.infer<typeof TaskSnapshotSchema>;

/** What the normalizers need to know about the request that produced a response. */
export interface NormalizeContext {
  spec: ModelSpec;
  /** The family of this response (the spec's, or its async variant's). */
  family: ResponseFamily;
  prompt?: string;
  seed?: number;
  /** The requested size, used when the response does not say the size. */
  size?: string;
  promptExtend?: boolean;
}

/** Parses `usage.size` ("1376*768"; "0*0" before the first image, §3.3). */
function sizeFromUsage(usage: ResponseEnvelope['usage']): { width?: number; height?: number } {
  if (!usage) return {};
  if (usage.width && usage.height) return { width: usage.width, height: usage.height };
  if (usage.output_width && usage.output_height) return { width: usage.output_width, height: usage.output_height };
  if (usage.size) {
    const wh = parseSize(usage.size);
    if (wh && wh.width > 0 && wh.height > 0) return wh;
  }
  return {};
}

/** Normalizes `usage` into {@link ResultUsage}. */
export function normalizeUsage(usage: ResponseEnvelope['usage']): ResultUsage {
  if (!usage) return {};
  const out: ResultUsage = {};
  const imageCount = usage.image_count ?? usage.output_image_count;
  if (imageCount !== undefined) out.imageCount = imageCount;
  if (usage.input_tokens !== undefined) out.inputTokens = usage.input_tokens;
  if (usage.output_tokens !== undefined) out.outputTokens = usage.output_tokens;
  if (usage.total_tokens !== undefined) out.totalTokens = usage.total_tokens;
  return out;
}

/** Accumulates images, text parts and the rewritten prompt while walking an output. */
class ResultBuilder {
  readonly images: ResultImage[] = [];
  readonly parts: ResultPart[] = [];
  readonly failures: ResultFailure[] = [];
  rewrittenPrompt: string | undefined;
  reasoning: string | undefined;
  private readonly fallbackSize: { width?: number; height?: number };

  constructor(private readonly ctx: NormalizeContext, usage: ResponseEnvelope['usage']) {
    const fromUsage = sizeFromUsage(usage);
    const requested = ctx.size ? parseSize(ctx.size) : undefined;
    this.fallbackSize = fromUsage.width ? fromUsage : requested ?? {};
  }

  addImage(url: string, size?: { width?: number; height?: number }, slot?: number): void {
    const index = this.images.length;
    const seedIndex = slot ?? index;
    const img: ResultImage = { index, url };
    const wh = size?.width ? size : this.fallbackSize;
    if (wh.width && wh.height) {
      img.width = wh.width;
      img.height = wh.height;
    }
    const seed = seedFor(this.ctx, seedIndex);
    if (seed !== undefined) img.seed = seed;
    this.images.push(img);
    this.parts.push({ type: 'image', imageIndex: index });
  }

  addText(text: string): void {
    if (!text) return;
    // z-image's {text} item is the prompt it actually used, not model output (§2.3).
    if (this.ctx.family === 'z-image') {
      if (this.ctx.promptExtend || (this.ctx.prompt !== undefined && text !== this.ctx.prompt)) this.rewrittenPrompt = text;
      return;
    }
    const last = this.parts[this.parts.length - 1];
    if (last && last.type === 'text') last.text += text;
    else this.parts.push({ type: 'text', text });
  }

  addChoices(choices: readonly z.infer<typeof ChoiceSchema>[] | undefined): void {
    for (const choice of choices ?? []) {
      const content = choice.message?.content;
      if (typeof content === 'string') this.addText(content);
      else for (const item of content ?? []) {
        if (item.image) this.addImage(item.image);
        else if (typeof item.text === 'string') this.addText(item.text);
      }
      const reasoning = choice.message?.reasoning_content;
      if (reasoning) this.reasoning = (this.reasoning ?? '') + reasoning;
    }
  }

  text(): string {
    return this.parts.map((p) => (p.type === 'text' ? p.text : '')).join('');
  }
}

/** Seed of image `slot`: the request's seed for the first; seed+i for text2image tasks (§4.1). */
function seedFor(ctx: NormalizeContext, slot: number): number | undefined {
  if (ctx.seed === undefined) return undefined;
  if (slot === 0) return ctx.seed;
  return ctx.family === 'results' ? ctx.seed + slot : undefined;
}

/**
 * Normalizes a parsed success envelope (sync response, or a SUCCEEDED task's query response) into
 * a {@link GenerationResult}. Handles every family at once: `choices[]` (sync, image-generation
 * tasks), `results[]` with per-image failures and `actual_prompt` (text2image tasks), and the
 * single `image_url` of qwen-mt-image (§2.3, §5.3).
 */
export function normalizeResponse(body: ResponseEnvelope, ctx: NormalizeContext): GenerationResult {
  const out = body.output;
  const b = new ResultBuilder(ctx, body.usage);
  b.addChoices(out.choices);
  (out.results ?? []).forEach((r, slot) => {
    if (r.url) b.addImage(r.url, undefined, slot);
    else b.failures.push({ index: slot, code: r.code ?? 'Unknown', message: r.message ?? 'This image failed.' });
    if (r.actual_prompt && b.rewrittenPrompt === undefined) b.rewrittenPrompt = r.actual_prompt;
  });
  if (out.image_url) b.addImage(out.image_url);
  if (out.output_image_url) b.addImage(out.output_image_url);
  const result: GenerationResult = {
    model: ctx.spec.id,
    images: b.images,
    text: b.text(),
    parts: b.parts,
    usage: normalizeUsage(body.usage),
    failures: b.failures,
  };
  if (body.request_id) result.requestId = body.request_id;
  if (out.task_id) result.taskId = out.task_id;
  if (b.rewrittenPrompt !== undefined) result.rewrittenPrompt = b.rewrittenPrompt;
  if (b.reasoning) result.reasoning = b.reasoning;
  // qwen-mt-image reports "No text detected for translation" next to a success (§5.3).
  if (out.message && out.task_status !== 'FAILED') result.message = out.message;
  if (out.submit_time) result.submitTime = out.submit_time;
  if (out.end_time) result.endTime = out.end_time;
  const metrics = out.task_metrics ?? out.task_metric;
  // A metric that counts more failures than the results list shows (qwen sync: no per-image entry).
  if (metrics?.FAILED && metrics.FAILED > b.failures.length && !out.results) {
    for (let i = b.failures.length; i < metrics.FAILED; i++) {
      b.failures.push({ index: b.images.length + i, code: 'Unknown', message: 'The service reported this image as failed.' });
    }
  }
  return result;
}

/** Turns a task response into a {@link TaskSnapshot}. */
export function taskSnapshotOf(body: TaskResponse): TaskSnapshot {
  const o = body.output;
  const snap: TaskSnapshot = { taskId: o.task_id, status: o.task_status };
  if (body.request_id) snap.requestId = body.request_id;
  if (o.submit_time) snap.submitTime = o.submit_time;
  if (o.scheduled_time) snap.scheduledTime = o.scheduled_time;
  if (o.end_time) snap.endTime = o.end_time;
  if (o.code) snap.code = o.code;
  if (o.message) snap.message = o.message;
  const m = o.task_metrics ?? o.task_metric;
  if (m) snap.metrics = { total: m.TOTAL, succeeded: m.SUCCEEDED, failed: m.FAILED };
  return snap;
}

/**
 * Parses a service wall-clock time `YYYY-MM-DD HH:mm:ss[.SSS]` into epoch ms. The service writes
 * Beijing time without a zone (§5.3: submit 17:38 vs HTTP Date 09:38 GMT), so UTC+8 is applied.
 */
export function parseServiceTime(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/.exec(value.trim());
  if (!m) return undefined;
  const ms = m[7] ? Number(m[7].padEnd(3, '0')) : 0;
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), ms);
  return utc - 8 * 60 * 60 * 1000;
}

/** Strips a UTF-8 byte-order mark; several real captures start with one (captures/README). */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
