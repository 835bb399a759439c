/**
 * The JavaScript rule evaluator's speed: a typical 5-clause segment rule (fields, a trait, two
 * event aggregates) compiled once and evaluated over 20,000 generated customers, 5 times per run
 * (100,000 evaluations). Baseline: a hand-written JavaScript function for the same rule, with the
 * same two-valued semantics, over the same context objects.
 * Target: >= 1,000,000 evaluations/s for the compiled rule.
 */
import { parseRule } from '../compiler/dsl/parse.ts';
import type { Expr } from '../compiler/contract/core/ast.ts';
import type { RuleSchema } from '../compiler/contract/core/rule-paths.ts';
import type { EvalContext, EventRecord } from '../runtime/eval/context.ts';
import { eventsOfType } from '../runtime/eval/context.ts';
import { compileRule } from '../runtime/eval/rule.ts';
import type { BenchSuite } from './types.ts';

const CUSTOMERS = 20_000;
const PASSES = 5;
const EVALUATIONS = CUSTOMERS * PASSES;
const DAY = 86_400_000;
const AS_OF = Date.UTC(2011, 11, 10);

const RULE =
  'country = "United Kingdom" and email_consent and rfm.monetary >= 3 and days_since(last(purchase).at) > 30 and count(purchase within 365d) >= 2';
const FIELDS_RULE = 'country = "United Kingdom" and email_consent and age between 25 and 60 and city != "London" and ltv > 100';

const schema: RuleSchema = {
  dataModel: {
    customers: {
      fields: {
        country: { type: 'string' },
        email_consent: { type: 'boolean' },
        age: { type: 'integer' },
        city: { type: 'string' },
        ltv: { type: 'number' },
      },
      mergeByEmail: false,
    },
    events: { purchase: { amount: { type: 'number' } } },
    items: { fields: {} },
  },
  traits: { rfm: [{ name: 'monetary', type: 'number' }] },
};

function parse(text: string): Expr {
  const parsed = parseRule(text);
  if (!parsed.ok) throw new Error(`benchmark rule does not parse: ${text}`);
  return parsed.ast;
}

/** Deterministic pseudo-random numbers (no Math.random: the same data every run). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

let contexts: EvalContext[] = [];
let sink = 0;

function generate(): void {
  const rnd = lcg(42);
  const countries = ['United Kingdom', 'France', 'Germany', 'EIRE'];
  const cities = ['London', 'Leeds', 'Paris', 'Berlin'];
  contexts = [];
  for (let i = 0; i < CUSTOMERS; i++) {
    const events: EventRecord[] = [];
    const n = Math.floor(rnd() * 8);
    for (let j = 0; j < n; j++)
      events.push({ id: `e${i}_${j}`, type: 'purchase', at: AS_OF - Math.floor(rnd() * 500) * DAY, amount: Math.round(rnd() * 200) });
    const ctx: EvalContext = {
      asOf: AS_OF,
      customer: {
        id: `c${i}`,
        country: rnd() < 0.1 ? null : countries[Math.floor(rnd() * 4)],
        email_consent: rnd() < 0.8,
        age: Math.floor(18 + rnd() * 60),
        city: cities[Math.floor(rnd() * 4)],
        ltv: rnd() * 1000,
      },
      events,
      traits: { rfm: { monetary: 1 + Math.floor(rnd() * 5) } },
    };
    eventsOfType(ctx, 'purchase'); // events grouped by type once per customer, as the runtime does
    contexts.push(ctx);
  }
}

/** The same rule written by hand: two-valued (missing is false), windows inclusive, as of AS_OF. */
function handWritten(ctx: EvalContext): boolean {
  const c = ctx.customer;
  if (c.country !== 'United Kingdom' || c.email_consent !== true) return false;
  const monetary = ctx.traits?.rfm?.monetary as number | null | undefined;
  if (monetary == null || !(monetary >= 3)) return false;
  const events = ctx.cache!.byType!.get('purchase') ?? [];
  let last = -Infinity;
  let count = 0;
  const from = ctx.asOf - 365 * DAY;
  for (const e of events) {
    if (e.at > ctx.asOf) continue;
    if (e.at > last) last = e.at;
    if (e.at >= from) count++;
  }
  if (last === -Infinity || !((ctx.asOf - last) / DAY > 30)) return false;
  return count >= 2;
}

function handWrittenFields(ctx: EvalContext): boolean {
  const c = ctx.customer as Record<string, any>;
  return (
    c.country === 'United Kingdom' &&
    c.email_consent === true &&
    c.age != null &&
    c.age >= 25 &&
    c.age <= 60 &&
    !(c.city === 'London') &&
    c.ltv != null &&
    c.ltv > 100
  );
}

function loop(test: (ctx: EvalContext) => boolean): void {
  let n = 0;
  for (let pass = 0; pass < PASSES; pass++) for (const ctx of contexts) if (test(ctx)) n++;
  sink += n;
}

const compiled = compileRule(parse(RULE), schema);
const compiledFields = compileRule(parse(FIELDS_RULE), schema);

const suite: BenchSuite = {
  name: 'eval',
  runs: 7,
  warmup: 2,
  before() {
    generate();
    // The baseline must mean the same as the rule, or the comparison is meaningless.
    const differ = contexts.filter((c) => compiled.test(c) !== handWritten(c) || compiledFields.test(c) !== handWrittenFields(c)).length;
    if (differ > 0) throw new Error(`hand-written baseline disagrees with the compiled rule for ${differ} customers`);
  },
  after() {
    // Keeps the loops' results observable so nothing is optimized away.
    if (sink < 0) throw new Error('unreachable');
  },
  cases: [
    { name: 'hand-written JS, 5 clauses', baseline: true, units: EVALUATIONS, unitName: 'evals', run: () => loop(handWritten) },
    { name: 'compiled rule, 5 clauses', units: EVALUATIONS, unitName: 'evals', run: () => loop(compiled.test) },
    { name: 'hand-written JS, 5 field clauses', units: EVALUATIONS, unitName: 'evals', run: () => loop(handWrittenFields) },
    { name: 'compiled rule, 5 field clauses', units: EVALUATIONS, unitName: 'evals', run: () => loop(compiledFields.test) },
  ],
  targets: [
    {
      description: 'compiled 5-clause rule: >= 1,000,000 evaluations/s',
      check: (m) => EVALUATIONS / (m['compiled rule, 5 clauses']! / 1000) >= 1_000_000,
    },
  ],
};

export default suite;
