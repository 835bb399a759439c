import { relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bodyOf, cssRules, normalizeHtml, renderPerRecipient } from './helpers.ts';
import { compileTemplates, recipientsOf, templateWorkspaces, type WorkspaceTemplate } from '../templates/workspaces.ts';
import { emailLanguage } from '../../runtime/render/translate.ts';
import { loadTemplate, renderEmail, type LoadedTemplate, type RenderInput } from '../../runtime/render/index.ts';
import { stopMjmlWorker } from '../../compiler/3-analyze/templates/index.ts';

/**
 * Compiling MJML once, keeping the nunjucks in its HTML, gives the same email as running nunjucks
 * and then MJML for every recipient (the slow, obviously right way): for every template of the
 * flagship workspace and the examples, for their sample customers and for generated ones.
 */
afterAll(() => stopMjmlWorker());

const AS_OF = Date.UTC(2011, 11, 10);
const all = templateWorkspaces().flatMap((dir) =>
  compileTemplates(dir).templates.map((t) => ({ t, loaded: loadTemplate(t.compiled), timeZone: compileTemplates(dir).timeZone })),
);

async function expectSame(t: WorkspaceTemplate, loaded: LoadedTemplate, input: RenderInput, workspaceZone: string) {
  const fast = renderEmail(loaded, input, { timeZone: workspaceZone, asOf: AS_OF });
  if (!fast.ok) throw new Error(fast.reason);
  const compiled = t.compiled;
  const language = emailLanguage(compiled, input.customer.locale);
  const locale = language.locale;
  const timeZone = typeof input.customer.timezone === 'string' ? input.customer.timezone : (compiled.timezone ?? workspaceZone);
  const settings = {
    locale,
    timeZone,
    currency: compiled.currency,
    language: language.language,
    ...(language.messages ? { messages: language.messages } : {}),
    ...(loaded.rules.size > 0 ? { rules: { compiled: loaded.rules, asOf: AS_OF } } : {}),
  };
  const slow = await renderPerRecipient(t.mjmlSource, input, settings);
  // Tracking parameters are added to links after MJML, at build time (tested on their own).
  const untracked = (html: string) => html.replace(/(\?|&amp;|&)utm_[a-z]+=[^&"#<\s]*/g, '');
  expect(normalizeHtml(bodyOf(untracked(fast.email.html)))).toBe(normalizeHtml(bodyOf(slow)));
  // MJML writes CSS for the columns it saw: compiled once it saw every column a loop may repeat,
  // per recipient only those this recipient got. Extra rules for absent columns match nothing.
  const fastRules = cssRules(fast.email.html);
  for (const rule of cssRules(slow)) expect(fastRules, rule).toContain(rule);
  expect(/<title>([\s\S]*?)<\/title>/.exec(fast.email.html)?.[1]).toBe(/<title>([\s\S]*?)<\/title>/.exec(slow)?.[1]);
}

describe('compile once = MJML per recipient', () => {
  for (const { t, loaded, timeZone } of all) {
    it(`${relative(process.cwd(), t.workspace)}/${t.compiled.name}: every sample customer`, async () => {
      for (const { input } of recipientsOf(t)) await expectSame(t, loaded, input, timeZone);
    });
  }

  it('generated customers, items, segments, traits and tiers (fast-check)', async () => {
    // Valid data: item names are read without a default by some templates, so never blank here.
    const text = fc.string({ minLength: 1, maxLength: 30 }).filter((s) => s.trim() !== '');
    const item = fc.record({
      id: fc.stringMatching(/^[A-Z0-9]{1,8}$/),
      name: text,
      price: fc.double({ min: 0, max: 10_000, noNaN: true }),
      image_url: fc.option(fc.webUrl(), { nil: undefined }),
      url: fc.option(fc.webUrl(), { nil: undefined }),
    });
    const customer = fc.record({
      id: fc.stringMatching(/^c_[0-9]{1,6}$/),
      first_name: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
      country: fc.option(fc.constantFrom('United Kingdom', 'France', 'Norway'), { nil: undefined }),
      locale: fc.option(fc.constantFrom('en-GB', 'fr-FR', 'de-DE', 'nb-NO', 'is-IS'), { nil: undefined }),
      signup_at: fc.option(
        fc.date({ min: new Date('2000-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
        { nil: undefined },
      ),
    });
    const quintile = fc.integer({ min: 1, max: 5 });
    const traits = fc.record({
      rfm: fc.option(fc.record({ recency: quintile, frequency: quintile, monetary: quintile, total: fc.integer({ min: 3, max: 15 }) }), {
        nil: undefined,
      }),
      lifecycle: fc.option(fc.record({ value: fc.constantFrom('new', 'active', 'cooling', 'lapsed', 'churned', 'prospect') }), {
        nil: undefined,
      }),
    });
    const segments = fc.subarray(['vip', 'high_value', 'new_customers', 'active_customers', 'lapsed_high_value']);
    const tier = fc.option(fc.constantFrom('high', 'medium', 'low'), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...all),
        customer,
        fc.array(item, { maxLength: 7 }),
        traits,
        segments,
        tier,
        async ({ t, loaded, timeZone }, c, items, tr, seg, repurchase) => {
          const input: RenderInput = {
            customer: c,
            traits: tr,
            segments: seg,
            tiers: repurchase ? { repurchase_90d: repurchase } : {},
            scores: repurchase ? { repurchase_90d: repurchase === 'high' ? 0.9 : 0.2 } : {},
            recommendations: items,
            journey: { name: 'j', step: 's', entry: { items } },
            unsubscribe_url: 'https://u.example/unsubscribe/x?a=1&b=2',
            preferences_url: 'https://u.example/preferences/x',
            message_id: 'm@x',
          };
          await expectSame(t, loaded, input, timeZone);
        },
      ),
      { numRuns: 60 },
    );
  });
});
