// Translate: the input images, the language pair, a domain hint, words not to translate, and the
// terminology table, loaded from and saved to the workspace glossary.
import type { Term } from '../../src/protocol/messages';
import { button, dropdown, setChoices, textField } from '../components';
import { el, field, miniButton } from '../dom';
import { post } from '../host';
import { dispatch, init, s, state } from '../session';
import type { FormContext, ModeForm } from './context';

export const translateForm: ModeForm = {
  runLabel: 'runTranslate',
  controls: (ctx) => [renderTranslate(ctx)],
};

function renderTranslate(ctx: FormContext): HTMLElement {
  const languages = init!.languages;
  const t = state.translate;
  const box = el('div', { className: 'translate' });
  const targetsFor = (source: string) => languages.targets.filter((l) => (languages.pairs[source] ?? []).includes(l.code));
  const target = dropdown(targetsFor(t.sourceLang).map((l) => ({ value: l.code, label: l.label })), { id: 'target-lang', value: t.targetLang, onChange: (code) => dispatch({ type: 'translate', patch: { targetLang: code } }) });
  const source = dropdown(languages.sources.map((l) => ({ value: l.code, label: l.label })), {
    id: 'source-lang',
    value: t.sourceLang,
    onChange: (code) => {
      const allowed = targetsFor(code);
      const keep = allowed.some((l) => l.code === state.translate.targetLang) ? state.translate.targetLang : allowed[0]?.code ?? 'en';
      dispatch({ type: 'translate', patch: { sourceLang: code, targetLang: keep } });
      setChoices(target, allowed.map((l) => ({ value: l.code, label: l.label })), keep);
    },
  });
  const hint = textField({ id: 'domain-hint', placeholder: s('domainHintPlaceholder'), value: t.domainHint, onInput: (v) => dispatch({ type: 'translate', patch: { domainHint: v } }) });
  const sensitives = textField({ id: 'sensitives', placeholder: s('sensitivesPlaceholder'), value: t.sensitives, onInput: (v) => dispatch({ type: 'translate', patch: { sensitives: v } }) });
  box.append(el('div', { className: 'controls' }, field(s('sourceLang'), source), field(s('targetLang'), target)), field(s('domainHint'), hint, 'wide'), field(s('sensitives'), sensitives, 'wide'));
  box.append(termsBox(ctx));
  return box;
}

/** The terminology table, with Add and Save (to the workspace glossary) and where the glossary is. */
function termsBox(ctx: FormContext): HTMLElement {
  const table = el('table', { className: 'terms', id: 'terms' });
  const head = el('thead');
  head.append(el('tr', {}, el('th', { textContent: s('termSource') }), el('th', { textContent: s('termTarget') }), el('th')));
  const body = el('tbody');
  const empty = el('p', { className: 'empty', textContent: s('noTerms') });
  const rows = () => {
    body.replaceChildren(...state.translate.terms.map((term, index) => termRow(ctx, term, index, rows)));
    empty.hidden = state.translate.terms.length > 0;
  };
  table.append(head, body);
  const add = button(s('addTerm'), () => {
    dispatch({ type: 'translate', patch: { terms: [...state.translate.terms, { src: '', tgt: '' }] } });
    rows();
    (body.lastElementChild?.querySelector('.term-src') as HTMLElement | null)?.focus();
    ctx.showProblems();
  }, { id: 'add-term', secondary: true });
  const save = button(s('saveGlossary'), () => post({ type: 'saveGlossary', terms: state.translate.terms.filter((t2) => t2.src.trim() && t2.tgt.trim()) }), { id: 'save-glossary', secondary: true });
  const glossaryInfo = el('p', { className: 'glossary-path', id: 'glossary-path', textContent: init?.glossary.error ?? init?.glossary.path ?? '' });
  rows();
  return el('div', { className: 'terms-box' }, el('div', { className: 'inputs-head' }, el('span', { className: 'label', textContent: s('terms') }), add, save), table, empty, glossaryInfo);
}

/** One term: its source and target, and a button that removes it (then `rows` draws the table again). */
function termRow(ctx: FormContext, term: Term, index: number, rows: () => void): HTMLTableRowElement {
  const update = (patch: Partial<Term>) => {
    const terms = state.translate.terms.map((t2, i) => (i === index ? { ...t2, ...patch } : t2));
    dispatch({ type: 'translate', patch: { terms } });
    ctx.showProblems();
  };
  const src = textField({ className: 'term-src', value: term.src, label: s('termSource'), onInput: (v) => update({ src: v }) });
  const tgt = textField({ className: 'term-tgt', value: term.tgt, label: s('termTarget'), onInput: (v) => update({ tgt: v }) });
  const remove = miniButton(s('remove'), '✕', () => {
    dispatch({ type: 'translate', patch: { terms: state.translate.terms.filter((_, i) => i !== index) } });
    rows();
    ctx.showProblems();
  });
  return el('tr', {}, el('td', {}, src), el('td', {}, tgt), el('td', {}, remove));
}
