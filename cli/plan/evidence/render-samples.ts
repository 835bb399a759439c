import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CompiledTemplate } from '../../../compiler/contract/template.ts';
import type { Manifest } from '../../../compiler/contract/manifest.ts';
import type { Database } from '../../../runtime/db/database.ts';
import { databaseRenderInput, type RenderInputCache } from '../../../runtime/render/from-database.ts';
import {
  loadTemplate,
  readSampleData,
  renderEmail,
  sampleRenderInput,
  type RenderedEmail,
  type RenderInput,
  type SampleData,
} from '../../../runtime/render/index.ts';
import { piiFields } from '../../../runtime/segments/explain.ts';
import { workspaceTimeZone } from '../../../runtime/workspace-settings.ts';
import type { TemplateSample } from '../document.ts';
import { firstLine } from '../errors.ts';
import { maskId } from '../../../compiler/contract/personal-data.ts';
import { unifiedDiff } from './text-diff.ts';

/** One side of a template: its compiled block and the workspace it was compiled from. */
export interface TemplateSide {
  compiled: CompiledTemplate;
  manifest: Manifest;
  /** The workspace folder (sample data paths are relative to it). */
  root: string;
}

/** A rendered email of one side, kept for screenshots. */
export interface RenderedSide {
  customer: string;
  side: 'base' | 'head';
  email: RenderedEmail;
  unsubscribe: boolean;
}

export interface TemplateEvidence {
  samples: TemplateSample[];
  rendered: RenderedSide[];
}

/**
 * Renders a template before and after for a few customers: the template's `sample_customers`
 * from its `sample_data` file when it has them, else customers from the plan's database (the
 * first ones by id, or the sample customers named). Personal fields (pii in the data model) are
 * replaced by placeholders such as `[first_name]` before rendering, and customer ids are masked,
 * so the evidence shows what changes without showing anyone's data.
 */
export interface EvidenceOptions {
  limit: number;
  asOf: number;
  db?: Database;
  /** Shared by every render of one plan: the popularity ranking is one scan of the purchases. */
  cache?: RenderInputCache;
}

export async function renderTemplateEvidence(
  sides: { base?: TemplateSide; head?: TemplateSide },
  options: EvidenceOptions,
): Promise<TemplateEvidence> {
  const ids = await chooseCustomers(sides, options);
  const evidence: TemplateEvidence = { samples: [], rendered: [] };
  for (const id of ids) {
    const before = sides.base ? await renderSide(sides.base, id, options) : undefined;
    const after = sides.head ? await renderSide(sides.head, id, options) : undefined;
    const sample = compareSides(id, before, after);
    evidence.samples.push(sample);
    for (const [side, r] of [
      ['base', before],
      ['head', after],
    ] as const) {
      if (r?.email) evidence.rendered.push({ customer: sample.customer, side, email: r.email, unsubscribe: r.unsubscribe });
    }
  }
  // A translated template: the first customer once more in each of its languages, as `herald dev` shows it.
  const first = ids[0];
  if (first !== undefined) {
    for (const language of templateLanguages(sides)) {
      const before = sides.base ? await renderSide(sides.base, first, options, language) : undefined;
      const after = sides.head ? await renderSide(sides.head, first, options, language) : undefined;
      evidence.samples.push({ ...compareSides(first, before, after), language });
    }
  }
  return evidence;
}

/** The languages of either side's translations, sorted; none for a template without translations. */
function templateLanguages(sides: { base?: TemplateSide; head?: TemplateSide }): string[] {
  const all = new Set<string>();
  for (const side of [sides.base, sides.head]) for (const l of Object.keys(side?.compiled.translations?.messages ?? {})) all.add(l);
  return [...all].sort();
}

/** One customer's sample: both sides' subject and preheader, the text diff, why a side failed. */
function compareSides(id: string, before: SideRender | undefined, after: SideRender | undefined): TemplateSample {
  const sample: TemplateSample = {
    customer: maskId(id),
    source: after?.source ?? before?.source ?? 'sample_data',
    subject: { before: before?.email?.subject ?? null, after: after?.email?.subject ?? null },
    preheader: { before: before?.email?.preheader ?? null, after: after?.email?.preheader ?? null },
    text_diff: unifiedDiff(before?.email?.text ?? '', after?.email?.text ?? ''),
    html_changed: (before?.email?.html ?? '') !== (after?.email?.html ?? ''),
  };
  const errors: NonNullable<TemplateSample['errors']> = {};
  if (before?.error) errors.base = before.error;
  if (after?.error) errors.head = after.error;
  if (errors.base || errors.head) sample.errors = errors;
  return sample;
}

async function chooseCustomers(
  sides: { base?: TemplateSide; head?: TemplateSide },
  options: { limit: number; db?: Database },
): Promise<string[]> {
  const named = [...new Set([...(sides.head?.compiled.sample_customers ?? []), ...(sides.base?.compiled.sample_customers ?? [])])];
  if (named.length > 0) return named.slice(0, options.limit);
  if (!options.db) return [];
  const rows = await options.db.kysely.selectFrom('customers').select('id').orderBy('id').limit(options.limit).execute();
  return rows.map((r) => String(r.id));
}

interface SideRender {
  source: TemplateSample['source'];
  email?: RenderedEmail;
  unsubscribe: boolean;
  error?: string;
}

/**
 * One side rendered for one customer; with `language`, in that language of the template's
 * translations whatever the customer's locale (a side without that language renders in the
 * language it falls back to, so the difference shows).
 */
async function renderSide(side: TemplateSide, id: string, options: EvidenceOptions, language?: string): Promise<SideRender> {
  const sample = sampleData(side);
  let input: RenderInput | undefined;
  let source: TemplateSample['source'] = 'sample_data';
  if (sample) input = sampleRenderInput(side.compiled, sample, id);
  if (!input && options.db) {
    source = 'database';
    try {
      input = await databaseRenderInput(
        options.db,
        side.manifest,
        side.compiled,
        id,
        options.asOf,
        undefined,
        readsRecommendations(side.compiled) ? options.cache : NO_RECOMMENDATIONS(options.asOf),
      );
    } catch (e) {
      return { source, unsubscribe: false, error: `the customer could not be read (${firstLine(e)})` };
    }
  }
  if (!input) return { source, unsubscribe: false, error: 'the customer is not in the sample data' };
  if (language !== undefined) input = { ...input, customer: { ...input.customer, locale: language } };
  const masked = maskPersonalFields(input, side.manifest);
  const timeZone = workspaceTimeZone(side.manifest);
  const outcome = renderEmail(loadTemplate(side.compiled), masked, timeZone !== undefined ? { timeZone } : {});
  if (!outcome.ok) return { source, unsubscribe: false, error: outcome.reason };
  return { source, email: outcome.email, unsubscribe: outcome.email.html.includes(masked.unsubscribe_url) };
}

/**
 * A template that never reads `recommendations` renders the same without them: its renders get a
 * cache whose popularity ranking is already known to be empty, so no scan of the purchases runs.
 */
function readsRecommendations(compiled: CompiledTemplate): boolean {
  return compiled.variables.some((v) => v === 'recommendations' || v.startsWith('recommendations.') || v.startsWith('recommendations['));
}

const NO_RECOMMENDATIONS = (asOf: number): RenderInputCache => ({
  popular: new Map([[asOf, { depth: Infinity, ids: Promise.resolve([]) }]]),
});

const sampleCache = new WeakMap<TemplateSide, SampleData | null>();

function sampleData(side: TemplateSide): SampleData | undefined {
  if (!sampleCache.has(side)) {
    const path = side.compiled.sample_data ? join(side.root, side.compiled.sample_data) : undefined;
    let data: SampleData | null = null;
    try {
      if (path && existsSync(path)) data = readSampleData(path, side.root);
    } catch {
      data = null; // unreadable sample data: the database (if any) is used instead
    }
    sampleCache.set(side, data);
  }
  return sampleCache.get(side) ?? undefined;
}

/**
 * The render input with personal data replaced by placeholders: customer fields marked pii become
 * `[field]` (an address `customer@example.invalid`), and so do traits computed from them
 * (`[trait]`, or `[trait.output]` per output), as `herald explain` masks them.
 */
function maskPersonalFields(input: RenderInput, manifest: Manifest): RenderInput {
  const personal = piiFields(manifest);
  const customer = { ...input.customer };
  for (const [name, f] of Object.entries(manifest.dataModel.customers.fields)) {
    if (personal.has(name) && customer[name] !== undefined && customer[name] !== null)
      customer[name] = f.type === 'email' ? 'customer@example.invalid' : `[${name}]`;
  }
  if (customer.id !== undefined) customer.id = maskId(String(customer.id));
  const traits = { ...(input.traits ?? {}) };
  for (const [name, value] of Object.entries(traits)) {
    if (!personal.has(name) || value === null || value === undefined) continue;
    traits[name] = typeof value === 'object' ? Object.fromEntries(Object.keys(value).map((k) => [k, `[${name}.${k}]`])) : `[${name}]`;
  }
  return { ...input, customer, traits };
}
