import type { CliIO } from './command.ts';
import { EXIT_INTERNAL, HeraldError } from '../compiler/contract/errors.ts';
import type { Diagnostic } from '../compiler/contract/diagnostic.ts';
import { diagnosticLines } from '../compiler/diagnostics/format/lines.ts';

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

/**
 * `error[CODE]: message`, then `  help: ...` on its own line: an error with a code is printed as the
 * diagnostic it is, by the diagnostics printer's line layout; one without a code as its message.
 */
export function describeFailure(e: HeraldError): string {
  const d = failureDiagnostic(e);
  if (d) return diagnosticLines(d, {}).replace(/\n$/, '');
  return `${e.message}${e.help ? `\n  help: ${e.help}` : ''}`;
}

/** A user-facing error with a code as a diagnostic (severity error), for the one printer. */
export function failureDiagnostic(e: HeraldError): Diagnostic | undefined {
  if (e.code === undefined) return undefined;
  return { code: e.code, severity: 'error', message: e.message, ...(e.help ? { help: e.help } : {}) };
}
