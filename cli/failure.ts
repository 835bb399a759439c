import type { CliIO } from './command.ts';
import { EXIT_INTERNAL, HeraldError } from '../compiler/contract/errors.ts';

/**
 * The one place an error becomes an exit code. A user-facing `HeraldError` is explained in words
 * (`herald <command>: error[CODE]: message`, then its help) and ends the command with its own
 * exit code; anything else is a bug in Herald: the only case where a stack trace is printed.
 */
export function exitCodeOf(command: string, e: unknown, io: CliIO): number {
  const known = reportFailure(command, e, io);
  if (known !== undefined) return known;
  io.stderr.write(`herald ${command}: internal error\n${(e as Error)?.stack ?? String(e)}\n`);
  return EXIT_INTERNAL;
}

/** Prints a user-facing error and returns its exit code; undefined (nothing printed) for any other error. */
export function reportFailure(command: string, e: unknown, io: CliIO): number | undefined {
  if (!(e instanceof HeraldError) || !e.userFacing) return undefined;
  io.stderr.write(`herald ${command}: ${describeFailure(e)}\n`);
  return e.exitCode;
}

/** `error[CODE]: message` (the code where the error has one), then `  help: ...` on its own line. */
export function describeFailure(e: HeraldError): string {
  return `${e.code ? `error[${e.code}]: ` : ''}${e.message}${e.help ? `\n  help: ${e.help}` : ''}`;
}
