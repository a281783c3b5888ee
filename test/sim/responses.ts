/**
 * Response bodies per family, shaped exactly like reference API §2.3 (sync), §5.3 (tasks) and NEW §3, §5.
 * Key order follows the captures where there is one.
 */
import { createHash } from 'node:crypto';

export type Json = Record<string, unknown>;

const hasCjk = (s: string) => /[\u3000-\u9fff]/.test(s);

/** The simulator's deterministic "prompt extension" (the service rewrites prompts when prompt_extend=true). */
export function rewritePrompt(prompt: string): string {
  return hasCjk(prompt)
    ? `${prompt}。画面细节丰富，光影自然柔和，构图均衡，高清摄影质感。`
    : `${prompt}. Rich detail, soft natural lighting, balanced composition, high-definition photographic quality.`;
}

/** z-image's reasoning text when prompt_extend=true. */
export function reasoningFor(prompt: string): string {
  return `The user asks for: "${prompt}". I will keep the subject, add lighting and composition details, and keep the style consistent.`;
}

/**
 * qwen family (real capture multimodal-generation-image-nosse): no `type`, `task_metric`, usage
 * width/height. n>1: several items in one choice. `taskMetric: false` for the 2.0 series (API §2.3).
 */
export function qwenSyncBody(urls: string[], width: number, height: number, requestId: string, opts: { taskMetric?: boolean } = {}): Json {
  const output: Json = { choices: [{ finish_reason: 'stop', message: { content: urls.map((image) => ({ image })), role: 'assistant' } }] };
  if (opts.taskMetric !== false) output.task_metric = { FAILED: 0, SUCCEEDED: urls.length, TOTAL: urls.length };
  return { output, usage: { height, image_count: urls.length, width }, request_id: requestId };
}

/** qwen-image-3.0's image type for billing tiers: 2k when the area exceeds 2,250,000 px (NEW §5). */
const qimaTier = (width: number, height: number) => (width * height > 2_250_000 ? '2k' : '1k');

/** qwen-image-3.0 usage (NEW §5): output size, input/output image counts and types. */
function qwen3Usage(urls: string[], width: number, height: number, inputs: readonly { width: number; height: number }[]): Json {
  const biggest = inputs.reduce((a, i) => Math.max(a, i.width * i.height), 0);
  return {
    output_width: width,
    output_height: height,
    input_image_count: inputs.length,
    // The doc names the types only; the input tier follows the largest input (sim choice).
    ...(inputs.length ? { input_image_type: biggest > 2_250_000 ? 'qima_input_2k' : 'qima_input_1k' } : {}),
    output_image_count: urls.length,
    output_image_type: `qima_output_${qimaTier(width, height)}`,
  };
}

/**
 * qwen-image-3.0 (NEW §5): `choices[0].message.content[{image}]` (the async result adds
 * `type:"image"`), `output.rewrite_status` ("not_use" without prompt_extend; "success" with it is
 * sim wording), and the qima usage.
 */
export function qwen3Body(urls: string[], width: number, height: number, inputs: readonly { width: number; height: number }[], promptExtend: boolean, opts: { typed?: boolean } = {}): { output: Json; usage: Json } {
  return {
    output: {
      choices: [{ finish_reason: 'stop', message: { role: 'assistant', content: urls.map((image) => (opts.typed ? { image, type: 'image' } : { image })) } }],
      rewrite_status: promptExtend ? 'success' : 'not_use',
    },
    usage: qwen3Usage(urls, width, height, inputs),
  };
}

/**
 * wan family (API §2.3): `type:"image"`, `output.finished`, `usage.size`, zero tokens unless given
 * (wan2.7 reports informational tokens, NEW §3). `oneChoice`: wan2.7 image sets put every image
 * in one choice (NEW §3); otherwise n>1 (unconfirmed, API §10) is one choice per image, like the
 * async result of the same models.
 */
export function wanSyncBody(urls: string[], width: number, height: number, requestId: string, opts: { oneChoice?: boolean; tokens?: { input: number; output: number } } = {}): Json {
  const item = (image: string) => ({ image, type: 'image' });
  const choices = opts.oneChoice
    ? [{ finish_reason: 'stop', message: { content: urls.map(item), role: 'assistant' } }]
    : urls.map((image) => ({ finish_reason: 'stop', message: { content: [item(image)], role: 'assistant' } }));
  const t = opts.tokens ?? { input: 0, output: 0 };
  return {
    output: { choices, finished: true },
    usage: { image_count: urls.length, input_tokens: t.input, output_tokens: t.output, size: `${width}*${height}`, total_tokens: t.input + t.output },
    request_id: requestId,
  };
}

/** z-image (§2.3): the image item plus a `{text}` item with the prompt (rewritten when prompt_extend), `reasoning_content`. */
export function zImageSyncBody(url: string, prompt: string, promptExtend: boolean, width: number, height: number, requestId: string): Json {
  const text = promptExtend ? rewritePrompt(prompt) : prompt;
  const reasoning = promptExtend ? reasoningFor(prompt) : '';
  const usage: Json = { height, image_count: 1, input_tokens: 0, output_tokens: 0, total_tokens: 0, width };
  if (promptExtend) {
    const inTok = [...prompt].length;
    const outTok = [...text].length + [...reasoning].length;
    Object.assign(usage, { input_tokens: inTok, output_tokens: outTok, total_tokens: inTok + outTok, output_tokens_details: { reasoning_tokens: [...reasoning].length } });
  }
  return {
    output: {
      choices: [{ finish_reason: 'stop', message: { content: [{ image: url }, { text }], reasoning_content: reasoning, role: 'assistant' } }],
    },
    usage,
    request_id: requestId,
  };
}

/** text2image task `output` extras (§5.3): results with prompts, task_metrics; failed entries for partial failure. */
export function resultsOutcome(
  entries: ({ url: string } | { code: string; message: string })[],
  prompt: string,
  promptExtend: boolean,
): { output: Json; usage: Json } {
  const succeeded = entries.filter((e) => 'url' in e).length;
  const results = entries.map((e) =>
    'url' in e ? { orig_prompt: prompt, ...(promptExtend ? { actual_prompt: rewritePrompt(prompt) } : {}), url: e.url } : e,
  );
  return {
    output: { results, task_metrics: { TOTAL: entries.length, SUCCEEDED: succeeded, FAILED: entries.length - succeeded } },
    usage: { image_count: succeeded },
  };
}

/** image-generation task `output` extras (API §5.3): one choice per image (or one for a wan2.7 set), `finished`, wan usage. */
export function choicesOutcome(urls: string[], width: number, height: number, opts: { oneChoice?: boolean; tokens?: { input: number; output: number } } = {}): { output: Json; usage: Json } {
  const item = (image: string) => ({ image, type: 'image' });
  const t = opts.tokens ?? { input: 0, output: 0 };
  return {
    output: {
      finished: true,
      choices: opts.oneChoice
        ? [{ finish_reason: 'stop', message: { role: 'assistant', content: urls.map(item) } }]
        : urls.map((image) => ({ finish_reason: 'stop', message: { role: 'assistant', content: [item(image)] } })),
    },
    usage: { size: `${width}*${height}`, total_tokens: t.input + t.output, image_count: urls.length, output_tokens: t.output, input_tokens: t.input },
  };
}

/** Interleave async result (§5.3): one choice alternating whole text paragraphs and images; non-zero tokens. */
export function interleaveOutcome(items: ({ type: 'text'; text: string } | { type: 'image'; image: string })[], inputTokens: number, width: number, height: number): { output: Json; usage: Json } {
  const images = items.filter((i) => i.type === 'image').length;
  const outTok = items.reduce((n, i) => n + (i.type === 'text' ? [...i.text].length : 150), 0);
  return {
    output: {
      finished: true,
      choices: [{ finish_reason: 'stop', message: { role: 'assistant', content: items.map((i) => (i.type === 'text' ? { text: i.text, type: 'text' } : { image: i.image, type: 'image' })) } }],
    },
    usage: { size: images ? `${width}*${height}` : '0*0', total_tokens: inputTokens + outTok, image_count: images, output_tokens: outTok, input_tokens: inputTokens },
  };
}

/** A stable pseudo-random generator for deterministic text. */
export function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 0x100000000;
  };
}

/** A stable 32-bit hash of a string: what makes a prompt's output the same on every run. */
export function hash32(s: string): number {
  return createHash('sha256').update(s).digest().readUInt32BE(0);
}
