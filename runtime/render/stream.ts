import type { Manifest } from '../../compiler/contract/manifest.ts';
import { fieldValueType } from '../../compiler/contract/core/rule-paths.ts';
import type { Database } from '../db/database.ts';
import { decode } from '../segments/customer-context.ts';
import type { RenderInput } from './context.ts';
import { itemsById, popularItemIds } from './from-database.ts';
import { freshFirst } from './popularity.ts';
import { purchasedItemsByCustomer, scoresByCustomer, segmentsByCustomer, traitsByCustomer, type ScoresAndTiers } from './batch-reads.ts';
import { previewLinks, PREVIEW_LINKS, type LinkSettings } from './preview.ts';
import { renderEmail, type LoadedTemplate, type RenderOutcome } from './renderer.ts';

/** Customers read per page: one query per kind of data per page, never one per recipient. */
export const STREAM_PAGE = 2_000;

export interface StreamOptions {
  asOf: number;
  links?: LinkSettings;
  /** Fallback time zone (the workspace's). */
  timeZone?: string;
  page?: number;
}

export interface StreamedEmail {
  customerId: string;
  outcome: RenderOutcome;
}

/**
 * Renders a template for every customer in the database, page by page (keyset pagination on the
 * customer id), so memory holds one page of customers and their emails whatever the audience's
 * size. Only the parts of the context the template reads are loaded: traits, segment memberships,
 * model scores and tiers, and recommendations (the popularity ranking once, each page's purchases to
 * leave out what a customer has). Emails are yielded one by one for the caller to write or send.
 */
export async function* renderAllCustomers(
  db: Database,
  manifest: Manifest,
  template: LoadedTemplate,
  options: StreamOptions,
): AsyncGenerator<StreamedEmail> {
  const compiled = template.compiled;
  const reads = new Set(compiled.variables.map((v) => v.split('.')[0]!));
  const links = options.links ?? PREVIEW_LINKS;
  const fields = Object.entries(manifest.dataModel.customers.fields);
  const ranking = reads.has('recommendations') ? await popularItemIds(db, manifest, options.asOf, 200) : [];
  const rankedItems = await itemsById(db, manifest, ranking);
  const k = db.kysely;
  let after: string | undefined;
  for (;;) {
    let q = k
      .selectFrom('customers')
      .selectAll()
      .orderBy('id')
      .limit(options.page ?? STREAM_PAGE);
    if (after !== undefined) q = q.where('id', '>', after);
    const rows = await q.execute();
    if (rows.length === 0) return;
    after = String(rows[rows.length - 1]!.id);
    const ids = rows.map((r) => String(r.id));
    const segments = reads.has('segments') ? await segmentsByCustomer(db, ids, options.asOf) : new Map<string, string[]>();
    const scores = reads.has('scores') || reads.has('tiers') ? await scoresByCustomer(db, ids) : new Map<string, ScoresAndTiers>();
    const traits = reads.has('traits')
      ? await traitsByCustomer(db, manifest, ids)
      : new Map<string, Record<string, Record<string, unknown>>>();
    const bought = reads.has('recommendations') ? await purchasedItemsByCustomer(db, ids, options.asOf) : new Map<string, Set<string>>();
    for (const row of rows) {
      const id = String(row.id);
      const customer: Record<string, unknown> = { id };
      for (const [name, f] of fields) customer[name] = decode(row[name], fieldValueType(f.type));
      const picks = reads.has('recommendations') ? freshFirst(ranking, bought.get(id) ?? new Set(), compiled.recommendations.count) : [];
      const input: RenderInput = {
        customer,
        traits: traits.get(id) ?? {},
        segments: segments.get(id) ?? [],
        scores: scores.get(id)?.scores ?? {},
        tiers: scores.get(id)?.tiers ?? {},
        recommendations: picks.map((i) => rankedItems.get(i)).filter((i): i is Record<string, unknown> => i !== undefined),
        ...previewLinks(compiled.name, id, links),
      };
      yield {
        customerId: id,
        outcome: renderEmail(template, input, { asOf: options.asOf, ...(options.timeZone ? { timeZone: options.timeZone } : {}) }),
      };
    }
  }
}
