import { suggest } from '../diagnostics/suggest.ts';

const known = new Map<string, boolean>();

/** True for a time zone the runtime's Intl database knows (IANA names and their links, and UTC). */
export function isTimeZone(name: string): boolean {
  let ok = known.get(name);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: name });
      ok = name.trim() === name && name !== '';
    } catch {
      ok = false;
    }
    known.set(name, ok);
  }
  return ok;
}

let zones: string[] | undefined;

/** The closest IANA time zone name to a misspelt one (`Europe/Londn` → `Europe/London`). */
export function suggestTimeZone(name: string): string | undefined {
  zones ??= [...Intl.supportedValuesOf('timeZone'), 'UTC'];
  return suggest(name, zones);
}
