import type { Database } from '../db/database.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { CompiledTemplate } from '../../compiler/contract/template.ts';
import { itemsById, modelRecommendationsByCustomer, popularItemIds } from '../render/from-database.ts';
import { freshFirst } from '../render/popularity.ts';
import {
  purchasedItemsByCustomer,
  scoresByCustomer,
  segmentsByCustomer,
  traitsByCustomer,
  type ScoresAndTiers,
} from '../render/batch-reads.ts';
import type { RenderInput } from '../render/context.ts';
import type { ClaimedSend } from './claim.ts';
import type { DeliverySettings } from './settings.ts';
import { messageLinks, type LinkSigner } from '../recipient/tokens.ts';

/**
 * Render inputs for a batch of sends, from the database as it is when they go out: the customer
 * row the claim already read, and only what the templates read (`compiled.variables`): trait
 * values (as last materialized), open segment memberships, model scores and tiers, and
 * recommendations (the template's model, else the most popular items the customer has not
 * bought). One query per kind of data per batch, never one per recipient; the reads are the ones
 * previews and audience renders use (runtime/render/batch-reads.ts), so an email sent and an
 * email previewed are filled the same way.
 */
export class RenderInputLoader {
  /** The popularity ranking, computed once per worker run (it changes slowly, and costs a scan). */
  private popular?: Promise<string[]>;

  constructor(
    private readonly db: Database,
    private readonly manifest: Manifest,
    private readonly settings: DeliverySettings,
    private readonly now: number,
    private readonly signer: LinkSigner,
  ) {}

  async inputsFor(sends: readonly ClaimedSend[], templates: ReadonlyMap<string, CompiledTemplate>): Promise<Map<string, RenderInput>> {
    const out = new Map<string, RenderInput>();
    const needs = new Set<string>();
    for (const s of sends) for (const need of needsOf(templates.get(s.template))) needs.add(need);
    const ids = [...new Set(sends.map((s) => s.customerId))];
    const { db, manifest, now } = this;
    const traits = needs.has('traits')
      ? await traitsByCustomer(db, manifest, ids)
      : new Map<string, Record<string, Record<string, unknown>>>();
    const segments = needs.has('segments') ? await segmentsByCustomer(db, ids, now) : new Map<string, string[]>();
    const scores = needs.has('scores') || needs.has('tiers') ? await scoresByCustomer(db, ids) : new Map<string, ScoresAndTiers>();
    const recommendations = needs.has('recommendations')
      ? await this.recommendations(sends, templates)
      : new Map<string, Array<Record<string, unknown>>>();
    for (const s of sends) {
      const input: RenderInput = {
        customer: s.customer,
        traits: traits.get(s.customerId) ?? {},
        segments: segments.get(s.customerId) ?? [],
        scores: scores.get(s.customerId)?.scores ?? {},
        tiers: scores.get(s.customerId)?.tiers ?? {},
        recommendations: recommendations.get(s.key) ?? [],
        journey: (s.journey as RenderInput['journey']) ?? { name: s.origin.name, step: s.origin.step ?? '' },
        ...messageLinks(this.signer, s.key, this.settings),
        message_id: s.messageId,
      };
      out.set(s.key, input);
    }
    return out;
  }

  /** Per send: its template's model's recommendations, else popular items the customer has not bought. */
  private async recommendations(
    sends: readonly ClaimedSend[],
    templates: ReadonlyMap<string, CompiledTemplate>,
  ): Promise<Map<string, Array<Record<string, unknown>>>> {
    const out = new Map<string, Array<Record<string, unknown>>>();
    const wanting = sends.filter((s) => needsOf(templates.get(s.template)).has('recommendations'));
    const settingsOf = (s: ClaimedSend) => templates.get(s.template)!.recommendations;
    const modelled = wanting.filter((s) => settingsOf(s).model);
    for (const model of new Set(modelled.map((s) => settingsOf(s).model!))) {
      const forModel = modelled.filter((s) => settingsOf(s).model === model);
      const most = forModel.reduce((n, s) => Math.max(n, settingsOf(s).count), 0);
      const perCustomer = await modelRecommendationsByCustomer(
        this.db,
        this.manifest,
        model,
        [...new Set(forModel.map((s) => s.customerId))],
        most,
      );
      for (const s of forModel) out.set(s.key, (perCustomer.get(s.customerId) ?? []).slice(0, settingsOf(s).count));
    }
    // The popularity fallback, as previews compute it: for a template without a model, and for a
    // customer the model has nothing for.
    const fallback = wanting.filter((s) => (out.get(s.key) ?? []).length === 0);
    if (fallback.length > 0) {
      const ranking = await (this.popular ??= popularItemIds(this.db, this.manifest, this.now, POPULAR_DEPTH));
      const bought = await purchasedItemsByCustomer(this.db, [...new Set(fallback.map((s) => s.customerId))], this.now);
      const chosen = new Map(fallback.map((s) => [s.key, freshFirst(ranking, bought.get(s.customerId) ?? new Set(), settingsOf(s).count)]));
      const items = await itemsById(this.db, this.manifest, [...new Set([...chosen.values()].flat())]);
      for (const [key, ids] of chosen)
        out.set(
          key,
          ids.map((id) => items.get(id)).filter((i): i is Record<string, unknown> => i !== undefined),
        );
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
