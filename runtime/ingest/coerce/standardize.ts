import type { Standardizer } from '../../../compiler/contract/source.ts';

/**
 * One spelling per country: ISO 3166 alpha-2/alpha-3 codes and the variants real exports use map
 * to the English short name; a name not listed is kept as written (trimmed). "Unspecified" and
 * friends mean missing.
 */
const COUNTRY_ALIASES: Record<string, string | null> = {
  uk: 'United Kingdom',
  gb: 'United Kingdom',
  gbr: 'United Kingdom',
  'great britain': 'United Kingdom',
  'united kingdom': 'United Kingdom',
  england: 'United Kingdom',
  ie: 'Ireland',
  irl: 'Ireland',
  eire: 'Ireland',
  ireland: 'Ireland',
  us: 'United States',
  usa: 'United States',
  'united states': 'United States',
  'united states of america': 'United States',
  za: 'South Africa',
  rsa: 'South Africa',
  zaf: 'South Africa',
  'south africa': 'South Africa',
  de: 'Germany',
  deu: 'Germany',
  germany: 'Germany',
  fr: 'France',
  fra: 'France',
  france: 'France',
  es: 'Spain',
  esp: 'Spain',
  spain: 'Spain',
  nl: 'Netherlands',
  nld: 'Netherlands',
  netherlands: 'Netherlands',
  'the netherlands': 'Netherlands',
  holland: 'Netherlands',
  be: 'Belgium',
  bel: 'Belgium',
  belgium: 'Belgium',
  ch: 'Switzerland',
  che: 'Switzerland',
  switzerland: 'Switzerland',
  pt: 'Portugal',
  prt: 'Portugal',
  portugal: 'Portugal',
  au: 'Australia',
  aus: 'Australia',
  australia: 'Australia',
  no: 'Norway',
  nor: 'Norway',
  norway: 'Norway',
  it: 'Italy',
  ita: 'Italy',
  italy: 'Italy',
  fi: 'Finland',
  fin: 'Finland',
  finland: 'Finland',
  cy: 'Cyprus',
  cyp: 'Cyprus',
  cyprus: 'Cyprus',
  se: 'Sweden',
  swe: 'Sweden',
  sweden: 'Sweden',
  at: 'Austria',
  aut: 'Austria',
  austria: 'Austria',
  dk: 'Denmark',
  dnk: 'Denmark',
  denmark: 'Denmark',
  jp: 'Japan',
  jpn: 'Japan',
  japan: 'Japan',
  pl: 'Poland',
  pol: 'Poland',
  poland: 'Poland',
  ca: 'Canada',
  can: 'Canada',
  canada: 'Canada',
  ae: 'United Arab Emirates',
  are: 'United Arab Emirates',
  uae: 'United Arab Emirates',
  'united arab emirates': 'United Arab Emirates',
  unspecified: null,
  unknown: null,
  'n/a': null,
  na: null,
  '-': null,
};

export function standardize(value: unknown, how: Standardizer): unknown {
  if (typeof value !== 'string') return value;
  switch (how) {
    case 'country': {
      const key = value.trim().toLowerCase();
      // The key is data: `constructor` is a country name nobody wrote, not Object's.
      if (Object.hasOwn(COUNTRY_ALIASES, key)) return COUNTRY_ALIASES[key];
      return value.trim();
    }
    case 'lower':
      return value.toLowerCase();
    case 'upper':
      return value.toUpperCase();
    case 'title':
      return value.toLowerCase().replace(/(^|[\s'-])\p{L}/gu, (m) => m.toUpperCase());
  }
}
