/**
 * Cost estimates from the catalog's list prices (prices.md): pure, no network, no account data.
 *
 * Billing rules it follows (prices.md "Billing rules"): only successfully generated images are
 * billed, at one price per image whatever the resolution; z-image-turbo costs more with
 * `prompt_extend`; qwen-mt-image is billed even when it finds no text to translate; for
 * interleave (`max_images`) and wan2.7 image sets (`n` with `enable_sequential`) the count is an
 * upper bound, the model may make fewer. Free quotas are ignored: they depend on the account.
 *
 * An unknown price is reported as unknown, never as 0, so nothing calls a paid model free.
 */
import { PRICE_LIST, REGION_NAMES, findModel, nRangeFor, resolveModel, type ModelSpec, type Region } from './catalog/index.js';
import type { GenerationRequest } from './requests/index.js';

/** What an estimate needs from a request; a {@link GenerationRequest} is one. */
export type CostRequest = Pick<GenerationRequest, 'model'> &
  Partial<Pick<GenerationRequest, 'version' | 'n' | 'maxImages' | 'promptExtend' | 'enableSequential'>> & {
    /** Images actually produced (a result's `usage.imageCount` or `images.length`): billed exactly, not estimated. */
    producedImages?: number;
  };

/** A cost estimate for one request in one region. */
export interface CostEstimate {
  /** Catalog id (`wan2.6-image:interleave`). */
  model: string;
  /** The wire id that is priced (a pinned snapshot when there is one). */
  wireModel: string;
  region: Region;
  currency: typeof PRICE_LIST.currency;
  /** Price per image; undefined when unknown. */
  perImage: number | undefined;
  /** Images billed: produced ones when given, else what the request asks for (or its upper bound). */
  billableImages: number;
  /** perImage × billableImages; undefined when the price is unknown (never 0 for want of a price). */
  amount: number | undefined;
  /** No list price is known for this model (or snapshot) in this region. */
  unknown: boolean;
  /** billableImages is an upper bound: the model decides how many it makes (interleave, image sets). */
  upperBound: boolean;
  /** The date of the price list: every figure is an estimate from the list of that date. */
  priceDate: string;
  /** When a snapshot borrows its family's price (inferred): the listed model whose price is used. */
  inferredFrom?: string;
  /** Why the price is unknown, or a billing caveat worth showing. */
  note?: string;
}

/**
 * Estimates what a request costs in `region` from the catalog's list prices. With
 * `producedImages` it prices a finished result (billing is per successful image); otherwise it
 * prices what the request asks for: `n` (or the model's default), `maxImages` for interleave,
 * the image-set bound for wan2.7 with `enableSequential`.
 */
export function estimateCost(request: CostRequest, region: Region): CostEstimate {
  const resolved = resolveModel(request.model, request.version);
  const spec = resolved?.spec ?? findModel(request.model);
  const priceDate = PRICE_LIST.date;
  if (!spec) {
    return { model: request.model, wireModel: request.model, region, currency: PRICE_LIST.currency, perImage: undefined, billableImages: 0, amount: undefined, unknown: true, upperBound: false, priceDate, note: `Unknown model "${request.model}".` };
  }
  const wireModel = resolved?.wireModel ?? spec.model;
  const { count, upperBound } = billableCount(spec, request);
  const base = { model: spec.id, wireModel, region, currency: PRICE_LIST.currency, billableImages: count, upperBound, priceDate };

  const price = spec.prices[region];
  if (!spec.regions.includes(region) || !price) {
    return { ...base, perImage: undefined, amount: undefined, unknown: true, note: `${spec.id} has no list price in ${REGION_NAMES[region]}${spec.regions.includes(region) ? '' : ' (not served there)'}.` };
  }
  const promptExtend = request.promptExtend ?? spec.promptExtendDefault ?? false;
  const perImage = promptExtend ? (price.perImagePromptExtend ?? price.perImage) : price.perImage;
  if (perImage === null || perImage === undefined || perImage <= 0) {
    return { ...base, perImage: undefined, amount: undefined, unknown: true, note: price.note ?? `No list price for ${spec.id} in ${REGION_NAMES[region]}.` };
  }
  const inferred = resolved?.version?.priceInferred === true;
  const estimate: CostEstimate = {
    ...base,
    perImage,
    amount: roundMoney(perImage * count),
    unknown: false,
    ...(inferred ? { inferredFrom: spec.model } : {}),
  };
  const note = billingNote(spec, count, request.producedImages);
  if (note) estimate.note = note;
  return estimate;
}

/** How many images are billed, and whether the count is only an upper bound. */
function billableCount(spec: ModelSpec, request: CostRequest): { count: number; upperBound: boolean } {
  if (request.producedImages !== undefined) return { count: Math.max(0, Math.floor(request.producedImages)), upperBound: false };
  // qwen-mt-image: one output image per task, billed even when no text was found (prices.md rule 7).
  if (spec.task === 'translate') return { count: 1, upperBound: false };
  if (spec.maxImages) return { count: request.maxImages ?? spec.maxImages.default, upperBound: true };
  const imageSet = request.enableSequential === true && spec.imageSet !== undefined;
  const n = request.n ?? nRangeFor(spec, imageSet).default;
  return { count: Math.max(1, Math.floor(n)), upperBound: imageSet };
}

function billingNote(spec: ModelSpec, count: number, produced: number | undefined): string | undefined {
  if (produced === 0) return 'No image succeeded, so nothing is billed.';
  if (spec.task === 'translate') return 'Billed per translated image, also when no text was found to translate.';
  if (spec.maxImages && produced === undefined) return `Up to ${count} images; only the images the model makes are billed.`;
  return undefined;
}

/** Rounds to 6 decimals, the precision of the price list, so 3 × 0.1 is 0.3. */
function roundMoney(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
