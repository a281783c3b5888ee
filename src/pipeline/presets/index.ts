/** Presets (`.bailian/presets.json` and the user's own): schema, validation, blanks, requests, saving. */
export * from './schema.js';
export * from './blanks.js';
export * from './validate.js';
export * from './request.js';
export * from './file.js';
export * from './use.js';
export * from './save.js';
export * from './form.js';
