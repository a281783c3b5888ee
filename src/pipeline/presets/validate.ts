/**
 * A preset checked against the catalog, without sending anything: the model must exist and do
 * the preset's mode, and the request the preset makes (its blanks filled with placeholders, input
 * images with placeholders) must pass the same validation a real request passes
 * (dashscope/requests/validate.ts). Each issue names the preset's own field, never a request
 * path, and nothing is adjusted: a size or count out of range is reported, not clamped.
 */
import { MODELS, RequestValidationError, findModel, modelDoes, modelsForTask, validateRequest, type GenerationRequest } from '../../dashscope/index.js';
import { checkOutputTemplate } from '../outputTemplate.js';
import { presetBlanks, templateBlanks } from './blanks.js';
import { MODE_TASK, type Preset } from './schema.js';
import { presetRequest } from './request.js';

/** A path into a preset (`['parameters', 'n']`). */
export type PresetField = readonly (string | number)[];

/** One problem of one preset. */
export interface PresetIssue {
  readonly field: PresetField;
  readonly message: string;
}

/** Where a request field is set in a preset. */
function presetFieldOf(path: string, preset: Preset): PresetField {
  const [head, ...rest] = path.split('.');
  const tail = rest.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  switch (head) {
    case 'model':
    case 'prompt':
    case 'negativePrompt':
    case 'size':
    case 'seed':
      return [head];
    case 'images':
    case 'mask':
      return ['mode'];
    case 'translation':
      return tail[0] === 'terminologies' ? ['glossary'] : ['translation', ...tail];
    case 'version':
      return preset.parameters?.version !== undefined ? ['parameters', 'version'] : ['model'];
    default:
      return head ? ['parameters', head, ...tail] : [];
  }
}

/** The ids of the models a mode may use. */
export function modelsForMode(mode: Preset['mode']): string[] {
  return modelsForTask(MODE_TASK[mode]).map((m) => m.id);
}

/** Every problem of a (schema-valid) preset against the catalog; none means it can be used. */
export function validatePreset(preset: Preset): PresetIssue[] {
  const issues: PresetIssue[] = [];
  const task = MODE_TASK[preset.mode];
  const spec = findModel(preset.model);
  if (!spec) {
    issues.push({ field: ['model'], message: `Unknown model "${preset.model}". Models for mode ${preset.mode}: ${modelsForMode(preset.mode).join(', ')}.` });
  } else if (!modelDoes(spec, task)) {
    issues.push({ field: ['model'], message: `${spec.id} does not do ${task}; for mode ${preset.mode} use one of ${modelsForMode(preset.mode).join(', ')}.` });
  }
  for (const key of ['prompt', 'negativePrompt'] as const) {
    const template = preset[key];
    if (template === undefined) continue;
    const { invalid } = templateBlanks(template);
    if (invalid.length) issues.push({ field: [key], message: `${invalid.join(', ')} is not a blank: a blank is {name} with letters, digits, _ or -; write {{ and }} for literal braces.` });
  }
  if (preset.mode === 'translate') {
    if (!preset.translation) issues.push({ field: ['translation'], message: 'A translate preset needs translation.targetLang (and optionally sourceLang, default auto).' });
    if (preset.prompt !== undefined) issues.push({ field: ['prompt'], message: 'A translate preset takes no prompt: qwen-mt-image translates the text in the image.' });
  } else {
    if (preset.translation) issues.push({ field: ['translation'], message: `translation is for translate presets; this one is ${preset.mode}.` });
    if (preset.glossary) issues.push({ field: ['glossary'], message: `glossary is for translate presets; this one is ${preset.mode}.` });
  }
  if (typeof preset.glossary === 'string' && (/^[a-z][a-z0-9+.-]*:/i.test(preset.glossary) || preset.glossary.startsWith('/') || preset.glossary.split(/[\\/]/).includes('..'))) {
    issues.push({ field: ['glossary'], message: `glossary "${preset.glossary}" must be a path inside the workspace folder, such as .bailian/glossary.txt (no "..", no absolute path).` });
  }
  if (preset.outputTemplate !== undefined) {
    for (const problem of checkOutputTemplate(preset.outputTemplate)) issues.push({ field: ['outputTemplate'], message: `outputTemplate: ${problem}.` });
  }
  if (!spec || issues.length) return issues;
  if (preset.mode !== 'translate' && spec.prompt.required && !preset.prompt?.trim()) {
    issues.push({ field: ['prompt'], message: `${spec.id} needs a prompt: give a template such as "Product shot of {subject}".` });
    return issues;
  }
  // The request the preset makes, with the blanks named after themselves and placeholder images.
  const values = Object.fromEntries(presetBlanks(preset).map((b) => [b, b]));
  const imageCount = preset.mode === 'edit' || preset.mode === 'translate' ? Math.max(1, spec.images?.min ?? 1) : 0;
  const images = Array.from({ length: imageCount }, (_, i) => ({ kind: 'file' as const, path: `input-${i + 1}.png` }));
  const { request } = presetRequest(preset, values);
  const probe: GenerationRequest = { ...request, ...(images.length ? { images } : {}) };
  if (preset.mode === 'translate' && typeof preset.glossary === 'string') delete probe.translation?.terminologies;
  try {
    validateRequest(probe);
  } catch (error) {
    if (!(error instanceof RequestValidationError)) throw error;
    for (const issue of error.issues) issues.push({ field: presetFieldOf(issue.path, preset), message: issue.message });
  }
  return issues;
}

/** The catalog ids a preset may name (for the JSON schema's completion). */
export function presetModelIds(): string[] {
  return MODELS.flatMap((m) => [m.id, ...(m.versions ?? []).map((v) => v.model)]);
}
