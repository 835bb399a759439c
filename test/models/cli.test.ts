import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.ts';
import { runPipeline } from '../../compiler/index.ts';
import type { Manifest } from '../../compiler/types/manifest.ts';
import { openDatabase } from '../../runtime/db/open.ts';
import { syncSchema } from '../../runtime/db/sync.ts';
import { migrate } from '../../runtime/db/migrate.ts';
import { generateShop } from './support/generate.ts';

async function herald(args: string[]) {
  let stdout = '';
  let stderr = '';
  const sink = (write: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, done) {
        write(String(chunk));
        done();
      },
    });
  const code = await main(args, { stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)), cwd: process.cwd(), env: {} });
  return { code, stdout, stderr };
}

describe('herald train / herald score', () => {
  let dir = '';
  let db = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'herald-train-cli-'));
    cpSync(join(import.meta.dirname, 'fixtures', 'shop'), dir, { recursive: true });
    db = `sqlite:${join(dir, '.herald', 'shop.db')}`;
    const manifest = runPipeline(dir, { emit: true }).emitted!.manifest as Manifest;
    const shop = generateShop({ customers: 200, seed: 9 });
    const database = openDatabase(db);
    try {
      await migrate(database);
      await syncSchema(database, manifest.dataModel);
      await database.kysely.insertInto('customers').values(shop.customers.map((c) => ({ id: c.id, country: c.country, email: `${c.id}@example.test` }))).execute();
      for (let i = 0; i < shop.events.length; i += 500) {
        await database.kysely
          .insertInto('events')
          .values(shop.events.slice(i, i + 500).map((e, k) => ({ id: `e${i + k}`, customer_id: e.customer_id, type: e.type, at: e.at, item_id: e.item_id, amount: e.amount })))
          .execute();
      }
      await database.kysely.insertInto('items').values(shop.items.map((it) => ({ id: it.id, category: it.category, price: it.price }))).execute();
    } finally {
      await database.close();
    }
  });
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('score before train says to run herald train (exit 1)', async () => {
    const r = await herald(['score', dir, '--db', db, '--model', 'repurchase_90d']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error[HL572]: model repurchase_90d has never been trained');
    expect(r.stderr).toContain('help: run `herald train --model repurchase_90d`');
  });

  it('trains every model, writes reports, then reports them unchanged', async () => {
    const r = await herald(['train', dir, '--db', db]);
    expect(r.stderr).not.toContain('internal error');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^next_items v1: activated\. precision_at_k [\d.]+ \(baseline [\d.]+\)/m);
    expect(r.stdout).toMatch(/^repurchase_90d v1: activated\. auc [\d.]+ \(baseline [\d.]+\)/m);
    expect(existsSync(join(dir, '.herald/models/repurchase_90d/v1/report.md'))).toBe(true);
    const again = await herald(['train', dir, '--db', db, '--model', 'repurchase_90d', '--format', 'json']);
    expect(JSON.parse(again.stdout).models[0]).toMatchObject({ model: 'repurchase_90d', status: 'unchanged', version: 1 });
  });

  it('scores, printing the tier distribution and drift, and never a customer', async () => {
    const r = await herald(['score', dir, '--db', db]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^repurchase_90d v1: 200 customers \(high 40, medium 60, low 100\), PSI vs training [\d.]+$/m);
    expect(r.stdout).toMatch(/^next_items v1: 200 customers \(with_history \d+, cold_start \d+\), 1000 recommendations$/m);
    expect(r.stdout + r.stderr).not.toMatch(/c0\d{4}|@example\.test/);
  });

  it('a bar that is not met: exit 1, the reason, the previous version stays active', async () => {
    const models = join(dir, 'models.yaml');
    const original = readFileSync(models, 'utf8');
    writeFileSync(models, original.replace('min_auc: 0.6', 'min_auc: 0.999'));
    try {
      const r = await herald(['train', dir, '--db', db, '--model', 'repurchase_90d']);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/error\[HL576\]: repurchase_90d v2 is not activated: auc [\d.]+ is below the bar min_auc: 0\.999/);
      const s = await herald(['score', dir, '--db', db, '--model', 'repurchase_90d']);
      expect(s.stdout).toMatch(/^repurchase_90d v1:/m);
      expect(s.stderr).toContain('warning[HL577]');
    } finally {
      writeFileSync(models, original);
    }
  });

  it('an unknown model is a usage error with a suggestion', async () => {
    const r = await herald(['train', dir, '--db', db, '--model', 'repurchase_90']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no model "repurchase_90" in this workspace; did you mean "repurchase_90d"?');
  });
});
