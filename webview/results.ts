// The images a run made, as figures: the image (a click shows it large), its caption and seed, and
// what can be done with it (open, reveal, insert a link, use as a reference, re-run with its seed).
import type { StudioImage, WorkspaceLocation } from '../src/protocol/messages';
import { linkButton } from './components';
import { el } from './dom';
import { post } from './host';
import { page } from './page';
import { currentModel, dispatch, inputMode, modelsOf, s } from './session';
import { distinctNames, type Card } from './state';

/** The large view; webview/team.ts provides it from the team chunk. */
let showLarge: (image: StudioImage, before?: readonly StudioImage[]) => void = () => undefined;

/** Called once by webview/team.ts. */
export function provideLargeView(show: typeof showLarge): void {
  showLarge = show;
}

/** A row of small images (a card's inputs). */
export function thumbs(images: readonly StudioImage[]): HTMLElement {
  const row = el('div', { className: 'thumbs' });
  row.append(...images.map((image) => el('img', { src: image.src, alt: image.displayPath, title: image.displayPath, loading: 'lazy' })));
  return row;
}

/** The grid of a run's images, captioned with the shortest names that tell them apart. */
export function renderResults(card: Card, images: readonly StudioImage[]): HTMLElement {
  const grid = el('div', { className: 'results' });
  const captions = distinctNames(images.map((i) => i.displayPath));
  images.forEach((image, index) => grid.append(renderFigure(card, image, captions[index]!)));
  return grid;
}

export function renderFigure(card: Card, image: StudioImage, caption: string): HTMLElement {
  const figure = el('figure', { className: 'result' });
  const img = el('img', { src: image.src, alt: image.displayPath, title: image.displayPath, loading: 'lazy' });
  if (image.width && image.height) {
    img.width = image.width;
    img.height = image.height;
  }
  img.addEventListener('click', () => showLarge(image, card.mode === 'edit' || card.mode === 'translate' || card.mode === 'retouch' ? card.job.inputs : undefined));
  const cap = el('figcaption');
  cap.append(el('span', { className: 'path', textContent: caption, title: image.displayPath }));
  if (image.seed !== undefined) cap.append(el('span', { className: 'seed', textContent: s('seedValue', image.seed) }));
  // The run had a seed but the model reports only the first image's (wan2.6 image sets, guides): say so instead of showing nothing.
  else if (card.mode !== 'translate' && card.job.images.some((other) => other.seed !== undefined)) {
    cap.append(el('span', { className: 'seed not-reported', textContent: s('seedNotReported'), title: s('seedNotReportedWhy') }));
  }
  figure.append(img, cap, figureActions(card, image));
  return figure;
}

function figureActions(card: Card, image: StudioImage): HTMLElement {
  const actions = el('div', { className: 'figure-actions' });
  const location = image.location;
  if (location) {
    actions.append(
      linkButton(s('open'), () => post({ type: 'file', action: 'open', location }), { className: 'open' }),
      linkButton(s('reveal'), () => post({ type: 'file', action: 'reveal', location }), { className: 'reveal' }),
      linkButton(s('insertLink'), () => post({ type: 'file', action: 'insertLink', location }), { className: 'insert-link' }),
      linkButton(s('useAsReference'), () => useAsReference(image, location), { className: 'use-reference' }),
      linkButton(s('copyCliCommand'), () => post({ type: 'copyCommand', location }), { className: 'copy-command' }),
    );
  }
  if (image.seed !== undefined && card.mode !== 'translate') actions.append(linkButton(s('rerunSeed'), () => rerunWithSeed(card, image.seed!), { className: 'rerun-seed' }));
  if (card.params.prompt) actions.append(linkButton(s('copyPrompt'), () => post({ type: 'copyText', text: card.params.prompt! }), { className: 'copy-prompt' }));
  return actions;
}

/** Adds `image` to the inputs of the mode that takes images, and shows that mode. */
function useAsReference(image: StudioImage, location: WorkspaceLocation): void {
  const target = inputMode();
  const model = currentModel(target);
  dispatch({ type: 'addInputs', mode: target, images: [{ src: image.src, displayPath: image.displayPath, location }], max: model.inputs?.max ?? 1 });
  page.switchMode(target);
  window.scrollTo({ top: 0 });
}

function rerunWithSeed(card: Card, seed: number): void {
  const model = modelsOf(card.mode).find((m) => m.id === card.model);
  if (!model) return;
  // One image, with the seed that made this one.
  page.fillForm(card.mode, model, { ...card.params, seed, n: 1 }, card.job.inputs?.flatMap((i) => (i.location ? [{ src: i.src, displayPath: i.displayPath, location: i.location }] : [])));
  page.startRun();
}
