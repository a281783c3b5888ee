/**
 * Presets: a named recipe a team commits in `.bailian/presets.json` (or a user keeps in the
 * extension's global state, same schema): a mode, a model, its parameters and a prompt template
 * with named blanks (`Product shot of {subject} on a white background`). This module holds the
 * shapes; validation against the catalog is in validate.ts, blank filling in blanks.ts.
 */
import * as z from 'zod';
import type { Task } from '../../dashscope/index.js';
import { GenerationRequestSchema, PaletteColorSchema, ProcessOptionsSchema } from '../../dashscope/requests/schema.js';

/** Where the workspace's presets live, relative to the workspace folder. */
export const PRESETS_PATH = '.bailian/presets.json';
/** The format version this code reads and writes. */
export const PRESETS_VERSION = 1;

/** What a preset does; `process` is an image operation (upscale, extend, retouch, background). */
export const PRESET_MODES = ['generate', 'edit', 'translate', 'guide', 'process'] as const;
/** One preset mode. */
export type PresetMode = (typeof PRESET_MODES)[number];

/** The catalog task a mode's model must do. */
export const MODE_TASK: Record<PresetMode, Task> = { generate: 'text-to-image', edit: 'image-edit', translate: 'translate', guide: 'interleave', process: 'process' };

/** The request fields a preset pins under `parameters` (the others have their own field). */
export const PresetParametersSchema = z.strictObject({
  ...GenerationRequestSchema.pick({
    version: true,
    n: true,
    promptExtend: true,
    watermark: true,
    maxImages: true,
    enableSequential: true,
    thinkingMode: true,
    promptExtendMode: true,
    enableThinking: true,
  }).shape,
  colorPalette: z.array(PaletteColorSchema).optional(),
});
/** A preset's `parameters`. */
export type PresetParameters = z.infer<typeof PresetParametersSchema>;

/** A glossary term (translation): a source word and what it must become. */
export const PresetTermSchema = z.strictObject({ src: z.string().min(1), tgt: z.string().min(1) });

/** Translation options of a translate preset (qwen-mt-image). */
export const PresetTranslationSchema = z.strictObject({
  sourceLang: z.string().min(1).optional().describe('Code (zh), English name (Chinese) or auto; default auto.'),
  targetLang: z.string().min(1).describe('Code (en) or English name (English).'),
  domainHint: z.string().optional(),
  sensitives: z.array(z.string()).optional(),
  imageSegment: z.boolean().optional().describe('Leave text on people, products and logos untranslated.'),
});

export { BLANK_NAME } from '../../protocol/template.js';

/** One preset. */
export const PresetSchema = z.strictObject({
  name: z.string().trim().min(1, 'A preset needs a name.').max(80, 'A preset name has at most 80 characters.').describe('Shown in pickers; --preset NAME in the CLI.'),
  description: z.string().optional(),
  mode: z.enum(PRESET_MODES, { error: `mode is one of ${PRESET_MODES.join(', ')}.` }),
  model: z.string().min(1).describe('Catalog id or dated snapshot id (bailian-image models).'),
  prompt: z.string().optional().describe('Prompt template; {name} is a blank filled at use ({{ and }} are literal braces).'),
  negativePrompt: z.string().optional(),
  size: z.string().optional().describe('W*H, or a named size such as 2K where the model has them.'),
  seed: z.number().int('seed is a whole number.').min(0).max(2147483647).optional(),
  parameters: PresetParametersSchema.optional(),
  translation: PresetTranslationSchema.optional(),
  process: ProcessOptionsSchema.omit({ refImage: true }).optional().describe('process: the operation (function) and its options; the image (and a mask) are given at use.'),
  glossary: z.union([z.string().min(1), z.array(PresetTermSchema)]).optional().describe('translate: glossary terms, or the workspace path of a glossary file.'),
  outputTemplate: z.string().min(1).optional().describe('Output folder template, as bailian.outputFolder.'),
});
/** One preset. */
export type Preset = z.infer<typeof PresetSchema>;

/** `.bailian/presets.json`. Presets are checked one by one, so one bad preset hides no other. */
export const PresetFileSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(PRESETS_VERSION, { error: `version must be ${PRESETS_VERSION}.` }),
  presets: z.array(z.unknown()),
});

/** Where a preset comes from. */
export type PresetOrigin = 'workspace' | 'user';

/** A usable preset and where it was found. */
export interface PresetEntry {
  readonly preset: Preset;
  readonly origin: PresetOrigin;
  /** The file (workspace presets), for messages. */
  readonly file?: string;
}
