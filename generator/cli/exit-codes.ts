/** The CLI's exit codes; CI pipelines depend on them, so they never change meaning. */
export const ExitCode = {
  /** Everything checked out (warnings allowed unless --strict). */
  Ok: 0,
  /** The check ran and found a problem it exists to find (an incompatible change, a breaking change). */
  Failed: 1,
  /** Invalid input or usage: a broken contract, a bad flag, an unreadable file. */
  InvalidInput: 2,
  /** herald itself failed; the message says what, never a stack trace unless HERALD_DEBUG=1. */
  Internal: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Thrown inside commands to stop with a message and an exit code instead of a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = ExitCode.InvalidInput,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
