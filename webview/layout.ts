// The page's fixed regions, made once: the header with the mode tabs, the notice line, the form,
// the run cards, the history and the overlay that holds the picker, the box editor and the large view.
import { el } from './dom';

export const app = document.getElementById('app') as HTMLElement;
export const header = el('header', { className: 'studio-header' });
export const tabs = el('nav', { className: 'tabs' });
tabs.setAttribute('role', 'tablist');
export const notice = el('p', { id: 'notice', className: 'notice' });
notice.setAttribute('role', 'status');
export const formHost = el('section', { id: 'form', className: 'form' });
export const cardsHost = el('section', { id: 'cards', className: 'cards' });
export const historyHost = el('section', { id: 'history', className: 'history' });
export const overlay = el('div', { id: 'picker', className: 'overlay', hidden: true });

/** Shows `text` in the notice line (an empty text hides it). */
export function showNotice(text: string, level: 'info' | 'warning' | 'error' = 'info'): void {
  notice.textContent = text;
  notice.dataset.level = level;
}
