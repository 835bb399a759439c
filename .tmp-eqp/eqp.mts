import Database from 'better-sqlite3';
import { readFileSync, readdirSync } from 'node:fs';
const db = new Database('/tmp/flag2.db', { readonly: true });
const dir = '/work/main/campaigns/build/sql/sqlite';
for (const kind of ['segments', 'traits']) for (const f of readdirSync(`${dir}/${kind}`)) {
  const text = readFileSync(`${dir}/${kind}/${f}`, 'utf8').split('\n').filter((l) => !l.startsWith('--')).join('\n');
  const n = (text.match(/\?/g) ?? []).length;
  const plan = db.prepare(`explain query plan ${text.replace(/;\s*$/, '')}`).all(...Array(n).fill(0));
  console.log(`== ${kind}/${f}`);
  for (const p of plan as any[]) console.log('  ', p.detail);
}
