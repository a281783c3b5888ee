/** The checks of the model-specific options: wan2.7 palettes and boxes, qwen-image-3.0 prompt extension. */
import type { CheckContext } from './checks.js';
import { checkBoxShape, checkBoxesInImages, checkColorPalette } from './wan27-options.js';

/** wan2.7 `color_palette` (N§3): its own rules, and no image sets with it. */
export function checkPaletteOption({ spec, req, id, imageSet, add }: CheckContext): void {
  if (req.colorPalette === undefined || !spec.colorPalette || !spec.params.includes('color_palette')) return;
  for (const issue of checkColorPalette(req.colorPalette, spec.colorPalette, id)) add(issue.path, issue.message);
  if (imageSet) add('colorPalette', `${id} takes a colour palette only without image sets; remove colorPalette or enableSequential.`);
}

/** wan2.7 `bbox_list` (N§3): one list per input image, at most `maxPerImage` well-formed boxes, inside the image where its size is known. */
export function checkBoxesOption({ spec, req, id, images, options, add }: CheckContext): void {
  if (req.bboxList === undefined || !spec.bboxes || !spec.params.includes('bbox_list')) return;
  if (images.length === 0) add('bboxList', `Boxes mark regions of input images, and ${id} got none; add the images or remove bboxList.`);
  else if (req.bboxList.length !== images.length) {
    add('bboxList', `bboxList needs one entry per input image (${images.length}; use [] for an image without boxes); you gave ${req.bboxList.length}.`);
  }
  const maxPerImage = spec.bboxes.maxPerImage;
  req.bboxList.forEach((boxes, i) => {
    if (boxes.length > maxPerImage) add(`bboxList.${i}`, `${id} takes at most ${maxPerImage} boxes per image; image ${i + 1} has ${boxes.length}.`);
    boxes.forEach((box, j) => {
      const problem = checkBoxShape(box);
      if (problem) add(`bboxList.${i}.${j}`, problem);
    });
  });
  if (options.imageSizes) for (const issue of checkBoxesInImages(req.bboxList, options.imageSizes)) add(issue.path, issue.message);
}

/** qwen-image-3.0 (N§5): `agent` extension is text-to-image only, thinking needs prompt extension. */
export function checkPromptExtendOptions({ spec, req, id, images, add }: CheckContext): void {
  if (!spec.promptExtendModes) return;
  if (req.promptExtendMode === 'agent' && images.length > 0) {
    add('promptExtendMode', `${id} uses promptExtendMode "agent" only for text-to-image; with input images use "direct" or leave it out.`);
  }
  if (req.enableThinking === true && req.promptExtend === false) {
    add('enableThinking', `${id} thinks only while extending the prompt; set promptExtend to true or remove enableThinking.`);
  }
}
