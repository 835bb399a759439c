import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compileTemplateFile, mjmlDoc, SHOWCASE, SHOWCASE_TEMPLATES, templateYaml, workspace } from '../templates/helpers.ts';
import { stopMjmlWorker, type CompiledTemplate } from '../../compiler/3-analyze/templates/index.ts';
import {
  loadTemplate,
  popularItems,
  readSampleData,
  renderEmail,
  sampleRenderInput,
  type RenderInput,
} from '../../runtime/render/index.ts';

afterAll(() => stopMjmlWorker());

const base: Omit<RenderInput, 'customer'> = {
  unsubscribe_url: 'https://u.example/unsub/t1',
  preferences_url: 'https://u.example/prefs/t1',
  message_id: 'm1@u.example',
};

/** A compiled template straight from nunjucks sources (bypassing the compiler's checks on purpose). */
function raw(html: string, subject = 'Hi', text = 'x'): CompiledTemplate {
  return {
    name: 'raw',
    category: 'transactional',
    subject,
    html,
    text,
    locale: 'en-GB',
    currency: 'GBP',
    sample_customers: [],
    recommendations: { count: 6 },
    variables: [],
    files: [],
    html_bytes: html.length,
  };
}

function compiledBody(body: string, subject = 'Hi {{ customer.first_name | default("there") }}'): CompiledTemplate {
  const root = workspace({ 't.yaml': templateYaml('t', { subject, mjml: mjmlDoc(body) }) });
  const out = compileTemplateFile(root, 't.yaml');
  if (!out.compiled) throw new Error(JSON.stringify(out.diagnostics));
  return out.compiled;
}

const section = (inner: string) => `<mj-section><mj-column>${inner}</mj-column></mj-section>`;

describe('rendering one recipient', () => {
  it('uses the default for a recipient with no first name, and never renders "Hi ,"', () => {
    const t = loadTemplate(compiledBody(section('<mj-text>Hello {{ customer.first_name | default("friend") }},</mj-text>')));
    for (const first_name of [undefined, null, '', '   ']) {
      const r = renderEmail(t, { ...base, customer: { id: 'c1', first_name } });
      expect(r.ok).toBe(true);
      if (r.ok) {
        expect(r.email.subject).toBe('Hi there');
        expect(r.email.html).toContain('Hello friend,');
        expect(r.email.text).toContain('Hello friend,');
      }
    }
  });

  it('fails only that recipient, with a reason, when a value without default is missing', () => {
    const t = loadTemplate(compiledBody(section('<mj-text>Hi {{ customer.first_name }},</mj-text>')));
    const missing = renderEmail(t, { ...base, customer: { id: 'c1', first_name: ' ' } });
    expect(missing).toEqual({
      ok: false,
      reason: expect.stringMatching(/^missing value for \{\{ customer\.first_name \}\} \(html line \d+, column \d+\)/),
    });
    const upper = loadTemplate(compiledBody(section('<mj-text>Hi {{ customer.first_name | upper }},</mj-text>')));
    const r = renderEmail(upper, { ...base, customer: { id: 'c1' } });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toContain('upper filter got a missing value');
    expect(renderEmail(t, { ...base, customer: { id: 'c2', first_name: 'Ada' } }).ok).toBe(true);
  });

  it('falls back to a placeholder image for a product with no image', () => {
    const compiled = compileTemplateFile(SHOWCASE, 'templates/cart_reminder.yaml').compiled!;
    const r = renderEmail(loadTemplate(compiled), {
      ...base,
      customer: { id: 'c1', first_name: 'Ada' },
      journey: { name: 'j', step: 's', entry: { items: [{ id: 'X', name: 'Lamp', price: 3 }] } },
    });
    expect(r.ok && r.email.html).toContain('src="https://shop.example/img/placeholder.png" style');
  });

  it('escapes HTML in a customer name (HTML part) and keeps it literal in the text part', () => {
    const t = loadTemplate(compiledBody(section('<mj-text>Hi {{ customer.first_name }}</mj-text>'), 'Hi {{ customer.first_name }}'));
    const r = renderEmail(t, { ...base, customer: { id: 'c1', first_name: '<script>alert("x")</script>&' } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.email.html).toContain('Hi &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;');
    expect(r.email.html).not.toContain('<script>alert');
    expect(r.email.text).toContain('Hi <script>alert("x")</script>&');
    expect(r.email.subject).toBe('Hi <script>alert("x")</script>&');
  });

  it('renders a 1 MB field value without trouble', () => {
    const t = loadTemplate(compiledBody(section('<mj-text>{{ customer.first_name }}</mj-text>')));
    const huge = 'a'.repeat(1024 * 1024);
    const r = renderEmail(t, { ...base, customer: { id: 'c1', first_name: huge } });
    expect(r.ok && r.email.html.length).toBeGreaterThan(1024 * 1024);
  });

  it('renders nothing for a loop over a value that turns out not to be a list', () => {
    const t = loadTemplate(raw('<p>{% for x in traits.tags %}[{{ x }}]{% endfor %}</p>'));
    const r = renderEmail(t, { ...base, customer: { id: 'c1' }, traits: { tags: 42 } });
    expect(r).toEqual({ ok: true, email: expect.objectContaining({ html: '<p></p>' }) });
  });

  it("formats dates and money in the customer's locale when the email is in their language, and in their time zone", () => {
    const source =
      '{{ customer.signup_at | date("datetime") }} | {{ 1234.5 | currency }} | {{ 1234.5 | currency("EUR") }} | {{ 0.256 | percent }}';
    const t = loadTemplate(raw(source));
    const uk = renderEmail(t, {
      ...base,
      customer: { id: 'c1', signup_at: '2026-01-05T23:30:00Z', locale: 'en-GB', timezone: 'Europe/London' },
    });
    const fr = renderEmail(t, {
      ...base,
      customer: { id: 'c2', signup_at: '2026-01-05T23:30:00Z', locale: 'fr-FR', timezone: 'Asia/Tokyo' },
    });
    expect(uk.ok && uk.email.html).toBe('5 January 2026 at 23:30 | £1,234.50 | €1,234.50 | 26%');
    // An English email reads English dates and money, in the customer's time zone.
    expect(fr.ok && fr.email.html).toBe('6 January 2026 at 08:30 | £1,234.50 | €1,234.50 | 26%');
    const french = loadTemplate({ ...raw(source), locale: 'fr-FR' });
    const frFr = renderEmail(french, {
      ...base,
      customer: { id: 'c2', signup_at: '2026-01-05T23:30:00Z', locale: 'fr-CA', timezone: 'Asia/Tokyo' },
    });
    expect(frFr.ok && frFr.email.html.replace(/\u202f|\u00a0/g, ' ')).toBe(
      `6 janvier 2026 à 08 h 30 | ${new Intl.NumberFormat('fr-CA', { style: 'currency', currency: 'GBP' }).format(1234.5).replace(/\u202f|\u00a0/g, ' ')} | ${new Intl.NumberFormat('fr-CA', { style: 'currency', currency: 'EUR' }).format(1234.5).replace(/\u202f|\u00a0/g, ' ')} | 26 %`,
    );
  });

  it('evaluates rule() conditions with the rule evaluator, as of the render instant', () => {
    const t = loadTemplate(
      compiledBody(
        section(
          '<mj-text>{% if rule("country = \\"United Kingdom\\" and rfm.monetary >= 4") %}uk-top{% elif rule("days_since(signup_at) <= 7 or tier(repurchase_90d) = \\"high\\"") %}new-or-likely{% elif rule("in_segment(vip)") %}vip{% else %}other{% endif %}</mj-text>',
        ),
      ),
    );
    expect(t.compiled.rules?.map((r) => r.text)).toHaveLength(3);
    const asOf = Date.UTC(2026, 2, 10);
    const render = (customer: Record<string, unknown>, extra: Partial<RenderInput> = {}) => {
      const r = renderEmail(t, { ...base, customer: { id: 'c1', ...customer }, ...extra }, { asOf });
      if (!r.ok) throw new Error(r.reason);
      return /<div[^>]*>(uk-top|new-or-likely|vip|other)<\/div>/.exec(r.email.html)?.[1];
    };
    expect(render({ country: 'United Kingdom' }, { traits: { rfm: { monetary: 5 } } })).toBe('uk-top');
    expect(render({ country: 'United Kingdom' }, { traits: { rfm: { monetary: 3 } } })).toBe('other');
    // Two-valued logic: a missing trait is false, not an error.
    expect(render({ country: 'United Kingdom' })).toBe('other');
    expect(render({ signup_at: asOf - 3 * 86_400_000 })).toBe('new-or-likely');
    expect(render({ signup_at: asOf - 30 * 86_400_000 })).toBe('other');
    expect(render({}, { tiers: { repurchase_90d: 'high' } })).toBe('new-or-likely');
    expect(render({}, { segments: ['vip'] })).toBe('vip');
  });

  it('never throws and never prints "undefined" for valid sample data (fast-check)', () => {
    const sample = readSampleData(`${SHOWCASE}/data/sample.yaml`);
    const loaded = SHOWCASE_TEMPLATES.map((n) => loadTemplate(compileTemplateFile(SHOWCASE, `templates/${n}.yaml`).compiled!));
    fc.assert(
      fc.property(
        fc.constantFrom(...loaded),
        fc.constantFrom(...sample.customers.map((c) => String(c.id))),
        fc.option(fc.string(), { nil: undefined }),
        (t, id, name) => {
          const input = sampleRenderInput(t.compiled, sample, id)!;
          const r = renderEmail(t, { ...input, customer: { ...input.customer, first_name: name } });
          expect(r.ok).toBe(true);
          if (r.ok) for (const part of [r.email.subject, r.email.text]) expect(part).not.toMatch(/\bundefined\b|\bnull\b|Hi ,/);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('the template sandbox', () => {
  const escapes = [
    '{{ range.constructor("return process")() }}',
    '{{ cycler.constructor("return process")().env }}',
    '{{ joiner.constructor.constructor("return globalThis")() }}',
    '{{ "".constructor.constructor("return process")().version }}',
    '{{ customer.constructor.constructor("return process")() }}',
    '{{ customer["__proto__"]["constructor"] }}',
    '{{ customer.__proto__ }}',
    '{{ constructor }}',
    '{{ constructor.constructor("return process")() }}',
    '{% set f = range.constructor %}{{ f("return process")() }}',
    '{{ range.call }}{{ range.apply(null, [1]) }}',
    '{{ recommendations.map.constructor("return process")() }}',
    '{{ toString }}{{ valueOf }}',
  ];
  for (const src of escapes) {
    it(`blocks ${src}`, () => {
      const r = renderEmail(loadTemplate(raw(src)), { ...base, customer: { id: 'c1' }, recommendations: [] });
      // Either this recipient fails, or the expression produced nothing usable: never Node's globals.
      if (r.ok) {
        expect(r.email.html).not.toMatch(/process|function|native code|\[object/i);
      } else {
        expect(r.reason).not.toMatch(/native code/);
      }
      expect((globalThis as { pwned?: unknown }).pwned).toBeUndefined();
    });
  }
});

describe('popularity fallback', () => {
  it('ranks items by customers who bought them, then units, skips what the customer has, ties by id', () => {
    const items = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, name: id.toUpperCase() }));
    const events = [
      { customer: 'x', type: 'purchase', item_id: 'b', quantity: 5 },
      { customer: 'y', type: 'purchase', item_id: 'c', quantity: 5 },
      { customer: 'y', type: 'purchase', item_id: 'a', quantity: 9 },
      // One wholesale order does not outrank items many customers bought.
      { customer: 'w', type: 'purchase', item_id: 'e', quantity: 80_000 },
      { customer: 'x', type: 'purchase', item_id: 'c', quantity: 1 },
      { customer: 'y', type: 'page_view', item_id: 'd' },
      { customer: 'z', type: 'purchase', item_id: 'gone', quantity: 99 },
    ];
    expect(popularItems(events, items, 4).map((i) => i.id)).toEqual(['c', 'e', 'a', 'b']);
    expect(popularItems(events, items, 3, { excludeBoughtBy: 'y' }).map((i) => i.id)).toEqual(['e', 'b', 'c']);
  });

  it('fills recommendations for a sample customer with no model', () => {
    const sample = readSampleData(`${SHOWCASE}/data/sample.yaml`);
    const compiled = compileTemplateFile(SHOWCASE, 'templates/recommendations.yaml').compiled!;
    const input = sampleRenderInput(compiled, sample, 'c_1003')!;
    // 85123A has two buyers; then by units. c_1003's own purchases (85099B, 71053) come last.
    expect(input.recommendations!.map((i) => i.id)).toEqual(['85123A', '84879', '47566', '22423', '85099B', '71053']);
  });
});
