/**
 * SQL backend unit properties: every value is a bound parameter (never pasted into the text),
 * identifiers are quoted whatever they contain, and run-time inputs are named.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileSegmentQuery } from '../../compiler/sql/index.ts';
import { SQL_DIALECTS } from '../../compiler/contract/compiled-sql.ts';
import type { RuleSchema } from '../../compiler/contract/core/rule-paths.ts';
import { bindParameters } from '../../compiler/contract/compiled-sql.ts';
import { openDatabase } from '../../runtime/db/open.ts';
import { migrate } from '../../runtime/db/migrate.ts';
import { syncSchema } from '../../runtime/db/sync.ts';
import { CompiledQuery } from 'kysely';
import * as b from '../support/ast-builders.ts';

const schema = (field: string): RuleSchema => ({
  dataModel: {
    customers: { fields: { [field]: { type: 'string' } }, mergeByEmail: false },
    events: { purchase: { amount: { type: 'number' } } },
    items: { fields: {} },
  },
  traits: {},
});

describe('SQL backend safety', () => {
  it('binds every string literal as a parameter, never as SQL text', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 3 }).filter((s) => !/^\s*$/.test(s)),
        (text) => {
          const marked = `\u0001${text}`;
          for (const dialect of SQL_DIALECTS) {
            const q = compileSegmentQuery(
              b.and(b.bin('=', b.path('country'), b.str(marked)), b.contains(b.path('country'), b.str(marked))),
              dialect,
              { schema: schema('country') },
            );
            expect(q.sql).not.toContain(marked);
            expect(q.parameters.filter((p) => 'value' in p && p.value === marked)).toHaveLength(2);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('names the as-of instant instead of reading the database clock', () => {
    for (const dialect of SQL_DIALECTS) {
      const q = compileSegmentQuery(b.bin('>', b.agg('count', 'purchase', { window: b.past(30, 'd') }), b.num(0)), dialect, {
        schema: schema('country'),
      });
      expect(q.parameters.filter((p) => 'name' in p)).toEqual([{ name: 'as_of' }, { name: 'as_of' }]);
      expect(q.sql.toLowerCase()).not.toMatch(/now\(|current_timestamp|'now'/);
    }
  });

  it('quotes identifiers that are SQL keywords or hold quotes, and the query runs', async () => {
    const field = 'select"x';
    const db = openDatabase('sqlite::memory:');
    try {
      await migrate(db);
      await syncSchema(db, schema(field).dataModel);
      await db.kysely
        .insertInto('customers')
        .values([
          { id: 'a', [field]: "'; drop table customers; --" },
          { id: 'b', [field]: 'x' },
        ])
        .execute();
      const q = compileSegmentQuery(b.bin('=', b.path(field), b.str("'; drop table customers; --")), 'sqlite', { schema: schema(field) });
      expect(q.sql).toContain('"select""x"');
      const rows = await db.kysely.executeQuery<{ customer_id: string }>(CompiledQuery.raw(q.sql, bindParameters(q, { as_of: 0 })));
      expect(rows.rows.map((r) => r.customer_id)).toEqual(['a']);
    } finally {
      await db.close();
    }
  });
});
