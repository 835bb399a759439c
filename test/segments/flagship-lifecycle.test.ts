import { schemaFor } from './manifest-builder.ts';
/**
 * The flagship's lifecycle stages (campaigns/traits/rfm.yaml) and audiences
 * (campaigns/segments/lifecycle.yaml) mean what they say: new = signed up in the last 7 days and
 * no purchase; active = a purchase in the last 30 days; cooling = the last one 30 to 90 days ago;
 * lapsed = no purchase for 90 days, but one within 180; churned = nothing for 180 days; prospect =
 * everyone else (never bought). Checked on customers placed at each boundary, with the compiled
 * flagship, by SQL on both databases and by the JavaScript evaluator.
 */
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { runPipeline } from '../../compiler/index.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';
import type { TraitPlan } from '../../compiler/contract/compiled-sql.ts';
import { compileCustomerTrait } from '../../runtime/eval/traits.ts';
import { segmentsOf, traitsOf } from '../../runtime/manifest.ts';
import { materialize } from '../../runtime/segments/materialize.ts';
import { ruleSchemaOf } from '../../runtime/segments/customer-context.ts';
import { forEachDialect } from '../support/postgres.ts';

const DAY = 86_400_000;
const AS_OF = Date.UTC(2011, 11, 10);
const ago = (days: number, ms = 0) => AS_OF - days * DAY - ms;

/** id → [signed up, purchases (when), email consent, the stage it must get]. */
const CUSTOMERS: Record<string, { signup: number; purchases: number[]; consent?: boolean; refunds?: number[]; stage: string }> = {
  new_3d: { signup: ago(3), purchases: [], stage: 'new' },
  new_edge: { signup: ago(7), purchases: [], stage: 'new' },
  not_new_8d: { signup: ago(7, 1), purchases: [], stage: 'prospect' },
  new_but_bought: { signup: ago(3), purchases: [ago(1)], stage: 'active' },
  signs_up_later: { signup: ago(-2), purchases: [], stage: 'prospect' },
  only_refunds: { signup: ago(100), purchases: [], refunds: [ago(5)], stage: 'prospect' },
  active_edge: { signup: ago(400), purchases: [ago(30)], stage: 'active' },
  cooling: { signup: ago(400), purchases: [ago(30, 1), ago(200)], stage: 'cooling' },
  cooling_edge: { signup: ago(400), purchases: [ago(90)], stage: 'cooling' },
  lapsed: { signup: ago(400), purchases: [ago(90, 1)], stage: 'lapsed' },
  lapsed_edge: { signup: ago(400), purchases: [ago(180), ago(300)], stage: 'lapsed' },
  churned: { signup: ago(400), purchases: [ago(180, 1)], stage: 'churned' },
  future_only: { signup: ago(400), purchases: [ago(-1)], stage: 'prospect' },
  active_no_consent: { signup: ago(400), purchases: [ago(2)], consent: false, stage: 'active' },
};

const AUDIENCES: Record<string, string> = {
  new_customers: 'new',
  active_customers: 'active',
  lapsed_customers: 'lapsed',
  churned_customers: 'churned',
};

let manifest: Manifest;
beforeAll(() => {
  const result = runPipeline(join(import.meta.dirname, '..', '..', 'campaigns'), { emit: true });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  expect(errors.map((d) => `${d.file}:${d.range?.start.line} ${d.code} ${d.message}`)).toEqual([]);
  manifest = result.emitted!.manifest;
}, 60_000);

const lifecycle = () => traitsOf(manifest).find((t) => t.name === 'lifecycle')!;
const audiences = () => segmentsOf(manifest).filter((s) => s.name in AUDIENCES);

/** Who each audience must hold: consenting customers of its stage. */
function expectedAudiences(): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(AUDIENCES).map(([segment, stage]) => [
      segment,
      Object.entries(CUSTOMERS)
        .filter(([, c]) => c.stage === stage && c.consent !== false)
        .map(([id]) => id)
        .sort(),
    ]),
  );
}

it('the JavaScript evaluator gives every customer the stage of the definitions', () => {
  const stageOf = compileCustomerTrait(lifecycle().compiled.plan as Exclude<TraitPlan, { kind: 'rfm' }>, ruleSchemaOf(manifest));
  const stages = Object.fromEntries(
    Object.entries(CUSTOMERS).map(([id, c]) => {
      const events = [
        ...c.purchases.map((at, i) => ({ id: `${id}_p${i}`, customer_id: id, type: 'purchase', at, amount: 10 })),
        ...(c.refunds ?? []).map((at, i) => ({ id: `${id}_r${i}`, customer_id: id, type: 'refund', at, amount: -10 })),
      ];
      return [id, stageOf({ asOf: AS_OF, customer: { id, signup_at: c.signup, email_consent: c.consent !== false }, events }).value];
    }),
  );
  expect(stages).toEqual(Object.fromEntries(Object.entries(CUSTOMERS).map(([id, c]) => [id, c.stage])));
});

forEachDialect('flagship lifecycle audiences', (ctx) => {
  it('SQL materializes every stage and audience as the definitions say', async () => {
    const db = await schemaFor(ctx, manifest);
    const bool = (v: boolean) => (db.dialect === 'sqlite' ? Number(v) : v);
    await db.kysely
      .insertInto('customers')
      .values(Object.entries(CUSTOMERS).map(([id, c]) => ({ id, signup_at: c.signup, email_consent: bool(c.consent !== false) })))
      .execute();
    const events = Object.entries(CUSTOMERS).flatMap(([id, c]) => [
      ...c.purchases.map((at, i) => ({ id: `${id}_p${i}`, customer_id: id, type: 'purchase', at, amount: 10 })),
      ...(c.refunds ?? []).map((at, i) => ({ id: `${id}_r${i}`, customer_id: id, type: 'refund', at, amount: -10 })),
    ]);
    await db.kysely.insertInto('events').values(events).execute();

    await materialize(db, { traits: [lifecycle()], segments: audiences() }, AS_OF);
    const stages = await db.kysely.selectFrom('trait_lifecycle').select(['customer_id', 'value']).execute();
    expect(Object.fromEntries(stages.map((r) => [r.customer_id, r.value]))).toEqual(
      Object.fromEntries(Object.entries(CUSTOMERS).map(([id, c]) => [id, c.stage])),
    );
    const members = await db.kysely
      .selectFrom('segment_memberships')
      .select(['segment', 'customer_id'])
      .where('exited_at', 'is', null)
      .execute();
    const actual = Object.fromEntries(
      Object.keys(AUDIENCES).map((s) => [
        s,
        members
          .filter((m) => m.segment === s)
          .map((m) => String(m.customer_id))
          .sort(),
      ]),
    );
    expect(actual).toEqual(expectedAudiences());
    await db.close();
  });
});
