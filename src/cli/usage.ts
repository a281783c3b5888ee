/**
 * What every part of the CLI may need to say how a run ended: the exit codes, the program's name
 * and the errors that pick one. Apart from context.ts so that the argument parser can raise a
 * usage error without importing the run's context (which imports the parser).
 */

/** Exit codes (documented in `--help`). */
export const EXIT = { ok: 0, failure: 1, usage: 2, interrupted: 130 } as const;

export const PROGRAM = 'bailian-image';
export const DEFAULT_OUT = 'bailian-output';

/** A problem with the command line itself: exit 2, nothing was sent. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
    readonly showUsage = true,
  ) {
    super(message);
  }
}

/** The reason the run's AbortController carries after Ctrl-C. */
export class InterruptedError extends Error {
  override readonly name = 'AbortError';
  constructor() {
    super('Interrupted.');
  }
}
