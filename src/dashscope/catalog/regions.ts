/** The service regions: their base URLs and names, and why a model is not served in one. */
import type { ModelSpec, Region } from './types.js';

/** Every region, in the order pickers list them. */
export const REGIONS: readonly Region[] = ['beijing', 'singapore', 'us'];

export const REGION_BASE_URLS: Readonly<Record<Region, string>> = {
  beijing: 'https://dashscope.aliyuncs.com/api/v1',
  singapore: 'https://dashscope-intl.aliyuncs.com/api/v1',
  // N§1: the Global deployment mode (unsuffixed model names); US mode would need `-us` names, and no `-us` image model exists.
  us: 'https://dashscope-us.aliyuncs.com/api/v1',
};

/** Human names of the regions, for messages. */
export const REGION_NAMES: Readonly<Record<Region, string>> = {
  beijing: 'Beijing',
  singapore: 'Singapore',
  us: 'US (Virginia)',
};

/** Lists regions for a sentence: "Beijing", "Beijing and Singapore", "Beijing, Singapore and US (Virginia)". */
export function describeRegions(regions: readonly Region[]): string {
  const names = regions.map((r) => REGION_NAMES[r]);
  return names.length <= 1 ? (names[0] ?? 'no region') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/** Why `spec` is not available in `region` (a sentence for pickers), or undefined when it is served there. */
export function regionUnavailableReason(spec: Pick<ModelSpec, 'id' | 'regions' | 'regionNotes'>, region: Region): string | undefined {
  if (spec.regions.includes(region)) return undefined;
  const note = spec.regionNotes?.[region];
  const base = `${spec.id} is not served in ${REGION_NAMES[region]}; it is served in ${describeRegions(spec.regions)}.`;
  if (note) return `${base} ${note}`;
  if (region === 'us') return `${base} The US (Virginia) price and rate-limit tables list only wan2.6-t2i and wan2.6-image among image models.`;
  return base;
}
