import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { stopMjmlWorker } from '../../compiler/3-analyze/templates/index.ts';
import { SHOWCASE } from '../templates/helpers.ts';
import { openDatabase } from '../../runtime/db/open.ts';
import { migrate } from '../../runtime/db/migrate.ts';
import { syncSchema } from '../../runtime/db/sync.ts';
import { runPipeline } from '../../compiler/index.ts';
import type { Manifest } from '../../compiler/contract/manifest.ts';

afterAll(() => stopMjmlWorker());

async function herald(...argv: string[]) {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) => new Writable({ write: (chunk, _enc, done) => (append(String(chunk)), done()) });
  const code = await main(argv, {
    stdout: sink((s) => (out += s)),
    stderr: sink((s) => (err += s)),
    cwd: process.cwd(),
    env: { NO_COLOR: '1' },
  });
  return { code, out, err };
}

describe('herald render', () => {
  it('prints each part for a sample customer', async () => {
    const subject = await herald('render', 'cart_reminder', '--customer', 'c_1001', SHOWCASE, '--part', 'subject');
    expect(subject).toEqual({ code: 0, out: 'Ada, you left something behind\n', err: '' });
    const text = await herald('render', 'cart_reminder', '--customer', 'c_1001', SHOWCASE, '--part', 'text');
    expect(text.out).toContain('Regency cakestand 3 tier');
    expect(text.out).toContain('£12.75');
    const html = await herald('render', 'cart_reminder', '--customer', 'c_1001', SHOWCASE);
    expect(html.out).toMatch(/^<!doctype html>/);
    const mime = await herald('render', 'cart_reminder', '--customer', 'c_1001', SHOWCASE, '--part', 'mime');
    expect(mime.out).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  });

  it('writes .html, .txt and .eml with --out', async () => {
    const out = mkdtempSync(join(tmpdir(), 'herald-render-cli-'));
    const r = await herald('render', 'welcome', '--customer', 'c_1002', SHOWCASE, '--out', out);
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['welcome.c_1002.eml', 'welcome.c_1002.html', 'welcome.c_1002.txt']);
    expect(readFileSync(join(out, 'welcome.c_1002.txt'), 'utf8')).toContain('Welcome, Jean!');
  });

  it('uses --sample data and reports a customer it does not have', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-render-sample-'));
    const file = join(dir, 'people.json');
    writeFileSync(file, JSON.stringify({ customers: [{ id: 'z1', first_name: 'Zoë', email: 'z@example.test' }], items: [] }));
    const ok = await herald('render', 'welcome', '--customer', 'z1', SHOWCASE, '--sample', file, '--part', 'subject');
    expect(ok.out).toBe('Welcome to Hedgerow Gifts, Zoë\n');
    const missing = await herald('render', 'welcome', '--customer', 'nobody', SHOWCASE, '--sample', file);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('no customer "nobody"');
  });

  it('exits 2 with a suggestion for an unknown template, and for bad flags', async () => {
    const r = await herald('render', 'welcom', '--customer', 'c_1001', SHOWCASE);
    expect(r.code).toBe(2);
    expect(r.err).toContain('did you mean "welcome"?');
    expect((await herald('render', 'welcome', SHOWCASE)).code).toBe(2);
    expect((await herald('render', 'welcome', '--customer', 'c_1001', SHOWCASE, '--part', 'pdf')).code).toBe(2);
  });

  it('exits 1 with a code frame when the template has errors', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'herald-render-bad-'));
    cpSync(SHOWCASE, ws, { recursive: true });
    const mjml = join(ws, 'templates/welcome.mjml');
    writeFileSync(mjml, readFileSync(mjml, 'utf8').replace('customer.first_name', 'customer.frist_name'));
    const r = await herald('render', 'welcome', '--customer', 'c_1001', ws);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain('error[HL350]: unknown customer field "frist_name"');
    expect(r.err).toContain('--> templates/welcome.mjml:3:71');
    expect(r.err).toContain('did you mean "first_name"?');
  });

  it('renders a customer from the database with --db and --as-of', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-render-db-'));
    const url = `sqlite:${join(dir, 'shop.db')}`;
    const manifest = runPipeline(SHOWCASE, { emit: true }).emitted!.manifest as Manifest;
    const db = openDatabase(url);
    await migrate(db);
    await syncSchema(db, manifest.dataModel, []);
    await db.kysely.insertInto('customers').values({ id: 'd1', first_name: 'Dora', email: 'dora@example.test' }).execute();
    await db.close();
    const r = await herald('render', 'welcome', '--customer', 'd1', SHOWCASE, '--db', url, '--as-of', '2026-03-10', '--part', 'subject');
    expect(r).toMatchObject({ code: 0, out: 'Welcome to Hedgerow Gifts, Dora\n' });
    const missing = await herald('render', 'welcome', '--customer', 'nobody', SHOWCASE, '--db', url, '--as-of', '2026-03-10');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/nobody/);
  });
});
