// The studio webview's state and its reducer: pure (no DOM, no VS Code API), so plain Node unit
// tests can drive it (test/unit/studio-state.test.ts). The whole state is persisted with
// vscode.setState after each change and restored on `init`, so cards and form survive tab
// switches and reloads without retainContextWhenHidden.
import type { JobSnapshot, ModelOption, PickerImage, RunParams, SizeRuleData, StudioMode, Term } from '../src/protocol/messages';
import { baseName } from './captions';
import { extraProblems, extraRunParams, sizeRuleOf, type ExtraChoices } from './extraOptions';
import { initialRetouch, type RetouchForm } from './retouch/model';

export { baseName, CAPTION_MAX, distinctNames } from './captions';

/** The last choices for one model (remembered per model). */
export interface Choices extends ExtraChoices {
  size?: string;
  /** The custom W*H text when `size` is the custom entry. */
  customSize?: string;
  n?: number;
  seed?: string;
  seedLocked?: boolean;
  negativePrompt?: string;
  promptExtend?: boolean;
  watermark?: boolean;
  maxImages?: number;
}

/** One run as a card: what was asked (frozen) and what the host last said about it. */
export interface Card {
  jobId: string;
  mode: StudioMode;
  model: string;
  modelLabel: string;
  params: RunParams;
  startedAt: number;
  job: JobSnapshot;
}

/** Translate mode's form. */
export interface TranslateForm {
  sourceLang: string;
  targetLang: string;
  domainHint: string;
  sensitives: string;
  terms: Term[];
  /** The table was filled from the glossary once (later inits keep the user's edits). */
  termsLoaded: boolean;
}

/** Everything the webview remembers. */
export interface ViewState {
  version: 2;
  mode: StudioMode | 'history';
  prompts: Partial<Record<StudioMode, string>>;
  models: Partial<Record<StudioMode, string>>;
  choices: Record<string, Choices>;
  inputs: Partial<Record<StudioMode, PickerImage[]>>;
  translate: TranslateForm;
  /** Newest first. */
  cards: Card[];
  historyQuery: string;
  retouch: RetouchForm;
}

/** Cards kept in the persisted state (older ones are in the history). */
export const MAX_CARDS = 40;
/** The custom-size entry of the size dropdown. */
export const CUSTOM_SIZE = 'custom';

/** A fresh state. */
export function initialState(): ViewState {
  return {
    version: 2,
    mode: 'generate',
    prompts: {},
    models: {},
    choices: {},
    inputs: {},
    translate: { sourceLang: 'auto', targetLang: 'en', domainHint: '', sensitives: '', terms: [], termsLoaded: false },
    cards: [],
    historyQuery: '',
    retouch: initialRetouch(),
  };
}

/** A persisted state if it looks like ours, else a fresh one (an older version is dropped). */
export function restoreState(saved: unknown): ViewState {
  const fresh = initialState();
  if (!saved || typeof saved !== 'object' || (saved as { version?: unknown }).version !== 2) return fresh;
  // A card or compare column saved by an earlier version calls a finished job `done`: the same
  // state as `succeeded`. (Inside a string, such as a prompt, the quotes would be escaped.)
  const s = JSON.parse(JSON.stringify(saved).replaceAll('"status":"done"', '"status":"succeeded"')) as Partial<ViewState>;
  return {
    ...fresh,
    ...s,
    translate: { ...fresh.translate, ...s.translate },
    retouch: { ...fresh.retouch, ...s.retouch },
    cards: Array.isArray(s.cards) ? s.cards.filter((c) => c && typeof c.jobId === 'string' && c.job) : [],
  };
}

/** What can happen to the state. */
export type Action =
  | { type: 'mode'; mode: ViewState['mode'] }
  | { type: 'prompt'; mode: StudioMode; text: string }
  | { type: 'model'; mode: StudioMode; model: ModelOption; previous?: ModelOption | undefined }
  | { type: 'choice'; model: string; patch: Choices }
  | { type: 'addInputs'; mode: StudioMode; images: readonly PickerImage[]; max: number }
  | { type: 'removeInput'; mode: StudioMode; index: number }
  | { type: 'moveInput'; mode: StudioMode; index: number; by: -1 | 1 }
  | { type: 'setInputs'; mode: StudioMode; images: readonly PickerImage[] }
  | { type: 'translate'; patch: Partial<TranslateForm> }
  | { type: 'glossary'; terms: readonly Term[]; force?: boolean }
  | { type: 'start'; card: Card }
  | { type: 'job'; job: JobSnapshot }
  /**
   * The jobs the host knows, from `init`. `askedAt`: when the page posted the `ready` this `init`
   * answers. A card started since then is newer than the host's list, not lost.
   */
  | { type: 'hostJobs'; jobs: readonly JobSnapshot[]; now: number; askedAt?: number }
  | { type: 'clearFinished' }
  | { type: 'historyQuery'; query: string }
  | { type: 'retouch'; patch: Partial<RetouchForm> };

/** The state after an action (never mutates its input). */
export function reduce(state: ViewState, action: Action): ViewState {
  switch (action.type) {
    case 'mode':
      return { ...state, mode: action.mode };
    case 'prompt':
      return { ...state, prompts: { ...state.prompts, [action.mode]: action.text } };
    case 'model': {
      const { model, previous } = action;
      const remembered = state.choices[model.id] ?? {};
      const carried = previous ? state.choices[previous.id] : undefined;
      const size = keepSize(model, remembered, carried);
      return {
        ...state,
        models: { ...state.models, [action.mode]: model.id },
        choices: { ...state.choices, [model.id]: { ...remembered, ...size } },
      };
    }
    case 'choice':
      return { ...state, choices: { ...state.choices, [action.model]: { ...(state.choices[action.model] ?? {}), ...action.patch } } };
    case 'addInputs': {
      const current = state.inputs[action.mode] ?? [];
      const key = (i: PickerImage) => `${i.location.folderIndex}:${i.location.path}`;
      const seen = new Set(current.map(key));
      const added = action.images.filter((i) => !seen.has(key(i)));
      // A one-image model takes the newest choice instead of refusing it.
      const next = action.max === 1 && added.length ? [added.at(-1)!] : [...current, ...added];
      return { ...state, inputs: { ...state.inputs, [action.mode]: next } };
    }
    case 'setInputs':
      return { ...state, inputs: { ...state.inputs, [action.mode]: [...action.images] } };
    case 'removeInput': {
      const next = [...(state.inputs[action.mode] ?? [])];
      next.splice(action.index, 1);
      return { ...state, inputs: { ...state.inputs, [action.mode]: next } };
    }
    case 'moveInput': {
      const next = [...(state.inputs[action.mode] ?? [])];
      const to = action.index + action.by;
      if (to < 0 || to >= next.length || action.index < 0 || action.index >= next.length) return state;
      [next[action.index], next[to]] = [next[to]!, next[action.index]!];
      return { ...state, inputs: { ...state.inputs, [action.mode]: next } };
    }
    case 'translate':
      return { ...state, translate: { ...state.translate, ...action.patch } };
    case 'glossary':
      if (state.translate.termsLoaded && !action.force) return state;
      return { ...state, translate: { ...state.translate, terms: action.terms.map((t) => ({ ...t })), termsLoaded: true } };
    case 'start':
      return { ...state, cards: [action.card, ...state.cards.filter((c) => c.jobId !== action.card.jobId)].slice(0, MAX_CARDS) };
    case 'job':
      return { ...state, cards: state.cards.map((c) => (c.jobId === action.job.jobId ? { ...c, job: action.job } : c)) };
    case 'hostJobs': {
      const known = new Map(action.jobs.map((j) => [j.jobId, j]));
      // A card still running that the host does not know was lost with a reload of the window,
      // unless it was started after the page asked (its run reached the host after the list was made).
      return {
        ...state,
        cards: state.cards.map((c) => {
          const job = known.get(c.jobId);
          if (job) return { ...c, job };
          if (action.askedAt !== undefined && c.startedAt >= action.askedAt) return c;
          return c.job.status === 'running' ? { ...c, job: { ...c.job, status: 'interrupted', endedAt: action.now } } : c;
        }),
      };
    }
    case 'clearFinished':
      return { ...state, cards: state.cards.filter((c) => c.job.status === 'running') };
    case 'historyQuery':
      return { ...state, historyQuery: action.query };
    case 'retouch':
      return { ...state, retouch: { ...state.retouch, ...action.patch } };
  }
}

/**
 * The size to use after switching to `model`: the one remembered for it if still valid, else the
 * previous model's size when the new model accepts it, else the model's default.
 */
export function keepSize(model: ModelOption, remembered: Choices, carried: Choices | undefined): Pick<Choices, 'size' | 'customSize'> {
  if (model.sizeRule.kind === 'none') return {};
  const valid = (c: Choices | undefined): c is Choices => {
    if (!c?.size) return false;
    if (c.size === CUSTOM_SIZE) return c.customSize !== undefined && checkSize(model.sizeRule, c.customSize) === undefined;
    return model.sizes.includes(c.size) || checkSize(model.sizeRule, c.size) === undefined;
  };
  if (valid(remembered)) return { size: remembered.size, ...(remembered.customSize !== undefined ? { customSize: remembered.customSize } : {}) };
  if (valid(carried)) {
    // A size the new model lists stays a list entry; anything else becomes its custom size.
    if (carried.size !== CUSTOM_SIZE && model.sizes.includes(carried.size!)) return { size: carried.size };
    const custom = carried.size === CUSTOM_SIZE ? carried.customSize! : carried.size!;
    return model.sizes.includes(custom) ? { size: custom } : { size: CUSTOM_SIZE, customSize: custom };
  }
  return model.defaultSize ? { size: model.defaultSize } : model.sizes[0] ? { size: model.sizes[0] } : {};
}

/** Parses `W*H` (also `WxH`, `W×H`). */
export function parseSize(size: string): { width: number; height: number } | undefined {
  const m = /^\s*(\d{1,5})\s*[*x×]\s*(\d{1,5})\s*$/i.exec(size);
  if (!m) return undefined;
  const width = Number(m[1]);
  const height = Number(m[2]);
  return width > 0 && height > 0 ? { width, height } : undefined;
}

/** Why a size does not fit a rule (a short English fragment, shown after the localized lead-in), or undefined. */
export function checkSize(rule: SizeRuleData, size: string): string | undefined {
  if (rule.kind === 'none') return 'no size';
  if (rule.kind === 'pixels' && rule.presets?.includes(size.trim().toUpperCase())) return undefined;
  const wh = parseSize(size);
  if (rule.kind === 'list') return wh && rule.sizes.includes(`${wh.width}*${wh.height}`) ? undefined : rule.sizes.join(', ');
  if (!wh) return 'W*H';
  if (rule.kind === 'sides') {
    const ok = [wh.width, wh.height].every((side) => side >= rule.minSide && side <= rule.maxSide);
    return ok ? undefined : `${rule.minSide}–${rule.maxSide} px`;
  }
  const pixels = wh.width * wh.height;
  if (pixels < rule.minPixels || pixels > rule.maxPixels) return `${Math.round(Math.sqrt(rule.minPixels))}²–${Math.round(Math.sqrt(rule.maxPixels))}² px`;
  const aspect = wh.width / wh.height;
  if ((rule.minAspect !== undefined && aspect < rule.minAspect - 1e-9) || (rule.maxAspect !== undefined && aspect > rule.maxAspect + 1e-9)) return `1:${Math.round(1 / (rule.minAspect ?? 1))}–${rule.maxAspect ?? 1}:1`;
  return undefined;
}

/** The size a run sends for these choices, or undefined (the model decides). */
export function sizeOf(model: ModelOption, choices: Choices): string | undefined {
  if (model.sizeRule.kind === 'none' || !choices.size) return undefined;
  return choices.size === CUSTOM_SIZE ? choices.customSize?.trim().replace(/\s*[x×]\s*/i, '*') || undefined : choices.size;
}

/** One validation problem: the field it concerns and the message key with its arguments. */
export interface Problem {
  field: 'prompt' | 'seed' | 'size' | 'inputs' | 'negativePrompt' | 'terms' | 'palette' | 'boxes' | 'retouch' | 'preset';
  key: string;
  args: (string | number)[];
  /** Shown only after a run was attempted (an empty prompt is not an error while typing). */
  quiet?: boolean;
}

/** What the form would send, and what is wrong with it. */
export function validate(mode: StudioMode, model: ModelOption, state: ViewState): Problem[] {
  const problems: Problem[] = [];
  const choices = state.choices[model.id] ?? {};
  const prompt = (state.prompts[mode] ?? '').trim();
  if (mode !== 'translate') {
    if (model.promptRequired && !prompt) problems.push({ field: 'prompt', key: 'errPromptRequired', args: [], quiet: true });
    if (model.promptMaxLength && [...prompt].length > model.promptMaxLength) problems.push({ field: 'prompt', key: 'errPromptTooLong', args: [model.promptMaxLength] });
    if (model.negativePromptMaxLength && [...(choices.negativePrompt ?? '').trim()].length > model.negativePromptMaxLength) problems.push({ field: 'negativePrompt', key: 'errNegativeTooLong', args: [model.negativePromptMaxLength] });
    const seed = (choices.seed ?? '').trim();
    if (model.seed && seed && !(/^\d+$/.test(seed) && Number(seed) <= 2147483647)) problems.push({ field: 'seed', key: 'errInvalidSeed', args: [] });
    const size = sizeOf(model, choices);
    if (size) {
      const why = checkSize(sizeRuleOf(model, choices), size);
      if (why) problems.push({ field: 'size', key: 'errSize', args: [why] });
    }
  }
  const inputs = state.inputs[mode] ?? [];
  if (model.inputs) {
    const { min, max, formats } = model.inputs;
    if (inputs.length < min || inputs.length > max) problems.push({ field: 'inputs', key: 'errInputsCount', args: [min, max, inputs.length], quiet: inputs.length < min });
    for (const input of inputs) {
      const ext = input.location.path.slice(input.location.path.lastIndexOf('.') + 1).toLowerCase().replace('jpeg', 'jpg').replace('tif', 'tiff').replace('tifff', 'tiff');
      if (!formats.includes(ext)) problems.push({ field: 'inputs', key: 'errInputFormat', args: [baseName(input.location.path), formats.join(', ')] });
    }
  }
  if (mode !== 'translate') problems.push(...extraProblems(mode, model, choices, inputs));
  if (mode === 'translate' && state.translate.terms.some((t) => Boolean(t.src.trim()) !== Boolean(t.tgt.trim()))) problems.push({ field: 'terms', key: 'errTerm', args: [] });
  if (mode === 'translate') {
    // One translation per term: the model cannot follow two, and the glossary keeps one line per term.
    const seen = new Set<string>();
    for (const term of state.translate.terms) {
      const src = term.src.trim();
      if (src && seen.has(src)) problems.push({ field: 'terms', key: 'errTermTwice', args: [src] });
      seen.add(src);
    }
  }
  return problems;
}

/** The run parameters of the form (call after {@link validate} found nothing). */
export function runParams(mode: StudioMode, model: ModelOption, state: ViewState): RunParams {
  const choices = state.choices[model.id] ?? {};
  const inputs = (state.inputs[mode] ?? []).map((i) => i.location);
  if (mode === 'translate') {
    const t = state.translate;
    const sensitives = t.sensitives.split(/[,，]/).map((s) => s.trim()).filter(Boolean);
    const terms = t.terms.filter((term) => term.src.trim() && term.tgt.trim());
    return {
      mode,
      model: model.id,
      inputs,
      translation: {
        sourceLang: t.sourceLang,
        targetLang: t.targetLang,
        ...(t.domainHint.trim() ? { domainHint: t.domainHint.trim() } : {}),
        ...(sensitives.length ? { sensitives } : {}),
        ...(terms.length ? { terms } : {}),
      },
    };
  }
  const params: RunParams = { mode, model: model.id, prompt: (state.prompts[mode] ?? '').trim() };
  if (inputs.length) params.inputs = inputs;
  const size = sizeOf(model, choices);
  if (size) params.size = size;
  if (model.n.max > 1) params.n = clamp(choices.n ?? model.n.min, model.n.min, model.n.max);
  const seed = (choices.seed ?? '').trim();
  if (model.seed && seed) params.seed = Number(seed);
  if (model.negativePromptMaxLength && choices.negativePrompt?.trim()) params.negativePrompt = choices.negativePrompt.trim();
  if (model.promptExtend !== undefined) params.promptExtend = choices.promptExtend ?? model.promptExtend;
  if (model.watermark && choices.watermark !== undefined) params.watermark = choices.watermark;
  if (model.maxImages) params.maxImages = clamp(choices.maxImages ?? model.maxImages.default, model.maxImages.min, model.maxImages.max);
  Object.assign(params, extraRunParams(mode, model, choices, state.inputs[mode] ?? []));
  return params;
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}

/** Fills `{0}`, `{1}` … in a localized string. */
export function format(template: string, ...args: (string | number)[]): string {
  return template.replace(/\{(\d+)\}/g, (whole, i: string) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : whole));
}

/** A new job id, unique within the panel. */
export function newJobId(now: number, random: () => number = Math.random): string {
  return `j${now.toString(36)}${Math.floor(random() * 36 ** 5).toString(36)}`;
}

export { searchHistory } from './historySearch';
