/**
 * A plan that cannot be made (no git, a base ref that does not exist): reported as a diagnostic
 * code and a message without a stack trace; the command exits 1.
 */
export class PlanInputError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly help?: string,
  ) {
    super(message);
    this.name = 'PlanInputError';
  }
}

/** The first line of an error's message: what a plan note shows of a failure it carries on past. */
export function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.trim();
}
