/**
 * Cost before and after a job. Before anything that produces more than
 * one image, the estimate from list prices is shown; above `bailian.costConfirmThreshold` the user
 * is asked to confirm. Every figure is labelled an estimate from list prices and never shows 0
 * for a paid model (an unknown price says so). Billing is per successful image (§ prices).
 */
import * as vscode from 'vscode';
import { REGIONS, estimateCost, type CostEstimate, type GenerationRequest, type Region } from '../dashscope';
import type { SharedServices } from './context';

/** The region whose prices apply: the setting, or Beijing's list for a custom base URL (labelled so). */
export function pricingRegion(host: SharedServices): Region {
  const region = host.config.read().region;
  return (REGIONS as readonly string[]).includes(region) ? (region as Region) : 'beijing';
}

/** A total over several requests (a folder batch): images, amount (undefined if any price is unknown). */
export interface CostTotal {
  readonly images: number;
  readonly amount: number | undefined;
  readonly currency: string;
  readonly upperBound: boolean;
  readonly basis: string;
}

/** Sums estimates. */
export function totalOf(estimates: readonly CostEstimate[]): CostTotal {
  const known = estimates.every((e) => !e.unknown && e.amount !== undefined);
  return {
    images: estimates.reduce((n, e) => n + e.billableImages, 0),
    amount: known ? Math.round(estimates.reduce((a, e) => a + (e.amount ?? 0), 0) * 10000) / 10000 : undefined,
    currency: estimates[0]?.currency ?? 'CNY',
    upperBound: estimates.some((e) => e.upperBound),
    basis: estimates[0] ? basisOf(estimates[0]) : '',
  };
}

/** "estimate from list prices, <date>" in the UI language (the catalog's own text is English). */
export function basisOf(estimate: CostEstimate): string {
  return estimate.inferredFrom
    ? vscode.l10n.t('estimate from list prices, {0}; inferred: the list names {1}, not {2}', estimate.priceDate, estimate.inferredFrom, estimate.wireModel)
    : vscode.l10n.t('estimate from list prices, {0}', estimate.priceDate);
}

/** "up to 4 images, ≈ CNY 0.80 (estimate from list prices, 2026-12-01)", or "price unknown". */
export function describeCost(total: CostTotal): string {
  const images = total.upperBound ? vscode.l10n.t('up to {0} images', total.images) : total.images === 1 ? vscode.l10n.t('1 image') : vscode.l10n.t('{0} images', total.images);
  if (total.amount === undefined) return vscode.l10n.t('{0}, price unknown (no list price for this model here)', images);
  return vscode.l10n.t('{0}, ≈ {1} {2} ({3})', images, total.currency, total.amount.toFixed(2), total.basis);
}

/**
 * Shows the estimate for what is about to run and asks above the threshold. Returns false when
 * the user declined. Scripted calls (`interactive: false`) are never asked; the estimate is logged.
 */
export async function confirmCost(host: SharedServices, requests: readonly GenerationRequest[], options: { interactive: boolean; what: string }): Promise<{ proceed: boolean; total: CostTotal }> {
  const total = totalOf(requests.map((r) => estimateCost(r, pricingRegion(host))));
  host.log.info(`Cost of ${options.what}: ${describeCost(total)}`);
  if (total.images <= 1 || !options.interactive) return { proceed: true, total };
  const threshold = host.config.read().costConfirmThreshold;
  if (total.amount !== undefined && total.amount <= threshold) {
    void vscode.window.setStatusBarMessage(vscode.l10n.t('Bailian: {0}', describeCost(total)), 8000);
    return { proceed: true, total };
  }
  const go = vscode.l10n.t('Continue');
  const choice = await vscode.window.showWarningMessage(
    vscode.l10n.t('{0} will make {1}.', options.what, describeCost(total)),
    { modal: true, detail: vscode.l10n.t('Each successful image is billed. The threshold for this question is bailian.costConfirmThreshold ({0}).', threshold) },
    go,
  );
  return { proceed: choice === go, total };
}
