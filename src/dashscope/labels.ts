/** How models are named for people, beside the catalog that holds the names. */
import type { ModelSpec } from './catalog/index.js';

/** The catalog label in the UI language: Simplified Chinese for `zh*`, else English. */
export function modelLabel(spec: Pick<ModelSpec, 'label'>, language: string): string {
  return language.toLowerCase().startsWith('zh') ? spec.label['zh-cn'] : spec.label.en;
}
