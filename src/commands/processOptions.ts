/**
 * What each image operation asks (the ratio, the style, a hint or a background prompt) and the
 * scripted form of the same answers, shared by the Explorer and palette commands, the folder
 * batches and the agent tool.
 */
import * as vscode from 'vscode';
import * as z from 'zod';
import { ActionableError } from '../host/errors';
import { EXTEND_RATIOS, IMAGE_OPERATIONS, UPSCALE_FACTORS, findRestyleStyle, restyleStyles, type ExtendRatio, type ImageOperation, type ImageOperationChoice, type RestyleScope, type UpscaleFactor } from '../pipeline/processOperations';
import type { SharedServices } from '../workflows/context';
import { pickOne } from '../workflows/pickers';

const LAST_RATIO_KEY = 'bailian.process.ratio';
const LAST_STYLE_KEY = 'bailian.process.style';

/** The options of an operation as scripts and agents give them. */
export const ProcessOptionsArgs = z.strictObject({
  /** Upscale: 2 or 4. */
  factor: z.union([z.literal(2), z.literal(4)], { error: 'factor is 2 or 4.' }).optional(),
  /** Extend: the aspect ratio. */
  ratio: z.enum(EXTEND_RATIOS, { error: `ratio is one of ${EXTEND_RATIOS.join(', ')}.` }).optional(),
  /** Restyle: a style id or label from the catalog. */
  style: z.string().optional(),
  /** Restyle: the whole image or one object (default: whichever list holds the style). */
  scope: z.enum(['whole', 'local']).optional(),
  /** Restyle one object: what to restyle ("the house"). */
  subject: z.string().optional(),
  /** Colorize: colour hints (optional). */
  hint: z.string().optional(),
  /** Replace Background: the new background. */
  prompt: z.string().optional(),
});
/** The scripted options. */
export type ProcessOptionsArgs = z.infer<typeof ProcessOptionsArgs>;

/** A scripted operation, as the agent tool takes it. */
export const ProcessOperationArg = z.enum(IMAGE_OPERATIONS, { error: `operation is one of ${IMAGE_OPERATIONS.join(', ')}.` });

/** A scripted request that lacks an option the operation needs, or names one it does not have. */
export class ProcessArgumentError extends ActionableError {
  constructor(message: string) {
    super('ProcessArgumentError', message, []);
  }
}

function styleList(scope: RestyleScope): string {
  return restyleStyles(scope)
    .map((s) => s.id)
    .join(', ');
}

/** The choice a scripted call makes; throws {@link ProcessArgumentError} naming what to give. */
export function choiceFromArgs(operation: ImageOperation, args: ProcessOptionsArgs): ImageOperationChoice {
  switch (operation) {
    case 'upscale':
      return { operation, factor: args.factor ?? 2 };
    case 'extend':
      if (!args.ratio) throw new ProcessArgumentError(vscode.l10n.t('Extend needs a ratio: one of {0}.', EXTEND_RATIOS.join(', ')));
      return { operation, ratio: args.ratio };
    case 'removeText':
      return { operation };
    case 'colorize':
      return { operation, hint: args.hint };
    case 'restyle': {
      if (!args.style) throw new ProcessArgumentError(vscode.l10n.t('Restyle needs a style: for the whole image one of {0}; for one object one of {1}.', styleList('whole'), styleList('local')));
      const scope: RestyleScope = args.scope ?? (findRestyleStyle('whole', args.style) ? 'whole' : 'local');
      const style = findRestyleStyle(scope, args.style);
      if (!style) throw new ProcessArgumentError(vscode.l10n.t('"{0}" is not a style for {1}. Use one of {2}.', args.style, scope === 'whole' ? vscode.l10n.t('the whole image') : vscode.l10n.t('one object'), styleList(scope)));
      return { operation, scope, style: style.id, subject: args.subject };
    }
    case 'replaceBackground':
      if (!args.prompt?.trim()) throw new ProcessArgumentError(vscode.l10n.t('Replace Background needs a prompt describing the new background, e.g. "a sunny beach".'));
      return { operation, prompt: args.prompt.trim() };
  }
}

/** "16:9 (wide)" and the others, for the ratio pick. */
function ratioLabel(ratio: ExtendRatio): string {
  switch (ratio) {
    case '16:9':
      return vscode.l10n.t('16:9 (widescreen)');
    case '9:16':
      return vscode.l10n.t('9:16 (phone, story)');
    case '4:3':
      return vscode.l10n.t('4:3 (landscape)');
    case '3:4':
      return vscode.l10n.t('3:4 (portrait)');
    case '1:1':
      return vscode.l10n.t('1:1 (square)');
  }
}

/** Asks for the Extend ratio (the last one first); undefined when dismissed. */
export async function askRatio(host: SharedServices, title: string): Promise<ExtendRatio | undefined> {
  const ratio = await pickOne(
    EXTEND_RATIOS.map((value) => ({ value, label: ratioLabel(value) })),
    { title, placeHolder: vscode.l10n.t('Extend the picture to which aspect ratio? New areas are painted to match.'), last: host.state.get<string>(LAST_RATIO_KEY) },
  );
  if (ratio) await host.state.update(LAST_RATIO_KEY, ratio);
  return ratio;
}

/** Asks for the upscale factor; undefined when dismissed. */
export async function askFactor(title: string): Promise<UpscaleFactor | undefined> {
  const factor = await pickOne(
    UPSCALE_FACTORS.map((f) => ({ value: String(f) as '2' | '4', label: f === 2 ? vscode.l10n.t('×2 (twice as wide and high)') : vscode.l10n.t('×4 (four times as wide and high)') })),
    { title, placeHolder: vscode.l10n.t('Upscale by') },
  );
  return factor ? (Number(factor) as UpscaleFactor) : undefined;
}

/** Asks for the options of `operation` (the image is chosen already); undefined when dismissed. */
export async function askChoice(host: SharedServices, operation: Exclude<ImageOperation, 'upscale'>, title: string): Promise<ImageOperationChoice | undefined> {
  switch (operation) {
    case 'extend': {
      const ratio = await askRatio(host, title);
      return ratio ? { operation, ratio } : undefined;
    }
    case 'removeText':
      return { operation };
    case 'colorize':
      // One click from the Explorer; colour hints are for scripts, agents and the studio.
      return { operation };
    case 'restyle':
      return askRestyle(host, title);
    case 'replaceBackground': {
      const prompt = await vscode.window.showInputBox({
        title,
        prompt: vscode.l10n.t('Describe the new background'),
        placeHolder: vscode.l10n.t('a sunny beach with palm trees'),
        ignoreFocusOut: true,
        validateInput: (text) => (text.trim() ? undefined : vscode.l10n.t('Describe the background; it cannot be empty.')),
      });
      return prompt?.trim() ? { operation, prompt: prompt.trim() } : undefined;
    }
  }
}

/** Whole-image or one-object styles in one list (the catalog's), then the object for a local style. */
async function askRestyle(host: SharedServices, title: string): Promise<ImageOperationChoice | undefined> {
  const zh = vscode.env.language.toLowerCase().startsWith('zh');
  const choices = (['whole', 'local'] as const).flatMap((scope) =>
    restyleStyles(scope).map((style) => ({
      value: `${scope}:${style.id}`,
      label: zh ? style.label['zh-cn'] : style.label.en,
      description: scope === 'whole' ? vscode.l10n.t('whole image') : vscode.l10n.t('one object'),
    })),
  );
  const picked = await pickOne(choices, { title, placeHolder: vscode.l10n.t('Pick a style: whole-image styles restyle everything, object styles one subject'), last: host.state.get<string>(LAST_STYLE_KEY) });
  if (!picked) return undefined;
  await host.state.update(LAST_STYLE_KEY, picked);
  const [scope, style] = picked.split(':') as [RestyleScope, string];
  if (scope === 'whole') return { operation: 'restyle', scope, style };
  const subject = await vscode.window.showInputBox({ title, prompt: vscode.l10n.t('What should be restyled? (optional, e.g. "the house"; empty: the main subject)'), ignoreFocusOut: true });
  if (subject === undefined) return undefined;
  return { operation: 'restyle', scope, style, subject };
}
