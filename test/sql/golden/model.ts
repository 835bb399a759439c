/**
 * The data model, traits, segments and data every golden SQL fixture is compiled against and run on.
 */
import type { DataModel } from '../../../compiler/contract/data-model.ts';
import type { Expr } from '../../../compiler/contract/core/ast.ts';
import type { TraitPlan } from '../../../compiler/contract/compiled-sql.ts';
import { parseRule } from '../../../compiler/dsl/parse.ts';
import type { GenData } from '../agreement/generators.ts';

export const AS_OF = Date.UTC(2026, 0, 15, 12, 0, 0);
const DAY = 86_400_000;
const HOUR = 3_600_000;

export const dataModel: DataModel = {
  customers: {
    fields: {
      email: { type: 'email', pii: true },
      country: { type: 'string' },
      signup_at: { type: 'timestamp' },
      email_consent: { type: 'boolean' },
      age: { type: 'integer' },
      ltv: { type: 'number' },
    },
    mergeByEmail: false,
  },
  events: {
    purchase: { amount: { type: 'number' }, item_id: { type: 'string' }, quantity: { type: 'integer' } },
    added_to_cart: { price: { type: 'number' }, item_id: { type: 'string' } },
    page_view: { item_id: { type: 'string' } },
    email_unsubscribed: { topic: { type: 'string' } },
  },
  items: { fields: {} },
};

export function rule(text: string): Expr {
  const parsed = parseRule(text);
  if (!parsed.ok) throw new Error(`fixture rule does not parse: ${text}: ${JSON.stringify(parsed.errors)}`);
  return parsed.ast;
}

export const traits: TraitPlan[] = [
  { kind: 'rfm', name: 'rfm', event: 'purchase', amount: 'amount', windowMs: 365 * DAY },
  {
    kind: 'lifecycle',
    name: 'stage',
    stages: [
      { name: 'new', when: rule('days_since(signup_at) <= 30') },
      { name: 'active', when: rule('exists(purchase within 90d)') },
      { name: 'lapsed', when: rule('exists(purchase)') },
    ],
    else: 'prospect',
  },
  { kind: 'expression', name: 'spend_365', expression: rule('sum(purchase.amount within 365d)'), type: 'number' },
];

export const segments: Record<string, Expr> = {
  reachable: rule('email_consent'),
};

/** Model scores for score()/tier() (the model_scores table). */
const scores = [
  { model: 'repurchase', customer_id: 'c1', score: 0.9, tier: 'high' },
  { model: 'repurchase', customer_id: 'c2', score: 0.4, tier: 'medium' },
];

const at = (days: number, hours = 0) => AS_OF - days * DAY - hours * HOUR;

export const data: GenData = {
  customers: [
    { id: 'c1', email: 'ann@example.test', country: 'UK', signup_at: at(400), email_consent: true, age: 34, ltv: 250.5 },
    { id: 'c2', email: 'a_%bob@example.test', country: 'FR', signup_at: at(10), email_consent: false, age: 17, ltv: 0 },
    { id: 'c3', email: null, country: null, signup_at: null, email_consent: null, age: null, ltv: null },
    { id: 'c4', email: 'ÉLISE@Example.test', country: 'Österreich', signup_at: at(30), email_consent: true, age: 30, ltv: -12.25 },
    { id: 'c5', email: 'zoë@example.test', country: 'uk', signup_at: at(90, -1), email_consent: true, age: 18, ltv: 10.5 },
    { id: 'c6', email: 'straße@example.test', country: '😀land', signup_at: at(2000), email_consent: false, age: 65, ltv: 1e6 },
  ],
  events: [
    { id: 'e01', customer_id: 'c1', type: 'purchase', at: at(5), amount: 40, item_id: 'A', quantity: 2 },
    { id: 'e02', customer_id: 'c1', type: 'purchase', at: at(30), amount: 70.5, item_id: 'B', quantity: 1 },
    { id: 'e03', customer_id: 'c1', type: 'purchase', at: at(200), amount: 10, item_id: 'A', quantity: 1 },
    { id: 'e04', customer_id: 'c1', type: 'added_to_cart', at: at(1), price: 60, item_id: 'C' },
    { id: 'e05', customer_id: 'c2', type: 'purchase', at: at(100), amount: 500, item_id: 'Z', quantity: 10 },
    { id: 'e06', customer_id: 'c2', type: 'added_to_cart', at: at(2, 1), price: 80, item_id: 'Z' },
    { id: 'e07', customer_id: 'c2', type: 'purchase', at: AS_OF + DAY, amount: 999, item_id: 'F', quantity: 1 },
    { id: 'e08', customer_id: 'c4', type: 'purchase', at: at(30), amount: 5, item_id: 'A', quantity: null },
    { id: 'e09', customer_id: 'c4', type: 'purchase', at: at(30), amount: null, item_id: 'B', quantity: 3 },
    { id: 'e10', customer_id: 'c4', type: 'page_view', at: at(0), item_id: 'A' },
    { id: 'e11', customer_id: 'c5', type: 'purchase', at: at(365), amount: 12, item_id: 'C', quantity: 1 },
    { id: 'e12', customer_id: 'c5', type: 'purchase', at: at(366), amount: 30, item_id: 'C', quantity: 1 },
    { id: 'e13', customer_id: 'c6', type: 'page_view', at: at(3), item_id: 'Q' },
    // subscribed(): an unsubscribe from all email (c3), one before a re-subscription (c4), one topic only (c5).
    { id: 'e14', customer_id: 'c3', type: 'email_unsubscribed', at: at(4), topic: null },
    { id: 'e15', customer_id: 'c4', type: 'email_unsubscribed', at: at(10), topic: null },
    { id: 'e16', customer_id: 'c5', type: 'email_unsubscribed', at: at(1), topic: 'newsletter' },
  ],
  scores,
  // subscribed(): c2 left all email, c4 re-subscribed, c1 left offers, c6 leaves offers only after as_of.
  suppressions: [
    { customer_id: 'c2', reason: 'unsubscribed', at: at(3) },
    { customer_id: 'c4', reason: 'lifted', at: at(2) },
  ],
  optouts: [
    { customer_id: 'c1', topic: 'offers', at: at(1) },
    { customer_id: 'c5', topic: 'newsletter', at: at(1) },
    { customer_id: 'c6', topic: 'offers', at: at(-1) },
  ],
};
