/**
 * The JSON schema of `.bailian/presets.json` that the extension contributes (`jsonValidation`), so
 * the editor completes and explains fields while a team writes presets. Generated from the zod
 * schema, with the catalog's model ids as the `model` completions; `media/schemas/presets.schema.json`
 * is this function's output (scripts/presets-schema.mjs writes it, a unit test keeps it in step).
 * The catalog checks the schema cannot express (a size in the model's range) come from the
 * extension's own diagnostics.
 */
import * as z from 'zod';
import { PresetFileSchema, PresetSchema } from './schema.js';
import { presetModelIds } from './validate.js';

/** The schema as a JSON value. */
export function presetsJsonSchema(): Record<string, unknown> {
  const ids = presetModelIds();
  const file = PresetFileSchema.extend({
    presets: z.array(PresetSchema.extend({ model: z.enum(ids as [string, ...string[]]).describe(PresetSchema.shape.model.description ?? '') })).describe('The team\'s presets; names must differ.'),
  });
  const schema = z.toJSONSchema(file, { target: 'draft-7', io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return { ...schema, title: 'Bailian Image Studio presets', description: 'Presets shared through the repository: a mode, a model, its parameters and a prompt template with {blanks}.' };
}

/** The file's text: two-space JSON with a final newline. */
export function presetsJsonSchemaText(): string {
  return `${JSON.stringify(presetsJsonSchema(), null, 2)}\n`;
}
