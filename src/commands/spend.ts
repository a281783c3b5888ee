/**
 * `bailian.showSpend` ("Show Spend"): the workspace history's images and estimated spend, summed
 * by day and by model, in a read-only Markdown document. Every figure is an estimate from list
 * prices; jobs recorded without a price are counted as unknown, never as 0.
 */
import * as vscode from 'vscode';
import { estimateCost, findModel } from '../dashscope';
import type { HistoryEntry } from '../pipeline/history';
import { pricingRegion } from '../workflows/cost';
import type { SharedServices } from '../workflows/context';

interface Row {
  images: number;
  amount: number;
  unknownImages: number;
}

function add(map: Map<string, Row>, key: string, images: number, amount: number | undefined): void {
  const row = map.get(key) ?? { images: 0, amount: 0, unknownImages: 0 };
  row.images += images;
  if (amount === undefined) row.unknownImages += images;
  else row.amount += amount;
  map.set(key, row);
}

/** The spend of entries, by day (YYYY-MM-DD) and by model. */
export function spendOf(entries: readonly HistoryEntry[], price: (entry: HistoryEntry) => number | undefined): { byDay: Map<string, Row>; byModel: Map<string, Row>; currency: string } {
  const byDay = new Map<string, Row>();
  const byModel = new Map<string, Row>();
  for (const entry of entries) {
    const images = entry.produced ?? entry.outputs.length;
    if (!images) continue;
    const amount = entry.estimatedCost?.amount ?? price(entry);
    add(byDay, entry.started.slice(0, 10), images, amount);
    add(byModel, entry.model, images, amount);
  }
  return { byDay, byModel, currency: 'CNY' };
}

function table(title: string, rows: Map<string, Row>, currency: string): string {
  const lines = [`## ${title}`, '', `| | ${vscode.l10n.t('images')} | ${vscode.l10n.t('estimated spend')} |`, '|---|---:|---:|'];
  for (const [key, row] of [...rows.entries()].sort()) {
    const unknown = row.unknownImages ? ` ${vscode.l10n.t('(+{0} images at unknown prices)', row.unknownImages)}` : '';
    lines.push(`| ${key} | ${row.images} | ≈ ${currency} ${row.amount.toFixed(2)}${unknown} |`);
  }
  return lines.join('\n');
}

/** Runs the command; resolves with the document's text (for tests). */
export async function showSpendCommand(host: SharedServices): Promise<string> {
  const region = pricingRegion(host);
  const parts: string[] = [`# ${vscode.l10n.t('Bailian spend (estimate from list prices)')}`, ''];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const { entries } = await host.history.of(folder).read();
    const { byDay, byModel, currency } = spendOf(entries, (entry) => {
      if (!findModel(entry.model)) return undefined;
      const estimate = estimateCost({ model: entry.model, producedImages: entry.produced ?? entry.outputs.length }, region);
      return estimate.unknown ? undefined : estimate.amount;
    });
    const jobs = entries.length === 1 ? vscode.l10n.t('Workspace folder {0}: 1 job in .bailian/history.jsonl.', folder.name) : vscode.l10n.t('Workspace folder {0}: {1} jobs in .bailian/history.jsonl.', folder.name, entries.length);
    parts.push(jobs, '', table(vscode.l10n.t('By day'), byDay, currency), '', table(vscode.l10n.t('By model'), byModel, currency), '');
  }
  parts.push(vscode.l10n.t('Figures are estimates from list prices; your bill is what Alibaba Cloud charges.'));
  const text = parts.join('\n');
  // Shown rendered (tables), not as an untitled editor the user would be asked to save.
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
  await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
  return text;
}
