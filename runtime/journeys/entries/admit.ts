/**
 * Who may enter: a journey's re-entry policy (`after_exit`, `never`, `always`), `once_per` and
 * the entry `when` rule, decided in time order over a batch of candidates, against the entries
 * already stored. Admitted candidates become new entries at the journey's start step.
 */
import type { Manifest } from '../../../compiler/contract/manifest.ts';
import type { Executor } from '../../db/database.ts';
import { loadCustomers } from '../customers.ts';
import { earliestRead, ruleNeeds } from '../needs.ts';
import type { JourneyRules } from '../rules.ts';
import type { Entry, EntryContext, HistoryRow } from '../types.ts';
import type { RuntimeJourney } from '../versions.ts';
import { entryId } from './store.ts';

export interface Candidate {
  customerId: string;
  /** What distinguishes this entry from the customer's others (the dedupe key, a membership or occurrence time). */
  key: string;
  at: number;
  context: EntryContext;
}

export interface Admitted {
  entries: Entry[];
  history: HistoryRow[];
}

interface Past {
  ids: Set<string>;
  active: number;
  last?: number;
  ever: boolean;
}

export async function admit(
  db: Executor,
  manifest: Manifest,
  journey: RuntimeJourney,
  rules: JourneyRules,
  candidates: readonly Candidate[],
  horizon: number,
  idKey: Uint8Array,
): Promise<Admitted> {
  const out: Admitted = { entries: [], history: [] };
  if (candidates.length === 0) return out;
  const entry = journey.compiled.entry;
  const sorted = [...candidates].sort(
    (a, b) => a.at - b.at || (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : a.key < b.key ? -1 : 1),
  );
  const customers = [...new Set(sorted.map((c) => c.customerId))];
  const past = await pastEntries(db, journey.name, customers);
  const needs = entry.when ? ruleNeeds(entry.when) : undefined;
  const data = needs ? await loadCustomers(db, manifest, customers, needs, horizon, earliestRead(needs, sorted[0]!.at)) : undefined;
  for (const c of sorted) {
    const id = entryId(journey.name, c.customerId, c.key, c.at, idKey);
    const p = past.get(c.customerId) ?? { ids: new Set<string>(), active: 0, ever: false };
    if (p.ids.has(id)) continue;
    if (entry.reentry === 'never' && p.ever) continue;
    if (entry.reentry === 'after_exit' && p.active > 0) continue;
    if (entry.oncePerMs !== undefined && p.last !== undefined && c.at - p.last < entry.oncePerMs) continue;
    if (entry.when) {
      const customer = data!.get(c.customerId);
      if (!customer || !rules.holds(entry.when, customer, c.at)) continue;
    }
    p.ids.add(id);
    p.active++;
    p.ever = true;
    p.last = c.at;
    past.set(c.customerId, p);
    out.entries.push({
      id,
      journey: journey.name,
      version: journey.version,
      customerId: c.customerId,
      entryKey: c.key,
      enteredAt: c.at,
      status: 'active',
      step: journey.compiled.start,
      phase: 'ready',
      stepAt: c.at,
      dueAt: c.at,
      data: { visits: {}, variants: {}, entry: c.context },
      seq: 1,
    });
    out.history.push({ entryId: id, seq: 0, at: c.at, step: null, action: 'enter', detail: `${journey.name}@${journey.version}` });
  }
  return out;
}

async function pastEntries(db: Executor, journey: string, customers: readonly string[]): Promise<Map<string, Past>> {
  const out = new Map<string, Past>();
  for (let i = 0; i < customers.length; i += 500) {
    const rows = await db
      .selectFrom('journey_entries')
      .select(['id', 'customer_id', 'status', 'entered_at'])
      .where('journey', '=', journey)
      .where('customer_id', 'in', customers.slice(i, i + 500))
      .execute();
    for (const r of rows) {
      const p = out.get(String(r.customer_id)) ?? { ids: new Set<string>(), active: 0, ever: false };
      p.ids.add(String(r.id));
      p.ever = true;
      if (r.status === 'active') p.active++;
      const at = Number(r.entered_at);
      if (p.last === undefined || at > p.last) p.last = at;
      out.set(String(r.customer_id), p);
    }
  }
  return out;
}
