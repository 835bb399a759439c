import { describe, expect, it } from 'vitest';
import { findRuleSites, type RuleSite } from '../../compiler/1-load/rules.ts';
import type { Diagnostic } from '../../compiler/diagnostics/diagnostic.ts';
import { checkRule, expectRuleType } from '../../compiler/3-analyze/rules/check.ts';
import type { RuleEnvironment } from '../../compiler/3-analyze/rules/environment.ts';
import { formatType, BOOLEAN } from '../../compiler/3-analyze/rules/types.ts';
import { RFM_OUTPUTS } from '../../compiler/3-analyze/rules/trait-outputs.ts';
import type { RuleScope } from '../../compiler/dsl/scope.ts';
import type { Expr } from '../../compiler/contract/core/ast.ts';
import { analyzeSegment } from '../../compiler/3-analyze/kinds/segment.ts';
import { analyzeTrait } from '../../compiler/3-analyze/kinds/trait.ts';
import type { SegmentFacts, TraitFacts } from '../../compiler/3-analyze/rules/facts.ts';
import { DATA_MODEL, definitionsOf, documentsOf, fakeContext } from './support.ts';

function site(rule: string): RuleSite {
  const yaml = `kind: Segment\nmetadata: { name: s }\nspec:\n  where: ${JSON.stringify(rule)}\n`;
  const [found] = findRuleSites(documentsOf(yaml)[0]!);
  if (!found?.ast) throw new Error(`does not parse: ${rule}`);
  return found;
}

function env(extra: Partial<RuleEnvironment> = {}) {
  const diagnostics: Diagnostic[] = [];
  const references: string[] = [];
  const e: RuleEnvironment = {
    dataModel: DATA_MODEL,
    traits: new Map([
      ['rfm', RFM_OUTPUTS],
      ['lifecycle', [{ output: '', type: { kind: 'string' } }]],
    ]),
    topics: () => ['newsletter', 'offers'],
    report: (d) => diagnostics.push(d),
    reference: (kind, name) => {
      references.push(`${kind}/${name}`);
      return name !== 'missing';
    },
    ...extra,
  };
  return { env: e, diagnostics, references };
}

function check(rule: string, scope: RuleScope = 'customer', extra: Partial<RuleEnvironment> = {}) {
  const e = env(extra);
  const checked = checkRule(site(rule), scope, e.env)!;
  return { checked, codes: e.diagnostics.map((d) => d.code), diagnostics: e.diagnostics, references: e.references };
}

const typeOf = (rule: string, scope: RuleScope = 'customer', extra: Partial<RuleEnvironment> = {}) => {
  const { checked, diagnostics } = check(rule, scope, extra);
  expect(diagnostics.map((d) => d.message)).toEqual([]);
  return formatType(checked.type);
};

describe('types of expressions', () => {
  const cases: Array<[string, string]> = [
    ['1 + 2 * 3', 'number'],
    ['"a" + "b"', 'string'],
    ['signup_at - 2011-01-01', 'duration'],
    ['signup_at + 30d', 'timestamp'],
    ['30d - 2d', 'duration'],
    ['2 * 7d', 'duration'],
    ['7d / 2', 'duration'],
    ['(last(purchase).at - signup_at) / 1d', 'number'],
    ['days_since(signup_at)', 'number'],
    ['count(purchase within 30d)', 'number'],
    ['exists(purchase)', 'boolean'],
    ['sum(purchase.amount)', 'number'],
    ['max(purchase.at)', 'timestamp'],
    ['min(purchase.item_id)', 'string'],
    ['last(added_to_cart).price', 'number'],
    ['first(purchase).at', 'timestamp'],
    ['["UK", "FR"]', 'list<string>'],
    ['[]', 'list<unknown>'],
    ['if(email_consent, "yes", null)', 'string'],
    ['coalesce(first_name, country, "x")', 'string'],
    ['rfm.score', 'string'],
    ['rfm.monetary', 'number'],
    ['lifecycle', 'string'],
    ['score(churn)', 'number'],
    ['tier(churn)', 'string'],
    ['in_segment(vip)', 'boolean'],
    ['subscribed("offers")', 'boolean'],
    ['subscribed(newsletter) and not subscribed("offers")', 'boolean'],
    ['round(3.14159, 2)', 'number'],
    ['-30d', 'duration'],
    ['id', 'string'],
    ['country not in ["UK"] and signup_at between 2011-01-01 and 2012-01-01 and first_name is null', 'boolean'],
  ];
  for (const [rule, type] of cases) it(`${rule} : ${type}`, () => expect(typeOf(rule)).toBe(type));
});

describe('typed facts', () => {
  it('records every node type and what every path names', () => {
    const { checked } = check('rfm.monetary >= 4 and exists(added_to_cart where price > 50 within 48h) and country = "UK"');
    const targets = [...checked.targets.entries()].map(([p, t]) => [p.segments.join('.'), t]);
    expect(targets).toEqual([
      ['rfm.monetary', { kind: 'trait', trait: 'rfm', output: 'monetary' }],
      ['price', { kind: 'event_property', event: 'added_to_cart', property: 'price' }],
      ['country', { kind: 'customer_field', field: 'country' }],
    ]);
    const every: Expr[] = [];
    const walk = (e: Expr): void => {
      every.push(e);
      if (e.kind === 'binary') [e.left, e.right].forEach(walk);
      if (e.kind === 'aggregate' && e.where) walk(e.where);
    };
    walk(checked.ast);
    for (const node of every) expect(checked.types.has(node), JSON.stringify(node)).toBe(true);
    expect(checked.uses).toEqual([{ kind: 'Trait', name: 'rfm' }]);
    expect(checked.ok).toBe(true);
  });

  it('declares uses of segments and models, and reports unknown ones through reference()', () => {
    const { checked, references } = check('in_segment(vip) and score("churn") > 0.5 and tier(missing) = "high"');
    expect(references).toEqual(['Segment/vip', 'Model/churn', 'Model/missing']);
    expect(checked.uses).toEqual([
      { kind: 'Segment', name: 'vip' },
      { kind: 'Model', name: 'churn' },
    ]);
  });

  it('checks a rule of thousands of terms without exhausting the stack', () => {
    const rule = Array.from({ length: 3000 }, (_, i) => `count(purchase within ${i + 1}d) > ${i}`).join(' and ');
    const { checked, codes } = check(rule);
    expect(codes).toEqual([]);
    expect(checked.type).toEqual(BOOLEAN);
    const sum = Array.from({ length: 450 }, () => 'rfm.total').join(' + ');
    expect(typeOf(sum)).toBe('number');
  });
});

describe('subscribed("topic")', () => {
  it('names a declared topic: an unknown one is HL313 at the argument, with the nearest topic', () => {
    const rule = 'email_consent and subscribed("ofers")';
    const { diagnostics } = check(rule);
    expect(diagnostics.map((d) => [d.code, d.message, d.help])).toEqual([
      ['HL313', '`subscribed` names topic "ofers", which the workspace does not declare', 'did you mean "offers"?'],
    ]);
    // The range is the argument's as the YAML line writes it (a quoted scalar: `\"ofers\"`).
    const line = `  where: ${JSON.stringify(rule)}`;
    const { start, end } = diagnostics[0]!.range!;
    expect(line.slice(start.column - 1, end.column - 1)).toBe('\\"ofers\\"');
    expect(check('subscribed("offers")', 'customer', { topics: () => [] }).diagnostics.map((d) => d.help)).toEqual([
      'declare it under `topics:` in herald.yaml, e.g. `topics: { newsletter: { title: Weekly newsletter } }`',
    ]);
  });

  it('refuses an expression as the topic, a wrong argument count, and event or row scopes', () => {
    expect(check('subscribed(42)').diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['HL334', '`subscribed` takes the name of a subscription topic, not a number'],
    ]);
    expect(check('subscribed(lower("offers"))').codes).toEqual(['HL334']);
    expect(check('subscribed("offers", "newsletter")').codes).toEqual(['HL326']);
    expect(check('subscribed("offers") > 1').codes).toEqual(['HL320']);
    expect(check('subscribed("offers")', 'event', { event: 'added_to_cart' }).codes).toEqual(['HL329']);
    expect(check('exists(purchase where subscribed("offers"))').codes).toEqual(['HL329']);
    expect(check('subscribed("offers")', 'source-row').codes).toEqual(['HL329']);
  });
});

describe('scopes', () => {
  it('source-row: any column when the header is unknown, checked when known; no aggregates', () => {
    expect(typeOf('if(InvoiceNo starts with "C", "refund", "purchase")', 'source-row')).toBe('string');
    expect(typeOf('Quantity * `Unit Price`', 'source-row')).toBe('unknown');
    const known = check('Quantity * UnitPrise', 'source-row', { sourceColumns: ['Quantity', 'UnitPrice'] });
    expect(known.diagnostics.map((d) => [d.code, d.message, d.help])).toEqual([
      ['HL322', 'the source has no column `UnitPrise`', 'did you mean `UnitPrice`?'],
    ]);
    expect(check('count(purchase) > 1', 'source-row').codes).toEqual(['HL329']);
    expect(check('in_segment(vip)', 'source-row').codes).toEqual(['HL329']);
  });

  it('event: names are the event properties', () => {
    expect(typeOf('price > 50 and item_id starts with "85"', 'event', { event: 'added_to_cart' })).toBe('boolean');
    const wrong = check('prize > 50', 'event', { event: 'added_to_cart' });
    expect(wrong.diagnostics.map((d) => [d.code, d.help])).toEqual([['HL324', 'did you mean `price`?']]);
    expect(check('count(purchase) > 1', 'event', { event: 'added_to_cart' }).codes).toEqual(['HL329']);
  });

  it('model-label allows within next; journey allows since_entry; customer neither', () => {
    expect(typeOf('exists(purchase within next 90d)', 'model-label')).toBe('boolean');
    expect(typeOf('exists(purchase within since_entry)', 'journey')).toBe('boolean');
    expect(check('exists(purchase within since_entry)', 'model-label').codes).toEqual(['HL328']);
    expect(check('exists(purchase within next 90d)', 'journey').codes).toEqual(['HL328']);
  });
});

describe('helpful unknown names', () => {
  it('explains customer.x and event names used as fields', () => {
    expect(check('customer.country = "UK"').diagnostics.map((d) => d.help)).toEqual([
      'rules name customer fields directly: write `country`',
    ]);
    expect(check('purchase > 1').diagnostics.map((d) => d.help)).toEqual([
      '`purchase` is an event type: use an aggregate such as count(purchase) or last(purchase).at',
    ]);
  });
});

describe('rule type for its place', () => {
  it('expectRuleType reports HL332 with the rule span', () => {
    const e = env();
    const checked = checkRule(site('count(purchase)'), 'customer', e.env)!;
    expect(expectRuleType(checked, BOOLEAN, e.env, 'a segment `where`')).toBe(false);
    expect(e.diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['HL332', 'a segment `where` must be a boolean, but this rule is a number'],
    ]);
  });
});

describe('Trait and Segment analyzers', () => {
  const yaml = `kind: Trait
metadata: { name: rfm }
spec:
  rfm: { event: purchase, amount: amount, window: 180d, quintiles: { monetary: [10, 20, 30, 40] } }
---
kind: Trait
metadata: { name: stage }
spec:
  lifecycle:
    stages:
      - { name: active, when: count(purchase within 90d) >= 1 }
      - { name: lapsed, when: exists(purchase) }
    else: prospect
---
kind: Trait
metadata: { name: ltv }
spec: { type: number, expression: sum(purchase.amount) }
---
kind: Segment
metadata: { name: lapsed_high_value }
spec:
  where: rfm.monetary >= 4 and stage = "lapsed" and ltv > 100
  exclude: [uk]
---
kind: Segment
metadata: { name: uk }
spec: { where: country = "United Kingdom", live: true }
`;

  it('returns facts the emit phase consumes, and traits are visible to segments', () => {
    const defs = definitionsOf(documentsOf(yaml));
    const ctx = fakeContext(defs);
    const facts = new Map(defs.map((d) => [d.name, d.kind === 'Trait' ? analyzeTrait(d, ctx) : analyzeSegment(d, ctx)]));
    expect(ctx.diagnostics).toEqual([]);
    const rfm = facts.get('rfm') as TraitFacts;
    expect(rfm).toMatchObject({
      kind: 'rfm',
      event: 'purchase',
      amount: 'amount',
      window: { amount: 180, unit: 'd' },
      cutPoints: { monetary: [10, 20, 30, 40] },
    });
    expect(rfm.outputs.map((o) => `${o.output}:${formatType(o.type)}`)).toEqual([
      'recency:number',
      'frequency:number',
      'monetary:number',
      'score:string',
      'total:number',
    ]);
    const stage = facts.get('stage') as TraitFacts;
    expect(stage.kind === 'lifecycle' && stage.stages.map((s) => [s.name, s.when?.ok])).toEqual([
      ['active', true],
      ['lapsed', true],
    ]);
    expect(stage).toMatchObject({ else: 'prospect', outputs: [{ output: '', type: { kind: 'string' } }] });
    const ltv = facts.get('ltv') as TraitFacts;
    expect(ltv.kind === 'expression' && formatType(ltv.rule!.type)).toBe('number');
    const segment = facts.get('lapsed_high_value') as SegmentFacts;
    expect(segment).toMatchObject({ name: 'lapsed_high_value', include: [], exclude: ['uk'], live: false });
    expect(segment.where?.ok).toBe(true);
    expect((facts.get('uk') as SegmentFacts).live).toBe(true);
    expect(ctx.edges).toEqual([
      'Segment/lapsed_high_value -> Trait/rfm',
      'Segment/lapsed_high_value -> Trait/stage',
      'Segment/lapsed_high_value -> Trait/ltv',
    ]);
  });
});
