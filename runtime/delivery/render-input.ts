import type { Executor } from '../db/database.ts';
import type { Database } from '../db/database.ts';
import type { Manifest } from '../../compiler/types/manifest.ts';
import type { CompiledTemplate } from '../../compiler/templates/contract.ts';
import { decode } from '../segments/customer-context.ts';
import { traitTableName } from '../db/sync.ts';
import { traitsOf } from '../manifest.ts';
import { itemsById } from '../render/from-database.ts';
import type { RenderInput } from '../render/context.ts';
import type { ClaimedSend } from './claim.ts';
import type { DeliverySettings } from './settings.ts';

/**
 * Render inputs for a batch of sends, from the database as it is when they go out: the customer
 * row the claim already read, and only what the templates read (`compiled.variables`): trait
 * values (as last materialized), open segment memberships, model scores and tiers, and
 * recommendations (the template's model, else the most purchased items the customer has not
 * bought). One query per kind of data per batch, never one per recipient.
 */
export class RenderInputLoader {
  /** The popularity ranking, computed once per worker run (it changes slowly, and costs a scan). */
  private popular?: Promise<string[]>;

  constructor(
    private readonly db: Database,
    private readonly manifest: Manifest,
    private readonly settings: DeliverySettings,
    private readonly now: number,
  ) {}

  async inputsFor(sends: readonly ClaimedSend[], templates: ReadonlyMap<string, CompiledTemplate>): Promise<Map<string, RenderInput>> {
    const out = new Map<string, RenderInput>();
    const needs = new Set<string>();
    for (const s of sends) for (const need of needsOf(templates.get(s.template))) needs.add(need);
    const ids = [...new Set(sends.map((s) => s.customerId))];
    const k = this.db.kysely;
    const traits = needs.has('traits') ? await this.traits(k, ids) : new Map<string, Record<string, unknown>>();
    const segments = needs.has('segments') ? await this.segments(k, ids) : new Map<string, string[]>();
    const scores = needs.has('scores') ? await this.scores(k, ids) : new Map<string, { scores: Record<string, number>; tiers: Record<string, string> }>();
    const recommendations = needs.has('recommendations') ? await this.recommendations(sends, templates) : new Map<string, Array<Record<string, unknown>>>();
    for (const s of sends) {
      const input: RenderInput = {
        customer: s.customer,
        traits: traits.get(s.customerId) ?? {},
        segments: segments.get(s.customerId) ?? [],
        scores: scores.get(s.customerId)?.scores ?? {},
        tiers: scores.get(s.customerId)?.tiers ?? {},
        recommendations: recommendations.get(s.key) ?? [],
        journey: (s.journey as RenderInput['journey']) ?? { name: s.origin.name, step: s.origin.step ?? '' },
        unsubscribe_url: `${this.settings.unsubscribeUrl}/${s.key}`,
        preferences_url: `${this.settings.preferencesUrl}/${s.key}`,
        message_id: s.messageId,
      };
      out.set(s.key, input);
    }
    return out;
  }

  private async traits(k: Executor, ids: string[]): Promise<Map<string, Record<string, unknown>>> {
    const out = new Map<string, Record<string, unknown>>();
    for (const trait of traitsOf(this.manifest)) {
      const rows = await k.selectFrom(traitTableName(trait.name)).selectAll().where('customer_id', 'in', ids).execute();
      for (const row of rows) {
        const values = Object.fromEntries(trait.compiled.outputs.map((o) => [o.name, decode(row[o.name], o.type)]));
        const id = String(row.customer_id);
        // As runtime/segments/customer-context.ts reads them: one record of outputs per trait.
        out.set(id, { ...(out.get(id) ?? {}), [trait.name]: values });
      }
    }
    return out;
  }

  private async segments(k: Executor, ids: string[]): Promise<Map<string, string[]>> {
    const rows = await k
      .selectFrom('segment_memberships')
      .select(['customer_id', 'segment'])
      .where('customer_id', 'in', ids)
      .where('entered_at', '<=', this.now)
      .where((eb) => eb.or([eb('exited_at', 'is', null), eb('exited_at', '>', this.now)]))
      .orderBy('segment')
      .execute();
    const out = new Map<string, string[]>();
    for (const r of rows) out.set(String(r.customer_id), [...(out.get(String(r.customer_id)) ?? []), String(r.segment)]);
    return out;
  }

  private async scores(k: Executor, ids: string[]) {
    const out = new Map<string, { scores: Record<string, number>; tiers: Record<string, string> }>();
    const rows = await k.selectFrom('model_scores').select(['customer_id', 'model', 'score', 'tier']).where('customer_id', 'in', ids).execute();
    for (const r of rows) {
      const entry = out.get(String(r.customer_id)) ?? { scores: {}, tiers: {} };
      if (r.score != null) entry.scores[String(r.model)] = Number(r.score);
      if (r.tier != null) entry.tiers[String(r.model)] = String(r.tier);
      out.set(String(r.customer_id), entry);
    }
    return out;
  }

  /** Per send: its template's model's recommendations, else popular items the customer has not bought. */
  private async recommendations(sends: readonly ClaimedSend[], templates: ReadonlyMap<string, CompiledTemplate>): Promise<Map<string, Array<Record<string, unknown>>>> {
    const k = this.db.kysely;
    const byKey = new Map<string, string[]>();
    const wanting = sends.filter((s) => needsOf(templates.get(s.template)).has('recommendations'));
    const modelled = wanting.filter((s) => templates.get(s.template)!.recommendations.model);
    for (const model of new Set(modelled.map((s) => templates.get(s.template)!.recommendations.model!))) {
      const forModel = modelled.filter((s) => templates.get(s.template)!.recommendations.model === model);
      const rows = await k
        .selectFrom('model_recommendations')
        .select(['customer_id', 'item_id'])
        .where('model', '=', model)
        .where('customer_id', 'in', [...new Set(forModel.map((s) => s.customerId))])
        .orderBy('customer_id')
        .orderBy('rank')
        .execute();
      const perCustomer = new Map<string, string[]>();
      for (const r of rows) perCustomer.set(String(r.customer_id), [...(perCustomer.get(String(r.customer_id)) ?? []), String(r.item_id)]);
      for (const s of forModel) byKey.set(s.key, (perCustomer.get(s.customerId) ?? []).slice(0, templates.get(s.template)!.recommendations.count));
    }
    const fallback = wanting.filter((s) => !templates.get(s.template)!.recommendations.model);
    if (fallback.length > 0) {
      const ranking = await (this.popular ??= this.popularRanking());
      const bought = await this.boughtBy([...new Set(fallback.map((s) => s.customerId))]);
      for (const s of fallback) {
        const count = templates.get(s.template)!.recommendations.count;
        const mine = bought.get(s.customerId) ?? new Set<string>();
        const fresh = ranking.filter((id) => !mine.has(id));
        byKey.set(s.key, (fresh.length >= count ? fresh : [...fresh, ...ranking.filter((id) => mine.has(id))]).slice(0, count));
      }
    }
    const items = await itemsById(this.db, this.manifest, [...new Set([...byKey.values()].flat())]);
    const out = new Map<string, Array<Record<string, unknown>>>();
    for (const [key, ids] of byKey) out.set(key, ids.map((id) => items.get(id)).filter((i): i is Record<string, unknown> => i !== undefined));
    return out;
  }

  /** Items by units purchased up to `now` (by purchase count when purchases carry no quantity). */
  private async popularRanking(): Promise<string[]> {
    const purchase = this.manifest.dataModel.events.purchase;
    if (!purchase?.item_id) return [];
    const rows = await this.db.kysely
      .selectFrom('events')
      .select((eb) => ['item_id', (purchase.quantity ? eb.fn.sum('quantity') : eb.fn.countAll()).as('n')])
      .where('type', '=', 'purchase')
      .where('at', '<=', this.now)
      .where('item_id', 'is not', null)
      .groupBy('item_id')
      .orderBy('n', 'desc')
      .orderBy('item_id')
      .limit(POPULAR_DEPTH)
      .execute();
    return rows.map((r) => String(r.item_id));
  }

  private async boughtBy(ids: string[]): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    if (!this.manifest.dataModel.events.purchase?.item_id) return out;
    const rows = await this.db.kysely
      .selectFrom('events')
      .select(['customer_id', 'item_id'])
      .distinct()
      .where('type', '=', 'purchase')
      .where('customer_id', 'in', ids)
      .where('at', '<=', this.now)
      .where('item_id', 'is not', null)
      .execute();
    for (const r of rows) {
      const set = out.get(String(r.customer_id)) ?? new Set<string>();
      set.add(String(r.item_id));
      out.set(String(r.customer_id), set);
    }
    return out;
  }
}

/** How many popular items are ranked: enough to fill any template after leaving out what a customer bought. */
const POPULAR_DEPTH = 200;

const needsCache = new WeakMap<CompiledTemplate, Set<string>>();

/** Which optional parts of the render context a template reads (worked out once per template). */
function needsOf(template: CompiledTemplate | undefined): Set<string> {
  if (!template) return new Set();
  const cached = needsCache.get(template);
  if (cached) return cached;
  const needs = new Set<string>();
  needsCache.set(template, needs);
  for (const v of template.variables) needs.add(v.split('.')[0]!);
  // A rule() condition may read traits and segments whatever the variables list says.
  if (/\brule\s*\(/.test(template.html) || /\brule\s*\(/.test(template.subject)) {
    needs.add('traits');
    needs.add('segments');
  }
  return needs;
}
