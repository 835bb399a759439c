/**
 * The Segment and Trait emitters through the real pipeline: a workspace on disk is compiled, and
 * its manifest blocks (SQL per dialect, AST, outputs, dependencies) and build/sql files checked,
 * then the compiled queries run on SQLite and must agree with the evaluator on the blocks' ASTs.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPipeline } from '../../compiler/index.ts';
import type { CompiledSegment, CompiledTrait } from '../../compiler/contract/compiled-sql.ts';
import { openDatabase } from '../../runtime/db/open.ts';
import { createSegmentSet } from '../../runtime/eval/segments.ts';
import { evaluatorSide, loadDatabase, materializeTraitsSql, runQuery } from './agreement/harness.ts';
import { AS_OF } from './agreement/generators.ts';

const dir = mkdtempSync(join(tmpdir(), 'herald-emit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

writeFileSync(
  join(dir, 'herald.yaml'),
  `apiVersion: herald/v1
kind: Workspace
metadata: { name: emit_test }
spec:
  customers:
    fields:
      email: { type: email, pii: true }
      country: string
      email_consent: boolean
  events:
    purchase: { amount: number }
`,
);
writeFileSync(
  join(dir, 'rules.yaml'),
  `apiVersion: herald/v1
kind: Trait
metadata: { name: rfm }
spec:
  rfm: { event: purchase, amount: amount, window: 365d }
---
apiVersion: herald/v1
kind: Trait
metadata: { name: stage }
spec:
  lifecycle:
    stages:
      - { name: active, when: "exists(purchase within 90d)" }
    else: lapsed
---
apiVersion: herald/v1
kind: Segment
metadata: { name: reachable }
spec: { where: email_consent, live: true }
---
apiVersion: herald/v1
kind: Segment
metadata: { name: uk }
spec: { where: country = "UK", live: true }
---
apiVersion: herald/v1
kind: Segment
metadata: { name: best }
spec:
  where: rfm.monetary >= 4 and stage = "active"
  include: [reachable]
  exclude: [uk]
  live: true
`,
);

describe('Segment and Trait emitters', () => {
  const result = runPipeline(dir, { emit: true });
  const errors = result.diagnostics.filter((d) => d.severity === 'error');
  const manifest = result.emitted?.manifest as any;

  it('compiles the workspace without errors', () => {
    expect(errors).toEqual([]);
    expect(manifest).toBeDefined();
  });

  it('emits a segment block per dialect with the folded membership rule and dependencies', () => {
    const best = manifest.definitions['Segment/best'].compiled as CompiledSegment;
    expect(Object.keys(best.sql).sort()).toEqual(['postgres', 'sqlite']);
    expect(best.sql.sqlite.sql).toMatch(/^select "c"."id" as "customer_id" from "customers" as "c" where /);
    expect(best.sql.postgres.sql).toContain('$1');
    // Traits are read from their materialized tables: no as_of needed here, and values all bound.
    expect(best.sql.sqlite.parameters.map((p) => ('value' in p ? p.value : p.name)).sort()).toEqual([4, 'UK', 'active'].sort());
    expect(best.dependencies).toEqual(['Segment/reachable', 'Segment/uk', 'Trait/rfm', 'Trait/stage']);
    expect(JSON.stringify(best.ast)).toContain('"name":"in_segment"');
    expect(result.emitted!.files.get('sql/postgres/segments/best.sql')).toContain(best.sql.postgres.sql);
    expect(result.emitted!.files.get('sql/sqlite/traits/stage.sql')).toContain(':as_of');
  });

  it('emits trait blocks with their table, outputs and plan', () => {
    const rfm = manifest.definitions['Trait/rfm'].compiled as CompiledTrait;
    expect(rfm.table).toBe('trait_rfm');
    expect(rfm.outputs.map((o) => o.name)).toEqual(['recency', 'frequency', 'monetary', 'score', 'total']);
    expect(rfm.plan).toMatchObject({ kind: 'rfm', event: 'purchase', amount: 'amount', windowMs: 365 * 86_400_000 });
    const stage = manifest.definitions['Trait/stage'].compiled as CompiledTrait;
    expect(stage.outputs).toEqual([{ name: 'value', type: 'string' }]);
    expect(result.emitted!.files.has('sql/sqlite/traits/stage.sql')).toBe(true);
  });

  it('runs the emitted queries on SQLite with the same result as the evaluator on the emitted ASTs', async () => {
    const db = openDatabase('sqlite::memory:');
    try {
      const traits = ['rfm', 'stage'].map((n) => (manifest.definitions[`Trait/${n}`].compiled as CompiledTrait).plan);
      const model = { dataModel: manifest.dataModel, traits };
      const day = 86_400_000;
      const data = {
        customers: [
          { id: 'a', country: 'FR', email_consent: true },
          { id: 'b', country: 'UK', email_consent: true },
          { id: 'c', country: 'FR', email_consent: false },
          ...['d', 'e', 'f', 'g'].map((id) => ({ id, country: 'DE', email_consent: true })),
        ],
        events: ['a', 'b', 'c', 'd', 'e', 'f', 'g'].flatMap((id, i) => [
          { id: `${id}1`, customer_id: id, type: 'purchase', at: AS_OF - (i + 1) * 10 * day, amount: 100 - i * 10 },
        ]),
      };
      await loadDatabase(db, model, data, true);
      await materializeTraitsSql(db, model);
      const js = evaluatorSide(model, data);
      const segments = Object.fromEntries(
        ['reachable', 'uk', 'best'].map((n) => [n, (manifest.definitions[`Segment/${n}`].compiled as CompiledSegment).ast]),
      );
      const set = createSegmentSet(segments, js.schema);
      for (const name of Object.keys(segments)) {
        const rows = await runQuery(db, (manifest.definitions[`Segment/${name}`].compiled as CompiledSegment).sql.sqlite);
        const expected = js.contexts.filter((ctx) => set.isMember(name, { ...ctx })).map((ctx) => String(ctx.customer.id));
        expect(rows.map((r) => String(r.customer_id)).sort(), name).toEqual(expected.sort());
      }
      // Highest spend, recent, reachable, not UK: only `a` (b is UK, c has no consent).
      expect(
        (await runQuery(db, (manifest.definitions['Segment/best'].compiled as CompiledSegment).sql.sqlite)).map((r) => r.customer_id),
      ).toEqual(['a']);
    } finally {
      await db.close();
    }
  });
});
