import { EXIT_USAGE, HeraldError } from '../compiler/contract/errors.ts';
import type { OptionTable } from './options.ts';

export { EXIT_ERRORS, EXIT_OK, EXIT_USAGE } from '../compiler/contract/errors.ts';

/** The shape every command module exports; `cli/commands/index.ts` is the table of them. */
export interface Command {
  name: string;
  /** One line for `herald --help`. */
  summary: string;
  /** Full usage text for `herald <name> --help`, generated from `options`. */
  usage: string;
  /** The options it accepts (besides --help), from which its parser and its usage text are made. */
  options: OptionTable;
  /** Returns the process exit code: 0 ok, 1 definitions or data have errors, 2 usage or internal error. */
  run(argv: string[], io: CliIO): Promise<number>;
}

/** Streams and environment, injected so tests can run commands in-process. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Where interactive prompts read answers (`init`, `new`); absent or not a TTY: never ask. */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** A user mistake on the command line: printed without a stack trace, exit code 2. */
export class UsageError extends HeraldError {
  constructor(message: string) {
    super(message, EXIT_USAGE);
  }
}
