// The run cards, newest first: each with its job id, status and elapsed time, the prompt and
// parameters, what the model said, its error with the next step, and its images (or its guide).
// A job update redraws only its card's content.
import type { JobSnapshot, StringKey, StudioError, StudioMode } from '../src/protocol/messages';
import { button, linkButton, spinner } from './components';
import { el } from './dom';
import { extraFacts } from './extraOptions';
import { markBoxes } from './extraControls';
import { post } from './host';
import { cardsHost } from './layout';
import { renderGuide } from './modes/guide';
import { retouchFacts } from './modes/retouch';
import { renderResults, thumbs } from './results';
import { renderColumns } from './team';
import { dispatch, s, state } from './session';
import type { Card } from './state';

/** The string key of a job state's label: `statusSucceeded` for `succeeded`. */
function statusKey(status: JobSnapshot['status']): StringKey {
  return `status${status[0]!.toUpperCase()}${status.slice(1)}` as `status${Capitalize<JobSnapshot['status']>}` satisfies StringKey;
}
const MODE_KEYS: Record<StudioMode, StringKey> = { generate: 'modeGenerate', edit: 'modeEdit', translate: 'modeTranslate', guide: 'modeGuide', retouch: 'modeRetouch' };

const cardElements = new Map<string, HTMLElement>();

/** Draws every card of the state (keeping the elements of the cards already shown) and the Clear button. */
export function renderCards(): void {
  const wanted = new Set(state.cards.map((c) => c.jobId));
  for (const [id, node] of cardElements) {
    if (!wanted.has(id)) {
      node.remove();
      cardElements.delete(id);
    }
  }
  const clear = button(s('clearCards'), () => {
    const finished = state.cards.filter((c) => c.job.status !== 'running').map((c) => c.jobId);
    dispatch({ type: 'clearFinished' });
    post({ type: 'forgetJobs', jobIds: finished });
    renderCards();
  }, { id: 'clear-cards', secondary: true });
  const toolbar = el('div', { className: 'cards-toolbar' }, clear);
  toolbar.hidden = !state.cards.some((c) => c.job.status !== 'running');
  const nodes = state.cards.map((card) => {
    const node = renderCard(card);
    const old = cardElements.get(card.jobId);
    if (old) old.replaceWith(node);
    cardElements.set(card.jobId, node);
    return node;
  });
  cardsHost.replaceChildren(toolbar, ...nodes);
  tick();
}

/** Applies a job's snapshot from the host to its card. */
export function updateCard(job: JobSnapshot): void {
  dispatch({ type: 'job', job });
  const card = state.cards.find((c) => c.jobId === job.jobId);
  const old = cardElements.get(job.jobId);
  if (!card || !old) {
    renderCards();
    return;
  }
  const node = renderCard(card);
  // Keep the images already shown (a streaming guide re-renders its card on every piece of text).
  const shown = new Map([...old.querySelectorAll('img')].map((img) => [img.src, img]));
  for (const img of node.querySelectorAll('img')) {
    const kept = shown.get(img.src);
    if (kept) {
      img.replaceWith(kept);
      shown.delete(img.src);
    }
  }
  // The card element stays (focus, scroll position and anything holding it); only its content changes.
  old.className = node.className;
  old.dataset.status = node.dataset.status;
  old.replaceChildren(...node.childNodes);
  cardsHost.querySelector<HTMLElement>('.cards-toolbar')!.hidden = !state.cards.some((c) => c.job.status !== 'running');
  tick();
}

function renderCard(card: Card): HTMLElement {
  const { job, params } = card;
  const node = el('article', { className: `card status-${job.status}` });
  node.dataset.jobId = card.jobId;
  node.dataset.status = job.status;
  node.append(cardHead(card));
  if (params.prompt) node.append(el('p', { className: 'card-prompt', textContent: params.prompt }));
  const facts = job.columns ? '' : paramFacts(card);
  if (facts) node.append(el('p', { className: 'card-params', textContent: facts }));
  if (job.text) node.append(el('p', { className: `card-text${job.status === 'cancelled' || job.mayBeBilled ? ' warning' : ''}`, textContent: job.text }));
  if (job.actualPrompt) node.append(el('p', { className: 'rewritten', textContent: s('rewrittenPrompt', job.actualPrompt) }));
  if (job.error) node.append(renderError(job.error));
  if (job.columns) {
    node.classList.add('compare-card');
    node.append(renderColumns(card, job.columns, renderCards));
  } else if (card.mode === 'guide') {
    node.append(renderGuide(card));
  } else {
    if (job.inputs?.length && job.images.length && (card.mode === 'edit' || card.mode === 'translate' || card.mode === 'retouch')) {
      node.append(el('div', { className: 'before-after' }, el('span', { className: 'label', textContent: s('before') }), markBoxes(thumbs(job.inputs), params.bboxList), el('span', { className: 'label', textContent: s('after') })));
    }
    if (job.images.length) node.append(renderResults(card, job.images));
    if (job.status === 'succeeded') node.append(el('div', { className: 'card-actions' }, linkButton(s('savePreset'), () => post({ type: 'savePreset', params: card.params }), { className: 'save-preset' })));
  }
  return node;
}

/** The mode, the model, the status with the elapsed time, and Cancel (Stop for a guide) while it runs. */
function cardHead(card: Card): HTMLElement {
  const { job } = card;
  const status = el('span', { className: 'status' });
  if (job.status === 'running') status.append(spinner());
  const elapsed = el('span', { className: 'elapsed' });
  elapsed.dataset.start = String(card.startedAt);
  if (job.endedAt) elapsed.dataset.end = String(job.endedAt);
  status.append(el('span', { className: 'status-label', textContent: s(statusKey(job.status)) }), elapsed);
  const head = el('header', { className: 'card-head' }, el('span', { className: 'badge', textContent: s(MODE_KEYS[card.mode]) }), el('strong', { className: 'card-model', textContent: card.modelLabel }), status);
  if (job.status === 'running') head.append(button(card.mode === 'guide' ? s('stop') : s('cancel'), () => post({ type: 'cancel', jobId: card.jobId }), { className: 'cancel', secondary: true }));
  return head;
}

function paramFacts(card: Card): string {
  const p = card.params;
  const parts: string[] = [];
  if (p.retouch) parts.push(retouchFacts(p.retouch));
  if (p.size) parts.push(p.size.replace('*', '×'));
  const n = p.n ?? 1;
  if (card.mode !== 'translate' && card.mode !== 'guide') parts.push(n === 1 ? s('imagesOne') : s('imagesMany', n));
  if (p.maxImages) parts.push(`${s('maxImagesLabel')} ${p.maxImages}`);
  const seed = p.seed ?? card.job.seed;
  if (seed !== undefined) parts.push(s('seedValue', seed));
  if (p.negativePrompt) parts.push(`${s('negativePromptLabel')}: ${p.negativePrompt}`);
  parts.push(...extraFacts(p, s));
  if (p.translation) parts.push(`${p.translation.sourceLang} → ${p.translation.targetLang}${p.translation.terms?.length ? ` · ${s('terms')} ${p.translation.terms.length}` : ''}`);
  return parts.join(' · ');
}

/** A run's error: the message (or the issues found), the hint, the request and task ids, and the buttons of the next steps. */
function renderError(error: StudioError): HTMLElement {
  const box = el('div', { className: 'error' });
  box.setAttribute('role', 'alert');
  if (error.issues?.length) box.append(el('ul', { className: 'issues' }, ...error.issues.map((issue) => el('li', { textContent: issue.message }))));
  else box.append(el('p', { className: 'error-message', textContent: error.code ? `${error.message} (${error.code})` : error.message }));
  if (error.hint && error.hint !== error.message) box.append(el('p', { className: 'hint', textContent: error.hint }));
  if (error.requestId) box.append(el('p', { className: 'request-id', textContent: s('requestId', error.requestId) }));
  if (error.taskId) box.append(el('p', { className: 'request-id', textContent: s('taskId', error.taskId) }));
  const labels: Record<string, StringKey> = { setApiKey: 'actionSetApiKey', switchRegion: 'actionSwitchRegion', openSettings: 'actionOpenSettings', showLog: 'actionShowLog' };
  const buttons = error.actions
    .filter((a) => labels[a])
    .map((action, i) =>
      button(s(labels[action]!, regionName(error.switchTo)), () => post({ type: 'errorAction', action, ...(error.switchTo ? { switchTo: error.switchTo } : {}) }), { className: `error-action action-${action}`, secondary: i > 0 }),
    );
  if (buttons.length) box.append(el('div', { className: 'error-actions' }, ...buttons));
  return box;
}

function regionName(region: string | undefined): string {
  const keys: Record<string, StringKey> = { beijing: 'regionBeijing', singapore: 'regionSingapore', us: 'regionUs' };
  return region && keys[region] ? s(keys[region]!) : region ?? '';
}

/** Updates the elapsed time of every card (running ones count up; ended ones show their total). */
function tick(): void {
  for (const span of cardsHost.querySelectorAll<HTMLElement>('.elapsed')) {
    const start = Number(span.dataset.start);
    const end = span.dataset.end ? Number(span.dataset.end) : Date.now();
    span.textContent = s('elapsed', Math.max(0, Math.round((end - start) / 1000)));
  }
}

/** Counts the running cards' time up every second. */
export function keepElapsedTimes(): void {
  setInterval(() => {
    if (state.cards.some((c) => c.job.status === 'running')) tick();
  }, 1000);
}
