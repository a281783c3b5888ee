/**
 * Translation helpers shared by the palette, the studio, the Explorer batch and the CLI: which
 * language pairs qwen-mt-image accepts (§4.3: source ≠ target, and Chinese or English on one
 * side), and the name of a translated copy (`poster.png` → `poster.en`).
 */
import { MT_SOURCE_LANGUAGES, MT_TARGET_LANGUAGES, type MtLanguage } from '../dashscope/catalog/index.js';

/** The targets a source language may be translated into. */
export function mtTargetsFor(source: MtLanguage | 'auto'): MtLanguage[] {
  return MT_TARGET_LANGUAGES.filter((target) => {
    if (target === source) return false;
    if (source === 'auto') return true;
    return source === 'zh' || source === 'en' || target === 'zh' || target === 'en';
  });
}

/** The sources offered (auto first). */
export function mtSources(): (MtLanguage | 'auto')[] {
  return ['auto', ...MT_SOURCE_LANGUAGES];
}

/** The file stem of a translated copy: the original's name plus the target language. */
export function translatedStem(originalName: string, target: string): string {
  const base = originalName.slice(originalName.lastIndexOf('/') + 1).replace(/\.[^.]+$/, '');
  return `${base || 'image'}.${target}`;
}
