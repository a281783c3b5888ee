/**
 * API keys, one per region (a key belongs to one region): Set (password box, region pick), Test
 * (a call that costs nothing: querying a task id that cannot exist answers UNKNOWN with a valid
 * key and 401 with an invalid one), Clear, and Switch Region (offered when the key works in
 * another region).
 */
import * as vscode from 'vscode';
import * as z from 'zod';
import { ENV_API_KEY, type Region } from '../constants';
import { SERVICE_REGIONS, type KeyCheck } from '../host/clients';
import { regionLabel } from '../host/errors';
import type { SharedServices } from '../workflows/context';
import { pickOne } from '../workflows/pickers';

const SetKeyArgs = z.union([z.string().min(1), z.strictObject({ key: z.string().min(1), region: z.enum(['beijing', 'singapore', 'us', 'custom']).optional() })]);

/** The region a key command acts on: the argument, else a pick with the current region first. */
async function regionFor(host: SharedServices, title: string, given?: Region): Promise<Region | undefined> {
  if (given) return given;
  const current = host.config.read().region;
  const regions: Region[] = [...SERVICE_REGIONS, 'custom'];
  return pickOne(
    regions.map((r) => ({ value: r, label: r === 'custom' ? vscode.l10n.t('Custom base URL') : regionLabel(r), ...(r === current ? { description: vscode.l10n.t('current region') } : {}) })),
    { title, placeHolder: vscode.l10n.t('Which region is the key for? A key works only in its own region.'), last: current },
  );
}

/** `bailian.setApiKey`: asks for the region and the key, or takes `key` / `{ key, region }`. Returns whether a key was stored. */
export async function setApiKeyCommand(host: SharedServices, argument?: unknown): Promise<boolean> {
  const parsed = argument === undefined ? undefined : SetKeyArgs.safeParse(argument);
  const given = parsed?.success ? (typeof parsed.data === 'string' ? { key: parsed.data } : parsed.data) : undefined;
  const title = vscode.l10n.t('Set DashScope API Key');
  const region = await regionFor(host, title, given ? (given.region ?? host.config.read().region) : undefined);
  if (!region) return false;
  const key =
    given?.key.trim() ||
    (await vscode.window.showInputBox({
      title,
      prompt: vscode.l10n.t('Paste your DashScope API key for {0}. It is kept in VS Code secret storage.', regionLabel(region)),
      placeHolder: 'sk-…',
      password: true,
      ignoreFocusOut: true,
      validateInput: (text) => (text.trim() ? undefined : vscode.l10n.t('The API key cannot be empty.')),
    }))?.trim();
  if (!key) return false;
  await host.apiKeys.set(region, key);
  host.log.info(`API key for ${region} stored in secret storage`);
  if (!given) {
    const test = vscode.l10n.t('Test Key');
    void vscode.window.showInformationMessage(vscode.l10n.t('DashScope API key for {0} saved.', regionLabel(region)), test).then(async (c) => {
      if (c === test) await testApiKeyCommand(host, { region });
    });
  }
  if (region !== host.config.read().region && region !== 'custom' && !given) {
    const use = vscode.l10n.t('Use {0}', regionLabel(region));
    const choice = await vscode.window.showInformationMessage(vscode.l10n.t('The current region is {0}. Switch to {1}?', regionLabel(host.config.read().region), regionLabel(region)), use);
    if (choice === use) await host.config.setRegion(region);
  }
  return true;
}

/** What Test API Key reports. */
export interface KeyTestOutcome {
  readonly region: Region;
  readonly status: KeyCheck['status'] | 'missing';
  /** Other regions that accept the key (when it is refused here). */
  readonly acceptedBy: readonly Region[];
  readonly message: string;
}

/** `bailian.testApiKey`: checks the current region's key at no cost and says for which region it is valid. */
export async function testApiKeyCommand(host: SharedServices, argument?: unknown): Promise<KeyTestOutcome> {
  const parsed = z.strictObject({ region: z.enum(['beijing', 'singapore', 'us', 'custom']).optional() }).safeParse(argument ?? {});
  const region = (parsed.success ? parsed.data.region : undefined) ?? host.config.read().region;
  const key = await host.apiKeys.get(region);
  if (!key) {
    const message = vscode.l10n.t('No API key for {0}. Run "Bailian: Set API Key" (or set {1}).', regionLabel(region), ENV_API_KEY);
    void vscode.window.showWarningMessage(message, vscode.l10n.t('Set API Key')).then((c) => c && vscode.commands.executeCommand('bailian.setApiKey'));
    return { region, status: 'missing', acceptedBy: [], message };
  }
  const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Testing the API key…') }, async () => {
    const here = await host.clients.checkKey(region, key.value);
    const acceptedBy: Region[] = [];
    // A custom endpoint's key is not tried on the service's regions.
    if (here.status === 'invalid' && region !== 'custom') {
      for (const other of SERVICE_REGIONS) if (other !== region && (await host.clients.checkKey(other, key.value, 'official')).status === 'valid') acceptedBy.push(other);
    }
    return { here, acceptedBy };
  });
  const where = region === 'custom' ? host.config.read().customBaseUrl : regionLabel(region);
  let message: string;
  if (result.here.status === 'valid') {
    message = vscode.l10n.t('The API key works in {0} (from {1}).', where, key.source === 'environment' ? ENV_API_KEY : vscode.l10n.t('secret storage'));
    void vscode.window.showInformationMessage(message);
  } else if (result.here.status === 'invalid') {
    const other = result.acceptedBy[0];
    message = other ? vscode.l10n.t('The API key is not valid in {0}, but it works in {1}: keys belong to one region.', where, regionLabel(other)) : vscode.l10n.t('The API key is not valid in {0}. Check it in the Model Studio console and set it again.', where);
    const buttons = [...(other ? [vscode.l10n.t('Switch to {0}', regionLabel(other))] : []), vscode.l10n.t('Set API Key')];
    void vscode.window.showErrorMessage(message, ...buttons).then(async (choice) => {
      if (!choice) return;
      if (other && choice === buttons[0]) await switchRegionCommand(host, other);
      else await vscode.commands.executeCommand('bailian.setApiKey');
    });
  } else {
    const why = result.here.error instanceof Error ? result.here.error.message : String(result.here.error);
    message = vscode.l10n.t('Could not test the key in {0}: {1}', where, why);
    void vscode.window.showWarningMessage(message);
  }
  host.log.info(`Key test for ${region}: ${result.here.status}${result.acceptedBy.length ? `, accepted by ${result.acceptedBy.join(', ')}` : ''}`);
  return { region, status: result.here.status, acceptedBy: result.acceptedBy, message };
}

/** `bailian.clearApiKey`: removes a stored key: the given region's, the only one stored, or the one picked. */
export async function clearApiKeyCommand(host: SharedServices, argument?: unknown): Promise<void> {
  const parsed = z.strictObject({ region: z.enum(['beijing', 'singapore', 'us', 'custom']).optional() }).safeParse(argument ?? {});
  let region: Region | undefined = parsed.success ? parsed.data.region : undefined;
  if (!region) {
    const all: Region[] = [...SERVICE_REGIONS, 'custom'];
    const stored: Region[] = [];
    for (const r of all) if (await host.apiKeys.hasOwn(r)) stored.push(r);
    region = stored.length <= 1 ? (stored[0] ?? host.config.read().region) : await regionFor(host, vscode.l10n.t('Clear API Key'));
  }
  if (!region) return;
  await host.apiKeys.clear(region);
  const remaining = await host.apiKeys.get(region);
  host.log.info(`API key for ${region} removed from secret storage${remaining ? `; ${ENV_API_KEY} still applies` : ''}`);
  void vscode.window.showInformationMessage(
    remaining ? vscode.l10n.t('DashScope API key for {0} removed. The {1} environment variable still provides a key.', regionLabel(region), ENV_API_KEY) : vscode.l10n.t('DashScope API key for {0} removed.', regionLabel(region)),
  );
}

/** `bailian.switchRegion`: sets `bailian.region` (offered when a key works in another region). */
export async function switchRegionCommand(host: SharedServices, argument?: unknown): Promise<Region | undefined> {
  const parsed = z.enum(['beijing', 'singapore', 'us', 'custom']).safeParse(argument);
  const region = parsed.success ? parsed.data : await regionFor(host, vscode.l10n.t('Switch Region'));
  if (!region) return undefined;
  await host.config.setRegion(region);
  // The region just stored with the key in it, if the key was stored under the old region only.
  const old = host.config.read().region;
  if (old === region) host.log.info(`Region switched to ${region}`);
  void vscode.window.showInformationMessage(vscode.l10n.t('Region set to {0}. Run the job again.', regionLabel(region)));
  return region;
}
