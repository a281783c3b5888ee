/**
 * `bailian.showSpend` ("Show Spend"): the workspace history's images and estimated spend, summed
 * by day and by model as the manifest is read (src/pipeline/historySpend.ts), in a read-only
 * Markdown document. Every figure is an estimate from list prices; jobs recorded without a price
 * are counted as unknown, never as 0.
 */
import * as vscode from 'vscode';
import { SpendTally, listPriceOf, type SpendRow } from '../pipeline/historySpend';
import { pricingRegion } from '../workflows/cost';
import type { SharedServices } from '../workflows/context';

function table(title: string, rows: Map<string, SpendRow>, currency: string): string {
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
    // Summed while the manifest is read in chunks: its entries are never all held.
    const tally = new SpendTally(listPriceOf(region));
    await host.history.of(folder).scan((page) => page.forEach((entry) => tally.add(entry)));
    const { byDay, byModel, currency, jobs: count } = tally;
    const jobs = count === 1 ? vscode.l10n.t('Workspace folder {0}: 1 job in .bailian/history.jsonl.', folder.name) : vscode.l10n.t('Workspace folder {0}: {1} jobs in .bailian/history.jsonl.', folder.name, count);
    parts.push(jobs, '', table(vscode.l10n.t('By day'), byDay, currency), '', table(vscode.l10n.t('By model'), byModel, currency), '');
  }
  parts.push(vscode.l10n.t('Figures are estimates from list prices; your bill is what Alibaba Cloud charges.'));
  const text = parts.join('\n');
  // Shown rendered (tables), not as an untitled editor the user would be asked to save.
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
  await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
  return text;
}
