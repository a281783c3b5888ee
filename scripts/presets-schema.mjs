// Writes media/schemas/presets.schema.json from the zod schema and the catalog
// (src/pipeline/presets/jsonSchema.ts). Run after changing either: node scripts/presets-schema.mjs
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const { presetsJsonSchemaText } = await tsImport('../src/pipeline/presets/jsonSchema.ts', import.meta.url);
const target = fileURLToPath(new URL('../media/schemas/presets.schema.json', import.meta.url));
writeFileSync(target, presetsJsonSchemaText());
console.log(`wrote ${target}`);
