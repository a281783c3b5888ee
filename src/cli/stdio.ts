/**
 * The CLI's two output streams in a pipeline. A reader that goes away (`bailian-image models |
 * head -3`) closes stdout; Node then reports EPIPE as an 'error' event, which unhandled is a
 * stack trace and exit 1. Here a closed stdout only stops the output: the run goes on to its end
 * (a job that is downloading paid images keeps them) and the exit code is the run's own, so
 * `models`, `history` and every `--json` answer end quietly with 0. A closed stderr is ignored
 * the same way. Any other write error on stdout is reported on stderr and makes the run fail.
 */

/** Where a stream's broken pipe is seen. */
interface OutputStream {
  write(text: string): unknown;
  on(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
  readonly destroyed: boolean;
  readonly errored?: Error | null;
}

/** The CLI's writers over the process's streams. */
export interface ProcessOutput {
  /** Writes a line to stdout, or drops it once the reader has gone. */
  out(line: string): void;
  /** Writes a line to stderr, or drops it once stderr is closed. */
  err(line: string): void;
  /** A write error on stdout other than a closed pipe (the run fails with it), if there was one. */
  failure(): Error | undefined;
}

/** True for the error a write gets when the reading end of its pipe is closed. */
export function isClosedPipe(error: NodeJS.ErrnoException): boolean {
  return error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED';
}

/** Line writers over `stdout` and `stderr` that survive a closed pipe. */
export function pipelineOutput(stdout: OutputStream = process.stdout, stderr: OutputStream = process.stderr): ProcessOutput {
  let failure: Error | undefined;
  // The error event arrives on a later tick, but `errored` is set by the failed write itself:
  // a loop of writes stops at the first one that failed.
  const gone = (stream: OutputStream): boolean => stream.destroyed || Boolean(stream.errored);
  stdout.on('error', (error) => {
    if (isClosedPipe(error) || failure) return;
    failure = error;
    if (!gone(stderr)) stderr.write(`error: cannot write to stdout: ${error.message}\n`);
  });
  stderr.on('error', () => {
    // Nowhere left to say anything; the exit code still tells.
  });
  return {
    out: (line) => {
      if (!gone(stdout)) stdout.write(`${line}\n`);
    },
    err: (line) => {
      if (!gone(stderr)) stderr.write(`${line}\n`);
    },
    failure: () => failure,
  };
}
