import Database from 'better-sqlite3';
const db = new Database('/tmp/herald-exp-100000.db', { readonly: true });
const qs: Record<string, [string, unknown[]]> = {
  hand: [`select id as customer_id from customers c where country = 'United Kingdom' and email_consent = 1`, []],
  herald: [`select "c"."id" as "customer_id" from "customers" as "c" where (coalesce("c"."country" = ?, 0) and coalesce("c"."email_consent", 0) = 1)`, ['United Kingdom']],
  bare: [`select "c"."id" as "customer_id" from "customers" as "c" where ("c"."country" = ? and "c"."email_consent" = 1)`, ['United Kingdom']],
  uk_hand: [`select id as customer_id from customers c where country = 'United Kingdom'`, []],
  uk_herald: [`select "c"."id" as "customer_id" from "customers" as "c" where coalesce("c"."country" = ?, 0)`, ['United Kingdom']],
  uk_bare: [`select "c"."id" as "customer_id" from "customers" as "c" where "c"."country" = ?`, ['United Kingdom']],
};
const times: Record<string, number[]> = {};
for (let round = 0; round < 15; round++) for (const [k, [q, p]] of Object.entries(qs)) { const st = db.prepare(q); const t = performance.now(); st.all(...p); (times[k] ??= []).push(performance.now() - t); }
for (const [k, v] of Object.entries(times)) { v.sort((a, b) => a - b); console.log(k.padEnd(10), v[7]!.toFixed(2), 'ms'); }
