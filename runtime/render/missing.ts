/** A value the template needs is missing for this recipient; the email is not sent, the reason is recorded. */
export class MissingValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MissingValueError';
  }
}

/** Missing means undefined, null, or a string with nothing but whitespace ("Hi ," is never sent). */
export function isMissing(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value !== 'string') return false;
  // Runs for every value a template reads: most strings start with a letter, and then they are
  // not blank; only a string that starts with a space is trimmed to find out.
  return value.length === 0 || (isSpace(value.charCodeAt(0)) && value.trim() === '');
}

/** Whether trim() would change the string: looks at its first and last character only. */
export function hasOuterSpace(s: string): boolean {
  return s.length > 0 && (isSpace(s.charCodeAt(0)) || isSpace(s.charCodeAt(s.length - 1)));
}

/** The characters String.prototype.trim removes (ASCII controls and space, and Unicode spaces). */
function isSpace(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}
