/**
 * The one encoder of header values. Every header of a message Herald writes goes through here:
 * a value from a customer's data (the To address, a subject filled from a field) that carries a
 * line break would otherwise end the header and start another (`a@x.test\r\nBcc: b@y.test` adds a
 * real Bcc). So a value with CR, LF or another control character is refused, never cleaned, and an
 * address must be one address. Messages never quote the value: it is personal data.
 */
export class HeaderError extends Error {}

/** Controls other than tab (CR and LF among them), and the Unicode line and paragraph separators. */
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f\u2028\u2029]/;

/** `local@domain`: no spaces, no controls, none of the characters that separate or quote addresses. */
const ADDRESS = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+\.[^\s@<>(),;:"[\]\\.]+$|^[^\s@<>(),;:"[\]\\]+@localhost$/;

function refuseControls(header: string, value: string): void {
  if (CONTROL.test(value)) {
    const what = /[\r\n\u2028\u2029]/.test(value) ? 'a line break' : 'a control character';
    throw new HeaderError(`the ${header} header value contains ${what}; it is refused (a line break would start another header)`);
  }
}

/** An unstructured header value (Subject, custom headers), checked; the caller encodes words. */
export function checkHeaderText(header: string, value: string): string {
  refuseControls(header, value);
  return value;
}

/** True when `value` is one plain email address (what To, From and Reply-To take). */
export function isEmailAddress(value: string): boolean {
  return !CONTROL.test(value) && value.length <= 320 && ADDRESS.test(value);
}

/** Splits `Name <addr>` or a bare address, refusing line breaks and anything but one valid address. */
export function parseMailbox(header: string, value: string): { name: string; address: string } {
  refuseControls(header, value);
  const m = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(value);
  const name = m ? m[1]! : '';
  const address = (m ? m[2]! : value).trim();
  if (!isEmailAddress(address)) throw new HeaderError(`the ${header} header does not hold one valid email address`);
  return { name, address };
}
