/**
 * The exit codes of every Herald command, and the one base class of the errors a user can act on.
 * A `HeraldError` is explained to the user in words (its message, and its diagnostic code and help
 * where it has them) and ends the command with its `exitCode`; any other error is a bug, printed
 * with its stack trace (cli/failure.ts is the one place that tells them apart).
 */
export const EXIT_OK = 0;
/** The definitions or the data have errors. */
export const EXIT_ERRORS = 1;
/** A usage mistake, an unusable environment (no database server, a busy database), or an internal error. */
export const EXIT_USAGE = 2;
export const EXIT_INTERNAL = 2;

export interface HeraldErrorOptions {
  /** The diagnostic code the message is about (`HL512`), printed as `error[HL512]: ...`. */
  code?: string;
  /** What to do about it, printed on its own line. */
  help?: string;
  /** False for an error Herald raises but that means a bug in Herald: printed with its stack trace. */
  userFacing?: boolean;
  cause?: unknown;
}

export class HeraldError extends Error {
  readonly code: string | undefined;
  readonly help: string | undefined;
  readonly userFacing: boolean;

  constructor(
    message: string,
    readonly exitCode: number,
    options: HeraldErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.help = options.help;
    this.userFacing = options.userFacing ?? true;
  }
}
