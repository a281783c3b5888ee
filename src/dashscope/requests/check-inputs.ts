/** The checks of what the request brings along: its images and its translation options. */
import { MT_LANGUAGES, MT_SOURCE_LANGUAGES, MT_TARGET_LANGUAGES, modelsForTask, resolveMtLanguage, type MtLanguage } from '../catalog/index.js';
import type { CheckContext } from './checks.js';

/** Chinese characters in a URL make qwen-mt-image (and wanx) reject it (§4.3). */
const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/** Images (§2.2 counts; forms per §7). */
export function checkImages({ spec, id, images, add }: CheckContext): void {
  if (!spec.images) {
    if (images.length > 0) {
      const editors = modelsForTask('image-edit').map((m) => m.id);
      add('images', `${id} takes no input images; to edit images use an image-edit model such as ${editors.slice(0, 3).join(', ')}.`);
    }
    return;
  }
  const r = spec.images;
  if (images.length < r.min || images.length > r.max) {
    const range = r.min === r.max ? `exactly ${r.min}` : r.min === 0 ? `at most ${r.max}` : `${r.min}–${r.max}`;
    const noun = r.max === 1 ? 'image' : 'reference images';
    add('images', `${id} takes ${range} ${noun}; you gave ${images.length}.`);
  }
  images.forEach((img, i) => {
    if (img.kind === 'url') {
      if (!/^https?:\/\//i.test(img.url)) add(`images.${i}`, `Image URLs must start with http:// or https://; "${shorten(img.url)}" does not.`);
      else if (!r.accepts.includes('data') && CJK.test(decodeURIComponentSafe(img.url))) {
        add(`images.${i}`, `${id} cannot download URLs containing Chinese characters; rename the file or pass it as a local file.`);
      }
    }
    if (img.kind === 'data' && !/^data:[\w.+-]+\/[\w.+-]+;base64,/i.test(img.uri)) {
      add(`images.${i}`, 'A data URI must look like data:image/png;base64,…');
    }
  });
}

/** The languages a translation resolved to (codes), where they are valid. */
export interface TranslationLanguages {
  sourceLang?: MtLanguage | 'auto';
  targetLang?: MtLanguage;
}

/** Translation (§4.3): options only for qwen-mt-image, languages it reads and writes, Chinese or English on one side. */
export function checkTranslation({ spec, req, id, add }: CheckContext): TranslationLanguages {
  if (spec.task !== 'translate') {
    if (req.translation) add('translation', `${id} does not translate; translation options are for qwen-mt-image.`);
    return {};
  }
  const t = req.translation;
  if (!t) {
    add('translation', `${id} needs translation options: sourceLang and targetLang.`);
    return {};
  }
  let sourceLang = resolveMtLanguage(t.sourceLang);
  let targetLang: MtLanguage | undefined;
  const target = resolveMtLanguage(t.targetLang);
  if (!sourceLang || (sourceLang !== 'auto' && !MT_SOURCE_LANGUAGES.includes(sourceLang))) {
    add('translation.sourceLang', `${id} translates from ${listLanguages(MT_SOURCE_LANGUAGES)} or auto; "${t.sourceLang}" is not one of them.`);
    sourceLang = undefined;
  }
  if (!target || target === 'auto' || !MT_TARGET_LANGUAGES.includes(target)) {
    add('translation.targetLang', `${id} translates into ${listLanguages(MT_TARGET_LANGUAGES)}; "${t.targetLang}" is not one of them.`);
  } else {
    targetLang = target;
  }
  if (sourceLang && targetLang) {
    if (sourceLang === targetLang) add('translation.targetLang', `The target language must differ from the source (${MT_LANGUAGES[targetLang]}).`);
    else if (sourceLang !== 'auto' && !['zh', 'en'].includes(sourceLang) && !['zh', 'en'].includes(targetLang)) {
      add('translation', `${id} needs Chinese or English on one side; ${MT_LANGUAGES[sourceLang]} → ${MT_LANGUAGES[targetLang]} has neither.`);
    }
  }
  if (t.domainHint && t.domainHint.trim().split(/\s+/).length > 200) add('translation.domainHint', 'The domain hint should stay under about 200 English words.');
  return { sourceLang, targetLang };
}

function listLanguages(codes: readonly MtLanguage[]): string {
  return codes.map((c) => `${MT_LANGUAGES[c]} (${c})`).join(', ');
}

function shorten(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
