import { sql, type Transaction } from 'kysely';
import type { Manifest } from '../../../compiler/contract/manifest.ts';
import type { Database } from '../../../runtime/db/database.ts';
import { localDate } from '../../../runtime/delivery/local-time.ts';
import { OUTBOX } from '../../../runtime/delivery/outbox.ts';
import { simulateOn, type Forecast as Simulated } from '../../../runtime/journeys/simulate.ts';
import type { DefinitionChange, Forecast, PlanNote } from '../document.ts';
import { firstLine } from '../errors.ts';
import { inSavepoint } from './session.ts';
import { manifestFor } from '../upstream.ts';
import { workspaceSettings } from '../../../runtime/workspace-settings.ts';
import { messageOf } from '../../../compiler/diagnostics/catalogue/index.ts';

const DAY = 86_400_000;
const BEFORE = 'herald_plan_outbox_before';

export interface ForecastResult {
  forecast: Forecast | null;
  notes: PlanNote[];
}

/**
 * The send volume of the journeys and campaigns in the change (affected ones included) over the
 * `days` after `asOf`: the head's definitions run on a simulated clock through the real entries,
 * steps, outbox and delivery gates (consent, suppressions, frequency caps, quiet hours), inside
 * the plan's rolled-back session, so nothing is sent and nothing stays. Each journey's and
 * campaign's first day of sending is read from the outbox rows the simulation added.
 */
export async function forecastSends(session: Database, head: Manifest, changes: readonly DefinitionChange[], asOf: number, days: number): Promise<ForecastResult> {
  const only = { journeys: namesOf(changes, head, 'Journey'), campaigns: namesOf(changes, head, 'Campaign') };
  if (days <= 0 || (only.journeys.length === 0 && only.campaigns.length === 0)) return { forecast: null, notes: [] };
  const trx = session.kysely as Transaction<any>;
  const from = asOf;
  const until = asOf + days * DAY;
  const zone = timeZoneOf(head);
  try {
    return await inSavepoint(trx, async () => {
      await sql`create temp table ${sql.table(BEFORE)} as select idempotency_key from ${sql.table(OUTBOX)}`.execute(trx);
      // Only what the simulated journeys and campaigns use: the run then rebuilds just their traits.
      const used = manifestFor(head, [...only.journeys.map((n) => `Journey/${n}`), ...only.campaigns.map((n) => `Campaign/${n}`)]);
      const simulated = await simulateOn(session, used, { from, until, only, timeZone: zone });
      const firstDay = await firstDaySends(trx, zone);
      return { forecast: toForecast(simulated, firstDay, zone), notes: problemNotes(simulated) };
    });
  } catch (e) {
    return { forecast: null, notes: [{ code: 'HL558', severity: 'warning', message: messageOf('HL558', { simulationFailed: firstLine(e) }) }] };
  }
}

/** What the simulated run reported (a campaign due before the window, a template that failed): the first few, and how many more. */
function problemNotes(s: Simulated): PlanNote[] {
  const shown = 3;
  const notes = s.run.problems.slice(0, shown).map((p): PlanNote => ({ code: 'HL558', severity: p.severity === 'error' ? 'warning' : p.severity, message: messageOf('HL558', { runSays: p.message }) }));
  const more = s.run.problems.length - shown;
  if (more > 0) notes.push({ code: 'HL558', severity: 'info', message: messageOf('HL558', { moreProblems: more }) });
  return notes;
}

function namesOf(changes: readonly DefinitionChange[], head: Manifest, kind: 'Journey' | 'Campaign'): string[] {
  return changes.filter((c) => c.kind === kind && c.change !== 'removed' && c.change !== 'moved' && head.definitions[`${kind}/${c.name}`]).map((c) => c.name);
}

/**
 * Per `kind:name` origin, the sends the simulation added on the first local day it sent anything:
 * a journey's first day live, a campaign's launch day.
 */
async function firstDaySends(trx: Transaction<any>, zone: string): Promise<Map<string, number>> {
  const { rows } = await sql<{ origin_kind: string; origin_name: string; sent_at: number | string | null; due_at: number | string }>`
    select o.origin_kind, o.origin_name, o.sent_at, o.due_at from ${sql.table(OUTBOX)} o
    where o.status = 'sent' and not exists (select 1 from ${sql.table(BEFORE)} b where b.idempotency_key = o.idempotency_key)`.execute(trx);
  const byDay = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const key = `${r.origin_kind}:${r.origin_name}`;
    const day = localDate(Number(r.sent_at ?? r.due_at), zone);
    const days = byDay.get(key) ?? new Map<string, number>();
    days.set(day, (days.get(day) ?? 0) + 1);
    byDay.set(key, days);
  }
  return new Map([...byDay].map(([origin, days]) => [origin, days.get([...days.keys()].sort()[0]!)!]));
}

function toForecast(s: Simulated, firstDay: ReadonlyMap<string, number>, zone: string): Forecast {
  const dates: string[] = [];
  for (let t = s.from; t < s.until; t += DAY) {
    const d = localDate(t, zone);
    if (!dates.includes(d)) dates.push(d);
  }
  for (const d of Object.keys(s.byDay).sort()) if (!dates.includes(d)) dates.push(d);
  dates.sort();
  const origins = [...new Set([...Object.keys(s.byOrigin), ...firstDay.keys()])].sort();
  return {
    from: new Date(s.from).toISOString(),
    until: new Date(s.until).toISOString(),
    total: s.sent,
    days: dates.map((date) => ({ date, sends: s.byDay[date] ?? 0 })),
    by_origin: origins.map((origin) => {
      const [kind, ...name] = origin.split(':');
      return { kind: kind === 'campaign' ? ('campaign' as const) : ('journey' as const), name: name.join(':'), sends: s.byOrigin[origin] ?? 0, first_day: firstDay.get(origin) ?? 0 };
    }),
    by_template: Object.entries(s.byTemplate)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([template, sends]) => ({ template, sends })),
    suppressed: Object.fromEntries(Object.entries(s.suppressed).sort(([a], [b]) => (a < b ? -1 : 1))),
  };
}

function timeZoneOf(manifest: Manifest): string {
  return workspaceSettings(manifest).timezone;
}
