// Edit: the input images, each with the box editor where the model takes boxes, then the prompt
// and the model's controls.
import { boxTools } from '../extraControls';
import { overlay } from '../layout';
import { s } from '../session';
import type { ModeForm } from './context';
import { promptControls } from './generate';

export const editForm: ModeForm = {
  runLabel: 'runEdit',
  controls: (ctx) => promptControls(ctx, s('editPromptPlaceholder')),
  inputTools: (ctx, input) => (ctx.model.bboxes ? boxTools(ctx, input, overlay) : []),
};
