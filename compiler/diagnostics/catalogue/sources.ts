import type { CodeEntry, MessageTable } from './types.ts';

/** Codes HL38x: Source definitions (what ingestion loads and how). */
export const sourcesCodes: CodeEntry[] = [
  {
    code: 'HL380',
    title: 'unknown customer field in a Source',
    severity: 'error',
    explanation:
      "A key of a Source's `customers` mapping is not a customer field of the data model " +
      '(herald.yaml, `spec.customers.fields`). Every mapped value is stored in the column of that ' +
      'field, so a misspelt or undeclared field would lose the data. The diagnostic suggests the ' +
      'closest declared field. Fix the spelling, or declare the field in herald.yaml first.',
  },
  {
    code: 'HL381',
    title: 'unknown event type in a Source',
    severity: 'error',
    explanation:
      'The `events.type` expression of a Source can give an event type (a string literal in the ' +
      'expression) that the data model does not declare under `spec.events`. A row of that type ' +
      'could only be rejected. The diagnostic points at the literal and suggests the closest ' +
      'declared type. Declare the event type in herald.yaml, or correct the literal.',
  },
  {
    code: 'HL382',
    title: 'unknown event property in a Source',
    severity: 'error',
    explanation:
      "A key of a Source's `events.properties` is not a property of any event type the data " +
      'model declares. Properties are stored in one column each (shared by the event types that ' +
      'declare them); an undeclared one has nowhere to go. The diagnostic suggests the closest ' +
      'declared property.',
  },
  {
    code: 'HL383',
    title: 'unknown item field in a Source',
    severity: 'error',
    explanation:
      "A key of a Source's `items` mapping is not an item field of the data model " +
      '(`spec.items.fields` in herald.yaml). The diagnostic suggests the closest declared field.',
  },
  {
    code: 'HL384',
    title: 'bad time settings in a Source',
    severity: 'error',
    explanation:
      "The Source's `timezone` is not an IANA time zone name this runtime knows (such as " +
      'Europe/London or America/New_York), or its `timestamp_format` has no year, month or day ' +
      'token. Timestamps without an offset are read in that zone, so a wrong zone would shift ' +
      'every event. Tokens are YYYY, M, MM, D, DD, H, HH, mm and ss; anything else is literal.',
  },
  {
    code: 'HL385',
    title: 'standardize names an unmapped target',
    severity: 'error',
    explanation:
      "A Source's `standardize` block names a field that the Source does not map (under " +
      '`customers`, `events.properties` or `items`). A standardizer only applies to a mapped value; ' +
      'map the field, or remove the standardizer.',
  },
  {
    code: 'HL386',
    title: 'CSV columns are not named',
    severity: 'error',
    explanation:
      'A CSV Source says `csv.header: false` but gives no `csv.columns`, so mappings could not ' +
      'name any column. List the column names in file order under `csv.columns`, or set ' +
      '`header: true` if the first line names them.',
  },
  {
    code: 'HL387',
    title: 'a Source rule reads more than its row',
    severity: 'error',
    explanation:
      'Source mappings and `reject_when` rules are evaluated over one raw row while it is loaded, ' +
      'before any customer or event exists in the database. Event aggregates (`count(...)`, ' +
      '`last(...)`), `days_since`, `score`, `tier` and `in_segment` need a customer and a time, ' +
      'so they cannot appear there. Compute such values in a Trait or a Segment instead.',
  },
  {
    code: 'HL388',
    title: 'Source files outside the workspace',
    severity: 'error',
    explanation:
      "A Source's `files` pattern is absolute or climbs out of the workspace with `..`. Patterns " +
      'are relative to the workspace root, so the workspace (definitions and data) stays one ' +
      'self-contained folder that builds the same anywhere. Copy or link the data into the workspace.',
  },
  {
    code: 'HL389',
    title: 'customer id mapped two ways',
    severity: 'warning',
    explanation:
      "A Source maps both `customers` and `events`, but its customer id and its events' " +
      "`customer_id` are different expressions. Each row is one customer's event, so both must " +
      'name the same customer: use the same expression for both (rows where they differ would ' +
      'be rejected as `conflicting_customer_id`).',
  },
];

/** Messages of the sources codes raised while analyzing definitions (compiler/3-analyze). */
export const sourcesAnalyzeMessages = {
  HL380: (p: { field: string }) => `"${p.field}" is not a customer field of the data model`,
  HL381: (p: { value: string }) => `"${p.value}" is not an event type of the data model`,
  HL383: (p: { field: string }) => `"${p.field}" is not an item field of the data model`,
  HL382: (p: { prop: string }) => `"${p.prop}" is not a property of any event type`,
  HL384: (p: { form: 'not-known-time'; timezone: string } | { form: 'timestamp-format-needs'; layout: string }) => {
    switch (p.form) {
      case 'not-known-time':
        return `"${p.timezone}" is not a known time zone`;
      case 'timestamp-format-needs':
        return `timestamp_format "${p.layout}" needs a year, a month and a day (YYYY, M or MM, D or DD)`;
    }
  },
  HL385: (p: { target: string; field: string; value: string }) =>
    `standardize.${p.target}.${p.field}: the Source does not map ${p.value} "${p.field}"`,
  HL386: () => 'csv.header is false but csv.columns is not given',
  HL387: (p: { name: string }) => `${p.name} cannot be used in a Source: a mapping only reads its row`,
  HL388: (p: { pattern: string }) => `files pattern "${p.pattern}" points outside the workspace`,
  HL389: () => 'customers.id and events.customer_id are different expressions',
} satisfies MessageTable;
