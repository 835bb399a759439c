import { EXIT_ERRORS, HeraldError } from '../../compiler/contract/errors.ts';

/**
 * A plan that cannot be made (no git, a base ref that does not exist): reported as a diagnostic
 * code and a message without a stack trace; the command exits 1.
 */
export class PlanInputError extends HeraldError {
  declare readonly code: string;
  constructor(code: string, message: string, help?: string) {
    super(message, EXIT_ERRORS, { code, ...(help !== undefined ? { help } : {}) });
  }
}

/** The first line of an error's message: what a plan note shows of a failure it carries on past. */
export function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim();
}
