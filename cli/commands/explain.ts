import { MASKED } from '../../compiler/contract/personal-data.ts';
import type { Command, CliIO } from '../command.ts';
import { EXIT_OK, UsageError } from '../command.ts';
import { oneOf } from '../args.ts';
import { DB_OPTION, parseOptions, usageText, type OptionTable } from '../options.ts';
import { openWorkspace, parseAsOf, runRuntimeCommand } from '../workspace-runtime.ts';
import { printRule } from '../../compiler/dsl/print.ts';
import { explainCustomer, type CustomerExplanation, type ExplainedClause, type ShownValue } from '../../runtime/segments/explain.ts';
import { lastMaterializedAt } from '../../runtime/segments/customer-context.ts';

const FORMATS = ['pretty', 'json'] as const;
const OPTIONS = {
  db: DB_OPTION,
  'as-of': { arg: 'TIME', description: 'evaluate as of this instant', default: 'the last `herald segments` run, else now' },
  segment: { arg: 'NAME', description: 'only this segment (repeatable)', multiple: true },
  'show-pii': { description: 'show personal data (fields marked pii) instead of masking it' },
  format: { values: ['pretty', 'json'], description: 'how the explanation is printed', default: 'pretty' },
} as const satisfies OptionTable;

const USAGE = usageText({
  name: 'explain',
  args: '<customer> [dir]',
  options: OPTIONS,
  about: `Why a customer is in or out of each segment, clause by clause with the values the rule saw.
Personal data (fields marked pii) is masked unless --show-pii.`,
});

/** The JSON document's version: bump on a breaking change to its shape. */
export const EXPLAIN_JSON_VERSION = 1;

/**
 * `herald explain <customer>`: why a customer is in or out of each segment, clause by clause with
 * the values the rule saw. Personal data (fields marked pii) is masked unless --show-pii.
 */
export const explainCommand: Command = {
  name: 'explain',
  summary: 'why a customer is in or out of each segment',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, OPTIONS);
    const [customerId, dir, ...extra] = positionals;
    if (customerId === undefined || customerId === '') throw new UsageError('which customer? usage: ' + USAGE.split('\n')[0]);
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
    const format = oneOf('format', values.format, FORMATS, 'pretty');
    const flagAsOf = values['as-of'] === undefined ? undefined : parseAsOf(values['as-of']);
    return runRuntimeCommand('explain', io, async () => {
      const opened = await openWorkspace({ dir: dir ?? '.', db: values.db, io });
      if (typeof opened === 'number') return opened;
      try {
        const names = values.segment;
        if (names) {
          const known = new Set(
            Object.values(opened.manifest.definitions)
              .filter((d) => d.kind === 'Segment')
              .map((d) => d.name),
          );
          const unknown = names.filter((n) => !known.has(n));
          if (unknown.length > 0) throw new UsageError(`--segment: no segment named ${unknown.map((n) => `"${n}"`).join(', ')}`);
        }
        const asOf = flagAsOf ?? (await lastMaterializedAt(opened.db.kysely)) ?? Date.now();
        const showPii = values['show-pii'] === true;
        const explanation = await explainCustomer(opened.db, opened.manifest, customerId, {
          asOf,
          showPii,
          ...(names ? { segments: names } : {}),
        });
        if (format === 'json') io.stdout.write(`${JSON.stringify(explainDocument(explanation, showPii), null, 2)}\n`);
        else printExplanation(io, explanation, showPii);
        return EXIT_OK;
      } finally {
        await opened.db.close();
      }
    });
  },
};

/** The versioned JSON document of `herald explain --format json`. */
export function explainDocument(e: CustomerExplanation, showPii: boolean) {
  return {
    version: EXPLAIN_JSON_VERSION,
    customer: e.customerId,
    as_of: iso(e.asOf),
    pii_masked: !showPii,
    segments: e.segments.map((s) => ({
      segment: s.segment,
      member: s.member,
      stored_member: s.stored !== undefined,
      entered_at: s.stored ? iso(s.stored.enteredAt) : null,
      rule: clauseDocument(s.rule),
    })),
  };
}

interface ClauseDocument {
  text: string;
  holds: boolean;
  connective?: string;
  clauses?: ClauseDocument[];
  values?: Array<{ text: string; value: unknown; masked: boolean }>;
}

function clauseDocument(c: ExplainedClause): ClauseDocument {
  const doc: ClauseDocument = { text: printRule(c.expr), holds: c.holds };
  if (c.connective) doc.connective = c.connective;
  if (c.children) doc.clauses = c.children.map(clauseDocument);
  if (c.operands) {
    doc.values = c.operands.map((o) => ({
      text: printRule(o.expr),
      value: o.shown.masked ? MASKED : jsonValue(o.shown),
      masked: o.shown.masked === true,
    }));
  }
  return doc;
}

function jsonValue(shown: Exclude<ShownValue, { masked: true }>): unknown {
  return shown.timestamp && typeof shown.value === 'number' ? iso(shown.value) : shown.value;
}

function printExplanation(io: CliIO, e: CustomerExplanation, showPii: boolean): void {
  io.stdout.write(`customer ${e.customerId} as of ${iso(e.asOf)}${showPii ? '' : ' (personal data masked; --show-pii to show it)'}\n`);
  if (e.segments.length === 0) io.stdout.write('\nno segments in this workspace\n');
  for (const s of e.segments) {
    const stored = s.stored ? `member since ${iso(s.stored.enteredAt)}` : 'not a stored member';
    io.stdout.write(`\n${s.segment}: ${s.member ? 'IN' : 'OUT'} (${stored})\n`);
    if (s.member !== (s.stored !== undefined)) {
      io.stdout.write(
        `  note: the stored membership differs: the data changed since the last \`herald segments\` run at this time, or none ran\n`,
      );
    }
    printClause(io, s.rule, 1);
  }
}

function printClause(io: CliIO, c: ExplainedClause, depth: number): void {
  const pad = '  '.repeat(depth);
  const mark = c.holds ? '✓' : '✗';
  if (c.children && c.connective) {
    const label = c.connective === 'and' ? 'all of' : c.connective === 'or' ? 'any of' : 'not';
    io.stdout.write(`${pad}${mark} ${label}:\n`);
    for (const child of c.children) printClause(io, child, depth + 1);
    return;
  }
  const text = printRule(c.expr);
  const values = operandValues(c);
  io.stdout.write(`${pad}${mark} ${text}${values.length > 0 ? `    [${values.join('; ')}]` : ''}\n`);
}

/**
 * What a clause's operands were for the customer (`lifecycle is "lapsed"`), for the terminal and
 * the dev preview alike. "is", not "=": the clause itself is usually a comparison, and
 * `lifecycle = "lapsed"` beside `[lifecycle = "active"]` would read as two rules.
 */
export function operandValues(c: ExplainedClause): string[] {
  return (c.operands ?? []).map((o) => `${printRule(o.expr)} is ${shownText(o.shown)}`);
}

/** A value an explanation shows, as text (`***` when masked, `missing` for no value). */
export function shownText(shown: ShownValue): string {
  if (shown.masked) return MASKED;
  const v = shown.value;
  if (v === null || v === undefined) return 'missing';
  if (shown.timestamp && typeof v === 'number') return iso(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' && !Number.isInteger(v)) return String(Math.round(v * 1000) / 1000);
  return String(v);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
