// Generate: a prompt and the model's controls (size, count, seed, its toggles and extra options,
// the negative prompt). Edit and Guide ask for the same below their inputs.
import { button, checkbox, dropdown, textArea, textField } from '../components';
import { el, field } from '../dom';
import { countOf, countPatch } from '../extraOptions';
import { renderExtraControls } from '../extraControls';
import { dispatch, s, state } from '../session';
import { CUSTOM_SIZE, type Choices } from '../state';
import type { FormContext, ModeForm } from './context';

export const generateForm: ModeForm = {
  runLabel: 'runGenerate',
  controls: (ctx) => promptControls(ctx, s('promptPlaceholder')),
};

/** The prompt (with `placeholder`) and every control the model offers for it. */
export function promptControls(ctx: FormContext, placeholder: string): HTMLElement[] {
  const { mode, model } = ctx;
  const choices = ctx.choices();
  const prompt = textArea({ id: 'prompt', rows: 4, label: s('promptLabel'), placeholder, value: state.prompts[mode] ?? '', onInput: (text) => (dispatch({ type: 'prompt', mode, text }), ctx.showProblems()) });
  const parts: HTMLElement[] = [prompt];

  const controls = el('div', { className: 'controls' });
  if (model.sizeRule.kind !== 'none') controls.append(...sizeFields(ctx, choices));
  controls.append(...countFields(ctx, choices));
  if (model.seed) controls.append(seedField(ctx, choices));
  parts.push(controls);

  const toggles = el('div', { className: 'toggles' });
  if (model.promptExtend !== undefined) toggles.append(checkbox(s('promptExtend'), choices.promptExtend ?? model.promptExtend, (checked) => ctx.setChoice({ promptExtend: checked }), { id: 'prompt-extend' }));
  if (model.watermark) toggles.append(checkbox(s('watermark'), choices.watermark ?? false, (checked) => ctx.setChoice({ watermark: checked }), { id: 'watermark' }));
  if (toggles.childElementCount) parts.push(toggles);
  parts.push(...renderExtraControls(ctx));

  if (model.negativePromptMaxLength !== undefined) {
    parts.push(textArea({ id: 'negative-prompt', rows: 2, label: s('negativePromptLabel'), placeholder: s('negativePromptPlaceholder'), value: choices.negativePrompt ?? '', onInput: (value) => ctx.setChoice({ negativePrompt: value }) }));
  }
  return parts;
}

/** The size list (the model's sizes, Auto where it has no default, Custom where any size in a range goes) and the custom size. */
function sizeFields({ model, setChoice }: FormContext, choices: Choices): HTMLElement[] {
  const sizeChoices = [
    ...(model.defaultSize ? [] : [{ value: '', label: s('sizeAuto') }]),
    ...model.sizes.map((size) => ({ value: size, label: size.replace('*', ' × ') })),
    ...(model.sizeRule.kind === 'list' ? [] : [{ value: CUSTOM_SIZE, label: s('sizeCustom') }]),
  ];
  const custom = textField({ id: 'custom-size', className: 'custom-size', placeholder: s('customSizePlaceholder'), value: choices.customSize ?? '', label: s('sizeCustom'), onInput: (value) => setChoice({ customSize: value }) });
  custom.hidden = choices.size !== CUSTOM_SIZE;
  const size = dropdown(sizeChoices, {
    id: 'size',
    value: choices.size ?? model.defaultSize ?? '',
    onChange: (value) => {
      custom.hidden = value !== CUSTOM_SIZE;
      setChoice({ size: value });
    },
  });
  return [field(s('sizeLabel'), size), custom];
}

/** How many images (where more than one can be asked for) and the most an image set may hold. */
function countFields({ model, setChoice }: FormContext, choices: Choices): HTMLElement[] {
  const fields: HTMLElement[] = [];
  const numbers = (min: number, max: number) => Array.from({ length: max - min + 1 }, (_, i) => String(min + i)).map((c) => ({ value: c, label: c }));
  const count = countOf(model, choices);
  if (count.max > 1) {
    fields.push(field(s('countLabel'), dropdown(numbers(count.min, count.max), { id: 'count', value: String(count.value), onChange: (v) => setChoice(countPatch(model, choices, Number(v))) })));
  }
  if (model.maxImages) {
    const range = model.maxImages;
    fields.push(field(s('maxImagesLabel'), dropdown(numbers(range.min, range.max), { id: 'max-images', value: String(choices.maxImages ?? range.default), onChange: (v) => setChoice({ maxImages: Number(v) }) })));
  }
  return fields;
}

/** The seed, a button that draws a random one, and the lock that keeps it for the next run. */
function seedField({ setChoice }: FormContext, choices: Choices): HTMLElement {
  const seed = textField({ id: 'seed', placeholder: s('seedPlaceholder'), value: choices.seed ?? '', onInput: (value) => setChoice({ seed: value }) });
  const random = button(s('seedRandomize'), () => {
    const value = String(Math.floor(Math.random() * 2147483648));
    seed.value = value;
    setChoice({ seed: value });
  }, { id: 'seed-random', secondary: true });
  const lock = checkbox(s('seedLock'), choices.seedLocked ?? false, (checked) => setChoice({ seedLocked: checked }), { id: 'seed-lock' });
  return field(s('seedLabel'), el('div', { className: 'seed-row' }, seed, random, lock));
}
