import type { Command, CliIO } from '../command.ts';
import { EXIT_OK, UsageError } from '../command.ts';
import { oneOf } from '../args.ts';
import { DB_OPTION, parseOptions, usageText, type OptionTable } from '../options.ts';
import { openWorkspace, parseAsOf, runRuntimeCommand } from '../workspace-runtime.ts';
import { materialize, type MaterializeResult } from '../../runtime/segments/materialize.ts';
import { requireModelsForRules } from '../../runtime/models/require-trained.ts';
import type { Database } from '../../runtime/db/database.ts';

const FORMATS = ['pretty', 'json'] as const;
const OPTIONS = {
  db: DB_OPTION,
  'as-of': { arg: 'TIME', description: 'evaluate as of this instant: 2011-12-09, 2011-12-09T12:00Z or now', default: 'now' },
  format: { values: ['pretty', 'json'], description: 'how the counts are printed', default: 'pretty' },
} as const satisfies OptionTable;

const USAGE = usageText({
  name: 'segments',
  args: '[dir]',
  options: OPTIONS,
  about: `Rebuilds the traits and materializes every segment as of a time, and prints members, entered
and exited since the previous run.`,
});

/** The JSON document's version: bump on a breaking change to its shape. */
export const SEGMENTS_JSON_VERSION = 1;

/**
 * `herald segments`: compiles the workspace, brings the database schema up to date, rebuilds the
 * traits and materializes every segment as of a time, and prints members, entered and exited
 * since the previous run.
 */
export const segmentsCommand: Command = {
  name: 'segments',
  summary: 'materialize segments as of a time and print counts',
  usage: USAGE,
  options: OPTIONS,
  async run(argv, io) {
    const { values, positionals } = parseOptions(argv, OPTIONS);
    if (positionals.length > 1) throw new UsageError(`expected at most one workspace dir, got ${positionals.length}`);
    const format = oneOf('format', values.format, FORMATS, 'pretty');
    const asOf = parseAsOf(values['as-of']);
    return runRuntimeCommand('segments', io, async () => {
      const opened = await openWorkspace({ dir: positionals[0] ?? '.', db: values.db, io });
      if (typeof opened === 'number') return opened;
      try {
        await requireModelsForRules(opened.db.kysely, opened.manifest);
        const result = await materialize(opened.db, opened.manifest, asOf);
        if (format === 'json') io.stdout.write(`${JSON.stringify(segmentsDocument(result, opened.db.description), null, 2)}\n`);
        else printTable(io, result, opened.db.description);
        // Empty segments everywhere usually mean nothing was loaded yet: say what to do.
        if (result.segments.every((s) => s.members === 0) && (await customerCount(opened.db)) === 0) {
          io.stderr.write(`note: the database has no customers yet; load them with \`herald ingest\` first\n`);
        }
        return EXIT_OK;
      } finally {
        await opened.db.close();
      }
    });
  },
};

async function customerCount(db: Database): Promise<number> {
  const row = await db.kysely
    .selectFrom('customers')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** The versioned JSON document of `herald segments --format json`. */
export function segmentsDocument(result: MaterializeResult, database: string) {
  return {
    version: SEGMENTS_JSON_VERSION,
    as_of: new Date(result.asOf).toISOString(),
    database,
    traits: result.traits.map((t) => ({ trait: t.trait, rows: t.rows })),
    segments: result.segments.map((s) => ({
      segment: s.segment,
      members: s.members,
      entered: s.entered,
      exited: s.exited,
      previous_as_of: s.previousAsOf === undefined ? null : new Date(s.previousAsOf).toISOString(),
    })),
  };
}

function printTable(io: CliIO, result: MaterializeResult, database: string): void {
  io.stdout.write(`segments as of ${new Date(result.asOf).toISOString()} in ${database}\n`);
  if (result.segments.length === 0) {
    io.stdout.write('no segments in this workspace\n');
    return;
  }
  for (const l of segmentTableLines(result)) io.stdout.write(`${l}\n`);
  if (result.traits.length > 0) {
    io.stdout.write(`traits rebuilt: ${result.traits.map((t) => `${t.trait} (${t.rows})`).join(', ')}\n`);
  }
}

/** The table of members, entered and exited per segment (a header line, then one line each). */
export function segmentTableLines(result: MaterializeResult): string[] {
  const header = ['segment', 'members', 'entered', 'exited', 'since'];
  const rows = result.segments.map((s) => [
    s.segment,
    String(s.members),
    s.entered > 0 ? `+${s.entered}` : '0',
    s.exited > 0 ? `-${s.exited}` : '0',
    s.previousAsOf === undefined ? 'first run' : new Date(s.previousAsOf).toISOString(),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}
