import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bodyOf, compileBothWays, cssRules, normalizeHtml, renderPerRecipient } from './helpers.ts';
import { SHOWCASE, SHOWCASE_TEMPLATES } from '../templates/helpers.ts';
import { loadTemplate, readSampleData, renderEmail, sampleRenderInput, type RenderInput } from '../../runtime/render/index.ts';
import { stopMjmlWorker } from '../../compiler/templates/index.ts';

afterAll(() => stopMjmlWorker());

const sample = readSampleData(`${SHOWCASE}/data/sample.yaml`);
const builds = Object.fromEntries(SHOWCASE_TEMPLATES.map((n) => [n, compileBothWays(SHOWCASE, `templates/${n}.yaml`)]));

async function expectSame(name: string, input: RenderInput) {
  const { compiled, mjmlSource } = builds[name]!;
  const fast = renderEmail(loadTemplate(compiled), input, { timeZone: 'UTC' });
  if (!fast.ok) throw new Error(fast.reason);
  const locale = typeof input.customer.locale === 'string' ? input.customer.locale : compiled.locale;
  const timeZone = typeof input.customer.timezone === 'string' ? input.customer.timezone : 'UTC';
  const slow = await renderPerRecipient(mjmlSource, input, { locale, timeZone, currency: compiled.currency });
  expect(normalizeHtml(bodyOf(fast.email.html))).toBe(normalizeHtml(bodyOf(slow)));
  // MJML writes CSS for the columns it saw: compiled once it saw every column a loop may repeat,
  // per recipient only those this recipient got. Extra rules for absent columns match nothing.
  const fastRules = cssRules(fast.email.html);
  for (const rule of cssRules(slow)) expect(fastRules, rule).toContain(rule);
  expect(/<title>([\s\S]*?)<\/title>/.exec(fast.email.html)?.[1]).toBe(/<title>([\s\S]*?)<\/title>/.exec(slow)?.[1]);
}

describe('compile once = MJML per recipient', () => {
  for (const name of SHOWCASE_TEMPLATES) {
    it(`${name}: every sample customer`, async () => {
      for (const c of sample.customers) await expectSame(name, sampleRenderInput(builds[name]!.compiled, sample, String(c.id))!);
    });
  }

  it('generated customers and items (fast-check)', async () => {
    // Valid data: item names are required by the templates (no default), so never blank here.
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
      signup_at: fc.option(fc.date({ min: new Date('2000-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString()), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...SHOWCASE_TEMPLATES), customer, fc.array(item, { maxLength: 7 }), async (name, c, items) => {
        const input: RenderInput = {
          customer: c,
          recommendations: items,
          journey: { name: 'j', step: 's', entry: { items } },
          unsubscribe_url: 'https://u.example/unsubscribe/x?a=1&b=2',
          preferences_url: 'https://u.example/preferences/x',
          message_id: 'm@x',
        };
        await expectSame(name, input);
      }),
      { numRuns: 40 },
    );
  });
});
