/**
 * Compare (the studio's Generate mode): one prompt on 2–4 models. Each model gets the controls
 * they share (prompt, count, seed, negative prompt, the prompt_extend and watermark toggles where
 * it takes them) and its OWN size rule applied: the form's size when the model accepts it, else
 * the nearest size it does (same shape first, then the closest area). The page shows the mapped
 * sizes before the run; the host runs exactly what this gives. Pure (the webview bundles it).
 */
import type { ModelOption, RunParams } from './messages';

type SizedModel = Pick<ModelOption, 'sizes' | 'defaultSize' | 'sizeRule'>;

function parse(size: string | undefined): { w: number; h: number } | undefined {
  const m = /^(\d+)\*(\d+)$/.exec(size ?? '');
  return m ? { w: Number(m[1]), h: Number(m[2]) } : undefined;
}

/** How far apart two sizes are: the shape counts first, the area second. */
function distance(a: { w: number; h: number }, b: { w: number; h: number }): number {
  return Math.abs(Math.log(a.w / a.h) - Math.log(b.w / b.h)) * 10 + Math.abs(Math.log((a.w * a.h) / (b.w * b.h)));
}

const clamp = (v: number, min: number, max: number): number => Math.min(max, Math.max(min, v));

/** The size `model` is sent for the form's `size` (undefined: the model's own default, or it takes none). */
export function compareSize(model: SizedModel, size: string | undefined): string | undefined {
  const rule = model.sizeRule;
  if (rule.kind === 'none') return undefined;
  const wanted = parse(size);
  if (size && model.sizes.includes(size)) return size;
  if (!wanted) return model.defaultSize;
  if (rule.kind === 'list') {
    const options = rule.sizes.flatMap((s) => (parse(s) ? [{ s, d: distance(wanted, parse(s)!) }] : []));
    options.sort((a, b) => a.d - b.d);
    return options[0]?.s ?? model.defaultSize;
  }
  if (rule.kind === 'sides') {
    const scale = Math.min(1, rule.maxSide / Math.max(wanted.w, wanted.h));
    const up = Math.max(1, rule.minSide / Math.min(wanted.w * scale, wanted.h * scale));
    const w = clamp(Math.round(wanted.w * scale * up), rule.minSide, rule.maxSide);
    const h = clamp(Math.round(wanted.h * scale * up), rule.minSide, rule.maxSide);
    return `${w}*${h}`;
  }
  // Pixels: the shape clamped to the model's aspect range, the area to its pixel range, sides on a 16 px grid inside it.
  const aspect = clamp(wanted.w / wanted.h, rule.minAspect ?? 0, rule.maxAspect ?? Infinity);
  const area = clamp(wanted.w * wanted.h, rule.minPixels, rule.maxPixels);
  let w = Math.round(Math.sqrt(area * aspect) / 16) * 16;
  let h = Math.round(w / aspect / 16) * 16;
  while (w * h > rule.maxPixels) {
    w -= 16;
    h = Math.round(w / aspect / 16) * 16;
  }
  while (w * h < rule.minPixels) {
    w += 16;
    h = Math.round(w / aspect / 16) * 16;
  }
  const fitted = `${w}*${h}`;
  return fitted === size ? size : fitted;
}

/** One column's run: the shared controls the model takes, and its own size. */
export function compareParams(params: RunParams, model: ModelOption): RunParams {
  const size = compareSize(model, params.size);
  const n = clamp(params.n ?? 1, model.n.min, model.n.max);
  return {
    mode: 'generate',
    model: model.id,
    ...(params.prompt !== undefined ? { prompt: params.prompt } : {}),
    ...(size !== undefined ? { size } : {}),
    ...(model.n.max > 1 || n !== 1 ? { n } : {}),
    ...(model.seed && params.seed !== undefined ? { seed: params.seed } : {}),
    ...(model.negativePromptMaxLength !== undefined && params.negativePrompt ? { negativePrompt: params.negativePrompt.slice(0, model.negativePromptMaxLength) } : {}),
    ...(model.promptExtend !== undefined && params.promptExtend !== undefined ? { promptExtend: params.promptExtend } : {}),
    ...(model.watermark && params.watermark !== undefined ? { watermark: params.watermark } : {}),
  };
}

/** How many models a comparison takes. */
export const COMPARE_MODELS = { min: 2, max: 4 } as const;

