/**
 * SSE framing and the interleave plan (reference §3).
 *
 * Framing (captures multimodal-generation-vl-sse, parameter-error-sse): LF line endings, no space
 * after the colon, `id:N` from 1, `event:result` (or `event:error`), the comment `:HTTP_STATUS/200`
 * (or `/400`), one `data:` line of JSON, a blank line. No `[DONE]`: the stream just ends.
 * The BOM at the start of the parameter-error-sse capture file is an artifact of the capture
 * files (the request-header files carry it too), so the simulator does not send one.
 */
import { hash32, prng } from './responses.js';

export function sseFrame(id: number, event: 'result' | 'error', httpStatus: number, data: string): string {
  return `id:${id}\nevent:${event}\n:HTTP_STATUS/${httpStatus}\ndata:${data}\n\n`;
}

export const SSE_CONTENT_TYPE = 'text/event-stream;charset=UTF-8';

export type PlanItem = { type: 'text'; text: string } | { type: 'image'; index: number };

const hasCjk = (s: string) => /[\u3000-\u9fff]/.test(s);

/**
 * A deterministic interleaved answer for (prompt, maxImages, seed): for each image a short text
 * paragraph then the image; depending on the prompt hash a closing paragraph follows, so the last
 * event is sometimes text and sometimes an image (both occur in the doc examples, §3.3).
 * The sim produces exactly `maxImages` images (the service treats it as an upper bound).
 */
export function interleavePlan(prompt: string, maxImages: number, seed: number): { paragraphs: string[]; plan: PlanItem[] } {
  const cjk = hasCjk(prompt);
  const subject = [...prompt].slice(0, 24).join('');
  const paragraphs: string[] = [];
  const plan: PlanItem[] = [];
  for (let i = 0; i < maxImages; i++) {
    const p = cjk
      ? `第${i + 1}步：围绕「${subject}」，这一步展示关键细节，注意光线与构图的变化。`
      : `Step ${i + 1}: for "${subject}", this step shows the key details; note how the light and composition change.`;
    paragraphs.push(p);
    plan.push({ type: 'text', text: p }, { type: 'image', index: i });
  }
  if (hash32(`${prompt}|${seed}`) % 2 === 1) {
    const closing = cjk ? '以上就是全部步骤，祝你成功！' : 'That is all the steps. Enjoy!';
    paragraphs.push(closing);
    plan.push({ type: 'text', text: closing });
  }
  return { paragraphs, plan };
}

/** Splits text into small deltas of 2–6 code points, deterministically. */
export function textDeltas(text: string, seed: number): string[] {
  const chars = [...text];
  const rnd = prng(seed ^ hash32(text));
  const out: string[] = [];
  for (let i = 0; i < chars.length; ) {
    const len = 2 + Math.floor(rnd() * 5);
    out.push(chars.slice(i, i + len).join(''));
    i += len;
  }
  return out;
}
