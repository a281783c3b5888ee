/**
 * Response bodies per family, shaped exactly like reference §2.3 (sync) and §5.3 (tasks).
 * Key order follows the captures where there is one.
 */
import { hash32 } from './util.js';

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

/** qwen family (real capture multimodal-generation-image-nosse): no `type`, `task_metric`, usage width/height. n>1: several items in one choice. */
export function qwenSyncBody(urls: string[], width: number, height: number, requestId: string): Json {
  return {
    output: {
      choices: [{ finish_reason: 'stop', message: { content: urls.map((image) => ({ image })), role: 'assistant' } }],
      task_metric: { FAILED: 0, SUCCEEDED: urls.length, TOTAL: urls.length },
    },
    usage: { height, image_count: urls.length, width },
    request_id: requestId,
  };
}

/**
 * wan family (§2.3): `type:"image"`, `output.finished`, `usage.size`, zero tokens.
 * n>1 (unconfirmed, §10): one choice per image, like the async result of the same models.
 */
export function wanSyncBody(urls: string[], width: number, height: number, requestId: string): Json {
  return {
    output: {
      choices: urls.map((image) => ({ finish_reason: 'stop', message: { content: [{ image, type: 'image' }], role: 'assistant' } })),
      finished: true,
    },
    usage: { image_count: urls.length, input_tokens: 0, output_tokens: 0, size: `${width}*${height}`, total_tokens: 0 },
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

/** image-generation task `output` extras (§5.3): one choice per image, `finished`, wan usage. */
export function choicesOutcome(urls: string[], width: number, height: number): { output: Json; usage: Json } {
  return {
    output: {
      finished: true,
      choices: urls.map((image) => ({ finish_reason: 'stop', message: { role: 'assistant', content: [{ image, type: 'image' }] } })),
    },
    usage: { size: `${width}*${height}`, total_tokens: 0, image_count: urls.length, output_tokens: 0, input_tokens: 0 },
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

export { hash32 };
