/**
 * Prompt templates with named blanks (`Product shot of {subject}`; `{{` and `}}` are literal
 * braces): the one reading of a template, shared by the presets module (src/pipeline/presets/)
 * and the studio's page, which fills a preset's blanks before it sends the prompt. Pure, with
 * no imports, so the webview bundle takes it without zod.
 */

/** A blank's name in a prompt template: `{subject}`, `{light_2}`. */
export const BLANK_NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

const TOKEN = /\{\{|\}\}|\{([^{}]*)\}/g;

/** A template's blanks in order of first appearance, and the tokens that are not valid blank names. */
export function templateBlanks(template: string): { blanks: string[]; invalid: string[] } {
  const blanks: string[] = [];
  const invalid: string[] = [];
  for (const m of template.matchAll(TOKEN)) {
    const name = m[1];
    if (name === undefined) continue;
    if (!BLANK_NAME.test(name)) invalid.push(`{${name}}`);
    else if (!blanks.includes(name)) blanks.push(name);
  }
  return { blanks, invalid };
}

/** Fills a template's blanks from `values` (a blank without a value stays as it is). */
export function fillTemplate(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(TOKEN, (token, name: string | undefined) => {
    if (token === '{{') return '{';
    if (token === '}}') return '}';
    return name !== undefined && Object.hasOwn(values, name) ? values[name]! : token;
  });
}
