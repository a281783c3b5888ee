// The Retouch form (in the chunk webview/retouch/index.ts loads): one image (the inputs box the form draws: picker, drag, paste, Use as Reference), then
// an operation and, where it has two, a variant; only that variant's controls show, from the
// catalog's data in `init.retouch`: its prompt (or none), its options with their ranges and
// defaults, and its panel: the upscaled size, the extension frame, or the mask painter.
import type { RetouchOperationData, RetouchOptionData, RetouchVariantData } from '../../src/protocol/retouch';
import { el, field } from '../dom';
import { extendFrame } from './extendFrame';
import { maskPainter } from './maskPainter';
import { FRAME_OPTION, optionValue, optionsKey, retouchProblems, retouchRunOf, upscaledSize, variantOf, type ImageFacts } from './model';
import { checkbox, dispatch, dropdown, initData, s, textArea, textField, view } from './bridge';
import type { FormContext, ModeForm } from '../modes/context';

/** Natural size and transparency of each picked image, by its src, once it loaded. */
const facts = new Map<string, ImageFacts & { hasAlpha: boolean }>();

/** The operations the host offered. */
export function retouchOperations(): RetouchOperationData[] {
  return initData()?.retouch ?? [];
}

/** The current operation (the remembered one, else the first). */
export function currentOperation(): RetouchOperationData | undefined {
  const ops = retouchOperations();
  return ops.find((o) => o.id === view().retouch.operation) ?? ops[0];
}


export const retouchForm: ModeForm = {
  runLabel: 'runRetouch',
  hideModel: true,
  controls: (ctx) => renderRetouch(ctx),
  problems: () => {
    const op = currentOperation();
    const input = (view().inputs.retouch ?? [])[0];
    if (!op) return [];
    const known = input ? facts.get(input.src) : undefined;
    return retouchProblems(op, view().retouch, input ? { path: input.location.path, ...(known ? { hasAlpha: known.hasAlpha } : {}) } : undefined);
  },
  params: (params) => {
    const op = currentOperation();
    if (!op) return params;
    const variant = variantOf(op, view().retouch);
    const input = (view().inputs.retouch ?? [])[0];
    const next = { ...params, retouch: retouchRunOf(op, view().retouch, input ? facts.get(input.src) : undefined) };
    if (variant.prompt === 'none') delete next.prompt;
    return next;
  },
  promptOptional: () => {
    const op = currentOperation();
    return !op || variantOf(op, view().retouch).prompt !== 'required';
  },
};

function renderRetouch(ctx: FormContext): HTMLElement[] {
  const ops = retouchOperations();
  const op = currentOperation();
  if (!op) return [el('p', { className: 'empty', textContent: s('retouchNoImage') })];
  const variant = variantOf(op, view().retouch);
  // The variant decides the model (session.ts currentModel reads it), so the form draws again.
  const choose = (patch: Parameters<typeof dispatch>[0]) => {
    dispatch(patch);
    ctx.rerender();
  };
  const opPicker = dropdown(ops.map((o) => ({ value: o.id, label: o.label })), {
    id: 'retouch-operation',
    value: op.id,
    onChange: (id) => choose({ type: 'retouch', patch: { operation: id as RetouchOperationData['id'] } }),
  });
  const row = el('div', { className: 'controls retouch-operation' }, field(s('operationLabel'), opPicker));
  if (op.variants.length > 1) {
    const variantPicker = dropdown(op.variants.map((v) => ({ value: v.key, label: v.label })), {
      id: 'retouch-variant',
      value: variant.key,
      onChange: (key) => choose({ type: 'retouch', patch: { variants: { ...view().retouch.variants, [op.id]: key } } }),
    });
    row.append(field(s('variantLabel'), variantPicker));
  }
  const parts: HTMLElement[] = [row];
  parts.push(...imagePanel(ctx, op, variant));
  if (variant.prompt !== 'none') {
    const placeholder = variant.prompt === 'required' ? s('retouchPromptPlaceholder') : s('retouchPromptOptional');
    parts.push(textArea({ id: 'prompt', rows: 3, label: s('promptLabel'), placeholder, value: view().prompts.retouch ?? '', onInput: (text) => (dispatch({ type: 'prompt', mode: 'retouch', text }), ctx.showProblems()) }));
  }
  const controls = el('div', { className: 'controls' });
  for (const option of variant.options) if (!FRAME_OPTION.test(option.name)) controls.append(optionControl(ctx, op, variant, option));
  controls.append(...countAndSeed(ctx));
  if (controls.childElementCount) parts.push(controls);
  return parts;
}

/** The operation's panel over the picked image, once its size is known. */
function imagePanel(ctx: FormContext, op: RetouchOperationData, variant: RetouchVariantData): HTMLElement[] {
  const input = (view().inputs.retouch ?? [])[0];
  if (!input) return [el('p', { className: 'hint', id: 'retouch-pick', textContent: s('retouchPickImage') })];
  const known = facts.get(input.src);
  if (!known) {
    const probe = new Image();
    probe.onload = () => {
      facts.set(input.src, { width: probe.naturalWidth, height: probe.naturalHeight, hasAlpha: hasTransparency(probe) });
      ctx.rerender();
    };
    probe.src = input.src;
    return [];
  }
  const image = { src: input.src, key: `${input.location.folderIndex}:${input.location.path}`, width: known.width, height: known.height };
  if (variant.mask) return [maskPainter(image, () => ctx.showProblems())];
  if (op.id === 'extend') {
    const ratios = op.variants.flatMap((v) => v.options).find((o) => o.name === 'outputRatio');
    const list = ratios?.kind === 'enum' ? ratios.values.map((v) => v.value).filter(Boolean) : [];
    return [extendFrame(image, variant, list, () => ctx.showProblems())];
  }
  if (op.id === 'upscale') {
    const factor = variant.options.find((o) => o.name === 'upscaleFactor');
    const value = factor ? Number(optionValue(view().retouch, op.id, variant, factor)) : 1;
    const size = upscaledSize(value, known.width, known.height);
    const line = el('p', { className: `upscale-result${size.tooLarge ? ' warning' : ''}`, id: 'upscale-result', textContent: s('upscaleResult', known.width, known.height, size.width, size.height) });
    return size.tooLarge ? [line, el('p', { className: 'warning', id: 'upscale-warning', textContent: s('upscaleTooLarge', 4096) })] : [line];
  }
  return [];
}

/** Whether an image has transparent pixels (sampled small: Replace Background needs a cut-out). */
function hasTransparency(image: HTMLImageElement): boolean {
  const canvas = document.createElement('canvas');
  const scale = Math.min(1, 256 / Math.max(image.naturalWidth, image.naturalHeight));
  canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
  canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
  const g = canvas.getContext('2d', { willReadFrequently: true })!;
  g.drawImage(image, 0, 0, canvas.width, canvas.height);
  const data = g.getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 3; i < data.length; i += 4) if (data[i]! < 255) return true;
  return false;
}

/** One option: a dropdown for a list or a small whole range, a number field otherwise, a checkbox for a switch. */
function optionControl(ctx: FormContext, op: RetouchOperationData, variant: RetouchVariantData, option: RetouchOptionData): HTMLElement {
  const label = option.label;
  const id = `opt-${option.name}`;
  const value = optionValue(view().retouch, op.id, variant, option);
  const store = (v: number | boolean | string) => {
    const key = optionsKey(op.id, variant);
    dispatch({ type: 'retouch', patch: { options: { ...view().retouch.options, [key]: { ...(view().retouch.options[key] ?? {}), [option.name]: v } } } });
    ctx.rerender();
  };
  if (option.kind === 'boolean') return checkbox(label, value as boolean, store, { id });
  if (option.kind === 'enum') return field(label, dropdown(option.values, { id, value: String(value), onChange: store }));
  if (option.integer && option.max - option.min <= 10) {
    const numbers = Array.from({ length: option.max - option.min + 1 }, (_, i) => String(option.min + i));
    return field(label, dropdown(numbers.map((n) => ({ value: n, label: option.name === 'upscaleFactor' ? `×${n}` : n })), { id, value: String(value), onChange: (v) => store(Number(v)) }));
  }
  const input = textField({
    id,
    value: String(value),
    label,
    onInput: (text) => {
      const n = Number(text);
      const ok = text.trim() !== '' && Number.isFinite(n) && n >= option.min && n <= option.max && (!option.integer || Number.isInteger(n));
      input.classList.toggle('invalid', !ok);
      if (ok) {
        const key = optionsKey(op.id, variant);
        dispatch({ type: 'retouch', patch: { options: { ...view().retouch.options, [key]: { ...(view().retouch.options[key] ?? {}), [option.name]: n } } } });
      }
    },
  });
  return field(`${label} (${option.min}–${option.max})`, input);
}

/** How many images and the seed, where the model takes them. */
function countAndSeed({ model, setChoice, choices }: FormContext): HTMLElement[] {
  const out: HTMLElement[] = [];
  const c = choices();
  if (model.n.max > 1) {
    const numbers = Array.from({ length: model.n.max - model.n.min + 1 }, (_, i) => String(model.n.min + i));
    out.push(field(s('countLabel'), dropdown(numbers.map((n) => ({ value: n, label: n })), { id: 'count', value: String(c.n ?? model.n.min), onChange: (v) => setChoice({ n: Number(v) }) })));
  }
  if (model.seed) out.push(field(s('seedLabel'), textField({ id: 'seed', placeholder: s('seedPlaceholder'), value: c.seed ?? '', onInput: (value) => setChoice({ seed: value }) })));
  if (model.watermark) out.push(checkbox(s('watermark'), c.watermark ?? false, (checked) => setChoice({ watermark: checked }), { id: 'watermark' }));
  return out;
}
