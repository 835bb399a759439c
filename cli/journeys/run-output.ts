/** How `herald run` (and the journeys step of `herald pipeline`) prints a run's summary. */
import type { CliIO } from '../command.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { RunSummary } from '../../runtime/journeys/index.ts';
import { formatDiagnostics } from '../../compiler/diagnostics/format/index.ts';
import { sortedEntries } from '../../compiler/contract/core/own.ts';

/** The JSON document's version: bump on a breaking change to its shape. */
export const RUN_JSON_VERSION = 1;

export function runDocument(summary: RunSummary, database: string, dryRun: boolean) {
  return {
    version: RUN_JSON_VERSION,
    from: new Date(summary.from).toISOString(),
    until: new Date(summary.until).toISOString(),
    database,
    dry_run: dryRun,
    slices: summary.slices,
    entered: summary.entered,
    exited: summary.exited,
    queued: summary.queued,
    holdouts: summary.holdouts,
    campaigns: summary.campaigns.map((c) => ({
      name: c.name,
      status: c.status,
      at: new Date(c.at).toISOString(),
      recipients: c.recipients,
    })),
    delivery: summary.delivery,
    problems: summary.problems,
  };
}

/**
 * A run's problem as a diagnostic line: `file: severity[code]: message`, the file being the
 * journey's or campaign's definition when the manifest still has it.
 */
export function problemLine(p: RunSummary['problems'][number], manifest?: Manifest): string {
  const key = p.journey !== undefined ? `Journey/${p.journey}` : p.campaign !== undefined ? `Campaign/${p.campaign}` : undefined;
  const file = key ? manifest?.definitions[key as keyof Manifest['definitions']]?.file : undefined;
  return formatDiagnostics('lines', [{ ...p, ...(file ? { file } : {}) }]).text.trimEnd();
}

export function printRunSummary(io: CliIO, s: RunSummary, database: string, outDir?: string, manifest?: Manifest): void {
  const w = (line: string) => io.stdout.write(`${line}\n`);
  w(`ran journeys and campaigns from ${iso(s.from)} to ${iso(s.until)} in ${database}`);
  const entered = Object.entries(s.entered);
  if (entered.length > 0) w(`entered: ${entered.map(([j, n]) => `${j} ${n}`).join(', ')}`);
  for (const c of s.campaigns)
    w(
      `campaign ${c.name}: ${c.status === 'launched' ? `launched at ${iso(c.at)} to ${c.recipients} recipients` : `missed (due ${iso(c.at)}, before the clock reached it)`}`,
    );
  const rows: string[][] = [];
  for (const [origin, templates] of sortedEntries(s.queued)) {
    for (const [template, n] of sortedEntries(templates)) rows.push([origin.replace(':', ' '), template, String(n)]);
  }
  if (rows.length > 0) {
    w('queued:');
    for (const line of table([['from', 'template', 'sends'], ...rows])) w(`  ${line}`);
  }
  const held = Object.entries(s.holdouts);
  if (held.length > 0) w(`held out (recorded, nothing sent): ${held.map(([o, n]) => `${o.replace(':', ' ')} ${n}`).join(', ')}`);
  const exited = Object.entries(s.exited);
  if (exited.length > 0)
    w(
      `left: ${exited
        .map(
          ([j, reasons]) =>
            `${j} (${Object.entries(reasons)
              .map(([r, n]) => `${r} ${n}`)
              .join(', ')})`,
        )
        .join('; ')}`,
    );
  const d = s.delivery;
  const suppressed = Object.entries(d.suppressed);
  const total = suppressed.reduce((a, [, n]) => a + n, 0);
  w(
    `delivery: ${d.sent} sent, ${total} suppressed${total ? ` (${suppressed.map(([r, n]) => `${r} ${n}`).join(', ')})` : ''}, ${d.delayed} delayed, ${d.retrying} to retry, ${d.failed} failed`,
  );
  if (outDir && d.sent > 0) w(`emails written to ${outDir}`);
  for (const p of s.problems) io.stderr.write(`${problemLine(p, manifest)}\n`);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** Rows padded into columns (numbers right-aligned). */
export function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) =>
    r
      .map((c, i) => (/^\d+$/.test(c) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}
