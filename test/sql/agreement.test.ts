/**
 * The three-way agreement property: for random data models, customers, events, traits and
 * well-typed rules, the JavaScript evaluator, SQLite and PostgreSQL select exactly the same
 * customers (and materialize exactly the same trait values). Many rules are checked per generated
 * database so thousands of rule cases run in a sensible time.
 *
 * HERALD_AGREEMENT_RUNS scales the number of generated databases (default 40 per dialect).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Expr } from '../../compiler/contract/core/ast.ts';
import { printRule } from '../../compiler/dsl/print.ts';
import type { Database } from '../../runtime/db/database.ts';
import { openDatabase } from '../../runtime/db/open.ts';
import { createPostgresDatabase } from '../support/postgres.ts';
import { dataArb, modelArb, ruleArb, traitsArb, type GenData, type GenModel } from './agreement/generators.ts';
import { evaluatorSide, loadDatabase, materializeTraitsSql, membersJs, membersSql } from './agreement/harness.ts';

const RUNS = Number(process.env.HERALD_AGREEMENT_RUNS ?? 40);
const RULES_PER_DATABASE = 60;

/** A failing rule as people read it (and the segments it may use). */
function describeRule(rule: Expr, segments: Record<string, Expr>): string {
  const print = (e: Expr) => {
    try {
      return printRule(e);
    } catch {
      return JSON.stringify(e);
    }
  };
  return `${print(rule)}   [s1: ${print(segments.s1!)}; s2: ${print(segments.s2!)}]`;
}

interface Scenario {
  model: GenModel;
  data: GenData;
  segments: Record<string, Expr>;
  rules: Expr[];
}

const scenarioArb: fc.Arbitrary<Scenario> = modelArb.chain((base) =>
  traitsArb(base).chain((traits) => {
    const model = { ...base, traits };
    return fc
      .record({
        data: dataArb(model),
        s1: ruleArb(model, []),
        s2: ruleArb(model, ['s1']),
        rules: fc.array(ruleArb(model, ['s1', 's2']), { minLength: RULES_PER_DATABASE, maxLength: RULES_PER_DATABASE }),
      })
      .map(({ data, s1, s2, rules }) => ({ model, data, segments: { s1, s2 }, rules }));
  }),
);

function agreementSuite(dialect: 'sqlite' | 'postgres') {
  describe(`SQL = JavaScript evaluator [${dialect}]`, () => {
    let db: Database;
    let drop: (() => Promise<void>) | undefined;
    let first = true;
    // Rules whose result is neither empty nor everyone: the test must not pass vacuously.
    const tally = { rules: 0, discriminating: 0 };

    beforeAll(async () => {
      if (dialect === 'sqlite') db = openDatabase('sqlite::memory:');
      else {
        const created = await createPostgresDatabase();
        drop = created.drop;
        db = openDatabase(created.url);
      }
    });
    afterAll(async () => {
      await db?.close();
      await drop?.();
    });

    it(`selects the same customers for ${RUNS * RULES_PER_DATABASE} random rules over ${RUNS} random databases`, async () => {
      await fc.assert(
        fc.asyncProperty(scenarioArb, async ({ model, data, segments, rules }) => {
          await loadDatabase(db, model, data, first);
          first = false;
          const js = evaluatorSide(model, data);

          const sqlTraits = await materializeTraitsSql(db, model);
          for (const [name, rows] of js.traits) {
            // Computed traits are compared as values; a row missing on one side is a disagreement.
            expect(Object.fromEntries(sqlTraits.get(name) ?? []), `trait ${name}`).toEqual(Object.fromEntries(rows));
          }

          const expected = membersJs(js.schema, segments, rules, js.contexts);
          const actual = await membersSql(db, js.schema, segments, rules);
          rules.forEach((rule, i) => {
            expect(actual[i], `rule ${i}: ${describeRule(rule, segments)}`).toEqual(expected[i]);
            tally.rules++;
            if (expected[i]!.length > 0 && expected[i]!.length < data.customers.length) tally.discriminating++;
          });
        }),
        { numRuns: RUNS, endOnFailure: true },
      );
      expect(tally.discriminating / tally.rules).toBeGreaterThan(0.1);
    });
  });
}

agreementSuite('sqlite');
agreementSuite('postgres');
