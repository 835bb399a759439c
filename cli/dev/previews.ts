import { join } from 'node:path';
import type { CompiledTemplate } from '../../compiler/contract/template.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import {
  loadTemplate,
  readSampleData,
  renderEmail,
  sampleRenderInput,
  type LoadedTemplate,
  type RenderedEmail,
  type RenderInput,
  type SampleData,
} from '../../runtime/render/index.ts';
import { UnknownCustomerError } from '../../runtime/segments/customer-context.ts';
import { maskPersonalText } from '../../compiler/contract/personal-data.ts';
import type { PreviewDatabase } from './database.ts';
import { workspaceTimeZone } from '../../runtime/workspace-settings.ts';

export type PreviewSource = 'sample data' | 'test data' | 'database';

export type EmailPreview =
  | { ok: true; customer: string; source: PreviewSource; email: RenderedEmail; masked: boolean; language?: string }
  | { ok: false; customer: string; reason: string };

export interface PreviewOptions {
  /** Show personal data of database customers instead of masking it. */
  showPii?: boolean;
  /** Render in this language of the template's translations, whatever the customer's locale. */
  language?: string;
}

/**
 * Templates rendered for preview customers. A customer comes from the template's sample data when
 * it is there, else from the preview database; a database customer's personal data (pii fields)
 * is masked in the email unless asked for, since it is a real person's. Compiled nunjucks is kept
 * per compiled block, so a rebuild that did not touch a template renders it without recompiling.
 */
export class TemplatePreviews {
  private readonly loaded = new WeakMap<CompiledTemplate, LoadedTemplate>();

  constructor(
    private readonly root: string,
    private readonly databaseFor: (manifest: Manifest) => PreviewDatabase | undefined = () => undefined,
  ) {}

  templateOf(manifest: Manifest, name: string): CompiledTemplate | undefined {
    return manifest.definitions[`Template/${name}`]?.compiled as CompiledTemplate | undefined;
  }

  /**
   * The customers a template page shows by default: its `sample_customers`, else the first few of
   * its sample data, else the first customers of the workspace's Test documents, else the first
   * customers of the preview database (the workspace's own data files when nothing else is set).
   */
  async defaultCustomers(compiled: CompiledTemplate, manifest?: Manifest): Promise<string[]> {
    if (compiled.sample_customers.length > 0) return compiled.sample_customers;
    const sample = this.sample(compiled);
    if (sample && !('error' in sample) && sample.customers.length > 0) return sample.customers.slice(0, 2).map((c) => String(c.id));
    if (!manifest) return [];
    const tests = testSampleData(manifest);
    if (tests.customers.length > 0) return tests.customers.slice(0, 2).map((c) => String(c.id));
    const database = this.databaseFor(manifest);
    return database ? await database.firstCustomers(manifest, 2).catch(() => []) : [];
  }

  async render(manifest: Manifest, compiled: CompiledTemplate, customerId: string, options: PreviewOptions = {}): Promise<EmailPreview> {
    const found = await this.input(manifest, compiled, customerId);
    if ('reason' in found) return { ok: false, customer: customerId, reason: found.reason };
    const language = options.language;
    if (language !== undefined && compiled.translations?.messages[language] !== undefined) {
      found.input = { ...found.input, customer: { ...found.input.customer, locale: language } };
    }
    let template = this.loaded.get(compiled);
    if (!template) {
      template = loadTemplate(compiled);
      this.loaded.set(compiled, template);
    }
    const timeZone = workspaceTimeZone(manifest);
    const outcome = renderEmail(template, found.input, timeZone ? { timeZone } : {});
    if (!outcome.ok) return { ok: false, customer: customerId, reason: outcome.reason };
    const mask = found.source === 'database' && options.showPii !== true;
    const email = mask ? maskEmail(outcome.email, found.input.customer, manifest) : outcome.email;
    return {
      ok: true,
      customer: customerId,
      source: found.source,
      email,
      masked: mask,
      ...(language !== undefined && compiled.translations?.messages[language] !== undefined ? { language } : {}),
    };
  }

  private async input(
    manifest: Manifest,
    compiled: CompiledTemplate,
    customerId: string,
  ): Promise<{ input: RenderInput; source: PreviewSource } | { reason: string }> {
    const sample = this.sample(compiled);
    const database = this.databaseFor(manifest);
    if (sample && !('error' in sample)) {
      const input = sampleRenderInput(compiled, sample, customerId);
      if (input) return { input, source: 'sample data' };
    }
    const tests = testSampleData(manifest);
    if (tests.customers.some((c) => String(c.id) === customerId)) {
      const input = sampleRenderInput(compiled, tests, customerId);
      if (input) return { input, source: 'test data' };
    }
    if (database) {
      try {
        const input = await database.renderInput(manifest, compiled, customerId);
        if (input) return { input, source: 'database' };
      } catch (e) {
        if (!(e instanceof UnknownCustomerError)) return { reason: `the preview database failed: ${(e as Error).message}` };
      }
    }
    if (sample && 'error' in sample) return { reason: sample.error };
    const where = [
      compiled.sample_data ? `the sample data (${compiled.sample_data})` : undefined,
      database ? 'the preview database' : undefined,
    ].filter(Boolean);
    return {
      reason:
        where.length > 0
          ? `no customer "${customerId}" in ${where.join(' or ')}`
          : `template ${compiled.name} has no sample_data and no database is configured (--db)`,
    };
  }

  /** The sample data, read on every render: it is small, and edits to it show at once. */
  private sample(compiled: CompiledTemplate): SampleData | { error: string } | undefined {
    if (!compiled.sample_data) return undefined;
    try {
      return readSampleData(join(this.root, compiled.sample_data), this.root);
    } catch (e) {
      return { error: (e as Error).message };
    }
  }
}

const testSamples = new WeakMap<Manifest, SampleData>();

/**
 * The customers, items and events the workspace's Test documents are given, as preview data:
 * every workspace with tests has customers to preview templates for, with no sample data file.
 * A customer given by two tests is the first test's.
 */
export function testSampleData(manifest: Manifest): SampleData {
  const known = testSamples.get(manifest);
  if (known) return known;
  const out: SampleData = { customers: [], items: [], events: [], traits: {}, segments: {}, scores: {}, tiers: {}, recommendations: {} };
  const seen = new Set<string>();
  for (const def of Object.values(manifest.definitions)) {
    if (def.kind !== 'Test') continue;
    const given = ((def.compiled ?? def.spec) as { given?: { customers?: unknown; items?: unknown; events?: unknown } } | undefined)?.given;
    if (!given) continue;
    for (const c of Array.isArray(given.customers) ? (given.customers as Array<Record<string, unknown>>) : []) {
      if (c && c.id !== undefined && !seen.has(String(c.id))) {
        seen.add(String(c.id));
        out.customers.push(c);
      }
    }
    if (Array.isArray(given.items)) out.items.push(...(given.items as Array<Record<string, unknown>>));
    if (Array.isArray(given.events)) out.events.push(...(given.events as SampleData['events']));
  }
  testSamples.set(manifest, out);
  return out;
}

function maskEmail(email: RenderedEmail, customer: Record<string, unknown>, manifest: Manifest): RenderedEmail {
  const mask = (text: string) => maskPersonalText(text, customer, manifest.dataModel);
  const out: RenderedEmail = { subject: mask(email.subject), html: mask(email.html), text: mask(email.text) };
  if (email.preheader !== undefined) out.preheader = mask(email.preheader);
  return out;
}
