import { suggest } from '../diagnostics/suggest.ts';

let zones: string[] | undefined;

/** The closest IANA time zone name to a misspelt one (`Europe/Londn` → `Europe/London`). */
export function suggestTimeZone(name: string): string | undefined {
  zones ??= [...Intl.supportedValuesOf('timeZone'), 'UTC'];
  return suggest(name, zones);
}
