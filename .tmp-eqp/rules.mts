import { openDatabase } from '../runtime/db/open.ts';
import { runCompiled } from '../runtime/db/compiled.ts';
import { buildManifest } from '../test/segments/manifest-builder.ts';
import { SHOP_MODEL } from '../test/segments/generate-data.ts';
import { segmentsOf } from '../runtime/manifest.ts';
const [url, json] = process.argv.slice(2);
const rules: Record<string, string> = JSON.parse(json!);
const db = openDatabase(url!);
const AS_OF = Date.UTC(2011, 11, 10);
const m = buildManifest({ dataModel: SHOP_MODEL, segments: rules });
for (const s of segmentsOf(m)) {
  if (!(s.name in rules)) continue;
  const q = s.compiled.sql[db.dialect];
  const times: number[] = []; let n = 0;
  for (let i = 0; i < 4; i++) { const t = performance.now(); const r = await runCompiled(db.kysely, db.dialect, q, { as_of: AS_OF }); n = r.rows.length; times.push(performance.now() - t); }
  times.sort((a, b) => a - b);
  console.log(times[1]!.toFixed(0).padStart(6), 'ms', String(n).padStart(7), ' ', s.name);
}
await db.close();
