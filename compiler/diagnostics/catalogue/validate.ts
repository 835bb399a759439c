import type { CodeEntry, MessageTable } from './types.ts';
import { describeValue, displayPath, orList, quote, typeWord } from '../wording.ts';

/** HL20x–HL22x: the envelope and every kind's spec checked against the JSON Schemas in schemas/. */
export const validateCodes: CodeEntry[] = [
  {
    code: 'HL201',
    title: 'missing apiVersion',
    severity: 'error',
    explanation:
      'Every document starts with `apiVersion: herald/v1`. The version says which format the ' +
      'document is written in, so that a future breaking change can be introduced with a new ' +
      'version and `herald migrate` can convert old files. Add the line at the top of the document.',
  },
  {
    code: 'HL202',
    title: 'unknown apiVersion',
    severity: 'error',
    explanation:
      'The document names an `apiVersion` this version of Herald does not understand. The message ' +
      'lists the supported versions. A typo (`herald/V1`, `herald.v1`) is the usual cause; a ' +
      'newer version means the workspace was written for a newer Herald: upgrade it.',
  },
  {
    code: 'HL203',
    title: 'missing kind',
    severity: 'error',
    explanation:
      'Every document says what it defines with `kind:`, one of Workspace, Source, Trait, Segment, ' +
      'Model, Template, Journey, Campaign or Test. The kind decides which schema the `spec` is ' +
      'checked against, so nothing else in the document can be checked until it is there.',
  },
  {
    code: 'HL204',
    title: 'unknown kind',
    severity: 'error',
    explanation:
      'The `kind:` is not one Herald knows. Kinds are capitalised (`Segment`, not `segment`); the ' +
      'message suggests the closest one. The rest of the document is not checked until the kind is ' +
      'fixed, because the kind decides the schema of its `spec`.',
  },
  {
    code: 'HL205',
    title: 'unknown key',
    severity: 'error',
    explanation:
      'The mapping has a key its schema does not allow. Herald rejects unknown keys instead of ' +
      'ignoring them, because a misspelt key (`whre:` for `where:`) would otherwise silently do ' +
      'nothing. The diagnostic points at the key and suggests the closest allowed one; the ' +
      'schema in `schemas/kinds/` lists every key with a description (editors show them on hover ' +
      'when the file starts with `# yaml-language-server: $schema=...`).',
  },
  {
    code: 'HL206',
    title: 'missing required key',
    severity: 'error',
    explanation:
      'A key the schema requires is absent. The diagnostic points at the mapping that should hold ' +
      'it (its key, or the document start for a top-level key). Add the key with a value.',
  },
  {
    code: 'HL207',
    title: 'wrong type',
    severity: 'error',
    explanation:
      'The value has the wrong type: for example a mapping where a string is expected, or a ' +
      'string where a number is expected. Remember that YAML reads `yes`, `no`, `on` and `off` as ' +
      'strings in YAML 1.2 and `1.0` as a number: quote a value to make it a string.',
  },
  {
    code: 'HL208',
    title: 'value not allowed',
    severity: 'error',
    explanation:
      'The value is not one of the values the schema allows at this place. The message lists the ' +
      'allowed values and suggests the closest one. Values are case-sensitive.',
  },
  {
    code: 'HL209',
    title: 'invalid name',
    severity: 'error',
    explanation:
      'Names of definitions (`metadata.name`), fields, events and other map keys that become ' +
      'identifiers must be snake_case: lower-case letters, digits and underscores, starting with a ' +
      'letter (`lapsed_high_value`). They end up as SQL identifiers, file names and keys in the ' +
      'manifest, where spaces, dashes and capitals cause trouble.',
  },
  {
    code: 'HL210',
    title: 'invalid format',
    severity: 'error',
    explanation:
      'The string does not have the form this field needs: a time zone that is not an IANA zone ' +
      '(`Europe/London`, `America/New_York`), a database URL that is neither `sqlite:` nor ' +
      '`postgres://`, a date that is not ISO 8601, or a value that does not match the pattern the ' +
      'schema gives. The message says which form is expected.',
  },
  {
    code: 'HL211',
    title: 'workspace document misplaced',
    severity: 'error',
    explanation:
      'A workspace has exactly one `kind: Workspace` document, and it lives in `herald.yaml` at ' +
      'the workspace root: it holds the database, the time zone and the data model everything ' +
      'else is checked against. This diagnostic means it is missing from `herald.yaml`, appears ' +
      'more than once, or appears in another file. Keep one, in `herald.yaml`.',
  },
  {
    code: 'HL212',
    title: 'document is not a mapping',
    severity: 'error',
    explanation:
      'A Herald document is a mapping with `apiVersion`, `kind`, `metadata` and `spec`. This ' +
      'document is a list or a plain value instead. A stray `- ` or a missing `key:` is the usual ' +
      'cause.',
  },
  {
    code: 'HL213',
    title: 'value out of range',
    severity: 'error',
    explanation:
      'The number is outside the range the schema allows (for example a share that must lie ' +
      'between 0 and 1, or a count that must be positive), or not a multiple of the required step.',
  },
  {
    code: 'HL214',
    title: 'wrong size',
    severity: 'error',
    explanation:
      'The string, list or mapping is too short or too long: for example an empty name, a list ' +
      'that needs at least one entry, or a mapping that needs at least one key.',
  },
  {
    code: 'HL215',
    title: 'duplicate list entry',
    severity: 'error',
    explanation: 'The list must not hold the same entry twice. Remove the repeated entry.',
  },
  {
    code: 'HL216',
    title: 'ambiguous or forbidden shape',
    severity: 'error',
    explanation:
      'The value matches a shape the schema forbids, or matches several alternatives where exactly ' +
      'one is expected (for example a journey step that is both a `wait` and a `send`). Keep the ' +
      'keys of one alternative only.',
  },
  {
    code: 'HL217',
    title: 'key requires another key',
    severity: 'error',
    explanation:
      'Some keys only make sense together: when the first key is present, the schema requires the ' +
      'other one as well. Add the missing key, or remove the first.',
  },
  {
    code: 'HL218',
    title: 'schema constraint not met',
    severity: 'error',
    explanation:
      'The value breaks a rule of its schema that has no more specific diagnostic. The message ' +
      'quotes the rule. The schema in `schemas/kinds/` documents the field.',
  },
  {
    code: 'HL219',
    title: 'schema cannot be used',
    severity: 'error',
    explanation:
      'One of the JSON Schemas shipped in `schemas/` could not be read or compiled, so documents of ' +
      'that kind cannot be checked. This is a problem in the Herald installation rather than in ' +
      'your workspace: reinstall Herald, or report it with the message.',
  },
  {
    code: 'HL220',
    title: 'reserved field name',
    severity: 'error',
    explanation:
      'The data model declares a field that Herald provides itself: every customer and item has an ' +
      '`id`, and every event has `customer_id`, `type` and `at`. Declaring them again with another ' +
      'meaning would make rules ambiguous. Rename the field, or remove it and use the built-in one.',
  },
];

type Path = readonly (string | number)[];

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

/** `path` is where in the document the value is (`spec.steps.remind`); the catalogue words it. */
export const schemaMessages = {
  HL205: (p: { path: Path; key: string }) => `unknown key "${p.key}" in ${displayPath(p.path)}`,
  HL206: (p: { path: Path; oneOf: readonly string[] } | { path: Path; missing: string }) => {
    const inWhat = p.path.length === 0 ? '' : ` in ${displayPath(p.path)}`;
    return 'oneOf' in p
      ? `missing one of the keys ${orList(p.oneOf.map((k) => `"${k}"`))}${inWhat}`
      : `missing required key "${p.missing}"${inWhat}`;
  },
  /** `values`: the literal values also allowed beside the `types`. */
  HL207: (p: { path: Path; values: readonly unknown[]; types: readonly string[]; value: unknown }) =>
    `${displayPath(p.path)} must be ${p.values.length > 1 ? 'one of ' : ''}${orList([...p.values.map(quote), ...p.types.map(typeWord)])}, not ${describeValue(p.value)}`,
  HL208: (
    p:
      | { path: Path; value: unknown; allowed: readonly unknown[] }
      | { path: Path; value: unknown; values: readonly unknown[]; types: readonly string[] },
  ) => {
    const expected =
      'allowed' in p
        ? p.allowed.length === 1
          ? quote(p.allowed[0])
          : `one of ${p.allowed.map(quote).join(', ')}`
        : `${p.values.length > 1 ? 'one of ' : ''}${orList([...p.values.map(quote), ...p.types.map(typeWord)])}`;
    return `${displayPath(p.path)} ${quote(p.value)} is not allowed; expected ${expected}`;
  },
  /** `namePattern`: the pattern a key must match, when it is not snake_case. */
  HL209: (p: { path: Path; value: string } | { path: Path; name: string; namePattern?: string }) =>
    'value' in p
      ? `${displayPath(p.path)} ${quote(p.value)} is not snake_case`
      : `${quote(p.name)} is not a valid name in ${displayPath(p.path)}${p.namePattern === undefined ? '; names are snake_case' : ` (pattern ${p.namePattern})`}`,
  HL210: (p: { path: Path; value: unknown; pattern: string } | { path: Path; value: unknown; format: string }) =>
    'pattern' in p
      ? `${displayPath(p.path)} ${quote(p.value)} does not have the expected form (pattern ${p.pattern})`
      : `${displayPath(p.path)} ${quote(p.value)} is not ${FORMAT_WORDS[p.format] ?? `a valid ${p.format}`}`,
  HL213: (p: { path: Path; comparison: string; limit: unknown; value: unknown }) =>
    `${displayPath(p.path)} must be ${COMPARISON_WORDS[p.comparison] ?? p.comparison} ${String(p.limit)}, not ${String(p.value)}`,
  HL214: (p: { path: Path; keyword: string; limit: number }) => `${displayPath(p.path)} ${sizeWords(p.keyword, p.limit)}`,
  /** `first`, `second`: 0-based indices of the two equal entries. */
  HL215: (p: { path: Path; first: number; second: number }) =>
    `${displayPath(p.path)} holds the same entry twice (entries ${p.first + 1} and ${p.second + 1})`,
  HL216: (p: { path: Path; all: readonly string[]; present: readonly string[] } | { path: Path; reason: 'not' | 'several' }) =>
    'all' in p
      ? `${displayPath(p.path)} must have only one of ${orList(p.all.map((k) => `"${k}"`))}, not ${p.present.map((k) => `"${k}"`).join(' and ')} together`
      : p.reason === 'not'
        ? `${displayPath(p.path)} has a shape that is not allowed here`
        : `${displayPath(p.path)} matches more than one of the allowed shapes; it must match exactly one`,
  HL217: (p: { path: Path; property: string; missing: string }) => `"${p.property}" in ${displayPath(p.path)} requires "${p.missing}"`,
  /** `schema`: the schema validator's own words for a rule the cases above do not cover. */
  HL218: (p: { path: Path; schema: string }) => `${displayPath(p.path)} ${p.schema}`,
  HL201: (_p: Record<string, never>) => 'missing apiVersion',
  HL202: (p: { written: unknown; supported: readonly string[] }) =>
    `unknown apiVersion ${quote(p.written)}; supported: ${p.supported.join(', ')}`,
  HL203: (_p: Record<string, never>) => 'missing kind',
  HL204: (p: { written: unknown }) => `unknown kind ${quote(p.written)}`,
  /** `document`: 1-based. */
  HL212: (p: { document: number; file: string; value: unknown }) =>
    `document ${p.document} of ${p.file} is ${describeValue(p.value)}, not a mapping with apiVersion, kind, metadata and spec`,
  HL211: (p: { workspaceFile: string; foundIn: string } | { workspaceFile: string; documents: 'several' | 'none' }) =>
    'foundIn' in p
      ? `a Workspace document belongs in ${p.workspaceFile}, not in ${p.foundIn}`
      : p.documents === 'several'
        ? `${p.workspaceFile} holds more than one Workspace document`
        : `${p.workspaceFile} holds no Workspace document`,
  /** `schema`: why the JSON Schema could not be compiled (a bug in Herald's schemas). */
  HL219: (p: { schema: string; kind?: string }) =>
    p.kind === undefined ? `the envelope schema cannot be used: ${p.schema}` : `${p.kind} documents cannot be checked: ${p.schema}`,
  /** `what`: customer, item or event. */
  HL220: (p: { name: string; what: string }) => `"${p.name}" is a built-in field of every ${p.what}; it cannot be declared again`,
} satisfies MessageTable;
