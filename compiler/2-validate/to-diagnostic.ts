import type { LoadedDocument } from '../1-load/parse-file.ts';
import { rangeOfPath } from '../1-load/positions.ts';
import type { Diagnostic } from '../diagnostics/diagnostic.ts';
import { diagnostic } from '../diagnostics/make.ts';
import { suggest } from '../diagnostics/suggest.ts';
import type { Expectation, Problem, ValuePath } from './problems.ts';
import { suggestTimeZone } from './time-zone.ts';
import { displayPath, toSnakeCase } from '../diagnostics/wording.ts';

/** Names that become identifiers (definition names, fields, events) follow this pattern. */
export const SNAKE_CASE = '^[a-z][a-z0-9_]*$';

/** One problem → one diagnostic at the place a reader should look. */
export function problemToDiagnostic(problem: Problem, doc: LoadedDocument): Diagnostic {
  const file = doc.file.path;
  const where = displayPath(problem.path);
  const at = (options: { key?: boolean } = {}) => ({ file, range: rangeOfPath(doc, problem.path, options) });
  switch (problem.kind) {
    case 'required': {
      const inWhat = problem.path.length === 0 ? '' : ` in ${where}`;
      if (problem.oneOf) {
        return diagnostic('HL206', { path: problem.path, oneOf: problem.oneOf }, { ...at({ key: true }), help: `add one of them` });
      }
      return diagnostic(
        'HL206',
        { path: problem.path, missing: problem.missing },
        { ...at({ key: true }), help: `add \`${problem.missing}:\`${inWhat}` },
      );
    }
    case 'unknown-key': {
      const hint = suggest(problem.key, problem.allowed);
      const range = rangeOfPath(doc, [...problem.path, problem.key], { key: true });
      const allowed =
        problem.allowed.length > 0 && problem.allowed.length <= 12 ? `allowed keys here: ${problem.allowed.join(', ')}` : undefined;
      return diagnostic(
        'HL205',
        { path: problem.path, key: problem.key },
        {
          file,
          range,
          ...(hint ? { help: `did you mean "${hint}"?` } : allowed ? { help: allowed } : {}),
        },
      );
    }
    case 'type': {
      // YAML 1.1 habits: `yes`/`no`/`on`/`off` are plain strings in YAML 1.2.
      const yaml11 =
        problem.expected.includes('boolean') && typeof problem.value === 'string' && /^(y|n|yes|no|on|off)$/i.test(problem.value);
      const numeric = (problem.expected.includes('string') && typeof problem.value === 'number') || typeof problem.value === 'boolean';
      const help = yaml11
        ? { help: `YAML reads ${problem.value} as a string; write true or false` }
        : numeric && problem.expected.includes('string')
          ? { help: `quote it to make it a string: "${String(problem.value)}"` }
          : {};
      return diagnostic('HL207', { path: problem.path, values: [], types: problem.expected, value: problem.value }, { ...at(), ...help });
    }
    case 'enum':
      return notAllowed(problem.path, problem.allowed, problem.value, at());
    case 'alternatives':
      return alternatives(problem.path, problem.expected, problem.value, at());
    case 'pattern': {
      const example =
        problem.examples.length > 0
          ? {
              help: `for example: ${problem.examples
                .slice(0, 3)
                .map((e) => String(e))
                .join(', ')}`,
            }
          : {};
      if (problem.pattern === SNAKE_CASE && typeof problem.value === 'string') {
        return diagnostic('HL209', { path: problem.path, value: problem.value }, { ...at(), help: snakeHelp(problem.value) });
      }
      return diagnostic('HL210', { path: problem.path, value: problem.value, pattern: problem.pattern }, { ...at(), ...example });
    }
    case 'format': {
      const hint = problem.format === 'iana-time-zone' && typeof problem.value === 'string' ? suggestTimeZone(problem.value) : undefined;
      return diagnostic(
        'HL210',
        { path: problem.path, value: problem.value, format: problem.format },
        { ...at(), ...(hint ? { help: `did you mean "${hint}"?` } : {}) },
      );
    }
    case 'range':
      return diagnostic('HL213', { path: problem.path, comparison: problem.comparison, limit: problem.limit, value: problem.value }, at());
    case 'size':
      return diagnostic('HL214', { path: problem.path, keyword: problem.keyword, limit: problem.limit }, at());
    case 'unique':
      return diagnostic(
        'HL215',
        { path: problem.path, first: problem.first, second: problem.second },
        {
          file,
          range: rangeOfPath(doc, [...problem.path, problem.second]),
          help: 'remove the repeated entry',
        },
      );
    case 'property-name': {
      const range = rangeOfPath(doc, [...problem.path, problem.name], { key: true });
      if (problem.pattern === SNAKE_CASE || problem.pattern === undefined) {
        return diagnostic('HL209', { path: problem.path, name: problem.name }, { file, range, help: snakeHelp(problem.name) });
      }
      return diagnostic('HL209', { path: problem.path, name: problem.name, namePattern: problem.pattern }, { file, range });
    }
    case 'ambiguous':
      if (problem.keys) {
        return diagnostic(
          'HL216',
          { path: problem.path, all: problem.keys.all, present: problem.keys.present },
          { ...at(), help: 'keep one of them' },
        );
      }
      return diagnostic('HL216', { path: problem.path, reason: problem.reason }, at());
    case 'dependency':
      return diagnostic(
        'HL217',
        { path: problem.path, property: problem.property, missing: problem.missing },
        {
          file,
          range: rangeOfPath(doc, [...problem.path, problem.property], { key: true }),
          help: `add \`${problem.missing}:\` or remove \`${problem.property}:\``,
        },
      );
    case 'other':
      return diagnostic('HL218', { path: problem.path, schema: problem.message }, at());
  }
}

function snakeHelp(name: string): string {
  const fixed = toSnakeCase(name);
  return fixed !== '' && fixed !== name
    ? `use lower-case letters, digits and underscores, e.g. "${fixed}"`
    : 'use lower-case letters, digits and underscores, starting with a letter';
}

function notAllowed(
  path: ValuePath,
  allowed: readonly unknown[],
  value: unknown,
  location: { file: string; range: Diagnostic['range'] },
): Diagnostic {
  const strings = allowed.filter((a): a is string => typeof a === 'string');
  const hint = typeof value === 'string' ? suggest(value, strings) : undefined;
  return diagnostic(
    'HL208',
    { path, value, allowed },
    {
      ...location,
      ...(hint ? { help: `did you mean "${hint}"?` } : {}),
    },
  );
}

function alternatives(
  path: ValuePath,
  expected: readonly Expectation[],
  value: unknown,
  location: { file: string; range: Diagnostic['range'] },
): Diagnostic {
  const values = expected.flatMap((e) => ('values' in e ? e.values : []));
  const types = expected.flatMap((e) => ('type' in e ? [e.type] : []));
  // A string where only some strings are allowed is a wrong value, not a wrong type.
  if (values.some((v) => typeof v === typeof value) && !types.includes(jsonType(value))) {
    const strings = values.filter((v): v is string => typeof v === 'string');
    const hint = typeof value === 'string' ? suggest(value, strings) : undefined;
    return diagnostic(
      'HL208',
      { path, value, values, types },
      {
        ...location,
        ...(hint ? { help: `did you mean "${hint}"?` } : {}),
      },
    );
  }
  return diagnostic('HL207', { path, values, types, value }, location);
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value === 'object' ? 'object' : typeof value;
}
