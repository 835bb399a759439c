/** A journey's `entry`: the event, segment or schedule customers enter on, and its conditions. */
import type { AnalyzeContext } from '../context.ts';
import { BOOLEAN } from '../rules/types.ts';
import type { Definition } from '../../1-load/definition.ts';
import type { CompiledEntry, CompiledJourneyRule, Reentry } from '../../contract/journey.ts';
import { checkJourneyRule } from './rules.ts';
import { checkEventType, reportAt } from './report.ts';
import { parseTime } from './times.ts';
import { parseDuration } from '../../contract/core/durations.ts';

export interface RawEntry {
  event?: string;
  where?: string;
  dedupe_key?: string;
  segment?: string;
  schedule?: { starting: string; every: string; ending?: string };
  audience?: string;
  when?: string;
  once_per?: string;
  reentry?: Reentry;
}

/** The compiled entry; undefined when it has an error (reported). */
export function analyzeEntry(ctx: AnalyzeContext, def: Definition, entry: RawEntry): CompiledEntry | undefined {
  let ok = true;
  const rule = (key: string, place: string, options: { boolean: boolean; event?: string }): CompiledJourneyRule | undefined => {
    const checked = checkJourneyRule(ctx, def, ['spec', 'entry', key], {
      place,
      ...(options.boolean ? { expected: BOOLEAN } : {}),
      ...(options.event !== undefined ? { event: options.event } : {}),
    });
    if (checked.rule && !checked.compiled) ok = false;
    return checked.compiled;
  };
  const when = entry.when !== undefined ? rule('when', 'the entry `when`', { boolean: true }) : undefined;
  const common: { when?: CompiledJourneyRule; oncePerMs?: number; reentry: Reentry } = { reentry: entry.reentry ?? 'after_exit' };
  if (when) common.when = when;
  const oncePer = entry.once_per !== undefined ? parseDuration(entry.once_per) : undefined;
  if (oncePer !== undefined) common.oncePerMs = oncePer;

  let compiled: CompiledEntry | undefined;
  if (entry.event !== undefined) {
    if (!checkEventType(ctx, def, entry.event, ['spec', 'entry', 'event'])) return undefined;
    const c: Extract<CompiledEntry, { kind: 'event' }> = { kind: 'event', event: entry.event, ...common };
    const where = entry.where !== undefined ? rule('where', 'the entry `where`', { boolean: true, event: entry.event }) : undefined;
    if (where) c.where = where;
    const key = entry.dedupe_key !== undefined ? rule('dedupe_key', 'the `dedupe_key`', { boolean: false, event: entry.event }) : undefined;
    if (key) c.dedupeKey = key;
    compiled = c;
  } else if (entry.segment !== undefined) {
    compiled = { kind: 'segment', segment: entry.segment, ...common };
  } else if (entry.schedule !== undefined) {
    const s = entry.schedule;
    const starting = parseTime(s.starting);
    const ending = s.ending !== undefined ? parseTime(s.ending) : undefined;
    for (const [key, value, parsed] of [
      ['starting', s.starting, starting],
      ['ending', s.ending, ending],
    ] as const) {
      if (value !== undefined && parsed === undefined) {
        ok = false;
        reportAt(ctx, def, 'HL430', { form: 'not-real-date', value }, ['spec', 'entry', 'schedule', key]);
      }
    }
    if (starting) {
      const c: Extract<CompiledEntry, { kind: 'schedule' }> = {
        kind: 'schedule',
        starting,
        everyMs: parseDuration(s.every) ?? 0,
        ...common,
      };
      if (ending) c.ending = ending;
      if (entry.audience !== undefined) c.audience = entry.audience;
      compiled = c;
    }
  }
  return ok ? compiled : undefined;
}
