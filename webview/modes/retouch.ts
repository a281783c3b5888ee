// Retouch in the app: the mode's form comes from its own chunk (dist/webview/retouch.js, URL on
// `#app`), imported when the tab first opens; until then the form shows a spinner and holds the
// Run button back. The card facts of retouch runs are drawn here, since cards show without the chunk.
import type { RetouchRun } from '../../src/protocol/retouch';
import { button, checkbox, dropdown, spinner, textArea, textField } from '../components';
import { app, showNotice } from '../layout';
import type { RetouchBridge } from '../retouch/bridge';
import { dispatch, init, s, state } from '../session';
import type { ModeForm } from './context';

type Chunk = { mount(app: RetouchBridge): ModeForm };

let loaded: ModeForm | undefined;
let loading: Promise<void> | undefined;

function load(rerender: () => void): void {
  const url = app.dataset.retouch;
  loading ??= (url ? (import(url) as Promise<Chunk>) : Promise.reject(new Error('no retouch.js')))
    .then((chunk) => {
      loaded = chunk.mount({ state: () => state, init: () => init, dispatch, s, ui: { button, checkbox, dropdown, textArea, textField } });
    })
    .catch((error: unknown) => {
      console.error('Bailian studio: Retouch did not load', error);
      showNotice(s('pageIncomplete'), 'error');
    });
  void loading.then(() => state.mode === 'retouch' && rerender());
}

export const retouchForm: ModeForm = {
  runLabel: 'runRetouch',
  hideModel: true,
  controls: (ctx) => loaded?.controls(ctx) ?? (load(ctx.rerender), [spinner()]),
  problems: () => (init?.retouchRegion ? [{ field: 'retouch', key: 'errRetouchRegion', args: [init.retouchRegion] }] : loaded?.problems?.() ?? [{ key: 'errRetouchImage', args: [], quiet: true }]),
  params: (params) => loaded?.params?.(params) ?? params,
  promptOptional: () => loaded?.promptOptional?.() ?? true,
};

/** A retouch card's parameters: the operation (and variant), its options, and the number of mask strokes. */
export function retouchFacts(run: RetouchRun): string {
  const op = init?.retouch?.find((o) => o.id === run.operation);
  const variant = op?.variants.find((v) => v.function === run.function) ?? op?.variants[0];
  const label = op ? (op.variants.length > 1 && variant ? `${op.label} · ${variant.label}` : op.label) : run.operation;
  const labels = new Map(variant?.options.map((o) => [o.name, o.label]));
  const options = Object.entries(run.options).map(([name, value]) => `${labels.get(name) ?? name} ${String(value)}`);
  return [label, ...options, ...(run.mask ? [`${s('maskBrush')} ×${run.mask.strokes.length}`] : [])].join(' · ');
}
