/**
 * `bailian-image`: the command line over the shared DashScope client and the same pipeline as
 * the extension (built to dist/cli.js).
 *
 *   bailian-image generate "a red fox in snow" --model wan2.6-t2i --n 2
 *   bailian-image edit --image in.png "make it night" --out shots
 *   bailian-image translate --image poster.png --from zh --to en
 *   bailian-image interleave "a 3-step recipe for dumplings" --max-images 3
 *   bailian-image task status|wait|cancel <task-id> [--model m]
 *   bailian-image models
 *   bailian-image history [--model m] [--since 7d]
 *   bailian-image regenerate <file-or-history-entry-id> | --all-changed [--dry-run]
 *
 * Contract: saved paths (or one JSON object with --json) on stdout, everything else (progress,
 * retries, warnings, errors with their hint) on stderr. Exit 0 on success, 1 on a failure of the
 * service or the disk, 2 on a usage or validation problem (nothing was sent), 130 on Ctrl-C.
 * A reader that closes stdout early (`| head`) only ends the output: the run finishes and exits
 * with its own code, quietly (stdio.ts). The key comes from DASHSCOPE_API_KEY only and is never
 * printed.
 */
import { parseArgs } from 'node:util';
import { DashScopeError, RATE_WINDOW_SLACK_MS, RequestValidationError, isAbortError, redactSecrets, systemClock } from '../dashscope/index.js';
import { CancelledJobError } from '../pipeline/images.js';
import { version as packageVersion } from '../../package.json';
import { COMMAND_OPTIONS, flagOf, type Values } from './args.js';
import { EXIT, InterruptedError, KEY_ENV, PROGRAM, UsageError, type Io, type RunState } from './context.js';
import { runGeneration } from './generate.js';
import { runInterleave } from './guide.js';
import { helpFor } from './help.js';
import { runHistory } from './history.js';
import { runModels } from './models.js';
import { runRegenerate } from './regenerate.js';
import { pipelineOutput, type ProcessOutput } from './stdio.js';
import { runRegenerateChanged } from './regenerateChanged.js';
import { runTask } from './task.js';
import { runBackground } from './background.js';
import { runExtend } from './extend.js';
import { runProcessVerb } from './processPreset.js';
import { runRetouch } from './retouch.js';
import { runUpscale } from './upscale.js';

export { EXIT };

function reportError(error: unknown, io: Io, command: string | undefined, state?: RunState): number {
  const timeoutMs = state?.timeoutMs;
  // A --timeout that fired mid-call arrives as the pipeline's cancellation; say it was the timeout.
  const err = error instanceof CancelledJobError && error.cause instanceof Error && error.cause.name === 'TimeoutError' ? error.cause : error;
  if (err instanceof UsageError) {
    io.err(`error: ${err.message}`);
    const cmd = err.command ?? command;
    if (err.showUsage) io.err(`(run \`${PROGRAM}${cmd ? ` ${cmd}` : ''} --help\` for usage)`);
    return EXIT.usage;
  }
  if (err instanceof RequestValidationError) {
    io.err(`error: the request${err.model ? ` for ${err.model}` : ''} would be rejected; nothing was sent. Change:`);
    for (const issue of err.issues) io.err(`  ${issue.path ? `${flagOf(issue.path)}: ` : ''}${issue.message}`);
    return EXIT.usage;
  }
  if (err instanceof DashScopeError) {
    const ids = [err.requestId ? `request_id: ${err.requestId}` : '', err.taskId ? `task_id: ${err.taskId}` : ''].filter(Boolean).join(', ');
    io.err(`error: ${err.code}: ${err.message}${ids ? ` (${ids})` : ''}`);
    if (err.hint) io.err(`hint: ${err.hint}`);
    return EXIT.failure;
  }
  const rateWait = state?.rateWait && (io.clock ?? systemClock).now() < state.rateWait.until ? state.rateWait.window : undefined;
  if (err instanceof Error && err.name === 'TimeoutError' && rateWait) {
    io.err(`error: Timeout: --timeout ${timeoutMs !== undefined ? `${timeoutMs / 1000} s ` : ''}ran out while waiting for the rate limit (${rateWait.model} allows ${rateWait.requests} requests a minute); nothing was generated or saved.`);
    io.err(`hint: run it again in a minute, or raise --timeout: the wait alone can take ${Math.ceil((rateWait.windowMs + RATE_WINDOW_SLACK_MS) / 1000)} s, then the image is generated.`);
    return EXIT.failure;
  }
  if (err instanceof Error && err.name === 'TimeoutError') {
    io.err(`error: Timeout: no result within --timeout ${timeoutMs !== undefined ? `${timeoutMs / 1000} s` : ''}; nothing was saved.`);
    io.err('hint: raise --timeout, or use --async where the model has it and fetch the result later with `task wait`.');
    return EXIT.failure;
  }
  io.err(`error: ${err instanceof Error ? err.message : String(err)}`);
  return EXIT.failure;
}

// ─── Entry ───────────────────────────────────────────────────────────────────────────────────

/** Runs the CLI with `argv` (without node and the script) and returns the exit code. */
export async function main(argv: string[], io: Io, controller = new AbortController()): Promise<number> {
  const [command, ...args] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    io.out(helpFor(command === 'help' ? args[0] : undefined));
    return EXIT.ok;
  }
  if (command === '--version' || command === '-v') {
    io.out(packageVersion);
    return EXIT.ok;
  }
  const options = COMMAND_OPTIONS[command];
  if (!options) {
    io.err(`error: unknown command "${command}". Commands: generate, edit, translate, interleave, upscale, extend, retouch, background, task, models, history, regenerate.`);
    io.err(`(run \`${PROGRAM} --help\` for usage)`);
    return EXIT.usage;
  }
  let interrupted = false;
  controller.signal.addEventListener('abort', () => (interrupted = true), { once: true });
  const state: RunState = { signal: controller.signal, interrupted: () => interrupted };
  try {
    let parsed: { values: Values; positionals: string[] };
    try {
      parsed = parseArgs({ args, options, allowPositionals: true, allowNegative: true, strict: true }) as { values: Values; positionals: string[] };
    } catch (err) {
      throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, '.'), command);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.out(helpFor(command));
      return EXIT.ok;
    }
    switch (command) {
      case 'models':
        if (positionals.length) throw new UsageError(`models takes no arguments.`, command);
        return runModels(values, io);
      case 'task':
        return await runTask(values, positionals, io, state);
      case 'interleave':
        return await runInterleave(values, positionals, io, state);
      case 'history':
        return await runHistory(values, positionals, io);
      case 'regenerate':
        return await (values['all-changed'] === true ? runRegenerateChanged(values, positionals, io, state) : runRegenerate(values, positionals, io, state));
      case 'upscale':
        return await runProcessVerb(command, runUpscale, values, positionals, io, state);
      case 'extend':
        return await runProcessVerb(command, runExtend, values, positionals, io, state);
      case 'retouch':
        return await runProcessVerb(command, runRetouch, values, positionals, io, state);
      case 'background':
        return await runProcessVerb(command, runBackground, values, positionals, io, state);
      default:
        return await runGeneration(command, values, positionals, io, state);
    }
  } catch (err) {
    if (interrupted && (isAbortError(err) || err instanceof InterruptedError || controller.signal.aborted)) {
      io.err('interrupted.');
      return EXIT.interrupted;
    }
    return reportError(err, io, command, state);
  }
}

function processIo(output: ProcessOutput): Io {
  const key = process.env[KEY_ENV]?.trim();
  // Belt and braces: nothing printed may contain the key, whatever produced the text.
  const clean = (s: string): string => redactSecrets(s, key);
  return {
    out: (line) => output.out(clean(line)),
    err: (line) => output.err(clean(line)),
    env: process.env,
    cwd: process.cwd(),
  };
}

if (require.main === module) {
  const controller = new AbortController();
  process.on('SIGINT', () => {
    // Second Ctrl-C: leave now (the exit hook still removes download folders).
    if (controller.signal.aborted) process.exit(EXIT.interrupted);
    process.stderr.write('interrupting… (Ctrl-C again to quit at once)\n');
    controller.abort(new InterruptedError());
  });
  // A reader that closes stdout early (`| head`) ends the output, not the run (stdio.ts).
  const output = pipelineOutput();
  const io = processIo(output);
  main(process.argv.slice(2), io, controller).then(
    (code) => {
      process.exitCode = code === EXIT.ok && output.failure() ? EXIT.failure : code;
    },
    (err: unknown) => {
      // Through the same redacting writer as everything else.
      io.err(`error: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = EXIT.failure;
    },
  );
}
