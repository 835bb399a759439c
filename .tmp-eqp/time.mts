import { sql } from 'kysely';
import { openDatabase } from '../runtime/db/open.ts';
const [url, ...queries] = process.argv.slice(2);
const db = openDatabase(url!);
const AS_OF = Date.UTC(2011, 11, 10);
for (const q of queries) {
  const text = q.replace(/:as_of/g, String(AS_OF));
  const times: number[] = [];
  let n = 0;
  for (let i = 0; i < 4; i++) { const t = performance.now(); const r = await sql.raw(text).execute(db.kysely); n = r.rows.length; times.push(performance.now() - t); }
  times.sort((a, b) => a - b);
  console.log(times[1]!.toFixed(0).padStart(6), 'ms', String(n).padStart(7), ' ', q.slice(0, 150));
}
await db.close();
