/**
 * Golden SQL per dialect: every folder of test/fixtures/sql/ holds a rule (rule.txt, a segment
 * rule) or a trait (trait.json: a TraitPlan whose rule fields are rule text), the SQL expected for
 * each dialect (sqlite.sql, postgres.sql, as written to build/sql/) and the members/rows expected
 * on the fixture data (result.json). UPDATE_SNAPSHOTS=1 rewrites the expected files.
 *
 * Then the same queries run on a real SQLite and a real PostgreSQL, and must give result.json,
 * which must also be what the JavaScript evaluator gives.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Expr } from '../../compiler/contract/core/ast.ts';
import { SQL_DIALECTS, type TraitPlan } from '../../compiler/contract/compiled-sql.ts';
import { compileSegmentQuery, compileTraitQuery, traitOutputs } from '../../compiler/sql/index.ts';
import { sqlFile } from '../../compiler/sql/sql-file.ts';
import type { Database } from '../../runtime/db/database.ts';
import { openDatabase } from '../../runtime/db/open.ts';
import { createSegmentSet } from '../../runtime/eval/segments.ts';
import { createPostgresDatabase } from '../support/postgres.ts';
import { evaluatorSide, loadDatabase, materializeTraitsSql, runQuery, schemaOf } from './agreement/harness.ts';
import { data, dataModel, rule, segments, traits } from './golden/model.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/sql');
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';
const model = { dataModel, traits };
const schema = schemaOf(model);
const options = { schema, segmentRule: (name: string) => segments[name] };

interface Case {
  name: string;
  dir: string;
  segment?: Expr;
  trait?: TraitPlan;
}

function readCases(): Case[] {
  return readdirSync(FIXTURES, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => {
      const dir = join(FIXTURES, d.name);
      if (existsSync(join(dir, 'rule.txt')))
        return { name: d.name, dir, segment: rule(readFileSync(join(dir, 'rule.txt'), 'utf8').trim()) };
      const raw = JSON.parse(readFileSync(join(dir, 'trait.json'), 'utf8'));
      return { name: d.name, dir, trait: traitFromJson(raw) };
    })
    .sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** A trait.json: `expression`/`when` fields are rule text. */
function traitFromJson(raw: any): TraitPlan {
  if (raw.kind === 'expression') return { ...raw, expression: rule(raw.expression) };
  if (raw.kind === 'lifecycle') return { ...raw, stages: raw.stages.map((s: any) => ({ name: s.name, when: rule(s.when) })) };
  return raw;
}

function compile(c: Case, dialect: 'sqlite' | 'postgres') {
  return c.segment ? compileSegmentQuery(c.segment, dialect, options) : compileTraitQuery(c.trait!, dialect, options);
}

/** Compares with the file, or rewrites it under UPDATE_SNAPSHOTS=1. */
function snapshot(path: string, actual: string): void {
  if (UPDATE || !existsSync(path)) writeFileSync(path, actual);
  expect(actual).toBe(readFileSync(path, 'utf8'));
}

const cases = readCases();

describe('golden SQL', () => {
  it('has a fixture for every operator and function', () => {
    const text = cases.map((c) => (c.segment ? JSON.stringify(c.segment) : JSON.stringify(c.trait))).join('\n');
    for (const op of ['"="', '"!="', '"<"', '"<="', '">"', '">="', '"+"', '"-"', '"*"', '"/"', '"and"', '"or"', '"not"'])
      expect(text, op).toContain(`"op":${op}`);
    for (const kind of ['"in"', '"between"', '"is_null"', '"string_match"', '"aggregate"', '"timestamp"', '"duration"'])
      expect(text, kind).toContain(`"kind":${kind}`);
    for (const fn of ['if', 'coalesce', 'days_since', 'lower', 'upper', 'abs', 'round', 'score', 'tier', 'in_segment', 'subscribed'])
      expect(text, fn).toContain(`"name":"${fn}"`);
    for (const fn of ['count', 'exists', 'sum', 'avg', 'min', 'max', 'first', 'last']) expect(text, fn).toContain(`"fn":"${fn}"`);
    for (const kind of ['rfm', 'lifecycle', 'expression']) expect(text, kind).toContain(`"kind":"${kind}"`);
  });

  for (const c of cases) {
    for (const dialect of SQL_DIALECTS) {
      it(`${c.name} [${dialect}]`, () => {
        snapshot(join(c.dir, `${dialect}.sql`), sqlFile(c.name, compile(c, dialect)));
      });
    }
  }
});

/** Every fixture's result with the JavaScript evaluator (the reference the databases must match). */
function evaluatorResults(): Map<string, unknown> {
  const js = evaluatorSide(model, data);
  const contexts = js.contexts;
  const out = new Map<string, unknown>();
  for (const c of cases) {
    if (c.segment) {
      const set = createSegmentSet({ ...segments, __case: c.segment }, schema);
      out.set(
        c.name,
        contexts
          .filter((ctx) => set.isMember('__case', { ...ctx }))
          .map((ctx) => ctx.customer.id)
          .sort(),
      );
    } else {
      const withCase = { dataModel, traits: [...traits.filter((t) => t.name !== c.trait!.name), c.trait!] };
      const rows = evaluatorSide(withCase, data).traits.get(c.trait!.name)!;
      out.set(c.name, Object.fromEntries([...rows].sort(([a], [b]) => (a < b ? -1 : 1))));
    }
  }
  return out;
}

describe('golden results (JavaScript evaluator)', () => {
  const results = evaluatorResults();
  for (const c of cases) {
    it(c.name, () => snapshot(join(c.dir, 'result.json'), `${JSON.stringify(results.get(c.name), null, 1)}\n`));
  }
});

for (const dialect of SQL_DIALECTS) {
  describe(`golden SQL runs on a real database [${dialect}]`, () => {
    let db: Database;
    let drop: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      if (dialect === 'sqlite') db = openDatabase('sqlite::memory:');
      else {
        const created = await createPostgresDatabase();
        drop = created.drop;
        db = openDatabase(created.url);
      }
      await loadDatabase(db, model, data, true);
      await materializeTraitsSql(db, model);
    });
    afterAll(async () => {
      await db?.close();
      await drop?.();
    });

    for (const c of cases) {
      it(c.name, async () => {
        const rows = await runQuery(db, compile(c, dialect));
        const expected = JSON.parse(readFileSync(join(c.dir, 'result.json'), 'utf8'));
        if (c.segment) {
          expect(rows.map((r) => String(r.customer_id)).sort()).toEqual(expected);
        } else {
          const outputs = traitOutputs(c.trait!, schema);
          const byCustomer = Object.fromEntries(
            rows
              .map(
                (r) =>
                  [
                    String(r.customer_id),
                    Object.fromEntries(
                      outputs.map((o) => [o.name, o.type === 'number' ? (r[o.name] === null ? null : Number(r[o.name])) : r[o.name]]),
                    ),
                  ] as const,
              )
              .sort(([a], [b]) => (a < b ? -1 : 1)),
          );
          expect(byCustomer).toEqual(expected);
        }
      });
    }
  });
}
