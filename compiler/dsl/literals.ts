/**
 * Decoding and validating literal tokens. Each function returns the value, or an error message
 * with the offset (inside the token) where the problem is.
 */
export type Decoded<T> = { ok: true; value: T } | { ok: false; message: string; at: number; length: number; help?: string };

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };

/** `"..."` with the escapes \" \\ \/ \n \t \r \b \f and \uXXXX (JSON's set). */
export function decodeString(image: string): Decoded<string> {
  let out = '';
  for (let i = 1; i < image.length - 1; i++) {
    const ch = image[i]!;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = image[i + 1]!;
    if (next in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[next];
      i++;
    } else if (next === 'u') {
      const hex = image.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        return {
          ok: false,
          message: '`\\u` must be followed by four hexadecimal digits',
          at: i,
          length: 2 + hex.replace(/[^0-9a-fA-F].*$/, '').length,
          help: 'write e.g. \\u00e9',
        };
      }
      out += String.fromCharCode(parseInt(hex, 16));
      i += 5;
    } else {
      return {
        ok: false,
        message: `unknown escape \`\\${next}\` in a string`,
        at: i,
        length: 2,
        help: 'the escapes are \\" \\\\ \\n \\t \\r \\uXXXX',
      };
    }
  }
  return { ok: true, value: out };
}

/** A backtick-quoted name: only \` and \\ are escapes. */
export function decodeQuotedIdentifier(image: string): Decoded<string> {
  let out = '';
  for (let i = 1; i < image.length - 1; i++) {
    const ch = image[i]!;
    if (ch === '\\') {
      const next = image[i + 1]!;
      if (next !== '`' && next !== '\\') {
        return {
          ok: false,
          message: `unknown escape \`\\${next}\` in a quoted name`,
          at: i,
          length: 2,
          help: 'inside backticks only \\` and \\\\ are escapes',
        };
      }
      out += next;
      i++;
    } else out += ch;
  }
  if (out.length === 0) return { ok: false, message: 'a quoted name cannot be empty', at: 0, length: image.length };
  return { ok: true, value: out };
}

export function decodeNumber(image: string): Decoded<number> {
  const value = Number(image);
  if (!Number.isFinite(value)) return { ok: false, message: `number ${image} is too large`, at: 0, length: image.length };
  return { ok: true, value };
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Dates are calendar dates; timestamps need a zone (`Z` or `+01:00`) so a rule means the same
 * instant on every machine. (A zone-less timestamp is refused rather than guessed.)
 */
export function checkTimestamp(image: string): Decoded<{ dateOnly: boolean }> {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-](\d{2}):(\d{2}))?)?$/.exec(image);
  if (!m) return { ok: false, message: `invalid date ${image}`, at: 0, length: image.length };
  const [, y, mo, d, h, mi, s, zone, zh, zm] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const monthDays = month === 2 && !leap ? 28 : DAYS_IN_MONTH[month - 1];
  if (month < 1 || month > 12) return { ok: false, message: `invalid month ${mo} in ${image}`, at: 5, length: 2 };
  if (day < 1 || day > monthDays!)
    return { ok: false, message: `invalid day ${d} in ${image}: ${y}-${mo} has ${monthDays} days`, at: 8, length: 2 };
  if (h === undefined) return { ok: true, value: { dateOnly: true } };
  if (Number(h) > 23) return { ok: false, message: `invalid hour ${h} in ${image}`, at: 11, length: 2 };
  if (Number(mi) > 59) return { ok: false, message: `invalid minute ${mi} in ${image}`, at: 14, length: 2 };
  if (s !== undefined && Number(s) > 59) return { ok: false, message: `invalid second ${s} in ${image}`, at: 17, length: 2 };
  if (zone === undefined) {
    return {
      ok: false,
      message: `timestamp ${image} has no time zone`,
      at: 0,
      length: image.length,
      help: `add Z for UTC or an offset, e.g. ${image}Z or ${image}+01:00`,
    };
  }
  if (zh !== undefined && (Number(zh) > 23 || Number(zm) > 59)) {
    return { ok: false, message: `invalid time zone offset ${zone} in ${image}`, at: image.length - zone.length, length: zone.length };
  }
  return { ok: true, value: { dateOnly: false } };
}
