// Compare (Generate mode): the user ticks 2–4 models, and one prompt runs on each with the
// controls they share and its own size (src/protocol/compare.ts, shown next to each tick). The
// host confirms the estimate of the whole comparison and runs it as one card with a column per
// model: its images, its time to result and its estimate, and Keep as Preset.
import { compareParams, COMPARE_MODELS } from '../../src/protocol/compare';
import type { CompareColumn, ModelOption, RunParams } from '../../src/protocol/messages';
import { el } from '../dom';
import type { Card } from '../state';
import { app, button, checkbox, linkButton, modelsOf, post, s } from './bridge';

/** The ticked models (kept while the page lives). */
const ticked = new Set<string>();

/** Starts the comparison of the ticked models, one card; `checked` gives the form's parameters, or nothing while problems hold it back. */
function start(checked: () => RunParams | undefined): void {
  const models: ModelOption[] = modelsOf('generate').filter((m) => ticked.has(m.id));
  const params = models.length >= COMPARE_MODELS.min ? checked() : undefined;
  if (!params) return;
  const jobId = app().newJobId(Date.now());
  const card: Card = { jobId, mode: 'generate', model: models[0]!.id, modelLabel: s('compareTitle', models.map((m) => m.label).join(', ')), params, startedAt: Date.now(), job: { jobId, status: 'running', text: '', images: [] } };
  app().dispatch({ type: 'start', card });
  post({ type: 'compare', jobId, params, models: models.map((m) => m.id) });
  app().renderCards();
}

/** The ticks, each with the size its model would get, and the Compare button. */
export function compareRow(params: () => RunParams, checked: () => RunParams | undefined): HTMLElement {
  const models = modelsOf('generate');
  const run = button(s('compareRun'), () => start(checked), { id: 'compare-run', secondary: true });
  const note = el('p', { className: 'hint', id: 'compare-note' });
  const sizes = new Map<string, HTMLElement>();
  const refresh = (): void => {
    const count = ticked.size;
    run.disabled = count < COMPARE_MODELS.min || count > COMPARE_MODELS.max;
    note.textContent = run.disabled ? s('compareCount', count) : s('compareHint');
    for (const model of models) {
      const size = compareParams(params(), model).size;
      sizes.get(model.id)!.textContent = ticked.has(model.id) && size ? s('compareSize', size.replace('*', '×')) : '';
    }
  };
  const ticks = models.map((model) => {
    const size = el('span', { className: 'compare-size' });
    sizes.set(model.id, size);
    const box = checkbox(model.label, ticked.has(model.id), (on) => (on ? ticked.add(model.id) : ticked.delete(model.id), refresh()), { id: `compare-${model.id.replace(/[^A-Za-z0-9_-]/g, '_')}` });
    return el('span', { className: 'compare-tick' }, box, size);
  });
  const details = el('details', { className: 'compare-models', id: 'compare' }, el('summary', { textContent: s('compareLabel') }), el('div', { className: 'compare-ticks' }, ...ticks), el('div', { className: 'actions' }, run, note));
  if (ticked.size) details.open = true;
  refresh();
  return details;
}

/** A comparison's card body: a column per model. */
export function renderColumns(card: Card, columns: readonly CompareColumn[]): HTMLElement {
  return el(
    'div',
    { className: 'compare-columns' },
    ...columns.map((column) => {
      const node = el('section', { className: `compare-column status-${column.status}` });
      node.dataset.model = column.params.model;
      const seconds = column.endedAt ? Math.max(0, Math.round((column.endedAt - column.startedAt) / 1000)) : undefined;
      const facts = [column.sizeNote ?? (column.params.size ? s('compareSize', column.params.size.replace('*', '×')) : ''), s('compareCost', column.cost), seconds !== undefined && column.status === 'succeeded' ? s('compareTime', seconds) : ''].filter(Boolean);
      node.append(el('h3', { className: 'compare-model', textContent: column.modelLabel }), el('p', { className: 'card-params', textContent: facts.join(' · ') }));
      if (column.text) node.append(el('p', { className: 'card-text', textContent: column.text }));
      if (column.error) node.append(el('p', { className: 'error-message', textContent: column.error.message }));
      if (column.images.length) node.append(app().renderResults({ ...card, model: column.params.model, modelLabel: column.modelLabel, params: column.params }, column.images));
      if (column.status === 'succeeded') node.append(linkButton(s('keepPreset'), () => post({ type: 'savePreset', params: column.params }), { className: 'keep-preset' }));
      return node;
    }),
  );
}
