import * as vscode from 'vscode';
import type { MtLanguage } from '../dashscope';

/** A qwen-mt-image language's name in the UI language (the catalog holds the English names the API takes). */
export function mtLanguageName(code: MtLanguage): string {
  switch (code) {
    case 'zh':
      return vscode.l10n.t('Chinese');
    case 'en':
      return vscode.l10n.t('English');
    case 'ko':
      return vscode.l10n.t('Korean');
    case 'ja':
      return vscode.l10n.t('Japanese');
    case 'ru':
      return vscode.l10n.t('Russian');
    case 'es':
      return vscode.l10n.t('Spanish');
    case 'fr':
      return vscode.l10n.t('French');
    case 'pt':
      return vscode.l10n.t('Portuguese');
    case 'it':
      return vscode.l10n.t('Italian');
    case 'vi':
      return vscode.l10n.t('Vietnamese');
    case 'de':
      return vscode.l10n.t('German');
    case 'ms':
      return vscode.l10n.t('Malay');
    case 'th':
      return vscode.l10n.t('Thai');
    case 'id':
      return vscode.l10n.t('Indonesian');
    case 'ar':
      return vscode.l10n.t('Arabic');
  }
}

/** "English (en)", or "Detect automatically" for `auto`. */
export function mtLanguageLabel(code: MtLanguage | 'auto'): string {
  return code === 'auto' ? vscode.l10n.t('Detect automatically') : `${mtLanguageName(code)} (${code})`;
}
