/**
 * Spend summed from history entries as they are read (Show Spend): images and estimated spend by
 * day and by model, one entry at a time, so a manifest of any length is summed without holding
 * its entries. Jobs without a price count as images at an unknown price, never as 0.
 */
import { estimateCost, findModel, type Region } from '../dashscope/index.js';
import type { HistoryEntry } from './history.js';

/** One row of a spend table. */
export interface SpendRow {
  images: number;
  amount: number;
  unknownImages: number;
}

function add(map: Map<string, SpendRow>, key: string, images: number, amount: number | undefined): void {
  const row = map.get(key) ?? { images: 0, amount: 0, unknownImages: 0 };
  row.images += images;
  if (amount === undefined) row.unknownImages += images;
  else row.amount += amount;
  map.set(key, row);
}

/** The list-price estimate of an entry recorded without one, in `region`'s prices; undefined when unknown. */
export function listPriceOf(region: Region): (entry: HistoryEntry) => number | undefined {
  return (entry) => {
    if (!findModel(entry.model)) return undefined;
    const estimate = estimateCost({ model: entry.model, producedImages: entry.produced ?? entry.outputs.length }, region);
    return estimate.unknown ? undefined : estimate.amount;
  };
}

/** Sums entries as they come: by day (YYYY-MM-DD of the start) and by model. */
export class SpendTally {
  readonly byDay = new Map<string, SpendRow>();
  readonly byModel = new Map<string, SpendRow>();
  readonly currency = 'CNY';
  /** Entries seen, with or without images. */
  jobs = 0;

  constructor(
    /** The price of an entry recorded without an estimate. */
    private readonly price: (entry: HistoryEntry) => number | undefined,
  ) {}

  add(entry: HistoryEntry): void {
    this.jobs++;
    const images = entry.produced ?? entry.outputs.length;
    if (!images) return;
    const amount = entry.estimatedCost?.amount ?? this.price(entry);
    add(this.byDay, entry.started.slice(0, 10), images, amount);
    add(this.byModel, entry.model, images, amount);
  }
}
