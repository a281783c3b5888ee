// Guide: the form (optional input images, a prompt and the model's controls) and the run card's
// body, the illustrated guide as it streams in: its text as light Markdown, its images as figures.
import { button } from '../components';
import { el } from '../dom';
import { post } from '../host';
import { renderFigure } from '../results';
import { s } from '../session';
import { baseName, type Card } from '../state';
import type { ModeForm } from './context';
import { promptControls } from './generate';

export const guideForm: ModeForm = {
  runLabel: 'runGuide',
  controls: (ctx) => promptControls(ctx, s('guidePromptPlaceholder')),
};

/** The guide of a run so far; the button that opens its document once the run ended. */
export function renderGuide(card: Card): HTMLElement {
  const box = el('div', { className: 'guide' });
  for (const segment of card.job.segments ?? []) {
    if (segment.kind === 'text') box.append(...markdownBlocks(segment.text));
    else box.append(renderFigure(card, segment.image, baseName(segment.image.displayPath)));
  }
  const document = card.job.document?.location;
  if (document && card.job.status !== 'running') box.append(button(s('openDocument'), () => post({ type: 'file', action: 'open', location: document }), { className: 'open-document', secondary: true }));
  return box;
}

/** A light rendering of streamed Markdown text: headings, list items and paragraphs (no HTML). */
function markdownBlocks(text: string): HTMLElement[] {
  return text
    .split(/\n{2,}/)
    .filter((block) => block.trim())
    .map((block) => {
      const heading = /^(#{1,6})\s+(.*)$/s.exec(block.trim());
      if (heading) return el(heading[1]!.length <= 2 ? 'h3' : 'h4', { textContent: heading[2]!.replace(/\*\*/g, '') });
      return el('p', { className: 'guide-text', textContent: block.replace(/\*\*/g, '') });
    });
}
