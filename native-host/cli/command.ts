/** One `cachet` subcommand. `run` returns the process exit code. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}

/** Exit codes shared by every command (README, "Command line"). */
export const EXIT_OK = 0;
export const EXIT_NOT_GOOD = 1;
export const EXIT_UNUSABLE = 2;

/** Thrown for wrong command-line arguments; main prints the usage and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
