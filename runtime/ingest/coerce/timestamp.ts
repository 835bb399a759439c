/**
 * Timestamps as real exports write them, to epoch milliseconds.
 *
 * Understood without a hint: ISO 8601 dates and date-times with `T` or a space, optional seconds
 * and fraction, and `Z` or `±HH:MM` (`2011-12-09`, `2010-12-01 08:26:00`, `2011-12-09T12:00Z`).
 * With a `timestamp_format` hint, its tokens `YYYY M MM D DD H HH mm ss` (anything else literal),
 * e.g. `M/D/YYYY H:mm` for `12/1/2010 8:26`. A timestamp without an offset is local time in the
 * source's time zone (IANA name, e.g. Europe/London), DST included.
 */
import { zoneOffsets, type WallClockParts } from '../../../compiler/contract/core/zones.ts';

export interface TimestampParser {
  (text: string): number | null;
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

const TOKENS: Record<string, { pattern: string; part: keyof Parts }> = {
  YYYY: { pattern: '(\\d{4})', part: 'year' },
  MM: { pattern: '(\\d{2})', part: 'month' },
  M: { pattern: '(\\d{1,2})', part: 'month' },
  DD: { pattern: '(\\d{2})', part: 'day' },
  D: { pattern: '(\\d{1,2})', part: 'day' },
  HH: { pattern: '(\\d{2})', part: 'hour' },
  H: { pattern: '(\\d{1,2})', part: 'hour' },
  mm: { pattern: '(\\d{2})', part: 'minute' },
  ss: { pattern: '(\\d{2})', part: 'second' },
};

interface Parts extends WallClockParts {
  ms: number;
  /** Offset from UTC in minutes, when the text says; otherwise the source time zone applies. */
  offset?: number;
}

export function makeTimestampParser(options: { format?: string; timezone: string }): TimestampParser {
  const zone = zoneOffsets(options.timezone);
  const custom = options.format ? compileFormat(options.format) : undefined;
  // Exports repeat the same instant on many lines (every line of an invoice): remember the last one.
  let lastText = '';
  let lastValue: number | null = null;
  return (text: string) => {
    if (text === lastText) return lastValue;
    const parts = (custom && matchFormat(custom, text)) || matchIso(text);
    let value: number | null = null;
    if (parts && validParts(parts)) {
      const naive = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second, parts.ms);
      value = parts.offset !== undefined ? naive - parts.offset * 60_000 : naive - zone(naive);
    }
    lastText = text;
    lastValue = value;
    return value;
  };
}

interface CompiledFormat {
  regex: RegExp;
  parts: Array<keyof Parts>;
}

function compileFormat(format: string): CompiledFormat {
  let pattern = '';
  const parts: Array<keyof Parts> = [];
  let i = 0;
  outer: while (i < format.length) {
    for (const token of ['YYYY', 'MM', 'DD', 'HH', 'mm', 'ss', 'M', 'D', 'H']) {
      if (format.startsWith(token, i)) {
        pattern += TOKENS[token]!.pattern;
        parts.push(TOKENS[token]!.part);
        i += token.length;
        continue outer;
      }
    }
    pattern += format[i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    i++;
  }
  return { regex: new RegExp(`^${pattern}$`), parts };
}

function matchFormat(format: CompiledFormat, text: string): Parts | undefined {
  const m = format.regex.exec(text);
  if (!m) return undefined;
  const parts: Parts = { year: 0, month: 1, day: 1, hour: 0, minute: 0, second: 0, ms: 0 };
  format.parts.forEach((part, k) => {
    (parts[part] as number) = Number(m[k + 1]);
  });
  return parts;
}

function matchIso(text: string): Parts | undefined {
  const m = ISO.exec(text);
  if (!m) return undefined;
  const parts: Parts = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: m[4] ? Number(m[4]) : 0,
    minute: m[5] ? Number(m[5]) : 0,
    second: m[6] ? Number(m[6]) : 0,
    ms: m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0,
  };
  const zone = m[8];
  if (zone) {
    if (zone.toUpperCase() === 'Z') parts.offset = 0;
    else {
      const digits = zone.replace(':', '');
      const sign = digits[0] === '-' ? -1 : 1;
      parts.offset = sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5)));
    }
  }
  return parts;
}

function validParts(p: Parts): boolean {
  if (p.month < 1 || p.month > 12 || p.day < 1 || p.hour > 23 || p.minute > 59 || p.second > 59) return false;
  const daysInMonth = new Date(Date.UTC(p.year, p.month, 0)).getUTCDate();
  return p.day <= daysInMonth;
}
