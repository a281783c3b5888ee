/**
 * API keys and regions (reference API §1.1, §1.6; NEW §1). Keys are configured per region; each
 * key is its own account (tasks, uploads and rate limits are per account). A key of another
 * region is "invalid" to this region's gateway, as on the real service ("API keys are
 * region-bound; cross-region → auth failure").
 */
import { createHash } from 'node:crypto';
import { MSG, SimError } from './errors.js';
import { REGIONS, type Region } from './models.js';

/** Default test keys. The hyphen after `sk-sim` keeps real-key scanners (`sk-[A-Za-z0-9]{20,}`) quiet. */
export const DEFAULT_KEYS: Readonly<Record<Region, readonly string[]>> = {
  beijing: ['sk-sim-beijing-0001', 'sk-sim-beijing-0002'],
  singapore: ['sk-sim-singapore-0001', 'sk-sim-singapore-0002'],
  us: ['sk-sim-us-0001', 'sk-sim-us-0002'],
};

export interface Caller {
  key: string;
  region: Region;
  /** Account id (stable hash of the key). */
  accountId: string;
  /** The `api_key_id`-like id used for upload policies. */
  keyId: string;
}

export class KeyRegistry {
  private readonly byKey = new Map<string, Region>();

  constructor(keys: Partial<Record<Region, readonly string[]>>) {
    for (const region of REGIONS) {
      for (const k of keys[region] ?? DEFAULT_KEYS[region]) this.byKey.set(k, region);
    }
  }

  first(region: Region): string {
    for (const [k, r] of this.byKey) if (r === region) return k;
    throw new Error(`no key configured for ${region}`);
  }

  /**
   * `Authorization: Bearer <key>`. Missing header / empty key → 401 "No API-key provided.";
   * unknown key or a key of another region → 401 "Invalid API-key provided.".
   */
  authenticate(authorization: string | undefined, region: Region): Caller {
    const raw = (authorization ?? '').trim();
    if (raw === '') throw new SimError(401, 'InvalidApiKey', MSG.noApiKey);
    const m = /^Bearer(?:\s+(.*))?$/i.exec(raw);
    const key = (m ? (m[1] ?? '') : raw).trim();
    if (key === '') throw new SimError(401, 'InvalidApiKey', MSG.noApiKey);
    if (this.byKey.get(key) !== region) throw new SimError(401, 'InvalidApiKey', MSG.invalidApiKey);
    const accountId = md5Hex(`account:${key}`);
    return { key, region, accountId, keyId: md5Hex(`key:${key}`).slice(0, 16) };
  }
}

/** Masks a key for logs: `sk-sim-b…0001`. Never prints a full key. */
export function maskKey(key: string): string {
  if (key.length <= 10) return '***';
  return `${key.slice(0, 8)}…${key.slice(-4)}`;
}

/** The account and key ids derive from the key: stable across restarts, and the key is not in them. */
function md5Hex(s: string): string {
  return createHash('md5').update(s).digest('hex');
}
