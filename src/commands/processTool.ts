/**
 * The agent tool `bailian_process_image`: one image operation (upscale, extend, remove text,
 * colorize, restyle, replace background) on a workspace image, through the same job as the
 * Explorer's commands (saved next to the original, provenance, history with source `agent`).
 * The image path is resolved inside the workspace before anything is paid for; the confirmation
 * shows what will be sent and the estimate; the answer is the saved path and a relative link.
 */
import * as vscode from 'vscode';
import * as z from 'zod';
import { estimateCost } from '../dashscope';
import { escapeMarkdown } from '../pipeline/markdown';
import { operationModel, processRequest } from '../pipeline/processOperations';
import type { SharedServices } from '../workflows/context';
import { describeCost, pricingRegion, totalOf } from '../workflows/cost';
import { runProcessJob } from '../workflows/processJob';
import { requireTrust } from '../workflows/workspaceJob';
import { choiceFromArgs, ProcessOperationArg, ProcessOptionsArgs } from './processOptions';
import { answer, markdown, parse, signalOf, toolAnswer, workspaceUri } from './toolParts';

/** Input of the process tool. */
export const ProcessToolInput = ProcessOptionsArgs.extend({
  /** Workspace path of the image. */
  image: z.string().min(1),
  operation: ProcessOperationArg,
  /** Workspace path of the Markdown file the link is for (default: the workspace folder root). */
  markdownFile: z.string().optional(),
});

/** The estimate for one operation, or undefined when the options are incomplete. */
function costText(host: SharedServices, input: z.input<typeof ProcessToolInput>): string | undefined {
  try {
    const choice = choiceFromArgs(input.operation, input);
    return describeCost(totalOf([estimateCost(processRequest(choice, ''), pricingRegion(host))]));
  } catch {
    return undefined;
  }
}

/** The process tool. */
export function processImageTool(host: SharedServices): vscode.LanguageModelTool<z.input<typeof ProcessToolInput>> {
  return {
    prepareInvocation: (options) => {
      const cost = costText(host, options.input);
      const model = escapeMarkdown(operationModel(options.input.operation));
      const image = escapeMarkdown(options.input.image);
      const operation = escapeMarkdown(options.input.operation);
      return {
        invocationMessage: markdown(vscode.l10n.t('Running {0} on {1} with {2}…', operation, image, model)),
        ...(host.config.read().agentToolsConfirm
          ? {
              confirmationMessages: {
                title: vscode.l10n.t('Process an image with Bailian?'),
                message: markdown(
                  vscode.l10n.t('**{0}** on **{1}** with {2}. DashScope bills every image it produces; the result is saved next to the original.', operation, image, model) +
                    (cost ? `\n\n${vscode.l10n.t('Estimate: {0}.', escapeMarkdown(cost))}` : ''),
                ),
              },
            }
          : {}),
      };
    },
    invoke: async (options, token) => {
      requireTrust();
      const { markdownFile, image, operation, ...args } = parse(ProcessToolInput, options.input);
      // Both paths are checked, and the options complete, before anything is paid for.
      const markdownDocument = markdownFile ? await workspaceUri(markdownFile, 'markdownFile') : undefined;
      const uri = await workspaceUri(image, 'image');
      const choice = choiceFromArgs(operation, args);
      const run = await runProcessJob(host, uri, choice, { signal: signalOf(token), source: 'agent', interactive: false });
      return answer(toolAnswer(run, markdownDocument));
    },
  };
}
