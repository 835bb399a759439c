import { afterAll, describe, expect, it } from 'vitest';
import { compileTemplateFile, FOOTER, mjmlDoc, templateYaml, workspace } from './helpers.ts';
import { stopMjmlWorker } from '../../compiler/3-analyze/templates/index.ts';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';

afterAll(() => stopMjmlWorker());

const section = (inner: string) => `<mj-section><mj-column>${inner}</mj-column></mj-section>`;

function only(diagnostics: Diagnostic[], code: string): Diagnostic {
  const found = diagnostics.filter((d) => d.code === code);
  expect(found, JSON.stringify(diagnostics, null, 1)).toHaveLength(1);
  return found[0]!;
}

const at = (d: Diagnostic) => `${d.file}:${d.range?.start.line}:${d.range?.start.column}`;

describe('template diagnostics', () => {
  it('reports invalid MJML at its line and column in the .mjml file', () => {
    const mjml = mjmlDoc(section('\n  <mj-text>ok</mj-text>\n  <mj-bogus>no</mj-bogus>\n'));
    const root = workspace({ 'templates/t.yaml': templateYaml('t', { subject: 'Hi', mjml: 't.mjml' }), 'templates/t.mjml': mjml });
    const d = only(compileTemplateFile(root, 'templates/t.yaml').diagnostics, 'HL420');
    expect(d.message).toContain('mj-bogus');
    expect(at(d)).toBe('templates/t.mjml:5:3');
  });

  it('offsets errors in inline MJML into the YAML file', () => {
    const mjml = mjmlDoc(section('\n<mj-image src="https://x.example/a.png" alt="a" width="wide" />\n'));
    const root = workspace({ 't.yaml': templateYaml('t', { subject: 'Hi', mjml }) });
    const d = only(compileTemplateFile(root, 't.yaml').diagnostics, 'HL420');
    expect(d.message).toContain('width');
    // Line 4 of the MJML is line 10 of the file (6 lines before it), indented by 4.
    expect(at(d)).toBe('t.yaml:10:5');
  });

  it('reports malformed MJML markup at the element left open', () => {
    const mjml = `<mjml>\n<mj-body>\n<mj-section>\n  <mj-column>\n    <mj-text>hi</mj-text>\n</mj-section>\n${FOOTER}\n</mj-body>\n</mjml>\n`;
    const root = workspace({ 't.mjml': mjml, 't.yaml': templateYaml('t', { subject: 'Hi', mjml: 't.mjml' }) });
    const d = only(compileTemplateFile(root, 't.yaml').diagnostics, 'HL421');
    expect(d.message).toBe('<mj-column> is not closed (found </mj-section> first)');
    expect(at(d)).toBe('t.mjml:4:3');
  });

  it('reports an unclosed nunjucks block at its opening tag', () => {
    const mjml = mjmlDoc(`{% for item in recommendations %}\n${section('<mj-text>{{ item.name }}</mj-text>')}`);
    const root = workspace({ 't.mjml': mjml, 't.yaml': templateYaml('t', { subject: 'Hi', mjml: 't.mjml' }) });
    const d = only(compileTemplateFile(root, 't.yaml').diagnostics, 'HL353');
    expect(d.message).toBe('{% for %} is never closed: expected {% endfor %}');
    expect(at(d)).toBe('t.mjml:3:1');
  });

  it('reports an unclosed placeholder in the subject', () => {
    const root = workspace({
      't.mjml': mjmlDoc(section('<mj-text>x</mj-text>')),
      't.yaml': templateYaml('t', { subject: 'Hi {{ customer.first_name', mjml: 't.mjml' }),
    });
    const d = only(compileTemplateFile(root, 't.yaml').diagnostics, 'HL353');
    expect(d.message).toBe('{{ is never closed: expected }}');
    expect(at(d)).toBe('t.yaml:5:16');
  });

  it('reports a member or call with nothing before it as a syntax error, not an internal one', () => {
    // nunjucks itself accepts `{{#. x }}` and leaves the value before the dot empty.
    for (const [subject, message, where] of [
      ["{{#. customer.first_name | default('Hi') }}", 'expected a value before "."', 't.yaml:5:16'],
      ['Hi {{ #(1) }}', 'expected a value before "("', 't.yaml:5:20'],
    ]) {
      const root = workspace({
        't.mjml': mjmlDoc(section('<mj-text>x</mj-text>')),
        't.yaml': templateYaml('t', { subject, mjml: 't.mjml' }),
      });
      const diagnostics = compileTemplateFile(root, 't.yaml').diagnostics;
      expect(diagnostics.map((d) => d.code)).not.toContain('HL305');
      const d = only(diagnostics, 'HL353');
      expect(d.message).toContain(message);
      expect(at(d)).toBe(where);
    }
  });

  it('checks rule() conditions when the template compiles, at their place in the .mjml file', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['rfm.monetry >= 4', 't.mjml:5:13', /`rfm.monetry` is neither a customer field nor a trait/],
      ['count(purchase within 30d) > 2', 't.mjml:5:13', /reads events, which a template's context does not hold/],
      ['in_segment(vipp)', 't.mjml:5:24', /needs the name of a segment of this workspace, not "vipp"/],
      ['subscribed(offers)', 't.mjml:5:13', /subscribed\(\) reads the customer's subscriptions, which a template's context does not hold/],
      ['country = ', 't.mjml:5:13', /^rule\("country = "\): /],
    ];
    for (const [rule, where, message] of cases) {
      const body = section(`\n<mj-text>\n{% if rule("${rule}") %}yes{% endif %}</mj-text>`);
      const root = workspace({ 't.mjml': mjmlDoc(body), 't.yaml': templateYaml('t', { subject: 'Hi', mjml: 't.mjml' }) });
      const d = only(compileTemplateFile(root, 't.yaml').diagnostics, 'HL349');
      expect(d.message, rule).toMatch(message);
      if (!rule.endsWith('= ')) expect(at(d), rule).toBe(where);
    }
    const dynamic = workspace({
      't.mjml': mjmlDoc(section('<mj-text>{% if rule(customer.country) %}x{% endif %}</mj-text>')),
      't.yaml': templateYaml('t', { subject: 'Hi', mjml: 't.mjml' }),
    });
    expect(only(compileTemplateFile(dynamic, 't.yaml').diagnostics, 'HL349').message).toBe(
      'rule() takes one rule written as a string literal',
    );
  });

  it('reports an unknown filter with a suggestion', () => {
    const root = workspace({
      't.mjml': mjmlDoc(section('<mj-text>{{ customer.first_name | uper }}</mj-text>')),
      't.yaml': templateYaml('t', { subject: 'Hi', mjml: 't.mjml' }),
    });
    const d = only(compileTemplateFile(root, 't.yaml').diagnostics, 'HL354');
    expect(d.message).toBe('unknown filter "uper"');
    expect(d.help).toBe('did you mean "upper"?');
    expect(at(d)).toBe('t.mjml:3:58');
  });

  it('checks variables against the data model, traits, models and segments', () => {
    const body = section(
      [
        '<mj-text>{{ customer.frist_name }}</mj-text>',
        '<mj-text>{{ traits.rfn.monetary }} {{ scores.repurchase_90 }} {{ tiers.repurchase_90d }}</mj-text>',
        '<mj-text>{% if "vipp" in segments %}x{% endif %} {{ custmer.email }} {{ journey.stp }}</mj-text>',
        '<mj-text>{% for item in recommendations %}{{ item.nam }} {{ loop.index }}{% endfor %}</mj-text>',
        '<mj-text>{% set greeting = "Hi" %}{{ greeting }} {% for k, v in traits %}{{ k }}{% endfor %}</mj-text>',
      ].join('\n'),
    );
    const root = workspace({ 't.mjml': mjmlDoc(body), 't.yaml': templateYaml('t', { subject: 'Hi', mjml: 't.mjml' }) });
    const ds = compileTemplateFile(root, 't.yaml').diagnostics.filter((d) => d.code === 'HL350');
    expect(ds.map((d) => [d.message, d.help, at(d)])).toEqual([
      ['unknown customer field "frist_name"', 'did you mean "first_name"?', 't.mjml:3:45'],
      ['unknown trait "rfn"', 'did you mean "rfm"?', 't.mjml:4:20'],
      ['unknown model "repurchase_90"', 'did you mean "repurchase_90d"?', 't.mjml:4:46'],
      ['unknown segment "vipp"', 'did you mean "vip"?', 't.mjml:5:16'],
      ['unknown variable "custmer"', 'did you mean "customer"?', 't.mjml:5:53'],
      ['unknown journey key "stp"', 'did you mean "step"?', 't.mjml:5:81'],
      ['unknown item field (in item) "nam"', 'did you mean "name"?', 't.mjml:6:51'],
    ]);
  });

  it('refuses a loop over a value that is not a list', () => {
    const root = workspace({
      't.mjml': mjmlDoc(section('<mj-text>{% for c in customer.first_name %}{{ c }}{% endfor %}</mj-text>')),
      't.yaml': templateYaml('t', { subject: 'Hi', mjml: 't.mjml' }),
    });
    const d = only(compileTemplateFile(root, 't.yaml').diagnostics, 'HL352');
    expect(d.message).toBe('customer.first_name is not a list');
  });

  it('blocks sandbox escapes at compile time', () => {
    const root = workspace({
      't.mjml': mjmlDoc(section('<mj-text>{{ range.constructor("return process")() }} {{ customer.__proto__ }}</mj-text>')),
      't.yaml': templateYaml('t', { subject: 'Hi', mjml: 't.mjml' }),
    });
    const ds = compileTemplateFile(root, 't.yaml').diagnostics.filter((d) => d.code === 'HL358');
    expect(ds.map((d) => d.message)).toEqual(['"constructor" cannot be used in a template', '"__proto__" cannot be used in a template']);
  });

  it('refuses include and extends', () => {
    const root = workspace({
      't.mjml': mjmlDoc(section('<mj-text>{% include "x.html" %}</mj-text>')),
      't.yaml': templateYaml('t', { subject: 'Hi', mjml: 't.mjml' }),
    });
    expect(only(compileTemplateFile(root, 't.yaml').diagnostics, 'HL359').message).toBe('{% include %} is not available in templates');
  });

  it('requires an unsubscribe link in marketing email, not in transactional', () => {
    const mjml = `<mjml><mj-body>${section('<mj-text>Hello</mj-text>')}</mj-body></mjml>`;
    const root = workspace({
      't.mjml': mjml,
      't.yaml': templateYaml('t', { subject: 'Hi', mjml: 't.mjml' }),
      'r.yaml': templateYaml('r', { subject: 'Receipt', mjml: 't.mjml', category: 'transactional' }),
    });
    const d = only(compileTemplateFile(root, 't.yaml').diagnostics, 'HL355');
    expect(at(d)).toBe('t.mjml:1:7');
    const receipt = compileTemplateFile(root, 'r.yaml');
    expect(receipt.diagnostics).toEqual([]);
    expect(receipt.compiled?.category).toBe('transactional');
  });

  it('warns about images without alt and links without href', () => {
    const body = section(
      '<mj-image src="https://x.example/a.png" />\n<mj-button>Go</mj-button>\n<mj-text><a>nowhere</a><img src="https://x.example/b.png"></mj-text>',
    );
    const root = workspace({ 't.mjml': mjmlDoc(body), 't.yaml': templateYaml('t', { subject: 'Hi', mjml: 't.mjml' }) });
    const out = compileTemplateFile(root, 't.yaml');
    expect(out.diagnostics.map((d) => [d.code, d.severity, d.message, at(d)])).toEqual([
      ['HL356', 'warning', '<mj-image> without alt text', 't.mjml:3:24'],
      ['HL357', 'warning', '<mj-button> without an href', 't.mjml:4:1'],
      ['HL357', 'warning', '<a> without an href', 't.mjml:5:10'],
      ['HL356', 'warning', '<img> without alt text', 't.mjml:5:24'],
    ]);
    expect(out.compiled).toBeDefined();
  });

  it('warns when the compiled HTML is over 102 KB (Gmail clipping)', () => {
    const big = section(`<mj-text>${'Lorem ipsum dolor sit amet. '.repeat(4000)}</mj-text>`);
    const root = workspace({ 't.mjml': mjmlDoc(big), 't.yaml': templateYaml('t', { subject: 'Hi', mjml: 't.mjml' }) });
    const d = only(compileTemplateFile(root, 't.yaml').diagnostics, 'HL423');
    expect(d.severity).toBe('warning');
    expect(d.message).toMatch(/^compiled HTML is 1\d\d\.\d KB/);
  });

  it('reports missing partials and layouts without a slot', () => {
    const root = workspace({
      'layout.mjml': `<mjml><mj-body><mj-include path="nope.mjml" /></mj-body></mjml>`,
      'body.mjml': section('<mj-text>x</mj-text>'),
      't.yaml': templateYaml('t', { subject: 'Hi', mjml: 'body.mjml', layout: 'layout.mjml' }),
    });
    const ds = compileTemplateFile(root, 't.yaml').diagnostics;
    expect(ds.map((d) => [d.code, d.message, at(d)])).toEqual([
      ['HL351', 'file nope.mjml does not exist', 'layout.mjml:1:16'],
      ['HL351', 'layout layout.mjml has no <herald-content /> slot', 'layout.mjml:1:1'],
    ]);
  });

  it('reports a partial that includes itself', () => {
    const root = workspace({
      'p.mjml': '<mj-include path="p.mjml" />',
      't.mjml': mjmlDoc('<mj-include path="p.mjml" />'),
      't.yaml': templateYaml('t', { subject: 'Hi', mjml: 't.mjml' }),
    });
    expect(only(compileTemplateFile(root, 't.yaml').diagnostics, 'HL351').message).toBe(
      'partial p.mjml includes itself (t.mjml -> p.mjml -> p.mjml)',
    );
  });

  it('reports nunjucks that MJML would repeat (a block tag in <mj-title>)', () => {
    const mjml = `<mjml>\n<mj-head><mj-title>{% if customer.first_name %}Hi{% endif %}</mj-title></mj-head>\n<mj-body>${section('<mj-text>x</mj-text>')}\n${FOOTER}</mj-body>\n</mjml>\n`;
    const root = workspace({ 't.mjml': mjml, 't.yaml': templateYaml('t', { subject: 'Hi', mjml: 't.mjml' }) });
    const ds = compileTemplateFile(root, 't.yaml').diagnostics.filter((d) => d.code === 'HL422');
    expect(ds.map((d) => [d.message, at(d)])).toEqual([
      ['MJML repeated {% if customer.first_name %}', 't.mjml:2:20'],
      ['MJML repeated {% endif %}', 't.mjml:2:50'],
    ]);
  });

  it('reports MJML that cannot be processed at all', () => {
    const root = workspace({
      't.mjml': '<mjml>\n</mjml>\n',
      't.yaml': templateYaml('t', { subject: 'Hi', mjml: 't.mjml', category: 'transactional' }),
    });
    const d = only(compileTemplateFile(root, 't.yaml').diagnostics, 'HL424');
    expect(d.message).toMatch(/^MJML failed: Malformed MJML/);
    expect(at(d)).toBe('t.mjml:1:1');
  });
});
