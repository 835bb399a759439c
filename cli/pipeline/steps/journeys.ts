import { EXIT_ERRORS, EXIT_OK } from '../../command.ts';
import { problemLine, table } from '../../journeys/run-output.ts';
import { simulate, type Forecast } from '../../../runtime/journeys/index.ts';
import type { PipelineStep } from '../step.ts';
import { count, plural } from '../text.ts';
import { sortedEntries } from '../../../compiler/contract/core/own.ts';

/** How far back from the job's instant the simulated run starts. */
export const SIMULATED_DAYS = 30;
/** The simulated clock's slice: sends are timed to the quarter hour, quiet stretches are skipped. */
const RESOLUTION_MS = 15 * 60_000;
const DAY = 86_400_000;

/**
 * Runs the workspace's journeys and campaigns over the last month of the data on a simulated clock,
 * as a dry run that leaves no trace (runtime/journeys/simulate.ts: the real entries, steps,
 * outbox, gates and rendering on a scratch copy), and prints what would have been sent (by
 * journey or campaign, template and day) and what was suppressed and why.
 */
export const journeysStep: PipelineStep = {
  name: 'journeys',
  summary: `simulate the last ${SIMULATED_DAYS} days of journeys and campaigns (dry run)`,
  evaluatesAsOf: true,
  skipReason: (ctx) =>
    Object.values(ctx.manifest.definitions).some((d) => d.kind === 'Journey' || d.kind === 'Campaign')
      ? undefined
      : 'the workspace has no journeys or campaigns',
  async run(ctx) {
    const until = await ctx.asOf();
    const from = until - SIMULATED_DAYS * DAY;
    ctx.out.progress('simulating journeys and campaigns…');
    const forecast = await simulate(ctx.db, ctx.manifest, { from, until, resolutionMs: RESOLUTION_MS });
    for (const line of forecastLines(forecast)) ctx.out.line(line);
    const errors = forecast.run.problems.filter((p) => p.severity === 'error');
    for (const p of forecast.run.problems) ctx.out.problem(problemLine(p, ctx.manifest));
    return { exitCode: errors.length > 0 ? EXIT_ERRORS : EXIT_OK, note: `${plural(forecast.sent, 'email')} in ${SIMULATED_DAYS} days` };
  },
};

/** The forecast as result lines: who entered, campaigns, sends by origin and template, by day, suppressions. */
export function forecastLines(f: Forecast): string[] {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const lines = [`simulated ${day(f.from)} to ${day(f.until)} (dry run: nothing sent, the database unchanged)`];
  const entered = Object.entries(f.run.entered);
  if (entered.length > 0) lines.push(`entered: ${entered.map(([j, n]) => `${j} ${count(n)}`).join(', ')}`);
  for (const c of f.run.campaigns)
    lines.push(
      `campaign ${c.name}: ${c.status === 'launched' ? `${plural(c.recipients, 'recipient')} from ${new Date(c.at).toISOString()}` : 'missed'}`,
    );
  lines.push(`would send ${plural(f.sent, 'email')}:`);
  const rows = sortedEntries(f.byOriginTemplate).flatMap(([origin, templates]) =>
    sortedEntries(templates).map(([t, n]) => [origin.replace(':', ' '), t, String(n)]),
  );
  if (rows.length > 0) lines.push(...table([['from', 'template', 'emails'], ...rows]).map((l) => `  ${l}`));
  const days = sortedEntries(f.byDay);
  if (days.length > 0) {
    const most = Math.max(...days.map(([, n]) => n));
    lines.push('by day:');
    for (const [d, n] of days)
      lines.push(`  ${d}  ${String(n).padStart(String(most).length)}  ${'#'.repeat(Math.max(1, Math.round((n / most) * 40)))}`);
  }
  const suppressed = Object.entries(f.suppressed).sort((a, b) => b[1] - a[1]);
  if (suppressed.length > 0) {
    lines.push(`suppressed: ${suppressed.map(([r, n]) => `${r} ${count(n)}`).join(', ')}`);
    for (const [origin, reasons] of sortedEntries(f.suppressedByOrigin))
      lines.push(
        `  ${origin.replace(':', ' ')}: ${Object.entries(reasons)
          .map(([r, n]) => `${r} ${count(n)}`)
          .join(', ')}`,
      );
  }
  // Quiet hours and rate limits hold a send back rather than drop it: it goes out later (and is counted above).
  if (f.run.delivery.delayed > 0) lines.push(`held back to a later time (quiet hours, rate limits): ${count(f.run.delivery.delayed)}`);
  return lines;
}
