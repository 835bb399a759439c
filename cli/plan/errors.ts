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
