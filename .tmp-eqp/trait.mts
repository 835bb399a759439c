import { openDatabase } from '../runtime/db/open.ts';
import { runCompiled } from '../runtime/db/compiled.ts';
import { compileTraitQuery } from '../compiler/sql/index.ts';
import { parseRule } from '../compiler/dsl/parse.ts';
import { SHOP_MODEL } from '../test/segments/generate-data.ts';
const db = openDatabase(process.argv[2]!);
const r = (t: string) => { const p = parseRule(t); if (!p.ok) throw new Error(t); return p.ast; };
const plan = { kind: 'lifecycle' as const, name: 'lifecycle', else: 'prospect', stages: [
  { name: 'new', when: r('days_since(signup_at) between 0 and 7 and not exists(purchase)') },
  { name: 'active', when: r('exists(purchase within 30d)') },
  { name: 'churned', when: r('exists(purchase) and not exists(purchase within 180d)') },
  { name: 'lapsed', when: r('exists(purchase) and not exists(purchase within 90d)') },
  { name: 'cooling', when: r('exists(purchase)') } ] };
const q = compileTraitQuery(plan, db.dialect, { schema: { dataModel: SHOP_MODEL, traits: {} } });
const times: number[] = [];
for (let i = 0; i < 3; i++) { const t = performance.now(); await runCompiled(db.kysely, db.dialect, q, { as_of: Date.UTC(2011, 11, 10) }); times.push(performance.now() - t); }
console.log(times.map((t) => t.toFixed(0)).join(' '), 'ms');
await db.close();
