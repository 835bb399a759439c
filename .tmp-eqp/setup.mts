import { sql } from 'kysely';
import { openDatabase } from '../runtime/db/open.ts';
import { migrate } from '../runtime/db/migrate.ts';
import { syncSchema } from '../runtime/db/sync.ts';
import { SHOP_MODEL, loadShop } from '../test/segments/generate-data.ts';
const n = Number(process.argv[2] ?? 100000);
const AS_OF = Date.UTC(2011, 11, 10);
const server = process.env.PG!;
const admin = openDatabase(server);
await sql.raw(`drop database if exists herald_exp_${n}`).execute(admin.kysely);
await sql.raw(`create database herald_exp_${n}`).execute(admin.kysely);
await admin.close();
for (const url of [`sqlite:/tmp/herald-exp-${n}.db`, server.replace(/\/[^/]*$/, `/herald_exp_${n}`)]) {
  const db = openDatabase(url);
  await migrate(db); await syncSchema(db, SHOP_MODEL);
  const t = Date.now();
  await loadShop(db, { customers: n, events: n * 10, asOf: AS_OF });
  console.log(url, (Date.now() - t) / 1000, 's');
  await db.close();
}
