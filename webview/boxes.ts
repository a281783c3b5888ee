// Box edit (wan2.7 `bbox_list`): the pure geometry behind the box editor. The user drags on the
// image as the webview DISPLAYS it; the service wants boxes in the image's OWN pixels (its
// natural size, origin top-left), so every drag is mapped from displayed to natural pixels here
// and unit-tested (test/unit/studio-wan27.test.ts). No DOM, no VS Code API.
import type { WorkspaceLocation } from '../src/protocol/messages';

/** A box `[x1, y1, x2, y2]` in whole pixels of its image, x1 < x2 and y1 < y2. */
export type Box = [number, number, number, number];

/** A width and height in pixels. */
export interface Extent {
  width: number;
  height: number;
}

/** A point in displayed pixels, relative to the image's top-left corner. */
export interface Point {
  x: number;
  y: number;
}

/** Drags shorter than this (displayed pixels, either side) are clicks, not boxes. */
export const MIN_DRAG_PX = 4;

/**
 * The box a drag from `a` to `b` marks, in the image's natural pixels: corners in any order,
 * clamped to the image, x1/y1 rounded down and x2/y2 up so the box covers what was dragged over.
 * Undefined for a drag too small to be meant as a box, or when a size is unknown.
 */
export function toNaturalBox(a: Point, b: Point, displayed: Extent, natural: Extent): Box | undefined {
  if (!(displayed.width > 0 && displayed.height > 0 && natural.width > 0 && natural.height > 0)) return undefined;
  const clampX = (x: number) => Math.min(displayed.width, Math.max(0, x));
  const clampY = (y: number) => Math.min(displayed.height, Math.max(0, y));
  const [left, right] = [clampX(Math.min(a.x, b.x)), clampX(Math.max(a.x, b.x))];
  const [top, bottom] = [clampY(Math.min(a.y, b.y)), clampY(Math.max(a.y, b.y))];
  if (right - left < MIN_DRAG_PX || bottom - top < MIN_DRAG_PX) return undefined;
  const sx = natural.width / displayed.width;
  const sy = natural.height / displayed.height;
  // A tiny epsilon keeps 100.0000001 from rounding up to 101 after the float scaling.
  const x1 = Math.max(0, Math.floor(left * sx + 1e-6));
  const y1 = Math.max(0, Math.floor(top * sy + 1e-6));
  const x2 = Math.min(natural.width, Math.ceil(right * sx - 1e-6));
  const y2 = Math.min(natural.height, Math.ceil(bottom * sy - 1e-6));
  return x1 < x2 && y1 < y2 ? [x1, y1, x2, y2] : undefined;
}

/** Where a box sits over the displayed image, in percent of its width and height (independent of the display size). */
export function boxPercentRect(box: Box, natural: Extent): { left: number; top: number; width: number; height: number } {
  const [x1, y1, x2, y2] = box;
  return { left: (x1 / natural.width) * 100, top: (y1 / natural.height) * 100, width: ((x2 - x1) / natural.width) * 100, height: ((y2 - y1) / natural.height) * 100 };
}

/** The size to show an image at: as large as fits in `room`, upscaled too (small images are hard to draw on), ratio kept. */
export function fitInto(natural: Extent, room: Extent): Extent {
  if (!(natural.width > 0 && natural.height > 0 && room.width > 0 && room.height > 0)) return { width: 0, height: 0 };
  const scale = Math.min(room.width / natural.width, room.height / natural.height);
  return { width: Math.floor(natural.width * scale), height: Math.floor(natural.height * scale) };
}

/** The key boxes are remembered under: the input's workspace location. */
export function inputKey(location: WorkspaceLocation): string {
  return `${location.folderIndex}:${location.path}`;
}

/** Boxes per input image key, each in that image's natural pixels. */
export type BoxesByInput = Record<string, Box[]>;

/**
 * `bbox_list` for these inputs, in their order: one list per image (`[]` for an image without
 * boxes), at most `maxPerImage` each; undefined when no image has a box (the parameter is left out).
 */
export function bboxListFor(inputs: readonly WorkspaceLocation[], boxes: BoxesByInput | undefined, maxPerImage: number): Box[][] | undefined {
  const list = inputs.map((location) => (boxes?.[inputKey(location)] ?? []).slice(0, maxPerImage).map((b) => [...b] as Box));
  return list.some((b) => b.length > 0) ? list : undefined;
}

/** Adds a box to an image's list; refused (unchanged) when the image already has `maxPerImage`. */
export function addBox(boxes: BoxesByInput | undefined, key: string, box: Box, maxPerImage: number): BoxesByInput {
  const current = boxes?.[key] ?? [];
  if (current.length >= maxPerImage) return { ...boxes };
  return { ...boxes, [key]: [...current, box] };
}

/** Removes box `index` of an image. */
export function removeBox(boxes: BoxesByInput | undefined, key: string, index: number): BoxesByInput {
  const next = [...(boxes?.[key] ?? [])];
  next.splice(index, 1);
  const copy = { ...boxes };
  if (next.length) copy[key] = next;
  else delete copy[key];
  return copy;
}
