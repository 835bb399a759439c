/** A value the template needs is missing for this recipient; the email is not sent, the reason is recorded. */
export class MissingValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingValueError';
  }
}

/** Missing means undefined, null, or a string with nothing but whitespace ("Hi ," is never sent). */
export function isMissing(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}
