// Colour palette (wan2.7 `color_palette`): the pure rules behind the palette editor. 3–10 colours
// (the catalog's bounds), each `#RRGGBB` with a share in percent; the shares must add up to
// exactly 100.00% (the service compares in hundredths, as checkColorPalette in
// src/dashscope/requests/ does). No DOM, no VS Code API.

/** One colour of the editor: the colour input's value and the share as typed. */
export interface PaletteEntry {
  hex: string;
  ratio: string;
}

/** What is wrong with a palette, as a message key and its arguments. */
export interface PaletteProblem {
  key: 'errPaletteCount' | 'errPaletteColour' | 'errPaletteRatio' | 'errPaletteSum';
  args: (string | number)[];
}

/** Colours a new palette starts from (a calm, distinct set); the editor cycles through them. */
export const STARTER_COLOURS = ['#C2D1E6', '#636574', '#F5E6C8', '#8A4B3C', '#2F6F73', '#E0A458', '#1F2A44', '#B9C7A3', '#D97B8A', '#FFFFFF'] as const;

/** A share typed as text, in hundredths of a percent; undefined unless it is a number above 0 and at most 100 with at most 2 decimals. */
export function ratioHundredths(ratio: string): number | undefined {
  const m = /^\s*(\d{1,3})(?:[.,](\d{1,2}))?\s*%?\s*$/.exec(ratio);
  if (!m) return undefined;
  const h = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0') || '0');
  return h > 0 && h <= 10_000 ? h : undefined;
}

/** The sum of the valid shares, in hundredths. */
export function paletteSumHundredths(entries: readonly PaletteEntry[]): number {
  return entries.reduce((sum, e) => sum + (ratioHundredths(e.ratio) ?? 0), 0);
}

/** Hundredths as a percentage for people: `33.33`, `100`. */
export function formatHundredths(h: number): string {
  return (h / 100).toFixed(2).replace(/\.?0+$/, '');
}

/** Every problem of a palette (empty when it can be sent). */
export function checkPalette(entries: readonly PaletteEntry[], bounds: { min: number; max: number }): PaletteProblem[] {
  const problems: PaletteProblem[] = [];
  if (entries.length < bounds.min || entries.length > bounds.max) problems.push({ key: 'errPaletteCount', args: [bounds.min, bounds.max, entries.length] });
  let allRatios = true;
  entries.forEach((e, i) => {
    if (!/^#[0-9a-f]{6}$/i.test(e.hex)) problems.push({ key: 'errPaletteColour', args: [i + 1] });
    if (ratioHundredths(e.ratio) === undefined) {
      allRatios = false;
      problems.push({ key: 'errPaletteRatio', args: [i + 1] });
    }
  });
  const sum = paletteSumHundredths(entries);
  if (allRatios && entries.length > 0 && sum !== 10_000) problems.push({ key: 'errPaletteSum', args: [formatHundredths(sum)] });
  return problems;
}

/** `count` shares that add up to exactly 100.00%: equal hundredths, the remainder spread over the first ones. */
export function evenShares(count: number): string[] {
  if (count <= 0) return [];
  const base = Math.floor(10_000 / count);
  const extra = 10_000 - base * count;
  return Array.from({ length: count }, (_, i) => formatHundredths(base + (i < extra ? 1 : 0)));
}

/** The palette with its shares distributed evenly (colours kept). */
export function distributeEvenly(entries: readonly PaletteEntry[]): PaletteEntry[] {
  const shares = evenShares(entries.length);
  return entries.map((e, i) => ({ hex: e.hex, ratio: shares[i]! }));
}

/** A new palette of `count` starter colours with even shares. */
export function starterPalette(count: number): PaletteEntry[] {
  return distributeEvenly(Array.from({ length: count }, (_, i) => ({ hex: STARTER_COLOURS[i % STARTER_COLOURS.length]!, ratio: '' })));
}

/** The palette with one more colour (the next starter colour not in use), shares distributed evenly again; unchanged at `max`. */
export function addColour(entries: readonly PaletteEntry[], max: number): PaletteEntry[] {
  if (entries.length >= max) return [...entries];
  const used = new Set(entries.map((e) => e.hex.toUpperCase()));
  const hex = STARTER_COLOURS.find((c) => !used.has(c)) ?? STARTER_COLOURS[entries.length % STARTER_COLOURS.length]!;
  return distributeEvenly([...entries, { hex, ratio: '' }]);
}

/** The palette without colour `index` (shares left as they are: the user decides, the sum check says what is off). */
export function removeColour(entries: readonly PaletteEntry[], index: number): PaletteEntry[] {
  return entries.filter((_, i) => i !== index);
}

/** The palette as the run sends it (call after {@link checkPalette} found nothing): upper-case hex, shares as numbers with 2 decimals. */
export function wirePalette(entries: readonly PaletteEntry[]): { hex: string; ratio: number }[] {
  return entries.map((e) => ({ hex: e.hex.toUpperCase(), ratio: (ratioHundredths(e.ratio) ?? 0) / 100 }));
}
