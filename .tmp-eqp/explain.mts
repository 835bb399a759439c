import { CompiledQuery } from 'kysely';
import { openDatabase } from '../runtime/db/open.ts';
import { bindParameters } from '../compiler/types/compiled-sql.ts';
import { buildManifest } from '../test/segments/manifest-builder.ts';
import { SHOP_MODEL } from '../test/segments/generate-data.ts';
import { segmentsOf } from '../runtime/manifest.ts';
const [url, json] = process.argv.slice(2);
const rules: Record<string, string> = JSON.parse(json!);
const db = openDatabase(url!);
const m = buildManifest({ dataModel: SHOP_MODEL, segments: rules });
for (const s of segmentsOf(m)) {
  if (!(s.name in rules)) continue;
  const q = s.compiled.sql[db.dialect];
  const params = bindParameters(q, { as_of: Date.UTC(2011, 11, 10) });
  const r = await db.kysely.executeQuery<any>(CompiledQuery.raw((db.dialect === 'postgres' ? 'explain analyze ' : 'explain query plan ') + q.sql, params));
  console.log('==', s.name); for (const row of r.rows) console.log(row['QUERY PLAN'] ?? row.detail);
}
await db.close();
