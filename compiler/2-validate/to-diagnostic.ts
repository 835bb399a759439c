import type { LoadedDocument } from '../1-load/parse-file.ts';
import { rangeOfPath } from '../1-load/positions.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { diag } from '../diagnostics/make.ts';
import { suggest } from '../diagnostics/suggest.ts';
import type { Expectation, Problem } from './problems.ts';
import { suggestTimeZone } from './time-zone.ts';
import { describeValue, displayPath, orList, quote, toSnakeCase, typeWord } from './wording.ts';

/** Names that become identifiers (definition names, fields, events) follow this pattern. */
export const SNAKE_CASE = '^[a-z][a-z0-9_]*$';

const FORMAT_WORDS: Record<string, string> = {
  'iana-time-zone': 'an IANA time zone (e.g. Europe/London)',
  'date-time': 'an ISO 8601 date and time (e.g. 2026-01-01T10:00:00Z)',
  date: 'an ISO 8601 date (e.g. 2026-01-01)',
  time: 'an ISO 8601 time (e.g. 10:00:00Z)',
  email: 'an email address',
  uri: 'a URI',
  'uri-reference': 'a URI reference',
  hostname: 'a host name',
  ipv4: 'an IPv4 address',
  ipv6: 'an IPv6 address',
  regex: 'a regular expression',
  uuid: 'a UUID',
  duration: 'an ISO 8601 duration (e.g. P1D)',
};

const COMPARISON_WORDS: Record<string, string> = { '<=': 'at most', '>=': 'at least', '<': 'less than', '>': 'more than' };

/** One problem → one diagnostic at the place a reader should look. */
export function problemToDiagnostic(problem: Problem, doc: LoadedDocument): Diagnostic {
  const file = doc.file.path;
  const where = displayPath(problem.path);
  const at = (options: { key?: boolean } = {}) => ({ file, range: rangeOfPath(doc, problem.path, options) });
  switch (problem.kind) {
    case 'required': {
      const inWhat = problem.path.length === 0 ? '' : ` in ${where}`;
      if (problem.oneOf) {
        const keys = problem.oneOf.map((k) => `"${k}"`);
        return diag('HL206', `missing one of the keys ${orList(keys)}${inWhat}`, { ...at({ key: true }), help: `add one of them` });
      }
      return diag('HL206', `missing required key "${problem.missing}"${inWhat}`, { ...at({ key: true }), help: `add \`${problem.missing}:\`${inWhat}` });
    }
    case 'unknown-key': {
      const hint = suggest(problem.key, problem.allowed);
      const range = rangeOfPath(doc, [...problem.path, problem.key], { key: true });
      const allowed = problem.allowed.length > 0 && problem.allowed.length <= 12 ? `allowed keys here: ${problem.allowed.join(', ')}` : undefined;
      return diag('HL205', `unknown key "${problem.key}" in ${where}`, {
        file,
        range,
        ...(hint ? { help: `did you mean "${hint}"?` } : allowed ? { help: allowed } : {}),
      });
    }
    case 'type': {
      // YAML 1.1 habits: `yes`/`no`/`on`/`off` are plain strings in YAML 1.2.
      const yaml11 = problem.expected.includes('boolean') && typeof problem.value === 'string' && /^(y|n|yes|no|on|off)$/i.test(problem.value);
      const numeric = (problem.expected.includes('string') && typeof problem.value === 'number') || typeof problem.value === 'boolean';
      const help = yaml11
        ? { help: `YAML reads ${problem.value} as a string; write true or false` }
        : numeric && problem.expected.includes('string')
          ? { help: `quote it to make it a string: "${String(problem.value)}"` }
          : {};
      return diag('HL207', `${where} must be ${orList(problem.expected.map(typeWord))}, not ${describeValue(problem.value)}`, { ...at(), ...help });
    }
    case 'enum':
      return notAllowed(where, problem.allowed, problem.value, at());
    case 'alternatives':
      return alternatives(where, problem.expected, problem.value, at());
    case 'pattern': {
      const example = problem.examples.length > 0 ? { help: `for example: ${problem.examples.slice(0, 3).map((e) => String(e)).join(', ')}` } : {};
      if (problem.pattern === SNAKE_CASE && typeof problem.value === 'string') {
        return diag('HL209', `${where} ${quote(problem.value)} is not snake_case`, { ...at(), help: snakeHelp(problem.value) });
      }
      return diag('HL210', `${where} ${quote(problem.value)} does not have the expected form (pattern ${problem.pattern})`, { ...at(), ...example });
    }
    case 'format': {
      const expected = FORMAT_WORDS[problem.format] ?? `a valid ${problem.format}`;
      const hint = problem.format === 'iana-time-zone' && typeof problem.value === 'string' ? suggestTimeZone(problem.value) : undefined;
      return diag('HL210', `${where} ${quote(problem.value)} is not ${expected}`, { ...at(), ...(hint ? { help: `did you mean "${hint}"?` } : {}) });
    }
    case 'range':
      return diag('HL213', `${where} must be ${COMPARISON_WORDS[problem.comparison] ?? problem.comparison} ${problem.limit}, not ${problem.value}`, at());
    case 'size':
      return diag('HL214', `${where} ${sizeWords(problem.keyword, problem.limit)}`, at());
    case 'unique':
      return diag('HL215', `${where} holds the same entry twice (entries ${problem.first + 1} and ${problem.second + 1})`, {
        file,
        range: rangeOfPath(doc, [...problem.path, problem.second]),
        help: 'remove the repeated entry',
      });
    case 'property-name': {
      const range = rangeOfPath(doc, [...problem.path, problem.name], { key: true });
      if (problem.pattern === SNAKE_CASE || problem.pattern === undefined) {
        return diag('HL209', `${quote(problem.name)} is not a valid name in ${where}; names are snake_case`, { file, range, help: snakeHelp(problem.name) });
      }
      return diag('HL209', `${quote(problem.name)} is not a valid name in ${where} (pattern ${problem.pattern})`, { file, range });
    }
    case 'ambiguous':
      if (problem.keys) {
        const all = orList(problem.keys.all.map((k) => `"${k}"`));
        const present = problem.keys.present.map((k) => `"${k}"`).join(' and ');
        return diag('HL216', `${where} must have only one of ${all}, not ${present} together`, { ...at(), help: 'keep one of them' });
      }
      return problem.reason === 'not'
        ? diag('HL216', `${where} has a shape that is not allowed here`, at())
        : diag('HL216', `${where} matches more than one of the allowed shapes; it must match exactly one`, at());
    case 'dependency':
      return diag('HL217', `"${problem.property}" in ${where} requires "${problem.missing}"`, {
        file,
        range: rangeOfPath(doc, [...problem.path, problem.property], { key: true }),
        help: `add \`${problem.missing}:\` or remove \`${problem.property}:\``,
      });
    case 'other':
      return diag('HL218', `${where} ${problem.message}`, at());
  }
}

function snakeHelp(name: string): string {
  const fixed = toSnakeCase(name);
  return fixed !== '' && fixed !== name ? `use lower-case letters, digits and underscores, e.g. "${fixed}"` : 'use lower-case letters, digits and underscores, starting with a letter';
}

function notAllowed(where: string, allowed: readonly unknown[], value: unknown, location: { file: string; range: Diagnostic['range'] }): Diagnostic {
  const strings = allowed.filter((a): a is string => typeof a === 'string');
  const hint = typeof value === 'string' ? suggest(value, strings) : undefined;
  const list = allowed.length === 1 ? quote(allowed[0]) : `one of ${allowed.map(quote).join(', ')}`;
  return diag('HL208', `${where} ${quote(value)} is not allowed; expected ${list}`, {
    ...location,
    ...(hint ? { help: `did you mean "${hint}"?` } : {}),
  });
}

function alternatives(where: string, expected: readonly Expectation[], value: unknown, location: { file: string; range: Diagnostic['range'] }): Diagnostic {
  const values = expected.flatMap((e) => ('values' in e ? e.values : []));
  const types = expected.flatMap((e) => ('type' in e ? [e.type] : []));
  // A string where only some strings are allowed is a wrong value, not a wrong type.
  if (values.some((v) => typeof v === typeof value) && !types.includes(jsonType(value))) {
    const words = [...values.map(quote), ...types.map(typeWord)];
    const lead = values.length > 1 ? 'one of ' : '';
    const strings = values.filter((v): v is string => typeof v === 'string');
    const hint = typeof value === 'string' ? suggest(value, strings) : undefined;
    return diag('HL208', `${where} ${quote(value)} is not allowed; expected ${lead}${orList(words)}`, {
      ...location,
      ...(hint ? { help: `did you mean "${hint}"?` } : {}),
    });
  }
  const words = [...values.map(quote), ...types.map(typeWord)];
  return diag('HL207', `${where} must be ${values.length > 1 ? 'one of ' : ''}${orList(words)}, not ${describeValue(value)}`, location);
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}

function sizeWords(keyword: string, limit: number): string {
  switch (keyword) {
    case 'minLength':
      return limit === 1 ? 'must not be empty' : `must be at least ${limit} characters long`;
    case 'maxLength':
      return `must be at most ${limit} characters long`;
    case 'minItems':
      return `must hold at least ${limit} ${limit === 1 ? 'entry' : 'entries'}`;
    case 'maxItems':
      return `must hold at most ${limit} ${limit === 1 ? 'entry' : 'entries'}`;
    case 'minProperties':
      return `must hold at least ${limit} ${limit === 1 ? 'key' : 'keys'}`;
    default:
      return `must hold at most ${limit} ${limit === 1 ? 'key' : 'keys'}`;
  }
}
